package it.comune.milano.suapgw.gateway.verifica;

import it.comune.milano.suapgw.connectors.geowork.GeoworkMapper;
import it.comune.milano.suapgw.connectors.ssu.SsuEvents;
import it.comune.milano.suapgw.connectors.ssu.SsuMapper;
import it.comune.milano.suapgw.gateway.common.PraticaMdc;
import it.comune.milano.suapgw.gateway.esito.EsitoService;
import it.comune.milano.suapgw.gateway.istruttoria.IstruttoriaService;
import it.comune.milano.suapgw.gateway.lifecycle.Lifecycle;
import it.comune.milano.suapgw.gateway.lifecycle.LifecycleException;
import it.comune.milano.suapgw.gateway.lifecycle.PraticaLifecycle;
import it.comune.milano.suapgw.gateway.lifecycle.UnknownPraticaException;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.outbox.OutboxStore;
import it.comune.milano.suapgw.gateway.persistence.JsonColumns;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.model.Correzione;
import it.comune.milano.suapgw.model.StatoPratica;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.util.List;
import java.util.UUID;

/**
 * The operator's preliminary checks of an SSU pratica (General-001): the formal check — a KO asks the applicant for
 * corrections ({@code request_correction}) and the corrected instance comes back as a new version — then the
 * admissibility check — a KO refuses the instance ({@code end_by_instance_refused}), an OK opens the istruttoria.
 * The operator reports both through Geowork; when a check is not reported within its term it is deemed passed.
 */
@Service
public class VerificaService {
    private final PraticaRepository pratiche;
    private final PraticaLifecycle lifecycle;
    private final IstruttoriaService istruttoria;
    private final EsitoService esiti;
    private final OutboxStore outbox;
    private final TimelineStore timeline;
    private final SsuMapper ssu;
    private final ObjectMapper json;

    public VerificaService(PraticaRepository pratiche, PraticaLifecycle lifecycle, IstruttoriaService istruttoria,
                           EsitoService esiti, OutboxStore outbox, TimelineStore timeline, SsuMapper ssu, ObjectMapper json) {
        this.pratiche = pratiche;
        this.lifecycle = lifecycle;
        this.istruttoria = istruttoria;
        this.esiti = esiti;
        this.outbox = outbox;
        this.timeline = timeline;
        this.ssu = ssu;
        this.json = json;
    }

    /** The instance and its documents are in: to Geowork for the formal check. Caller's transaction. */
    public void start(UUID id) {
        lifecycle.transition(id, StatoPratica.PRESENTED, Lifecycle.Evento.FORMAL_CHECK_DUE);
        pratiche.setDocumentsStatus(id, PraticaRepository.VERIFIED, null);
        outbox.enqueue(id, OutboxKind.GEOWORK_REGISTER.name(), "geowork:" + id, GeoworkMapper.FORMALE);
    }

    /** The corrected instance and its documents are in: to Geowork for the admissibility check. Caller's transaction. */
    public void onCorrectedInstance(UUID id) {
        lifecycle.transition(id, StatoPratica.CORRECTED, Lifecycle.Evento.DOCUMENTS_VERIFIED);
        pratiche.setDocumentsStatus(id, PraticaRepository.VERIFIED, null);
        outbox.enqueue(id, OutboxKind.GEOWORK_REGISTER.name(), "geowork:" + id, GeoworkMapper.AMMISSIBILITA);
    }

