package it.comune.milano.suapgw.simulators.support.modi;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

import static it.comune.milano.suapgw.simulators.support.modi.ModiServer.ERROR_401_001;
import static it.comune.milano.suapgw.simulators.support.modi.ModiServer.ERROR_401_002;
import static it.comune.milano.suapgw.simulators.support.modi.ModiServer.ERROR_401_003;
import static it.comune.milano.suapgw.simulators.support.modi.ModiServer.ERROR_401_004;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * ModiServer on bo_to_fo (provider suapgw-milano, caller frontoffice): a good request passes, each defect yields exactly
 * its code (docs/modi-pdnd.md, Table 30), responses are signed and verify.
 */
class ModiServerTest {

    private static final byte[] BODY = "{\"cui\":{\"uuid\":\"x\"}}".getBytes(StandardCharsets.UTF_8);
    private static ModiDemo demo;
    private static ModiClient fo;
    private ModiServer server;

    @BeforeAll
    static void start() {
        demo = ModiDemo.start(0);
        fo = demo.client(ModiDemo.FRONTOFFICE);
    }

    @AfterAll
    static void stop() {
        demo.pdnd().stop();
    }

    @BeforeEach
    void newServer() {
        server = demo.server(ModiDemo.GATEWAY, ModiDemo.BO_TO_FO);
    }

    private static Function<String, String> lookup(Map<String, String> headers) {
        Map<String, String> ci = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        ci.putAll(headers);
        return ci::get;
    }

    private ModiServer.Outcome verify(Map<String, String> headers, byte[] body) {
        return server.verify(lookup(headers), body);
    }

    private Map<String, String> request(ModiClient.Forgery f, byte[] body) {
        return new LinkedHashMap<>(fo.headers(ModiDemo.BO_TO_FO, body, "application/json", f));
    }

    private Map<String, String> request(ModiClient.Forgery f) {
        return request(f, BODY);
    }

    private String code(ModiClient.Forgery f) {
        return verify(request(f), BODY).code();
    }

