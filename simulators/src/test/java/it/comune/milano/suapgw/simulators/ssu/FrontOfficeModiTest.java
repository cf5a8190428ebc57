package it.comune.milano.suapgw.simulators.ssu;

import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.simulators.support.GatewayClient;
import it.comune.milano.suapgw.simulators.support.GatewayResponse;
import it.comune.milano.suapgw.simulators.support.Json;
import it.comune.milano.suapgw.simulators.support.ModiSsuGateway;
import it.comune.milano.suapgw.simulators.support.TestSupport;
import it.comune.milano.suapgw.simulators.support.modi.ModiClient;
import it.comune.milano.suapgw.simulators.support.modi.ModiDemo;
import it.comune.milano.suapgw.simulators.support.modi.ModiKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import static it.comune.milano.suapgw.simulators.support.modi.ModiServer.ERROR_401_001;
import static it.comune.milano.suapgw.simulators.support.modi.ModiServer.ERROR_401_002;
import static it.comune.milano.suapgw.simulators.support.modi.ModiServer.ERROR_401_003;
import static it.comune.milano.suapgw.simulators.support.modi.ModiServer.ERROR_401_004;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The front-office with ModI on both sides, against a fake gateway built with ModiServer. */
class FrontOfficeModiTest {

    private static ModiDemo demo;
    private final SampleInstances samples = TestSupport.samples();
    private final SampleInstances.Sample sample = samples.get(0);
    private ModiSsuGateway gateway;
    private FrontOfficeSimulator fo;

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
        fo = new FrontOfficeSimulator(0, gateway.url(), demo.frontOffice());
        fo.setFetchDelay(Duration.ofMillis(10));
        fo.start();
        fo.register(sample);
    }

    @AfterEach
    void stop() {
        fo.stop();
        gateway.close();
    }

    /** The gateway calling the FO's fo_to_bo (its responses must be signed by frontoffice). */
    private GatewayClient gatewayToFo() {
        return new GatewayClient(TestSupport.HTTP, fo.baseUrl(), demo.gateway(), ModiDemo.FO_TO_BO, ModiDemo.FRONTOFFICE, null, null, null);
    }

    private static ObjectNode notify(SampleInstances.Sample s, String event) {
        ObjectNode n = Json.object();
        n.set("cui", s.cui().deepCopy());
        n.put("instance_descriptor_version", "1").put("event", event);
        return n;
    }

    @Test
    void roundTripTheFrontOfficeCallsTheGatewayWithVoucherAndSignatureAndTrustsItsSignedResponses() {
        int vouchers = demo.pdnd().vouchersIssued(ModiDemo.FRONTOFFICE);
        GatewayResponse r = fo.sendInstance(sample);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.trusted()).as(r.signatureError()).isTrue();
        assertThat(fo.notifyReceipt(sample, LocalDate.of(2026, 11, 25)).effectiveStatus()).isEqualTo(200);
        assertThat(fo.cancelInstance(sample).effectiveStatus()).isEqualTo(200);
        ObjectNode retry = Json.object();
        retry.set("cui", sample.cui());
        retry.put("operation", "notify");
        assertThat(fo.postRaw("/ssu/fo/retry", Json.write(retry)).trusted()).isTrue();

        assertThat(gateway.received()).extracting(ModiSsuGateway.Received::path).containsExactly("/ssu/fo/send_instance",
                "/ssu/fo/notify_receipt", "/ssu/fo/cancel_instance", "/ssu/fo/retry");
        assertThat(gateway.received()).allSatisfy(c -> {
            assertThat(c.code()).isNull();
            assertThat(c.caller()).isEqualTo("frontoffice");
        });
        assertThat(gateway.posts("/ssu/fo/send_instance").get(0).json()).isEqualTo(sample.sendInstanceBody());
        assertThat(fo.calls(sample.cuiUuid())).extracting(FrontOfficeSimulator.Call::httpStatus).containsExactly(200, 200, 200);
        assertThat(fo.modiFailures()).isZero();
        // one voucher for the four calls
        assertThat(demo.pdnd().vouchersIssued(ModiDemo.FRONTOFFICE)).isEqualTo(vouchers + 1);
    }

    @Test
    void aGatewayResponseWithoutAValidSignatureCountsAsAFailedCall() {
        gateway.unsigned(true);
        GatewayResponse unsigned = fo.sendInstance(sample);
        assertThat(unsigned.statusCode()).isEqualTo(200);
        assertThat(unsigned.trusted()).isFalse();
        assertThat(unsigned.effectiveStatus()).isZero();
        assertThat(unsigned.signatureError()).contains("without Agid-JWT-Signature");
        // signed, but by someone else's key
        gateway.unsigned(false);
        gateway.signWith(demo.server(ModiDemo.CATALOGO, ModiDemo.BO_TO_FO));
        GatewayResponse foreign = fo.notifyReceipt(sample, LocalDate.now());
        assertThat(foreign.trusted()).isFalse();
        assertThat(foreign.signatureError()).contains("catalogo");
        gateway.signWith(null);
        assertThat(fo.cancelInstance(sample).trusted()).isTrue();

        assertThat(fo.modiFailures()).isEqualTo(2);
        assertThat(fo.modiFailureDetails()).hasSize(2).first().asString().contains("/ssu/fo/send_instance");
        assertThat(fo.calls(sample.cuiUuid())).extracting(FrontOfficeSimulator.Call::httpStatus).containsExactly(0, 0, 200);
        assertThat(fo.calls(sample.cuiUuid()).get(0).responseBody()).startsWith("ModI: response not trusted (HTTP 200)");
    }

    @Test
    void theDefectHelpersGetEachCodeFromTheGateway() {
        String body = Json.write(sample.sendInstanceBody());
        Map<String, Supplier<GatewayResponse>> calls = new LinkedHashMap<>();
        calls.put(ERROR_401_001, () -> fo.client().withoutVoucher().post("/send_instance", body));
        calls.put(ERROR_401_002 + " wrong key", () -> fo.client().withVoucherFrom(ModiKeys.generate().getPrivate()).post("/send_instance", body));
        calls.put(ERROR_401_002 + " wrong audience", () -> fo.client().withVoucherAudience(ModiDemo.BO_TO_ET).post("/send_instance", body));
        calls.put(ERROR_401_002 + " expired", () -> fo.client().withExpiredVoucher().post("/send_instance", body));
        calls.put(ERROR_401_003, () -> fo.client().withoutSignature().post("/send_instance", body));
        calls.put(ERROR_401_004 + " wrong digest", () -> fo.client().withWrongDigest().post("/send_instance", body));
        calls.put(ERROR_401_004 + " no digest", () -> fo.client().withoutDigest().post("/send_instance", body));
        calls.put(ERROR_401_004 + " replay", () -> fo.client().replaying().post("/send_instance", body));
        calls.put(ERROR_401_004 + " another client's kid", () -> fo.client().withSignatureKey(demo.identity(ModiDemo.CATALOGO))
                .post("/send_instance", body));
        calls.put(ERROR_401_004 + " wrong key", () -> fo.client().withWrongSignatureKey().post("/send_instance", body));
        calls.put(ERROR_401_004 + " wrong audience", () -> fo.client().withSignatureAudience(ModiDemo.BO_TO_RI).post("/send_instance", body));
        calls.put(ERROR_401_002 + " document", () -> fo.client().withExpiredVoucher().getDocument(sample.cuiUuid(), "x", "If-Match", "ab"));
        calls.put(ERROR_401_004 + " document replay", () -> fo.client().replaying().getDocument(sample.cuiUuid(), "x", "If-Match", "ab"));
        calls.forEach((expected, call) -> {
            GatewayResponse r = call.get();
            assertThat(r.statusCode()).as(expected).isEqualTo(401);
            assertThat(Json.parse(r.body()).get("code").asText()).as(expected).isEqualTo(expected.substring(0, 13));
            assertThat(r.trusted()).as("the 401 is signed too: " + r.signatureError()).isTrue();
        });
        assertThat(gateway.refusals()).containsExactly(ERROR_401_001, ERROR_401_002, ERROR_401_002, ERROR_401_002, ERROR_401_003,
                ERROR_401_004, ERROR_401_004, ERROR_401_004, ERROR_401_004, ERROR_401_004, ERROR_401_004, ERROR_401_002, ERROR_401_004);
        // the replays' first sending was accepted
        assertThat(gateway.posts("/ssu/fo/send_instance")).hasSize(1);
        assertThat(fo.client().post("/send_instance", body).statusCode()).isEqualTo(200);
        assertThat(fo.modiFailures()).isZero();
        assertThat(fo.client().modi()).isTrue();
    }

    @Test
    void theFrontOfficeServerChecksTheGatewaysCallsAndSignsItsAnswers() throws Exception {
        GatewayResponse ok = gatewayToFo().post("/notify", Json.write(notify(sample, "end_by_positive_outcome")));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(ok.trusted()).as(ok.signatureError()).isTrue();
        assertThat(fo.messages(sample.cuiUuid())).containsExactly("notify:end_by_positive_outcome");

        // a body the contract refuses: 400, signed as well
        GatewayResponse invalid = gatewayToFo().post("/notify", "{\"cui\":{}}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.trusted()).isTrue();
        assertThat(invalid.headers().firstValue("Digest")).hasValue(ModiKeys.digest(invalid.bytes()));

        // no credentials at all: 401_001, signed for the e-service's audience
        GatewayResponse none = new GatewayClient(TestSupport.HTTP, fo.baseUrl(), null, null, null, null, null, null)
                .post("/notify", Json.write(notify(sample, "end_by_negative_outcome")));
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(Json.parse(none.body()).get("code").asText()).isEqualTo(ERROR_401_001);
        assertThat(Json.parse(none.body()).get("message").asText()).startsWith("PDND token not found");
        assertThat(demo.gateway().verifyResponse(name -> none.headers().firstValue(name).orElse(null), none.bytes(), ModiDemo.FRONTOFFICE,
                ModiDemo.FO_TO_BO).ok()).isTrue();
        // the gateway's voucher for another e-service (the Catalogo's)
        ModiClient g = demo.gateway();
        GatewayResponse otherAudience = gatewayToFo().withVoucher(g.voucher(ModiDemo.CATALOGO_SSU_TO_BO))
                .post("/notify", Json.write(notify(sample, "end_by_negative_outcome")));
        assertThat(Json.parse(otherAudience.body()).get("code").asText()).isEqualTo(ERROR_401_002);
        // a client that is not the gateway, with a voucher for fo_to_bo (forged: the PDND would not give it one)
        GatewayResponse notTheGateway = new GatewayClient(TestSupport.HTTP, fo.baseUrl(), demo.client("et-arpa-lombardia"),
                ModiDemo.FO_TO_BO, ModiDemo.FRONTOFFICE, null, null, null).withVoucherAudience(ModiDemo.FO_TO_BO)
                .post("/notify", Json.write(notify(sample, "end_by_negative_outcome")));
        assertThat(Json.parse(notTheGateway.body()).get("code").asText()).isEqualTo(ERROR_401_002);
        assertThat(Json.parse(gatewayToFo().withoutSignature().post("/notify", "{}").body()).get("code").asText()).isEqualTo(ERROR_401_003);
        assertThat(Json.parse(gatewayToFo().replaying().post("/notify", Json.write(notify(sample, "end_by_proceeding_time_expired"))).body())
                .get("code").asText()).isEqualTo(ERROR_401_004);
        assertThat(fo.modiRefusals()).isEqualTo(5);
        assertThat(fo.modiRefusals(ERROR_401_002)).isEqualTo(2);
        assertThat(fo.messages(sample.cuiUuid())).containsExactly("notify:end_by_positive_outcome", "notify:end_by_proceeding_time_expired");

        // its documents, signed as text/plain
        String id = sample.instanceIndex().get(0).get("resource_id").asText();
        GatewayResponse doc = gatewayToFo().getDocument(sample.cuiUuid(), id, "If-Match", sample.hash(id));
        assertThat(doc.statusCode()).isEqualTo(200);
        assertThat(doc.trusted()).as(doc.signatureError()).isTrue();
        assertThat(Base64.getDecoder().decode(doc.body())).isEqualTo(sample.documents().get(id));
        assertThat(gatewayToFo().withoutVoucher().getDocument(sample.cuiUuid(), id, "If-Match", sample.hash(id)).statusCode()).isEqualTo(401);
    }

    @Test
    void theActIsDownloadedWithModI() {
        byte[] act = "%PDF-1.4 provvedimento conclusivo".getBytes(StandardCharsets.US_ASCII);
        gateway.serve("/ssu/fo", sample.cuiUuid(), "atto-1", act);
        ObjectNode n = notify(sample, "end_by_positive_outcome").put("resource_id", "atto-1").put("hash", Json.sha256(act)).put("alg_hash", "S256");
        assertThat(gatewayToFo().post("/notify", Json.write(n)).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> fo.actFetch(sample.cuiUuid()) != null);
        assertThat(fo.actVerified(sample.cuiUuid())).as(fo.actFetch(sample.cuiUuid()).detail()).isTrue();
        assertThat(gateway.documentGets("/ssu/fo")).singleElement().satisfies(g -> assertThat(g.caller()).isEqualTo("frontoffice"));
    }
}
