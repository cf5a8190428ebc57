package it.comune.milano.suapgw.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.simulators.enti.EnteSimulator;
import it.comune.milano.suapgw.simulators.osp.GeopostSimulator;
import it.comune.milano.suapgw.simulators.support.DemoIdp;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The OSP workflow end to end: GEOPOST → pre-istruttoria (OSAPI, ERMES, GERI, zones) → enti → funzionario → GEOPOST. */
class OspWorkflowIT extends AbstractGatewayIT {
    static final Path ISTANZE = OSP.resolve("istanze");
    static final AtomicInteger COPIES = new AtomicInteger(900001);

    static JsonNode expected() throws Exception {
        return JSON.readTree(OSP.resolve("expected.json").toFile());
    }

    static JsonNode istanza(JsonNode row) throws Exception {
        return JSON.readTree(ISTANZE.resolve(row.path("file").asText()).toFile());
    }

    /** A sample istanza under a new id: no fixture answers for it, so every ente answers positivo. */
    static ObjectNode copy(JsonNode istanza) {
        ObjectNode c = istanza.deepCopy();
        c.put("idIstanza", "GP-2026-" + COPIES.getAndIncrement());
        return c;
    }

    JsonNode detailOf(String idIstanza) throws Exception {
        return JSON.readTree(get("/api/pratiche/" + byCodice(idIstanza).path("id").asText()).body());
    }

