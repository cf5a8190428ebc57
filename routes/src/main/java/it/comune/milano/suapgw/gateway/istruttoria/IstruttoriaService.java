package it.comune.milano.suapgw.gateway.istruttoria;

import it.comune.milano.suapgw.gateway.channel.ChannelPolicies;
import it.comune.milano.suapgw.gateway.channel.ChannelPolicy;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.lifecycle.Lifecycle;
import it.comune.milano.suapgw.gateway.lifecycle.PraticaLifecycle;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.outbox.OutboxStore;
import it.comune.milano.suapgw.gateway.persistence.PareriRepository;
import it.comune.milano.suapgw.gateway.persistence.PareriRepository.UltimoParere;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.gateway.pareri.ssu.EntiSsuService;
import it.comune.milano.suapgw.gateway.termini.TermineService;
import it.comune.milano.suapgw.model.Ente;
import it.comune.milano.suapgw.model.TerminiIstanza;
import it.comune.milano.suapgw.model.StatoPratica;
import org.springframework.stereotype.Service;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The istruttoria of any pratica: it goes to Geowork and the competent enti are consulted; after the applicant's
 * integration the enti that asked for it are consulted again, each naming the parere it follows. With nobody to
 * consult the round is complete at once. Runs in the caller's transaction, pratica locked.
 */
@Service
public class IstruttoriaService {
    private final PraticaRepository pratiche;
    private final PareriRepository pareri;
    private final PraticaLifecycle lifecycle;
    private final ChannelPolicies channels;
    private final OutboxStore outbox;
    private final TimelineStore timeline;
    private final IntegrazioniService rounds;
    private final GatewayProperties props;
    private final TermineService termini;

    public IstruttoriaService(PraticaRepository pratiche, PareriRepository pareri, PraticaLifecycle lifecycle,
                              ChannelPolicies channels, OutboxStore outbox, TimelineStore timeline, IntegrazioniService rounds,
                              TermineService termini, GatewayProperties props) {
        this.termini = termini;
        this.pratiche = pratiche;
        this.pareri = pareri;
        this.lifecycle = lifecycle;
        this.channels = channels;
        this.outbox = outbox;
        this.timeline = timeline;
        this.rounds = rounds;
        this.props = props;
    }

    /** A pratica without preliminary checks, complete: to Geowork, and the enti consulted. */
    public void start(UUID id) {
        lifecycle.transition(id, StatoPratica.PRESENTED, Lifecycle.Evento.DOCUMENTS_VERIFIED);
        pratiche.setDocumentsStatus(id, PraticaRepository.VERIFIED, null);
        outbox.enqueue(id, OutboxKind.GEOWORK_REGISTER.name(), "geowork:" + id, "");
        consultFirstRound(id);
    }

    /** The pratica is admissible and in istruttoria: the competent enti of its channel are asked, one request each. */
    public void consultFirstRound(UUID id) {
        List<Ente> enti = reachable(id, channels.of(pratiche.channelOf(id)).competentEnti(id));
        LocalDate today = LocalDate.now();
        for (Ente ente : enti) {
            requestParere(id, ente, 1, null, today);
        }
        timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "istruttoria", "STARTED", null,
                "pareri requested from " + enti.stream().map(Ente::code).toList());
        if (enti.isEmpty()) rounds.onRoundComplete(id);
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
        if (pareri.countOpen(id) == 0) rounds.onRoundComplete(id);
    }

    /**
     * An ente terzo reached through the SSU e-services can be sent only an SSU instance (a CUI, an index): for a
     * pratica of another channel it is not consulted, and the timeline says so.
     */
    private List<Ente> reachable(UUID id, List<Ente> enti) {
        if (pratiche.channelOf(id) == it.comune.milano.suapgw.model.Canale.SSU) return enti;
        List<Ente> out = new ArrayList<>();
        for (Ente e : enti) {
            if (e.bySsu()) {
                timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "resolve_ente", "UNREACHABLE", null,
                        e.code() + " is reached through the SSU e-services, which carry SSU instances only");
            } else {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * One request, on the ente's channel: by its own kind of call for an ente terzo on the SSU (et_to_bo send_instance,
     * ordered with what follows for it). Its deadline is the enti's term of the pratica (max_gg_concl_send) when there
     * is one, else the ente's usual one.
     */
    private void requestParere(UUID id, Ente ente, int round, UUID previous, LocalDate today) {
        UUID rid = UUID.randomUUID();
        LocalDate deadline = termini.scadenza(id, TerminiIstanza.Tipo.CONCLUSIONI).orElse(today.plusDays(ente.deadlineDays()));
        String channel = ente.bySsu() ? Ente.SSU : ente.byPec() ? Ente.PEC : Ente.ARTEMIS;
        pareri.insert(rid, id, ente.code(), round, deadline, previous, channel);
        if (ente.bySsu()) {
            outbox.enqueue(id, OutboxKind.ET_SEND_INSTANCE.name(), EntiSsuService.orderingKey(ente, id), rid.toString());
        } else {
            outbox.enqueue(id, OutboxKind.PARERE_REQUEST.name(), null, rid.toString());
        }
    }
}