    /** A voucher by the PDND's key for bo_to_fo, claims changed by {@code change}. */
    private static String voucher(Consumer<JWTClaimsSet.Builder> change, JOSEObjectType typ, PrivateKey key) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().issuer("pdnd-simulator").audience(ModiDemo.BO_TO_FO).subject("frontoffice")
                .claim("client_id", "frontoffice").claim("purposeId", "purpose-frontoffice-bo_to_fo").jwtID(UUID.randomUUID().toString())
                .issueTime(Jws.date(now)).notBeforeTime(Jws.date(now)).expirationTime(Jws.date(now.plusSeconds(600)));
        change.accept(c);
        return Jws.sign(Jws.header("pdnd-1", typ), c.build(), key);
    }

    private static String voucher(Consumer<JWTClaimsSet.Builder> change) {
        return voucher(change, Jws.AT_JWT, demo.registry().pdndPrivateKey());
    }

    @Test
    void aGoodRequestPassesAndNamesTheCaller() {
        ModiServer.Outcome ok = verify(request(ModiClient.Forgery.NONE), BODY);
        assertThat(ok.ok()).as(ok.message()).isTrue();
        assertThat(ok.clientId()).isEqualTo("frontoffice");
        // without a body: no Digest, no Content-Type, no signed_headers
        Map<String, String> get = request(ModiClient.Forgery.NONE, null);
        assertThat(get).containsOnlyKeys("Authorization", "Agid-JWT-Signature");
        assertThat(verify(get, new byte[0]).ok()).isTrue();
        Map<String, String> post = request(ModiClient.Forgery.NONE);
        assertThat(post).containsKeys("Authorization", "Digest", "Content-Type", "Agid-JWT-Signature");
        assertThat(post.get("Digest")).isEqualTo(ModiKeys.digest(BODY)).startsWith("SHA-256=");
        assertThat(server.accepted()).isEqualTo(2);
        assertThat(server.refusals()).isZero();
    }

    @Test
    void missingBearerIs401_001() {
        assertThat(code(ModiClient.Forgery.NONE.withoutVoucher())).isEqualTo(ERROR_401_001);
        Map<String, String> basic = request(ModiClient.Forgery.NONE);
        basic.put("Authorization", "Basic ZnJvbnRvZmZpY2U6c2VjcmV0");
        assertThat(verify(basic, BODY).code()).isEqualTo(ERROR_401_001);
        basic.put("Authorization", "Bearer ");
        assertThat(verify(basic, BODY).code()).isEqualTo(ERROR_401_001);
        // the first failure wins: no bearer and no signature
        assertThat(code(ModiClient.Forgery.NONE.withoutVoucher().withoutSignature())).isEqualTo(ERROR_401_001);
        ModiServer.Outcome o = verify(request(ModiClient.Forgery.NONE.withoutVoucher()), BODY);
        assertThat(o.message()).startsWith("PDND token not found");
        assertThat(o.clientId()).isNull();
    }

    @Test
    void eachVoucherDefectIs401_002() {
        assertThat(code(ModiClient.Forgery.NONE.withVoucherFrom(ModiKeys.generate().getPrivate()))).as("signed by a wrong key").isEqualTo(ERROR_401_002);
        assertThat(code(ModiClient.Forgery.NONE.withVoucherFrom(demo.identity("catalogo").privateKey()))).as("by a client's key")
                .isEqualTo(ERROR_401_002);
        assertThat(code(ModiClient.Forgery.NONE.withVoucherAudience(ModiDemo.BO_TO_ET))).as("wrong aud").isEqualTo(ERROR_401_002);
        assertThat(code(ModiClient.Forgery.NONE.withExpiredVoucher())).as("expired").isEqualTo(ERROR_401_002);
        assertThat(code(ModiClient.Forgery.NONE.withVoucher("not.a.jwt"))).as("not a JWS").isEqualTo(ERROR_401_002);
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("unknown client", voucher(c -> c.subject("stranger").claim("client_id", "stranger")));
        cases.put("a client that is not a caller of bo_to_fo", voucher(c -> c.subject("catalogo").claim("client_id", "catalogo")));
        cases.put("no client_id", voucher(c -> c.claim("client_id", null)));
        cases.put("missing purposeId", voucher(c -> c.claim("purposeId", null)));
        cases.put("iss not the PDND's issuer name", voucher(c -> c.issuer("https://pdnd.example")));
        cases.put("no exp", voucher(c -> c.expirationTime(null)));
        cases.put("not yet valid", voucher(c -> c.notBeforeTime(Jws.date(Instant.now().plusSeconds(300)))));
        cases.put("issued in the future", voucher(c -> c.issueTime(Jws.date(Instant.now().plusSeconds(300)))));
        cases.put("typ JWT", voucher(c -> { }, JOSEObjectType.JWT, demo.registry().pdndPrivateKey()));
        cases.put("kid not in the JWKS", Jws.sign(Jws.header("pdnd-2", Jws.AT_JWT), claimsOf(voucher(c -> { })), demo.registry().pdndPrivateKey()));
        cases.forEach((what, token) -> assertThat(code(ModiClient.Forgery.NONE.withVoucher(token))).as(what).isEqualTo(ERROR_401_002));
        // a voucher is checked before the signature: a bad voucher without signature is still 002
        assertThat(code(ModiClient.Forgery.NONE.withExpiredVoucher().withoutSignature())).isEqualTo(ERROR_401_002);
        // a good hand-made one passes (the cases above differ in one thing only)
        assertThat(code(ModiClient.Forgery.NONE.withVoucher(voucher(c -> { })))).isNull();
        assertThat(server.refusals(ERROR_401_002)).isEqualTo(cases.size() + 6);
        assertThat(verify(request(ModiClient.Forgery.NONE.withExpiredVoucher()), BODY).message()).startsWith("Invalid PDND token");
    }

    private static JWTClaimsSet claimsOf(String token) {
        return Jws.claims(Jws.parse(token));
    }

    @Test
    void missingSignatureIs401_003() {
        ModiServer.Outcome o = verify(request(ModiClient.Forgery.NONE.withoutSignature()), BODY);
        assertThat(o.code()).isEqualTo(ERROR_401_003);
        assertThat(o.clientId()).as("the voucher was good: the caller is known").isEqualTo("frontoffice");
        assertThat(o.message()).startsWith("AgID-JWT-Signature token not found");
        assertThat(code(ModiClient.Forgery.NONE.withoutSignature().withWrongDigest())).isEqualTo(ERROR_401_003);
    }

    @Test
    void eachSignatureDefectIs401_004() {
        assertThat(code(ModiClient.Forgery.NONE.withSignatureKey(ModiKeys.generate().getPrivate(), null))).as("bad signature")
                .isEqualTo(ERROR_401_004);
        assertThat(code(ModiClient.Forgery.NONE.withSignatureAudience(ModiDemo.BO_TO_ET))).as("wrong aud").isEqualTo(ERROR_401_004);
        assertThat(code(ModiClient.Forgery.NONE.withWrongDigest())).as("digest mismatch").isEqualTo(ERROR_401_004);
        assertThat(code(ModiClient.Forgery.NONE.withoutDigest())).as("digest missing with a body").isEqualTo(ERROR_401_004);
        assertThat(code(ModiClient.Forgery.NONE.withSignatureKey(demo.identity("catalogo")))).as("kid of another client")
                .isEqualTo(ERROR_401_004);
        assertThat(code(ModiClient.Forgery.NONE.withSignatureKey(demo.identity("frontoffice").privateKey(), "nobody-1")))
                .as("kid unknown to the PDND").isEqualTo(ERROR_401_004);
        // replayed jti: the same headers twice
        Map<String, String> once = request(ModiClient.Forgery.NONE);
        assertThat(verify(once, BODY).ok()).isTrue();
        ModiServer.Outcome replay = verify(once, BODY);
        assertThat(replay.code()).as("replayed jti").isEqualTo(ERROR_401_004);
        assertThat(replay.message()).startsWith("invalid AgID-JWT-Signature token").contains("replay");
        // the body is not the one whose Digest was sent and signed
        assertThat(verify(request(ModiClient.Forgery.NONE), "{\"other\":1}".getBytes(StandardCharsets.UTF_8)).code()).isEqualTo(ERROR_401_004);
        // the content type is not the one signed
        Map<String, String> otherType = request(ModiClient.Forgery.NONE);
        otherType.put("Content-Type", "text/plain");
        assertThat(verify(otherType, BODY).code()).isEqualTo(ERROR_401_004);
        // a signature without signed_headers on a request with a body
        Map<String, String> bare = request(ModiClient.Forgery.NONE, null);
        bare.put("Digest", ModiKeys.digest(BODY));
        bare.put("Content-Type", "application/json");
        assertThat(verify(bare, BODY).code()).isEqualTo(ERROR_401_004);
        assertThat(server.refusals(ERROR_401_004)).isEqualTo(10);
        assertThat(server.refusals()).isEqualTo(10);
    }

    @Test
    void signaturesOutOfTimeAreRefused() {
        Instant now = Instant.now();
        // 400 s later the voucher (600 s) still holds, the signature (300 s, + 60 s of tolerance) does not
        Map<String, String> late = request(ModiClient.Forgery.NONE);
        server.clock(Clock.fixed(now.plusSeconds(400), ZoneOffset.UTC));
        assertThat(verify(late, BODY).code()).isEqualTo(ERROR_401_004);
        // within the tolerance both pass
        server.clock(Clock.fixed(now.plusSeconds(330), ZoneOffset.UTC));
        assertThat(verify(request(ModiClient.Forgery.NONE), BODY).ok()).isTrue();
        // a signature issued in the future, or valid for more than 300 s
        ModiClient future = demo.client(ModiDemo.FRONTOFFICE).clock(Clock.fixed(now.plusSeconds(3600), ZoneOffset.UTC));
        server.clock(Clock.systemUTC());
        Map<String, String> h = new LinkedHashMap<>(future.headers(ModiDemo.BO_TO_FO, BODY, null, ModiClient.Forgery.NONE.withoutVoucher()));
        h.put("Authorization", request(ModiClient.Forgery.NONE).get("Authorization"));
        assertThat(verify(h, BODY).code()).isEqualTo(ERROR_401_004);
    }

    @Test
    void responsesAreSignedForTheCallerAndVerify() {
        Map<String, String> response = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byte[] body = "{\"code\":\"ERROR_500_002\",\"message\":\"invalid cui\"}".getBytes(StandardCharsets.UTF_8);
        response.put("Content-Type", "application/json");
        server.signResponse(response::put, body, "application/json", "frontoffice");
        assertThat(response).containsKeys("Digest", "Agid-JWT-Signature");
        assertThat(response.get("Digest")).isEqualTo(ModiKeys.digest(body));
        JWTClaimsSet c = claimsOf(response.get("Agid-JWT-Signature"));
        assertThat(c.getIssuer()).isEqualTo("suapgw-milano");
        assertThat(c.getSubject()).isEqualTo("suapgw-milano");
        assertThat(c.getAudience()).containsExactly("frontoffice");
        assertThat(c.getJWTID()).isNotBlank();
        assertThat(c.getExpirationTime().getTime() - c.getIssueTime().getTime()).isEqualTo(300_000);
        assertThat(Jws.signedHeaders(c)).containsEntry("digest", ModiKeys.digest(body)).containsEntry("content-type", "application/json");
        SignedJWT sig = Jws.parse(response.get("Agid-JWT-Signature"));
        assertThat(sig.getHeader().getKeyID()).isEqualTo("suapgw-milano-1");

        assertThat(fo.verifyResponse(response::get, body, "suapgw-milano", ModiDemo.BO_TO_FO).ok()).isTrue();
        assertThat(fo.verifyResponse(response::get, "{}".getBytes(StandardCharsets.UTF_8), "suapgw-milano", ModiDemo.BO_TO_FO).error())
                .as("another body").contains("Digest");
        assertThat(fo.verifyResponse(response::get, body, "catalogo", ModiDemo.BO_TO_FO).error()).as("another provider").isNotNull();
        assertThat(demo.client("registro-imprese").verifyResponse(response::get, body, "suapgw-milano", ModiDemo.BO_TO_RI).error())
                .as("for someone else").contains("aud");
        Map<String, String> noDigest = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        noDigest.putAll(response);
        noDigest.remove("Digest");
        assertThat(fo.verifyResponse(noDigest::get, body, "suapgw-milano", ModiDemo.BO_TO_FO).ok()).isFalse();
        Map<String, String> unsigned = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        unsigned.put("Content-Type", "application/json");
        assertThat(fo.verifyResponse(unsigned::get, body, "suapgw-milano", ModiDemo.BO_TO_FO).error()).contains("without Agid-JWT-Signature");

        // the caller unknown (no voucher): addressed to the e-service's audience
        Map<String, String> toUnknown = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        server.signResponse(toUnknown::put, new byte[0], null, null);
        assertThat(toUnknown).containsOnlyKeys("Agid-JWT-Signature");
        assertThat(claimsOf(toUnknown.get("Agid-JWT-Signature")).getAudience()).containsExactly(ModiDemo.BO_TO_FO);
        assertThat(claimsOf(toUnknown.get("Agid-JWT-Signature")).getClaim("signed_headers")).isNull();
        assertThat(fo.verifyResponse(toUnknown::get, new byte[0], "suapgw-milano", ModiDemo.BO_TO_FO).ok()).isTrue();
        assertThat(fo.verifyResponse(toUnknown::get, new byte[0], "suapgw-milano", null).ok()).isFalse();
    }
}
