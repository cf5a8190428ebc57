package it.comune.milano.suapgw.gateway.istruttoria;

import it.comune.milano.suapgw.gateway.channel.ChannelPolicies;
import it.comune.milano.suapgw.gateway.channel.ChannelPolicy;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.esito.EsitoService;
import it.comune.milano.suapgw.gateway.lifecycle.Lifecycle;
import it.comune.milano.suapgw.gateway.lifecycle.PraticaLifecycle;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.outbox.OutboxStore;
import it.comune.milano.suapgw.gateway.persistence.PareriRepository;
import it.comune.milano.suapgw.gateway.persistence.PareriRepository.UltimoParere;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.model.Ente;
import it.comune.milano.suapgw.model.StatoPratica;
import org.springframework.stereotype.Service;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The istruttoria of any pratica: once it is complete it goes to Geowork and the competent enti are consulted;
 * after the applicant's integration the enti that asked for it are consulted again, each naming the parere it
 * follows. With nobody to consult the outcome is proposed at once. Runs in the caller's transaction, pratica locked.
 */
@Service
public class IstruttoriaService {
    private final PraticaRepository pratiche;
    private final PareriRepository pareri;
    private final PraticaLifecycle lifecycle;
    private final ChannelPolicies channels;
    private final OutboxStore outbox;
    private final TimelineStore timeline;
    private final EsitoService esiti;
    private final GatewayProperties props;

    public IstruttoriaService(PraticaRepository pratiche, PareriRepository pareri, PraticaLifecycle lifecycle,
                              ChannelPolicies channels, OutboxStore outbox, TimelineStore timeline, EsitoService esiti,
                              GatewayProperties props) {
        this.pratiche = pratiche;
        this.pareri = pareri;
        this.lifecycle = lifecycle;
        this.channels = channels;
        this.outbox = outbox;
        this.timeline = timeline;
        this.esiti = esiti;
        this.props = props;
    }

    /** Starts the istruttoria when every document is verified and the channel has what it needs; else waits. */
    public void startIfReady(UUID id) {
        StatoPratica state = pratiche.stateOf(id);
        if (state != StatoPratica.PRESENTED || !Lifecycle.accepts(state, Lifecycle.Evento.DOCUMENTS_VERIFIED)
                || pratiche.countNotVerified(id) > 0) {
            return;
        }
        ChannelPolicy channel = channels.of(pratiche.channelOf(id));
        if (!channel.readyForIstruttoria(id)) return;
        lifecycle.transition(id, state, Lifecycle.Evento.DOCUMENTS_VERIFIED);
        pratiche.setDocumentsStatus(id, PraticaRepository.VERIFIED, null);
        channel.onIstruttoriaStarted(id);
        outbox.enqueue(id, OutboxKind.GEOWORK_REGISTER.name(), "geowork:" + id, id.toString());
        List<Ente> enti = channel.competentEnti(id);
        LocalDate today = LocalDate.now();
        for (Ente ente : enti) {
            requestParere(id, ente, 1, null, today);
        }
        timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "istruttoria", "STARTED", null,
                "pareri requested from " + enti.stream().map(Ente::code).toList());
        if (enti.isEmpty()) esiti.proposeOutcome(id);
    }

    /** The applicant's integration is complete: a new round with the enti that asked for it. */
    public void reconsultAfterIntegration(UUID id) {
        lifecycle.transition(id, Lifecycle.Evento.DOCUMENTS_VERIFIED);
        int round = pratiche.roundOf(id) + 1;
        pratiche.startRound(id, round);
        pratiche.setDocumentsStatus(id, PraticaRepository.VERIFIED, null);
        ChannelPolicy channel = channels.of(pratiche.channelOf(id));
        LocalDate today = LocalDate.now();
        List<String> codes = new ArrayList<>();
        for (UltimoParere p : channel.entiToReconsult(id, round, pareri.latestPareri(id))) {
            Ente ente = props.ente(p.enteCode()).orElse(null);
            if (ente == null) continue; // no longer in the registry: nobody to ask
            requestParere(id, ente, round, p.richiestaId(), today);
            codes.add(ente.code());
        }
        timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "istruttoria", "ROUND_" + round, null,
                "integration received: pareri requested again from " + codes);
        if (codes.isEmpty()) esiti.proposeOutcome(id);
    }

    private void requestParere(UUID id, Ente ente, int round, UUID previous, LocalDate today) {
        UUID rid = UUID.randomUUID();
        pareri.insert(rid, id, ente.code(), round, today.plusDays(ente.deadlineDays()), previous,
                ente.byPec() ? Ente.PEC : Ente.ARTEMIS);
        outbox.enqueue(id, OutboxKind.PARERE_REQUEST.name(), null, rid.toString());
    }
}
