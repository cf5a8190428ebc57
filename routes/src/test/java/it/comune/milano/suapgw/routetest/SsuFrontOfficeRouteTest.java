package it.comune.milano.suapgw.routetest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.connectors.contract.ContentHashes;
import it.comune.milano.suapgw.connectors.ssu.SsuErrorCode;
import it.comune.milano.suapgw.connectors.ssu.SsuException;
import it.comune.milano.suapgw.gateway.intake.ssu.SsuFrontOfficeRoute;
import it.comune.milano.suapgw.gateway.intake.ssu.SsuInboundSecurity;
import it.comune.milano.suapgw.gateway.intake.ssu.SsuIntakeService;
import it.comune.milano.suapgw.gateway.lifecycle.LifecycleException;
import it.comune.milano.suapgw.gateway.persistence.DocumentStore;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.simulators.ssu.SampleInstances;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** bo_to_fo over HTTP: validated against the official contract, every error in the SSU format. */
@Import({SsuFrontOfficeRoute.class, SsuInboundSecurity.class})
class SsuFrontOfficeRouteTest extends RouteTestBase {
    static final ObjectMapper JSON = new ObjectMapper();
    static final SampleInstances SAMPLES = new SampleInstances(Path.of("../test-data/ssu/sample-procedures.json"), "route-test");

    @MockitoBean
    SsuIntakeService intake;
    @MockitoBean
    PraticaRepository pratiche;

    @Test
    void aValidInstanceIsTakenAndAnsweredOnlyAfterTheIntake() throws Exception {
        SampleInstances.Sample s = SAMPLES.get(0);
        when(intake.receiveSendInstance(any(), anyString())).thenReturn(SsuIntakeService.Ricezione.CREATED);

        HttpResponse<String> r = post("/ssu/fo/send_instance", "application/json", s.sendInstanceBody().toString());

        assertThat(r.statusCode()).isEqualTo(200);
        verify(intake).receiveSendInstance(any(), anyString());
    }

    @Test
    void aBodyAgainstTheContractIsRefusedWithError400001NamingThePath() throws Exception {
        HttpResponse<String> r = post("/ssu/fo/send_instance", "application/json", "{\"cui\":{\"uuid\":\"x\"}}");

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode e = JSON.readTree(r.body());
        assertThat(e.path("code").asText()).isEqualTo("ERROR_400_001");
        assertThat(e.path("message").asText()).isEqualTo("incorrect request input");
        assertThat(e.path("detail").asText()).contains("cui", "instance_index");
        verify(intake, never()).receiveSendInstance(any(), anyString());
    }

    @Test
    void anOperationTheLifecycleRefusesIsError500009() throws Exception {
        doThrow(new LifecycleException(LifecycleException.Kind.OPERATION_NOT_EXPECTED, "notify_receipt not expected in state ended_by_positive_outcome"))
                .when(intake).receiveNotifyReceipt(any(), anyString());
        String body = "{\"cui\":" + SAMPLES.get(1).cui() + ",\"date\":\"2026-11-26\"}";

        HttpResponse<String> r = post("/ssu/fo/notify_receipt", "application/json", body);

        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(JSON.readTree(r.body()).path("code").asText()).isEqualTo("ERROR_500_009");
    }

