package it.comune.milano.suapgw.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.simulators.ssu.CatalogoSimulator;
import it.comune.milano.suapgw.simulators.enti.EnteSimulator;
import it.comune.milano.suapgw.simulators.enti.EnteSsuSimulator;
import it.comune.milano.suapgw.simulators.ssu.FrontOfficeSimulator;
import it.comune.milano.suapgw.simulators.geowork.GeoworkSimulator;
import it.comune.milano.suapgw.simulators.ssu.SampleInstances;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The whole gateway over real sockets: embedded PostgreSQL and Artemis (enti over TCP, one of them AMQP 1.0),
 * Catalogo, front-office and Geowork simulators over HTTP/SOAP.
 */
/** The SSU path end to end: front-office → gateway → Catalogo, Geowork, enti → front-office. */
class GatewayEndToEndIT extends AbstractGatewayIT {

    /**
     * One pratica of each scenario of the sample procedures (standard SCIA and autorizzazione outcomes, correction,
     * refusal, integration, integration not delivered, withdrawal, silence-assent), concurrently: each reaches its end,
     * the front-office receives exactly the expected sequence of messages and the Catalogo the audit of the end.
     */
    @Test
    void batchOfPraticheReachesFinalStatesWithTheRightOutcomes() throws Exception {
        enti();
        List<SampleInstances.Sample> batch = new ArrayList<>();
        for (int i = 0; i < SAMPLES.templates(); i++) {
            SampleInstances.Sample s = newSample();
            batch.add(s);
            assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
            assertThat(FO.notifyReceipt(s, LocalDate.now()).statusCode()).isEqualTo(200);
        }
        assertThat(batch.stream().map(SampleInstances.Sample::scenario).distinct()).contains("standard", "correction",
                "refused", "integration", "integration-expired", "cancel", "silence", "mixed-channels", "integration-ssu", "cdss",
                "registro-imprese");
        for (SampleInstances.Sample s : batch) {
            awaitFinal(s);
            JsonNode d = detail(s.cuiUuid());
            assertThat(d.path("state").asText()).as(s.procedureCode() + " " + s.scenario()).isEqualTo(s.expectedState());
            assertThat(d.path("documentsStatus").asText()).isEqualTo("VERIFIED");
            d.path("documents").forEach(doc -> assertThat(doc.path("status").asText()).isEqualTo("VERIFIED"));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(FO.messages(s.cuiUuid()))
                    .as(s.procedureCode() + " " + s.scenario()).isEqualTo(s.expectedFoMessages()));
            // the enti terzi on the SSU and the Registro Imprese heard exactly what they must
            for (var et : s.expectedEtMessages().entrySet()) {
                EnteSsuSimulator sim = et.getKey().equals("arpa-lombardia") ? ARPA : CITTA_METROPOLITANA;
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(sim.messages(s.cuiUuid()))
                        .as(et.getKey() + " " + s.procedureCode()).isEqualTo(et.getValue()));
            }
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(REGISTRO_IMPRESE.messages(s.cuiUuid()))
                    .as("registro imprese " + s.procedureCode()).isEqualTo(s.expectedRiMessages()));
            // the Catalogo's audit vocabulary names the end of an integration not delivered its own way
            String event = s.expectedOutcome().equals("end_by_integration_times_expired")
                    ? "end_by_integration_request_time_expired" : s.expectedOutcome();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(CATALOGO.auditMessages(s.cuiUuid()))
                    .as(s.procedureCode() + " " + s.scenario()).contains(event));
            assertThat(CATALOGO.audits(s.cuiUuid())).anyMatch(a -> a.path("message").asText().equals("instance_retrived"));
            assertThat(GEOWORK.isRegistered(d.path("id").asText())).isTrue();
            JsonNode timeline = JSON.readTree(get("/api/pratiche/" + d.path("id").asText() + "/timeline").body());
            assertThat(timeline.findValuesAsText("operation")).contains("send_instance", "registraPratica");
            if (List.of("standard", "integration").contains(s.scenario()) && !"SCIA".equals(s.regime())
                    || "ACCONCIATORE_APERTURA".equals(s.procedureCode())) {
                assertThat(timeline.findValuesAsText("operation")).contains("richiesta_parere", "risposta_parere",
                        "notificaValidazioneEsito");
                d.path("pareri").forEach(p -> assertThat(p.path("status").asText()).isEqualTo("ANSWERED"));
            }
        }
        // documents are stored once, content-addressed, and served to the enti
        assertThat(ENTI.stream().mapToInt(EnteSimulator::documentMismatches).sum()).isZero();
        assertThat(FO.invalidCalls()).isZero();
        assertThat(ARPA.invalidCalls() + CITTA_METROPOLITANA.invalidCalls() + REGISTRO_IMPRESE.invalidCalls()).isZero();
        assertThat(ARPA.documentMismatches() + CITTA_METROPOLITANA.documentMismatches() + REGISTRO_IMPRESE.documentMismatches()).isZero();
    }

    @Test
    void repeatedSendInstanceAnswers200AndCreatesNothingNew() throws Exception {
        enti();
        SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
        assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
        assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
        awaitFinal(s);
        assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
        assertThat(jdbc.queryForObject("select count(*) from pratica where cui_uuid = ?", Integer.class, s.cuiUuid())).isOne();
        assertThat(jdbc.queryForObject("select count(*) from ssu_submission where cui_uuid = ?", Integer.class, s.cuiUuid())).isOne();
        UUID id = UUID.fromString(pratica(s.cuiUuid()).path("id").asText());
        assertThat(jdbc.queryForObject("select count(*) from richiesta_parere where pratica_id = ?", Integer.class, id))
                .isEqualTo(jdbc.queryForObject("select count(distinct ente_code) from richiesta_parere where pratica_id = ?", Integer.class, id));
        assertThat(jdbc.queryForObject("select count(*) from timeline where pratica_id = ? and operation = 'send_instance' and outcome = 'DUPLICATE'",
                Integer.class, id)).isEqualTo(2);
    }

    @Test
    void invalidRequestsGetError400001AndLeaveNoTrace() throws Exception {
        SampleInstances.Sample s = newSample();
        long praticheBefore = jdbc.queryForObject("select count(*) from pratica", Long.class);
        long outboxBefore = jdbc.queryForObject("select count(*) from outbox", Long.class);

        ObjectNode noIndex = s.sendInstanceBody().deepCopy();
        noIndex.remove("instance_index");
        assertError(FO.postRaw("/ssu/fo/send_instance", noIndex.toString()), "instance_index");

        ObjectNode badAlg = s.sendInstanceBody().deepCopy();
        ((ObjectNode) badAlg.path("instance_index").get(0)).put("alg_hash", "MD5");
        assertError(FO.postRaw("/ssu/fo/send_instance", badAlg.toString()), "alg_hash");

        ObjectNode noUuid = s.sendInstanceBody().deepCopy();
        ((ObjectNode) noUuid.path("cui")).remove("uuid");
        assertError(FO.postRaw("/ssu/fo/send_instance", noUuid.toString()), "uuid");

        ObjectNode hostileId = s.sendInstanceBody().deepCopy();
        ((ObjectNode) hostileId.path("cui")).put("uuid", "../../etc/passwd");
        HttpResponse<String> invalidCui = FO.postRaw("/ssu/fo/send_instance", hostileId.toString());
        assertThat(invalidCui.statusCode()).isEqualTo(500);
        assertThat(JSON.readTree(invalidCui.body()).path("code").asText()).isEqualTo("ERROR_500_002");

        assertError(FO.postRaw("/ssu/fo/send_instance", "{not json"), "not valid JSON");
        assertError(FO.postRaw("/ssu/fo/notify_receipt", "{\"cui\":{}}"), "date");

        assertThat(jdbc.queryForObject("select count(*) from pratica", Long.class)).isEqualTo(praticheBefore);
        assertThat(jdbc.queryForObject("select count(*) from outbox", Long.class)).isEqualTo(outboxBefore);
        assertThat(pratica(s.cuiUuid())).isNull();
    }

    void assertError(HttpResponse<String> r, String mentioned) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("code").asText()).isEqualTo("ERROR_400_001");
        assertThat(body.path("message").asText()).isEqualTo("incorrect request input");
        assertThat(body.path("detail").asText()).contains(mentioned);
    }

    @Test
    void documentWithWrongHashIsNeverVerifiedAndTheSenderIsAskedToRetry() throws Exception {
        enti();
        SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
        String tampered = s.documents().keySet().iterator().next();
        FO.tamper(s.cuiUuid(), tampered);
        assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(30)).until(() -> !FO.retries(s.cuiUuid()).isEmpty());
        JsonNode retry = FO.retries(s.cuiUuid()).get(0);
        assertThat(retry.path("operation").asText()).isEqualTo("send_instance");
        assertThat(retry.path("error").path("code").asText()).isEqualTo("ERROR_412_001");
        JsonNode d = detail(s.cuiUuid());
        assertThat(d.path("documentsStatus").asText()).isEqualTo("INCONSISTENT");
        assertThat(d.path("state").asText()).isEqualTo("presented");
        assertThat(d.path("anomaly").asText()).contains(tampered);
        for (JsonNode doc : d.path("documents")) {
            if (doc.path("resource_id").asText().equals(tampered)) {
                assertThat(doc.path("status").asText()).isEqualTo("HASH_MISMATCH");
                assertThat(doc.path("sha256").isNull()).isTrue();
            }
        }
        assertThat(FO.documentRequests(s.cuiUuid(), tampered)).isGreaterThanOrEqualTo(3);
        assertThat(d.path("pareri")).isEmpty();
        assertThat(GEOWORK.isRegistered(d.path("id").asText())).isFalse();

        // the front-office re-executes send_instance with the right content: the pratica goes on
        FO.untamper(s.cuiUuid(), tampered);
        assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
        awaitFinal(s);
        assertThat(detail(s.cuiUuid()).path("state").asText()).isEqualTo(s.expectedState());
    }

    @Autowired
    org.springframework.boot.autoconfigure.web.servlet.WebMvcProperties mvc;

    @Autowired
    org.apache.camel.CamelContext camel;

    /** Logs (MDC camel.routeId), metrics and tests name routes by their ids: none left to Camel's route1, route2... */
    @Test
    void everyRouteHasAStableNameOfItsOwn() {
        assertThat(camel.getRoutes()).extracting(org.apache.camel.Route::getRouteId)
                .isNotEmpty()
                .noneMatch(id -> id.matches("route\\d+"))
                .contains("rest-ssu-send-instance", "ssu-send-instance", "outbox-attempt");
    }

    @Test
    void aDocumentLargerThanAMebibyteStreamsInAndIsServedBackSignedWholeAndByRange() throws Exception {
        enti();
        SampleInstances.Sample base = newSample(AbstractGatewayIT::standardAutorizzazione);
        String rid = base.instanceIndex().get(0).path("resource_id").asText();
        byte[] big = new byte[6 << 20];
        new java.util.Random(14).nextBytes(big);
        SampleInstances.Sample s = base.withDocument(rid, big);
        CATALOGO.register(s);
        FO.register(s);

        assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
        awaitFinal(s);

        // kept as a large object, not a bytea; the front-office sent the standard base64, whose digest is kept: the
        // whole GET below is signed over it (and its signature checked against the body the client read)
        assertThat(jdbc.queryForObject("select content_oid is not null from documento where sha256 = ?", Boolean.class,
                s.hash(rid))).isTrue();
        assertThat(jdbc.queryForObject("select base64_digest from documento where sha256 = ?", String.class, s.hash(rid)))
                .startsWith("SHA-256=");
        // a download of a large document lasts longer than Tomcat's 30 s for an asynchronous request: not cut there
        assertThat(mvc.getAsync().getRequestTimeout()).isGreaterThanOrEqualTo(Duration.ofHours(1));
        var whole = FO.client().getDocument(s.cuiUuid(), rid, "If-Match", s.hash(rid));
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.trusted()).as(whole.signatureError()).isTrue();
        assertThat(java.util.Base64.getDecoder().decode(whole.body())).isEqualTo(big);
        var part = FO.client().getDocument(s.cuiUuid(), rid, "If-Match", s.hash(rid), "Range", "bytes=1048570-3145727");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.trusted()).as(part.signatureError()).isTrue();
        assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 1048570-3145727/" + big.length);
        assertThat(java.util.Base64.getDecoder().decode(part.body()))
                .isEqualTo(java.util.Arrays.copyOfRange(big, 1048570, 3145728));
    }

    @Test
    void geoworkDownAtFirstThenUpGetsEverythingExactlyOnce() throws Exception {
        enti();
        GEOWORK.setAvailable(false);
        List<SampleInstances.Sample> batch = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
                batch.add(s);
                assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
            }
            for (SampleInstances.Sample s : batch) {
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    JsonNode p = pratica(s.cuiUuid());
                    return p != null && jdbc.queryForObject("select count(*) from timeline where pratica_id = ?::uuid"
                            + " and system = 'GEOWORK' and outcome = 'FAILED'", Integer.class, p.path("id").asText()) > 0;
                });
            }
        } finally {
            GEOWORK.setAvailable(true);
        }
        for (SampleInstances.Sample s : batch) {
            awaitFinal(s);
            String id = pratica(s.cuiUuid()).path("id").asText();
            assertThat(GEOWORK.isRegistered(id)).isTrue();
            assertThat(jdbc.queryForObject("select count(*) from timeline where pratica_id = ?::uuid and operation = 'registraPratica'",
                    Integer.class, id)).isOne();
        }
        assertThat(GEOWORK.registrationCalls()).isEqualTo(GEOWORK.registrations());
    }

    @Test
    void replyForAnUnknownRequestIsSetAsideAndBlocksNothing() throws Exception {
        enti();
        String unknown = UUID.randomUUID().toString();
        ENTI.get(0).sendRawReply("""
                {"schemaVersion":"1.0","idRisposta":"%s","idRichiesta":"%s","ente":"polizia-locale","esito":"positivo",
                 "dataParere":"2026-11-25T10:00:00Z"}""".formatted(UUID.randomUUID(), unknown));
        ENTI.get(0).sendRawReply("this is not json");
        SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
        assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
        awaitFinal(s);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            String list = get("/api/dead-letters?category=REPLY_REJECTED").body();
            return list.contains(unknown) && list.contains("not JSON");
        });
    }

    @Test
    void anEnteCannotReadAnotherEntesQueue() {
        enti();
        EnteSimulator polizia = ENTI.get(0);
        EnteSimulator ats = ENTI.get(1);
        assertThat(polizia.tryConsume("suapgw.pareri.richieste.ats-milano")).isFalse();
        assertThat(polizia.tryConsume("suapgw.pareri.richieste.soprintendenza")).isFalse();
        assertThat(ats.tryConsume("suapgw.pareri.richieste.polizia-locale")).isFalse();
        assertThat(ats.tryConsume("suapgw.pareri.risposte.polizia-locale")).isFalse();
        assertThat(ats.tryConsume(ats.replyQueue())).isFalse();
    }

    /** The enti's acceptor speaks TLS only: a plain-TCP client, even with an ente's credentials, gets no connection. */
    @Test
    void anEnteWithoutTlsGetsNoConnection() {
        enti();
        var plain = new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory("tcp://127.0.0.1:" + BROKER_PORT
                + "?callTimeout=3000&initialConnectAttempts=1&reconnectAttempts=0");
        assertThatThrownBy(() -> {
            try (var c = plain.createConnection("ente-polizia-locale", "polizia-locale-secret")) {
                c.start();
            }
        }).isInstanceOf(jakarta.jms.JMSException.class);
        plain.close();
    }

    /**
     * ATS (an AMQP 1.0 client, which may put any {@code user-id} on its messages) answers a Polizia Locale request
     * claiming to be {@code ente-polizia-locale}: the broker refuses it on Polizia's reply queue, and on its own queue
     * it is ATS's reply to a request that is not ATS's — a security dead letter; Polizia's own answer is the one recorded.
     */
    @Test
    void anAmqpEnteClaimingAnotherEntesUserRecordsNothing() throws Exception {
        enti();
        EnteSimulator polizia = ENTI.get(0);
        EnteSimulator ats = ENTI.get(1);
        polizia.setReplyDelay(Duration.ofSeconds(4));
        String richiesta;
        try {
            SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
            assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> pratica(s.cuiUuid()) != null && !jdbc.queryForList(
                    "select id from richiesta_parere where pratica_id = ?::uuid and ente_code = 'polizia-locale' and status = 'OPEN'",
                    pratica(s.cuiUuid()).path("id").asText()).isEmpty());
            richiesta = jdbc.queryForObject("select id::text from richiesta_parere where pratica_id = ?::uuid and ente_code = 'polizia-locale'",
                    String.class, pratica(s.cuiUuid()).path("id").asText());
            String forged = """
                    {"schemaVersion":"1.0","idRisposta":"%s","idRichiesta":"%s","ente":"polizia-locale","esito":"negativo",
                     "motivazione":"forged","dataParere":"2026-11-25T10:00:00Z"}""".formatted(UUID.randomUUID(), richiesta);
            assertThatThrownBy(() -> ats.sendRawReply("suapgw.pareri.risposte.polizia-locale", forged, "ente-polizia-locale"))
                    .isInstanceOf(IllegalStateException.class);
            ats.sendRawReply(ats.replyQueue(), forged, "ente-polizia-locale");
            await().atMost(Duration.ofSeconds(10)).until(() -> get("/api/dead-letters?category=SECURITY").body().contains(richiesta));
            awaitFinal(s);
        } finally {
            polizia.setReplyDelay(Duration.ZERO);
        }
        var recorded = jdbc.queryForMap("select esito, reply_user, motivazione from richiesta_parere where id = ?::uuid", richiesta);
        assertThat(recorded.get("reply_user")).isEqualTo("ente-polizia-locale");
        assertThat(recorded.get("motivazione")).isNotEqualTo("forged");
    }

}
