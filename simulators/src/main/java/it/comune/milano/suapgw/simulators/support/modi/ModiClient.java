package it.comune.milano.suapgw.simulators.support.modi;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import it.comune.milano.suapgw.simulators.support.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The consumer side of ModI for one PDND client (docs/modi-pdnd.md): a voucher per purpose from the PDND
 * ({@code client_credentials} with a signed client assertion), cached until 30 s before it expires; on every request
 * the voucher ({@code Authorization: Bearer}), the {@code Digest} of the body, its {@code Content-Type} and a fresh
 * {@code Agid-JWT-Signature} ({@code aud} the e-service's audience, {@code exp} iat + 300 s, a new {@code jti});
 * and the check of a provider's signed response ({@link #verifyResponse}).
 * <p>
 * For conformance tests it also forges defective requests ({@link Forgery}): no voucher, a voucher signed by another
 * key, for another audience or expired (these need the PDND's key, {@link #setVoucherForgeryKey}, except the first),
 * no signature, a wrong or missing Digest, a signature by another key/kid or for another audience.
 */
public final class ModiClient {

    private static final Logger LOG = LoggerFactory.getLogger(ModiClient.class);
    public static final String JSON = "application/json";
    /** A cached voucher is renewed this long before it expires. */
    public static final Duration RENEW_BEFORE_EXPIRY = Duration.ofSeconds(30);

    /** The outcome of a response check: {@code error} null when the response is to be trusted. */
    public record Check(String error) {
        public static final Check OK = new Check(null);

        public boolean ok() {
            return error == null;
        }
    }

    private record Cached(String token, Instant expires) {
    }

    private final ModiIdentity self;
    private final PdndKeys keys;
    private final Map<String, String> purposes;
    private final Map<String, Cached> vouchers = new ConcurrentHashMap<>();
    private final AtomicInteger vouchersObtained = new AtomicInteger();
    private volatile Clock clock = Clock.systemUTC();
    private volatile String forgeryKid;
    private volatile PrivateKey forgeryKey;

    /**
     * @param self              the client's identity (client_id, kid, private key)
     * @param pdnd              the PDND (token URL, issuer name; keys URL to verify the responses)
     * @param purposeByAudience e-service audience → purposeId (one purpose per e-service the client calls)
     */
    public ModiClient(ModiIdentity self, PdndEndpoints pdnd, Map<String, String> purposeByAudience) {
        this(self, new PdndKeys(pdnd), purposeByAudience);
    }

    public ModiClient(ModiIdentity self, PdndKeys keys, Map<String, String> purposeByAudience) {
        this.self = Objects.requireNonNull(self, "self");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.purposes = Map.copyOf(purposeByAudience);
    }

    /** The clock deciding when a cached voucher is renewed, and the times of what this client signs (tests). */
    public ModiClient clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock);
        return this;
    }

    /** The PDND's voucher key, so that tests can forge vouchers (for another audience, expired) the PDND would not issue. */
    public ModiClient setVoucherForgeryKey(String pdndKid, PrivateKey pdndKey) {
        this.forgeryKid = pdndKid;
        this.forgeryKey = pdndKey;
        return this;
    }

    public String clientId() {
        return self.clientId();
    }

    public ModiIdentity identity() {
        return self;
    }

    public PdndEndpoints pdnd() {
        return keys.endpoints();
    }

    /** audience → purposeId. */
    public Map<String, String> purposes() {
        return purposes;
    }

    /** How many vouchers this client obtained from the PDND. */
    public int vouchersObtained() {
        return vouchersObtained.get();
    }

    // ------------------------------------------------------------------ vouchers

    /** The purposeId of an e-service audience. */
    public String purposeId(String audience) {
        String p = purposes.get(audience);
        if (p == null) {
            throw new IllegalArgumentException(self.clientId() + " has no purpose for " + audience + " (has " + purposes.keySet() + ")");
        }
        return p;
    }

    /** A voucher for an e-service: the cached one until 30 s before it expires, otherwise a new one from the PDND. */
    public String voucher(String audience) {
        String purposeId = purposeId(audience);
        Cached c = vouchers.get(purposeId);
        if (c != null && clock.instant().isBefore(c.expires().minus(RENEW_BEFORE_EXPIRY))) {
            return c.token();
        }
        synchronized (this) {
            c = vouchers.get(purposeId);
            if (c != null && clock.instant().isBefore(c.expires().minus(RENEW_BEFORE_EXPIRY))) {
                return c.token();
            }
            Cached fresh = requestVoucher(purposeId);
            vouchers.put(purposeId, fresh);
            return fresh.token();
        }
    }

    /** Forgets the cached vouchers. */
    public void clearVouchers() {
        vouchers.clear();
    }

    private Cached requestVoucher(String purposeId) {
        Instant asked = clock.instant();
        String form = "grant_type=client_credentials"
                + "&client_id=" + enc(self.clientId())
                + "&client_assertion_type=" + enc("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                + "&client_assertion=" + enc(clientAssertion(purposeId));
        HttpResponse<String> r;
        try {
            r = PdndKeys.HTTP.send(HttpRequest.newBuilder(URI.create(pdnd().tokenUrl())).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", JSON)
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ModiException("PDND " + pdnd().tokenUrl() + " not reachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModiException("interrupted while asking the PDND for a voucher", e);
        }
        if (r.statusCode() != 200) {
            throw new ModiException("PDND refused a voucher to " + self.clientId() + " for " + purposeId + ": HTTP " + r.statusCode()
                    + " " + r.body());
        }
        JsonNode body = Json.parse(r.body());
        String token = Json.text(body, "access_token");
        if (token == null) {
            throw new ModiException("PDND answer without access_token: " + r.body());
        }
        long expiresIn = body.path("expires_in").asLong(600);
        vouchersObtained.incrementAndGet();
        LOG.debug("{}: voucher for {} obtained ({} s)", self.clientId(), purposeId, expiresIn);
        return new Cached(token, asked.plusSeconds(expiresIn));
    }

    /** The client assertion for a purpose: {@code {iss, sub: client_id, aud: the PDND issuer, jti, iat, exp: iat + 300, purposeId}}. */
    public String clientAssertion(String purposeId) {
        Instant now = clock.instant();
        return Jws.sign(Jws.header(self.kid(), JOSEObjectType.JWT), new JWTClaimsSet.Builder().issuer(self.clientId())
                .subject(self.clientId()).audience(pdnd().issuer()).jwtID(UUID.randomUUID().toString()).issueTime(Jws.date(now))
                .expirationTime(Jws.date(now.plusSeconds(300))).claim("purposeId", purposeId).build(), self.privateKey());
    }

    // ------------------------------------------------------------------ requests

    /**
     * The ModI headers of a request to an e-service, in order: {@code Authorization}, {@code Digest} and
     * {@code Content-Type} (with a body), {@code Agid-JWT-Signature} — as {@code forgery} wants them.
     */
    public Map<String, String> headers(String audience, byte[] body, String contentType, Forgery forgery) {
        Forgery f = forgery == null ? Forgery.NONE : forgery;
        Instant now = clock.instant();
        Map<String, String> h = new LinkedHashMap<>();
        if (!f.noVoucher) {
            h.put("Authorization", "Bearer " + (f.rawVoucher != null ? f.rawVoucher : f.forgesVoucher() ? forgedVoucher(audience, f, now)
                    : voucher(audience)));
        }
        String digest = ModiKeys.digest(body);
        String ct = digest == null ? null : contentType == null ? JSON : contentType;
        String sentDigest = digest;
        if (digest != null && f.wrongDigest) {
            sentDigest = ModiKeys.digest(("not the body " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        }
        if (sentDigest != null && !f.noDigest) {
            h.put("Digest", sentDigest);
        }
        if (ct != null) {
            h.put("Content-Type", ct);
        }
        if (!f.noSignature) {
            List<Map<String, String>> signed = new ArrayList<>();
            if (sentDigest != null) {
                signed.add(Map.of("digest", sentDigest));
                signed.add(Map.of("content-type", ct));
            }
            JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().issuer(self.clientId()).subject(self.clientId())
                    .audience(f.signatureAudience != null ? f.signatureAudience : audience)
                    .issueTime(Jws.date(now)).notBeforeTime(Jws.date(now)).expirationTime(Jws.date(now.plus(ModiServer.SIGNATURE_LIFETIME)))
                    .jwtID(UUID.randomUUID().toString());
            if (!signed.isEmpty()) {
                c.claim("signed_headers", signed);
            }
            String kid = f.signatureKid != null ? f.signatureKid : self.kid();
            PrivateKey key = f.signatureKey != null ? f.signatureKey : self.privateKey();
            h.put("Agid-JWT-Signature", Jws.sign(Jws.header(kid, JOSEObjectType.JWT), c.build(), key));
        }
        return h;
    }

    /** Adds the ModI headers of a JSON request to {@code builder} (the body is the caller's to set: the same bytes). */
    public HttpRequest.Builder sign(HttpRequest.Builder builder, String audience, byte[] body) {
        return sign(builder, audience, body, null, Forgery.NONE);
    }

    public HttpRequest.Builder sign(HttpRequest.Builder builder, String audience, byte[] body, String contentType, Forgery forgery) {
        headers(audience, body, contentType, forgery).forEach(builder::setHeader);
        return builder;
    }

    private String forgedVoucher(String audience, Forgery f, Instant now) {
        PrivateKey key = f.voucherKey != null ? f.voucherKey : forgeryKey;
        if (key == null) {
            throw new IllegalStateException("forging a voucher (another audience, expired) needs the PDND's key: setVoucherForgeryKey");
        }
        String purposeId = purposes.getOrDefault(audience, "purpose-forged");
        Instant iat = f.expiredVoucher ? now.minus(Duration.ofSeconds(1200)) : now;
        return Jws.sign(Jws.header(forgeryKid != null ? forgeryKid : "pdnd-1", Jws.AT_JWT), new JWTClaimsSet.Builder()
                .issuer(pdnd().issuer()).audience(f.voucherAudience != null ? f.voucherAudience : audience).subject(self.clientId())
                .claim("client_id", self.clientId()).claim("purposeId", purposeId).jwtID(UUID.randomUUID().toString())
                .issueTime(Jws.date(iat)).notBeforeTime(Jws.date(iat)).expirationTime(Jws.date(iat.plusSeconds(600))).build(), key);
    }

    // ------------------------------------------------------------------ responses

    /** {@link #verifyResponse(HttpResponse, String, String)} accepting only this client's client_id as {@code aud}. */
    public Check verifyResponse(HttpResponse<byte[]> response, String expectedProvider) {
        return verifyResponse(response, expectedProvider, null);
    }

    /**
     * Whether a provider's response is to be trusted: an {@code Agid-JWT-Signature} by the key its kid names at the
     * PDND, that key {@code expectedProvider}'s, RS256, {@code iss} the provider, {@code aud} this client's client_id
     * (or {@code audience}, the e-service called, which a provider uses when it could not tell the caller), in time,
     * and with a body a {@code Digest} that is the body's, both signed with the response's content type.
     */
    public Check verifyResponse(HttpResponse<byte[]> response, String expectedProvider, String audience) {
        return verifyResponse(name -> response.headers().firstValue(name).orElse(null), response.body(), expectedProvider, audience);
    }

    public Check verifyResponse(Function<String, String> header, byte[] body, String expectedProvider, String audience) {
        String jws = header.apply("Agid-JWT-Signature");
        if (jws == null || jws.isBlank()) {
            return new Check("response without Agid-JWT-Signature");
        }
        SignedJWT sig = Jws.parse(jws);
        if (sig == null) {
            return new Check("response Agid-JWT-Signature is not a JWS");
        }
        if (!JWSAlgorithm.RS256.equals(sig.getHeader().getAlgorithm())) {
            return new Check("response signature alg " + sig.getHeader().getAlgorithm());
        }
        String kid = sig.getHeader().getKeyID();
        PdndKeys.ClientKey key = keys.clientKey(kid).orElse(null);
        if (key == null) {
            return new Check("response signature kid " + kid + " unknown to the PDND");
        }
        if (!expectedProvider.equals(key.clientId())) {
            return new Check("response signed with " + key.clientId() + "'s key " + kid + ", not " + expectedProvider + "'s");
        }
        if (!Jws.verify(sig, key.key())) {
            return new Check("response signature not valid for key " + kid);
        }
        JWTClaimsSet c = Jws.claims(sig);
        if (c == null) {
            return new Check("response signature claims unreadable");
        }
        if (!expectedProvider.equals(c.getIssuer())) {
            return new Check("response signature iss " + c.getIssuer() + ", not " + expectedProvider);
        }
        List<String> aud = c.getAudience();
        if (aud == null || !(aud.contains(self.clientId()) || (audience != null && aud.contains(audience)))) {
            return new Check("response signature aud " + aud + ", not " + self.clientId());
        }
        String time = Jws.timeProblem(c, clock.instant(), null);
        if (time != null) {
            return new Check("response signature " + time);
        }
        String integrity = Jws.integrityProblem(c, body, header.apply("Digest"), header.apply("Content-Type"));
        return integrity == null ? Check.OK : new Check("response " + integrity);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "ModiClient[" + self.clientId() + ", purposes " + purposes + "]";
    }

    /**
     * How a request is to be (mis)formed, for conformance tests; {@link #NONE}: a correct request. Immutable: each
     * {@code with...} returns a copy with one more defect.
     */
    public static final class Forgery {
        public static final Forgery NONE = new Forgery();

        private boolean noVoucher;
        private String rawVoucher;
        private PrivateKey voucherKey;
        private String voucherAudience;
        private boolean expiredVoucher;
        private boolean noSignature;
        private boolean wrongDigest;
        private boolean noDigest;
        private boolean replay;
        private PrivateKey signatureKey;
        private String signatureKid;
        private String signatureAudience;

        private Forgery() {
        }

        private Forgery copy() {
            Forgery f = new Forgery();
            f.noVoucher = noVoucher;
            f.rawVoucher = rawVoucher;
            f.voucherKey = voucherKey;
            f.voucherAudience = voucherAudience;
            f.expiredVoucher = expiredVoucher;
            f.noSignature = noSignature;
            f.wrongDigest = wrongDigest;
            f.noDigest = noDigest;
            f.replay = replay;
            f.signatureKey = signatureKey;
            f.signatureKid = signatureKid;
            f.signatureAudience = signatureAudience;
            return f;
        }

        boolean forgesVoucher() {
            return voucherKey != null || voucherAudience != null || expiredVoucher;
        }

        /** No {@code Authorization} header (→ ERROR_401_001). */
        public Forgery withoutVoucher() {
            Forgery f = copy();
            f.noVoucher = true;
            return f;
        }

        /** This text as the bearer token. */
        public Forgery withVoucher(String token) {
            Forgery f = copy();
            f.rawVoucher = token;
            return f;
        }

        /** A voucher like the PDND's (kid of the PDND) but signed by {@code key} (→ ERROR_401_002). */
        public Forgery withVoucherFrom(PrivateKey key) {
            Forgery f = copy();
            f.voucherKey = Objects.requireNonNull(key);
            return f;
        }

        /** A voucher signed by the PDND's key for {@code audience} (→ ERROR_401_002 elsewhere). */
        public Forgery withVoucherAudience(String audience) {
            Forgery f = copy();
            f.voucherAudience = Objects.requireNonNull(audience);
            return f;
        }

        /** A voucher signed by the PDND's key, expired 10 minutes ago (→ ERROR_401_002). */
        public Forgery withExpiredVoucher() {
            Forgery f = copy();
            f.expiredVoucher = true;
            return f;
        }

        /** No {@code Agid-JWT-Signature} (→ ERROR_401_003). */
        public Forgery withoutSignature() {
            Forgery f = copy();
            f.noSignature = true;
            return f;
        }

        /** A {@code Digest} (signed as such) that is not the body's (→ ERROR_401_004; only with a body). */
        public Forgery withWrongDigest() {
            Forgery f = copy();
            f.wrongDigest = true;
            return f;
        }

        /** No {@code Digest} header, the signature still naming it (→ ERROR_401_004; only with a body). */
        public Forgery withoutDigest() {
            Forgery f = copy();
            f.noDigest = true;
            return f;
        }

        /** The same request (same voucher, same Agid-JWT-Signature, same jti) sent twice (the second → ERROR_401_004). */
        public Forgery replaying() {
            Forgery f = copy();
            f.replay = true;
            return f;
        }

        /** The signature made with {@code key} under {@code kid} (null: the client's own kid). */
        public Forgery withSignatureKey(PrivateKey key, String kid) {
            Forgery f = copy();
            f.signatureKey = Objects.requireNonNull(key);
            f.signatureKid = kid;
            return f;
        }

        /** The signature made by another party (its key and kid: a kid that is not the caller's → ERROR_401_004). */
        public Forgery withSignatureKey(ModiIdentity other) {
            return withSignatureKey(other.privateKey(), other.kid());
        }

        /** The signature for another audience (→ ERROR_401_004). */
        public Forgery withSignatureAudience(String audience) {
            Forgery f = copy();
            f.signatureAudience = Objects.requireNonNull(audience);
            return f;
        }

        public boolean replays() {
            return replay;
        }

        public boolean isNone() {
            return !noVoucher && rawVoucher == null && !forgesVoucher() && !noSignature && !wrongDigest && !noDigest && !replay
                    && signatureKey == null && signatureAudience == null;
        }
    }
}
