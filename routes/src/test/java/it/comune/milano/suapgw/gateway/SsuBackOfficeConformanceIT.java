package it.comune.milano.suapgw.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.simulators.ssu.FrontOfficeSimulator;
import it.comune.milano.suapgw.simulators.ssu.SampleInstances;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Base64;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The SSU back-office test cases (specification §8.6.2, Tabella 53; summarised in {@code docs/ssu-bo-test-cases.md})
 * of the e-service the gateway provides to the front-office ({@code bo_to_fo}), played by the front-office simulator
 * against the running gateway. Each test is named after the case(s) it proves; a case repeated in another sequence
 * diagram (the same operation and error, another step) is proved by the same test. The 401 cases are issue 11's
 * (ModI/PDND); the crash (ERROR_500_007) and unavailability (ERROR_503_001) cases need a fault injected and are proved
 * by {@code SsuFrontOfficeRouteTest}.
 */
class SsuBackOfficeConformanceIT extends AbstractGatewayIT {

    // --- send_instance (General-001 step 3, SCIA-001 step 36, DomandaAutorizzazione-001 step 56) ---

    @Test
    void BO_TC_001_aValidSendInstanceIsAcceptedAndThePraticaOpened() throws Exception {
        enti();
        SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
        HttpResponse<String> r = FO.sendInstance(s);
        assertThat(r.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> pratica(s.cuiUuid()) != null);
        awaitFinal(s);
        assertThat(detail(s.cuiUuid()).path("state").asText()).isEqualTo("ended_by_positive_outcome");
    }

    @Test
    void BO_TC_002_064_136_aSendInstanceNotConformingIsError400001AndStoresNothing() throws Exception {
        SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
        ObjectNode body = s.sendInstanceBody().deepCopy();
        body.remove("instance_descriptor_version");
        assertRefused(FO.postRaw("/ssu/fo/send_instance", body.toString()), 400, "ERROR_400_001", "incorrect request input");
        assertThat(pratica(s.cuiUuid())).isNull();
    }

    @Test
    void BO_TC_007_069_141_aSendInstanceWithAnInvalidCuiIsError500002() throws Exception {
        SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
        ObjectNode body = s.sendInstanceBody().deepCopy();
        ((ObjectNode) body.path("cui")).put("uuid", "not-a-uuid");
        assertRefused(FO.postRaw("/ssu/fo/send_instance", body.toString()), 500, "ERROR_500_002", "invalid cui");
        assertThat(pratica(s.cuiUuid())).isNull();
    }

    @Test
    void BO_TC_008_070_142_aSendInstanceWithAnInvalidIndexIsError500003() throws Exception {
        SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
        ObjectNode body = s.sendInstanceBody().deepCopy();
        // one resource listed twice with two different hashes
        ObjectNode twin = ((ObjectNode) body.path("instance_index").get(0)).deepCopy();
        twin.put("hash", "00".repeat(32));
        ((com.fasterxml.jackson.databind.node.ArrayNode) body.path("instance_index")).add(twin);
        assertRefused(FO.postRaw("/ssu/fo/send_instance", body.toString()), 500, "ERROR_500_003", "invalid instance index");
        assertThat(pratica(s.cuiUuid())).isNull();
    }

