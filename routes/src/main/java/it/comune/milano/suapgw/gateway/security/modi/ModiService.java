package it.comune.milano.suapgw.gateway.security.modi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import it.comune.milano.suapgw.connectors.contract.ContentHashes;
import it.comune.milano.suapgw.connectors.ssu.SsuErrorCode;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * ModI on the SSU e-services (docs/modi-pdnd.md): the PDND voucher and the Agid-JWT-Signature (INTEGRITY_REST_02) of a
 * request checked, each failure with its SSU code; our own signature on every response and request we send; the
 * signature of a provider's response checked.
 */
public class ModiService {
    private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

    private final ModiProperties props;
    private final ModiKeys keys;
    private final PdndKeys pdnd;
    private final JtiStore jtis;
    /** RS256 signatures made: each costs ~1 ms of a core, the largest fixed cost of a message (docs/performance.md) */
    private final java.util.concurrent.atomic.LongAdder signatures = new java.util.concurrent.atomic.LongAdder();

    public ModiService(ModiProperties props, ModiKeys keys, PdndKeys pdnd, JtiStore jtis) {
        this.props = props;
        this.keys = keys;
        this.pdnd = pdnd;
        this.jtis = jtis;
    }

    public static ModiService of(ModiProperties props, JtiStore jtis, HttpClient http, ObjectMapper json) {
        return new ModiService(props, new ModiKeys(Path.of(props.privateKey()), props.kid()),
                new PdndKeys(props.pdnd().jwksUrl(), props.pdnd().keysUrl(), http, json), jtis);
    }

    public String clientId() {
        return props.clientId();
    }

    /** How many signatures this service has made since it started. */
    public long signatures() {
        return signatures.sum();
    }

    // ------------------------------------------------------------------ a request we receive

