package it.comune.milano.suapgw.gateway.security.modi;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import it.comune.milano.suapgw.connectors.ssu.SsuErrorCode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The checks of docs/modi-pdnd.md, each failure with its code: the voucher (ERROR_401_001/002), the
 * Agid-JWT-Signature (ERROR_401_003/004), replay, the digest; our signatures verify; a provider's bad response
 * signature is caught. Keys: the demo keys of config/demo/keys.
 */
class ModiServiceTest {
    static final Path KEYS = Path.of("../config/demo/keys");
    static final String AUD = "suapgw-milano/bo_to_fo";
    static final RSAKey PDND = key("pdnd", "pdnd-1");
    static final RSAKey FO = key("frontoffice", "frontoffice-1");
    static final RSAKey CATALOGO = key("catalogo", "catalogo-1");
    static final RSAKey GATEWAY = key("suapgw", "suapgw-milano-1");
    static final byte[] BODY = "{\"cui\":{}}".getBytes(StandardCharsets.UTF_8);

    final Set<String> seen = new HashSet<>();
    final JtiStore jtis = new JtiStore(null) {
        @Override
        public boolean firstUse(String jti, String clientId, Instant expiresAt) {
            return seen.add(clientId + jti);
        }
    };
    final PdndKeys pdnd = new PdndKeys("unused", "unused", null, null) {
        @Override
        public Optional<RSAKey> pdndKey(String kid) {
            return "pdnd-1".equals(kid) ? Optional.of(PDND.toPublicJWK()) : Optional.empty();
        }

        @Override
        public Optional<ClientKey> clientKey(String kid) {
            return switch (kid) {
                case "frontoffice-1" -> Optional.of(new ClientKey("frontoffice", FO.toPublicJWK()));
                case "catalogo-1" -> Optional.of(new ClientKey("catalogo", CATALOGO.toPublicJWK()));
                case "suapgw-milano-1" -> Optional.of(new ClientKey("suapgw-milano", GATEWAY.toPublicJWK()));
                default -> Optional.empty();
            };
        }
    };
    final ModiProperties props = new ModiProperties("suapgw-milano", "suapgw-milano-1", KEYS.resolve("suapgw.pem").toString(),
            new ModiProperties.Pdnd("pdnd-simulator", null, null, null), Map.of("bo_to_fo", AUD), "frontoffice", "catalogo",
            Map.of(), Duration.ofSeconds(60), null, 0);
    final ModiService modi = new ModiService(props, new ModiKeys(KEYS.resolve("suapgw.pem"), "suapgw-milano-1"), pdnd, jtis);

    @Test
    void aGoodRequestPassesAndTheCallerIsTheVouchersClient() {
        assertThat(modi.verifyVoucher("Bearer " + voucher(PDND, AUD, "frontoffice", 600), AUD, Set.of("frontoffice")))
                .isEqualTo("frontoffice");
        modi.verifyRequestSignature(signature(FO, "frontoffice", AUD, BODY, "application/json"), AUD, "frontoffice", BODY,
                "application/json", ModiService.digest(BODY));
    }

    @Test
    void eachDefectOfTheVoucherIsError401001Or401002() {
        assertThat(code(() -> modi.verifyVoucher(null, AUD, Set.of("frontoffice")))).isEqualTo(SsuErrorCode.ERROR_401_001);
        assertThat(code(() -> modi.verifyVoucher("Basic eDp5", AUD, Set.of("frontoffice")))).isEqualTo(SsuErrorCode.ERROR_401_001);
        for (String bad : List.of(voucher(FO, AUD, "frontoffice", 600), // not signed by the PDND
                voucher(PDND, "somebody-else/bo_to_fo", "frontoffice", 600), // another e-service
                voucher(PDND, AUD, "frontoffice", -120), // expired
                voucher(PDND, AUD, "catalogo", 600), // a client that may not call this e-service
                "not.a.jws")) {
            assertThat(code(() -> modi.verifyVoucher("Bearer " + bad, AUD, Set.of("frontoffice")))).isEqualTo(SsuErrorCode.ERROR_401_002);
        }
    }

