package it.comune.milano.suapgw.simulators.support.modi;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The provider side of ModI on one e-service (docs/modi-pdnd.md): ID_AUTH_REST_01 via PDND and INTEGRITY_REST_02.
 * <p>
 * {@link #verify} checks a request in the order of the doc's table and answers the first failure's code:
 * {@value #ERROR_401_001} no {@code Authorization: Bearer}; {@value #ERROR_401_002} a voucher that is not a JWS signed by
 * a PDND key of its JWKS, not {@code typ at+jwt}, not {@code iss} the PDND's issuer name, not {@code aud} this
 * e-service, out of time (nbf/iat after now + 60 s, exp not after now − 60 s), without {@code purposeId}, or whose
 * {@code client_id} is not one of the callers of this e-service; {@value #ERROR_401_003} no {@code Agid-JWT-Signature};
 * {@value #ERROR_401_004} a signature not by the key its {@code kid} names at the PDND ({@code /keys/{kid}}), or that
 * key not the voucher's client's, not RS256, {@code aud} not this e-service, {@code iss} not the caller, out of time
 * (as above, and valid for more than 300 s), without {@code jti} or with one already seen (kept in memory until exp +
 * 60 s), and, with a body, no {@code Digest} or one that is not the body's, or {@code signed_headers} not naming that
 * digest and the request's content type. The caller is the voucher's {@code client_id}.
 * <p>
 * {@link #signResponse} signs every response: {@code Digest} (with a body) and {@code Agid-JWT-Signature} by the
 * provider's key, {@code aud} the caller's client_id, or this e-service's audience when the caller is unknown.
 */
public final class ModiServer {

    private static final Logger LOG = LoggerFactory.getLogger(ModiServer.class);

    public static final String ERROR_401_001 = "ERROR_401_001";
    public static final String ERROR_401_002 = "ERROR_401_002";
    public static final String ERROR_401_003 = "ERROR_401_003";
    public static final String ERROR_401_004 = "ERROR_401_004";
    /** The messages of Table 30. */
    public static final Map<String, String> MESSAGES = Map.of(
            ERROR_401_001, "PDND token not found",
            ERROR_401_002, "Invalid PDND token",
            ERROR_401_003, "AgID-JWT-Signature token not found",
            ERROR_401_004, "invalid AgID-JWT-Signature token");
    /** Longest validity (exp − iat) accepted for an Agid-JWT-Signature; the one this server signs. */
    public static final Duration SIGNATURE_LIFETIME = Duration.ofSeconds(300);

    /**
     * The outcome of {@link #verify}: {@code clientId} the caller (null when the voucher did not pass), {@code code}
     * null when the request passed, otherwise its {@code ERROR_401_00x}; {@code message} the Table 30 text and why.
     */
    public record Outcome(String clientId, String code, String message) {
        public boolean ok() {
            return code == null;
        }
    }

    private final String audience;
    private final Set<String> callers;
    private final ModiIdentity self;
    private final PdndKeys keys;
    private volatile Clock clock = Clock.systemUTC();
    /** iss + " " + jti → until when it is kept. */
    private final Map<String, Instant> seenJti = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();
    private final AtomicInteger accepted = new AtomicInteger();

    /**
     * @param audience the e-service's audience (e.g. {@code frontoffice/fo_to_bo})
     * @param callers  the client_ids that may call it (e.g. {@code suapgw-milano})
     * @param self     the provider's identity (signs the responses)
     * @param pdnd     the PDND (issuer name, JWKS, keys)
     */
    public ModiServer(String audience, Set<String> callers, ModiIdentity self, PdndEndpoints pdnd) {
        this(audience, callers, self, new PdndKeys(pdnd));
    }

    public ModiServer(String audience, Set<String> callers, ModiIdentity self, PdndKeys keys) {
        this.audience = Objects.requireNonNull(audience, "audience");
        this.callers = Set.copyOf(callers);
        this.self = Objects.requireNonNull(self, "self");
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /** The clock of the time checks (tests). */
    public ModiServer clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock);
        return this;
    }

    public String audience() {
        return audience;
    }

    public Set<String> callers() {
        return callers;
    }

    public ModiIdentity identity() {
        return self;
    }

    public PdndEndpoints pdnd() {
        return keys.endpoints();
    }

    /** Requests refused, all codes. */
    public int refusals() {
        return refusals.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** Requests refused with this code. */
    public int refusals(String code) {
        AtomicInteger n = refusals.get(code);
        return n == null ? 0 : n.get();
    }

    /** Requests that passed. */
    public int accepted() {
        return accepted.get();
    }

    /** {@link #verify(Function, byte[])} on the headers of a JDK HttpServer request. */
    public Outcome verify(Headers requestHeaders, byte[] body) {
        return verify(requestHeaders::getFirst, body);
    }

    /**
     * Checks a request (headers by name, case-insensitive as HTTP's; its body, possibly empty) and returns the caller
     * or the first failure's code.
     */
    public Outcome verify(Function<String, String> header, byte[] body) {
        Outcome o = check(header, body == null ? new byte[0] : body);
        if (o.ok()) {
            accepted.incrementAndGet();
        } else {
            refusals.computeIfAbsent(o.code(), k -> new AtomicInteger()).incrementAndGet();
            LOG.info("ModI {}: refused {} ({})", audience, o.code(), o.message());
        }
        return o;
    }

    private Outcome check(Function<String, String> header, byte[] body) {
        Instant now = clock.instant();
        // ---- 401_001: the bearer
        String authorization = header.apply("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.substring(7).isBlank()) {
            return fail(null, ERROR_401_001, "no Authorization: Bearer");
        }
        // ---- 401_002: the voucher
        SignedJWT voucher = Jws.parse(authorization.substring(7));
        if (voucher == null) {
            return fail(null, ERROR_401_002, "the bearer token is not a JWS");
        }
        JWSHeader vh = voucher.getHeader();
        if (!JWSAlgorithm.RS256.equals(vh.getAlgorithm())) {
            return fail(null, ERROR_401_002, "voucher alg " + vh.getAlgorithm() + ", not RS256");
        }
        if (!Jws.AT_JWT.equals(vh.getType())) {
            return fail(null, ERROR_401_002, "voucher typ " + vh.getType() + ", not at+jwt");
        }
        RSAPublicKey pdndKey = keys.pdndKey(vh.getKeyID()).orElse(null);
        if (pdndKey == null) {
            return fail(null, ERROR_401_002, "voucher kid " + vh.getKeyID() + " not in the PDND JWKS");
        }
        if (!Jws.verify(voucher, pdndKey)) {
            return fail(null, ERROR_401_002, "voucher signature not valid for PDND key " + vh.getKeyID());
        }
        JWTClaimsSet v = Jws.claims(voucher);
        if (v == null) {
            return fail(null, ERROR_401_002, "voucher claims unreadable");
        }
        if (!pdnd().issuer().equals(v.getIssuer())) {
            return fail(null, ERROR_401_002, "voucher iss " + v.getIssuer() + ", not " + pdnd().issuer());
        }
        if (v.getAudience() == null || !v.getAudience().contains(audience)) {
            return fail(null, ERROR_401_002, "voucher aud " + v.getAudience() + ", not " + audience);
        }
        String time = Jws.timeProblem(v, now, null);
        if (time != null) {
            return fail(null, ERROR_401_002, "voucher " + time);
        }
        Object purposeId = v.getClaim("purposeId");
        if (purposeId == null || String.valueOf(purposeId).isBlank()) {
            return fail(null, ERROR_401_002, "voucher without purposeId");
        }
        Object clientClaim = v.getClaim("client_id");
        String client = clientClaim == null ? null : String.valueOf(clientClaim);
        if (client == null || !callers.contains(client)) {
            return fail(null, ERROR_401_002, "voucher client_id " + client + " is not a caller of " + audience);
        }
        // ---- 401_003: the signature is there
        String jws = header.apply("Agid-JWT-Signature");
        if (jws == null || jws.isBlank()) {
            return fail(client, ERROR_401_003, "no Agid-JWT-Signature");
        }
        // ---- 401_004: the signature
        SignedJWT sig = Jws.parse(jws);
        if (sig == null) {
            return fail(client, ERROR_401_004, "Agid-JWT-Signature is not a JWS");
        }
        if (!JWSAlgorithm.RS256.equals(sig.getHeader().getAlgorithm())) {
            return fail(client, ERROR_401_004, "signature alg " + sig.getHeader().getAlgorithm() + ", not RS256");
        }
        String kid = sig.getHeader().getKeyID();
        PdndKeys.ClientKey key = keys.clientKey(kid).orElse(null);
        if (key == null) {
            return fail(client, ERROR_401_004, "signature kid " + kid + " unknown to the PDND");
        }
        if (!client.equals(key.clientId())) {
            return fail(client, ERROR_401_004, "signature kid " + kid + " is " + key.clientId() + "'s, not the caller's (" + client + ")");
        }
        if (!Jws.verify(sig, key.key())) {
            return fail(client, ERROR_401_004, "signature not valid for key " + kid);
        }
        JWTClaimsSet s = Jws.claims(sig);
        if (s == null) {
            return fail(client, ERROR_401_004, "signature claims unreadable");
        }
        if (s.getAudience() == null || !s.getAudience().contains(audience)) {
            return fail(client, ERROR_401_004, "signature aud " + s.getAudience() + ", not " + audience);
        }
        if (!client.equals(s.getIssuer())) {
            return fail(client, ERROR_401_004, "signature iss " + s.getIssuer() + ", not the caller " + client);
        }
        time = Jws.timeProblem(s, now, SIGNATURE_LIFETIME);
        if (time != null) {
            return fail(client, ERROR_401_004, "signature " + time);
        }
        if (s.getJWTID() == null || s.getJWTID().isBlank()) {
            return fail(client, ERROR_401_004, "signature without jti");
        }
        String integrity = Jws.integrityProblem(s, body, header.apply("Digest"), header.apply("Content-Type"));
        if (integrity != null) {
            return fail(client, ERROR_401_004, integrity);
        }
        purge(now);
        String jtiKey = s.getIssuer() + " " + s.getJWTID();
        if (seenJti.putIfAbsent(jtiKey, s.getExpirationTime().toInstant().plus(Jws.SKEW)) != null) {
            return fail(client, ERROR_401_004, "jti " + s.getJWTID() + " already seen (replay)");
        }
        return new Outcome(client, null, null);
    }

    private static Outcome fail(String client, String code, String why) {
        return new Outcome(client, code, MESSAGES.get(code) + ": " + why);
    }

    private void purge(Instant now) {
        seenJti.values().removeIf(until -> until.isBefore(now));
    }

    // ------------------------------------------------------------------ responses

    /**
     * Signs a response about to be sent: sets {@code Digest} (with a body) and {@code Agid-JWT-Signature} on
     * {@code responseHeaders}, its content type taken from them. {@code caller}: the client_id (null when unknown).
     */
    public void signResponse(Headers responseHeaders, byte[] body, String caller) {
        signResponse(responseHeaders::set, body, responseHeaders.getFirst("Content-Type"), caller);
    }

    /** Signs a response: {@code setHeader} receives {@code Digest} (with a body) and {@code Agid-JWT-Signature}. */
    public void signResponse(BiConsumer<String, String> setHeader, byte[] body, String contentType, String caller) {
        String digest = ModiKeys.digest(body);
        if (digest != null) {
            setHeader.accept("Digest", digest);
        }
        setHeader.accept("Agid-JWT-Signature", signature(caller == null ? audience : caller, digest, digest == null ? null : contentType));
    }

    /** An Agid-JWT-Signature by this provider for {@code aud}, signing {@code digest} and {@code contentType} (when not null). */
    public String signature(String aud, String digest, String contentType) {
        Instant now = clock.instant();
        List<Map<String, String>> signed = new ArrayList<>();
        if (digest != null) {
            signed.add(Map.of("digest", digest));
            if (contentType != null) {
                signed.add(Map.of("content-type", contentType));
            }
        }
        JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().issuer(self.clientId()).subject(self.clientId()).audience(aud)
                .issueTime(Jws.date(now)).notBeforeTime(Jws.date(now)).expirationTime(Jws.date(now.plus(SIGNATURE_LIFETIME)))
                .jwtID(UUID.randomUUID().toString());
        if (!signed.isEmpty()) {
            c.claim("signed_headers", signed);
        }
        return Jws.sign(Jws.header(self.kid(), JOSEObjectType.JWT), c.build(), self.privateKey());
    }

    @Override
    public String toString() {
        return "ModiServer[" + audience + " by " + self.clientId() + ", callers " + callers + "]";
    }
}
