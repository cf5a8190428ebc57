package it.comune.milano.suapgw.gateway.common;

import it.comune.milano.suapgw.connectors.contract.ContentHashes;
import it.comune.milano.suapgw.gateway.outbox.OutboxEntry;
import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpMethods;

/**
 * An outbound HTTP call prepared on the exchange: nothing of the inbound message travels with it (headers cleared),
 * the URL goes in the {@code CamelHttpUri} header of a call to one fixed endpoint per HTTP component ({@code toD(TO_URL)}),
 * and the SHA-256 of a body is kept for the timeline.
 * <p>
 * One endpoint per component, not per URL: camel-http builds an endpoint and an HTTP client (with its idle-connection
 * evictor thread) for every distinct endpoint URI, so a URL per pratica or document as the endpoint cost a client per
 * call and kept up to a thousand of them alive in the endpoint cache.
 */
public final class OutboundHttp {
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** the endpoint of every outbound HTTP call: its component's, the URL itself is a header */
    public static final String TO_URL = "${exchangeProperty." + ExchangeKeys.HTTP_ENDPOINT + "}";
    private static final String ENDPOINT = "://outbound";
    /** the endpoint whose responses are not cached: the body is the connection's stream, closed when the exchange ends */
    private static final String STREAMED = "://outbound-streamed?disableStreamCache=true";

    private OutboundHttp() {
    }

    public static void get(Exchange e, String url, String query) {
        get(e, "http", url, query);
    }

    /** A GET through the HTTP component named {@code component} (one with its own timeouts). */
    public static void get(Exchange e, String component, String url, String query) {
        e.getMessage().getHeaders().clear();
        // the component's own enum: as a string, camel-http looked up a type converter for it at every call
        e.getMessage().setHeader(Exchange.HTTP_METHOD, HttpMethods.GET);
        if (query != null) e.getMessage().setHeader(Exchange.HTTP_QUERY, query);
        e.getMessage().setBody(null);
        target(e, component, url);
    }

    /** A GET whose response body is read as it arrives (a document of any size), never held whole. */
    public static void getStreamed(Exchange e, String url) {
        get(e, "http", url, null);
        e.setProperty(ExchangeKeys.HTTP_ENDPOINT, "http" + STREAMED);
    }

    public static void postJson(Exchange e, String url, String body) {
        e.getMessage().getHeaders().clear();
        e.getMessage().setHeader(Exchange.HTTP_METHOD, HttpMethods.POST);
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        e.getMessage().setBody(body);
        target(e, "http", url);
        e.setProperty(ExchangeKeys.SENT_HASH, ContentHashes.sha256Hex(body));
        idempotencyKey(e);
    }

    private static void target(Exchange e, String component, String url) {
        e.getMessage().setHeader(Exchange.HTTP_URI, url);
        e.setProperty(ExchangeKeys.URL, url);
        e.setProperty(ExchangeKeys.HTTP_ENDPOINT, component + ENDPOINT);
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
