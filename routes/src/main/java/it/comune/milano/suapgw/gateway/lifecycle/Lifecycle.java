package it.comune.milano.suapgw.gateway.lifecycle;

import it.comune.milano.suapgw.connectors.ssu.SsuErrorCode;
import it.comune.milano.suapgw.connectors.ssu.SsuException;
import it.comune.milano.suapgw.model.StatoPratica;

import java.util.EnumMap;
import java.util.Map;

import static it.comune.milano.suapgw.model.StatoPratica.*;

/** The one place where lifecycle transitions are decided. */
public final class Lifecycle {

    public enum Evento {
        DOCUMENTS_VERIFIED, ALL_PARERI_RECEIVED, VALIDATED_POSITIVE, VALIDATED_NEGATIVE, VALIDATED_CONFORMATION,
        /** the funzionario asks the applicant for an integration (channels where the pratica stays open) */
        VALIDATED_INTEGRATION_REQUEST,
        INTEGRATION_RECEIVED
    }

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

    /** @throws SsuException ERROR_500_008 when the event is not expected in the current state */
    public static StatoPratica next(StatoPratica current, Evento event) {
        StatoPratica to = TRANSITIONS.getOrDefault(current, Map.of()).get(event);
        if (to == null) {
            throw new SsuException(SsuErrorCode.ERROR_500_008,
                    "event " + event + " not expected in state " + current.apiName());
        }
        return to;
    }

    public static boolean accepts(StatoPratica current, Evento event) {
        return TRANSITIONS.getOrDefault(current, Map.of()).containsKey(event);
    }

    /**
     * The event of the funzionario's validation. On the SSU a conformation ends the instance (the applicant presents a
     * new one); on the scrivania and GEOPOST the pratica stays open and waits for the integration.
     */
    public static Evento validated(it.comune.milano.suapgw.model.Esito esito, it.comune.milano.suapgw.model.Canale canale) {
        return switch (esito) {
            case POSITIVO -> Evento.VALIDATED_POSITIVE;
            case NEGATIVO -> Evento.VALIDATED_NEGATIVE;
            case CONFORMAZIONE -> canale == it.comune.milano.suapgw.model.Canale.SSU
                    ? Evento.VALIDATED_CONFORMATION : Evento.VALIDATED_INTEGRATION_REQUEST;
        };
    }
}
