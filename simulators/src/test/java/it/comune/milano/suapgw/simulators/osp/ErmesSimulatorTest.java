package it.comune.milano.suapgw.simulators.osp;

import com.fasterxml.jackson.databind.JsonNode;
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
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ErmesSimulatorTest {

    private ErmesSimulator ermes;

    @BeforeEach
    void start() {
        ermes = new ErmesSimulator(0, TestSupport.osp("fixtures/ermes.json"));
        ermes.start();
    }

    @AfterEach
    void stop() {
        ermes.stop();
    }

    private String url(String resource, String cf) {
        return ermes.baseUrl() + "/api/" + resource + "?codiceFiscale=" + cf + "&lon=9.1830&lat=45.4760";
    }

    @Test
    void acousticImpactOfTheBusinessOrTheDefault() throws Exception {
        JsonNode own = Json.parse(get(url("impatto-acustico", "12345678901")).body());
        assertThat(own.get("classeAcustica").asText()).isEqualTo("II");
        assertThat(own.get("relazioneRichiesta").asBoolean()).isTrue();
        assertThat(own.get("condizioni")).hasSize(1);

        JsonNode other = Json.parse(get(url("impatto-acustico", "RSSMRA80A01F205X")).body());
        assertThat(other.get("classeAcustica").asText()).isEqualTo("IV");
        assertThat(other.get("relazioneRichiesta").asBoolean()).isFalse();
        assertThat(other.get("condizioni")).isEmpty();

        assertThat(get(ermes.baseUrl() + "/api/impatto-acustico?codiceFiscale=12345678901").statusCode()).isEqualTo(400);
        assertThat(ermes.calls(ErmesSimulator.IMPATTO_ACUSTICO)).isEqualTo(3);

        ErmesSimulator empty = new ErmesSimulator(0, null);
        assertThat(empty.impattoAcustico("12345678901").get("classeAcustica").asText()).isEqualTo("III");
        assertThat(empty.impattoAcustico("12345678901").get("relazioneRichiesta").asBoolean()).isFalse();
        assertThat(empty.sciaSomministrazione("12345678901", 9.1830, 45.4760).get("scia")).isEmpty();
    }

    @Test
    void sciaOfTheBusinessWithin50Metres() throws Exception {
        HttpResponse<String> r = get(url("scia-somministrazione", "12345678901"));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode scia = Json.parse(r.body()).get("scia");
        // the CESSATA at ~8 m first, then the EFFICACE at ~22 m; the one in Piazza Duomo is far away
        assertThat(scia).hasSize(2);
        assertThat(scia.get(0).get("protocollo").asText()).isEqualTo("SCIA-2020-0042");
        assertThat(scia.get(0).get("stato").asText()).isEqualTo("CESSATA");
        assertThat(scia.get(1).get("protocollo").asText()).isEqualTo("SCIA-2024-0001");
        assertThat(scia.get(1).get("stato").asText()).isEqualTo("EFFICACE");
        assertThat(scia.get(1).get("data").asText()).isEqualTo("2024-01-10");
        assertThat(scia.get(1).has("codiceFiscale")).isFalse();

        JsonNode other = Json.parse(get(url("scia-somministrazione", "RSSMRA80A01F205X")).body()).get("scia");
        assertThat(other).hasSize(1);
        assertThat(other.get(0).get("stato").asText()).isEqualTo("SOSPESA");
        assertThat(Json.parse(get(url("scia-somministrazione", "00000000000")).body()).get("scia")).isEmpty();
    }

    @Test
    void unavailableErmesAnswers503OnEveryEndpoint() throws Exception {
        ermes.setAvailable(false);
        for (String resource : new String[]{"impatto-acustico", "scia-somministrazione"}) {
            HttpResponse<String> r = get(url(resource, "12345678901"));
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(Json.parse(r.body()).get("codice").asText()).isEqualTo("NON_DISPONIBILE");
        }
        assertThat(ermes.refusedCalls()).isEqualTo(2);
        assertThat(ermes.calls()).containsEntry(ErmesSimulator.IMPATTO_ACUSTICO, 1).containsEntry(ErmesSimulator.SCIA, 1);

        ermes.setAvailable(true);
        assertThat(get(url("scia-somministrazione", "12345678901")).statusCode()).isEqualTo(200);

        ermes.setDelay(Duration.ofSeconds(2));
        HttpRequest slow = HttpRequest.newBuilder(URI.create(url("impatto-acustico", "12345678901"))).timeout(Duration.ofMillis(300)).build();
        assertThatThrownBy(() -> TestSupport.HTTP.send(slow, HttpResponse.BodyHandlers.ofString())).isInstanceOf(HttpTimeoutException.class);
    }
}
