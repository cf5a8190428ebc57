package it.comune.milano.suapgw.gateway.pareri.ssu;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.connectors.ssu.SsuEntiMapper;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.outbox.OutboxStore;
import it.comune.milano.suapgw.gateway.persistence.EntiSsuRepository;
import it.comune.milano.suapgw.gateway.persistence.PareriRepository;
import it.comune.milano.suapgw.model.Ente;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.UUID;

/**
 * The enti terzi consulted on a pratica through the SSU hear its events (et_to_bo notify), the act with a transfer
 * outcome — which they may then read. Booked in the caller's transaction.
 */
@Component
public class EntiSsuNotifiche {
    private final PareriRepository pareri;
    private final EntiSsuRepository destinatari;
    private final OutboxStore outbox;
    private final GatewayProperties props;
    private final ObjectMapper json;

    public EntiSsuNotifiche(PareriRepository pareri, EntiSsuRepository destinatari, OutboxStore outbox, GatewayProperties props,
                            ObjectMapper json) {
        this.pareri = pareri;
        this.destinatari = destinatari;
        this.outbox = outbox;
        this.props = props;
        this.json = json;
    }

    /** @param cdss the convocation of a conferenza (cdss_convened): channel, date, act; else null */
    public void announce(UUID id, String event, String actResourceId, ObjectNode cdss) {
        if (!SsuEntiMapper.notifiesEnte(event)) return;
        for (Ente ente : consulted(id)) {
            ObjectNode payload = json.createObjectNode().put("ente", ente.code()).put("event", event);
            if (actResourceId != null) {
                destinatari.grant(id, ente.code(), List.of(actResourceId));
                if (!SsuEntiMapper.CDSS_CONVENED.equals(event)) payload.put("resource_id", actResourceId);
            }
            if (cdss != null) payload.setAll(cdss);
            outbox.enqueue(id, OutboxKind.ET_NOTIFY.name(), EntiSsuService.orderingKey(ente, id), payload.toString());
        }
    }

    /** The enti terzi consulted on the pratica through the SSU. */
    public List<Ente> consulted(UUID id) {
        return pareri.enteCodesOf(id).stream().map(c -> props.ente(c).orElse(null))
                .filter(e -> e != null && e.bySsu()).toList();
    }
}
