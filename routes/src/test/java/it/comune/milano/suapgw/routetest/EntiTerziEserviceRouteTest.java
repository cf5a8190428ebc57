package it.comune.milano.suapgw.routetest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.gateway.conferenza.ConferenzaService;
import it.comune.milano.suapgw.gateway.intake.ssu.SsuClientAuthentication;
import it.comune.milano.suapgw.gateway.pareri.ssu.EntiSsuService;
import it.comune.milano.suapgw.gateway.pareri.ssu.EntiTerziEserviceRoute;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.registroimprese.RegistroImpreseEserviceRoute;
import it.comune.milano.suapgw.gateway.registroimprese.RegistroImpreseService;
import it.comune.milano.suapgw.gateway.security.modi.ModiInboundFilter;
import it.comune.milano.suapgw.model.Ente;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.transaction.CannotCreateTransactionException;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * bo_to_et and bo_to_ri over HTTP: the caller authenticated (an ente terzo, the Registro Imprese), every body validated
 * against the official contract, every error in the SSU format — and the conformance cases that need a fault injected
 * (a crash: ERROR_500_007 without its text; our database unreachable: ERROR_503_001).
 */
@Import({EntiTerziEserviceRoute.class, RegistroImpreseEserviceRoute.class, SsuClientAuthentication.class})
class EntiTerziEserviceRouteTest extends RouteTestBase {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CUI = """
            {"context":"SUAP","data":"2026-11-25","progressivo":"0000001","progressive":"0000001","uuid":"%s"}"""
            .formatted(UUID.randomUUID());
    // the client_id ModiInboundFilter verified (the filter itself: ModiInboundFilterTest and the ITs)
    static final String ARPA = "et-arpa-lombardia";
    static final String RI = "registro-imprese";
    static final RuntimeException CRASH = new IllegalStateException("password authentication failed for user suapgw");
    static final RuntimeException DATABASE_DOWN = new CannotCreateTransactionException("Could not open JDBC Connection");

    @MockitoBean
    EntiSsuService enti;
    @MockitoBean
    ConferenzaService conferenze;
    @MockitoBean
    RegistroImpreseService registroImprese;
    @MockitoBean
    PraticaRepository pratiche;

    static String conclusions() {
        return """
                {"conclusions_type":"positive_outcome","cui":%s,"instance_descriptor_version":"1","positive_outcome":"nulla osta"}"""
                .formatted(CUI);
    }

    static String integration() {
        return """
                {"cui":%s,"instance_descriptor_version":"1","integration_list":[{"code":"P1","ref":"modulo","integration_request":[
                  {"request":"planimetria"}]}]}""".formatted(CUI);
    }

    static String retry(String operation) {
        return "{\"cui\":" + CUI + ",\"operation\":\"" + operation + "\"}";
    }

    @Test
    void theEnteIsTheAuthenticatedClientNeverWhatTheBodySays() throws Exception {
        assertThat(postAs("/ssu/et/send_conclusions", null, conclusions()).statusCode()).isEqualTo(401);
        assertThat(code(postAs("/ssu/et/send_conclusions", null, conclusions()))).isEqualTo("ERROR_401_001");
        assertThat(code(postAs("/ssu/et/send_conclusions", "somebody-else", conclusions()))).isEqualTo("ERROR_401_002");
        // the Registro Imprese is a client, not an ente terzo; an ente is not the Registro Imprese
        assertThat(code(postAs("/ssu/et/send_conclusions", RI, conclusions()))).isEqualTo("ERROR_401_002");
        assertThat(code(postAs("/ssu/ri/retry", ARPA, retry("notify")))).isEqualTo("ERROR_401_002");
        verify(enti, never()).conclusions(any(), any(), anyString());

        HttpResponse<String> ok = postAs("/ssu/et/send_conclusions", ARPA, conclusions());
        assertThat(ok.statusCode()).isEqualTo(200);
        verify(enti).conclusions(argThat((Ente e) -> e.code().equals("arpa-lombardia")), any(), anyString());
    }

    @Test
    void BO_TC_074_146_conclusionsNotConformingAreError400001() throws Exception {
        String mixed = conclusions().replace("\"positive_outcome\":\"nulla osta\"", "\"conformation_requested\":\"x\"");
        assertFault(postAs("/ssu/et/send_conclusions", ARPA, mixed), 400, "ERROR_400_001", "incorrect request input");
    }

    @Test
    void BO_TC_080_152_aCrashOnConclusionsIsError500007() throws Exception {
        doThrow(CRASH).when(enti).conclusions(any(), any(), anyString());
        assertFault(postAs("/ssu/et/send_conclusions", ARPA, conclusions()), 500, "ERROR_500_007", "response processing error");
    }

