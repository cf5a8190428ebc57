package it.comune.milano.suapgw.simulators.support;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import it.comune.milano.suapgw.simulators.support.modi.ModiKeys;

import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * How the Comune's own systems (Geowork, GEOPOST) and the InfoCamere scrivania sign what they send the gateway
 * (docs/security.md): a {@code Digest} of the body and an {@code Agid-JWT-Signature} (RS256, {@code iss} the system,
 * {@code aud} the gateway, fresh {@code jti}, {@code signed_headers} with the digest and the content type) by the
 * system's key; in the demo, {@code config/demo/keys/<system>.pem}.
 */
public final class SystemSigner {
    public static final String GATEWAY = "suapgw-milano";
    private final String system;
    private final String kid;
    private final PrivateKey key;

    public SystemSigner(String system, String kid, PrivateKey key) {
        this.system = system;
        this.kid = kid;
        this.key = key;
    }

    /** The demo key of {@code system} (geowork, geopost, scrivania), from the working directory or a parent. */
    public static SystemSigner demo(String system) {
        return new SystemSigner(system, system + "-1", ModiKeys.readPrivateKey(DemoFiles.require("config/demo/keys/" + system + ".pem")));
    }

    public String system() {
        return system;
    }

    /** {@code Digest} and {@code Agid-JWT-Signature} for this body sent with this content type. */
    public Map<String, String> headers(byte[] body, String contentType) {
        return headers(body, contentType, GATEWAY, Duration.ofMinutes(2));
    }

    public Map<String, String> headers(byte[] body, String contentType, String audience, Duration validity) {
        String digest = ModiKeys.digest(body);
        Instant now = Instant.now();
        JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().issuer(system).subject(system).audience(audience)
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now.minusSeconds(1))).expirationTime(Date.from(now.plus(validity)))
                .jwtID(UUID.randomUUID().toString());
        if (digest != null) {
            c.claim("signed_headers", List.of(Map.of("digest", digest), Map.of("content-type", contentType)));
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(kid).build(), c.build());
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> h = new LinkedHashMap<>();
        if (digest != null) {
            h.put("Digest", digest);
        }
        h.put("Agid-JWT-Signature", jwt.serialize());
        return h;
    }
}
