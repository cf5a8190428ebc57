package it.comune.milano.suapgw.simulators.ssu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.simulators.support.IdempotencyLedger;
import it.comune.milano.suapgw.simulators.support.Json;
import it.comune.milano.suapgw.simulators.support.TestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;

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
        audit.set("cui", sample.cui().deepCopy());
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
    void anAuditRepeatedWithItsIdempotencyKeyGetsTheFirstAnswerAndIsRecordedOnce() throws Exception {
        ObjectNode audit = Json.object();
        audit.set("cui", sample.cui().deepCopy());
        audit.put("message", "instance_retrived").put("event_time", "2026-11-25T10:00:00+01:00");
        HttpResponse<String> first = post(catalogo.baseUrl() + "/audit", Json.write(audit), "Idempotency-Key", "\"suapgw-outbox-7\"");
        HttpResponse<String> repeat = post(catalogo.baseUrl() + "/audit", Json.write(audit), "Idempotency-Key", "\"suapgw-outbox-7\"");
        assertThat(repeat.statusCode()).isEqualTo(200);
        assertThat(repeat.body()).isEqualTo(first.body());
        assertThat(catalogo.audits(sample.cuiUuid())).hasSize(1);
        post(catalogo.baseUrl() + "/audit", Json.write(audit));
        assertThat(catalogo.audits(sample.cuiUuid())).as("without a key, applied every time").hasSize(2);
        assertThat(catalogo.auditEffects().counts(sample.cuiUuid())).isEqualTo(new IdempotencyLedger.Counts(3, 2, 1, 1, 1));
        assertThat(catalogo.auditEffects().total().applied()).isEqualTo(2);
    }

    @Test
    void updateTimesRepeatedWithItsKeyIsAppliedOnce() throws Exception {
        ObjectNode req = updateTimes(sample, "2026-11-27");
        post(catalogo.baseUrl() + "/update_times", Json.write(req), "Idempotency-Key", "\"suapgw-outbox-8\"");
        ObjectNode later = updateTimes(sample, "2026-11-30");
        HttpResponse<String> repeat = post(catalogo.baseUrl() + "/update_times", Json.write(later), "Idempotency-Key", "\"suapgw-outbox-8\"");
        assertThat(repeat.statusCode()).isEqualTo(200);
        assertThat(Json.parse(repeat.body()).path("times").path("start").asText()).as("the first answer").isEqualTo("2026-11-27");
        assertThat(catalogo.timesUpdates(sample.cuiUuid())).hasSize(1);
        assertThat(catalogo.timesEffects().counts(sample.cuiUuid()).suppressed()).isEqualTo(1);
    }

    private ObjectNode updateTimes(SampleInstances.Sample s, String start) {
        ObjectNode req = Json.object();
        req.set("cui", s.cui().deepCopy());
        req.putObject("times").put("start", start).put("max_gg_proc", 120).put("max_gg_correction", 15).put("max_gg_admissibility", 30)
                .put("max_gg_int_req", 40).put("max_gg_int_resp", 70).put("max_gg_concl_send", 50);
        return req;
    }

    @Test
    void updateTimesIsValidatedStoredAndAnsweredWithTheDescriptor() throws Exception {
        ObjectNode req = updateTimes(sample, "2026-11-27");
        HttpResponse<String> ok = post(catalogo.baseUrl() + "/update_times", Json.write(req));
        assertThat(ok.statusCode()).isEqualTo(200);
        JsonNode answer = Json.parse(ok.body());
        assertThat(SsuContracts.instanceDescriptorErrors(answer)).isEmpty();
        assertThat(answer.get("times")).isEqualTo(req.get("times"));
        assertThat(answer.get("version").asInt()).isEqualTo(1);
        assertThat(catalogo.times(sample.cuiUuid())).isEqualTo(req.get("times"));
        assertThat(catalogo.timesUpdates(sample.cuiUuid())).containsExactly(req);
        assertThat(Json.parse(get(catalogo.baseUrl() + "/instance_descriptor/" + sample.cuiUuid()).body()).get("times"))
                .isEqualTo(req.get("times"));

        // not an UpdateTimesRequest: no max_gg_proc, a string for a number, a date that is not one, no cui progressive
        for (String bad : List.of("/times/max_gg_proc", "/times/max_gg_int_req", "/times/start", "/cui/progressivo")) {
            ObjectNode b = updateTimes(sample, "2026-11-28");
            ObjectNode parent = (ObjectNode) b.at(bad.substring(0, bad.lastIndexOf('/')));
            String field = bad.substring(bad.lastIndexOf('/') + 1);
            switch (field) {
                case "max_gg_proc" -> parent.remove(field);
                case "max_gg_int_req" -> parent.put(field, "quaranta");
                case "start" -> parent.put(field, "28/11/2026");
                default -> parent.remove(List.of("progressivo", "progressive"));
            }
            HttpResponse<String> refused = post(catalogo.baseUrl() + "/update_times", Json.write(b));
            assertThat(refused.statusCode()).as(bad).isEqualTo(400);
            assertThat(Json.parse(refused.body()).get("code").asText()).isEqualTo("ERROR_400_001");
        }
        assertThat(catalogo.timesUpdates(sample.cuiUuid())).hasSize(1);
        ObjectNode unknown = updateTimes(sample, "2026-11-28");
        ((ObjectNode) unknown.get("cui")).put("uuid", "00000000-0000-0000-0000-000000000000");
        assertThat(post(catalogo.baseUrl() + "/update_times", Json.write(unknown)).statusCode()).isEqualTo(404);
    }

    @Test
    void theLatestVersionIsServedAndKeepsTheUpdatedTimes() throws Exception {
        ObjectNode req = updateTimes(sample, "2026-11-27");
        assertThat(post(catalogo.baseUrl() + "/update_times", Json.write(req)).statusCode()).isEqualTo(200);
        SampleInstances.Sample v2 = sample.corrected();
        catalogo.register(v2);
        JsonNode served = Json.parse(get(catalogo.baseUrl() + "/instance_descriptor/" + sample.cuiUuid()).body());
        assertThat(served.get("version").asInt()).isEqualTo(2);
        assertThat(served.get("usecase_proceedings")).isEqualTo(v2.descriptor().get("usecase_proceedings"));
        assertThat(served.get("times")).isEqualTo(req.get("times"));
        assertThat(SsuContracts.instanceDescriptorErrors(served)).isEmpty();
        // an older version registered late does not replace it
        catalogo.register(sample);
        assertThat(catalogo.descriptor(sample.cuiUuid()).get("version").asInt()).isEqualTo(2);
        // descriptors carry both spellings of the progressive
        assertThat(served.at("/cui/progressivo").asText()).isEqualTo(served.at("/cui/progressive").asText());
    }

    @Test
    void auditMessagesAreKeptInOrder() throws Exception {
        for (String m : List.of("instance_retrived", "correction_request", "corrected_instance_retrived", "end_by_proceeding_time_expired")) {
            ObjectNode audit = Json.object();
            audit.set("cui", sample.cui().deepCopy());
            audit.put("message", m).put("event_time", "2026-11-25T10:00:00+01:00");
            assertThat(post(catalogo.baseUrl() + "/audit", Json.write(audit)).statusCode()).isEqualTo(200);
        }
        ObjectNode badTime = Json.object();
        badTime.set("cui", sample.cui().deepCopy());
        badTime.put("message", "instance_retrived").put("event_time", "ieri");
        assertThat(post(catalogo.baseUrl() + "/audit", Json.write(badTime)).statusCode()).isEqualTo(400);
        assertThat(catalogo.auditMessages(sample.cuiUuid())).containsExactly("instance_retrived", "correction_request",
                "corrected_instance_retrived", "end_by_proceeding_time_expired");
    }

    @Test
    void unavailability() throws Exception {
        catalogo.setAvailable(false);
        HttpResponse<String> down = get(catalogo.baseUrl() + "/instance_descriptor/" + sample.cuiUuid());
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(Json.parse(down.body()).get("code").asText()).isEqualTo("ERROR_503_001");
        catalogo.setAvailable(true);
        assertThat(get(catalogo.baseUrl() + "/instance_descriptor/" + sample.cuiUuid()).statusCode()).isEqualTo(200);
    }
}