    /**
     * The voucher of an {@code Authorization} header for this e-service.
     * @return the caller's client_id
     * @throws ModiException ERROR_401_001 without a bearer token, ERROR_401_002 for any defect of the voucher or a
     *                       caller not among {@code allowedClients}
     */
    public String verifyVoucher(String authorization, String audience, Set<String> allowedClients) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.length() <= 7) {
            throw new ModiException(SsuErrorCode.ERROR_401_001, "no PDND voucher (Authorization: Bearer)");
        }
        SignedJWT voucher = parse(authorization.substring(7).trim(), SsuErrorCode.ERROR_401_002, "voucher");
        JWSHeader h = voucher.getHeader();
        if (!JWSAlgorithm.RS256.equals(h.getAlgorithm()) || !AT_JWT.equals(h.getType())) {
            throw new ModiException(SsuErrorCode.ERROR_401_002, "voucher must be an RS256 at+jwt");
        }
        RSAKey key = pdnd.pdndKey(h.getKeyID())
                .orElseThrow(() -> new ModiException(SsuErrorCode.ERROR_401_002, "voucher signed by a key the PDND does not publish"));
        verify(voucher, key, SsuErrorCode.ERROR_401_002, "voucher");
        JWTClaimsSet c = claims(voucher, SsuErrorCode.ERROR_401_002);
        if (!props.pdnd().issuer().equals(c.getIssuer())) throw new ModiException(SsuErrorCode.ERROR_401_002, "voucher not issued by the PDND");
        if (c.getAudience() == null || !c.getAudience().contains(audience)) {
            throw new ModiException(SsuErrorCode.ERROR_401_002, "voucher not for this e-service (aud)");
        }
        times(c, SsuErrorCode.ERROR_401_002, "voucher");
        if (claim(c, "purposeId") == null) throw new ModiException(SsuErrorCode.ERROR_401_002, "voucher without purposeId");
        String client = claim(c, "client_id") != null ? claim(c, "client_id") : c.getSubject();
        if (client == null || !allowedClients.contains(client)) {
            throw new ModiException(SsuErrorCode.ERROR_401_002, "client " + client + " may not call this e-service");
        }
        return client;
    }

    /**
     * The Agid-JWT-Signature of a request by {@code clientId}: signed by that client's key at the PDND, for this
     * e-service, fresh, never seen before, over this body's digest and content type.
     * @throws ModiException ERROR_401_003 when absent, ERROR_401_004 for any defect
     */
    public void verifyRequestSignature(String jws, String audience, String clientId, byte[] body, String contentType,
                                       String digestHeader) {
        if (jws == null || jws.isBlank()) throw new ModiException(SsuErrorCode.ERROR_401_003, "no Agid-JWT-Signature");
        if (jws.length() > 4096) throw new ModiException(SsuErrorCode.ERROR_401_004, "Agid-JWT-Signature longer than 4096");
        SignedJWT sig = parse(jws, SsuErrorCode.ERROR_401_004, "Agid-JWT-Signature");
        JWTClaimsSet c = signedBy(sig, clientId, SsuErrorCode.ERROR_401_004);
        if (c.getAudience() == null || !c.getAudience().contains(audience)) {
            throw new ModiException(SsuErrorCode.ERROR_401_004, "Agid-JWT-Signature not for this e-service (aud)");
        }
        if (!clientId.equals(c.getIssuer())) throw new ModiException(SsuErrorCode.ERROR_401_004, "Agid-JWT-Signature iss is not the caller");
        times(c, SsuErrorCode.ERROR_401_004, "Agid-JWT-Signature");
        if (c.getExpirationTime() == null || c.getJWTID() == null) {
            throw new ModiException(SsuErrorCode.ERROR_401_004, "Agid-JWT-Signature without exp or jti");
        }
        signedHeaders(c, body, contentType, digestHeader, SsuErrorCode.ERROR_401_004);
        if (!jtis.firstUse(c.getJWTID(), clientId, c.getExpirationTime().toInstant())) {
            throw new ModiException(SsuErrorCode.ERROR_401_004, "Agid-JWT-Signature replayed (jti seen before)");
        }
    }

    // ------------------------------------------------------------------ a message from one of the Comune's systems

    /**
     * The Agid-JWT-Signature of a message from {@code system} (Geowork, GEOPOST, the scrivania): by one of that system's
     * keys (configured, not at the PDND), {@code iss} the system, for us, fresh, never seen before, over the digest
     * computed while the body streamed in and over its content type.
     * @throws ModiException ERROR_401_003 when absent, ERROR_401_004 for any defect
     */
    public void verifySystemSignature(String jws, String system, Map<String, RSAKey> keysByKid, String actualDigest,
                                      String contentType, String digestHeader) {
        if (jws == null || jws.isBlank()) throw new ModiException(SsuErrorCode.ERROR_401_003, "no Agid-JWT-Signature");
        if (jws.length() > 4096) throw new ModiException(SsuErrorCode.ERROR_401_004, "Agid-JWT-Signature longer than 4096");
        SignedJWT sig = parse(jws, SsuErrorCode.ERROR_401_004, "Agid-JWT-Signature");
        if (!JWSAlgorithm.RS256.equals(sig.getHeader().getAlgorithm())) {
            throw new ModiException(SsuErrorCode.ERROR_401_004, "signature must be RS256");
        }
        RSAKey key = sig.getHeader().getKeyID() == null ? null : keysByKid.get(sig.getHeader().getKeyID());
        if (key == null) throw new ModiException(SsuErrorCode.ERROR_401_004, "signature key is not one of " + system + "'s");
        verify(sig, key, SsuErrorCode.ERROR_401_004, "signature");
        JWTClaimsSet c = claims(sig, SsuErrorCode.ERROR_401_004);
        if (!system.equals(c.getIssuer())) throw new ModiException(SsuErrorCode.ERROR_401_004, "iss is not " + system);
        if (c.getAudience() == null || !c.getAudience().contains(props.clientId())) {
            throw new ModiException(SsuErrorCode.ERROR_401_004, "not addressed to " + props.clientId() + " (aud)");
        }
        times(c, SsuErrorCode.ERROR_401_004, "Agid-JWT-Signature");
        if (c.getExpirationTime() == null || c.getJWTID() == null) {
            throw new ModiException(SsuErrorCode.ERROR_401_004, "Agid-JWT-Signature without exp or jti");
        }
        signedHeaders(c, actualDigest, contentType, digestHeader, SsuErrorCode.ERROR_401_004);
        if (!jtis.firstUse(c.getJWTID(), system, c.getExpirationTime().toInstant())) {
            throw new ModiException(SsuErrorCode.ERROR_401_004, "Agid-JWT-Signature replayed (jti seen before)");
        }
    }

    // ------------------------------------------------------------------ what we sign

    /** {@code SHA-256=<base64>} of a body (RFC 3230), or null without one. */
    public static String digest(byte[] body) {
        if (body == null || body.length == 0) return null;
        return "SHA-256=" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(ContentHashes.sha256Hex(body)));
    }

    /** {@code SHA-256=<base64>} of a body read to its end (and closed), or null when it is empty. */
    public static String digest(java.io.InputStream body) throws java.io.IOException {
        java.security.MessageDigest sha;
        try {
            sha = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long n = 0;
        try (body) {
            byte[] buf = new byte[1 << 16];
            for (int r; (r = body.read(buf)) > 0; n += r) sha.update(buf, 0, r);
        }
        return digestOf(sha, n);
    }

    /** {@code SHA-256=<base64>} of a finished SHA-256 over {@code length} bytes, or null when there were none. */
    public static String digestOf(java.security.MessageDigest sha256, long length) {
        return length == 0 ? null : "SHA-256=" + Base64.getEncoder().encodeToString(sha256.digest());
    }

    /** Our Agid-JWT-Signature for a message to {@code audience} with this digest and content type. */
    public String sign(String audience, String digest, String contentType) {
        Instant now = Instant.now();
        List<Object> signed = new ArrayList<>();
        if (digest != null) signed.add(Map.of("digest", digest));
        if (contentType != null && digest != null) signed.add(Map.of("content-type", contentType));
        JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().issuer(props.clientId()).subject(props.clientId()).audience(audience)
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofSeconds(60))))
                .jwtID(UUID.randomUUID().toString());
        if (!signed.isEmpty()) c.claim("signed_headers", signed);
        return signJwt(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keys.current().getKeyID()).type(JOSEObjectType.JWT).build(),
                c.build());
    }

    /** A client assertion for the PDND's token endpoint (RFC 7523). */
    public String clientAssertion(String purposeId) {
        Instant now = Instant.now();
        return signJwt(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keys.current().getKeyID()).type(JOSEObjectType.JWT).build(),
                new JWTClaimsSet.Builder().issuer(props.clientId()).subject(props.clientId()).audience(props.pdnd().issuer())
                        .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
                        .jwtID(UUID.randomUUID().toString()).claim("purposeId", purposeId).build());
    }

    /**
     * The signature of a provider's response: by the provider's key at the PDND, addressed to us, over the body.
     * @throws ModiException (ERROR_401_004) when it is missing or wrong: the response is not to be trusted
     */
    public void verifyResponseSignature(String providerClientId, String jws, byte[] body, String contentType, String digestHeader) {
        verifyResponseDigest(providerClientId, jws, digest(body), contentType, digestHeader, Instant.now());
    }

    /**
     * The same over a body's digest ({@code SHA-256=...}, null for an empty body), for a body that was streamed: its
     * signature judged fresh or not at {@code receivedAt}, when the response came, not when its last byte did.
     */
    public void verifyResponseDigest(String providerClientId, String jws, String bodyDigest, String contentType, String digestHeader,
                                     Instant receivedAt) {
        if (jws == null || jws.isBlank()) throw new ModiException(SsuErrorCode.ERROR_401_004, "response of " + providerClientId + " not signed");
        SignedJWT sig = parse(jws, SsuErrorCode.ERROR_401_004, "response signature");
        JWTClaimsSet c = signedBy(sig, providerClientId, SsuErrorCode.ERROR_401_004);
        if (!providerClientId.equals(c.getIssuer())) throw new ModiException(SsuErrorCode.ERROR_401_004, "response signed by " + c.getIssuer());
        times(c, SsuErrorCode.ERROR_401_004, "response signature", receivedAt);
        signedHeaders(c, bodyDigest, contentType, digestHeader, SsuErrorCode.ERROR_401_004);
    }

    // ------------------------------------------------------------------

    private JWTClaimsSet signedBy(SignedJWT sig, String clientId, SsuErrorCode code) {
        if (!JWSAlgorithm.RS256.equals(sig.getHeader().getAlgorithm())) throw new ModiException(code, "signature must be RS256");
        PdndKeys.ClientKey k = pdnd.clientKey(sig.getHeader().getKeyID())
                .orElseThrow(() -> new ModiException(code, "signature key " + sig.getHeader().getKeyID() + " unknown to the PDND"));
        if (!clientId.equals(k.clientId())) throw new ModiException(code, "signature key is not " + clientId + "'s");
        verify(sig, k.key(), code, "signature");
        return claims(sig, code);
    }

    /** The digest of the body and the content type, as the message says and as the token signs them. */
    private static void signedHeaders(JWTClaimsSet c, byte[] body, String contentType, String digestHeader, SsuErrorCode code) {
        signedHeaders(c, digest(body), contentType, digestHeader, code);
    }

    private static void signedHeaders(JWTClaimsSet c, String actual, String contentType, String digestHeader, SsuErrorCode code) {
        Map<String, String> signed = new LinkedHashMap<>();
        Object list = c.getClaim("signed_headers");
        if (list instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> m) m.forEach((k, v) -> signed.put(String.valueOf(k).toLowerCase(), String.valueOf(v)));
            }
        } else if (list != null) {
            throw new ModiException(code, "signed_headers must be an array");
        }
        if (actual == null) return;
        if (digestHeader == null) throw new ModiException(code, "Digest header missing");
        if (!actual.equals(digestHeader.trim())) throw new ModiException(code, "Digest does not match the body");
        if (!actual.equals(signed.get("digest"))) throw new ModiException(code, "the signature does not sign this Digest");
        String ct = signed.get("content-type");
        if (ct == null || contentType == null || !mediaType(ct).equals(mediaType(contentType))) {
            throw new ModiException(code, "the signature does not sign this Content-Type");
        }
    }

    /** A content type as compared: lower case, without blanks (clients differ in the spaces after ';'). */
    private static String mediaType(String contentType) {
        return contentType.replaceAll("\\s+", "").toLowerCase(java.util.Locale.ROOT);
    }

    private void times(JWTClaimsSet c, SsuErrorCode code, String what) {
        times(c, code, what, Instant.now());
    }

    private void times(JWTClaimsSet c, SsuErrorCode code, String what, Instant now) {
        Duration skew = props.clockSkew();
        if (c.getExpirationTime() != null && !now.isBefore(c.getExpirationTime().toInstant().plus(skew))) {
            throw new ModiException(code, what + " expired");
        }
        if (c.getNotBeforeTime() != null && now.plus(skew).isBefore(c.getNotBeforeTime().toInstant())) {
            throw new ModiException(code, what + " not yet valid");
        }
        if (c.getIssueTime() != null && now.plus(skew).isBefore(c.getIssueTime().toInstant())) {
            throw new ModiException(code, what + " issued in the future");
        }
        if (c.getIssueTime() != null && c.getExpirationTime() != null
                && Duration.between(c.getIssueTime().toInstant(), c.getExpirationTime().toInstant()).compareTo(Duration.ofHours(2)) > 0) {
            throw new ModiException(code, what + " valid for too long");
        }
    }

    private String signJwt(JWSHeader header, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(new RSASSASigner(keys.current()));
            signatures.increment();
            return jwt.serialize();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException("cannot sign: " + e.getMessage(), e);
        }
    }

    private static SignedJWT parse(String token, SsuErrorCode code, String what) {
        try {
            return SignedJWT.parse(token);
        } catch (java.text.ParseException e) {
            throw new ModiException(code, what + " is not a JWS");
        }
    }

    private static void verify(SignedJWT jwt, RSAKey key, SsuErrorCode code, String what) {
        try {
            if (!jwt.verify(new RSASSAVerifier(key))) throw new ModiException(code, what + ": bad signature");
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new ModiException(code, what + ": " + e.getMessage());
        }
    }

    private static JWTClaimsSet claims(SignedJWT jwt, SsuErrorCode code) {
        try {
            return jwt.getJWTClaimsSet();
        } catch (java.text.ParseException e) {
            throw new ModiException(code, "claims unreadable");
        }
    }

    private static String claim(JWTClaimsSet c, String name) {
        Object v = c.getClaim(name);
        return v == null ? null : String.valueOf(v);
    }
}
