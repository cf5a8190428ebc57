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
import java.util.Optional;

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
        assertThat(e.path("message").asText()).contains("/cui", "instance_index");
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
    void aDocumentIsServedOnlyAgainstItsHash() throws Exception {
        byte[] content = "documento".getBytes();
        String sha = ContentHashes.sha256Hex(content);
        when(pratiche.verifiedContent("cui-9", "doc-9"))
                .thenReturn(Optional.of(new PraticaRepository.StoredContent("S256", sha, "application/pdf", content)));
        String path = "/ssu/fo/instance/cui-9/document/doc-9";

        assertThat(JSON.readTree(get(path).body()).path("code").asText()).isEqualTo("ERROR_428_001");
        HttpResponse<String> wrong = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("If-Match", ContentHashes.sha256Hex("other")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(wrong.body()).path("code").asText()).isEqualTo("ERROR_412_001");
        HttpResponse<String> ok = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("If-Match", "\"" + sha + "\"").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(Base64.getDecoder().decode(ok.body())).isEqualTo(content);
    }
}
