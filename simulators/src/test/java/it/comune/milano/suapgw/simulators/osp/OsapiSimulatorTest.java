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
import static org.assertj.core.api.Assertions.within;

public class OsapiSimulatorTest {

    private OsapiSimulator osapi;

    @BeforeEach
    void start() {
        osapi = new OsapiSimulator(0, TestSupport.osp("fixtures/osapi.json"));
        osapi.start();
    }

    @AfterEach
    void stop() {
        osapi.stop();
    }

    private String occupazioni(String cf, double lon, double lat) {
        return osapi.baseUrl() + "/api/occupazioni?codiceFiscale=" + cf + "&lon=" + lon + "&lat=" + lat;
    }

    @Test
    void occupationsOfTheBusinessWithin50MetresNearestFirst() throws Exception {
        HttpResponse<String> r = get(occupazioni("12345678901", 9.1830, 45.4760));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode occ = Json.parse(r.body()).get("occupazioni");
        // the one at 0 m and the one at ~33 m; the one at ~67 m and the other business's are left out
        assertThat(occ).hasSize(2);
        assertThat(occ.get(0).get("numeroConcessione").asText()).isEqualTo("OSP-2024-000010");
        assertThat(occ.get(0).get("stato").asText()).isEqualTo("ATTIVA");
        assertThat(occ.get(0).get("distanzaMetri").asDouble()).isEqualTo(0.0);
        assertThat(occ.get(1).get("numeroConcessione").asText()).isEqualTo("OSP-2022-000003");
        assertThat(occ.get(1).get("distanzaMetri").asDouble()).isCloseTo(33.4, within(0.5));
        assertThat(occ.get(1).get("scadenza").asText()).isEqualTo("2023-12-31");
        assertThat(occ.get(1).has("lon")).as("fixture coordinates are not part of the answer").isFalse();

        assertThat(Json.parse(get(occupazioni("RSSMRA80A01F205X", 9.1900, 45.4642)).body()).get("occupazioni")).isEmpty();
        assertThat(Json.parse(get(occupazioni("rssmra80a01f205x", 9.1830, 45.4760)).body()).get("occupazioni")).hasSize(1);

        HttpResponse<String> bad = get(osapi.baseUrl() + "/api/occupazioni?codiceFiscale=12345678901&lon=abc&lat=45.47");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(Json.parse(bad.body()).get("codice").asText()).isEqualTo("RICHIESTA_NON_VALIDA");
        assertThat(get(osapi.baseUrl() + "/api/occupazioni?lon=9.18&lat=45.47").statusCode()).isEqualTo(400);
        assertThat(get(osapi.baseUrl() + "/api/nulla").statusCode()).isEqualTo(404);
        assertThat(osapi.calls(OsapiSimulator.OCCUPAZIONI)).isEqualTo(5);
    }

    @Test
    void haversineDistance() {
        // one degree of latitude ≈ 111.2 km
        assertThat(OspSimulator.distanceMetres(9.0, 45.0, 9.0, 46.0)).isCloseTo(111_195, within(5.0));
        assertThat(OspSimulator.distanceMetres(9.1830, 45.4760, 9.1830, 45.4760)).isZero();
    }

    public static ObjectNode concessione(String idIstanza) {
        ObjectNode c = Json.object();
        c.put("idIstanza", idIstanza).put("codiceFiscale", "12345678901").put("indirizzo", "Corso Garibaldi 12").put("superficieMq", 12.5);
        c.putObject("periodo").put("tipo", "STAGIONALE").put("dal", "2026-04-15").put("al", "2026-10-15");
        c.putArray("elementi").addObject().put("tipo", "TAVOLI").put("quantita", 4);
        return c;
    }

    @Test
    void concessionsAreIdempotentOnIdIstanza() throws Exception {
        HttpResponse<String> first = post(osapi.baseUrl() + "/api/concessioni", Json.write(concessione("GP-2026-000123")));
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(Json.parse(first.body()).get("numeroConcessione").asText()).isEqualTo("OSP-2026-000123");
        HttpResponse<String> again = post(osapi.baseUrl() + "/api/concessioni", Json.write(concessione("GP-2026-000123")));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(osapi.concessioni()).containsOnlyKeys("GP-2026-000123");
        assertThat(osapi.concessioni().get("GP-2026-000123").richiesta().get("superficieMq").asDouble()).isEqualTo(12.5);
        assertThat(osapi.duplicateConcessioni()).isEqualTo(1);
        assertThat(osapi.calls(OsapiSimulator.CONCESSIONI)).isEqualTo(2);

        ObjectNode incomplete = concessione("GP-2026-000124");
        incomplete.remove("elementi");
        HttpResponse<String> bad = post(osapi.baseUrl() + "/api/concessioni", Json.write(incomplete));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(Json.parse(bad.body()).get("messaggio").asText()).contains("elementi");
        assertThat(post(osapi.baseUrl() + "/api/concessioni", "{not json").statusCode()).isEqualTo(400);
        assertThat(osapi.concessioni()).hasSize(1);
    }

    @Test
    void unavailableAndSlow() throws Exception {
        osapi.setAvailable(false);
        HttpResponse<String> down = get(occupazioni("12345678901", 9.1830, 45.4760));
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(Json.parse(down.body()).get("codice").asText()).isEqualTo("NON_DISPONIBILE");
        assertThat(post(osapi.baseUrl() + "/api/concessioni", Json.write(concessione("GP-2026-000125"))).statusCode()).isEqualTo(503);
        assertThat(osapi.concessioni()).isEmpty();
        assertThat(osapi.refusedCalls()).isEqualTo(2);
        osapi.setAvailable(true);

        osapi.setDelay(Duration.ofSeconds(2));
        HttpRequest slow = HttpRequest.newBuilder(URI.create(occupazioni("12345678901", 9.1830, 45.4760)))
                .timeout(Duration.ofMillis(300)).GET().build();
        assertThatThrownBy(() -> TestSupport.HTTP.send(slow, HttpResponse.BodyHandlers.ofString())).isInstanceOf(HttpTimeoutException.class);
        osapi.setDelay(Duration.ZERO);
        assertThat(get(occupazioni("12345678901", 9.1830, 45.4760)).statusCode()).isEqualTo(200);
        assertThat(osapi.calls(OsapiSimulator.OCCUPAZIONI)).isEqualTo(3);
    }

    @Test
    void withoutFixtureNothingIsOnFile() throws Exception {
        OsapiSimulator empty = new OsapiSimulator(0, null);
        empty.start();
        try {
            HttpResponse<String> r = get(empty.baseUrl() + "/api/occupazioni?codiceFiscale=12345678901&lon=9.183&lat=45.476");
            assertThat(Json.parse(r.body()).get("occupazioni")).isEmpty();
            assertThat(empty.calls()).containsEntry(OsapiSimulator.OCCUPAZIONI, 1);
            assertThat(empty.totalCalls()).isEqualTo(1);
        } finally {
            empty.stop();
        }
    }
}