    @Test
    void anUnknownCuiIsError500002AndAnInternalFailureNeverLeaksItsText() throws Exception {
        String body = "{\"cui\":" + SAMPLES.get(2).cui() + ",\"date\":\"2026-11-26\"}";
        doThrow(new SsuException(SsuErrorCode.ERROR_500_002, "no instance")).when(intake).receiveNotifyReceipt(any(), anyString());
        assertThat(JSON.readTree(post("/ssu/fo/notify_receipt", "application/json", body).body()).path("code").asText())
                .isEqualTo("ERROR_500_002");

        doThrow(new IllegalStateException("password authentication failed for user suapgw")).when(intake).receiveNotifyReceipt(any(), anyString());
        HttpResponse<String> r = post("/ssu/fo/notify_receipt", "application/json", body);
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).contains("ERROR_500_007").doesNotContain("password");
    }

    @Test
    void aDocumentIsServedOnlyAgainstItsHashWholeOrOneRange() throws Exception {
        byte[] content = "documento".getBytes();
        String sha = ContentHashes.sha256Hex(content);
        String cui = UUID.randomUUID().toString();
        when(pratiche.lockFreeIdByCui(cui)).thenReturn(Optional.of(UUID.randomUUID()));
        when(pratiche.verifiedContent(cui, "doc-9"))
                .thenReturn(Optional.of(new PraticaRepository.StoredContent("S256", sha, "application/pdf", DocumentStore.Content.of(content), null)));
        String path = "/ssu/fo/instance/" + cui + "/document/doc-9";

        assertThat(JSON.readTree(get(path).body()).path("code").asText()).isEqualTo("ERROR_428_001");
        assertThat(JSON.readTree(get(path, "If-Match", ContentHashes.sha256Hex("other")).body()).path("code").asText())
                .isEqualTo("ERROR_412_001");
        HttpResponse<String> ok = get(path, "If-Match", "\"" + sha + "\"");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(Base64.getDecoder().decode(ok.body())).isEqualTo(content);

        HttpResponse<String> part = get(path, "If-Match", sha, "Range", "bytes=2-4");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 2-4/9");
        assertThat(new String(Base64.getDecoder().decode(part.body()))).isEqualTo("cum");
        HttpResponse<String> outside = get(path, "If-Match", sha, "Range", "bytes=20-30");
        assertThat(outside.statusCode()).isEqualTo(416);
        assertThat(outside.headers().firstValue("Content-Range")).hasValue("bytes */9");
    }

    @Test
    void aDocumentOfAnUnknownOrMalformedCuiIsError500002() throws Exception {
        String unknown = UUID.randomUUID().toString();
        when(pratiche.lockFreeIdByCui(unknown)).thenReturn(Optional.empty());
        for (String cui : List.of(unknown, "not-a-uuid")) {
            HttpResponse<String> r = get("/ssu/fo/instance/" + cui + "/document/doc-1", "If-Match", "x");
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(JSON.readTree(r.body()).path("code").asText()).isEqualTo("ERROR_500_002");
        }
    }

    // --- the conformance cases that need a fault injected (the others: SsuBackOfficeConformanceIT) ---

    static final RuntimeException CRASH = new IllegalStateException("password authentication failed for user suapgw");
    static final RuntimeException DATABASE_DOWN = new org.springframework.transaction.CannotCreateTransactionException(
            "Could not open JDBC Connection for transaction");

    @Test
    void BO_TC_009_071_143_aCrashDuringSendInstanceIsError500007WithoutItsText() throws Exception {
        when(intake.receiveSendInstance(any(), anyString())).thenThrow(CRASH);
        assertFault(post("/ssu/fo/send_instance", "application/json", SAMPLES.get(0).sendInstanceBody().toString()), 500,
                "ERROR_500_007", "response processing error");
    }

    @Test
    void BO_TC_010_072_144_sendInstanceWhileTheDatabaseIsUnreachableIsError503001() throws Exception {
        when(intake.receiveSendInstance(any(), anyString())).thenThrow(DATABASE_DOWN);
        assertFault(post("/ssu/fo/send_instance", "application/json", SAMPLES.get(0).sendInstanceBody().toString()), 503,
                "ERROR_503_001", "operation unavailable");
    }

    @Test
    void BO_TC_010_sendInstanceWhoseTransactionCannotEvenRollBackIsError503001() throws Exception {
        // the database went away mid-transaction: the rollback fails too (seen when PostgreSQL restarts under load)
        when(intake.receiveSendInstance(any(), anyString())).thenThrow(
                new org.springframework.transaction.TransactionSystemException("JDBC rollback failed"));
        assertFault(post("/ssu/fo/send_instance", "application/json", SAMPLES.get(0).sendInstanceBody().toString()), 503,
                "ERROR_503_001", "operation unavailable");
    }

    @Test
    void BO_TC_018_aCrashDuringNotifyReceiptIsError500007() throws Exception {
        doThrow(CRASH).when(intake).receiveNotifyReceipt(any(), anyString());
        assertFault(post("/ssu/fo/notify_receipt", "application/json", receipt()), 500, "ERROR_500_007", "response processing error");
    }

    @Test
    void BO_TC_020_notifyReceiptWhileTheDatabaseIsUnreachableIsError503001() throws Exception {
        doThrow(DATABASE_DOWN).when(intake).receiveNotifyReceipt(any(), anyString());
        assertFault(post("/ssu/fo/notify_receipt", "application/json", receipt()), 503, "ERROR_503_001", "operation unavailable");
    }

    @Test
    void BO_TC_061_133_aCrashWhileServingADocumentIsError500007() throws Exception {
        String cui = UUID.randomUUID().toString();
        when(pratiche.lockFreeIdByCui(cui)).thenThrow(CRASH);
        assertFault(get("/ssu/fo/instance/" + cui + "/document/doc-1", "If-Match", "ab"), 500, "ERROR_500_007",
                "response processing error");
    }

    @Test
    void BO_TC_062_134_aDocumentWhileTheDatabaseIsUnreachableIsError503001() throws Exception {
        String cui = UUID.randomUUID().toString();
        when(pratiche.lockFreeIdByCui(cui)).thenThrow(DATABASE_DOWN);
        assertFault(get("/ssu/fo/instance/" + cui + "/document/doc-1", "If-Match", "ab"), 503, "ERROR_503_001",
                "operation unavailable");
    }

    @Test
    void BO_TC_162_aCrashDuringCancelIsError500007() throws Exception {
        doThrow(CRASH).when(intake).receiveCancel(any());
        assertFault(post("/ssu/fo/cancel_instance", "application/json", SAMPLES.get(3).cui().toString()), 500, "ERROR_500_007",
                "response processing error");
    }

    @Test
    void BO_TC_163_cancelWhileTheDatabaseIsUnreachableIsError503001() throws Exception {
        doThrow(DATABASE_DOWN).when(intake).receiveCancel(any());
        assertFault(post("/ssu/fo/cancel_instance", "application/json", SAMPLES.get(3).cui().toString()), 503, "ERROR_503_001",
                "operation unavailable");
    }

    @Test
    void BO_TC_171_aCrashDuringRetryIsError500007() throws Exception {
        doThrow(CRASH).when(intake).receiveRetry(any(), anyString());
        assertFault(post("/ssu/fo/retry", "application/json", retry()), 500, "ERROR_500_007", "response processing error");
    }

    @Test
    void BO_TC_173_retryWhileTheDatabaseIsUnreachableIsError503001() throws Exception {
        doThrow(DATABASE_DOWN).when(intake).receiveRetry(any(), anyString());
        assertFault(post("/ssu/fo/retry", "application/json", retry()), 503, "ERROR_503_001", "operation unavailable");
    }

    private static String receipt() {
        return "{\"cui\":" + SAMPLES.get(4).cui() + ",\"date\":\"2026-11-26\"}";
    }

    private static String retry() {
        return "{\"cui\":" + SAMPLES.get(5).cui() + ",\"operation\":\"notify\"}";
    }

    private static void assertFault(HttpResponse<String> r, int status, String code, String message) throws Exception {
        assertThat(r.statusCode()).isEqualTo(status);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("code").asText()).isEqualTo(code);
        assertThat(body.path("message").asText()).isEqualTo(message);
        assertThat(r.body()).doesNotContain("password", "JDBC");
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
