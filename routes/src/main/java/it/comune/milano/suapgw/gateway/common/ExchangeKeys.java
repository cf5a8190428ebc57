package it.comune.milano.suapgw.gateway.common;

/** Names of the exchange properties the flows share (properties, so that none of them leaks out as a header). */
public final class ExchangeKeys {
    /** the outbox entry a call is made for (OutboxEntry) */
    public static final String OUTBOX_ENTRY = "outboxEntry";
    /**
     * Set by an outbox call whose result is booked but incomplete (e.g. a system did not answer): the booking commits
     * and the entry runs again after its backoff, instead of a failure that would roll the booking back.
     */
    public static final String OUTBOX_RETRY = "suapgwOutboxRetry";
    /** URL of an outbound HTTP call */
    public static final String URL = "suapgwUrl";
    /** the endpoint of its HTTP component (OutboundHttp.TO_URL) */
    public static final String HTTP_ENDPOINT = "suapgwHttpEndpoint";
    /** SHA-256 of the body sent, booked on the timeline */
    public static final String SENT_HASH = "sentHash";
    /** MDC keys (camel.mdc.custom-properties): the pratica's id and its reference (CUI uuid or codice pratica) */
    public static final String PRATICA_ID = "praticaId";
    public static final String PRATICA_REF = "praticaRef";

    private ExchangeKeys() {
    }
}
