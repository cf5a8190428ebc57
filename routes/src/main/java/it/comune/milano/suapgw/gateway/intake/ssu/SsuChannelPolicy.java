package it.comune.milano.suapgw.gateway.intake.ssu;

import it.comune.milano.suapgw.connectors.ssu.SsuMapper;
import it.comune.milano.suapgw.gateway.channel.ChannelPolicy;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.esito.EsitoPareri;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.outbox.OutboxStore;
import it.comune.milano.suapgw.gateway.persistence.PareriRepository.UltimoParere;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.model.AmministrazioneCompetente;
import it.comune.milano.suapgw.model.Canale;
import it.comune.milano.suapgw.model.Ente;
import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.StatoPratica;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The SSU channel: complete once the Catalogo's descriptor is in; the enti are the competent administrations of the
 * descriptor; a conformation ends the instance; the outcome goes to the front-office ({@code notify}) and the
 * Catalogo ({@code audit}).
 */
@Component
public class SsuChannelPolicy implements ChannelPolicy {
    private final PraticaRepository pratiche;
    private final OutboxStore outbox;
    private final TimelineStore timeline;
    private final SsuMapper ssu;
    private final GatewayProperties props;

    public SsuChannelPolicy(PraticaRepository pratiche, OutboxStore outbox, TimelineStore timeline, SsuMapper ssu,
                            GatewayProperties props) {
        this.pratiche = pratiche;
        this.outbox = outbox;
        this.timeline = timeline;
        this.ssu = ssu;
        this.props = props;
    }

    @Override
    public Canale canale() {
        return Canale.SSU;
    }

    @Override
    public boolean readyForIstruttoria(UUID id) {
        return pratiche.descriptorOf(id) != null;
    }

    @Override
    public void onIstruttoriaStarted(UUID id) {
        outbox.enqueue(id, OutboxKind.CATALOGO_AUDIT.name(), "catalogo:" + id, "instance_retrived");
    }

    @Override
    public List<Ente> competentEnti(UUID id) {
        Map<String, Ente> enti = new LinkedHashMap<>();
        for (AmministrazioneCompetente a : ssu.fromDescriptor(pratiche.descriptorOf(id)).competentAdministrations()) {
            if (props.isSuap(a.ipaCode(), a.officeCode())) continue;
            props.enteByAdministration(a.ipaCode(), a.officeCode()).ifPresentOrElse(
                    e -> enti.putIfAbsent(e.code(), e),
                    () -> timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "resolve_ente", "UNKNOWN_ENTE", null,
                            "no ente registered for " + a.ipaCode() + "/" + a.officeCode() + " (" + a.proceedingCode() + ")"));
        }
        return new ArrayList<>(enti.values());
    }

    @Override
    public Esito proposeOutcome(UUID id, List<UltimoParere> latest) {
        return EsitoPareri.combine(latest.stream().map(UltimoParere::esito).toList());
    }

    @Override
    public boolean conformationEndsPratica() {
        return true;
    }

    @Override
    public void release(UUID id, StatoPratica next, Esito esito, String funzionario, String testo) {
        outbox.enqueue(id, OutboxKind.FO_NOTIFY.name(), "fo:" + id, next.ssuEvent());
        outbox.enqueue(id, OutboxKind.CATALOGO_AUDIT.name(), "catalogo:" + id, next.ssuEvent());
    }
}
