package it.comune.milano.suapgw.gateway.common;

import org.apache.camel.Exchange;
import org.slf4j.MDC;

import java.util.UUID;

/**
 * The pratica a log line is about. On the exchange (camel-mdc puts the properties in the MDC around every processor
 * that follows) and in the MDC at once, for the rest of the processor that found it; camel-mdc restores the MDC
 * after each processor, so nothing leaks to the next exchange on the thread.
 */
public final class PraticaMdc {
    private PraticaMdc() {
    }

    public static void set(Exchange e, UUID praticaId, String ref) {
        if (praticaId != null) e.setProperty(ExchangeKeys.PRATICA_ID, praticaId.toString());
        if (ref != null) e.setProperty(ExchangeKeys.PRATICA_REF, ref);
        set(praticaId, ref);
    }

    /** For services that identify the pratica inside a processor (a reply, a callback, an intake). */
    public static void set(UUID praticaId, String ref) {
        if (praticaId != null) MDC.put(ExchangeKeys.PRATICA_ID, praticaId.toString());
        if (ref != null) MDC.put(ExchangeKeys.PRATICA_REF, ref);
    }
}