    void awaitFinal(String idIstanza) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> byCodice(idIstanza) != null && byCodice(idIstanza).path("final").asBoolean());
    }

    /** What the funzionario does once the outcome of the istanza {@code id} is proposed. */
    interface FunzionarioTurn {
        void act(String id) throws Exception;
    }

    /**
     * Files a copy of a plain concession with Geowork's automatic validation off, waits until its outcome is proposed
     * (the funzionario's turn), lets {@code turn} act, and turns the automatic validation on again.
     * @return the istanza's id
     */
    String withManualValidation(FunzionarioTurn turn) throws Exception {
        enti();
        ObjectNode istanza = copy(istanza(plainConcession()));
        String id = istanza.path("idIstanza").asText();
        GEOWORK.setAutoValidate(false);
        try {
            GEOPOST.submitIstanza(istanza);
            await().atMost(Duration.ofSeconds(60)).until(() -> byCodice(id) != null
                    && "outcome_proposed".equals(byCodice(id).path("state").asText()));
            turn.act(id);
        } finally {
            GEOWORK.setAutoValidate(true);
        }
        return id;
    }

    static Map<String, String> round(JsonNode detail, int round) {
        Map<String, String> out = new TreeMap<>();
        detail.path("checklist").forEach(v -> {
            if (v.path("round").asInt() == round) out.put(v.path("codice").asText(), v.path("esito").asText());
        });
        return out;
    }

    static List<List<String>> entiPerRound(JsonNode detail) {
        List<List<String>> out = new ArrayList<>();
        detail.path("pareri").forEach(p -> {
            int r = p.path("round").asInt();
            while (out.size() < r) out.add(new ArrayList<>());
            out.get(r - 1).add(p.path("ente_code").asText());
        });
        out.forEach(l -> l.sort(null));
        return out;
    }

    /** A sample whose expected path is a plain concession (no FAIL, no integration). */
    static JsonNode plainConcession() throws Exception {
        for (JsonNode row : expected()) {
            boolean noFail = true;
            for (JsonNode v : row.path("checklist")) noFail &= !"FAIL".equals(v.asText());
            if (noFail && row.path("comunicazioni").size() == 1 && "CONCESSIONE".equals(row.path("comunicazioni").get(0).asText())
                    && !"TEMPORANEA".equals(istanza(row).path("periodo").path("tipo").asText())) {
                return row;
            }
        }
        throw new IllegalStateException("no plain concession among the samples");
    }

    @Test
    void everySampleIstanzaMatchesItsExpectedRowAndIntegrationsReconsultOnlyTheEntiThatAskedForThem() throws Exception {
        enti();
        JsonNode expected = expected();
        for (JsonNode row : expected) {
            GEOPOST.registerIntegrations(ISTANZE.resolve(row.path("file").asText()));
            GEOPOST.submitIstanza(ISTANZE.resolve(row.path("file").asText()));
        }
        List<String> mismatches = new ArrayList<>();
        for (JsonNode row : expected) {
            String id = row.path("idIstanza").asText();
            awaitFinal(id);
            JsonNode d = detailOf(id);
            Map<String, String> wantChecklist = new TreeMap<>();
            row.path("checklist").fields().forEachRemaining(f -> wantChecklist.put(f.getKey(), f.getValue().asText()));
            List<List<String>> wantEnti = new ArrayList<>();
            row.path("entiPerRound").forEach(r -> {
                List<String> l = new ArrayList<>();
                r.forEach(x -> l.add(x.asText()));
                l.sort(null);
                wantEnti.add(l);
            });
            List<String> wantCom = new ArrayList<>();
            row.path("comunicazioni").forEach(x -> wantCom.add(x.asText()));
            await().atMost(Duration.ofSeconds(30)).until(() -> GEOPOST.tipiComunicazioni(id).size() >= wantCom.size());
            check(mismatches, id, "state", row.path("esitoFinale").asText(), d.path("state").asText());
            check(mismatches, id, "checklist", wantChecklist, round(d, 1));
            // rounds that consulted nobody (only allegati were missing) leave no parere: compare the non-empty ones
            List<List<String>> gotEnti = entiPerRound(d);
            check(mismatches, id, "enti per round", wantEnti.stream().filter(l -> !l.isEmpty()).toList(),
                    gotEnti.stream().filter(l -> !l.isEmpty()).toList());
            check(mismatches, id, "comunicazioni", wantCom, GEOPOST.tipiComunicazioni(id));
            check(mismatches, id, "concessione in OSAPI", row.path("concessioneOsapi").asBoolean(), OSAPI.concessioni().containsKey(id));
            check(mismatches, id, "canone in GERI", row.path("canoneGeri").asBoolean(), GERI.canoni().containsKey(id));
            // Geowork received the pratica with its checklist
            var registered = GEOWORK.pratica(d.path("id").asText());
            Map<String, String> inGeowork = new TreeMap<>();
            if (registered != null) registered.getChecklist().forEach(v -> inGeowork.put(v.getCodice(), v.getEsito().value()));
            check(mismatches, id, "checklist in Geowork", wantChecklist.keySet(), inGeowork.keySet());
            // every act released to the applicant is filed in Geowork too
            List<String> atti = GEOWORK.atti(d.path("id").asText());
            check(mismatches, id, "acts filed in Geowork", new TreeSet<>(wantCom), new TreeSet<>(atti));
            // a re-consultation names the ente's earlier parere
            d.path("pareri").forEach(p -> {
                if (p.path("round").asInt() > 1 && p.path("previous_id").isNull()) {
                    mismatches.add(id + ": round " + p.path("round").asInt() + " request to " + p.path("ente_code").asText()
                            + " does not name the earlier parere");
                }
            });
        }
        assertThat(mismatches).isEmpty();
    }

    static void check(List<String> mismatches, String id, String what, Object want, Object got) {
        if (!want.equals(got)) mismatches.add(id + " " + what + ": expected " + want + ", got " + got);
    }

    @Test
    void ermesDownLeavesTheItemsUnavailableAndTheIstanzaCompletesOnceItIsBack() throws Exception {
        enti();
        ObjectNode istanza = copy(istanza(plainConcession()));
        String id = istanza.path("idIstanza").asText();
        ERMES.setAvailable(false);
        try {
            GEOPOST.submitIstanza(istanza);
            await().atMost(Duration.ofSeconds(30)).until(() -> byCodice(id) != null
                    && "UNAVAILABLE".equals(round(detailOf(id), 1).get("IMPATTO_ACUSTICO")));
            JsonNode d = detailOf(id);
            assertThat(d.path("state").asText()).isEqualTo("presented");
            assertThat(d.path("pareri").size()).as("no ente consulted on an incomplete checklist").isZero();
        } finally {
            ERMES.setAvailable(true);
        }
        awaitFinal(id);
        JsonNode d = detailOf(id);
        assertThat(round(d, 1)).doesNotContainValue("UNAVAILABLE");
        assertThat(d.path("state").asText()).isEqualTo("ended_by_positive_outcome");
        assertThat(get("/api/pratiche/" + d.path("id").asText() + "/timeline").body()).contains("INCOMPLETE");
    }

    @Test
    void noCommunicationReachesGeopostBeforeTheFunzionarioValidatesIt() throws Exception {
        String id = withManualValidation(idIstanza -> {
            assertThat(GEOPOST.comunicazioni(idIstanza)).isEmpty();
            assertThat(OSAPI.concessioni()).doesNotContainKey(idIstanza);

            String path = "/api/funzionario/istanze/" + idIstanza + "/comunicazione";
            assertThat(send("GET", path, null, null).statusCode()).isEqualTo(401);
            assertThat(send("GET", path, null, "Basic ZnVuemlvbmFyaW86ZnVuemlvbmFyaW8tc2VjcmV0").statusCode()).as("no password login").isEqualTo(401);
            assertThat(send("GET", path, null, IDP.bearer("mario.operatore", DemoIdp.OPERATORE)).statusCode()).isEqualTo(403);
            assertThat(send("GET", path, null, "Bearer " + IDP.token("funzionario", "another-service", Duration.ofHours(1),
                    DemoIdp.FUNZIONARIO)).statusCode()).as("a token for another audience").isEqualTo(401);
            String funzionario = IDP.bearer("funzionario", DemoIdp.FUNZIONARIO);
            HttpResponse<String> pending = send("GET", path, null, funzionario);
            assertThat(pending.statusCode()).isEqualTo(200);
            JsonNode proposta = JSON.readTree(pending.body());
            assertThat(proposta.path("tipo").asText()).isEqualTo("CONCESSIONE");
            assertThat(proposta.path("testo").asText()).contains(idIstanza, "accolta");
            assertThat(GEOPOST.comunicazioni(idIstanza)).as("reading the proposal sends nothing").isEmpty();

            String edited = proposta.path("testo").asText() + "\nNota del funzionario: esporre la concessione in vetrina.";
            HttpResponse<String> ok = send("POST", path, JSON.createObjectNode().put("azione", "VALIDA").put("testo", edited)
                    .toString(), funzionario);
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> !GEOPOST.comunicazioni(idIstanza).isEmpty());
            JsonNode sent = GEOPOST.comunicazioni(idIstanza).get(0);
            assertThat(sent.path("tipo").asText()).isEqualTo("CONCESSIONE");
            assertThat(sent.path("testo").asText()).isEqualTo(edited);
            assertThat(sent.path("validataDa").asText()).isEqualTo("funzionario");
            assertThat(sent.path("numeroConcessione").asText()).isEqualTo(OSAPI.concessioni().get(idIstanza).numeroConcessione());
            assertThat(send("POST", path, "{\"azione\":\"VALIDA\"}", funzionario).statusCode())
                    .as("nothing left to validate").isIn(404, 409);
        });
        awaitFinal(id);
        assertThat(GEOPOST.tipiComunicazioni(id)).containsExactly("CONCESSIONE");
        await().atMost(Duration.ofSeconds(30)).until(() -> GEOWORK.atti(byCodice(id).path("id").asText()).contains("CONCESSIONE"));
    }

    @Test
    void aGeopostEventNotSignedByGeopostIsRefusedAndNothingIsStored() throws Exception {
        byte[] forged = """
                {"seq":999999,"tipo":"ISTANZA","istanza":{"idIstanza":"GP-2026-999999"}}""".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> unsigned = postSigned("/geopost/eventi", null, "application/json", forged);
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(unsigned.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(postSigned("/geopost/eventi", "geowork", "application/json", forged).statusCode()).isEqualTo(401);
        assertThat(postSigned("/geopost/other", "geopost", "application/json", forged).statusCode()).as("its key, not its path").isNotEqualTo(200);
        assertThat(postSigned("/services/geowork-callback", "geopost", "text/xml", forged).statusCode()).isEqualTo(401);
        assertThat(byCodice("GP-2026-999999")).isNull();
    }

    @Test
    void aValidationOfAnEarlierProposalDoesNotDecideTheCurrentOne() throws Exception {
        String id = withManualValidation(idIstanza -> {
            String pratica = byCodice(idIstanza).path("id").asText();
            String stale = validation(pratica, "NEGATIVO", "<gw:idProposta>esito-" + pratica + "-0</gw:idProposta>");
            // forged: unsigned, signed by another system, or naming no proposal — each refused, nothing changes
            assertThat(callback(null, stale).statusCode()).isEqualTo(401);
            assertThat(callback("geopost", stale).statusCode()).isEqualTo(401);
            HttpResponse<String> anonymous = callback("geowork", validation(pratica, "NEGATIVO", ""));
            assertThat(anonymous.statusCode()).isEqualTo(500);
            assertThat(anonymous.body()).contains("Fault");
            assertThat(byCodice(idIstanza).path("state").asText()).isEqualTo("outcome_proposed");
            HttpResponse<String> r = callback("geowork", stale);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).contains("outcome_proposed");
            assertThat(byCodice(idIstanza).path("state").asText()).isEqualTo("outcome_proposed");
            assertThat(GEOPOST.comunicazioni(idIstanza)).isEmpty();
            GEOWORK.sendValidation(pratica, it.comune.milano.suapgw.schemas.geowork.Esito.POSITIVO);
        });
        awaitFinal(id);
        assertThat(byCodice(id).path("state").asText()).isEqualTo("ended_by_positive_outcome");
        assertThat(get("/api/pratiche/" + byCodice(id).path("id").asText() + "/timeline").body()).contains("STALE");
    }

    @Test
    void theFunzionarioMayRejectTheComposedTextAndDecideOtherwise() throws Exception {
        String testo = "Si comunica il diniego dell'istanza per contrasto con il piano della mobilità ciclabile.";
        String id = withManualValidation(idIstanza -> {
            String path = "/api/funzionario/istanze/" + idIstanza + "/comunicazione";
            String auth = IDP.bearer("funzionario", DemoIdp.FUNZIONARIO);
            assertThat(send("POST", path, "{\"azione\":\"RIFIUTA\"}", auth).statusCode()).isEqualTo(200);
            assertThat(send("GET", path, null, auth).statusCode()).as("the rejected text is gone").isEqualTo(404);
            assertThat(send("POST", path, "{\"azione\":\"VALIDA\"}", auth).statusCode())
                    .as("without a proposal the funzionario must say what he decides").isEqualTo(400);
            assertThat(GEOPOST.comunicazioni(idIstanza)).isEmpty();
            HttpResponse<String> r = send("POST", path, JSON.createObjectNode().put("azione", "VALIDA").put("tipo", "DINIEGO")
                    .put("testo", testo).toString(), auth);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        });
        awaitFinal(id);
        assertThat(byCodice(id).path("state").asText()).isEqualTo("ended_by_negative_outcome");
        await().atMost(Duration.ofSeconds(30)).until(() -> !GEOPOST.comunicazioni(id).isEmpty());
        assertThat(GEOPOST.comunicazioni(id).get(0).path("tipo").asText()).isEqualTo("DINIEGO");
        assertThat(GEOPOST.comunicazioni(id).get(0).path("testo").asText()).isEqualTo(testo);
        assertThat(OSAPI.concessioni()).doesNotContainKey(id);
    }

    @Test
    void aSlowSystemIsUnavailableNotPassed() throws Exception {
        enti();
        ObjectNode istanza = copy(istanza(plainConcession()));
        String id = istanza.path("idIstanza").asText();
        GERI.setDelay(Duration.ofMillis(2500)); // longer than GERI's timeout in these tests (1 s)
        try {
            GEOPOST.submitIstanza(istanza);
            await().atMost(Duration.ofSeconds(30)).until(() -> byCodice(id) != null
                    && "UNAVAILABLE".equals(round(detailOf(id), 1).get("MOROSITA_CANONE")));
            assertThat(round(detailOf(id), 1).get("IMPATTO_ACUSTICO")).as("the other systems answered in time").isNotEqualTo("UNAVAILABLE");
            assertThat(byCodice(id).path("state").asText()).isEqualTo("presented");
        } finally {
            GERI.setDelay(null);
        }
        awaitFinal(id);
        assertThat(round(detailOf(id), 1)).containsEntry("MOROSITA_CANONE", "PASS");
    }

    @Test
    void anIstanzaFiledWhileTheGatewayCouldNotBeReachedIsTakenByTheCatchUpPollExactlyOnce() throws Exception {
        enti();
        ObjectNode istanza = copy(istanza(plainConcession()));
        String id = istanza.path("idIstanza").asText();
        GEOPOST.setPushEnabled(false);
        GeopostSimulator.Event event;
        try {
            event = GEOPOST.submitIstanza(istanza);
        } finally {
            GEOPOST.setPushEnabled(true);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> byCodice(id) != null);
        assertThat(jdbc.queryForObject("select via from geopost_event where chiave = ?", String.class, "ISTANZA:" + id))
                .isEqualTo("POLL");
        // the same event pushed late, and polled again: taken once
        GeopostSimulator.PushResult late = GEOPOST.push(event);
        assertThat(late.body()).contains("DUPLICATO");
        jdbc.update("update geopost_cursor set last_seq = 0");
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "select last_seq from geopost_cursor", Long.class) >= event.seq());
        assertThat(jdbc.queryForObject("select count(*) from pratica where codice_pratica = ?", Long.class, id)).isEqualTo(1);
        assertThat(jdbc.queryForObject("select count(*) from geopost_event where chiave = ?", Long.class, "ISTANZA:" + id)).isEqualTo(1);
        awaitFinal(id);
    }

    @Test
    void anInvalidPushIsRefusedWithTheReasonAndStoresNothing() throws Exception {
        long before = jdbc.queryForObject("select count(*) from pratica", Long.class);
        ObjectNode istanza = copy(istanza(plainConcession()));
        ((ObjectNode) istanza.withArray("allegati").get(0)).put("sha256", "0".repeat(64));
        HttpResponse<String> r = postSigned("/geopost/eventi", "geopost", "application/json",
                JSON.createObjectNode().put("seq", 999999).put("tipo", "ISTANZA").set("istanza", istanza).toString().getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("RICHIESTA_NON_VALIDA", "SHA-256");
        HttpResponse<String> bad = postSigned("/geopost/eventi", "geopost", "application/json",
                "{\"seq\":1,\"tipo\":\"ISTANZA\",\"istanza\":{\"idIstanza\":\"x\"}}".getBytes(StandardCharsets.UTF_8));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("idIstanza");
        assertThat(jdbc.queryForObject("select count(*) from pratica", Long.class)).isEqualTo(before);
    }

    @Test
    void anOverdueParereIsFlaggedRemindedAndListed() throws Exception {
        enti();
        EnteSimulator mobilita = ENTI.stream().filter(e -> e.enteCode().equals("mobilita")).findFirst().orElseThrow();
        ObjectNode istanza = copy(istanza(plainConcession()));
        istanza.put("occupaCarreggiata", true);
        String id = istanza.path("idIstanza").asText();
        mobilita.stop();
        try {
            GEOPOST.submitIstanza(istanza);
            await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject("""
                    select count(*) from richiesta_parere r join pratica p on p.id = r.pratica_id
                     where p.codice_pratica = ? and r.ente_code = 'mobilita' and r.sent_at is not null""", Long.class, id) == 1);
            jdbc.update("""
                    update richiesta_parere set deadline = current_date - 1 where ente_code = 'mobilita'
                       and pratica_id = (select id from pratica where codice_pratica = ?)""", id);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                JsonNode overdue = JSON.readTree(get("/api/pareri/scaduti").body());
                for (JsonNode o : overdue) {
                    if (id.equals(o.path("codicePratica").asText()) && o.path("solleciti").asInt() >= 1) return true;
                }
                return false;
            });
            assertThat(get("/api/pratiche/" + byCodice(id).path("id").asText() + "/timeline").body()).contains("OVERDUE");
        } finally {
            mobilita.start();
        }
        awaitFinal(id);
    }

    static String validation(String pratica, String esito, String idProposta) {
        return """
                <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
                <gw:notificaValidazioneEsito xmlns:gw="http://geowork.comune.milano.it/suapgw/v1">
                <gw:idPratica>%s</gw:idPratica><gw:esitoValidato>%s</gw:esitoValidato>
                <gw:funzionario>m.rossi</gw:funzionario><gw:dataValidazione>2026-05-01T10:00:00Z</gw:dataValidazione>
                %s</gw:notificaValidazioneEsito></soap:Body></soap:Envelope>""".formatted(pratica, esito, idProposta);
    }

    /** The Geowork callback, signed as {@code system} (null: unsigned). */
    static HttpResponse<String> callback(String system, String envelope) throws Exception {
        return postSigned("/services/geowork-callback", system, "text/xml; charset=UTF-8", envelope.getBytes(StandardCharsets.UTF_8),
                "SOAPAction", "\"notificaValidazioneEsito\"");
    }

    static HttpResponse<String> send(String method, String path, String body, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(GATEWAY + path)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