    /**
     * SCIA-001 / DomandaAutorizzazione-001: the enti ask for an integration, the gateway sends one request_integration,
     * the front-office sends the integrated instance (version 2) and it is taken: the enti that asked are consulted
     * again and the pratica ends with the act, which the front-office downloads against its hash.
     */
    @Test
    void BO_TC_063_135_theIntegratedInstanceIsAcceptedAndThePraticaGoesOn() throws Exception {
        enti();
        SampleInstances.Sample s = newSample(x -> scenario(x, "integration"));
        assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
        assertThat(FO.notifyReceipt(s, LocalDate.now()).statusCode()).isEqualTo(200);
        awaitFinal(s);

        assertThat(FO.submissions(s.cuiUuid())).extracting(FrontOfficeSimulator.Call::version, FrontOfficeSimulator.Call::httpStatus)
                .contains(org.assertj.core.groups.Tuple.tuple("1", 200), org.assertj.core.groups.Tuple.tuple("2", 200));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(FO.messages(s.cuiUuid()))
                .containsExactly("request_integration", "notify:end_by_positive_outcome"));
        JsonNode request = FO.integrations(s.cuiUuid()).get(0);
        assertThat(request.path("instance_descriptor_version").asText()).isEqualTo("1");
        assertThat(request.path("integration_list")).isNotEmpty();
        JsonNode d = detail(s.cuiUuid());
        assertThat(d.path("state").asText()).isEqualTo("ended_by_positive_outcome");
        assertThat(d.path("pareri").findValuesAsText("round")).contains("2");
        await().atMost(Duration.ofSeconds(15)).until(() -> FO.actVerified(s.cuiUuid()));
        // the procedure's term was suspended while the applicant integrated, and the Catalogo told of the new times
        JsonNode termini = JSON.readTree(get("/api/pratiche/" + d.path("id").asText() + "/termini").body());
        assertThat(termini.path("suspensions")).hasSize(1);
        assertThat(termini.path("suspensions").get(0).path("to").isNull()).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> !CATALOGO.timesUpdates(s.cuiUuid()).isEmpty());
    }

    // --- notify_receipt (General-001 step 19) ---

    @Test
    void BO_TC_011_aValidNotifyReceiptSetsTheTermsFromItsDate() throws Exception {
        SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
        assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
        LocalDate receipt = LocalDate.now();
        assertThat(FO.notifyReceipt(s, receipt).statusCode()).isEqualTo(200);
        String id = pratica(s.cuiUuid()).path("id").asText();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            JsonNode t = JSON.readTree(get("/api/pratiche/" + id + "/termini").body());
            assertThat(t.path("terms").findValuesAsText("kind")).contains("PROCEDIMENTO", "CORREZIONE", "AMMISSIBILITA");
            assertThat(t.path("terms").findValuesAsText("start")).containsOnly(receipt.toString());
        });
        // the same date again changes nothing
        assertThat(FO.notifyReceipt(s, receipt).statusCode()).isEqualTo(200);
    }

    @Test
    void BO_TC_012_aNotifyReceiptNotConformingIsError400001() throws Exception {
        SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
        ObjectNode body = JSON.createObjectNode();
        body.set("cui", s.cui());
        body.put("date", "yesterday");
        assertRefused(FO.postRaw("/ssu/fo/notify_receipt", body.toString()), 400, "ERROR_400_001", "incorrect request input");
    }

    @Test
    void BO_TC_017_aNotifyReceiptForAnUnknownCuiIsError500002() throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.set("cui", cui(UUID.randomUUID().toString()));
        body.put("date", LocalDate.now().toString());
        assertRefused(FO.postRaw("/ssu/fo/notify_receipt", body.toString()), 500, "ERROR_500_002", "invalid cui");
    }

    @Test
    void BO_TC_019_aNotifyReceiptOutOfItsStepIsError500009() throws Exception {
        SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
        assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
        assertThat(FO.notifyReceipt(s, LocalDate.now()).statusCode()).isEqualTo(200);
        // a second, different receipt date: the receipt was notified already
        assertRefused(FO.notifyReceipt(s, LocalDate.now().minusDays(3)), 500, "ERROR_500_009",
                "operation not expected at process current state");
        // and nothing once the instance has ended
        assertThat(FO.cancelInstance(s).statusCode()).isEqualTo(200);
        assertRefused(FO.notifyReceipt(s, LocalDate.now()), 500, "ERROR_500_009", "operation not expected at process current state");
    }

    // --- request_instance_document (SCIA-001 step 25, DomandaAutorizzazione-001 step 45) ---

    @Test
    void BO_TC_049_121_aDocumentIsServedWholeAgainstItsHash() throws Exception {
        SampleInstances.Sample s = documentsIn();
        String rid = s.documents().keySet().iterator().next();
        HttpResponse<String> r = document(s.cuiUuid(), rid, "If-Match", s.hash(rid));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Base64.getDecoder().decode(r.body())).isEqualTo(s.documents().get(rid));
        // quoted as an entity tag too
        assertThat(document(s.cuiUuid(), rid, "If-Match", "\"" + s.hash(rid) + "\"").statusCode()).isEqualTo(200);
    }

    @Test
    void BO_TC_050_122_oneRangeOfADocumentIsServedAsPartialContent() throws Exception {
        SampleInstances.Sample s = documentsIn();
        String rid = s.documents().keySet().iterator().next();
        byte[] content = s.documents().get(rid);
        HttpResponse<String> r = document(s.cuiUuid(), rid, "If-Match", s.hash(rid), "Range", "bytes=0-9");
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(r.headers().firstValue("Content-Range")).hasValue("bytes 0-9/" + content.length);
        assertThat(Base64.getDecoder().decode(r.body())).isEqualTo(java.util.Arrays.copyOfRange(content, 0, 10));
        HttpResponse<String> tail = document(s.cuiUuid(), rid, "If-Match", s.hash(rid), "Range", "bytes=-5");
        assertThat(tail.statusCode()).isEqualTo(206);
        assertThat(Base64.getDecoder().decode(tail.body()))
                .isEqualTo(java.util.Arrays.copyOfRange(content, content.length - 5, content.length));
    }

    @Test
    void BO_TC_051_123_aDocumentRequestNotConformingIsError400001() throws Exception {
        SampleInstances.Sample s = documentsIn();
        String rid = s.documents().keySet().iterator().next();
        assertRefused(document(s.cuiUuid(), "bad*id", "If-Match", s.hash(rid)), 400, "ERROR_400_001", "incorrect request input");
        assertRefused(document(s.cuiUuid(), rid, "If-Match", "<not a hash>"), 400, "ERROR_400_001", "incorrect request input");
    }

    @Test
    void BO_TC_056_128_anUnknownResourceIsError404001() throws Exception {
        SampleInstances.Sample s = documentsIn();
        assertRefused(document(s.cuiUuid(), "no-such-resource", "If-Match", "00".repeat(32)), 404, "ERROR_404_001",
                "resource not found");
    }

    @Test
    void BO_TC_057_129_aHashThatIsNotTheResourcesIsError412001() throws Exception {
        SampleInstances.Sample s = documentsIn();
        String rid = s.documents().keySet().iterator().next();
        assertRefused(document(s.cuiUuid(), rid, "If-Match", "00".repeat(32)), 412, "ERROR_412_001", "invalid hash");
    }

    @Test
    void BO_TC_058_130_aRangeThatCannotBeServedIsError416001() throws Exception {
        SampleInstances.Sample s = documentsIn();
        String rid = s.documents().keySet().iterator().next();
        int size = s.documents().get(rid).length;
        HttpResponse<String> r = document(s.cuiUuid(), rid, "If-Match", s.hash(rid), "Range", "bytes=" + size + "-");
        assertRefused(r, 416, "ERROR_416_001", "invalid range requested");
        assertThat(r.headers().firstValue("Content-Range")).hasValue("bytes */" + size);
        // several ranges: only single part is supported
        assertRefused(document(s.cuiUuid(), rid, "If-Match", s.hash(rid), "Range", "bytes=0-1,4-5"), 416, "ERROR_416_001",
                "invalid range requested");
    }

    @Test
    void BO_TC_059_131_aDocumentRequestWithoutItsHashIsError428001() throws Exception {
        SampleInstances.Sample s = documentsIn();
        String rid = s.documents().keySet().iterator().next();
        assertRefused(document(s.cuiUuid(), rid), 428, "ERROR_428_001", "hash not found");
    }

    @Test
    void BO_TC_060_132_aDocumentOfAnInvalidCuiIsError500002() throws Exception {
        assertRefused(document(UUID.randomUUID().toString(), "doc-1", "If-Match", "00".repeat(32)), 500, "ERROR_500_002", "invalid cui");
        assertRefused(document("nope", "doc-1", "If-Match", "00".repeat(32)), 500, "ERROR_500_002", "invalid cui");
    }

    // --- cancel_instance (SubmitterCancel-001) ---

    @Test
    void BO_TC_155_theApplicantWithdrawsAndEveryoneInvolvedIsTold() throws Exception {
        enti();
        SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
        FO.setScenario(s.cuiUuid(), SampleInstances.STANDARD);
        assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
        String id = await().atMost(Duration.ofSeconds(15)).until(() -> {
            JsonNode p = pratica(s.cuiUuid());
            return p == null ? null : p.path("id").asText();
        }, java.util.Objects::nonNull);

        assertThat(FO.cancelInstance(s).statusCode()).isEqualTo(200);
        assertThat(detail(s.cuiUuid()).path("state").asText()).isEqualTo("ended_by_submitter_cancel_requested");
        await().atMost(Duration.ofSeconds(15)).until(() -> FO.messages(s.cuiUuid()).contains("notify:end_by_submitter_cancel_requested"));
        await().atMost(Duration.ofSeconds(15)).until(() -> CATALOGO.auditMessages(s.cuiUuid()).contains("end_by_submitter_cancel_requested"));
        // a repeated withdrawal changes nothing
        assertThat(FO.cancelInstance(s).statusCode()).isEqualTo(200);
        assertThat(jdbc.queryForObject("select count(*) from richiesta_parere where pratica_id = ?::uuid and status = 'OPEN'",
                Integer.class, id)).isZero();
    }

    @Test
    void BO_TC_156_aCancelNotConformingIsError400001() throws Exception {
        assertRefused(FO.postRaw("/ssu/fo/cancel_instance", "{\"uuid\":42}"), 400, "ERROR_400_001", "incorrect request input");
    }

    @Test
    void BO_TC_161_aCancelOfAnInvalidCuiIsError500002() throws Exception {
        assertRefused(FO.postRaw("/ssu/fo/cancel_instance", cui(UUID.randomUUID().toString()).toString()), 500, "ERROR_500_002",
                "invalid cui");
        assertRefused(FO.postRaw("/ssu/fo/cancel_instance", cui("nope").toString()), 500, "ERROR_500_002", "invalid cui");
    }

    // --- retry (Retry-001) ---

    @Test
    void BO_TC_164_aRetryOfANotifyHasItSentAgain() throws Exception {
        enti();
        SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
        assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
        awaitFinal(s);
        await().atMost(Duration.ofSeconds(15)).until(() -> FO.notifications(s.cuiUuid()).size() == 1);

        HttpResponse<String> r = FO.postRaw("/ssu/fo/retry", retryAfterError(s.cui(), "notify").toString());
        assertThat(r.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> FO.notifications(s.cuiUuid()).size() == 2);
        assertThat(FO.notifications(s.cuiUuid()).get(1)).isEqualTo(FO.notifications(s.cuiUuid()).get(0));
    }

    @Test
    void BO_TC_165_aRetryNotConformingIsError400001() throws Exception {
        SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
        assertRefused(FO.postRaw("/ssu/fo/retry", retryAfterError(s.cui(), "send_conclusions").toString()), 400, "ERROR_400_001",
                "incorrect request input");
    }

    @Test
    void BO_TC_170_aRetryForAnInvalidCuiIsError500002() throws Exception {
        assertRefused(FO.postRaw("/ssu/fo/retry", retryAfterError(cui(UUID.randomUUID().toString()), "notify").toString()), 500,
                "ERROR_500_002", "invalid cui");
    }

    @Test
    void BO_TC_172_aRetryOfAnOperationNeverSentIsError500009() throws Exception {
        SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
        assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> pratica(s.cuiUuid()) != null);
        assertRefused(FO.postRaw("/ssu/fo/retry", retryAfterError(s.cui(), "request_correction").toString()), 500, "ERROR_500_009",
                "operation not expected at process current state");
    }

    // ---

    /** An instance whose documents the gateway has fetched and verified. */
    private SampleInstances.Sample documentsIn() throws Exception {
        SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
        assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            JsonNode p = pratica(s.cuiUuid());
            return p != null && "VERIFIED".equals(detail(s.cuiUuid()).path("documentsStatus").asText());
        });
        return s;
    }

    private static HttpResponse<String> document(String cuiUuid, String resourceId, String... headers) throws Exception {
        return FO.client().getDocument(cuiUuid, resourceId, headers);
    }

    private static ObjectNode retryAfterError(JsonNode cui, String operation) {
        ObjectNode body = JSON.createObjectNode();
        body.set("cui", cui);
        body.put("operation", operation);
        body.putObject("error").put("code", "ERROR_500_004").put("message", "invalid event");
        return body;
    }

    /** The error in the contract's own format: the code's HTTP status, the code and its Tabella 30 message. */
}
