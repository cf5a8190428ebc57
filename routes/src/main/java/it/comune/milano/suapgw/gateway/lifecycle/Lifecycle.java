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
        DOCUMENTS_VERIFIED, ALL_PARERI_RECEIVED, VALIDATED_POSITIVE, VALIDATED_NEGATIVE, VALIDATED_CONFORMATION
    }

    private static final Map<StatoPratica, Map<Evento, StatoPratica>> TRANSITIONS = new EnumMap<>(StatoPratica.class);

    static {
        allow(PRESENTED, Evento.DOCUMENTS_VERIFIED, IN_ISTRUTTORIA);
        allow(IN_ISTRUTTORIA, Evento.ALL_PARERI_RECEIVED, OUTCOME_PROPOSED);
        allow(OUTCOME_PROPOSED, Evento.VALIDATED_POSITIVE, ENDED_BY_POSITIVE_OUTCOME);
        allow(OUTCOME_PROPOSED, Evento.VALIDATED_NEGATIVE, ENDED_BY_NEGATIVE_OUTCOME);
        allow(OUTCOME_PROPOSED, Evento.VALIDATED_CONFORMATION, ENDED_BY_CONFORMATION_REQUESTED);
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

    public static Evento validated(it.comune.milano.suapgw.model.Esito esito) {
        return switch (esito) {
            case POSITIVO -> Evento.VALIDATED_POSITIVE;
            case NEGATIVO -> Evento.VALIDATED_NEGATIVE;
            case CONFORMAZIONE -> Evento.VALIDATED_CONFORMATION;
        };
    }
}
