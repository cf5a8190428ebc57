package it.comune.milano.suapgw.simulators.support;

import com.fasterxml.jackson.databind.JsonNode;
import it.comune.milano.suapgw.simulators.support.modi.ModiClient;
import it.comune.milano.suapgw.simulators.support.modi.ModiIdentity;
import it.comune.milano.suapgw.simulators.support.modi.ModiKeys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Calls of one of the gateway's SSU APIs ({@code {gateway}/ssu/fo}, {@code /ssu/et}, {@code /ssu/ri}) as a simulator
 * makes them: with ModI (voucher + Agid-JWT-Signature, the response's signature checked: see {@link GatewayResponse}),
 * or without it with HTTP Basic credentials (or none). Nothing is recorded, except that an untrusted response is
 * reported to the simulator (its {@code modiFailures()}).
 * <p>
 * The {@code with...} methods return a client whose requests have one more defect, for the conformance tests of the
 * gateway (ModI only): {@link #withoutVoucher()}, {@link #withVoucherFrom(PrivateKey)} / {@link #withWrongVoucherKey()},
 * {@link #withVoucherAudience}, {@link #withExpiredVoucher()}, {@link #withoutSignature()}, {@link #withWrongDigest()},
 * {@link #withoutDigest()}, {@link #replaying()}, {@link #withSignatureKey(PrivateKey, String)} (e.g. another party's,
 * {@link #withSignatureKey(ModiIdentity)}) / {@link #withWrongSignatureKey()}, {@link #withSignatureAudience}.
 */
public final class GatewayClient {

    private final HttpClient http;
    private final String apiUrl;
    private final ModiClient modi;
    private final String audience;
    private final String provider;
    private final ModiClient.Forgery forgery;
    private final String basicUser;
    private final String basicPassword;
    private final Consumer<GatewayResponse> onUntrusted;

    /**
     * @param apiUrl      the API's base URL, e.g. {@code http://127.0.0.1:8080/ssu/et}
     * @param modi        the caller's ModI client (null: no ModI; then {@code basicUser}, when not null, as HTTP Basic)
     * @param audience    the e-service's audience (ModI)
     * @param provider    the provider's client_id, whose signature the responses must carry (ModI)
     * @param onUntrusted told of every response whose signature is not accepted (may be null)
     */
    public GatewayClient(HttpClient http, String apiUrl, ModiClient modi, String audience, String provider, String basicUser,
                         String basicPassword, Consumer<GatewayResponse> onUntrusted) {
        this(http, apiUrl, modi, audience, provider, ModiClient.Forgery.NONE, basicUser, basicPassword, onUntrusted);
    }

    private GatewayClient(HttpClient http, String apiUrl, ModiClient modi, String audience, String provider, ModiClient.Forgery forgery,
                          String basicUser, String basicPassword, Consumer<GatewayResponse> onUntrusted) {
        this.http = Objects.requireNonNull(http);
        this.apiUrl = apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl;
        this.modi = modi;
        this.audience = audience;
        this.provider = provider;
        this.forgery = forgery;
        this.basicUser = basicUser;
        this.basicPassword = basicPassword;
        this.onUntrusted = onUntrusted;
    }

    /** Whether the calls are made with ModI. */
    public boolean modi() {
        return modi != null;
    }

    public String apiUrl() {
        return apiUrl;
    }

    // ------------------------------------------------------------------ calls

    /** {@code POST {api}{path}} with a JSON body. */
    public GatewayResponse post(String path, String json) {
        return send("POST", path, json.getBytes(StandardCharsets.UTF_8), "Accept", "application/json");
    }

    public GatewayResponse post(String path, JsonNode json) {
        return post(path, Json.write(json));
    }

    /** {@code GET {api}{path}} with these headers (name, value...). */
    public GatewayResponse get(String path, String... headers) {
        return send("GET", path, null, headers);
    }

    /** {@code GET {api}/instance/{cui}/document/{rid}} with these headers (name, value...). */
    public GatewayResponse getDocument(String cuiUuid, String resourceId, String... headers) {
        return get("/instance/" + enc(cuiUuid) + "/document/" + enc(resourceId), headers);
    }

    /**
     * One request ({@code body} null or empty: none; otherwise JSON), signed as this client is set to; with
     * {@link #replaying()} sent twice with the same ModI headers, the second response returned.
     *
     * @throws UncheckedIOException on I/O errors; {@code ModiException} when no voucher could be had
     */
    public GatewayResponse send(String method, String path, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(apiUrl + (path.startsWith("/") ? path : "/" + path)))
                .timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            b.headers(headers);
        }
        boolean hasBody = body != null && body.length > 0;
        b.method(method, hasBody ? HttpRequest.BodyPublishers.ofByteArray(body) : HttpRequest.BodyPublishers.noBody());
        if (modi != null) {
            modi.sign(b, audience, hasBody ? body : null, "application/json", forgery);
        } else {
            if (hasBody) {
                b.setHeader("Content-Type", "application/json");
            }
            if (basicUser != null) {
                b.setHeader("Authorization", basic(basicUser, basicPassword));
            }
        }
        HttpRequest request = b.build();
        GatewayResponse r = exchange(request);
        if (modi != null && forgery.replays()) {
            r = exchange(request);
        }
        return r;
    }

    private GatewayResponse exchange(HttpRequest request) {
        HttpResponse<byte[]> raw;
        try {
            raw = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (modi == null) {
            return new GatewayResponse(raw, false, null);
        }
        ModiClient.Check check = modi.verifyResponse(raw, provider, audience);
        GatewayResponse r = new GatewayResponse(raw, true, check.error());
        if (!check.ok() && onUntrusted != null) {
            onUntrusted.accept(r);
        }
        return r;
    }

    /** {@code Basic base64(user:password)}. */
    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // ------------------------------------------------------------------ defects (ModI)

    private GatewayClient with(ModiClient.Forgery f) {
        if (modi == null) {
            throw new IllegalStateException("ModI is off for this simulator: no ModI defect to forge");
        }
        return new GatewayClient(http, apiUrl, modi, audience, provider, f, basicUser, basicPassword, onUntrusted);
    }

    /** No {@code Authorization} (→ ERROR_401_001). */
    public GatewayClient withoutVoucher() {
        return with(forgery.withoutVoucher());
    }

    /** This text as the bearer token (→ ERROR_401_002 unless it is a valid voucher). */
    public GatewayClient withVoucher(String token) {
        return with(forgery.withVoucher(token));
    }

    /** A voucher like the PDND's signed by {@code key} (→ ERROR_401_002). */
    public GatewayClient withVoucherFrom(PrivateKey key) {
        return with(forgery.withVoucherFrom(key));
    }

    /** A voucher signed by a fresh key that nobody knows (→ ERROR_401_002). */
    public GatewayClient withWrongVoucherKey() {
        return withVoucherFrom(ModiKeys.generate().getPrivate());
    }

    /** A voucher by the PDND's key for another e-service (→ ERROR_401_002). */
    public GatewayClient withVoucherAudience(String otherAudience) {
        return with(forgery.withVoucherAudience(otherAudience));
    }

    /** A voucher by the PDND's key, expired 10 minutes ago (→ ERROR_401_002). */
    public GatewayClient withExpiredVoucher() {
        return with(forgery.withExpiredVoucher());
    }

    /** No {@code Agid-JWT-Signature} (→ ERROR_401_003). */
    public GatewayClient withoutSignature() {
        return with(forgery.withoutSignature());
    }

    /** A Digest (signed as such) that is not the body's (→ ERROR_401_004; requests with a body). */
    public GatewayClient withWrongDigest() {
        return with(forgery.withWrongDigest());
    }

    /** No Digest header with a body (→ ERROR_401_004). */
    public GatewayClient withoutDigest() {
        return with(forgery.withoutDigest());
    }

    /** Each request sent twice with the same voucher and Agid-JWT-Signature (same jti): the second response (→ ERROR_401_004). */
    public GatewayClient replaying() {
        return with(forgery.replaying());
    }

    /** The signature made with {@code key} under {@code kid} (null: the caller's own kid: a bad signature → ERROR_401_004). */
    public GatewayClient withSignatureKey(PrivateKey key, String kid) {
        return with(forgery.withSignatureKey(key, kid));
    }

    /** The signature made by another party, with its key and kid (a kid that is not the caller's → ERROR_401_004). */
    public GatewayClient withSignatureKey(ModiIdentity other) {
        return with(forgery.withSignatureKey(other));
    }

    /** The signature made with a fresh key under the caller's own kid (→ ERROR_401_004). */
    public GatewayClient withWrongSignatureKey() {
        return withSignatureKey(ModiKeys.generate().getPrivate(), null);
    }

    /** The signature for another audience (→ ERROR_401_004). */
    public GatewayClient withSignatureAudience(String otherAudience) {
        return with(forgery.withSignatureAudience(otherAudience));
    }

    /** The headers a request with this body would carry (ModI only; for inspection). */
    public Map<String, String> modiHeaders(byte[] body) {
        if (modi == null) {
            throw new IllegalStateException("ModI is off");
        }
        return modi.headers(audience, body, "application/json", forgery);
    }

    @Override
    public String toString() {
        return "GatewayClient[" + apiUrl + (modi != null ? ", ModI as " + modi.clientId() + " to " + audience : basicUser != null
                ? ", Basic " + basicUser : ", no credentials") + "]";
    }
}
