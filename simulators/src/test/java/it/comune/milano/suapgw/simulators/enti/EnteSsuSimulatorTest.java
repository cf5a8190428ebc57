package it.comune.milano.suapgw.simulators.enti;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.simulators.ssu.CatalogoSimulator;
import it.comune.milano.suapgw.simulators.ssu.SampleInstances;
import it.comune.milano.suapgw.simulators.ssu.SsuContracts;
import it.comune.milano.suapgw.simulators.ssu.SsuPeerSimulator;
import it.comune.milano.suapgw.simulators.support.FakeSsuGateway;
import it.comune.milano.suapgw.simulators.support.Json;
import it.comune.milano.suapgw.simulators.support.TestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import static it.comune.milano.suapgw.simulators.support.TestSupport.get;
import static it.comune.milano.suapgw.simulators.support.TestSupport.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** EnteSsuSimulator against a fake gateway ({@code /ssu/et}). */
class EnteSsuSimulatorTest {

    private static final String ARPA = EnteSsuSimulator.ARPA_LOMBARDIA;
    private static final String ARPA_AUTH = SsuPeerSimulator.basic("et-arpa-lombardia", "arpa-lombardia-secret");

    private final SampleInstances samples = TestSupport.samples();
    /** mixed-channels: ARPA's proceeding EMISSIONI_IN_ATMOSFERA (positivo by default). */
    private final SampleInstances.Sample mixed = samples.get(10);
    /** integration-ssu: ARPA's proceeding EMISSIONI_VERNICIATURA_CARROZZERIA (integrazione by default). */
    private final SampleInstances.Sample carrozzeria = samples.get(11);
    /** cdss: Città metropolitana's proceeding SCARICHI_DISTRIBUTORE_CARBURANTI (cdss by default). */
    private final SampleInstances.Sample carburanti = samples.get(12);
    private FakeSsuGateway gateway;
    private final List<EnteSsuSimulator> started = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        gateway = new FakeSsuGateway().credentials("/ssu/et", "et-arpa-lombardia", "arpa-lombardia-secret");
    }

    @AfterEach
    void stop() {
        started.forEach(EnteSsuSimulator::stop);
        gateway.close();
    }

    private EnteSsuSimulator ente(String code, List<EnteSsuSimulator.Rule> rules) {
        EnteSsuSimulator et = new EnteSsuSimulator(code, 0, gateway.url(), EnteSsuSimulator.defaultClientId(code),
                EnteSsuSimulator.defaultPassword(code), rules);
        et.setFetchDelay(Duration.ofMillis(10));
        et.setCallRetryWindow(Duration.ofSeconds(5));
        et.start();
        started.add(et);
        return et;
    }

    private EnteSsuSimulator arpa() {
        return ente(ARPA, EnteSsuSimulator.defaultRules(ARPA));
    }

    /** The send_instance the gateway sends an ente terzo: the instance_index entries of its proceedings, the general_index. */
    static ObjectNode etBody(SampleInstances.Sample s, String ipacode) {
        ObjectNode body = s.sendInstanceBody().deepCopy();
        Set<String> codes = new java.util.HashSet<>();
        s.descriptor().get("usecase_proceedings").forEach(up -> {
            if (ipacode.equals(up.at("/competent_administration/ipacode").asText())) {
                codes.add(up.get("code").asText());
            }
        });
        ArrayNode index = Json.MAPPER.createArrayNode();
        body.get("instance_index").forEach(e -> {
            if (codes.contains(e.get("code").asText())) {
                index.add(e);
            }
        });
        body.set("instance_index", index);
        return body;
    }

    private static ObjectNode notify(SampleInstances.Sample s, String event) {
        ObjectNode n = Json.object();
        n.set("cui", s.cui().deepCopy());
        n.put("instance_descriptor_version", "1").put("event", event);
        return n;
    }

    /** The documents an ente terzo downloads by default: its instance_index entries. */
    private static int count(JsonNode body) {
        return body.get("instance_index").size();
    }

    // ------------------------------------------------------------------ contracts

    @Test
    void everyBodyIsValidatedAgainstThePublishedEtToBo() throws Exception {
        EnteSsuSimulator et = arpa();
        String url = et.baseUrl();
        ObjectNode noIndex = etBody(mixed, "arpa_lom");
        noIndex.remove("instance_index");
        ObjectNode onlyProgressivo = etBody(mixed, "arpa_lom");
        ((ObjectNode) onlyProgressivo.get("cui")).remove("progressive");
        ObjectNode cdssWithoutChannel = notify(mixed, "cdss_convened").put("cdss_convocation", "2026-12-15");
        ObjectNode unknownEvent = notify(mixed, "end_by_instance_refused"); // not an event an ente terzo is told
        ObjectNode retryWithoutOperation = Json.object();
        retryWithoutOperation.set("cui", mixed.cui().deepCopy());
        for (String[] call : new String[][]{
                {"/send_instance", Json.write(noIndex)},
                {"/send_instance", Json.write(onlyProgressivo)},
                {"/send_instance", "not json"},
                {"/notify", Json.write(cdssWithoutChannel)},
                {"/notify", Json.write(unknownEvent)},
                {"/retry", Json.write(retryWithoutOperation)},
                {"/retry", "{\"cui\": {}, \"operation\": \"send_instance\"}"}}) {
            HttpResponse<String> r = post(url + call[0], call[1]);
            assertThat(r.statusCode()).as(call[0] + " " + call[1]).isEqualTo(400);
            assertThat(Json.parse(r.body()).get("code").asText()).isEqualTo("ERROR_400_001");
        }
        assertThat(et.invalidCalls()).isEqualTo(7);
        assertThat(et.messages(mixed.cuiUuid())).isEmpty();
        assertThat(post(url + "/request_cdss", "{}").statusCode()).as("not an et_to_bo operation").isEqualTo(404);

        // what the published contract accepts (CdssNotifyMessage as fixed, see ssu/published/README.md)
        ObjectNode cdss = cdssWithoutChannel.deepCopy().put("cdss_channel", "videoconferenza https://conferenze.comune.milano.it/1");
        assertThat(post(url + "/notify", Json.write(cdss)).statusCode()).isEqualTo(200);
        assertThat(post(url + "/notify", Json.write(notify(mixed, "integration_request_time_expired"))).statusCode()).isEqualTo(200);
        ObjectNode retry = retryWithoutOperation.deepCopy().put("operation", "send_conclusions");
        retry.putObject("error").put("code", "ERROR_500_003").put("message", "invalid instance index");
        assertThat(post(url + "/retry", Json.write(retry)).statusCode()).isEqualTo(200);
        assertThat(et.messages(mixed.cuiUuid())).containsExactly("notify:cdss_convened", "notify:integration_request_time_expired",
                "retry:send_conclusions");
        assertThat(et.notifications(mixed.cuiUuid())).hasSize(2);
        assertThat(et.retries(mixed.cuiUuid())).hasSize(1);
        assertThat(et.invalidCalls()).isEqualTo(7);
    }

    // ------------------------------------------------------------------ documents and rules

    @Test
    void withTheGeneralIndexTheEnteDownloadsTheRiepilogoToo() throws Exception {
        gateway.serve("/ssu/et", mixed);
        EnteSsuSimulator et = arpa();
        et.setFetchGeneralIndex(true);
        ObjectNode body = etBody(mixed, "arpa_lom");
        post(et.baseUrl() + "/send_instance", Json.write(body));
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.posts("/ssu/et/send_conclusions").size() == 1);
        assertThat(et.documentsVerified()).isEqualTo(count(body) + 2);
        assertThat(et.documentFetches(mixed.cuiUuid())).extracting(SsuPeerSimulator.DocumentFetch::kind)
                .containsExactly("instance", "instance", "instance", "general", "general");
    }

    @Test
    void theDocumentsAreFetchedWithIfMatchAndBasicAuthVerifiedThenThePositiveParereIsSent() throws Exception {
        gateway.serve("/ssu/et", mixed);
        EnteSsuSimulator et = arpa();
        ObjectNode body = etBody(mixed, "arpa_lom");
        assertThat(body.get("instance_index")).isNotEmpty() // ARPA's proceeding: the istanza and its attachments
                .allSatisfy(e -> assertThat(e.get("code").asText()).isEqualTo("EMISSIONI_IN_ATMOSFERA"));
        assertThat(post(et.baseUrl() + "/send_instance", Json.write(body)).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> !gateway.posts("/ssu/et/send_conclusions").isEmpty());

        assertThat(et.documentsVerified()).isEqualTo(count(body));
        assertThat(et.documentMismatches()).isZero();
        assertThat(et.documentFailures()).isZero();
        List<FakeSsuGateway.Received> gets = gateway.documentGets("/ssu/et");
        assertThat(gets).hasSize(count(body)).allSatisfy(g -> {
            assertThat(g.authorization()).isEqualTo(ARPA_AUTH);
            String rid = g.path().substring(g.path().lastIndexOf('/') + 1);
            assertThat(g.ifMatch()).isEqualTo(mixed.hash(rid));
            assertThat(g.path()).startsWith("/ssu/et/instance/" + mixed.cuiUuid() + "/document/");
        });
        assertThat(et.documentFetches(mixed.cuiUuid())).extracting(SsuPeerSimulator.DocumentFetch::context).containsOnly("send_instance:v1");
        assertThat(et.documentFetches(mixed.cuiUuid())).extracting(SsuPeerSimulator.DocumentFetch::kind).containsOnly("instance");

        FakeSsuGateway.Received call = gateway.posts("/ssu/et/send_conclusions").get(0);
        assertThat(call.authorization()).isEqualTo(ARPA_AUTH);
        JsonNode conclusions = call.json();
        assertThat(SsuContracts.sendConclusionsErrors(conclusions)).isEmpty();
        assertThat(conclusions.get("conclusions_type").asText()).isEqualTo("positive_outcome");
        assertThat(conclusions.get("cui")).isEqualTo(mixed.cui());
        assertThat(conclusions.get("instance_descriptor_version").asText()).isEqualTo("1");
        assertThat(conclusions.get("positive_outcome").asText()).contains("ARPA Lombardia", "EMISSIONI_IN_ATMOSFERA");
        assertThat(conclusions.get("alg_hash").asText()).isEqualTo("S256");
        // the parere it serves is the document it announced
        String rid = conclusions.get("resource_id").asText();
        HttpResponse<String> parere = get(et.baseUrl() + "/instance/" + mixed.cuiUuid() + "/document/" + rid,
                "If-Match", conclusions.get("hash").asText());
        assertThat(parere.statusCode()).isEqualTo(200);
        assertThat(parere.headers().firstValue("Content-Type")).contains("text/plain");
        byte[] pdf = Base64.getDecoder().decode(parere.body());
        assertThat(Json.sha256(pdf)).isEqualTo(conclusions.get("hash").asText());
        assertThat(new String(pdf, StandardCharsets.ISO_8859_1)).startsWith("%PDF-1.4").contains("Parere favorevole");

        assertThat(et.messages(mixed.cuiUuid())).containsExactly("send_instance:v1");
        assertThat(et.sendInstances(mixed.cuiUuid())).containsExactly(body);
        assertThat(et.decisions(mixed.cuiUuid())).containsExactly("v1:positivo");
        assertThat(et.calls(mixed.cuiUuid())).singleElement().satisfies(c -> {
            assertThat(c.operation()).isEqualTo("send_conclusions");
            assertThat(c.httpStatus()).isEqualTo(200);
            assertThat(c.ok()).isTrue();
        });
        // the same version again (a redelivery): documents checked again, no second parere
        assertThat(post(et.baseUrl() + "/send_instance", Json.write(body)).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> et.documentsVerified() == 2 * count(body));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> gateway.posts("/ssu/et/send_conclusions").size() == 1);
        assertThat(et.messages(mixed.cuiUuid())).containsExactly("send_instance:v1", "send_instance:v1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"conformazione", "sospensione"})
    void conclusionsOfEachKindAreValidAgainstThePublishedBoToEt(String action) throws Exception {
        gateway.serve("/ssu/et", mixed);
        EnteSsuSimulator et = ente(ARPA, List.of(new EnteSsuSimulator.Rule("EMISSIONI_.*", action)));
        post(et.baseUrl() + "/send_instance", Json.write(etBody(mixed, "arpa_lom")));
        await().atMost(Duration.ofSeconds(10)).until(() -> !gateway.posts("/ssu/et/send_conclusions").isEmpty());
        JsonNode c = gateway.posts("/ssu/et/send_conclusions").get(0).json();
        assertThat(SsuContracts.sendConclusionsErrors(c)).isEmpty();
        if ("conformazione".equals(action)) {
            assertThat(c.get("conclusions_type").asText()).isEqualTo("conformation_requested");
            assertThat(LocalDate.parse(c.get("date").asText())).isAfter(LocalDate.now());
            assertThat(c.get("conformation_requested").asText()).isNotBlank();
        } else {
            assertThat(c.get("conclusions_type").asText()).isEqualTo("suspension_requested");
            assertThat(c.get("negative_outcome_motivation").asText()).contains("sospensione");
        }
        assertThat(et.documents(mixed.cuiUuid())).containsKey(c.get("resource_id").asText());
        assertThat(et.decisions(mixed.cuiUuid())).containsExactly("v1:" + action);
        // the validator does catch a wrong one
        ObjectNode wrong = c.deepCopy();
        wrong.remove("cui");
        assertThat(SsuContracts.sendConclusionsErrors(wrong)).isNotEmpty();
    }

    @Test
    void integrazioneAsksForTheIntegrationOfItsProceedingThenThePositiveParereOnTheIntegratedInstance() throws Exception {
        SampleInstances.Sample v2 = carrozzeria.integrated();
        gateway.serve("/ssu/et", carrozzeria).serve("/ssu/et", v2);
        EnteSsuSimulator et = arpa();
        ObjectNode body = etBody(carrozzeria, "arpa_lom");
        post(et.baseUrl() + "/send_instance", Json.write(body));
        await().atMost(Duration.ofSeconds(10)).until(() -> !gateway.posts("/ssu/et/request_integration").isEmpty());
        JsonNode request = gateway.posts("/ssu/et/request_integration").get(0).json();
        assertThat(SsuContracts.etRequestIntegrationErrors(request)).isEmpty();
        assertThat(request.get("instance_descriptor_version").asText()).isEqualTo("1");
        JsonNode item = request.get("integration_list").get(0);
        JsonNode entry = body.get("instance_index").get(0);
        assertThat(item.get("code").asText()).isEqualTo("EMISSIONI_VERNICIATURA_CARROZZERIA").isEqualTo(entry.get("code").asText());
        assertThat(item.get("ref").asText()).isEqualTo(entry.get("ref").asText());
        JsonNode asked = item.get("integration_request").get(0);
        assertThat(asked.get("request").asText()).contains("relazione tecnica");
        JsonNode admin = asked.get("requester_administration");
        assertThat(admin.get("ipacode").asText()).isEqualTo("arpa_lom");
        assertThat(admin.get("officecode").asText()).isEqualTo("DIPMI");
        assertThat(admin.get("version").asText()).isEqualTo("01.00.00");
        assertThat(admin.get("description").asText()).isEqualTo("ARPA Lombardia - Dipartimento di Milano e Monza Brianza");
        assertThat(SsuContracts.administrationErrors(admin)).isEmpty();
        JsonNode doc = request.get("integration_document_list").get(0);
        assertThat(doc.get("requester_administration")).isEqualTo(admin);
        HttpResponse<String> served = get(et.baseUrl() + "/instance/" + carrozzeria.cuiUuid() + "/document/" + doc.get("resource_id").asText(),
                "If-Match", doc.get("hash").asText());
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(Json.sha256(Base64.getDecoder().decode(served.body()))).isEqualTo(doc.get("hash").asText());
        assertThat(gateway.posts("/ssu/et/send_conclusions")).isEmpty();

        // the integrated instance (version 2): positivo
        ObjectNode integrated = etBody(v2, "arpa_lom");
        assertThat(integrated.get("instance_index").size()).isGreaterThan(body.get("instance_index").size());
        post(et.baseUrl() + "/send_instance", Json.write(integrated));
        await().atMost(Duration.ofSeconds(10)).until(() -> !gateway.posts("/ssu/et/send_conclusions").isEmpty());
        JsonNode positive = gateway.posts("/ssu/et/send_conclusions").get(0).json();
        assertThat(SsuContracts.sendConclusionsErrors(positive)).isEmpty();
        assertThat(positive.get("conclusions_type").asText()).isEqualTo("positive_outcome");
        assertThat(positive.get("instance_descriptor_version").asText()).isEqualTo("2");
        assertThat(positive.get("positive_outcome").asText()).contains("integrazione");
        assertThat(et.decisions(carrozzeria.cuiUuid())).containsExactly("v1:integrazione", "v2:positivo");
        assertThat(et.messages(carrozzeria.cuiUuid())).containsExactly("send_instance:v1", "send_instance:v2");
        assertThat(gateway.posts("/ssu/et/request_integration")).hasSize(1);
        assertThat(et.documentsVerified()).isEqualTo(count(body) + count(integrated));
    }

    @Test
    void withTheCatalogoTheEnteJudgesItsOwnProceedingsEvenWhenItMayReadTheWholeInstance() throws Exception {
        CatalogoSimulator catalogo = new CatalogoSimulator(0);
        catalogo.start();
        try {
            catalogo.register(carrozzeria);
            gateway.serve("/ssu/et", carrozzeria);
            EnteSsuSimulator et = arpa();
            et.setCatalogoBaseUrl(catalogo.baseUrl());
            // the whole instance_index: the SUAP's CARROZZERIA_APERTURA comes first, and also matches .*CARROZZERIA.*
            post(et.baseUrl() + "/send_instance", Json.write(carrozzeria.sendInstanceBody()));
            await().atMost(Duration.ofSeconds(10)).until(() -> !gateway.posts("/ssu/et/request_integration").isEmpty());
            JsonNode item = gateway.posts("/ssu/et/request_integration").get(0).json().at("/integration_list/0");
            assertThat(item.get("code").asText()).isEqualTo("EMISSIONI_VERNICIATURA_CARROZZERIA");
            assertThat(item.get("ref").asText()).startsWith("#/usecase_proceedings/2/");
            assertThat(catalogo.descriptorRequests(carrozzeria.cuiUuid())).isGreaterThanOrEqualTo(1);
        } finally {
            catalogo.stop();
        }
    }

    @Test
    void cdssIsRequestedOnceWithTheBareCuiThenTheEnteOnlyRecords() throws Exception {
        gateway.credentials("/ssu/et", "et-citta-metropolitana", "citta-metropolitana-secret").serve("/ssu/et", carburanti);
        EnteSsuSimulator et = ente(EnteSsuSimulator.CITTA_METROPOLITANA, EnteSsuSimulator.defaultRules(EnteSsuSimulator.CITTA_METROPOLITANA));
        post(et.baseUrl() + "/send_instance", Json.write(etBody(carburanti, "cmmi")));
        await().atMost(Duration.ofSeconds(10)).until(() -> !gateway.posts("/ssu/et/request_cdss").isEmpty());
        FakeSsuGateway.Received call = gateway.posts("/ssu/et/request_cdss").get(0);
        assertThat(call.authorization()).isEqualTo(SsuPeerSimulator.basic("et-citta-metropolitana", "citta-metropolitana-secret"));
        assertThat(call.json()).isEqualTo(carburanti.cui());
        assertThat(SsuContracts.requestCdssErrors(call.json())).isEmpty();
        assertThat(Json.errors(SsuContracts.component(SsuContracts.BO_TO_ET, "cui"), call.json())).as("the published body").isEmpty();

        ObjectNode convened = notify(carburanti, "cdss_convened").put("cdss_channel", "videoconferenza https://conferenze.comune.milano.it/x")
                .put("cdss_convocation", LocalDate.now().plusDays(10).toString()).put("mime_type", "application/pdf")
                .put("cdss_admin_act_filename", "convocazione-x.pdf");
        assertThat(post(et.baseUrl() + "/notify", Json.write(convened)).statusCode()).isEqualTo(200);
        ObjectNode end = notify(carburanti, "end_by_positive_outcome");
        assertThat(post(et.baseUrl() + "/notify", Json.write(end)).statusCode()).isEqualTo(200);
        // a later version is only recorded: the conferenza is already asked for
        post(et.baseUrl() + "/send_instance", Json.write(etBody(carburanti.corrected(), "cmmi")));
        await().atMost(Duration.ofSeconds(10)).until(() -> et.decisions(carburanti.cuiUuid()).size() == 2);
        assertThat(et.decisions(carburanti.cuiUuid())).containsExactly("v1:cdss", "v2:none");
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> gateway.posts("/ssu/et/request_cdss").size() == 1);
        assertThat(gateway.posts("/ssu/et/send_conclusions")).isEmpty();
        assertThat(et.messages(carburanti.cuiUuid())).containsExactly("send_instance:v1", "notify:cdss_convened",
                "notify:end_by_positive_outcome", "send_instance:v2");
    }

    @Test
    void cdssInTheMaintenanceShapeNamesTheRequester() throws Exception {
        gateway.serve("/ssu/et", mixed);
        EnteSsuSimulator et = ente(ARPA, List.of(new EnteSsuSimulator.Rule(".*", EnteSsuSimulator.CDSS)));
        et.setMaintenanceShape(true);
        post(et.baseUrl() + "/send_instance", Json.write(etBody(mixed, "arpa_lom")));
        await().atMost(Duration.ofSeconds(10)).until(() -> !gateway.posts("/ssu/et/request_cdss").isEmpty());
        JsonNode body = gateway.posts("/ssu/et/request_cdss").get(0).json();
        assertThat(body.get("cui")).isEqualTo(mixed.cui());
        assertThat(body.get("requester_administration")).isEqualTo(EnteSsuSimulator.defaultAdministration(ARPA));
        assertThat(SsuContracts.requestCdssErrors(body)).isEmpty();
        ObjectNode broken = body.deepCopy();
        ((ObjectNode) broken.get("requester_administration")).put("version", "uno");
        assertThat(SsuContracts.requestCdssErrors(broken)).contains("requester_administration");
    }

    @Test
    void silenzioNeverAnswers() throws Exception {
        gateway.serve("/ssu/et", mixed);
        EnteSsuSimulator et = ente(ARPA, List.of(new EnteSsuSimulator.Rule(".*", EnteSsuSimulator.SILENZIO)));
        ObjectNode body = etBody(mixed, "arpa_lom");
        post(et.baseUrl() + "/send_instance", Json.write(body));
        await().atMost(Duration.ofSeconds(10)).until(() -> et.decisions(mixed.cuiUuid()).size() == 1);
        assertThat(et.decisions(mixed.cuiUuid())).containsExactly("v1:silenzio");
        assertThat(et.documentsVerified()).isEqualTo(count(body));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> gateway.posts("/ssu/et/send_conclusions").isEmpty());
        assertThat(et.calls()).isEmpty();
    }

    @Test
    void theSlowEnteAnswersAfterItsReplyDelay() throws Exception {
        gateway.serve("/ssu/et", mixed);
        EnteSsuSimulator et = arpa();
        et.setReplyDelay(Duration.ofSeconds(2));
        post(et.baseUrl() + "/send_instance", Json.write(etBody(mixed, "arpa_lom")));
        await().atMost(Duration.ofSeconds(10)).until(() -> et.decisions(mixed.cuiUuid()).size() == 1);
        // decided, but not answered yet: the reply waits for the delay
        await().during(Duration.ofMillis(500)).atMost(Duration.ofMillis(1500)).until(() -> gateway.posts("/ssu/et/send_conclusions").isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.posts("/ssu/et/send_conclusions").size() == 1);
    }

    @Test
    void aDocumentNotMatchingItsHashIsReportedWithARetryAndNotAnswered() throws Exception {
        gateway.serve("/ssu/et", mixed);
        EnteSsuSimulator et = arpa();
        ObjectNode body = etBody(mixed, "arpa_lom");
        String rid = body.at("/instance_index/0/resource_id").asText();
        gateway.tamper("/ssu/et", mixed.cuiUuid(), rid);
        post(et.baseUrl() + "/send_instance", Json.write(body));
        await().atMost(Duration.ofSeconds(10)).until(() -> !gateway.posts("/ssu/et/retry").isEmpty());
        assertThat(et.documentMismatches()).isEqualTo(1);
        assertThat(et.documentsVerified()).isEqualTo(count(body) - 1);
        JsonNode retry = gateway.posts("/ssu/et/retry").get(0).json();
        assertThat(SsuContracts.boToEtRetryErrors(retry)).isEmpty();
        assertThat(retry.get("operation").asText()).isEqualTo("send_instance");
        assertThat(retry.get("cui")).isEqualTo(mixed.cui());
        assertThat(retry.at("/error/code").asText()).isEqualTo("ERROR_412_001");
        assertThat(retry.at("/error/message").asText()).contains(rid);
        assertThat(et.decisions(mixed.cuiUuid())).isEmpty();
        assertThat(gateway.posts("/ssu/et/send_conclusions")).isEmpty();

        // the gateway sends the instance again, now right: the ente answers
        gateway.untamper("/ssu/et", mixed.cuiUuid(), rid);
        post(et.baseUrl() + "/send_instance", Json.write(body));
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.posts("/ssu/et/send_conclusions").size() == 1);
        assertThat(et.decisions(mixed.cuiUuid())).containsExactly("v1:positivo");
        assertThat(et.messages(mixed.cuiUuid())).containsExactly("send_instance:v1", "send_instance:v1");
    }

    @Test
    void aDocumentTheGatewayRefusesIsAFailureAndIsReportedToo() throws Exception {
        gateway.serve("/ssu/et", mixed);
        // the ente's credentials are not the ones the gateway knows: 401 on every download
        EnteSsuSimulator et = ente(ARPA, List.of());
        gateway.credentials("/ssu/et", "et-arpa-lombardia", "another-secret");
        ObjectNode body = etBody(mixed, "arpa_lom");
        post(et.baseUrl() + "/send_instance", Json.write(body));
        await().atMost(Duration.ofSeconds(10)).until(() -> et.documentFailures() == count(body));
        assertThat(et.documentFetches(mixed.cuiUuid())).allSatisfy(f -> assertThat(f.httpStatus()).isEqualTo(401));
        // the retry is refused as well (401): recorded, not retried
        await().atMost(Duration.ofSeconds(10)).until(() -> et.calls().size() == 1);
        assertThat(et.calls().get(0).operation()).isEqualTo("retry");
        assertThat(et.calls().get(0).httpStatus()).isEqualTo(401);
        assertThat(et.calls().get(0).errorCode()).isEqualTo("ERROR_401_001");
    }

    @Test
    void callsAreRetriedWhileTheGatewayIsUnavailableAndARefusalIsRecorded() throws Exception {
        gateway.serve("/ssu/et", carburanti).credentials("/ssu/et", "et-citta-metropolitana", "citta-metropolitana-secret");
        gateway.respond("/ssu/et/request_cdss", new FakeSsuGateway.Answer(503, "{\"code\":\"ERROR_503_001\",\"message\":\"service unavailable\"}"),
                new FakeSsuGateway.Answer(500, "{\"code\":\"ERROR_500_007\",\"message\":\"response processing error\"}"),
                new FakeSsuGateway.Answer(500, "{\"code\":\"ERROR_500_009\",\"message\":\"request not expected at process current state\"}"));
        EnteSsuSimulator et = ente(EnteSsuSimulator.CITTA_METROPOLITANA, EnteSsuSimulator.defaultRules(EnteSsuSimulator.CITTA_METROPOLITANA));
        post(et.baseUrl() + "/send_instance", Json.write(etBody(carburanti, "cmmi")));
        await().atMost(Duration.ofSeconds(10)).until(() -> et.calls().size() == 3);
        await().during(Duration.ofMillis(1200)).atMost(Duration.ofSeconds(3)).until(() -> et.calls().size() == 3);
        assertThat(et.calls()).extracting(SsuPeerSimulator.Call::httpStatus).containsExactly(503, 500, 500);
        assertThat(et.calls()).extracting(SsuPeerSimulator.Call::attempt).containsExactly(1, 2, 3);
        SsuPeerSimulator.Call refused = et.calls().get(2);
        assertThat(refused.operation()).isEqualTo("request_cdss");
        assertThat(refused.ok()).isFalse();
        assertThat(refused.errorCode()).isEqualTo("ERROR_500_009");
        assertThat(Json.parse(refused.requestBody())).isEqualTo(carburanti.cui());
        assertThat(et.acceptedCalls(carburanti.cuiUuid(), "request_cdss")).isEmpty();
        assertThat(gateway.posts("/ssu/et/request_cdss")).hasSize(3);
    }

    @Test
    void aGatewayThatIsDownIsRetriedUntilItAnswers() throws Exception {
        gateway.serve("/ssu/et", mixed);
        EnteSsuSimulator et = arpa();
        gateway.respond("/ssu/et/send_conclusions", new FakeSsuGateway.Answer(502, null), new FakeSsuGateway.Answer(504, null));
        post(et.baseUrl() + "/send_instance", Json.write(etBody(mixed, "arpa_lom")));
        await().atMost(Duration.ofSeconds(10)).until(() -> et.acceptedCalls(mixed.cuiUuid(), "send_conclusions").size() == 1);
        assertThat(et.calls()).extracting(SsuPeerSimulator.Call::httpStatus).containsExactly(502, 504, 200);
    }

    @Test
    void theActOfATransferOutcomeIsFetchedAndVerified() throws Exception {
        EnteSsuSimulator et = arpa();
        byte[] act = "%PDF-1.4 provvedimento conclusivo favorevole".getBytes(StandardCharsets.US_ASCII);
        gateway.serve("/ssu/et", mixed.cuiUuid(), "atto-1", act);
        ObjectNode end = notify(mixed, "end_by_positive_outcome").put("resource_id", "atto-1").put("hash", Json.sha256(act)).put("alg_hash", "S256");
        assertThat(post(et.baseUrl() + "/notify", Json.write(end)).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> et.actFetch(mixed.cuiUuid()) != null);
        assertThat(et.actVerified(mixed.cuiUuid())).isTrue();
        SsuPeerSimulator.DocumentFetch f = et.actFetch(mixed.cuiUuid());
        assertThat(f.kind()).isEqualTo("act");
        assertThat(f.context()).isEqualTo("notify:end_by_positive_outcome");
        assertThat(gateway.documentGets("/ssu/et")).singleElement().satisfies(g -> {
            assertThat(g.ifMatch()).isEqualTo(Json.sha256(act));
            assertThat(g.authorization()).isEqualTo(ARPA_AUTH);
        });
        assertThat(et.messages(mixed.cuiUuid())).containsExactly("notify:end_by_positive_outcome");

        // an act announced with the wrong hash: not verified, the ente asks for the notify again
        ObjectNode wrong = notify(carrozzeria, "end_by_negative_outcome").put("resource_id", "atto-2").put("hash", Json.sha256(new byte[]{1}))
                .put("alg_hash", "S256");
        gateway.serve("/ssu/et", carrozzeria.cuiUuid(), "atto-2", act);
        post(et.baseUrl() + "/notify", Json.write(wrong));
        await().atMost(Duration.ofSeconds(10)).until(() -> !gateway.posts("/ssu/et/retry").isEmpty());
        assertThat(et.actVerified(carrozzeria.cuiUuid())).isFalse();
        assertThat(et.actFetch(carrozzeria.cuiUuid()).httpStatus()).isEqualTo(412);
        JsonNode retry = gateway.posts("/ssu/et/retry").get(0).json();
        assertThat(retry.get("operation").asText()).isEqualTo("notify");
        assertThat(retry.at("/error/code").asText()).isEqualTo("ERROR_412_001");
        assertThat(SsuContracts.boToEtRetryErrors(retry)).isEmpty();
    }

    @Test
    void aRetryFromTheGatewayMakesTheEnteSendItsLastCallAgainWhenAsked() throws Exception {
        gateway.serve("/ssu/et", mixed);
        EnteSsuSimulator et = arpa();
        post(et.baseUrl() + "/send_instance", Json.write(etBody(mixed, "arpa_lom")));
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.posts("/ssu/et/send_conclusions").size() == 1);
        ObjectNode retry = Json.object();
        retry.set("cui", mixed.cui().deepCopy());
        retry.put("operation", "send_conclusions");
        assertThat(post(et.baseUrl() + "/retry", Json.write(retry)).statusCode()).isEqualTo(200);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> gateway.posts("/ssu/et/send_conclusions").size() == 1);
        et.setResendOnRetry(true);
        assertThat(post(et.baseUrl() + "/retry", Json.write(retry)).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.posts("/ssu/et/send_conclusions").size() == 2);
        assertThat(gateway.posts("/ssu/et/send_conclusions").get(1).json()).isEqualTo(gateway.posts("/ssu/et/send_conclusions").get(0).json());
        assertThat(et.messages(mixed.cuiUuid())).containsExactly("send_instance:v1", "retry:send_conclusions", "retry:send_conclusions");
    }

    // ------------------------------------------------------------------ its own documents

    @Test
    void itsDocumentsFollowTheSsuGetSemantics() throws Exception {
        gateway.serve("/ssu/et", mixed);
        EnteSsuSimulator et = arpa();
        post(et.baseUrl() + "/send_instance", Json.write(etBody(mixed, "arpa_lom")));
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.posts("/ssu/et/send_conclusions").size() == 1);
        JsonNode c = gateway.posts("/ssu/et/send_conclusions").get(0).json();
        String url = et.baseUrl() + "/instance/" + mixed.cuiUuid() + "/document/" + c.get("resource_id").asText();
        String hash = c.get("hash").asText();
        byte[] pdf = et.documents(mixed.cuiUuid()).get(c.get("resource_id").asText());
        int len = pdf.length;

        HttpResponse<String> noIfMatch = get(url);
        assertThat(noIfMatch.statusCode()).isEqualTo(428);
        assertThat(Json.parse(noIfMatch.body()).get("code").asText()).isEqualTo("ERROR_428_001");
        HttpResponse<String> wrong = get(url, "If-Match", Json.sha256(new byte[]{1}));
        assertThat(wrong.statusCode()).isEqualTo(412);
        assertThat(Json.parse(wrong.body()).get("code").asText()).isEqualTo("ERROR_412_001");
        HttpResponse<String> unknown = get(et.baseUrl() + "/instance/" + mixed.cuiUuid() + "/document/nessuno", "If-Match", hash);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(Json.parse(unknown.body()).get("code").asText()).isEqualTo("ERROR_404_001");
        // the hash as a quoted ETag, or base64
        assertThat(get(url, "If-Match", "\"" + hash + "\"").statusCode()).isEqualTo(200);
        String b64 = Base64.getEncoder().encodeToString(java.util.HexFormat.of().parseHex(hash));
        assertThat(get(url, "If-Match", b64).statusCode()).isEqualTo(200);

        HttpResponse<String> part = get(url, "If-Match", hash, "Range", "bytes=0-9");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.headers().firstValue("Content-Range")).contains("bytes 0-9/" + len);
        assertThat(Base64.getDecoder().decode(part.body())).isEqualTo(java.util.Arrays.copyOfRange(pdf, 0, 10));
        HttpResponse<String> suffix = get(url, "If-Match", hash, "Range", "bytes=-6");
        assertThat(suffix.statusCode()).isEqualTo(206);
        assertThat(new String(Base64.getDecoder().decode(suffix.body()), StandardCharsets.ISO_8859_1)).isEqualTo("%%EOF\n");
        HttpResponse<String> beyond = get(url, "If-Match", hash, "Range", "bytes=" + len + "-");
        assertThat(beyond.statusCode()).isEqualTo(416);
        assertThat(beyond.headers().firstValue("Content-Range")).contains("bytes */" + len);
        assertThat(Json.parse(beyond.body()).get("code").asText()).isEqualTo("ERROR_416_001");
        assertThat(get(url, "If-Match", hash, "Range", "bytes=0-1,4-5").statusCode()).as("multi-part").isEqualTo(416);
        assertThat(et.documentRequests(mixed.cuiUuid())).isEqualTo(9);

        et.setAvailable(false);
        assertThat(get(url, "If-Match", hash).statusCode()).isEqualTo(503);
    }

    // ------------------------------------------------------------------ conformance helpers and defaults

    @Test
    void theConformanceHelpersCallTheGatewayWithOrWithoutCredentials() throws Exception {
        EnteSsuSimulator et = arpa();
        gateway.serve("/ssu/et", mixed);
        String rid = mixed.instanceIndex().get(0).get("resource_id").asText();
        assertThat(et.gatewayApiUrl()).isEqualTo(gateway.url() + "/ssu/et");
        assertThat(et.post("/request_cdss", Json.write(mixed.cui())).statusCode()).isEqualTo(200);
        assertThat(gateway.posts("/ssu/et/request_cdss").get(0).authorization()).isEqualTo(ARPA_AUTH);
        assertThat(et.withoutCredentials().post("/request_cdss", mixed.cui()).statusCode()).isEqualTo(401);
        assertThat(gateway.posts("/ssu/et/request_cdss").get(1).authorization()).isNull();
        assertThat(et.withCredentials("et-citta-metropolitana", "citta-metropolitana-secret").post("/request_cdss", mixed.cui()).statusCode())
                .isEqualTo(401);
        assertThat(gateway.posts("/ssu/et/request_cdss").get(2).authorization())
                .isEqualTo(SsuPeerSimulator.basic("et-citta-metropolitana", "citta-metropolitana-secret"));
        HttpResponse<String> doc = et.getDocument(mixed.cuiUuid(), rid, "If-Match", mixed.hash(rid), "Range", "bytes=0-3");
        assertThat(doc.statusCode()).isEqualTo(200);
        assertThat(Base64.getDecoder().decode(doc.body())).isEqualTo(mixed.documents().get(rid));
        assertThat(et.getDocument(mixed.cuiUuid(), rid).statusCode()).isEqualTo(428);
        assertThat(et.withoutCredentials().getDocument(mixed.cuiUuid(), rid, "If-Match", mixed.hash(rid)).statusCode()).isEqualTo(401);
        // not recorded as the ente's own calls
        assertThat(et.calls()).isEmpty();
    }

    @Test
    void defaultsAndRules() {
        assertThat(EnteSsuSimulator.defaultClientId(ARPA)).isEqualTo("et-arpa-lombardia");
        assertThat(EnteSsuSimulator.defaultClientId("citta-metropolitana")).isEqualTo("et-citta-metropolitana");
        assertThat(EnteSsuSimulator.defaultPassword("citta-metropolitana")).isEqualTo("citta-metropolitana-secret");
        System.setProperty("SUAPGW_ET_ARPA_LOMBARDIA_PASSWORD", "from-the-environment");
        try {
            assertThat(EnteSsuSimulator.defaultPassword(ARPA)).isEqualTo("from-the-environment");
        } finally {
            System.clearProperty("SUAPGW_ET_ARPA_LOMBARDIA_PASSWORD");
        }
        assertThat(EnteSsuSimulator.defaultPassword(ARPA)).isEqualTo("arpa-lombardia-secret");
        assertThat(EnteSsuSimulator.defaultPort(ARPA)).isEqualTo(8191);
        assertThat(EnteSsuSimulator.defaultPort("citta-metropolitana")).isEqualTo(8192);
        for (String code : List.of(ARPA, "citta-metropolitana", "other")) {
            assertThat(SsuContracts.administrationErrors(EnteSsuSimulator.defaultAdministration(code))).isEmpty();
        }
        assertThat(EnteSsuSimulator.defaultAdministration("citta-metropolitana").get("ipacode").asText()).isEqualTo("cmmi");
        assertThat(EnteSsuSimulator.defaultRules(ARPA)).containsExactly(new EnteSsuSimulator.Rule(".*CARROZZERIA.*", "integrazione"));
        assertThat(EnteSsuSimulator.defaultRules("citta-metropolitana"))
                .containsExactly(new EnteSsuSimulator.Rule(".*DISTRIBUTORE_CARBURANTI.*", "cdss"));
        assertThat(EnteSsuSimulator.defaultRules("other")).isEmpty();
        assertThat(new EnteSsuSimulator.Rule(".*CARROZZERIA.*", "integrazione").matches("EMISSIONI_VERNICIATURA_CARROZZERIA")).isTrue();
        assertThat(new EnteSsuSimulator.Rule("CARROZZERIA", "integrazione").matches("CARROZZERIA_APERTURA")).as("full match").isFalse();
        assertThatThrownBy(() -> new EnteSsuSimulator.Rule(".*", "negativo")).hasMessageContaining("action must be one of");
        // ats-milano (Artemis) asks for integrations on the carrozzeria too
        assertThat(EnteSimulator.defaultRules("ats-milano")).anySatisfy(r -> {
            assertThat(r.esito()).isEqualTo("integrazione");
            assertThat(r.matches("CARROZZERIA_APERTURA")).isTrue();
        });
        EnteSsuSimulator et = new EnteSsuSimulator("nuovo-ente", 0, "http://127.0.0.1:1/");
        assertThat(et.clientId()).isEqualTo("et-nuovo-ente");
        assertThat(et.gatewayApiUrl()).isEqualTo("http://127.0.0.1:1/ssu/et");
        et.setAdministration("ipa_x", "UFF", "Ente nuovo");
        assertThat(et.administration().get("officecode").asText()).isEqualTo("UFF");
        assertThat(et.administration().get("version").asText()).isEqualTo("01.00.00");
    }
}
