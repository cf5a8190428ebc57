package it.comune.milano.suapgw.simulators.ssu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.simulators.support.FakeSsuGateway;
import it.comune.milano.suapgw.simulators.support.Json;
import it.comune.milano.suapgw.simulators.support.TestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static it.comune.milano.suapgw.simulators.support.TestSupport.get;
import static it.comune.milano.suapgw.simulators.support.TestSupport.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** RegistroImpreseSimulator against a fake gateway ({@code /ssu/ri}). */
class RegistroImpreseSimulatorTest {

    private static final String RI_AUTH = SsuPeerSimulator.basic("registro-imprese", "registro-imprese-secret");

    private final SampleInstances samples = TestSupport.samples();
    /** registro-imprese: a SCIA with a SUAP_REA_START_XML. */
    private final SampleInstances.Sample rea = samples.get(13);
    private FakeSsuGateway gateway;
    private RegistroImpreseSimulator ri;

    @BeforeEach
    void start() throws Exception {
        gateway = new FakeSsuGateway().credentials("/ssu/ri", "registro-imprese", "registro-imprese-secret").serve("/ssu/ri", rea);
        ri = new RegistroImpreseSimulator(0, gateway.url());
        ri.setFetchDelay(Duration.ofMillis(10));
        ri.setCallRetryWindow(Duration.ofSeconds(5));
        ri.start();
    }

    @AfterEach
    void stop() {
        ri.stop();
        gateway.close();
    }

    /** The RI's send_instance: as published it requires an instance_status (not defined: the descriptor's is sent). */
    static ObjectNode riBody(SampleInstances.Sample s) {
        ObjectNode b = s.sendInstanceBody().deepCopy();
        b.set("instance_status", s.descriptor().get("instance_status").deepCopy());
        return b;
    }

    private static ObjectNode notify(SampleInstances.Sample s, String event) {
        ObjectNode n = Json.object();
        n.set("cui", s.cui().deepCopy());
        n.put("instance_descriptor_version", "1").put("event", event);
        return n;
    }

    @Test
    void theInstanceAndItsReaFilingAreFetchedThroughTheRiApiAndVerified() throws Exception {
        ObjectNode body = riBody(rea);
        assertThat(post(ri.baseUrl() + "/send_instance", Json.write(body)).statusCode()).isEqualTo(200);
        int documents = body.get("instance_index").size() + body.get("general_index").size();
        await().atMost(Duration.ofSeconds(10)).until(() -> ri.documentsVerified() == documents);
        assertThat(ri.documentMismatches()).isZero();
        assertThat(ri.documentFailures()).isZero();
        String reaId = rea.generalIndex().get(2).get("resource_id").asText();
        assertThat(gateway.documentGets("/ssu/ri")).hasSize(documents).allSatisfy(g -> {
            assertThat(g.authorization()).isEqualTo(RI_AUTH);
            assertThat(g.ifMatch()).isEqualTo(rea.hash(g.path().substring(g.path().lastIndexOf('/') + 1)));
        }).anySatisfy(g -> assertThat(g.path()).isEqualTo("/ssu/ri/instance/" + rea.cuiUuid() + "/document/" + reaId));
        assertThat(ri.documentFetches(rea.cuiUuid())).filteredOn(f -> "general".equals(f.kind())).hasSize(3);

        // the end of the SCIA (no act), then a transfer outcome with the act
        assertThat(post(ri.baseUrl() + "/notify", Json.write(notify(rea, "end_by_proceeding_time_expired"))).statusCode()).isEqualTo(200);
        assertThat(ri.messages(rea.cuiUuid())).containsExactly("send_instance:v1", "notify:end_by_proceeding_time_expired");
        assertThat(ri.sendInstances(rea.cuiUuid())).containsExactly(body);
        assertThat(ri.notifications(rea.cuiUuid())).hasSize(1);
        assertThat(ri.actFetch(rea.cuiUuid())).isNull();
        assertThat(ri.calls()).isEmpty();
    }

    @Test
    void theActOfATransferOutcomeIsFetchedAndVerified() throws Exception {
        byte[] act = "%PDF-1.4 provvedimento di conformazione".getBytes(StandardCharsets.US_ASCII);
        gateway.serve("/ssu/ri", rea.cuiUuid(), "atto-9", act);
        ObjectNode n = notify(rea, "end_by_conformation_requested").put("resource_id", "atto-9").put("hash", Json.sha256(act)).put("alg_hash", "S256");
        assertThat(post(ri.baseUrl() + "/notify", Json.write(n)).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> ri.actVerified(rea.cuiUuid()));
        assertThat(gateway.documentGets("/ssu/ri")).singleElement().satisfies(g -> {
            assertThat(g.authorization()).isEqualTo(RI_AUTH);
            assertThat(g.ifMatch()).isEqualTo(Json.sha256(act));
        });
        assertThat(ri.messages(rea.cuiUuid())).containsExactly("notify:end_by_conformation_requested");
    }

