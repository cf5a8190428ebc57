package it.comune.milano.suapgw.routetest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.gateway.api.FunzionarioApiRoute;
import it.comune.milano.suapgw.gateway.api.OperationsApiRoute;
import it.comune.milano.suapgw.gateway.documenti.DocumentLinks;
import it.comune.milano.suapgw.gateway.esito.EsitoService;
import it.comune.milano.suapgw.gateway.lifecycle.LifecycleException;
import it.comune.milano.suapgw.gateway.osp.OspProposals;
import it.comune.milano.suapgw.gateway.outbox.OutboxStore;
import it.comune.milano.suapgw.gateway.persistence.DeadLetterStore;
import it.comune.milano.suapgw.gateway.persistence.DisservizioStore;
import it.comune.milano.suapgw.gateway.persistence.PraticaReadModel;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.StatoPratica;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** The operators' and the funzionario's API: who may call it, and its answers (problem details when refused). */
@Import({OperationsApiRoute.class, FunzionarioApiRoute.class, DocumentLinks.class})
class ApiRoutesTest extends RouteTestBase {
    static final ObjectMapper JSON = new ObjectMapper();
    /** a funzionario of the demo identity provider */
    static final String FUNZIONARIO = IDP.bearer("funzionario", "funzionario");

    @MockitoBean
    DeadLetterStore deadLetters;
    @MockitoBean
    DisservizioStore disservizi;
    @MockitoBean
    OutboxStore outbox;
    @MockitoBean
    PraticaReadModel read;
    @MockitoBean
    EsitoService esiti;
    @MockitoBean
    OspProposals proposals;
    @MockitoBean
    PraticaRepository pratiche;

    @Test
    void onlyAnUndeliveredCallCanBeReplayed() throws Exception {
        Map<String, Object> inbound = new HashMap<>();
        inbound.put("id", 5L);
        when(deadLetters.get(5L)).thenReturn(inbound);
        HttpResponse<String> r = post("/api/dead-letters/5/replay", "application/json", "");
        assertThat(r.statusCode()).isEqualTo(400);
        verify(outbox, never()).revive(anyLong());

        Map<String, Object> call = new HashMap<>(Map.of("id", 6L, "outbox_id", 60L));
        when(deadLetters.get(6L)).thenReturn(call);
        when(outbox.revive(60L)).thenReturn(1);
        r = post("/api/dead-letters/6/replay", "application/json", "");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).path("replayed").asBoolean()).isTrue();
        verify(deadLetters).markReplayed(6L);
    }

    @Test
    void theFunzionarioApiRefusesWhoIsNotAFunzionario() throws Exception {
        assertThat(send("GET", "/api/funzionario/comunicazioni", null, null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/api/funzionario/comunicazioni", basic("funzionario", "funzionario-secret"), null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/api/funzionario/comunicazioni", IDP.bearer("op", "operatore"), null).statusCode()).isEqualTo(403);
        assertThat(send("GET", "/api/funzionario/comunicazioni", "Bearer " + IDP.token("funzionario", "suapgw", java.time.Duration.ofSeconds(-60),
                "funzionario"), null).statusCode()).as("expired").isEqualTo(401);
        assertThat(send("GET", "/api/funzionario/comunicazioni", FUNZIONARIO, null).statusCode()).isEqualTo(200);
    }

    @Test
    void deadLettersAndReplayAreTheAmministratoresAndTheRestNeedsAToken() throws Exception {
        when(deadLetters.list(any())).thenReturn(java.util.List.of());
        for (String who : new String[]{IDP.bearer("op", "operatore"), FUNZIONARIO}) {
            assertThat(send("GET", "/api/dead-letters", who, null).statusCode()).isEqualTo(403);
            assertThat(send("GET", "/api/quarantine", who, null).statusCode()).isEqualTo(403);
            assertThat(send("POST", "/api/dead-letters/6/replay", who, "").statusCode()).isEqualTo(403);
        }
        assertThat(send("GET", "/api/dead-letters", IDP.bearer("admin", "amministratore"), null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/api/disservizi", null, null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/api/disservizi", "Bearer not-a-token", null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/api/disservizi", IDP.bearer("op", "operatore"), null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/api/disservizi", IDP.bearer("nobody"), null).statusCode()).as("no role").isEqualTo(403);
        // public without details; the rest of the actuator is the amministratore's
        assertThat(send("GET", "/actuator/metrics", IDP.bearer("op", "operatore"), null).statusCode()).isEqualTo(403);
        assertThat(send("GET", "/somewhere/else", IDP.bearer("admin", "amministratore"), null).statusCode()).isIn(401, 403);
    }

    @Test
    void aValidationIsMadeByTheAuthenticatedFunzionarioWithTheEsitoOfTheTipo() throws Exception {
        UUID id = UUID.randomUUID();
        when(pratiche.idByCodice("GP-2026-000102")).thenReturn(Optional.of(id));
        when(proposals.pending(id)).thenReturn(Map.of("tipo", "CONCESSIONE"));
        when(esiti.validateWithText(id, Esito.POSITIVO, "funzionario", "Testo rivisto.")).thenReturn(StatoPratica.ENDED_BY_POSITIVE_OUTCOME);

        HttpResponse<String> r = send("POST", "/api/funzionario/istanze/GP-2026-000102/comunicazione", FUNZIONARIO,
                "{\"azione\":\"VALIDA\",\"testo\":\"Testo rivisto.\"}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode b = JSON.readTree(r.body());
        assertThat(b.path("tipo").asText()).isEqualTo("CONCESSIONE");
        assertThat(b.path("stato").asText()).isEqualTo("ended_by_positive_outcome");
    }

    @Test
    void nothingToValidateIsAConflictAndAnUnknownIstanzaNotFound() throws Exception {
        UUID id = UUID.randomUUID();
        when(pratiche.exists(id)).thenReturn(true);
        when(esiti.requireOutcomeProposed(id)).thenThrow(new LifecycleException(LifecycleException.Kind.EVENT_NOT_EXPECTED,
                "nothing to validate: the istanza is in_istruttoria"));

        HttpResponse<String> r = send("POST", "/api/funzionario/istanze/" + id + "/comunicazione", FUNZIONARIO,
                "{\"azione\":\"VALIDA\",\"tipo\":\"DINIEGO\"}");
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(r.body()).path("detail").asText()).contains("in_istruttoria");
        verify(esiti, never()).validateWithText(any(), any(), any(), any());

        when(pratiche.idByCodice("GP-0000-000000")).thenReturn(Optional.empty());
        assertThat(send("POST", "/api/funzionario/istanze/GP-0000-000000/comunicazione", FUNZIONARIO, "{\"azione\":\"RIFIUTA\"}")
                .statusCode()).isEqualTo(404);
    }

    @Test
    void aBodyThatIsNotJsonOrAnUnknownActionIsABadRequest() throws Exception {
        UUID id = UUID.randomUUID();
        when(pratiche.exists(id)).thenReturn(true);
        String path = "/api/funzionario/istanze/" + id + "/comunicazione";
        assertThat(send("POST", path, FUNZIONARIO, "VALIDA").statusCode()).isEqualTo(400);
        HttpResponse<String> r = send("POST", path, FUNZIONARIO, "{\"azione\":\"APPROVA\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    }

    private HttpResponse<String> send(String method, String path, String auth, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (auth != null) b.header("Authorization", auth);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
