package it.comune.milano.suapgw.simulators.ssu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.simulators.support.Json;
import it.comune.milano.suapgw.simulators.support.TestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static it.comune.milano.suapgw.simulators.support.TestSupport.get;
import static it.comune.milano.suapgw.simulators.support.TestSupport.post;
import static org.assertj.core.api.Assertions.assertThat;

class CatalogoSimulatorTest {

    private final SampleInstances.Sample sample = TestSupport.samples().get(2);
    private CatalogoSimulator catalogo;

    @BeforeEach
    void start() {
        catalogo = new CatalogoSimulator(0);
        catalogo.start();
        catalogo.register(sample);
    }

    @AfterEach
    void stop() {
        catalogo.stop();
    }

    @Test
    void servesDescriptors() throws Exception {
        HttpResponse<String> ok = get(catalogo.baseUrl() + "/instance_descriptor/" + sample.cuiUuid());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(Json.parse(ok.body())).isEqualTo(sample.descriptor());
        HttpResponse<String> missing = get(catalogo.baseUrl() + "/instance_descriptor/nope");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(Json.parse(missing.body()).get("code").asText()).isEqualTo("ERROR_404_001");
        assertThat(catalogo.descriptorRequests(sample.cuiUuid())).isEqualTo(1);
    }

    @Test
    void auditsAreValidatedAndRecorded() throws Exception {
        ObjectNode audit = Json.object();
        audit.set("cui", sample.cui());
        audit.put("message", "instance_retrived").put("event_time", "2026-11-25T10:00:00+01:00");
        HttpResponse<String> ok = post(catalogo.baseUrl() + "/audit", Json.write(audit));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(Json.parse(ok.body()).get("type").asText()).isEqualTo("ok");
        assertThat(catalogo.audits(sample.cuiUuid())).containsExactly(audit);

        ObjectNode missing = audit.deepCopy();
        missing.remove("event_time");
        HttpResponse<String> bad = post(catalogo.baseUrl() + "/audit", Json.write(missing));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(Json.parse(bad.body()).get("code").asText()).isEqualTo("ERROR_400_001");
        assertThat(post(catalogo.baseUrl() + "/audit", "not json").statusCode()).isEqualTo(400);

        ObjectNode unknown = audit.deepCopy();
        ((ObjectNode) unknown.get("cui")).put("uuid", "00000000-0000-0000-0000-000000000000");
        JsonNode outOfFlow = Json.parse(post(catalogo.baseUrl() + "/audit", Json.write(unknown)).body());
        assertThat(outOfFlow.get("type").asText()).isEqualTo("out_of_flow");
    }

    @Test
    void updateTimesAndUnavailability() throws Exception {
        ObjectNode req = Json.object();
        req.set("cui", sample.cui());
        req.putObject("times").put("start", "2026-11-25").put("max_gg_proc", 120);
        HttpResponse<String> ok = post(catalogo.baseUrl() + "/update_times", Json.write(req));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(Json.parse(ok.body()).at("/times/max_gg_proc").asInt()).isEqualTo(120);

        catalogo.setAvailable(false);
        HttpResponse<String> down = get(catalogo.baseUrl() + "/instance_descriptor/" + sample.cuiUuid());
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(Json.parse(down.body()).get("code").asText()).isEqualTo("ERROR_503_001");
        catalogo.setAvailable(true);
        assertThat(get(catalogo.baseUrl() + "/instance_descriptor/" + sample.cuiUuid()).statusCode()).isEqualTo(200);
    }
}
