package it.comune.milano.suapgw.simulators.support.modi;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import it.comune.milano.suapgw.simulators.support.Json;
import it.comune.milano.suapgw.simulators.support.TestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The PDND simulator: the token flow (docs/modi-pdnd.md), its JWKS and the clients' keys. */
class PdndSimulatorTest {

    private static PdndSimulator pdnd;
    private static ModiDemo demo;

    @BeforeAll
    static void start() {
        demo = ModiDemo.start(0);
        pdnd = demo.pdnd();
    }

    @AfterAll
    static void stop() {
        pdnd.stop();
    }

    /** A client assertion of {@code frontoffice} for its purpose, changed by {@code claims} / signed by {@code key}. */
    private static String assertion(String kid, PrivateKey key, Consumer<JWTClaimsSet.Builder> claims) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().issuer("frontoffice").subject("frontoffice").audience("pdnd-simulator")
                .jwtID(UUID.randomUUID().toString()).issueTime(Jws.date(now)).expirationTime(Jws.date(now.plusSeconds(300)))
                .claim("purposeId", "purpose-frontoffice-bo_to_fo");
        claims.accept(c);
        return Jws.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).type(JOSEObjectType.JWT).build(), c.build(), key);
    }

    private static String assertion(Consumer<JWTClaimsSet.Builder> claims) {
        return assertion("frontoffice-1", demo.identity("frontoffice").privateKey(), claims);
    }

    private static HttpResponse<String> token(Map<String, String> form) throws Exception {
        String body = form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return TestSupport.HTTP.send(HttpRequest.newBuilder(URI.create(pdnd.tokenUrl()))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> form(String clientId, String assertion) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("grant_type", "client_credentials");
        f.put("client_id", clientId);
        f.put("client_assertion_type", PdndSimulator.ASSERTION_TYPE);
        f.put("client_assertion", assertion);
        return f;
    }

    @Test
    void aGoodAssertionGetsAVoucherThatVerifiesWithThePdndKey() throws Exception {
        int before = pdnd.vouchersIssued("frontoffice");
        HttpResponse<String> r = token(form("frontoffice", assertion(c -> { })));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = Json.parse(r.body());
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("expires_in").asLong()).isEqualTo(600);

        SignedJWT voucher = SignedJWT.parse(body.get("access_token").asText());
        assertThat(voucher.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(voucher.getHeader().getKeyID()).isEqualTo("pdnd-1");
        assertThat(voucher.getHeader().getType()).isEqualTo(new JOSEObjectType("at+jwt"));
        // verified with the key the PDND publishes
        JWKSet jwks = JWKSet.parse(TestSupport.get(pdnd.jwksUrl()).body());
        RSAKey key = (RSAKey) jwks.getKeyByKeyId("pdnd-1");
        assertThat(key).isNotNull();
        assertThat(Jws.verify(voucher, key.toRSAPublicKey())).isTrue();
        JWTClaimsSet c = voucher.getJWTClaimsSet();
        assertThat(c.getIssuer()).isEqualTo("pdnd-simulator");
        assertThat(c.getAudience()).containsExactly("suapgw-milano/bo_to_fo");
        assertThat(c.getSubject()).isEqualTo("frontoffice");
        assertThat(c.getStringClaim("client_id")).isEqualTo("frontoffice");
        assertThat(c.getStringClaim("purposeId")).isEqualTo("purpose-frontoffice-bo_to_fo");
        assertThat(c.getJWTID()).isNotBlank();
        assertThat(c.getNotBeforeTime()).isEqualTo(c.getIssueTime());
        assertThat(c.getExpirationTime().getTime() - c.getIssueTime().getTime()).isEqualTo(600_000);
        // and it is what a provider of that e-service accepts
        assertThat(voucherOutcome(demo.server("suapgw-milano", ModiDemo.BO_TO_FO), body.get("access_token").asText()).code())
                .isEqualTo(ModiServer.ERROR_401_003); // voucher fine, no signature yet
        assertThat(pdnd.vouchersIssued("frontoffice")).isEqualTo(before + 1);

        // the form's client_id may be left out; the gateway gets its vouchers for each of its purposes
        String gateway = assertion("suapgw-milano-1", demo.identity("suapgw-milano").privateKey(), c2 -> c2.issuer("suapgw-milano")
                .subject("suapgw-milano").claim("purposeId", "purpose-suapgw-et-arpa-lombardia"));
        Map<String, String> f = form("suapgw-milano", gateway);
        f.remove("client_id");
        HttpResponse<String> g = token(f);
        assertThat(g.statusCode()).as(g.body()).isEqualTo(200);
        assertThat(SignedJWT.parse(Json.parse(g.body()).get("access_token").asText()).getJWTClaimsSet().getAudience())
                .containsExactly("et-arpa-lombardia/et_to_bo");
    }

    private static ModiServer.Outcome voucherOutcome(ModiServer server, String voucher) {
        return server.verify(name -> "Authorization".equalsIgnoreCase(name) ? "Bearer " + voucher : null, new byte[0]);
    }

    @Test
    void everyBadAssertionIsRefusedAsInvalidClient() throws Exception {
        PrivateKey foKey = demo.identity("frontoffice").privateKey();
        PrivateKey other = ModiKeys.generate().getPrivate();
        Map<String, Map<String, String>> bad = new LinkedHashMap<>();
        bad.put("signed by another key", form("frontoffice", assertion("frontoffice-1", other, c -> { })));
        bad.put("signed by another client's key", form("frontoffice", assertion("frontoffice-1", demo.identity("catalogo").privateKey(), c -> { })));
        bad.put("kid not the client's", form("frontoffice", assertion("catalogo-1", foKey, c -> { })));
        bad.put("iss not sub", form("frontoffice", assertion(c -> c.subject("catalogo"))));
        bad.put("unknown client", form("stranger", assertion(c -> c.issuer("stranger").subject("stranger"))));
        bad.put("form client_id not the assertion's", form("catalogo", assertion(c -> { })));
        bad.put("aud not the issuer name", form("frontoffice", assertion(c -> c.audience(pdnd.tokenUrl()))));
        bad.put("exp more than 600 s after iat", form("frontoffice", assertion(c -> c.expirationTime(Jws.date(Instant.now().plusSeconds(601))))));
        bad.put("expired", form("frontoffice", assertion(c -> c.issueTime(Jws.date(Instant.now().minusSeconds(400)))
                .expirationTime(Jws.date(Instant.now().minusSeconds(100))))));
        bad.put("no exp", form("frontoffice", assertion(c -> c.expirationTime(null))));
        bad.put("no purposeId", form("frontoffice", assertion(c -> c.claim("purposeId", null))));
        bad.put("unknown purpose", form("frontoffice", assertion(c -> c.claim("purposeId", "purpose-nope"))));
        bad.put("another client's purpose", form("frontoffice", assertion(c -> c.claim("purposeId", "purpose-suapgw-fo_to_bo"))));
        bad.put("not a JWS", form("frontoffice", "not-a-jwt"));
        Map<String, String> grant = form("frontoffice", assertion(c -> { }));
        grant.put("grant_type", "password");
        bad.put("grant_type", grant);
        Map<String, String> type = form("frontoffice", assertion(c -> { }));
        type.put("client_assertion_type", "urn:whatever");
        bad.put("client_assertion_type", type);

        int issued = pdnd.vouchersIssued();
        int refusals = pdnd.refusals();
        for (Map.Entry<String, Map<String, String>> e : bad.entrySet()) {
            HttpResponse<String> r = token(e.getValue());
            assertThat(r.statusCode()).as(e.getKey()).isEqualTo(400);
            assertThat(Json.parse(r.body()).get("error").asText()).as(e.getKey()).isEqualTo("invalid_client");
        }
        assertThat(pdnd.vouchersIssued()).isEqualTo(issued);
        assertThat(pdnd.refusals()).isEqualTo(refusals + bad.size());
        assertThat(pdnd.refusalReasons()).last().asString().contains("client_assertion_type");
    }

    @Test
    void theClientsKeysAreServedByKid() throws Exception {
        HttpResponse<String> r = TestSupport.get(pdnd.keysUrl() + "registro-imprese-1");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = Json.parse(r.body());
        assertThat(body.get("kid").asText()).isEqualTo("registro-imprese-1");
        assertThat(body.get("client_id").asText()).isEqualTo("registro-imprese");
        JsonNode jwk = body.get("jwk");
        assertThat(jwk.get("kty").asText()).isEqualTo("RSA");
        assertThat(jwk.get("alg").asText()).isEqualTo("RS256");
        assertThat(jwk.get("use").asText()).isEqualTo("sig");
        assertThat(jwk.get("kid").asText()).isEqualTo("registro-imprese-1");
        assertThat(RSAKey.parse(Json.write(jwk)).toRSAPublicKey())
                .isEqualTo(demo.registry().client("registro-imprese").orElseThrow().publicKey());
        assertThat(TestSupport.get(pdnd.keysUrl() + "nobody-1").statusCode()).isEqualTo(404);
        assertThat(TestSupport.get(pdnd.baseUrl() + "/nothing").statusCode()).isEqualTo(404);
        JsonNode jwks = Json.parse(TestSupport.get(pdnd.jwksUrl()).body());
        assertThat(jwks.get("keys")).hasSize(1);
        assertThat(jwks.at("/keys/0/d").isMissingNode()).as("no private part").isTrue();
    }

    @Test
    void theDemoRegistryHasAPrivateKeyForEveryClientMatchingItsRegisteredKey() {
        PdndRegistry r = demo.registry();
        assertThat(r.issuer()).isEqualTo("pdnd-simulator");
        assertThat(r.pdndKid()).isEqualTo("pdnd-1");
        for (String client : r.clients().keySet()) {
            ModiIdentity id = r.identity(client);
            assertThat(id.kid()).isEqualTo(client + "-1");
        }
        assertThat(r.callers(ModiDemo.BO_TO_ET)).containsExactlyInAnyOrder("et-arpa-lombardia", "et-citta-metropolitana");
        assertThat(r.callers(ModiDemo.FO_TO_BO)).containsExactly("suapgw-milano");
        assertThat(r.purposesOf("suapgw-milano")).hasSize(5).containsEntry(ModiDemo.RI_TO_BO, "purpose-suapgw-ri_to_bo");
        assertThat(List.copyOf(r.purposesOf("frontoffice").values())).containsExactly("purpose-frontoffice-bo_to_fo");
    }
}
