package it.comune.milano.suapgw.simulators.support;

import javax.net.ssl.SSLSession;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A response of the gateway to a simulator's call: the {@code HttpResponse<String>} the callers always had (body as
 * UTF-8 text), plus the raw bytes and the outcome of the ModI check of its signature ({@link #trusted()}; always true
 * when the call was made without ModI).
 */
public final class GatewayResponse implements HttpResponse<String> {

    private final HttpResponse<byte[]> raw;
    private final String body;
    private final boolean modi;
    private final String signatureError;

    public GatewayResponse(HttpResponse<byte[]> raw, boolean modi, String signatureError) {
        this.raw = raw;
        this.body = raw.body() == null ? "" : new String(raw.body(), StandardCharsets.UTF_8);
        this.modi = modi;
        this.signatureError = signatureError;
    }

    /** Whether the response is to be trusted: made without ModI, or its Agid-JWT-Signature and Digest checked. */
    public boolean trusted() {
        return signatureError == null;
    }

    /** Why the response's signature was not accepted (null when {@link #trusted()}). */
    public String signatureError() {
        return signatureError;
    }

    /** Whether the call was made with ModI (and the response checked). */
    public boolean modi() {
        return modi;
    }

    /** The body's bytes as received. */
    public byte[] bytes() {
        return raw.body() == null ? new byte[0] : raw.body();
    }

    /** The HTTP status if trusted, 0 otherwise (the call counts as failed, like an I/O error). */
    public int effectiveStatus() {
        return trusted() ? raw.statusCode() : 0;
    }

    @Override
    public int statusCode() {
        return raw.statusCode();
    }

    @Override
    public HttpRequest request() {
        return raw.request();
    }

    @Override
    public Optional<HttpResponse<String>> previousResponse() {
        return Optional.empty();
    }

    @Override
    public HttpHeaders headers() {
        return raw.headers();
    }

    @Override
    public String body() {
        return body;
    }

    @Override
    public Optional<SSLSession> sslSession() {
        return raw.sslSession();
    }

    @Override
    public URI uri() {
        return raw.uri();
    }

    @Override
    public HttpClient.Version version() {
        return raw.version();
    }

    @Override
    public String toString() {
        return "GatewayResponse[" + raw.request().method() + " " + raw.uri() + " -> " + raw.statusCode()
                + (trusted() ? "" : ", NOT TRUSTED: " + signatureError) + "]";
    }
}
