package it.comune.milano.suapgw.simulators.osp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import it.comune.milano.suapgw.simulators.support.Json;
import it.comune.milano.suapgw.simulators.support.TestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static it.comune.milano.suapgw.simulators.support.TestSupport.get;
import static it.comune.milano.suapgw.simulators.support.TestSupport.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

public class GeopostSimulatorTest {

    private static final String ID_1 = "GP-2026-000101";
    private static final String ID_2 = "GP-2026-000102";

    /** Events pushed to the fake gateway's {@code POST /geopost/eventi}. */
    private final List<JsonNode> pushed = new CopyOnWriteArrayList<>();
    private volatile int pushStatus = 200;
    private HttpServer gateway;
    private GeopostSimulator geopost;

    @BeforeEach
    void start() throws IOException {
        gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gateway.createContext("/geopost/eventi", this::receive);
        gateway.start();
        geopost = new GeopostSimulator(0, "http://127.0.0.1:" + gateway.getAddress().getPort() + "/");
        geopost.start();
    }

    @AfterEach
    void stop() {
        geopost.stop();
        gateway.stop(0);
    }

    private void receive(HttpExchange ex) throws IOException {
        JsonNode event = Json.parse(ex.getRequestBody().readAllBytes());
        byte[] body;
        if (pushStatus == 200) {
            pushed.add(event);
            body = Json.bytes(Json.object().put("esito", "ACCETTATO").put("idPratica", UUID.randomUUID().toString()));
        } else {
            body = Json.bytes(Json.object().put("codice", "RICHIESTA_NON_VALIDA").put("messaggio", "no"));
        }
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(pushStatus, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    private JsonNode eventi(String query) throws Exception {
        HttpResponse<String> r = get(geopost.baseUrl() + "/api/eventi" + query);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.parse(r.body()).get("eventi");
    }

    /** As received over HTTP (numbers parsed back: the seq is a long in the log, an int once parsed). */
    private static JsonNode reparsed(JsonNode node) {
        return Json.parse(Json.write(node));
    }

    public static ObjectNode comunicazione(String tipo) {
        ObjectNode c = Json.object();
        c.put("idComunicazione", UUID.randomUUID().toString()).put("tipo", tipo)
                .put("testo", "Gentile richiedente, ...").put("validataDa", "mario.rossi").put("validataIl", "2026-05-01T10:00:00Z");
        if ("RICHIESTA_INTEGRAZIONE".equals(tipo)) {
            c.putArray("integrazioniRichieste").add("FOTO");
        }
        return c;
    }

    private HttpResponse<String> send(String idIstanza, JsonNode c) throws Exception {
        return post(geopost.baseUrl() + "/api/istanze/" + idIstanza + "/comunicazioni", Json.write(c));
    }

    @Test
    void submittedIstanzeArePushedAndKeptInTheEventLog() throws Exception {
        GeopostSimulator.Event e1 = geopost.submitIstanza(TestSupport.osp("istanze/01-bar-garibaldi.json"));
        GeopostSimulator.Event e2 = geopost.submitIstanza(TestSupport.osp("istanze/02-fioriere-dante.json"));
        assertThat(e1.seq()).isEqualTo(1);
        assertThat(e2.seq()).isEqualTo(2);
        assertThat(e1.tipo()).isEqualTo("ISTANZA");
        assertThat(e1.idIstanza()).isEqualTo(ID_1);
        assertThat(pushed).hasSize(2);
        assertThat(pushed.get(0)).isEqualTo(reparsed(e1.json()));
        assertThat(pushed.get(0).get("seq").asLong()).isEqualTo(1);
        assertThat(pushed.get(0).at("/istanza/idIstanza").asText()).isEqualTo(ID_1);
        assertThat(geopost.pushResults()).hasSize(2).allSatisfy(r -> {
            assertThat(r.ok()).isTrue();
            assertThat(r.esito()).isEqualTo("ACCETTATO");
        });
        assertThat(geopost.pushResult(2).idIstanza()).isEqualTo(ID_2);

        // the catch-up poll
        assertThat(eventi("?dopo=0")).hasSize(2);
        JsonNode after1 = eventi("?dopo=1");
        assertThat(after1).hasSize(1);
        assertThat(after1.get(0)).isEqualTo(reparsed(e2.json()));
        assertThat(eventi("?dopo=0&limite=1")).hasSize(1).first().satisfies(e -> assertThat(e.get("seq").asInt()).isEqualTo(1));
        assertThat(eventi("?dopo=2")).isEmpty();
        assertThat(eventi("")).hasSize(2);
        assertThat(get(geopost.baseUrl() + "/api/eventi?dopo=0&limite=0").statusCode()).isEqualTo(400);
        assertThat(get(geopost.baseUrl() + "/api/eventi?dopo=0&limite=501").statusCode()).isEqualTo(400);
        HttpResponse<String> bad = get(geopost.baseUrl() + "/api/eventi?dopo=x");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(Json.parse(bad.body()).get("codice").asText()).isEqualTo("RICHIESTA_NON_VALIDA");
        assertThat(geopost.pollCount()).isEqualTo(8);
        assertThat(geopost.events()).extracting(GeopostSimulator.Event::seq).containsExactly(1L, 2L);
    }

    @Test
    void withPushDisabledOrRefusedTheEventIsOnlyPolled() throws Exception {
        geopost.setPushEnabled(false);
        geopost.submitIstanza(TestSupport.osp("istanze/01-bar-garibaldi.json"));
        assertThat(pushed).isEmpty();
        assertThat(geopost.pushResults()).isEmpty();
        assertThat(eventi("?dopo=0")).hasSize(1);

        geopost.setPushEnabled(true);
        pushStatus = 400;
        GeopostSimulator.Event refused = geopost.submitIstanza(TestSupport.osp("istanze/02-fioriere-dante.json"));
        assertThat(geopost.pushResult(refused.seq()).httpStatus()).isEqualTo(400);
        assertThat(geopost.pushResult(refused.seq()).body()).contains("RICHIESTA_NON_VALIDA");

        gateway.stop(0); // the gateway is down: no answer at all
        GeopostSimulator.Event lost = geopost.submitIstanza(Json.object().put("idIstanza", "GP-2026-000103"));
        GeopostSimulator.PushResult r = geopost.pushResult(lost.seq());
        assertThat(r.httpStatus()).isZero();
        assertThat(r.error()).isNotBlank();
        assertThat(r.ok()).isFalse();
        assertThat(eventi("?dopo=0")).extracting(e -> e.get("seq").asInt()).containsExactly(1, 2, 3);
    }

    @Test
    void comunicazioniAreValidatedAndIdempotent() throws Exception {
        geopost.submitIstanza(TestSupport.osp("istanze/02-fioriere-dante.json"));
        ObjectNode diniego = comunicazione("DINIEGO");
        diniego.putArray("motivi").add("Posizione debitoria sul canone unico");

        assertThat(send("GP-2026-999999", diniego).statusCode()).isEqualTo(404);
        HttpResponse<String> ok = send(ID_2, diniego);
        assertThat(ok.statusCode()).isEqualTo(200);
        String ricevuta = Json.parse(ok.body()).get("ricevuta").asText();
        assertThat(ricevuta).isNotBlank();
        HttpResponse<String> again = send(ID_2, diniego);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(Json.parse(again.body()).get("ricevuta").asText()).isEqualTo(ricevuta);
        assertThat(geopost.comunicazioni(ID_2)).containsExactly(diniego);
        assertThat(geopost.tipiComunicazioni(ID_2)).containsExactly("DINIEGO");
        assertThat(geopost.duplicateComunicazioni()).isEqualTo(1);

        ObjectNode noText = comunicazione("CONCESSIONE");
        noText.remove("testo");
        ObjectNode badTipo = comunicazione("ARCHIVIAZIONE");
        ObjectNode badId = comunicazione("CONCESSIONE").put("idComunicazione", "42");
        ObjectNode extra = comunicazione("CONCESSIONE").put("firmatario", "x");
        ObjectNode badDate = comunicazione("CONCESSIONE").put("validataIl", "ieri");
        ObjectNode badList = comunicazione("CONCESSIONE");
        badList.putArray("prescrizioni").addObject();
        for (ObjectNode bad : List.of(noText, badTipo, badId, extra, badDate, badList)) {
            HttpResponse<String> r = send(ID_2, bad);
            assertThat(r.statusCode()).as(bad.toString()).isEqualTo(400);
            assertThat(Json.parse(r.body()).get("codice").asText()).isEqualTo("RICHIESTA_NON_VALIDA");
        }
        assertThat(Json.parse(send(ID_2, noText).body()).get("messaggio").asText()).contains("testo");
        assertThat(geopost.invalidComunicazioni()).isEqualTo(7);
        assertThat(geopost.tipiComunicazioni(ID_2)).containsExactly("DINIEGO");
        assertThat(geopost.calls(GeopostSimulator.COMUNICAZIONI)).isEqualTo(10);
    }

    @Test
    void aRichiestaIntegrazioneMakesTheApplicantFileTheRegisteredIntegration() throws Exception {
        assertThat(geopost.registerIntegrations(TestSupport.osp("istanze/01-bar-garibaldi.json"))).isEqualTo(1);
        assertThat(geopost.registerIntegrations(TestSupport.osp("istanze/02-fioriere-dante.json"))).isZero();
        geopost.submitIstanza(TestSupport.osp("istanze/01-bar-garibaldi.json"));
        geopost.submitIstanza(TestSupport.osp("istanze/02-fioriere-dante.json"));

        ObjectNode richiesta = comunicazione("RICHIESTA_INTEGRAZIONE");
        assertThat(send(ID_1, richiesta).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> pushed.size() == 3);
        JsonNode event = pushed.get(2);
        assertThat(event.get("seq").asInt()).isEqualTo(3);
        assertThat(event.get("tipo").asText()).isEqualTo("INTEGRAZIONE");
        assertThat(event.has("istanza")).isFalse();
        JsonNode integrazione = event.get("integrazione");
        assertThat(integrazione.get("idIntegrazione").asText()).isEqualTo(ID_1 + "-I1");
        assertThat(integrazione.get("idIstanza").asText()).isEqualTo(ID_1);
        assertThat(integrazione.get("presentataIl").asText()).isNotBlank();
        assertThat(integrazione.get("allegati")).hasSize(1);
        assertThat(integrazione.at("/allegati/0/tipo").asText()).isEqualTo("FOTO");
        assertThat(geopost.events()).hasSize(3);
        assertThat(geopost.events().get(2).idIntegrazione()).isEqualTo(ID_1 + "-I1");
        await().atMost(Duration.ofSeconds(10)).until(() -> geopost.pushResults().size() == 3);
        assertThat(geopost.pushResult(3).ok()).isTrue();

        // the same richiesta again is a duplicate (no second integration); a second richiesta has no integration 2
        assertThat(send(ID_1, richiesta).statusCode()).isEqualTo(200);
        assertThat(send(ID_1, comunicazione("RICHIESTA_INTEGRAZIONE")).statusCode()).isEqualTo(200);
        // and an istanza without registered integrations gets none
        assertThat(send(ID_2, comunicazione("RICHIESTA_INTEGRAZIONE")).statusCode()).isEqualTo(200);
        // a marker communication: once it is recorded, every earlier one has been handled
        assertThat(send(ID_2, comunicazione("DINIEGO")).statusCode()).isEqualTo(200);
        assertThat(geopost.tipiComunicazioni(ID_1)).containsExactly("RICHIESTA_INTEGRAZIONE", "RICHIESTA_INTEGRAZIONE");
        assertThat(geopost.events()).hasSize(3);
        assertThat(geopost.duplicateComunicazioni()).isEqualTo(1);
    }

    @Test
    void integrationsWithPushDisabledAreOnlyPolledAndUnavailabilityIs503() throws Exception {
        geopost.registerIntegration(ID_1, 1, Json.object().put("note", "ecco"));
        geopost.setPushEnabled(false);
        geopost.submitIstanza(TestSupport.osp("istanze/01-bar-garibaldi.json"));
        assertThat(send(ID_1, comunicazione("RICHIESTA_INTEGRAZIONE")).statusCode()).isEqualTo(200);
        // appended before the answer: already visible to the poll
        JsonNode events = eventi("?dopo=1");
        assertThat(events).hasSize(1);
        assertThat(events.get(0).at("/integrazione/note").asText()).isEqualTo("ecco");
        assertThat(events.get(0).at("/integrazione/allegati")).isEmpty();
        assertThat(pushed).isEmpty();

        geopost.setAvailable(false);
        HttpResponse<String> down = get(geopost.baseUrl() + "/api/eventi?dopo=0");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(Json.parse(down.body()).get("codice").asText()).isEqualTo("NON_DISPONIBILE");
        assertThat(send(ID_1, comunicazione("CONCESSIONE")).statusCode()).isEqualTo(503);
        assertThat(geopost.tipiComunicazioni(ID_1)).containsExactly("RICHIESTA_INTEGRAZIONE");
        assertThat(geopost.refusedCalls()).isEqualTo(2);
        assertThat(geopost.pollCount()).isEqualTo(2);
    }
}