    @Test
    void eachDefectOfTheSignatureIsError401003Or401004() {
        String digest = ModiService.digest(BODY);
        assertThat(code(() -> modi.verifyRequestSignature(null, AUD, "frontoffice", BODY, "application/json", digest)))
                .isEqualTo(SsuErrorCode.ERROR_401_003);
        // signed by another client's key, for another e-service, over another body, without the Digest header
        assertThat(code(() -> modi.verifyRequestSignature(signature(CATALOGO, "frontoffice", AUD, BODY, "application/json"), AUD,
                "frontoffice", BODY, "application/json", digest))).isEqualTo(SsuErrorCode.ERROR_401_004);
        assertThat(code(() -> modi.verifyRequestSignature(signature(FO, "frontoffice", "x/y", BODY, "application/json"), AUD,
                "frontoffice", BODY, "application/json", digest))).isEqualTo(SsuErrorCode.ERROR_401_004);
        byte[] other = "{\"cui\":{\"uuid\":\"x\"}}".getBytes(StandardCharsets.UTF_8);
        assertThat(code(() -> modi.verifyRequestSignature(signature(FO, "frontoffice", AUD, BODY, "application/json"), AUD,
                "frontoffice", other, "application/json", ModiService.digest(other)))).isEqualTo(SsuErrorCode.ERROR_401_004);
        assertThat(code(() -> modi.verifyRequestSignature(signature(FO, "frontoffice", AUD, BODY, "application/json"), AUD,
                "frontoffice", BODY, "application/json", null))).isEqualTo(SsuErrorCode.ERROR_401_004);
        // the same token twice: a replay
        String once = signature(FO, "frontoffice", AUD, BODY, "application/json");
        modi.verifyRequestSignature(once, AUD, "frontoffice", BODY, "application/json", digest);
        assertThat(code(() -> modi.verifyRequestSignature(once, AUD, "frontoffice", BODY, "application/json", digest)))
                .isEqualTo(SsuErrorCode.ERROR_401_004);
    }

    @Test
    void ourSignatureVerifiesAsAProvidersResponseAndATamperedOneDoesNot() {
        String digest = ModiService.digest(BODY);
        long before = modi.signatures();
        String ours = modi.sign("frontoffice", digest, "application/json");
        assertThat(modi.signatures()).as("counted for suapgw.modi.signatures").isEqualTo(before + 1);
        modi.verifyResponseSignature("suapgw-milano", ours, BODY, "application/json", digest);
        assertThatThrownBy(() -> modi.verifyResponseSignature("suapgw-milano", ours, "{}".getBytes(), "application/json",
                ModiService.digest("{}".getBytes()))).isInstanceOf(ModiException.class);
        assertThatThrownBy(() -> modi.verifyResponseSignature("catalogo", ours, BODY, "application/json", digest))
                .isInstanceOf(ModiException.class);
        assertThatThrownBy(() -> modi.verifyResponseSignature("catalogo", null, BODY, "application/json", digest))
                .isInstanceOf(ModiException.class);
    }

    @Test
    void aStreamedResponsesSignatureIsJudgedFreshWhenTheResponseCameNotWhenItsLastByteDid() {
        String digest = ModiService.digest(BODY);
        String ours = modi.sign("frontoffice", digest, "application/json");
        java.time.Instant received = java.time.Instant.now();
        // its body streamed for longer than the signature lives: still the response that came, signed and fresh
        modi.verifyResponseDigest("suapgw-milano", ours, digest, "application/json", digest, received);
        // one that came after the signature's end is refused
        assertThat(code(() -> modi.verifyResponseDigest("suapgw-milano", ours, digest, "application/json", digest,
                received.plus(java.time.Duration.ofMinutes(10))))).isEqualTo(SsuErrorCode.ERROR_401_004);
    }

    @Test
    void theClientAssertionIsSignedByOurKeyForThePdnd() throws Exception {
        SignedJWT a = SignedJWT.parse(modi.clientAssertion("purpose-1"));
        assertThat(a.verify(new com.nimbusds.jose.crypto.RSASSAVerifier(GATEWAY.toPublicJWK()))).isTrue();
        assertThat(a.getJWTClaimsSet().getAudience()).containsExactly("pdnd-simulator");
        assertThat(a.getJWTClaimsSet().getClaim("purposeId")).isEqualTo("purpose-1");
        assertThat(a.getJWTClaimsSet().getSubject()).isEqualTo("suapgw-milano");
    }

    // ---

    static SsuErrorCode code(Runnable r) {
        return catchThrowableOfType(ModiException.class, r::run).code();
    }

    static String voucher(RSAKey signer, String aud, String client, long seconds) {
        Instant now = Instant.now();
        return sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signer.getKeyID()).type(new JOSEObjectType("at+jwt")).build(),
                new JWTClaimsSet.Builder().issuer("pdnd-simulator").audience(aud).subject(client).claim("client_id", client)
                        .claim("purposeId", "p").jwtID(UUID.randomUUID().toString()).issueTime(Date.from(now.minusSeconds(300)))
                        .notBeforeTime(Date.from(now.minusSeconds(300))).expirationTime(Date.from(now.plusSeconds(seconds))).build(),
                signer);
    }

    static String signature(RSAKey signer, String client, String aud, byte[] body, String contentType) {
        Instant now = Instant.now();
        return sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signer.getKeyID()).type(JOSEObjectType.JWT).build(),
                new JWTClaimsSet.Builder().issuer(client).subject(client).audience(aud).jwtID(UUID.randomUUID().toString())
                        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(60)))
                        .claim("signed_headers", List.of(Map.of("digest", ModiService.digest(body)), Map.of("content-type", contentType)))
                        .build(), signer);
    }

    static String sign(JWSHeader h, JWTClaimsSet c, RSAKey key) {
        try {
            SignedJWT jwt = new SignedJWT(h, c);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static RSAKey key(String name, String kid) {
        try {
            return ModiKeys.privateKey(Files.readString(KEYS.resolve(name + ".pem")), kid);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
