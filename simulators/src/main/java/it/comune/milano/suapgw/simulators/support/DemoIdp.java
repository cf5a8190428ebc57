package it.comune.milano.suapgw.simulators.support;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import it.comune.milano.suapgw.simulators.support.modi.ModiKeys;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The embedded demo's identity provider, as far as the gateway sees it: access tokens (RS256 JWT, {@code aud}
 * {@code suapgw}, the roles in {@code roles}) signed with the demo key {@code config/demo/keys/idp.pem}, whose public
 * half the gateway's demo profile trusts. A real deployment trusts the Comune's OIDC provider instead.
 * {@link DemoOidcProvider} signs its ID and access tokens with the same key, so the gateway trusts both alike.
 */
public final class DemoIdp {
    public static final String KEY = "config/demo/keys/idp.pem";
    public static final String ISSUER = "suapgw-demo-idp";
    public static final String AUDIENCE = "suapgw";
    public static final String OPERATORE = "operatore";
    public static final String FUNZIONARIO = "funzionario";
    public static final String AMMINISTRATORE = "amministratore";
    /** The {@code kid} of every token's header (and of the key {@link DemoOidcProvider} publishes). */
    public static final String KID = "demo-idp-1";

    private final PrivateKey key;
    private final String issuer;

    public DemoIdp(Path privateKey) {
        this(ModiKeys.readPrivateKey(privateKey), ISSUER);
    }

    private DemoIdp(PrivateKey key, String issuer) {
        this.key = key;
        this.issuer = Objects.requireNonNull(issuer, "issuer");
    }

    /** The same key with another {@code iss} (the OIDC provider's URL instead of {@link #ISSUER}). */
    public DemoIdp withIssuer(String issuer) {
        return new DemoIdp(key, issuer);
    }

    /** The {@code iss} of the tokens ({@link #ISSUER} unless {@link #withIssuer}). */
    public String issuer() {
        return issuer;
    }

    /** The public half of the signing key (for a JWKS). */
    public RSAPublicKey publicKey() {
        return ModiKeys.publicKey(key);
    }

    /** The demo key from the working directory or one of its parents (the tests run in a module directory). */
    public static DemoIdp demo() {
        return new DemoIdp(DemoFiles.require(KEY));
    }

    /** Prints a demo token: {@code DemoIdp <user> <role>...} (for scripts, e.g. bin/suapgw-demo reading the metrics). */
    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: DemoIdp <user> [role...]");
            System.exit(2);
        }
        System.out.println(demo().token(args[0], java.util.Arrays.copyOfRange(args, 1, args.length)));
    }

    /** A token for {@code user} with these roles, valid for an hour. */
    public String token(String user, String... roles) {
        return token(user, AUDIENCE, Duration.ofHours(1), roles);
    }

    /** {@code Bearer <token>}. */
    public String bearer(String user, String... roles) {
        return "Bearer " + token(user, roles);
    }

    public String token(String user, String audience, Duration validity, String... roles) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer).subject(user).audience(audience).jwtID(UUID.randomUUID().toString())
                .claim("preferred_username", user).claim("roles", List.of(roles))
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now.minusSeconds(5))).expirationTime(Date.from(now.plus(validity)))
                .build();
        return sign(claims);
    }

    /** Any claims as an RS256 JWT by the demo key ({@code typ} JWT, {@code kid} {@link #KID}). */
    public String sign(JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(KID).build(), claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }
}
