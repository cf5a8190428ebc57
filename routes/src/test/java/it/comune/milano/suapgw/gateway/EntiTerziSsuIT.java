package it.comune.milano.suapgw.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.simulators.enti.EnteSimulator;
import it.comune.milano.suapgw.simulators.enti.EnteSsuSimulator;
import it.comune.milano.suapgw.simulators.ssu.SampleInstances;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Enti terzi with their own systems and the Registro Imprese, through the SSU e-services, over real sockets: one pratica
 * consulting an ente on each channel (Artemis, PEC, SSU), an SSU ente's integration request merged with an Artemis
 * ente's, a conferenza dei servizi asked in time and one asked late, the documents an ente may read, the Registro
 * Imprese flow. Then the back-office test cases of bo_to_et and bo_to_ri (§8.6.2, Tabella 53) that need no fault
 * injected (those are in {@code EntiTerziEserviceRouteTest}); the 401 cases come with ModI/PDND security.
 */
class EntiTerziSsuIT extends AbstractGatewayIT {

    @Test
    void aPraticaConsultsAnEnteOnEachChannelAndEachParereCountsTheSame() throws Exception {
        enti();
        SampleInstances.Sample s = start(x -> scenario(x, "mixed-channels"));
        awaitFinal(s);
        JsonNode d = detail(s.cuiUuid());
        assertThat(d.path("state").asText()).isEqualTo("ended_by_positive_outcome");
        assertThat(d.path("pareri").findValuesAsText("channel")).contains("artemis", "pec", "ssu");
        d.path("pareri").forEach(p -> assertThat(p.path("status").asText()).as(p.path("ente_code").asText()).isEqualTo("ANSWERED"));
        // ARPA was sent the instance, fetched its documents, concluded; it hears the end with the act and reads it
        await().atMost(Duration.ofSeconds(20)).until(() -> ARPA.actVerified(s.cuiUuid()));
        assertThat(ARPA.messages(s.cuiUuid())).containsExactly("send_instance:v1", "notify:end_by_positive_outcome");
        await().atMost(Duration.ofSeconds(10)).until(() -> CATALOGO.auditMessages(s.cuiUuid()).contains("instance_to_1001_sended"));
        // its conclusions' document was fetched from its system, verified and attached to its parere
        JsonNode arpa = parere(d, "arpa-lombardia");
        await().atMost(Duration.ofSeconds(10)).until(() -> parere(detail(s.cuiUuid()), "arpa-lombardia").path("allegati").asText().contains("sha256"));
        assertThat(arpa.path("esito").asText()).isEqualTo("POSITIVO");
    }

    @Test
    void anSsuEntesIntegrationRequestIsMergedWithAnArtemisEntesIntoOneRequestToTheFrontOffice() throws Exception {
        enti();
        SampleInstances.Sample s = start(x -> scenario(x, "integration-ssu"));
        awaitFinal(s);
        assertThat(FO.integrations(s.cuiUuid())).hasSize(1);
        JsonNode request = FO.integrations(s.cuiUuid()).get(0);
        assertThat(request.findValuesAsText("ipacode")).contains("atsmcm", "arpa_lom");
        JsonNode documents = request.path("integration_document_list");
        assertThat(documents).hasSize(1);
        assertThat(documents.get(0).path("requester_administration").path("ipacode").asText()).isEqualTo("arpa_lom");
        // the front-office fetches the ente's document of request from us, against its hash
        String rid = documents.get(0).path("resource_id").asText();
        HttpResponse<String> doc = FO.client().getDocument(s.cuiUuid(), rid, "If-Match", documents.get(0).path("hash").asText());
        assertThat(doc.statusCode()).isEqualTo(200);
        byte[] served = Base64.getDecoder().decode(doc.body());
        // ARPA keeps its integration request and, once the pratica goes on, its parere: the one served is one of them
        assertThat(ARPA.documents(s.cuiUuid()).values()).anySatisfy(d -> assertThat(served).isEqualTo(d));
        // both are consulted again on the integrated instance, and the pratica ends positive
        assertThat(ARPA.messages(s.cuiUuid())).containsSubsequence("send_instance:v1", "send_instance:v2");
        assertThat(detail(s.cuiUuid()).path("state").asText()).isEqualTo("ended_by_positive_outcome");
        await().atMost(Duration.ofSeconds(10)).until(() -> CATALOGO.auditMessages(s.cuiUuid()).contains("instance_integrated_to_1001_sended"));
    }

