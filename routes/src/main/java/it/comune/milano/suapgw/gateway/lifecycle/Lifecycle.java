package it.comune.milano.suapgw.gateway.lifecycle;

import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.StatoPratica;

import java.util.EnumMap;
import java.util.Map;

import static it.comune.milano.suapgw.model.StatoPratica.*;

/**
 * The one place where the lifecycle of a pratica is decided: which event moves which state where, and which
 * operation a state still takes. Channel-neutral; each edge maps {@link LifecycleException} to its contract's error.
 */
public final class Lifecycle {

    public enum Evento {
        DOCUMENTS_VERIFIED, ALL_PARERI_RECEIVED, VALIDATED_POSITIVE, VALIDATED_NEGATIVE, VALIDATED_CONFORMATION,
        /** the funzionario asks the applicant for an integration (channels where the pratica stays open) */
        VALIDATED_INTEGRATION_REQUEST,
        INTEGRATION_RECEIVED
    }

    /** Operations a sender may ask of an open pratica, whatever the phase. */
    public enum Operazione { NOTIFY_RECEIPT }

    private static final Map<StatoPratica, Map<Evento, StatoPratica>> TRANSITIONS = new EnumMap<>(StatoPratica.class);

    static {
        allow(PRESENTED, Evento.DOCUMENTS_VERIFIED, IN_ISTRUTTORIA);
        allow(IN_ISTRUTTORIA, Evento.ALL_PARERI_RECEIVED, OUTCOME_PROPOSED);
        allow(OUTCOME_PROPOSED, Evento.VALIDATED_POSITIVE, ENDED_BY_POSITIVE_OUTCOME);
        allow(OUTCOME_PROPOSED, Evento.VALIDATED_NEGATIVE, ENDED_BY_NEGATIVE_OUTCOME);
        allow(OUTCOME_PROPOSED, Evento.VALIDATED_CONFORMATION, ENDED_BY_CONFORMATION_REQUESTED);
        allow(OUTCOME_PROPOSED, Evento.VALIDATED_INTEGRATION_REQUEST, INTEGRATION_REQUESTED);
        allow(INTEGRATION_REQUESTED, Evento.INTEGRATION_RECEIVED, INTEGRATED);
        // the integration's documents are in hand: the enti that asked for it are consulted again
        allow(INTEGRATED, Evento.DOCUMENTS_VERIFIED, IN_ISTRUTTORIA);
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
