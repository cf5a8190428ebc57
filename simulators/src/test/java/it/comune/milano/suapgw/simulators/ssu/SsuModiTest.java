package it.comune.milano.suapgw.simulators.ssu;

import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.simulators.support.GatewayClient;
import it.comune.milano.suapgw.simulators.support.GatewayResponse;
import it.comune.milano.suapgw.simulators.support.Json;
import it.comune.milano.suapgw.simulators.support.ModiSsuGateway;
import it.comune.milano.suapgw.simulators.support.TestSupport;
import it.comune.milano.suapgw.simulators.support.modi.ModiDemo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static it.comune.milano.suapgw.simulators.support.modi.ModiServer.ERROR_401_001;
import static it.comune.milano.suapgw.simulators.support.modi.ModiServer.ERROR_401_002;
import static it.comune.milano.suapgw.simulators.support.modi.ModiServer.ERROR_401_003;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The Registro Imprese and the Catalogo with ModI. */
class SsuModiTest {

    private static ModiDemo demo;
    private final SampleInstances samples = TestSupport.samples();
    /** registro-imprese: a SCIA with a SUAP_REA_START_XML. */
    private final SampleInstances.Sample rea = samples.get(13);

    @BeforeAll
    static void pdnd() {
        demo = ModiDemo.start(0);
    }

    @AfterAll
    static void stopPdnd() {
        demo.pdnd().stop();
    }

    @Test
    void theRegistroImpreseSpeaksModIBothWays() throws Exception {
        try (ModiSsuGateway gateway = new ModiSsuGateway(demo)) {
            gateway.serve("/ssu/ri", rea);
            RegistroImpreseSimulator ri = new RegistroImpreseSimulator(0, gateway.url(), demo.registroImprese());
            ri.setFetchDelay(Duration.ofMillis(10));
            ri.start();
            try {
                GatewayClient toRi = new GatewayClient(TestSupport.HTTP, ri.baseUrl(), demo.gateway(), ModiDemo.RI_TO_BO,
                        ModiDemo.REGISTRO_IMPRESE, null, null, null);
                ObjectNode body = RegistroImpreseSimulatorTest.riBody(rea);
                GatewayResponse accepted = toRi.post("/send_instance", body);
                assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
                assertThat(accepted.trusted()).as(accepted.signatureError()).isTrue();
                int documents = body.get("instance_index").size() + body.get("general_index").size();
                await().atMost(Duration.ofSeconds(10)).until(() -> ri.documentsVerified() == documents);
                assertThat(gateway.documentGets("/ssu/ri")).hasSize(documents).allSatisfy(g -> assertThat(g.caller()).isEqualTo("registro-imprese"));

                // its server refuses the defects
                assertThat(Json.parse(new GatewayClient(TestSupport.HTTP, ri.baseUrl(), null, null, null, null, null, null)
                        .post("/notify", "{}").body()).get("code").asText()).isEqualTo(ERROR_401_001);
                assertThat(Json.parse(toRi.withVoucher(demo.gateway().voucher(ModiDemo.FO_TO_BO)).post("/notify", "{}").body())
                        .get("code").asText()).isEqualTo(ERROR_401_002);
                assertThat(Json.parse(toRi.withoutSignature().post("/notify", "{}").body()).get("code").asText()).isEqualTo(ERROR_401_003);
                assertThat(ri.modiRefusals()).isEqualTo(3);
                // its helpers
                assertThat(Json.parse(ri.client().withoutVoucher().post("/retry", "{}").body()).get("code").asText()).isEqualTo(ERROR_401_001);
                assertThat(ri.post("/retry", "{}").statusCode()).isEqualTo(200);
                assertThat(gateway.posts("/ssu/ri/retry")).singleElement().satisfies(r -> assertThat(r.caller()).isEqualTo("registro-imprese"));
                assertThat(ri.modiFailures()).isZero();
            } finally {
                ri.stop();
            }
        }
    }

    @Test
    void theCatalogoAdmitsOnlyTheGatewayAndSignsItsAnswers() throws Exception {
        CatalogoSimulator catalogo = new CatalogoSimulator(0, demo.catalogo());
        catalogo.start();
        try {
            catalogo.register(rea);
            GatewayClient asGateway = new GatewayClient(TestSupport.HTTP, catalogo.baseUrl(), demo.gateway(), ModiDemo.CATALOGO_SSU_TO_BO,
                    ModiDemo.CATALOGO, null, null, null);
            GatewayResponse descriptor = asGateway.get("/instance_descriptor/" + rea.cuiUuid());
            assertThat(descriptor.statusCode()).isEqualTo(200);
            assertThat(descriptor.trusted()).as(descriptor.signatureError()).isTrue();
            assertThat(Json.parse(descriptor.body()).get("version").asInt()).isEqualTo(1);
            ObjectNode audit = Json.object();
            audit.set("cui", rea.cui());
            audit.put("message", "instance_retrived").put("event_time", "2026-11-25T10:00:00+01:00");
            GatewayResponse audited = asGateway.post("/audit", audit);
            assertThat(audited.statusCode()).as(audited.body()).isEqualTo(200);
            assertThat(audited.trusted()).isTrue();
            assertThat(asGateway.get("/instance_descriptor/unknown").statusCode()).isEqualTo(404);

            GatewayResponse anonymous = new GatewayClient(TestSupport.HTTP, catalogo.baseUrl(), null, null, null, null, null, null)
                    .get("/instance_descriptor/" + rea.cuiUuid());
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("Agid-JWT-Signature")).isPresent();
            // an ente terzo is not a caller of catalogo-ssu_to_bo (its voucher forged: the PDND gives it none)
            GatewayResponse ente = new GatewayClient(TestSupport.HTTP, catalogo.baseUrl(), demo.client("et-arpa-lombardia"),
                    ModiDemo.CATALOGO_SSU_TO_BO, ModiDemo.CATALOGO, null, null, null).withVoucherAudience(ModiDemo.CATALOGO_SSU_TO_BO)
                    .get("/instance_descriptor/" + rea.cuiUuid());
            assertThat(Json.parse(ente.body()).get("code").asText()).isEqualTo(ERROR_401_002);
            assertThat(catalogo.modiRefusals()).isEqualTo(2);
            assertThat(catalogo.descriptorRequests(rea.cuiUuid())).isEqualTo(1);
            assertThat(catalogo.audits(rea.cuiUuid())).hasSize(1);
        } finally {
            catalogo.stop();
        }
    }
}