    @Test
    void BO_TC_082_154_conclusionsWhileTheDatabaseIsUnreachableAreError503001() throws Exception {
        doThrow(DATABASE_DOWN).when(enti).conclusions(any(), any(), anyString());
        assertFault(postAs("/ssu/et/send_conclusions", ARPA, conclusions()), 503, "ERROR_503_001", "operation unavailable");
    }

    @Test
    void BO_TC_045_046_117_118_aCrashOnAnIntegrationRequestIsError500007() throws Exception {
        doThrow(CRASH).when(enti).integrationRequest(any(), any(), anyString());
        assertFault(postAs("/ssu/et/request_integration", ARPA, integration()), 500, "ERROR_500_007", "response processing error");
    }

    @Test
    void BO_TC_048_120_anIntegrationRequestWhileTheDatabaseIsUnreachableIsError503001() throws Exception {
        doThrow(DATABASE_DOWN).when(enti).integrationRequest(any(), any(), anyString());
        assertFault(postAs("/ssu/et/request_integration", ARPA, integration()), 503, "ERROR_503_001", "operation unavailable");
    }

    @Test
    void BO_TC_104_aCrashOnRequestCdssIsError500007() throws Exception {
        doThrow(CRASH).when(conferenze).request(any(), any());
        assertFault(postAs("/ssu/et/request_cdss", ARPA, CUI), 500, "ERROR_500_007", "response processing error");
    }

    @Test
    void BO_TC_106_requestCdssWhileTheDatabaseIsUnreachableIsError503001() throws Exception {
        doThrow(DATABASE_DOWN).when(conferenze).request(any(), any());
        assertFault(postAs("/ssu/et/request_cdss", ARPA, CUI), 503, "ERROR_503_001", "operation unavailable");
    }

    @Test
    void BO_TC_181_aCrashOnAnEnteRetryIsError500007() throws Exception {
        doThrow(CRASH).when(enti).retry(any(), any());
        assertFault(postAs("/ssu/et/retry", ARPA, retry("notify")), 500, "ERROR_500_007", "response processing error");
    }

    @Test
    void BO_TC_183_anEnteRetryWhileTheDatabaseIsUnreachableIsError503001() throws Exception {
        doThrow(DATABASE_DOWN).when(enti).retry(any(), any());
        assertFault(postAs("/ssu/et/retry", ARPA, retry("notify")), 503, "ERROR_503_001", "operation unavailable");
    }

    @Test
    void BO_TC_033_095_aCrashWhileServingADocumentToAnEnteIsError500007() throws Exception {
        String cui = UUID.randomUUID().toString();
        when(enti.readable(any(Ente.class), anyString(), any())).thenThrow(CRASH);
        assertFault(get("/ssu/et/instance/" + cui + "/document/doc-1", ARPA), 500, "ERROR_500_007", "response processing error");
    }

    @Test
    void BO_TC_034_096_aDocumentToAnEnteWhileTheDatabaseIsUnreachableIsError503001() throws Exception {
        String cui = UUID.randomUUID().toString();
        when(enti.readable(any(Ente.class), anyString(), any())).thenThrow(DATABASE_DOWN);
        assertFault(get("/ssu/et/instance/" + cui + "/document/doc-1", ARPA), 503, "ERROR_503_001", "operation unavailable");
    }

    @Test
    void BO_TC_191_aCrashOnARegistroImpreseRetryIsError500007() throws Exception {
        doThrow(CRASH).when(registroImprese).retry(any());
        assertFault(postAs("/ssu/ri/retry", RI, retry("notify")), 500, "ERROR_500_007", "response processing error");
    }

    @Test
    void BO_TC_193_aRegistroImpreseRetryWhileTheDatabaseIsUnreachableIsError503001() throws Exception {
        doThrow(DATABASE_DOWN).when(registroImprese).retry(any());
        assertFault(postAs("/ssu/ri/retry", RI, retry("notify")), 503, "ERROR_503_001", "operation unavailable");
    }

    // ---

    private HttpResponse<String> postAs(String path, String credentials, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (credentials != null) b.header(ModiInboundFilter.CALLER, credentials);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String credentials) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("If-Match", "ab")
                .header(ModiInboundFilter.CALLER, credentials).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String code(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).path("code").asText();
    }

    private static void assertFault(HttpResponse<String> r, int status, String code, String message) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("code").asText()).isEqualTo(code);
        assertThat(body.path("message").asText()).isEqualTo(message);
        assertThat(r.body()).doesNotContain("password", "JDBC");
    }
}
