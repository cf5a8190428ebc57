package it.comune.milano.suapgw.gateway.lifecycle;

import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.StatoPratica;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static it.comune.milano.suapgw.model.StatoPratica.*;

/**
 * The one place where the lifecycle of a pratica is decided: which event moves which state where, and which
 * operation a state still takes. Channel-neutral; each edge maps {@link LifecycleException} to its contract's error.
 */
public final class Lifecycle {

    public enum Evento {
        /** documents verified: the istruttoria starts (channels without preliminary checks; after an integration) */
        DOCUMENTS_VERIFIED,
        /** SSU: documents verified, the operator's formal check is due */
        FORMAL_CHECK_DUE,
        FORMAL_CHECK_PASSED, CORRECTION_REQUESTED, CORRECTED_INSTANCE_RECEIVED, ADMISSIBLE, INADMISSIBLE,
        ALL_PARERI_RECEIVED, VALIDATED_POSITIVE, VALIDATED_NEGATIVE, VALIDATED_CONFORMATION, VALIDATED_SUSPENSION,
        /** the funzionario asks the applicant for an integration (channels where the pratica stays open) */
        VALIDATED_INTEGRATION_REQUEST,
        /** the enti's integration requests, gathered, sent to the applicant as one */
        INTEGRATION_REQUEST_SENT,
        INTEGRATION_RECEIVED, INTEGRATION_TIME_EXPIRED,
        /** a SCIA nobody objected to within its proceeding time */
        PROCEEDING_TIME_EXPIRED,
        /** the proceeding time ran out on a silence-assent procedure with no negative parere */
        SILENCE_ASSENT,
        SUBMITTER_CANCELLED,
        /** an ente asked for a conferenza dei servizi; the operator convened it; the conferenza determined */
        CDSS_REQUESTED, CDSS_CONVENED, CDSS_DETERMINED
    }

    /** Operations a sender may ask of an open pratica, whatever the phase. */
    public enum Operazione { NOTIFY_RECEIPT, CANCEL_INSTANCE }

    private static final Map<StatoPratica, Map<Evento, StatoPratica>> TRANSITIONS = new EnumMap<>(StatoPratica.class);