    @Test
    void everyBodyIsValidatedAgainstThePublishedRiToBo() throws Exception {
        ObjectNode noStatus = rea.sendInstanceBody().deepCopy(); // the published SendInstanceRequest requires instance_status
        ObjectNode onlyProgressivo = riBody(rea);
        ((ObjectNode) onlyProgressivo.get("cui")).remove("progressive");
        ObjectNode badGeneral = riBody(rea);
        ((ObjectNode) badGeneral.get("general_index").get(2)).put("name", "SUAP_REA_XML");
        for (String[] call : new String[][]{
                {"/send_instance", Json.write(noStatus)},
                {"/send_instance", Json.write(onlyProgressivo)},
                {"/send_instance", Json.write(badGeneral)},
                {"/notify", Json.write(notify(rea, "cdss_convened"))},
                {"/notify", Json.write(notify(rea, "integration_request_time_expired"))},
                {"/notify", "[]"}}) {
            HttpResponse<String> r = post(ri.baseUrl() + call[0], call[1]);
            assertThat(r.statusCode()).as(call[0] + " " + call[1]).isEqualTo(400);
            assertThat(Json.parse(r.body()).get("code").asText()).isEqualTo("ERROR_400_001");
        }
        assertThat(ri.invalidCalls()).isEqualTo(6);
        assertThat(ri.messages(rea.cuiUuid())).isEmpty();
        assertThat(post(ri.baseUrl() + "/retry", "{}").statusCode()).as("ri_to_bo has no retry").isEqualTo(404);
        assertThat(post(ri.baseUrl() + "/notify", Json.write(notify(rea, "end_by_instance_refused"))).statusCode()).isEqualTo(200);
        assertThat(ri.messages(rea.cuiUuid())).containsExactly("notify:end_by_instance_refused");
    }

    @Test
    void aWrongDocumentMakesTheRiAskForTheInstanceAgain() throws Exception {
        String reaId = rea.generalIndex().get(2).get("resource_id").asText();
        gateway.tamper("/ssu/ri", rea.cuiUuid(), reaId);
        post(ri.baseUrl() + "/send_instance", Json.write(riBody(rea)));
        await().atMost(Duration.ofSeconds(10)).until(() -> !gateway.posts("/ssu/ri/retry").isEmpty());
        assertThat(ri.documentMismatches()).isEqualTo(1);
        FakeSsuGateway.Received retry = gateway.posts("/ssu/ri/retry").get(0);
        assertThat(retry.authorization()).isEqualTo(RI_AUTH);
        JsonNode body = retry.json();
        assertThat(SsuContracts.boToRiRetryErrors(body)).isEmpty();
        assertThat(body.get("operation").asText()).isEqualTo("send_instance");
        assertThat(body.at("/error/code").asText()).isEqualTo("ERROR_412_001");
        assertThat(ri.calls()).singleElement().satisfies(c -> {
            assertThat(c.operation()).isEqualTo("retry");
            assertThat(c.ok()).isTrue();
        });
    }

    @Test
    void itHasNoDocumentsOfItsOwnAndTheHelpersCallTheRiApi() throws Exception {
        String url = ri.baseUrl() + "/instance/" + rea.cuiUuid() + "/document/x";
        assertThat(get(url).statusCode()).isEqualTo(428);
        assertThat(get(url, "If-Match", "abc").statusCode()).isEqualTo(404);
        assertThat(ri.gatewayApiUrl()).isEqualTo(gateway.url() + "/ssu/ri");
        String rid = rea.instanceIndex().get(0).get("resource_id").asText();
        assertThat(ri.getDocument(rea.cuiUuid(), rid, "If-Match", rea.hash(rid)).statusCode()).isEqualTo(200);
        assertThat(ri.withoutCredentials().getDocument(rea.cuiUuid(), rid, "If-Match", rea.hash(rid)).statusCode()).isEqualTo(401);
        ObjectNode retry = Json.object();
        retry.set("cui", rea.cui().deepCopy());
        retry.put("operation", "notify");
        assertThat(ri.post("/retry", Json.write(retry)).statusCode()).isEqualTo(200);
        assertThat(ri.withCredentials("registro-imprese", "wrong").post("/retry", Json.write(retry)).statusCode()).isEqualTo(401);
        assertThat(gateway.posts("/ssu/ri/retry")).extracting(FakeSsuGateway.Received::authorization)
                .containsExactly(RI_AUTH, SsuPeerSimulator.basic("registro-imprese", "wrong"));
        assertThat(ri.calls()).isEmpty();

        assertThat(RegistroImpreseSimulator.defaultPassword()).isEqualTo("registro-imprese-secret");
        System.setProperty("SUAPGW_RI_PASSWORD", "ri-from-env");
        try {
            assertThat(RegistroImpreseSimulator.defaultPassword()).isEqualTo("ri-from-env");
            assertThat(new RegistroImpreseSimulator(0, gateway.url()).clientId()).isEqualTo("registro-imprese");
        } finally {
            System.clearProperty("SUAPGW_RI_PASSWORD");
        }
        assertThat(List.of(RegistroImpreseSimulator.DEFAULT_PORT)).containsExactly(8193);
    }
}
