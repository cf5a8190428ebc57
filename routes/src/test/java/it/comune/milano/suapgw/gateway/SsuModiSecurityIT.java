package it.comune.milano.suapgw.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.simulators.ssu.SampleInstances;
import it.comune.milano.suapgw.simulators.support.GatewayClient;
import it.comune.milano.suapgw.simulators.support.GatewayResponse;
import it.comune.milano.suapgw.simulators.support.modi.ModiDemo;
import it.comune.milano.suapgw.simulators.support.modi.ModiPeer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * ModI and PDND on every SSU e-service we provide (bo_to_fo, bo_to_et, bo_to_ri) and on every call we make, over real
 * sockets against the PDND simulator: the 401 test cases of the specification (08_06_02: TEST_ERROR_401_001..004 for
 * each operation and caller), the anti-replay of {@code jti}, and our trust in the responses we receive.
 * <p>
 * For each operation every defect is tried (no voucher; a voucher signed by a key the PDND does not publish, expired, or
 * for another e-service, or not a JWT; no Agid-JWT-Signature; a signature by a wrong key, over another body, for another
 * audience), each answered with the SSU error of Table 30 in a response we sign, and each leaves nothing behind.
 */
class SsuModiSecurityIT extends AbstractGatewayIT {

    // ------------------------------------------------------------------ the front-office on bo_to_fo

    @Test
    void BO_TC_003_004_005_006_065_066_067_068_137_138_139_140_aSendInstanceWithoutAValidVoucherOrSignatureStoresNothing()
            throws Exception {
        for (var regime : List.of("SCIA", "AUTORIZZAZIONE", "SILENZIO-ASSENSO")) { // General-001, SCIA-001, DomandaAutorizzazione-001
            SampleInstances.Sample s = newSample(x -> regime.equals(x.regime()) && !"cancel".equals(x.scenario()));
            String body = s.sendInstanceBody().toString();
            assertEveryDefectRefused(FO.client(), c -> c.post("/send_instance", body));
            assertThat(pratica(s.cuiUuid())).as("nothing stored for a refused " + regime).isNull();
            assertThat(FO.client().post("/send_instance", body).statusCode()).isEqualTo(200);
            assertThat(pratica(s.cuiUuid())).isNotNull();
        }
    }

    @Test
    void BO_TC_013_014_015_016_aNotifyReceiptWithoutAValidVoucherOrSignatureIsRefused() throws Exception {
        SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
        assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
        ObjectNode receipt = JSON.createObjectNode();
        receipt.set("cui", s.cui());
        receipt.put("date", LocalDate.now().toString());
        assertEveryDefectRefused(FO.client(), c -> c.post("/notify_receipt", receipt));
        assertThat(FO.client().post("/notify_receipt", receipt).statusCode()).isEqualTo(200);
    }

