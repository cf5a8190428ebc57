package it.comune.milano.suapgw.simulators.support.modi;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The few JOSE operations of ModI (RS256 compact JWS) over Nimbus, and the checks shared by the verifiers. */
final class Jws {

    static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");
    /** Tolerance on iat/nbf (not after now + 60 s) and exp (after now − 60 s), docs/modi-pdnd.md. */
    static final Duration SKEW = Duration.ofSeconds(60);

    private Jws() {
    }

    static JWSHeader header(String kid, JOSEObjectType typ) {
        return new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).type(typ).build();
    }

    static String sign(JWSHeader header, JWTClaimsSet claims, PrivateKey key) {
        try {
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign: " + e.getMessage(), e);
        }
    }

    /** The parsed JWS, or null when the text is not one. */
    static SignedJWT parse(String token) {
        if (token == null || token.isBlank()) {
            return null;
        }
        try {
            return SignedJWT.parse(token.trim());
        } catch (ParseException e) {
            return null;
        }
    }

    static boolean verify(SignedJWT jwt, RSAPublicKey key) {
        try {
            return jwt.verify(new RSASSAVerifier(key));
        } catch (JOSEException | IllegalStateException e) {
            return false;
        }
    }

    /** The claims, or null when unreadable. */
    static JWTClaimsSet claims(SignedJWT jwt) {
        try {
            return jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            return null;
        }
    }

    static Date date(Instant instant) {
        return Date.from(Instant.ofEpochSecond(instant.getEpochSecond()));
    }

    /**
     * The time checks of docs/modi-pdnd.md: exp present and after now − 60 s; iat present; iat and nbf (when present)
     * not after now + 60 s; with {@code maxLifetime}, exp − iat at most that. Null when fine, otherwise why not.
     */
    static String timeProblem(JWTClaimsSet c, Instant now, Duration maxLifetime) {
        Date exp = c.getExpirationTime();
        Date iat = c.getIssueTime();
        Date nbf = c.getNotBeforeTime();
        if (exp == null) {
            return "no exp";
        }
        if (iat == null) {
            return "no iat";
        }
        if (!exp.toInstant().isAfter(now.minus(SKEW))) {
            return "expired at " + exp.toInstant();
        }
        if (iat.toInstant().isAfter(now.plus(SKEW))) {
            return "issued in the future (iat " + iat.toInstant() + ")";
        }
        if (nbf != null && nbf.toInstant().isAfter(now.plus(SKEW))) {
            return "not valid before " + nbf.toInstant();
        }
        if (maxLifetime != null && Duration.between(iat.toInstant(), exp.toInstant()).compareTo(maxLifetime) > 0) {
            return "valid for more than " + maxLifetime.toSeconds() + " s (exp - iat)";
        }
        return null;
    }

    /** {@code signed_headers} as a map (names lowercase) of its single-entry objects; null when not an array of objects. */
    static Map<String, String> signedHeaders(JWTClaimsSet c) {
        Object v = c.getClaim("signed_headers");
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (!(v instanceof List<?> list)) {
            return null;
        }
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> m)) {
                return null;
            }
            m.forEach((k, val) -> out.put(String.valueOf(k).toLowerCase(java.util.Locale.ROOT), val == null ? null : String.valueOf(val)));
        }
        return out;
    }

    /**
     * INTEGRITY_REST_02 on a message with {@code body}: with a body, the {@code Digest} header present and equal to the
     * body's, and {@code signed_headers} naming that digest and the message's content type. Null when fine.
     */
    static String integrityProblem(JWTClaimsSet c, byte[] body, String digestHeader, String contentType) {
        Map<String, String> signed = signedHeaders(c);
        if (signed == null) {
            return "signed_headers is not an array of objects";
        }
        String actual = ModiKeys.digest(body);
        if (actual == null) {
            return null;
        }
        if (digestHeader == null || digestHeader.isBlank()) {
            return "no Digest header for a message with a body";
        }
        if (!digestMatches(digestHeader, actual)) {
            return "Digest " + digestHeader.trim() + " is not the body's (" + actual + ")";
        }
        String signedDigest = signed.get("digest");
        if (signedDigest == null || !digestMatches(signedDigest, actual)) {
            return "signed_headers does not sign the Digest " + actual + " (signed: " + signedDigest + ")";
        }
        String signedType = signed.get("content-type");
        if (contentType == null || signedType == null || !signedType.trim().equalsIgnoreCase(contentType.trim())) {
            return "signed_headers does not sign the Content-Type " + contentType + " (signed: " + signedType + ")";
        }
        return null;
    }

    /** {@code SHA-256=<b64>}: the algorithm name case-insensitively, the value exactly. */
    private static boolean digestMatches(String given, String actual) {
        String g = given.trim();
        int eq = g.indexOf('=');
        return eq > 0 && g.substring(0, eq).equalsIgnoreCase("SHA-256") && g.substring(eq + 1).equals(actual.substring("SHA-256=".length()));
    }
}
