package it.comune.milano.suapgw.simulators.enti;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.simulators.ssu.CatalogoSimulator;
import it.comune.milano.suapgw.simulators.ssu.SampleInstances;
import it.comune.milano.suapgw.simulators.ssu.SsuPeerSimulator;
import it.comune.milano.suapgw.simulators.support.GatewayClient;
import it.comune.milano.suapgw.simulators.support.GatewayResponse;
import it.comune.milano.suapgw.simulators.support.Json;
import it.comune.milano.suapgw.simulators.support.ModiSsuGateway;
import it.comune.milano.suapgw.simulators.support.TestSupport;
import it.comune.milano.suapgw.simulators.support.modi.ModiDemo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static it.comune.milano.suapgw.simulators.support.modi.ModiServer.ERROR_401_001;
import static it.comune.milano.suapgw.simulators.support.modi.ModiServer.ERROR_401_002;
import static it.comune.milano.suapgw.simulators.support.modi.ModiServer.ERROR_401_003;
import static it.comune.milano.suapgw.simulators.support.modi.ModiServer.ERROR_401_004;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** An ente terzo with ModI on both sides (et_to_bo / bo_to_et), against a fake gateway built with ModiServer. */
class EnteSsuModiTest {

    private static final String ARPA_CLIENT = "et-arpa-lombardia";
    private static ModiDemo demo;
    private final SampleInstances samples = TestSupport.samples();
    /** mixed-channels: ARPA's proceeding EMISSIONI_IN_ATMOSFERA (positivo by default). */
    private final SampleInstances.Sample mixed = samples.get(10);
    /** integration-ssu: ARPA's proceeding EMISSIONI_VERNICIATURA_CARROZZERIA (integrazione by default). */
    private final SampleInstances.Sample carrozzeria = samples.get(11);
    private ModiSsuGateway gateway;
    private final List<AutoCloseable> toStop = new ArrayList<>();

    @BeforeAll
    static void pdnd() {
        demo = ModiDemo.start(0);
    }

    @AfterAll
    static void stopPdnd() {
        demo.pdnd().stop();
    }