    static {
        allow(PRESENTED, Evento.DOCUMENTS_VERIFIED, IN_ISTRUTTORIA);
        // SSU: formal check (corrections), then admissibility (refusal), then the istruttoria
        allow(PRESENTED, Evento.FORMAL_CHECK_DUE, FORMAL_CHECK);
        allow(FORMAL_CHECK, Evento.FORMAL_CHECK_PASSED, ADMISSIBILITY_CHECK);
        allow(FORMAL_CHECK, Evento.CORRECTION_REQUESTED, CORRECTION_REQUESTED);
        allow(CORRECTION_REQUESTED, Evento.CORRECTED_INSTANCE_RECEIVED, CORRECTED);
        allow(CORRECTION_REQUESTED, Evento.INADMISSIBLE, REFUSED);
        allow(CORRECTED, Evento.DOCUMENTS_VERIFIED, ADMISSIBILITY_CHECK);
        allow(ADMISSIBILITY_CHECK, Evento.ADMISSIBLE, IN_ISTRUTTORIA);
        allow(ADMISSIBILITY_CHECK, Evento.INADMISSIBLE, REFUSED);
        allow(IN_ISTRUTTORIA, Evento.ALL_PARERI_RECEIVED, OUTCOME_PROPOSED);
        allow(OUTCOME_PROPOSED, Evento.VALIDATED_POSITIVE, ENDED_BY_POSITIVE_OUTCOME);
        allow(OUTCOME_PROPOSED, Evento.VALIDATED_NEGATIVE, ENDED_BY_NEGATIVE_OUTCOME);
        allow(OUTCOME_PROPOSED, Evento.VALIDATED_CONFORMATION, ENDED_BY_CONFORMATION_REQUESTED);
        allow(OUTCOME_PROPOSED, Evento.VALIDATED_SUSPENSION, ENDED_BY_SUSPENSION_REQUESTED);
        allow(OUTCOME_PROPOSED, Evento.VALIDATED_INTEGRATION_REQUEST, INTEGRATION_REQUESTED);
        allow(IN_ISTRUTTORIA, Evento.INTEGRATION_REQUEST_SENT, INTEGRATION_REQUESTED);
        allow(INTEGRATION_REQUESTED, Evento.INTEGRATION_RECEIVED, INTEGRATED);
        allow(INTEGRATION_REQUESTED, Evento.INTEGRATION_TIME_EXPIRED, ENDED_BY_INTEGRATION_TIMES_EXPIRED);
        // the integration's documents are in hand: the enti that asked for it are consulted again
        allow(INTEGRATED, Evento.DOCUMENTS_VERIFIED, IN_ISTRUTTORIA);
        // the conferenza dei servizi: requested by an ente during the istruttoria, convened, its determination proposed
        allow(IN_ISTRUTTORIA, Evento.CDSS_REQUESTED, CDSS_REQUESTED);
        allow(CDSS_REQUESTED, Evento.CDSS_CONVENED, CDSS_CONVENED);
        allow(CDSS_CONVENED, Evento.CDSS_DETERMINED, OUTCOME_PROPOSED);
        for (StatoPratica s : List.of(IN_ISTRUTTORIA, OUTCOME_PROPOSED)) {
            allow(s, Evento.PROCEEDING_TIME_EXPIRED, ENDED_BY_PROCEEDING_TIME_EXPIRED);
            allow(s, Evento.SILENCE_ASSENT, ENDED_BY_POSITIVE_OUTCOME);
        }
        // the applicant may withdraw an instance at any moment until it ends
        for (StatoPratica s : StatoPratica.values()) {
            if (!s.isFinal()) allow(s, Evento.SUBMITTER_CANCELLED, ENDED_BY_SUBMITTER_CANCEL_REQUESTED);
        }
    }

    private Lifecycle() {
    }

    private static void allow(StatoPratica from, Evento e, StatoPratica to) {
        TRANSITIONS.computeIfAbsent(from, k -> new EnumMap<>(Evento.class)).put(e, to);
    }

    /** @throws LifecycleException (event not expected) when the current state does not take the event */
    public static StatoPratica next(StatoPratica current, Evento event) {
        StatoPratica to = TRANSITIONS.getOrDefault(current, Map.of()).get(event);
        if (to == null) {
            throw new LifecycleException(LifecycleException.Kind.EVENT_NOT_EXPECTED,
                    "event " + event + " not expected in state " + current.apiName());
        }
        return to;
    }

    public static boolean accepts(StatoPratica current, Evento event) {
        return TRANSITIONS.getOrDefault(current, Map.of()).containsKey(event);
    }

    /** @throws LifecycleException (operation not expected) once the pratica has ended */
    public static void requireOpen(StatoPratica current, Operazione operation) {
        if (current.isFinal()) {
            throw new LifecycleException(LifecycleException.Kind.OPERATION_NOT_EXPECTED,
                    operation.name().toLowerCase() + " not expected in state " + current.apiName());
        }
    }

    /**
     * The event of the funzionario's validation. Where a conformation ends the pratica (the SSU: the applicant
     * presents a new instance) it ends it; elsewhere the pratica stays open and waits for the integration.
     */
    public static Evento validated(Esito esito, boolean conformationEndsPratica) {
        return switch (esito) {
            case POSITIVO -> Evento.VALIDATED_POSITIVE;
            case NEGATIVO -> Evento.VALIDATED_NEGATIVE;
            case CONFORMAZIONE -> conformationEndsPratica ? Evento.VALIDATED_CONFORMATION : Evento.VALIDATED_INTEGRATION_REQUEST;
        };
    }
}