    /**
     * The operator's check as Geowork reports it. A check the pratica is already past, or on an ended pratica, changes
     * nothing and is answered with the current state.
     * @throws LifecycleException when the pratica is not waiting for that check
     */
    @Transactional
    public StatoPratica onVerifica(GeoworkMapper.Verifica v) {
        UUID id = lock(v.praticaId());
        StatoPratica state = pratiche.stateOf(id);
        timeline.record(id, TimelineStore.IN, "GEOWORK", "notificaVerifica " + v.fase(), v.ok() ? "OK" : "KO", null,
                "by " + v.funzionario() + (v.motivazione() == null ? "" : ": " + v.motivazione()));
        boolean formale = GeoworkMapper.FORMALE.equals(v.fase());
        if (state.isFinal() || formale && pastFormalCheck(state) || !formale && pastAdmissibilityCheck(state)) {
            // a late or repeated check (the applicant withdrew meanwhile, or Geowork repeats its call): nothing to do,
            // Geowork hears where the pratica stands
            timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "notificaVerifica " + v.fase(), "IGNORED", null,
                    "the pratica is " + state.apiName());
            return state;
        }
        if (formale) {
            if (v.ok()) return lifecycle.transition(id, state, Lifecycle.Evento.FORMAL_CHECK_PASSED);
            return requestCorrection(id, state, v.correzioni());
        }
        if (v.ok()) return admissible(id, state);
        return esiti.end(id, Lifecycle.Evento.INADMISSIBLE);
    }

    private static boolean pastFormalCheck(StatoPratica state) {
        return state != StatoPratica.PRESENTED && state != StatoPratica.FORMAL_CHECK;
    }

    /** In istruttoria or beyond: admitted already (by the operator, or by the term running out). */
    private static boolean pastAdmissibilityCheck(StatoPratica state) {
        return switch (state) {
            case PRESENTED, FORMAL_CHECK, CORRECTION_REQUESTED, CORRECTED, ADMISSIBILITY_CHECK -> false;
            default -> true;
        };
    }

    private StatoPratica requestCorrection(UUID id, StatoPratica state, List<Correzione> correzioni) {
        if (correzioni.isEmpty()) {
            throw new LifecycleException(LifecycleException.Kind.OPERATION_NOT_EXPECTED,
                    "a formal check KO must name the corrections to ask for");
        }
        StatoPratica next = lifecycle.transition(id, state, Lifecycle.Evento.CORRECTION_REQUESTED);
        pratiche.setCorrezioni(id, JsonColumns.write(json, correzioni));
        outbox.enqueue(id, OutboxKind.FO_REQUEST_CORRECTION.name(), "fo:" + id,
                ssu.requestCorrection(pratiche.cuiOf(id), pratiche.descriptorVersionOf(id), correzioni).toString());
        outbox.enqueue(id, OutboxKind.CATALOGO_AUDIT.name(), "catalogo:" + id, SsuEvents.CORRECTION_REQUESTED);
        return next;
    }

    StatoPratica admissible(UUID id, StatoPratica state) {
        StatoPratica next = lifecycle.transition(id, state, Lifecycle.Evento.ADMISSIBLE);
        istruttoria.consultFirstRound(id);
        return pratiche.stateOf(id) == next ? next : pratiche.stateOf(id);
    }

    /** The formal check not reported within its term: deemed passed. */
    void formalCheckDeemedPassed(UUID id) {
        timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "controllo formale", "TACITO", null,
                "not reported within max_gg_correction: deemed passed");
        lifecycle.transition(id, StatoPratica.FORMAL_CHECK, Lifecycle.Evento.FORMAL_CHECK_PASSED);
    }

    /** The admissibility term ran out: admissible if nobody objected, refused if the correction never came. */
    void admissibilityTermExpired(UUID id, StatoPratica state) {
        switch (state) {
            case FORMAL_CHECK -> {
                formalCheckDeemedPassed(id);
                deemedAdmissible(id);
            }
            case ADMISSIBILITY_CHECK -> deemedAdmissible(id);
            case CORRECTION_REQUESTED -> {
                timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "ammissibilità", "KO", null,
                        "the corrected instance did not arrive within max_gg_admissibility");
                esiti.end(id, Lifecycle.Evento.INADMISSIBLE);
            }
            default -> {
                // checked already, or the corrected instance's documents are still being fetched
            }
        }
    }

    private void deemedAdmissible(UUID id) {
        timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "ammissibilità", "TACITA", null,
                "not reported within max_gg_admissibility: deemed admissible");
        admissible(id, StatoPratica.ADMISSIBILITY_CHECK);
    }

    private UUID lock(String praticaId) {
        UUID id;
        try {
            id = UUID.fromString(praticaId);
        } catch (IllegalArgumentException e) {
            throw new UnknownPraticaException("unknown pratica " + praticaId);
        }
        if (!pratiche.lock(id)) throw new UnknownPraticaException("unknown pratica " + praticaId);
        PraticaMdc.set(id, null);
        return id;
    }
}