    @BeforeEach
    void start() throws Exception {
        gateway = new ModiSsuGateway(demo);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toStop) {
            c.close();
        }
        gateway.close();
    }

    private EnteSsuSimulator arpa() {
        EnteSsuSimulator et = new EnteSsuSimulator(EnteSsuSimulator.ARPA_LOMBARDIA, 0, gateway.url(), demo.enteTerzo(ARPA_CLIENT));
        et.setFetchDelay(Duration.ofMillis(10));
        et.setCallRetryWindow(Duration.ofSeconds(1));
        et.start();
        toStop.add(et::stop);
        return et;
    }

    /** The gateway calling ARPA's et_to_bo (the responses must be signed by et-arpa-lombardia). */
    private static GatewayClient gatewayTo(EnteSsuSimulator et) {
        return new GatewayClient(TestSupport.HTTP, et.baseUrl(), demo.gateway(), ModiDemo.etToBo(ARPA_CLIENT), ARPA_CLIENT, null, null, null);
    }

    @Test
    void theEnteActsOnASignedSendInstanceDownloadsWithModIAndAnswersWithModI() {
        gateway.serve("/ssu/et", mixed);
        EnteSsuSimulator et = arpa();
        assertThat(et.modi().gatewayAudience()).isEqualTo(ModiDemo.BO_TO_ET);
        ObjectNode body = EnteSsuSimulatorTest.etBody(mixed, "arpa_lom");
        GatewayResponse accepted = gatewayTo(et).post("/send_instance", body);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        assertThat(accepted.trusted()).as(accepted.signatureError()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> !gateway.posts("/ssu/et/send_conclusions").isEmpty());

        assertThat(et.documentsVerified()).isEqualTo(body.get("instance_index").size());
        assertThat(gateway.documentGets("/ssu/et")).hasSize(body.get("instance_index").size())
                .allSatisfy(g -> assertThat(g.caller()).isEqualTo(ARPA_CLIENT));
        ModiSsuGateway.Received conclusions = gateway.posts("/ssu/et/send_conclusions").get(0);
        assertThat(conclusions.caller()).isEqualTo(ARPA_CLIENT);
        assertThat(conclusions.json().get("conclusions_type").asText()).isEqualTo("positive_outcome");
        assertThat(et.calls(mixed.cuiUuid())).singleElement().satisfies(c -> assertThat(c.httpStatus()).isEqualTo(200));
        assertThat(et.modiFailures()).isZero();
        assertThat(gateway.refusals()).isEmpty();
        // its parere, as the gateway downloads it
        String rid = conclusions.json().get("resource_id").asText();
        GatewayResponse parere = gatewayTo(et).getDocument(mixed.cuiUuid(), rid, "If-Match", conclusions.json().get("hash").asText());
        assertThat(parere.statusCode()).isEqualTo(200);
        assertThat(parere.trusted()).as(parere.signatureError()).isTrue();
    }

    @Test
    void theEnteServerRefusesEachDefectWithItsCodeAndSignsTheRefusal() {
        EnteSsuSimulator et = arpa();
        String body = Json.write(EnteSsuSimulatorTest.etBody(mixed, "arpa_lom"));
        Map<String, Supplier<GatewayResponse>> calls = new LinkedHashMap<>();
        calls.put(ERROR_401_001, () -> new GatewayClient(TestSupport.HTTP, et.baseUrl(), null, null, null, "suapgw-milano", "x", null)
                .post("/send_instance", body));
        // a real voucher of the gateway, for the other ente's e-service
        calls.put(ERROR_401_002, () -> gatewayTo(et).withVoucher(demo.gateway().voucher(ModiDemo.etToBo("et-citta-metropolitana")))
                .post("/send_instance", body));
        calls.put(ERROR_401_003, () -> gatewayTo(et).withoutSignature().post("/send_instance", body));
        calls.put(ERROR_401_004, () -> gatewayTo(et).withWrongDigest().post("/send_instance", body));
        calls.forEach((code, call) -> {
            GatewayResponse r = call.get();
            assertThat(r.statusCode()).as(code).isEqualTo(401);
            assertThat(Json.parse(r.body()).get("code").asText()).isEqualTo(code);
            assertThat(demo.gateway().verifyResponse(name -> r.headers().firstValue(name).orElse(null), r.bytes(), ARPA_CLIENT,
                    ModiDemo.etToBo(ARPA_CLIENT)).ok()).as(code + " signed").isTrue();
        });
        assertThat(et.modiRefusals()).isEqualTo(4);
        assertThat(et.messages(mixed.cuiUuid())).isEmpty();
        assertThat(et.invalidCalls()).isZero();
    }

    @Test
    void theConformanceHelpersSendEachDefect() {
        EnteSsuSimulator et = arpa();
        String retry = "{\"cui\":" + Json.write(mixed.cui()) + ",\"operation\":\"notify\"}";
        Map<String, Supplier<GatewayResponse>> calls = new LinkedHashMap<>();
        calls.put(ERROR_401_001, () -> et.client().withoutVoucher().post("/retry", retry));
        calls.put(ERROR_401_001 + " without credentials", () -> et.withoutCredentials().post("/retry", retry));
        calls.put(ERROR_401_001 + " Basic", () -> et.withCredentials(ARPA_CLIENT, "arpa-lombardia-secret").post("/retry", retry));
        calls.put(ERROR_401_002 + " wrong key", () -> et.client().withWrongVoucherKey().post("/retry", retry));
        calls.put(ERROR_401_002 + " expired", () -> et.client().withExpiredVoucher().post("/retry", retry));
        calls.put(ERROR_401_002 + " wrong audience", () -> et.client().withVoucherAudience(ModiDemo.BO_TO_RI).post("/retry", retry));
        calls.put(ERROR_401_003, () -> et.client().withoutSignature().post("/retry", retry));
        calls.put(ERROR_401_004 + " digest", () -> et.client().withWrongDigest().post("/retry", retry));
        calls.put(ERROR_401_004 + " replay", () -> et.client().replaying().post("/retry", retry));
        calls.put(ERROR_401_004 + " other ente's kid", () -> et.client().withSignatureKey(demo.identity("et-citta-metropolitana"))
                .post("/retry", retry));
        calls.put(ERROR_401_004 + " audience", () -> et.client().withSignatureAudience(ModiDemo.BO_TO_FO).post("/retry", retry));
        calls.put(ERROR_401_004 + " document, wrong key", () -> et.client().withWrongSignatureKey().getDocument(mixed.cuiUuid(), "x", "If-Match", "ab"));
        calls.forEach((expected, call) -> {
            GatewayResponse r = call.get();
            assertThat(r.statusCode()).as(expected).isEqualTo(401);
            assertThat(Json.parse(r.body()).get("code").asText()).as(expected).isEqualTo(expected.substring(0, 13));
        });
        assertThat(gateway.api("/ssu/et").refusals()).isEqualTo(calls.size());
        // the helpers with ModI: accepted, and the caller is the ente
        assertThat(et.post("/retry", retry).statusCode()).isEqualTo(200);
        assertThat(et.getDocument(mixed.cuiUuid(), "x", "If-Match", "ab").statusCode()).isEqualTo(404);
        assertThat(gateway.received()).last().satisfies(r -> assertThat(r.caller()).isEqualTo(ARPA_CLIENT));
        assertThat(et.modiFailures()).isZero();
        // without ModI there is nothing to forge
        EnteSsuSimulator plain = new EnteSsuSimulator(EnteSsuSimulator.CITTA_METROPOLITANA, 0, gateway.url());
        assertThatThrownBy(() -> plain.client().withoutSignature()).isInstanceOf(IllegalStateException.class);
        assertThat(plain.client().modi()).isFalse();
    }

    @Test
    void untrustedGatewayResponsesAreRecordedAsFailedCalls() {
        gateway.serve("/ssu/et", mixed);
        gateway.signPostsWith(demo.server("et-citta-metropolitana", ModiDemo.BO_TO_ET));
        EnteSsuSimulator et = arpa();
        et.setCallRetryWindow(Duration.ofSeconds(5));
        assertThat(gatewayTo(et).post("/send_instance", EnteSsuSimulatorTest.etBody(mixed, "arpa_lom")).statusCode()).isEqualTo(200);
        // the documents are trusted; the answers to send_conclusions are not: retried for the window, each attempt failed
        await().atMost(Duration.ofSeconds(10)).until(() -> et.calls(mixed.cuiUuid()).size() >= 2);
        assertThat(et.documentsVerified()).isGreaterThan(0);
        assertThat(et.calls(mixed.cuiUuid())).allSatisfy(c -> {
            assertThat(c.httpStatus()).isZero();
            assertThat(c.ok()).isFalse();
            assertThat(c.responseBody()).startsWith("ModI: response not trusted (HTTP 200)").contains("et-citta-metropolitana");
        });
        assertThat(et.modiFailures()).isGreaterThanOrEqualTo(2);
        assertThat(et.modiFailureDetails()).first().asString().contains("/ssu/et/send_conclusions");
    }

    @Test
    void withModIOnTheCatalogoTheEnteReadsItInProcess() throws Exception {
        CatalogoSimulator catalogo = new CatalogoSimulator(0);
        EnteSsuSimulator et = new EnteSsuSimulator(EnteSsuSimulator.ARPA_LOMBARDIA, 0, gateway.url());
        et.setFetchDelay(Duration.ofMillis(10));
        demo.configure(catalogo, et);
        catalogo.start();
        et.start();
        toStop.add(catalogo::stop);
        toStop.add(et::stop);
        assertThat(catalogo.modiServer().audience()).isEqualTo(ModiDemo.CATALOGO_SSU_TO_BO);
        assertThat(et.modi().client().clientId()).isEqualTo(ARPA_CLIENT);
        catalogo.register(carrozzeria);
        gateway.serve("/ssu/et", carrozzeria);
        // the whole instance_index: the SUAP's CARROZZERIA_APERTURA comes first, and also matches .*CARROZZERIA.*
        assertThat(gatewayTo(et).post("/send_instance", carrozzeria.sendInstanceBody()).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> !gateway.posts("/ssu/et/request_integration").isEmpty());
        JsonNode item = gateway.posts("/ssu/et/request_integration").get(0).json().at("/integration_list/0");
        assertThat(item.get("code").asText()).isEqualTo("EMISSIONI_VERNICIATURA_CARROZZERIA");
        assertThat(catalogo.modiRefusals()).isZero();
        // the Catalogo's API itself admits only the gateway
        assertThat(TestSupport.get(catalogo.baseUrl() + "/instance_descriptor/" + carrozzeria.cuiUuid()).statusCode()).isEqualTo(401);
        assertThat(SsuPeerSimulator.basic("a", "b")).startsWith("Basic ");
    }
}
