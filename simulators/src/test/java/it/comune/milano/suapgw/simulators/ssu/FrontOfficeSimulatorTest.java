package it.comune.milano.suapgw.simulators.ssu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import it.comune.milano.suapgw.simulators.support.Json;
import it.comune.milano.suapgw.simulators.support.TestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static it.comune.milano.suapgw.simulators.support.TestSupport.get;
import static it.comune.milano.suapgw.simulators.support.TestSupport.post;
import static org.assertj.core.api.Assertions.assertThat;

class FrontOfficeSimulatorTest {

    private final SampleInstances.Sample sample = TestSupport.samples().get(0);
    private HttpServer fakeGateway;
    private final List<String> gatewayCalls = new CopyOnWriteArrayList<>();
    private final Map<String, JsonNode> gatewayBodies = new ConcurrentHashMap<>();
    private FrontOfficeSimulator fo;

    @BeforeEach
    void start() throws Exception {
        fakeGateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fakeGateway.createContext("/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            gatewayCalls.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " " + ex.getRequestHeaders().getFirst("Content-Type"));
            gatewayBodies.put(ex.getRequestURI().getPath(), Json.parse(body));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        fakeGateway.start();
        fo = new FrontOfficeSimulator(0, "http://127.0.0.1:" + fakeGateway.getAddress().getPort() + "/");
        fo.start();
        fo.register(sample);
    }

    @AfterEach
    void stop() {
        fo.stop();
        fakeGateway.stop(0);
    }

    private String docUrl(String resourceId) {
        return fo.baseUrl() + "/instance/" + sample.cuiUuid() + "/document/" + resourceId;
    }

    @Test
    void documentDownloadHonoursIfMatch() throws Exception {
        String id = sample.instanceIndex().get(0).get("resource_id").asText();
        String hash = sample.hash(id);

        HttpResponse<String> noPrecondition = get(docUrl(id));
        assertThat(noPrecondition.statusCode()).isEqualTo(428);
        assertThat(Json.parse(noPrecondition.body()).get("code").asText()).isEqualTo("ERROR_428_001");

        HttpResponse<String> wrong = get(docUrl(id), "If-Match", "0".repeat(64));
        assertThat(wrong.statusCode()).isEqualTo(412);
        assertThat(Json.parse(wrong.body()).get("code").asText()).isEqualTo("ERROR_412_001");

        HttpResponse<String> unknown = get(fo.baseUrl() + "/instance/" + sample.cuiUuid() + "/document/nope", "If-Match", hash);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(Json.parse(unknown.body()).get("code").asText()).isEqualTo("ERROR_404_001");

        HttpResponse<String> ok = get(docUrl(id), "If-Match", hash);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Content-Type")).hasValue("text/plain");
        byte[] bytes = Base64.getDecoder().decode(ok.body());
        assertThat(bytes).isEqualTo(sample.documents().get(id));
        assertThat(Json.sha256(bytes)).isEqualTo(hash);

        assertThat(get(docUrl(id), "If-Match", "\"" + hash + "\"").statusCode()).isEqualTo(200);
        assertThat(fo.documentRequests(sample.cuiUuid(), id)).isEqualTo(4);
    }

    @Test
    void tamperServesDifferentBytesUnderTheDeclaredHash() throws Exception {
        String id = sample.generalIndex().get(1).get("resource_id").asText();
        String hash = sample.hash(id);
        fo.tamper(sample.cuiUuid(), id);
        HttpResponse<String> tampered = get(docUrl(id), "If-Match", hash);
        assertThat(tampered.statusCode()).isEqualTo(200);
        assertThat(Json.sha256(Base64.getDecoder().decode(tampered.body()))).isNotEqualTo(hash);
        fo.untamper(sample.cuiUuid(), id);
        HttpResponse<String> clean = get(docUrl(id), "If-Match", hash);
        assertThat(Json.sha256(Base64.getDecoder().decode(clean.body()))).isEqualTo(hash);
        assertThat(fo.documentRequests(sample.cuiUuid(), id)).isEqualTo(2);
    }

    @Test
    void notificationsAreValidatedAndRecorded() throws Exception {
        ObjectNode notify = Json.object();
        notify.set("cui", sample.cui());
        notify.put("instance_descriptor_version", "1").put("event", "end_by_positive_outcome");
        HttpResponse<String> ok = post(fo.baseUrl() + "/notify", Json.write(notify));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEmpty();
        assertThat(fo.notifications(sample.cuiUuid())).containsExactly(notify);

        ObjectNode bad = notify.deepCopy();
        bad.remove("event");
        HttpResponse<String> rejected = post(fo.baseUrl() + "/notify", Json.write(bad));
        assertThat(rejected.statusCode()).isEqualTo(400);
        assertThat(Json.parse(rejected.body()).get("code").asText()).isEqualTo("ERROR_400_001");
        assertThat(fo.notifications(sample.cuiUuid())).hasSize(1);

        ObjectNode retry = Json.object();
        retry.set("cui", sample.cui());
        retry.put("operation", "notify");
        assertThat(post(fo.baseUrl() + "/retry", Json.write(retry)).statusCode()).isEqualTo(200);
        assertThat(fo.retries(sample.cuiUuid())).containsExactly(retry);
    }

    @Test
    void clientSideCallsTheGateway() {
        HttpResponse<String> r = fo.sendInstance(sample);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(fo.notifyReceipt(sample, LocalDate.of(2026, 11, 25)).statusCode()).isEqualTo(200);
        assertThat(fo.postRaw("/ssu/fo/cancel_instance", "{}").statusCode()).isEqualTo(200);
        assertThat(gatewayCalls).containsExactly(
                "POST /ssu/fo/send_instance application/json",
                "POST /ssu/fo/notify_receipt application/json",
                "POST /ssu/fo/cancel_instance application/json");
        assertThat(gatewayBodies.get("/ssu/fo/send_instance")).isEqualTo(sample.sendInstanceBody());
        JsonNode receipt = gatewayBodies.get("/ssu/fo/notify_receipt");
        assertThat(receipt.get("cui")).isEqualTo(sample.cui());
        assertThat(receipt.get("date").asText()).isEqualTo("2026-11-25");
        assertThat(new String(Json.bytes(sample.sendInstanceBody()), StandardCharsets.UTF_8)).contains("\"instance_descriptor_version\":\"1\"");
    }
}
