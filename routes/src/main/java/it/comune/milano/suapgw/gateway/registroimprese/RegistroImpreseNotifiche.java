package it.comune.milano.suapgw.gateway.registroimprese;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.connectors.ssu.SsuEntiMapper;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.outbox.OutboxStore;
import it.comune.milano.suapgw.gateway.persistence.EntiSsuRepository;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The Registro Imprese (RI_InformationDebit-001) hears of an instance that carries a filing for it — a
 * {@code SUAP_REA_START_XML}, {@code SUAP_REA_UPDATE_XML} or {@code SUAP_REA_END_XML} in the general index — each
 * version of it, and how it ended (with the act). Booked in the caller's transaction.
 */
@Component
public class RegistroImpreseNotifiche {
    static final Set<String> REA = Set.of("SUAP_REA_START_XML", "SUAP_REA_UPDATE_XML", "SUAP_REA_END_XML");
    static final String ORDERING = "ri:";

    private final PraticaRepository pratiche;
    private final EntiSsuRepository destinatari;
    private final OutboxStore outbox;
    private final ObjectMapper json;

    public RegistroImpreseNotifiche(PraticaRepository pratiche, EntiSsuRepository destinatari, OutboxStore outbox, ObjectMapper json) {
        this.pratiche = pratiche;
        this.destinatari = destinatari;
        this.outbox = outbox;
        this.json = json;
    }

    /** A version of the instance is in hand: the Registro Imprese is sent it when it carries a REA filing. */
    public void onInstance(UUID id) {
        JsonNode index = pratiche.ssuIndexOf(id);
        if (index == null) return;
        boolean rea = false;
        for (JsonNode g : index.path("general_index")) rea |= REA.contains(g.path("name").asText());
        if (!rea) return;
        List<String> granted = new ArrayList<>();
        index.path("instance_index").forEach(i -> granted.add(i.path("resource_id").asText()));
        index.path("general_index").forEach(g -> granted.add(g.path("resource_id").asText()));
        destinatari.grant(id, EntiSsuRepository.REGISTRO_IMPRESE, granted);
        outbox.enqueue(id, OutboxKind.RI_SEND_INSTANCE.name(), ORDERING + id, pratiche.descriptorVersionOf(id));
    }

    /** The end of an instance the Registro Imprese was sent. */
    public void announce(UUID id, String event, String actResourceId) {
        if (!SsuEntiMapper.notifiesRegistroImprese(event) || !destinatari.wasSent(id, EntiSsuRepository.REGISTRO_IMPRESE)) return;
        var payload = json.createObjectNode().put("event", event);
        if (actResourceId != null) {
            payload.put("resource_id", actResourceId);
            destinatari.grant(id, EntiSsuRepository.REGISTRO_IMPRESE, List.of(actResourceId));
        }
        outbox.enqueue(id, OutboxKind.RI_NOTIFY.name(), ORDERING + id, payload.toString());
    }
}