    /** DomandaAutorizzazione-001, CdSS asked by an ente terzo: convened, announced to everyone, its determination validated. */
    @Test
    void BO_TC_097_aConferenzaAskedInTimeIsConvenedAndAnnouncedToEveryone() throws Exception {
        enti();
        SampleInstances.Sample s = start(x -> scenario(x, "cdss"));
        awaitFinal(s);
        String id = pratica(s.cuiUuid()).path("id").asText();
        assertThat(CITTA_METROPOLITANA.acceptedCalls(s.cuiUuid(), "request_cdss")).hasSize(1);
        assertThat(GEOWORK.conferenzaFasi(id)).containsExactly("CONVOCAZIONE", "DETERMINAZIONE:POSITIVO");
        // the front-office, the enti terzi, the enti on the broker, the Catalogo
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(FO.messages(s.cuiUuid()))
                .containsExactly("notify:cdss_convened", "notify:end_by_positive_outcome"));
        JsonNode convened = FO.notifications(s.cuiUuid()).get(0);
        assertThat(convened.path("cdss_channel").asText()).startsWith("videoconferenza");
        assertThat(convened.path("cdss_convocation").asText()).isEqualTo(LocalDate.now().plusDays(10).toString());
        assertThat(CITTA_METROPOLITANA.messages(s.cuiUuid())).contains("notify:cdss_convened");
        EnteSimulator polizia = ENTI.stream().filter(e -> e.enteCode().equals("polizia-locale")).findFirst().orElseThrow();
        await().atMost(Duration.ofSeconds(15)).until(() -> polizia.notifiche(id).stream()
                .anyMatch(n -> n.path("evento").asText().equals("cdss_convened")));
        await().atMost(Duration.ofSeconds(15)).until(() -> CATALOGO.auditMessages(s.cuiUuid()).contains("cdss_convened"));
        await().atMost(Duration.ofSeconds(15)).until(() -> CATALOGO.timesUpdates(s.cuiUuid()).stream()
                .anyMatch(t -> t.toString().contains("date_cdss")));
        assertThat(detail(s.cuiUuid()).path("state").asText()).isEqualTo("ended_by_positive_outcome");
    }

    @Test
    void BO_TC_105_aConferenzaAskedPastItsTermIsError500009() throws Exception {
        enti();
        ARPA.setReplyDelay(Duration.ofSeconds(20)); // the istruttoria stays open meanwhile
        try {
            SampleInstances.Sample s = withTimes(newSample(x -> scenario(x, "mixed-channels")), "max_gg_cdss_req", 1);
            CATALOGO.register(s);
            assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> !ARPA.sendInstances(s.cuiUuid()).isEmpty());
            String id = pratica(s.cuiUuid()).path("id").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(get("/api/pratiche/" + id + "/termini").body())
                    .path("terms").toString().contains("\"kind\":\"CDSS\",\"field\":\"max_gg_cdss_req\"")
                    && termState(id, "CDSS").equals("SCADUTO"));
            HttpResponse<String> late = ARPA.client().post("/request_cdss", s.cui());
            assertRefused(late, 500, "ERROR_500_009", "operation not expected at process current state");
            assertThat(JSON.readTree(late.body()).path("detail").asText()).contains("max_gg_cdss_req");
            assertThat(detail(s.cuiUuid()).path("state").asText()).isEqualTo("in_istruttoria");
        } finally {
            ARPA.setReplyDelay(Duration.ZERO);
        }
    }

    @Test
    void BO_TC_032_094_anEnteCannotReadTheDocumentsOfAPraticaItWasNotSentNorOnesItWasNotSent() throws Exception {
        enti();
        SampleInstances.Sample arpas = start(x -> scenario(x, "mixed-channels"));
        SampleInstances.Sample others = start(x -> scenario(x, "cdss")); // Città metropolitana's, not ARPA's
        await().atMost(Duration.ofSeconds(30)).until(() -> !ARPA.sendInstances(arpas.cuiUuid()).isEmpty()
                && !CITTA_METROPOLITANA.sendInstances(others.cuiUuid()).isEmpty());
        String foreign = others.documents().keySet().iterator().next();
        assertRefused(ARPA.client().getDocument(others.cuiUuid(), foreign, "If-Match", others.hash(foreign)), 500, "ERROR_500_002", "invalid cui");
        assertRefused(ARPA.client().getDocument(UUID.randomUUID().toString(), foreign, "If-Match", "ab"), 500, "ERROR_500_002", "invalid cui");
        // of its own pratica, a document of a proceeding it is not competent for was not sent to it
        JsonNode sent = ARPA.sendInstances(arpas.cuiUuid()).get(0);
        List<String> readable = sent.findValuesAsText("resource_id");
        String notSent = arpas.documents().keySet().stream().filter(r -> !readable.contains(r)).findFirst().orElseThrow();
        assertRefused(ARPA.client().getDocument(arpas.cuiUuid(), notSent, "If-Match", arpas.hash(notSent)), 404, "ERROR_404_001",
                "resource not found");
        // the Registro Imprese was sent neither
        assertRefused(REGISTRO_IMPRESE.client().getDocument(arpas.cuiUuid(), readable.get(0), "If-Match", "ab"), 500, "ERROR_500_002",
                "invalid cui");
        // and nobody without credentials
        assertThat(ARPA.withoutCredentials().getDocument(arpas.cuiUuid(), readable.get(0), "If-Match", "ab").statusCode()).isEqualTo(401);
    }

    @Test
    void BO_TC_021_022_023_028_029_030_031_083_084_085_090_091_092_093_theDocumentsAnEnteWasSent() throws Exception {
        enti();
        SampleInstances.Sample s = start(x -> scenario(x, "mixed-channels"));
        await().atMost(Duration.ofSeconds(30)).until(() -> !ARPA.sendInstances(s.cuiUuid()).isEmpty());
        String rid = ARPA.sendInstances(s.cuiUuid()).get(0).path("instance_index").get(0).path("resource_id").asText();
        byte[] content = s.documents().get(rid);
        // 021/083: whole; 022/084: one range
        HttpResponse<String> whole = ARPA.client().getDocument(s.cuiUuid(), rid, "If-Match", s.hash(rid));
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(Base64.getDecoder().decode(whole.body())).isEqualTo(content);
        HttpResponse<String> part = ARPA.client().getDocument(s.cuiUuid(), rid, "If-Match", s.hash(rid), "Range", "bytes=0-3");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 0-3/" + content.length);
        // 023/085: not conforming; 028/090: unknown; 029/091: wrong hash; 030/092: range out; 031/093: no hash
        assertRefused(ARPA.client().getDocument(s.cuiUuid(), "bad*id", "If-Match", s.hash(rid)), 400, "ERROR_400_001", "incorrect request input");
        assertRefused(ARPA.client().getDocument(s.cuiUuid(), "no-such-resource", "If-Match", s.hash(rid)), 404, "ERROR_404_001", "resource not found");
        assertRefused(ARPA.client().getDocument(s.cuiUuid(), rid, "If-Match", "00".repeat(32)), 412, "ERROR_412_001", "invalid hash");
        assertRefused(ARPA.client().getDocument(s.cuiUuid(), rid, "If-Match", s.hash(rid), "Range", "bytes=" + content.length + "-"),
                416, "ERROR_416_001", "invalid range requested");
        assertRefused(ARPA.client().getDocument(s.cuiUuid(), rid), 428, "ERROR_428_001", "hash not found");
    }

    @Test
    void BO_TC_035_107_073_145_anEntesIntegrationRequestAndConclusionsAreTaken() throws Exception {
        enti();
        SampleInstances.Sample s = start(x -> scenario(x, "integration-ssu"));
        awaitFinal(s);
        assertThat(ARPA.acceptedCalls(s.cuiUuid(), "request_integration")).hasSize(1);
        assertThat(ARPA.acceptedCalls(s.cuiUuid(), "send_conclusions")).hasSize(1);
        assertThat(ARPA.decisions(s.cuiUuid())).containsExactly("v1:integrazione", "v2:positivo");
    }

    @Test
    void BO_TC_036_108_098_175_bodiesNotConformingAreError400001() throws Exception {
        SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
        ObjectNode noList = JSON.createObjectNode();
        noList.set("cui", s.cui());
        noList.put("instance_descriptor_version", "1");
        assertRefused(ARPA.client().post("/request_integration", noList), 400, "ERROR_400_001", "incorrect request input");
        assertRefused(ARPA.client().post("/request_cdss", JSON.createObjectNode().put("cui", 42)), 400, "ERROR_400_001",
                "incorrect request input");
        ObjectNode badRetry = JSON.createObjectNode();
        badRetry.set("cui", s.cui());
        badRetry.put("operation", "request_cdss");
        assertRefused(ARPA.client().post("/retry", badRetry), 400, "ERROR_400_001", "incorrect request input");
        assertRefused(REGISTRO_IMPRESE.client().post("/retry", badRetry), 400, "ERROR_400_001", "incorrect request input");
    }

    @Test
    void BO_TC_041_042_113_114_079_151_103_180_190_anInstanceTheCallerWasNotSentIsError500002() throws Exception {
        JsonNode unknown = cui(UUID.randomUUID().toString());
        assertRefused(ARPA.client().post("/request_integration", integration(unknown, "planimetria")), 500, "ERROR_500_002", "invalid cui");
        assertRefused(ARPA.client().post("/send_conclusions", conclusions(unknown)), 500, "ERROR_500_002", "invalid cui");
        assertRefused(ARPA.client().post("/request_cdss", unknown), 500, "ERROR_500_002", "invalid cui");
        assertRefused(ARPA.client().post("/retry", retry(unknown, "notify")), 500, "ERROR_500_002", "invalid cui");
        assertRefused(REGISTRO_IMPRESE.client().post("/retry", retry(unknown, "notify")), 500, "ERROR_500_002", "invalid cui");
        assertRefused(ARPA.client().post("/send_conclusions", conclusions(cui("not-a-uuid"))), 500, "ERROR_500_002", "invalid cui");
    }

    @Test
    void BO_TC_043_044_115_116_182_anIntegrationRequestAskingForNothingOrARetryOfWhatWasNotSentIsRefused() throws Exception {
        enti();
        ARPA.setReplyDelay(Duration.ofSeconds(20));
        try {
            SampleInstances.Sample s = start(x -> scenario(x, "mixed-channels"));
            await().atMost(Duration.ofSeconds(30)).until(() -> !ARPA.sendInstances(s.cuiUuid()).isEmpty());
            assertRefused(ARPA.client().post("/request_integration", integration(s.cui(), "")), 500, "ERROR_500_005",
                    "invalid correction/integration list");
            // 182: ARPA has not answered yet, so it was sent no notify to ask again
            assertRefused(ARPA.client().post("/retry", retry(s.cui(), "notify")), 500, "ERROR_500_009",
                    "operation not expected at process current state");
        } finally {
            ARPA.setReplyDelay(Duration.ZERO);
        }
    }

    @Test
    void BO_TC_047_119_081_153_105_anOperationOutOfStepIsError500009() throws Exception {
        enti();
        SampleInstances.Sample s = start(x -> scenario(x, "mixed-channels"));
        awaitFinal(s);
        // 081/153: conclusions again, different, once its parere is recorded and the pratica ended
        assertRefused(ARPA.client().post("/send_conclusions", conclusions(s.cui())), 500, "ERROR_500_009",
                "operation not expected at process current state");
        // 047/119: integrations asked after the istruttoria
        assertRefused(ARPA.client().post("/request_integration", integration(s.cui(), "foto")), 500, "ERROR_500_009",
                "operation not expected at process current state");
        // 105: a conferenza asked once the pratica has ended
        assertRefused(ARPA.client().post("/request_cdss", s.cui()), 500, "ERROR_500_009", "operation not expected at process current state");
    }

    @Test
    void BO_TC_174_184_aRetryOfANotifyHasItSentAgainToTheEnteAndToTheRegistroImprese() throws Exception {
        enti();
        SampleInstances.Sample s = start(x -> scenario(x, "registro-imprese"));
        awaitFinal(s);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(REGISTRO_IMPRESE.messages(s.cuiUuid()))
                .containsExactly("send_instance:v1", "notify:end_by_proceeding_time_expired"));
        assertThat(REGISTRO_IMPRESE.documentsVerified()).isPositive();
        assertThat(REGISTRO_IMPRESE.client().post("/retry", retry(s.cui(), "notify")).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> REGISTRO_IMPRESE.notifications(s.cuiUuid()).size() == 2);
        // the ente's retry, and the Registro Imprese cannot touch an instance it was not sent
        SampleInstances.Sample m = start(x -> scenario(x, "mixed-channels"));
        awaitFinal(m);
        await().atMost(Duration.ofSeconds(20)).until(() -> ARPA.notifications(m.cuiUuid()).size() == 1);
        assertThat(ARPA.client().post("/retry", retry(m.cui(), "notify")).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> ARPA.notifications(m.cuiUuid()).size() == 2);
        assertRefused(REGISTRO_IMPRESE.client().post("/retry", retry(m.cui(), "notify")), 500, "ERROR_500_002", "invalid cui");
    }

    @Test
    void BO_TC_192_aRetryOfAnOperationTheRegistroImpreseWasNeverSentIsError500009() throws Exception {
        enti();
        SampleInstances.Sample s = start(x -> scenario(x, "registro-imprese"));
        await().atMost(Duration.ofSeconds(30)).until(() -> !REGISTRO_IMPRESE.sendInstances(s.cuiUuid()).isEmpty());
        // the SCIA ends by its proceeding time (60 legal days, ~20 s here): nothing was notified to the Registro yet
        assertRefused(REGISTRO_IMPRESE.client().post("/retry", retry(s.cui(), "notify")), 500, "ERROR_500_009",
                "operation not expected at process current state");
    }

    // ---

    private SampleInstances.Sample start(java.util.function.Predicate<SampleInstances.Sample> which) throws Exception {
        SampleInstances.Sample s = newSample(which);
        assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
        assertThat(FO.notifyReceipt(s, LocalDate.now()).statusCode()).isEqualTo(200);
        return s;
    }

    /** The sample with one of its descriptor's times changed. */
    private static SampleInstances.Sample withTimes(SampleInstances.Sample s, String field, int days) {
        ObjectNode descriptor = s.descriptor().deepCopy();
        ((ObjectNode) descriptor.path("times")).put(field, days);
        return new SampleInstances.Sample(s.index(), s.cuiUuid(), s.cui(), descriptor, s.sendInstanceBody(), s.documents(),
                s.procedureCode(), s.regime(), s.expectedOutcome(), s.scenario(), s.expectedFoMessages(), s.version(),
                s.expectedEtMessages(), s.expectedRiMessages());
    }

    private String termState(String id, String kind) throws Exception {
        for (JsonNode t : JSON.readTree(get("/api/pratiche/" + id + "/termini").body()).path("terms")) {
            if (t.path("kind").asText().equals(kind)) return t.path("state").asText();
        }
        return "";
    }

    private static JsonNode parere(JsonNode detail, String ente) {
        for (JsonNode p : detail.path("pareri")) if (p.path("ente_code").asText().equals(ente)) return p;
        throw new AssertionError("no parere of " + ente);
    }

    private static ObjectNode conclusions(JsonNode cui) {
        ObjectNode n = JSON.createObjectNode();
        n.put("conclusions_type", "suspension_requested");
        n.set("cui", cui);
        n.put("instance_descriptor_version", "1");
        n.put("negative_outcome_motivation", "ripensamento");
        return n;
    }

    private static ObjectNode integration(JsonNode cui, String request) {
        ObjectNode n = JSON.createObjectNode();
        n.set("cui", cui);
        n.put("instance_descriptor_version", "1");
        ObjectNode item = n.putArray("integration_list").addObject().put("code", "EMISSIONI_IN_ATMOSFERA").put("ref", "modulo");
        if (!request.isEmpty()) item.putArray("integration_request").addObject().put("request", request);
        else item.putArray("integration_request");
        return n;
    }

}
