package it.comune.milano.suapgw.simulators.osp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.simulators.support.Json;
import it.comune.milano.suapgw.simulators.support.TestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

import static it.comune.milano.suapgw.simulators.support.TestSupport.get;
import static it.comune.milano.suapgw.simulators.support.TestSupport.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GeriSimulatorTest {

    private GeriSimulator geri;

    @BeforeEach
    void start() {
        geri = new GeriSimulator(0, TestSupport.osp("fixtures/geri.json"));
        geri.start();
    }

    @AfterEach
    void stop() {
        geri.stop();
    }

    @Test
    void positionsFromTheFixtureElseNotInArrears() throws Exception {
        HttpResponse<String> r = get(geri.baseUrl() + "/api/posizioni/RSSMRA80A01F205X");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode moroso = Json.parse(r.body());
        assertThat(moroso.get("codiceFiscale").asText()).isEqualTo("RSSMRA80A01F205X");
        assertThat(moroso.get("moroso").asBoolean()).isTrue();
        assertThat(moroso.get("importoScaduto").asDouble()).isEqualTo(1250.5);
        assertThat(moroso.get("annualita")).hasSize(2);

        JsonNode clean = Json.parse(get(geri.baseUrl() + "/api/posizioni/12345678901").body());
        assertThat(clean).isEqualTo(Json.parse("{\"codiceFiscale\":\"12345678901\",\"moroso\":false,\"importoScaduto\":0.0,\"annualita\":[]}"));
        assertThat(geri.calls(GeriSimulator.POSIZIONI)).isEqualTo(2);
        assertThat(get(geri.baseUrl() + "/api/posizioni").statusCode()).isEqualTo(404);
    }

    private static ObjectNode canone(String idIstanza) {
        return Json.object().put("idIstanza", idIstanza).put("codiceFiscale", "12345678901").put("numeroConcessione", "OSP-2026-000123")
                .put("superficieMq", 12.5).put("dal", "2026-05-01").put("al", "2026-05-31").put("importo", 465.0);
    }

    @Test
    void canoniAreIdempotentOnIdIstanza() throws Exception {
        HttpResponse<String> first = post(geri.baseUrl() + "/api/canoni", Json.write(canone("GP-2026-000123")));
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(Json.parse(first.body()).get("idAvviso").asText()).isEqualTo("GERI-2026-000123");
        assertThat(post(geri.baseUrl() + "/api/canoni", Json.write(canone("GP-2026-000123"))).body()).isEqualTo(first.body());
        assertThat(geri.canoni()).containsOnlyKeys("GP-2026-000123");
        assertThat(geri.canoni().get("GP-2026-000123").richiesta().get("importo").asDouble()).isEqualTo(465.0);
        assertThat(geri.duplicateCanoni()).isEqualTo(1);
        assertThat(geri.calls(GeriSimulator.CANONI)).isEqualTo(2);

        ObjectNode badDate = canone("GP-2026-000124").put("dal", "01/05/2026");
        assertThat(post(geri.baseUrl() + "/api/canoni", Json.write(badDate)).statusCode()).isEqualTo(400);
        ObjectNode noImporto = canone("GP-2026-000124");
        noImporto.remove("importo");
        HttpResponse<String> bad = post(geri.baseUrl() + "/api/canoni", Json.write(noImporto));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(Json.parse(bad.body()).get("messaggio").asText()).contains("importo");
        assertThat(geri.canoni()).hasSize(1);
    }

    @Test
    void unavailableAndSlow() throws Exception {
        geri.setAvailable(false);
        assertThat(get(geri.baseUrl() + "/api/posizioni/12345678901").statusCode()).isEqualTo(503);
        assertThat(post(geri.baseUrl() + "/api/canoni", Json.write(canone("GP-2026-000200"))).statusCode()).isEqualTo(503);
        assertThat(geri.canoni()).isEmpty();
        geri.setAvailable(true);
        geri.setDelay(Duration.ofSeconds(2));
        HttpRequest slow = HttpRequest.newBuilder(URI.create(geri.baseUrl() + "/api/posizioni/12345678901"))
                .timeout(Duration.ofMillis(300)).build();
        assertThatThrownBy(() -> TestSupport.HTTP.send(slow, HttpResponse.BodyHandlers.ofString())).isInstanceOf(HttpTimeoutException.class);
        geri.setDelay(null);
        assertThat(get(geri.baseUrl() + "/api/posizioni/12345678901").statusCode()).isEqualTo(200);
    }
}
