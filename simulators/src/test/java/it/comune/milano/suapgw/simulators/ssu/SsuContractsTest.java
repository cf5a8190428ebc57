package it.comune.milano.suapgw.simulators.ssu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.simulators.support.Json;
import it.comune.milano.suapgw.simulators.support.TestSupport;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The published ET and RI contracts as the simulators read them. */
class SsuContractsTest {

    private final SampleInstances.Sample s = TestSupport.samples().get(12);

    private static String resource(String name) throws IOException {
        try (InputStream in = SsuContractsTest.class.getResourceAsStream("/ssu/published/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theEtAndRiFilesAreThePublishedOnesExceptTheCdssNotifyMessage() throws Exception {
        Path specs = Path.of("/work/shared/specs/specifiche-tecniche-DPR-160-2010/openAPI");
        for (String name : new String[]{"bo_to_et.yaml", "bo_to_ri.yaml", "ri_to_bo.yaml", "et_to_bo.yaml"}) {
            String copy = resource(name);
            assertThat(copy).contains("- progressive").doesNotContain("anyOf:\n                - required: [progressive]");
            if (Files.isRegularFile(specs.resolve(name)) && !"et_to_bo.yaml".equals(name)) {
                assertThat(copy).as(name).isEqualTo(Files.readString(specs.resolve(name)));
            }
        }
        String et = resource("et_to_bo.yaml");
        assertThat(et).contains("NOT AS PUBLISHED").doesNotContain("allOf:");
        assertThat(resource("README.md")).contains("CdssNotifyMessage", "schemas/README.md");
    }

    private ObjectNode message(String event) {
        ObjectNode n = Json.object();
        n.set("cui", s.cui().deepCopy());
        n.put("instance_descriptor_version", "1").put("event", event);
        return n;
    }

    @Test
    void etNotifyIsExactlyOneOfTheThreeMessages() {
        ObjectNode cdss = message("cdss_convened").put("cdss_channel", "videoconferenza").put("cdss_convocation", "2026-12-10");
        assertThat(SsuContracts.etNotifyErrors(cdss)).isEmpty();
        assertThat(SsuContracts.etNotifyErrors(cdss.deepCopy().put("cdss_convocation", "10/12/2026"))).contains("CdssNotifyMessage");
        assertThat(SsuContracts.etNotifyErrors(message("end_by_integration_times_expired"))).isEmpty();
        assertThat(SsuContracts.etNotifyErrors(message("end_by_negative_outcome").put("resource_id", "r").put("hash", "h").put("alg_hash", "S512")))
                .isEmpty();
        assertThat(SsuContracts.etNotifyErrors(message("end_by_negative_outcome").put("alg_hash", "MD5"))).isNotEmpty();
        assertThat(SsuContracts.etNotifyErrors(message("cdss_convened"))).as("without channel and date").isNotEmpty();
        ObjectNode noCui = message("end_by_positive_outcome");
        noCui.remove("cui");
        assertThat(SsuContracts.etNotifyErrors(noCui)).isNotEmpty();
        // the Registro Imprese is told of a refusal, not of a conferenza
        assertThat(SsuContracts.riNotifyErrors(message("end_by_instance_refused"))).isEmpty();
        assertThat(SsuContracts.riNotifyErrors(cdss)).isNotEmpty();
    }

    @Test
    void requestCdssAcceptsThePublishedAndTheMaintenanceShape() {
        JsonNode admin = Json.object().put("ipacode", "cmmi").put("officecode", "AMBIENTE").put("version", "01.00.00").put("description", "CM");
        ObjectNode wrapped = Json.object();
        wrapped.set("cui", s.cui().deepCopy());
        wrapped.set("requester_administration", admin);
        assertThat(SsuContracts.requestCdssErrors(s.cui())).isEmpty();
        assertThat(SsuContracts.requestCdssErrors(wrapped)).isEmpty();
        ObjectNode noUuid = s.cui().deepCopy();
        noUuid.remove("uuid");
        assertThat(SsuContracts.requestCdssErrors(noUuid)).startsWith("cui:");
        ObjectNode wrappedNoAdmin = Json.object();
        wrappedNoAdmin.set("cui", s.cui().deepCopy());
        assertThat(SsuContracts.requestCdssErrors(wrappedNoAdmin)).isNotEmpty();
    }

    @Test
    void retriesNeedCuiAndOperation() {
        ObjectNode retry = Json.object();
        retry.set("cui", s.cui().deepCopy());
        assertThat(SsuContracts.boToEtRetryErrors(retry)).isEqualTo("operation is required");
        retry.put("operation", "send_instance");
        assertThat(SsuContracts.boToEtRetryErrors(retry)).isEmpty();
        assertThat(SsuContracts.boToRiRetryErrors(retry)).isEmpty();
        assertThat(SsuContracts.etRetryErrors(retry)).as("the BO asks an ente only for its own operations").isNotEmpty();
        retry.put("operation", "request_cdss");
        assertThat(SsuContracts.etRetryErrors(retry)).isEmpty();
        ObjectNode noCui = Json.object().put("operation", "notify");
        assertThat(SsuContracts.boToRiRetryErrors(noCui)).isEqualTo("cui is required");
    }
}
