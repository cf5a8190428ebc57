package it.comune.milano.suapgw.gateway.common;

import it.comune.milano.suapgw.connectors.contract.ContentHashes;
import it.comune.milano.suapgw.gateway.outbox.OutboxEntry;
import org.apache.camel.Exchange;

/**
 * An outbound HTTP call prepared on the exchange: nothing of the inbound message travels with it (headers cleared),
 * the URL is an exchange property read by {@code toD(TO_URL)}, and the SHA-256 of a body is kept for the timeline.
 */
public final class OutboundHttp {
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** the dynamic endpoint of every outbound HTTP call */
    public static final String TO_URL = "${exchangeProperty." + ExchangeKeys.URL + "}";

    private OutboundHttp() {
    }

    public static void get(Exchange e, String url, String query) {
        e.getMessage().getHeaders().clear();
        e.getMessage().setHeader(Exchange.HTTP_METHOD, "GET");
        if (query != null) e.getMessage().setHeader(Exchange.HTTP_QUERY, query);
        e.getMessage().setBody(null);
        e.setProperty(ExchangeKeys.URL, url);
    }

    public static void postJson(Exchange e, String url, String body) {
        e.getMessage().getHeaders().clear();
        e.getMessage().setHeader(Exchange.HTTP_METHOD, "POST");
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        e.getMessage().setBody(body);
        e.setProperty(ExchangeKeys.URL, url);
        e.setProperty(ExchangeKeys.SENT_HASH, ContentHashes.sha256Hex(body));
        idempotencyKey(e);
    }

    /**
     * The call's key, the same at every attempt and replay of its outbox entry, so a receiver that keeps keys applies it
     * once (the IETF Idempotency-Key header, a structured-field string).
     */
    static void idempotencyKey(Exchange e) {
        OutboxEntry entry = e.getProperty(ExchangeKeys.OUTBOX_ENTRY, OutboxEntry.class);
        if (entry != null) e.getMessage().setHeader(IDEMPOTENCY_KEY, "\"" + entry.idempotencyKey() + "\"");
    }
}