    @Test
    void BO_TC_052_053_054_055_124_125_126_127_aFrontOfficeDocumentRequestWithoutAValidVoucherOrSignatureIsRefused() throws Exception {
        SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
        assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> "VERIFIED".equals(detail(s.cuiUuid()).path("documentsStatus").asText()));
        String rid = s.documents().keySet().iterator().next();
        assertEveryDefectRefused(FO.client(), c -> c.getDocument(s.cuiUuid(), rid, "If-Match", s.hash(rid)), false);
        GatewayResponse ok = FO.client().getDocument(s.cuiUuid(), rid, "If-Match", s.hash(rid));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.trusted()).as(ok.signatureError()).isTrue();
    }

    @Test
    void BO_TC_157_158_159_160_aCancelWithoutAValidVoucherOrSignatureCancelsNothing() throws Exception {
        SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
        assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
        assertEveryDefectRefused(FO.client(), c -> c.post("/cancel_instance", s.cui()));
        assertThat(detail(s.cuiUuid()).path("state").asText()).doesNotStartWith("ended");
    }

    @Test
    void BO_TC_166_167_168_169_aFrontOfficeRetryWithoutAValidVoucherOrSignatureIsRefused() throws Exception {
        ObjectNode retry = retry(cui(UUID.randomUUID().toString()), "notify");
        assertEveryDefectRefused(FO.client(), c -> c.post("/retry", retry));
        // with valid credentials the same call reaches the operation (an unknown CUI)
        assertSsuError(FO.client().post("/retry", retry), 500, "ERROR_500_002");
    }

    // ------------------------------------------------------------------ an ente terzo on bo_to_et

    @Test
    void BO_TC_024_025_026_027_086_087_088_089_anEnteDocumentRequestWithoutAValidVoucherOrSignatureIsRefused() {
        String cuiUuid = UUID.randomUUID().toString();
        assertEveryDefectRefused(ARPA.client(), c -> c.getDocument(cuiUuid, "modulo", "If-Match", "00".repeat(32)), false);
        assertSsuError(ARPA.client().getDocument(cuiUuid, "modulo", "If-Match", "00".repeat(32)), 500, "ERROR_500_002");
    }

    @Test
    void BO_TC_037_038_039_040_109_110_111_112_anEnteIntegrationRequestWithoutAValidVoucherOrSignatureIsRefused() {
        ObjectNode body = JSON.createObjectNode();
        body.set("cui", cui(UUID.randomUUID().toString()));
        body.put("instance_descriptor_version", "1");
        body.putArray("integration_list").addObject().put("code", "EMISSIONI_IN_ATMOSFERA").put("ref", "modulo")
                .putArray("integration_request").addObject().put("request", "planimetria");
        assertEveryDefectRefused(ARPA.client(), c -> c.post("/request_integration", body));
        assertSsuError(ARPA.client().post("/request_integration", body), 500, "ERROR_500_002");
    }

    @Test
    void BO_TC_075_076_077_078_147_148_149_150_anEntesConclusionsWithoutAValidVoucherOrSignatureAreRefused() {
        ObjectNode body = JSON.createObjectNode();
        body.put("conclusions_type", "suspension_requested");
        body.set("cui", cui(UUID.randomUUID().toString()));
        body.put("instance_descriptor_version", "1");
        body.put("negative_outcome_motivation", "documentazione incompleta");
        assertEveryDefectRefused(CITTA_METROPOLITANA.client(), c -> c.post("/send_conclusions", body));
        assertSsuError(CITTA_METROPOLITANA.client().post("/send_conclusions", body), 500, "ERROR_500_002");
    }

    @Test
    void BO_TC_099_100_101_102_aConferenzaRequestWithoutAValidVoucherOrSignatureIsRefused() {
        JsonNode body = cui(UUID.randomUUID().toString());
        assertEveryDefectRefused(ARPA.client(), c -> c.post("/request_cdss", body));
        assertSsuError(ARPA.client().post("/request_cdss", body), 500, "ERROR_500_002");
    }

    @Test
    void BO_TC_176_177_178_179_anEnteRetryWithoutAValidVoucherOrSignatureIsRefused() {
        ObjectNode retry = retry(cui(UUID.randomUUID().toString()), "notify");
        assertEveryDefectRefused(ARPA.client(), c -> c.post("/retry", retry));
        assertSsuError(ARPA.client().post("/retry", retry), 500, "ERROR_500_002");
    }

    // ------------------------------------------------------------------ the Registro Imprese on bo_to_ri

    @Test
    void BO_TC_186_187_188_189_aRegistroImpreseRetryWithoutAValidVoucherOrSignatureIsRefused() {
        ObjectNode retry = retry(cui(UUID.randomUUID().toString()), "notify");
        assertEveryDefectRefused(REGISTRO_IMPRESE.client(), c -> c.post("/retry", retry));
        assertSsuError(REGISTRO_IMPRESE.client().post("/retry", retry), 500, "ERROR_500_002");
    }

    // ------------------------------------------------------------------ who may call which e-service; replay

    @Test
    void aValidVoucherOfAnotherPartyOrForAnotherEserviceIsRefused() {
        ObjectNode retry = retry(cui(UUID.randomUUID().toString()), "notify");
        // ARPA's own, valid voucher and signature are for bo_to_et: not for the front-office's e-service...
        GatewayClient arpaOnFo = new GatewayClient(HttpClientHolder.HTTP, GATEWAY + "/ssu/fo", ARPA.modi().client(), ModiDemo.BO_TO_ET,
                ModiDemo.GATEWAY, null, null, r -> { });
        assertSsuCode(arpaOnFo.post("/retry", retry), 401, "ERROR_401_002");
        // ...nor for the Registro Imprese's
        GatewayClient arpaOnRi = new GatewayClient(HttpClientHolder.HTTP, GATEWAY + "/ssu/ri", ARPA.modi().client(), ModiDemo.BO_TO_ET,
                ModiDemo.GATEWAY, null, null, r -> { });
        assertSsuCode(arpaOnRi.post("/retry", retry), 401, "ERROR_401_002");
        // the interim HTTP Basic credentials are no credentials at all
        assertSsuError(ARPA.withCredentials("et-arpa-lombardia", "arpa-lombardia-secret").post("/retry", retry), 401, "ERROR_401_001");
    }

    @Test
    void aReplayedSignatureIsRefusedAndTheInstanceIsTakenOnce() throws Exception {
        SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
        // the same voucher and Agid-JWT-Signature (same jti) sent twice: the first is taken, the second refused
        assertSsuError(FO.client().replaying().post("/send_instance", s.sendInstanceBody().toString()), 401, "ERROR_401_004");
        assertThat(pratica(s.cuiUuid())).isNotNull();
    }

    // ------------------------------------------------------------------ our calls: voucher and signature out, signature in

    @Test
    void ourCallsCarryVoucherAndSignatureAndAnUnsignedAnswerIsNotTrusted() throws Exception {
        SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
        // (Tomcat's own 400 for a request line it cannot parse, e.g. a raw space, is signed by nobody: count from here)
        int untrustedBefore = FO.modiFailures();
        var trustedCatalogo = CATALOGO.modiServer();
        int catalogoAccepted = trustedCatalogo.accepted();
        // the Catalogo's answers signed by someone else (the front-office's key): the descriptor is not trusted
        CATALOGO.setModi(ModiPeer.serverOnly(MODI.server(ModiDemo.FRONTOFFICE, ModiDemo.CATALOGO_SSU_TO_BO)));
        try {
            assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> CATALOGO.descriptorRequests(s.cuiUuid()) >= 2);
            assertThat(detail(s.cuiUuid()).path("documentsStatus").asText()).isNotEqualTo("VERIFIED");
            assertThat(FO.documentRequests(s.cuiUuid())).as("no document fetched on an untrusted descriptor").isZero();
        } finally {
            CATALOGO.setModi(ModiPeer.serverOnly(trustedCatalogo));
        }
        // trusted again: the same pratica goes on
        await().atMost(Duration.ofSeconds(30)).until(() -> "VERIFIED".equals(detail(s.cuiUuid()).path("documentsStatus").asText()));
        assertThat(CATALOGO.modiServer().accepted()).isGreaterThan(catalogoAccepted);
        // none of our requests was ever refused by a peer checking voucher and signature
        assertThat(CATALOGO.modiRefusals()).isZero();
        assertThat(FO.modiRefusals()).isZero();
        assertThat(ARPA.modiRefusals() + CITTA_METROPOLITANA.modiRefusals() + REGISTRO_IMPRESE.modiRefusals()).isZero();
        assertThat(FO.modiFailures() - untrustedBefore).as("every answer of ours is signed: " + FO.modiFailureDetails()).isZero();
    }

    // ---

    /** Each defect of voucher and signature, tried once with a fresh request: the exact 401 of Table 30, signed by us. */
    private static void assertEveryDefectRefused(GatewayClient client, Function<GatewayClient, GatewayResponse> call) {
        assertEveryDefectRefused(client, call, true);
    }

    private static void assertEveryDefectRefused(GatewayClient client, Function<GatewayClient, GatewayResponse> call, boolean withBody) {
        assertSsuError(call.apply(client.withoutVoucher()), 401, "ERROR_401_001");
        assertSsuError(call.apply(client.withVoucher("not-a-voucher")), 401, "ERROR_401_002");
        assertSsuError(call.apply(client.withWrongVoucherKey()), 401, "ERROR_401_002");
        assertSsuError(call.apply(client.withExpiredVoucher()), 401, "ERROR_401_002");
        assertSsuError(call.apply(client.withVoucherAudience("suapgw-milano/another-eservice")), 401, "ERROR_401_002");
        assertSsuError(call.apply(client.withoutSignature()), 401, "ERROR_401_003");
        assertSsuError(call.apply(client.withWrongSignatureKey()), 401, "ERROR_401_004");
        assertSsuError(call.apply(client.withSignatureAudience("suapgw-milano/another-eservice")), 401, "ERROR_401_004");
        if (withBody) {
            assertSsuError(call.apply(client.withWrongDigest()), 401, "ERROR_401_004");
            assertSsuError(call.apply(client.withoutDigest()), 401, "ERROR_401_004");
        }
    }

    private static final java.util.Map<String, String> MESSAGES = java.util.Map.of(
            "ERROR_401_001", "PDND token not found",
            "ERROR_401_002", "Invalid PDND token",
            "ERROR_401_003", "AgID-JWT-Signature token not found",
            "ERROR_401_004", "invalid AgID-JWT-Signature token");

    private static void assertSsuError(GatewayResponse r, int status, String code) {
        assertThat(r.trusted()).as("our answer is signed: " + r.signatureError()).isTrue();
        assertSsuCode(r, status, code);
    }

    /**
     * The status and the error of Table 30 (the answer signed for the e-service called, which a caller that used the
     * audience of another e-service does not expect).
     */
    private static void assertSsuCode(GatewayResponse r, int status, String code) {
        assertThat(r.statusCode()).as(r.request().method() + " " + r.uri().getPath() + ": " + r.body()).isEqualTo(status);
        try {
            JsonNode body = JSON.readTree(r.body());
            assertThat(body.path("code").asText()).isEqualTo(code);
            if (MESSAGES.containsKey(code)) assertThat(body.path("message").asText()).isEqualTo(MESSAGES.get(code));
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }

    private static final class HttpClientHolder {
        static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();
    }
}
