package it.comune.milano.suapgw.simulators.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import it.comune.milano.suapgw.simulators.enti.EnteSsuSimulator;
import it.comune.milano.suapgw.simulators.osp.GeopostSimulator;
import it.comune.milano.suapgw.simulators.osp.GeopostSimulatorTest;
import it.comune.milano.suapgw.simulators.osp.GeriSimulator;
import it.comune.milano.suapgw.simulators.osp.OsapiSimulator;
import it.comune.milano.suapgw.simulators.osp.OsapiSimulatorTest;
import it.comune.milano.suapgw.simulators.osp.OspCase;
import it.comune.milano.suapgw.simulators.scrivania.ScrivaniaCase;
import it.comune.milano.suapgw.simulators.scrivania.ScrivaniaSimulator;
import it.comune.milano.suapgw.simulators.scrivania.ScrivaniaSimulatorTest;
import it.comune.milano.suapgw.simulators.scrivania.SoapSupport;
import it.comune.milano.suapgw.simulators.ssu.CatalogoSimulator;
import it.comune.milano.suapgw.simulators.ssu.FrontOfficeSimulator;
import it.comune.milano.suapgw.simulators.ssu.RegistroImpreseSimulator;
import it.comune.milano.suapgw.simulators.ssu.SampleInstances;
import it.comune.milano.suapgw.simulators.support.Json;
import it.comune.milano.suapgw.simulators.support.TestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * DemoDriver against a minimal fake gateway (send_instance, /api/pratiche, /api/stats, PddServiceEnte for the legacy
 * batch, /geopost/eventi and the pratica detail for the OSP batch).
 */
class DemoDriverTest {

    private final SampleInstances samples = TestSupport.samples();
    /** Test knob: the event the fake gateway concludes a CUI with, instead of the sample's expected outcome. */
    private final Map<String, String> outcomeByCui = new ConcurrentHashMap<>();
    /** Test knob: CUIs whose request_correction / request_integration the fake gateway skips. */
    private final Set<String> skipRequests = ConcurrentHashMap.newKeySet();
    /** Test knob: CUIs whose act the fake gateway announces with a hash that is not the act's. */
    private final Set<String> wrongActHash = ConcurrentHashMap.newKeySet();
    private final Map<String, SsuPratica> ssuPratiche = new ConcurrentHashMap<>();
    private final Map<String, byte[]> acts = new ConcurrentHashMap<>();
    private final AtomicInteger received = new AtomicInteger();
    private HttpServer gateway;
    private CatalogoSimulator catalogo;
    private FrontOfficeSimulator fo;

    @BeforeEach
    void start() throws IOException {
        gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gateway.createContext("/", this::handle);
        gateway.start();
        String url = "http://127.0.0.1:" + gateway.getAddress().getPort();
        catalogo = new CatalogoSimulator(0);
        fo = new FrontOfficeSimulator(0, url);
        fo.onNewVersion(catalogo::register);
        fo.setResendDelay(Duration.ofMillis(50));
        fo.setCancelDelay(Duration.ofMillis(200));
        fo.setFetchDelay(Duration.ofMillis(20));
        catalogo.start();
        fo.start();
    }

    @AfterEach
    void stop() {
        entiTerzi.values().forEach(EnteSsuSimulator::stop);
        if (registroImprese != null) {
            registroImprese.stop();
        }
        if (scrivania != null) {
            scrivania.stop();
        }
        if (geopost != null) {
            geopost.stop();
            osapi.stop();
            geri.stop();
        }
        gatewayOutbox.shutdownNow();
        fo.stop();
        catalogo.stop();
        gateway.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        byte[] in = ex.getRequestBody().readAllBytes();
        Object out = null;
        if ("/services/PddServiceEnte".equals(path)) {
            legacyPost(ex, in);
            return;
        }
        if ("/geopost/eventi".equals(path)) {
            reply(ex, geopostEvent(Json.parse(in)));
            return;
        }
        if (path.startsWith("/api/pratiche/osp-")) {
            OspPratica p = ospPratiche.get(path.substring("/api/pratiche/osp-".length()));
            if (p == null) {
                ex.sendResponseHeaders(404, -1);
                ex.close();
            } else {
                reply(ex, p.detail());
            }
            return;
        }
        if ("/api/pratiche".equals(path) && ex.getRequestURI().getQuery().startsWith("codice=GP-")) {
            String codice = URLDecoder.decode(ex.getRequestURI().getQuery().substring("codice=".length()), StandardCharsets.UTF_8);
            ArrayNode arr = Json.MAPPER.createArrayNode();
            OspPratica p = ospPratiche.get(codice);
            if (p != null) {
                arr.addObject().put("id", "osp-" + codice).put("codicePratica", codice).put("channel", "GEOPOST")
                        .put("state", p.state).put("final", p.fin);
            }
            reply(ex, arr);
            return;
        }
        if ("/api/pratiche".equals(path) && ex.getRequestURI().getQuery().startsWith("codice=")) {
            String codice = URLDecoder.decode(ex.getRequestURI().getQuery().substring("codice=".length()), StandardCharsets.UTF_8);
            ArrayNode arr = Json.MAPPER.createArrayNode();
            LegacyPratica p = legacyPratiche.get(codice);
            if (p != null) {
                arr.addObject().put("id", "p-" + codice).put("codicePratica", codice).put("channel", "SCRIVANIA")
                        .put("state", p.state).put("final", p.fin);
            }
            byte[] b = Json.bytes(arr);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
            return;
        }
        if ((path.startsWith("/ssu/et/instance/") || path.startsWith("/ssu/ri/instance/")) && "GET".equals(ex.getRequestMethod())) {
            String[] parts = path.split("/");
            byte[] doc = document(parts[4], parts[6]);
            if (doc == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                byte[] b64 = java.util.Base64.getEncoder().encode(doc);
                ex.getResponseHeaders().set("Content-Type", "text/plain");
                ex.sendResponseHeaders(200, b64.length);
                ex.getResponseBody().write(b64);
            }
            ex.close();
            return;
        }
        if (path.startsWith("/ssu/et/") || path.startsWith("/ssu/ri/")) {
            peerCalls.add(path);
            ex.sendResponseHeaders(200, -1);
            ex.close();
            return;
        }
        if (path.startsWith("/ssu/fo/instance/") && "GET".equals(ex.getRequestMethod())) {
            byte[] act = acts.get(path);
            if (act == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                byte[] b64 = java.util.Base64.getEncoder().encode(act);
                ex.getResponseHeaders().set("Content-Type", "text/plain");
                ex.sendResponseHeaders(200, b64.length);
                ex.getResponseBody().write(b64);
            }
            ex.close();
            return;
        }
        switch (path) {
            case "/ssu/fo/send_instance" -> {
                JsonNode body = Json.parse(in);
                String uuid = body.at("/cui/uuid").asText();
                String version = body.path("instance_descriptor_version").asText();
                ssuPratiche.putIfAbsent(uuid, new SsuPratica());
                received.incrementAndGet();
                gatewayOutbox.execute(() -> play(sample(uuid), version));
            }
            case "/ssu/fo/cancel_instance" -> {
                String uuid = Json.parse(in).path("uuid").asText();
                gatewayOutbox.execute(() -> conclude(sample(uuid), "end_by_submitter_cancel_requested"));
            }
            case "/ssu/fo/notify_receipt" -> { }
            case "/api/pratiche" -> {
                String uuid = ex.getRequestURI().getQuery().replace("cui=", "");
                ArrayNode arr = Json.MAPPER.createArrayNode();
                SsuPratica p = ssuPratiche.get(uuid);
                if (p != null) {
                    arr.addObject().put("id", "p-" + uuid).put("cuiUuid", uuid).put("state", p.state).put("final", p.fin);
                }
                out = arr;
            }
            case "/api/stats" -> out = Json.object().put("received", received.get()).put("frontOfficeNotified", 0);
            default -> {
                ex.sendResponseHeaders(404, -1);
                ex.close();
                return;
            }
        }
        if (out == null) {
            ex.sendResponseHeaders(200, -1);
        } else {
            byte[] b = Json.bytes(out);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
        }
        ex.close();
    }

    private static void reply(HttpExchange ex, JsonNode body) throws IOException {
        byte[] b = Json.bytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    // ------------------------------------------------------------------ fake SSU channel of the gateway

    /** What the fake gateway knows of an SSU pratica. */
    static final class SsuPratica {
        volatile String state = "presented";
        volatile boolean fin;
    }

    /**
     * The BO's side of each scenario: version 1 of a correction / integration (-expired) sample gets a request_correction
     * / request_integration (integration-expired: then the expiry), a cancel sample waits for cancel_instance, the others
     * (and every later version) are concluded with the expected outcome.
     */
    private void play(SampleInstances.Sample s, String version) {
        if (!"1".equals(version) || skipRequests.contains(s.cuiUuid())) {
            if (!SampleInstances.CANCEL.equals(s.scenario())) {
                conclude(s, s.expectedOutcome());
            }
            return;
        }
        switch (s.scenario()) {
            case SampleInstances.CORRECTION -> {
                ObjectNode r = Json.object();
                r.set("cui", s.cui().deepCopy());
                r.put("instance_descriptor_version", version);
                r.putArray("correction_list").addObject().put("code", s.procedureCode()).put("ref", "planimetria_locali.pdf")
                        .put("correction_request", "Firmare digitalmente la planimetria").put("correction_requested", "Firmare digitalmente la planimetria");
                ssuPratiche.get(s.cuiUuid()).state = "correction_requested";
                toFo("/request_correction", r);
            }
            case SampleInstances.INTEGRATION, SampleInstances.INTEGRATION_SSU, SampleInstances.INTEGRATION_EXPIRED -> {
                ObjectNode r = Json.object();
                r.set("cui", s.cui().deepCopy());
                r.put("instance_descriptor_version", version);
                r.putArray("integration_list").addObject().put("code", s.proceedingCodes().get(1)).put("ref", "#/usecase_proceedings/1/instance")
                        .putArray("integration_request").addObject().put("request", "Relazione igienico-sanitaria aggiornata");
                ssuPratiche.get(s.cuiUuid()).state = "integration_requested";
                toFo("/request_integration", r);
                if (SampleInstances.INTEGRATION_EXPIRED.equals(s.scenario())) {
                    sleep(200);
                    conclude(s, "end_by_integration_times_expired");
                }
            }
            case SampleInstances.CANCEL -> ssuPratiche.get(s.cuiUuid()).state = "in_istruttoria";
            case SampleInstances.CDSS -> {
                ObjectNode n = Json.object();
                n.set("cui", s.cui().deepCopy());
                n.put("instance_descriptor_version", version).put("event", "cdss_convened");
                ssuPratiche.get(s.cuiUuid()).state = "cdss_convened";
                toFo("/notify", n);
                conclude(s, s.expectedOutcome());
            }
            default -> conclude(s, s.expectedOutcome());
        }
    }

    /** The pratica turns final first, then the FO is notified (with the act, for the events that carry one). */
    private void conclude(SampleInstances.Sample s, String expectedEvent) {
        String event = outcomeByCui.getOrDefault(s.cuiUuid(), expectedEvent);
        SsuPratica p = ssuPratiche.get(s.cuiUuid());
        p.state = "end_by_instance_refused".equals(event) ? "refused" : event.replace("end_by_", "ended_by_");
        p.fin = true;
        ObjectNode n = Json.object();
        n.set("cui", s.cui().deepCopy());
        n.put("instance_descriptor_version", "1").put("event", event);
        if (DemoDriver.carriesAct(event)) {
            byte[] act = ("%PDF-1.4 provvedimento " + event + " " + s.cuiUuid()).getBytes(StandardCharsets.US_ASCII);
            acts.put("/ssu/fo/instance/" + s.cuiUuid() + "/document/atto-1", act);
            n.put("resource_id", "atto-1").put("hash", Json.sha256(wrongActHash.contains(s.cuiUuid()) ? new byte[]{1} : act)).put("alg_hash", "S256");
        }
        sleep(50);
        if (event.equals(s.expectedOutcome())) {
            replayPeers(s);
        }
        toFo("/notify", n);
    }

    // ------------------------------------------------------------------ fake SSU channel of the enti terzi and the Registro Imprese

    private final Map<String, EnteSsuSimulator> entiTerzi = new ConcurrentHashMap<>();
    private RegistroImpreseSimulator registroImprese;
    private final List<String> peerCalls = new CopyOnWriteArrayList<>();
    /** Test knob: CUIs for which the fake gateway also sends citta-metropolitana a notify it should not. */
    private final Set<String> strayCittaNotify = ConcurrentHashMap.newKeySet();
    /** Test knob: CUIs whose last message to the Registro Imprese the fake gateway forgets. */
    private final Set<String> forgetLastRiMessage = ConcurrentHashMap.newKeySet();

    private void startPeers() {
        for (String code : List.of(EnteSsuSimulator.ARPA_LOMBARDIA, EnteSsuSimulator.CITTA_METROPOLITANA)) {
            EnteSsuSimulator et = new EnteSsuSimulator(code, 0, fo.gatewayBaseUrl());
            et.setFetchDelay(Duration.ofMillis(10));
            et.start();
            entiTerzi.put(code, et);
        }
        registroImprese = new RegistroImpreseSimulator(0, fo.gatewayBaseUrl());
        registroImprese.setFetchDelay(Duration.ofMillis(10));
        registroImprese.start();
    }

    /** A document of a pratica, of any version the FO made. */
    private byte[] document(String uuid, String resourceId) {
        byte[] d = sample(uuid).documents().get(resourceId);
        SampleInstances.Sample latest = fo.sample(uuid);
        return d != null || latest == null ? d : latest.documents().get(resourceId);
    }

    /** What the gateway would send the enti terzi and the Registro Imprese for a pratica: the sample's expected sequences. */
    private void replayPeers(SampleInstances.Sample s) {
        s.expectedEtMessages().forEach((code, messages) -> {
            EnteSsuSimulator et = entiTerzi.get(code);
            if (et != null) {
                messages.forEach(m -> toPeer(et.baseUrl(), m, s, false));
            }
        });
        if (strayCittaNotify.contains(s.cuiUuid())) {
            toPeer(entiTerzi.get(EnteSsuSimulator.CITTA_METROPOLITANA).baseUrl(), "notify:" + s.expectedOutcome(), s, false);
        }
        if (registroImprese != null) {
            List<String> ri = s.expectedRiMessages();
            int n = forgetLastRiMessage.contains(s.cuiUuid()) ? ri.size() - 1 : ri.size();
            ri.subList(0, Math.max(0, n)).forEach(m -> toPeer(registroImprese.baseUrl(), m, s, true));
        }
    }

    private void toPeer(String baseUrl, String message, SampleInstances.Sample s, boolean registroImprese) {
        String[] kv = message.split(":");
        ObjectNode body;
        if ("send_instance".equals(kv[0])) {
            int version = Integer.parseInt(kv[1].substring(1));
            SampleInstances.Sample v = version == 1 ? s : fo.sample(s.cuiUuid());
            assertThat(v.version()).as(message).isEqualTo(version);
            body = v.sendInstanceBody().deepCopy();
            if (registroImprese) {
                body.set("instance_status", v.descriptor().get("instance_status").deepCopy());
            }
        } else {
            body = Json.object();
            body.set("cui", s.cui().deepCopy());
            body.put("instance_descriptor_version", "1").put("event", kv[1]);
            if ("cdss_convened".equals(kv[1])) {
                body.put("cdss_channel", "videoconferenza https://conferenze.comune.milano.it/x")
                        .put("cdss_convocation", LocalDate.now().plusDays(10).toString());
            }
        }
        try {
            HttpResponse<String> r = TestSupport.post(baseUrl + "/" + kv[0], Json.write(body));
            assertThat(r.statusCode()).as(message + " " + r.body()).isEqualTo(200);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void toFo(String path, JsonNode body) {
        try {
            HttpResponse<String> r = TestSupport.post(fo.baseUrl() + path, Json.write(body));
            assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private SampleInstances.Sample sample(String uuid) {
        for (int i = 0; i < 40; i++) {
            if (samples.get(i).cuiUuid().equals(uuid)) {
                return samples.get(i);
            }
        }
        throw new IllegalStateException("unknown CUI " + uuid);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ fake OSP channel of the gateway

    /** What the fake gateway knows of an OSP pratica: state, checklist items and pareri (ente, round). */
    static final class OspPratica {
        volatile String state = "IN_ISTRUTTORIA";
        volatile boolean fin;
        final List<String[]> checklist = new CopyOnWriteArrayList<>();
        final List<String[]> pareri = new CopyOnWriteArrayList<>();

        OspPratica check(int round, String codice, String esito) {
            checklist.add(new String[]{codice, esito, String.valueOf(round)});
            return this;
        }

        OspPratica parere(int round, String ente) {
            pareri.add(new String[]{ente, String.valueOf(round)});
            return this;
        }

        JsonNode detail() {
            ObjectNode d = Json.object().put("state", state).put("final", fin);
            ArrayNode c = d.putArray("checklist");
            checklist.forEach(v -> c.addObject().put("codice", v[0]).put("esito", v[1]).put("evidenza", "...").put("round", Integer.parseInt(v[2])));
            ArrayNode p = d.putArray("pareri");
            pareri.forEach(v -> p.addObject().put("ente_code", v[0]).put("round", Integer.parseInt(v[1])).put("status", "ANSWERED"));
            return d;
        }
    }

    private static final String OSP_1 = "GP-2026-000101";
    private static final String OSP_2 = "GP-2026-000102";
    private final Map<String, OspPratica> ospPratiche = new ConcurrentHashMap<>();
    /** Test knobs: the fake gateway's morosità result for OSP_2 and whether it registers OSP_1's concession in OSAPI. */
    private volatile String morositaOsp2 = "FAIL";
    private volatile boolean registerConcessione = true;
    private GeopostSimulator geopost;
    private OsapiSimulator osapi;
    private GeriSimulator geri;

    /**
     * OSP_1: checklist with ALLEGATI_OBBLIGATORI FAIL → RICHIESTA_INTEGRAZIONE; its INTEGRAZIONE → concession in OSAPI,
     * final positive, then CONCESSIONE to GEOPOST. OSP_2: final negative, then DINIEGO. A known istanza is DUPLICATO.
     */
    private JsonNode geopostEvent(JsonNode event) {
        String tipo = event.path("tipo").asText();
        String id = "ISTANZA".equals(tipo) ? event.at("/istanza/idIstanza").asText() : event.at("/integrazione/idIstanza").asText();
        if ("ISTANZA".equals(tipo)) {
            if (ospPratiche.containsKey(id)) {
                return Json.object().put("esito", "DUPLICATO");
            }
            OspPratica p = new OspPratica();
            ospPratiche.put(id, p);
            if (OSP_1.equals(id)) {
                p.check(1, "OSAPI_PRECEDENTI", "PASS").check(1, "ALLEGATI_OBBLIGATORI", "FAIL").check(1, "MOROSITA_CANONE", "PASS")
                        .parere(1, "polizia-locale").parere(1, "arredo-urbano");
                gatewayOutbox.execute(() -> toGeopost(id, "RICHIESTA_INTEGRAZIONE"));
            } else {
                p.check(1, "OSAPI_PRECEDENTI", "FAIL").check(1, "ALLEGATI_OBBLIGATORI", "FAIL").check(1, "MOROSITA_CANONE", morositaOsp2)
                        .parere(1, "mobilita").parere(1, "polizia-locale");
                p.state = "ended_by_negative_outcome";
                p.fin = true;
                gatewayOutbox.execute(() -> toGeopost(id, "DINIEGO"));
            }
        } else if (OSP_1.equals(id)) {
            OspPratica p = ospPratiche.get(id);
            p.check(2, "ALLEGATI_OBBLIGATORI", "PASS").check(2, "MOROSITA_CANONE", "PASS").parere(2, "arredo-urbano");
            if (registerConcessione) {
                try {
                    TestSupport.post(osapi.baseUrl() + "/api/concessioni", Json.write(OsapiSimulatorTest.concessione(id)));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            p.state = "ended_by_positive_outcome";
            p.fin = true;
            gatewayOutbox.execute(() -> toGeopost(id, "CONCESSIONE"));
        }
        return Json.object().put("esito", "ACCETTATO").put("idPratica", UUID.randomUUID().toString());
    }

    private void toGeopost(String id, String tipo) {
        try {
            TestSupport.post(geopost.baseUrl() + "/api/istanze/" + id + "/comunicazioni", Json.write(GeopostSimulatorTest.comunicazione(tipo)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void startOsp() {
        if (geopost != null) {
            geopost.stop();
            osapi.stop();
            geri.stop();
        }
        geopost = new GeopostSimulator(0, fo.gatewayBaseUrl());
        osapi = new OsapiSimulator(0, TestSupport.osp("fixtures/osapi.json"));
        geri = new GeriSimulator(0, TestSupport.osp("fixtures/geri.json"));
        geopost.start();
        osapi.start();
        geri.start();
    }

    @Test
    void ospCasesAreLoadedWithTheirExpectedEntries() {
        List<OspCase> cases = OspCase.loadAll(TestSupport.osp(""));
        assertThat(cases).extracting(OspCase::name).containsExactly("01-bar-garibaldi", "02-fioriere-dante");
        OspCase first = cases.get(0);
        assertThat(first.idIstanza()).isEqualTo(OSP_1);
        assertThat(first.checklist()).containsEntry("ALLEGATI_OBBLIGATORI", "FAIL").hasSize(3);
        assertThat(first.entiPerRound()).containsExactly(List.of("arredo-urbano", "polizia-locale"), List.of("arredo-urbano"));
        assertThat(first.rounds()).isEqualTo(2);
        assertThat(first.comunicazioni()).containsExactly("RICHIESTA_INTEGRAZIONE", "CONCESSIONE");
        assertThat(first.concessioneOsapi()).isTrue();
        assertThat(first.canoneGeri()).isFalse();
        assertThat(OspCase.loadAll(TestSupport.osp("fixtures"))).isEmpty();
    }

    @Test
    void ospIstanzeAreFiledThroughGeopostAndCompared() {
        startOsp();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        List<OspCase> cases = OspCase.loadAll(TestSupport.osp(""));
        DemoDriver.DemoResult result = driver(buf).osp(geopost, osapi, geri, cases).run(0, Duration.ofSeconds(30));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(result.allFinalAsExpected()).as(out).isTrue();
        assertThat(result.osp()).hasSize(2).allSatisfy(o -> {
            assertThat(o.ok()).as(String.valueOf(o.differences())).isTrue();
            assertThat(o.alreadyFinal()).isFalse();
            assertThat(o.push()).contains("push HTTP 200 ACCETTATO");
        });
        assertThat(result.osp().get(0).comunicazioni()).containsExactly("RICHIESTA_INTEGRAZIONE", "CONCESSIONE");
        assertThat(result.ospMillis()).isPositive();
        assertThat(geopost.events()).extracting(GeopostSimulator.Event::tipo).containsExactly("ISTANZA", "INTEGRAZIONE", "ISTANZA");
        assertThat(osapi.concessioni()).containsOnlyKeys(OSP_1);
        assertThat(out).contains("=== OSP batch: 2 istanze", "[osp submit 1/2]", "1 integration(s) registered", "[osp final 2/2]",
                "OSP istanze (GEOPOST):", "OSP batch time:", "2/2 as expected", "OSP 2/2 final", "ALL AS EXPECTED");
        assertThat(out).doesNotContain("0/0 final");

        // a second demo run (new simulators) on the same gateway data: already final, only what the gateway keeps is compared
        startOsp();
        ByteArrayOutputStream buf2 = new ByteArrayOutputStream();
        DemoDriver.DemoResult rerun = driver(buf2).osp(geopost, osapi, geri, cases).run(0, Duration.ofSeconds(30));
        assertThat(rerun.allFinalAsExpected()).as(buf2.toString(StandardCharsets.UTF_8)).isTrue();
        assertThat(rerun.osp()).allSatisfy(o -> {
            assertThat(o.alreadyFinal()).isTrue();
            assertThat(o.push()).contains("DUPLICATO");
        });
        assertThat(geopost.tipiComunicazioni(OSP_1)).isEmpty();
    }

    @Test
    void ospDifferencesAreReported() {
        morositaOsp2 = "PASS";
        registerConcessione = false;
        startOsp();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DemoDriver.DemoResult result = driver(buf).comunicazioniGrace(Duration.ofMillis(300))
                .osp(geopost, osapi, geri, OspCase.loadAll(TestSupport.osp(""))).run(0, Duration.ofSeconds(30));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(result.allFinalAsExpected()).as(out).isFalse();
        assertThat(result.osp().get(0).differences()).containsExactly("no OSAPI concessione");
        assertThat(result.osp().get(1).differences()).containsExactly("checklist MOROSITA_CANONE PASS expected FAIL");
        assertThat(out).contains("MISMATCH: no OSAPI concessione", "MISMATCH: checklist MOROSITA_CANONE PASS expected FAIL",
                "0/2 as expected", "NOT AS EXPECTED");
    }

    @Test
    void ospDifferencesCoverEveryExpectedField() {
        OspCase c = OspCase.loadAll(TestSupport.osp("")).get(0);
        OspPratica p = new OspPratica().check(1, "OSAPI_PRECEDENTI", "WARN").check(1, "ALLEGATI_OBBLIGATORI", "FAIL")
                .check(1, "MOROSITA_CANONE", "PASS").check(1, "DECORO_URBANO", "WARN").check(3, "MOROSITA_CANONE", "PASS")
                .parere(1, "polizia-locale").parere(2, "arredo-urbano").parere(2, "mercati");
        List<String> d = DemoDriver.ospDifferences(c, "ended_by_negative_outcome", p.detail(), List.of("DINIEGO"), Set.of(), Set.of(OSP_1));
        assertThat(d).containsExactly(
                "state ended_by_negative_outcome expected ended_by_positive_outcome",
                "checklist DECORO_URBANO WARN expected none",
                "checklist OSAPI_PRECEDENTI WARN expected PASS",
                "enti round 1 [polizia-locale] expected [arredo-urbano, polizia-locale]",
                "enti round 2 [arredo-urbano, mercati] expected [arredo-urbano]",
                "rounds 3 expected 2",
                "GEOPOST comunicazioni [DINIEGO] expected [RICHIESTA_INTEGRAZIONE, CONCESSIONE]",
                "no OSAPI concessione",
                "unexpected GERI canone");
        assertThat(DemoDriver.ospDifferences(c, "ENDED_BY_POSITIVE_OUTCOME", null, null, null, null))
                .containsExactly("detail GET /api/pratiche/{id} not available");
    }

    // ------------------------------------------------------------------ fake legacy channel of the gateway

    /** What the fake gateway knows of a legacy pratica. */
    static final class LegacyPratica {
        volatile String state = "RICEVUTA";
        volatile boolean fin;
    }

    private final Map<String, LegacyPratica> legacyPratiche = new ConcurrentHashMap<>();
    /** codice → final state the fake gateway reaches; a codice in {@link #faultFor} is refused with a Fault. */
    private final Map<String, String> esitoFor = new ConcurrentHashMap<>(Map.of(
            "10000000156-20112026-1030", "ended_by_positive_outcome", "10000000156-21112026-0900", "ended_by_negative_outcome"));
    private final Set<String> faultFor = ConcurrentHashMap.newKeySet();
    private final Set<String> noRilascio = ConcurrentHashMap.newKeySet();
    private final AtomicInteger legacyPosts = new AtomicInteger();
    private final ExecutorService gatewayOutbox = Executors.newSingleThreadExecutor();
    private ScrivaniaSimulator scrivania;

    /**
     * inviaSUAPEnte: a new pratica (condivisione) of 20112026-1030 gets a richiesta-integrazione, then the
     * integration makes it final with a rilascio-provvedimento; other pratiche go final at once and get the
     * rilascio-provvedimento afterwards (final before the comunicazione is delivered). Repeats change nothing.
     */
    private void legacyPost(HttpExchange ex, byte[] in) throws IOException {
        legacyPosts.incrementAndGet();
        String ct = ex.getRequestHeaders().getFirst("Content-Type");
        Document doc = SoapSupport.parse(SoapSupport.isMultipart(ct) ? SoapSupport.rootPart(in, ct) : in);
        String codice = SoapSupport.text(SoapSupport.descendant(doc, "codice-pratica"));
        String tipo = SoapSupport.descendant(doc, "oggetto-comunicazione").getAttribute("tipo-cooperazione");
        String envelope;
        int status = 200;
        if (faultFor.contains(codice)) {
            envelope = SoapSupport.fault("soap:Client", "pratica " + codice + " rifiutata");
            status = 500;
        } else {
            envelope = SoapSupport.envelope("<ns2:inviaSUAPEnteResponse xmlns:ns2=\"" + SoapSupport.SCRIVANIA_NS
                    + "\"><return>Ok</return></ns2:inviaSUAPEnteResponse>");
            LegacyPratica p = legacyPratiche.get(codice);
            if (p == null && "condivisione".equals(tipo)) {
                LegacyPratica created = new LegacyPratica();
                legacyPratiche.put(codice, created);
                if ("10000000156-20112026-1030".equals(codice)) {
                    created.state = "INTEGRAZIONE_RICHIESTA";
                    gatewayOutbox.execute(() -> sendToScrivania(codice, "richiesta-integrazione"));
                } else {
                    conclude(codice, created);
                }
            } else if (p != null && "integrazione-documentale".equals(tipo) && !p.fin) {
                conclude(codice, p);
            }
        }
        byte[] b = envelope.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/xml;charset=UTF-8");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    private void conclude(String codice, LegacyPratica p) {
        p.state = esitoFor.get(codice);
        p.fin = true;
        if (!noRilascio.contains(codice)) {
            gatewayOutbox.execute(() -> sendToScrivania(codice, "rilascio-provvedimento"));
        }
    }

    private void sendToScrivania(String codice, String tipo) {
        try {
            TestSupport.HTTP.send(HttpRequest.newBuilder(URI.create(scrivania.address()))
                    .header("Content-Type", "text/xml; charset=UTF-8")
                    .POST(HttpRequest.BodyPublishers.ofString(ScrivaniaSimulatorTest.enteSuap(codice, tipo))).build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<ScrivaniaCase> legacyCases() throws Exception {
        return List.of(ScrivaniaCase.load(ScrivaniaSimulatorTest.resource("case-01")),
                ScrivaniaCase.load(ScrivaniaSimulatorTest.resource("case-02")));
    }

    private ScrivaniaSimulator startScrivania() {
        if (scrivania != null) {
            scrivania.stop();
        }
        scrivania = new ScrivaniaSimulator(0, fo.gatewayBaseUrl());
        scrivania.start();
        return scrivania;
    }

    @Test
    void legacyCasesAreCheckedForStateAndComunicazioni() throws Exception {
        List<ScrivaniaCase> cases = legacyCases();
        assertThat(cases.get(0).comunicazioni()).containsExactly("richiesta-integrazione", "rilascio-provvedimento");
        ScrivaniaSimulator sim = startScrivania();
        cases.forEach(c -> sim.registerCase(c.dir()));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DemoDriver.DemoResult result = driver(buf).legacy(sim, cases).run(1, Duration.ofSeconds(30));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(result.allFinalAsExpected()).as(out).isTrue();
        assertThat(result.legacy()).hasSize(2).allSatisfy(o -> {
            assertThat(o.ok()).isTrue();
            assertThat(o.alreadyFinal()).isFalse();
            assertThat(o.comunicazioni()).isEqualTo(o.legacyCase().comunicazioni());
        });
        assertThat(result.legacy().get(1).state()).isEqualTo("ended_by_negative_outcome");
        assertThat(sim.integrations()).hasSize(1);
        assertThat(legacyPosts.get()).isEqualTo(3); // two cases + the integration
        assertThat(out).contains("[submit 1/1]", "[legacy post 1/2]", "[legacy final 2/2]", "legacy pratiche (scrivania SUAP):",
                "legacy 2/2 final", "ALL AS EXPECTED");

        // a second demo run (new simulator process) on the same gateway data: already final, nothing new, still OK
        ScrivaniaSimulator again = startScrivania();
        ByteArrayOutputStream buf2 = new ByteArrayOutputStream();
        DemoDriver.DemoResult rerun = driver(buf2).legacy(again, cases).run(0, Duration.ofSeconds(30));
        assertThat(rerun.allFinalAsExpected()).as(buf2.toString(StandardCharsets.UTF_8)).isTrue();
        assertThat(rerun.legacy()).allSatisfy(o -> assertThat(o.alreadyFinal()).isTrue());
        assertThat(again.received()).isEmpty();
        assertThat(legacyPosts.get()).isEqualTo(5);
        assertThat(buf2.toString(StandardCharsets.UTF_8)).doesNotContain("=== batch:").contains("already final");
    }

    @Test
    void legacyFaultsAndMissingComunicazioniAreReported() throws Exception {
        faultFor.add("10000000156-20112026-1030");
        noRilascio.add("10000000156-21112026-0900");
        ScrivaniaSimulator sim = startScrivania();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DemoDriver.DemoResult result = driver(buf).comunicazioniGrace(Duration.ofMillis(300)).legacy(sim, legacyCases())
                .run(0, Duration.ofSeconds(20));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(result.allFinalAsExpected()).as(out).isFalse();
        DemoDriver.LegacyOutcome refused = result.legacy().get(0);
        assertThat(refused.posted()).isFalse();
        assertThat(refused.post()).contains("fault: pratica 10000000156-20112026-1030 rifiutata");
        DemoDriver.LegacyOutcome silent = result.legacy().get(1);
        assertThat(silent.reachedFinal()).isTrue();
        assertThat(silent.state()).isEqualTo("ended_by_negative_outcome");
        assertThat(silent.comunicazioni()).isEmpty();
        assertThat(silent.ok()).isFalse();
        assertThat(out).contains("NOT POSTED", "expected [rilascio-provvedimento]", "NOT AS EXPECTED");
    }

    @Test
    void expectedOutcomeMatchesEventOrSsuState() {
        assertThat(DemoDriver.matchesExpected("ended_by_positive_outcome", "end_by_positive_outcome")).isTrue();
        assertThat(DemoDriver.matchesExpected("END_BY_POSITIVE_OUTCOME", "end_by_positive_outcome")).isTrue();
        assertThat(DemoDriver.matchesExpected("ended_by_negative_outcome", "end_by_positive_outcome")).isFalse();
        assertThat(DemoDriver.matchesExpected(null, "end_by_positive_outcome")).isFalse();
        assertThat(DemoDriver.matchesExpected("refused", "end_by_instance_refused")).isTrue();
        assertThat(DemoDriver.matchesExpected("REFUSED", "end_by_instance_refused")).isTrue();
        assertThat(samples.get(2).expectedState()).isEqualTo("ended_by_conformation_requested");
    }

    private DemoDriver driver(ByteArrayOutputStream buf) {
        return new DemoDriver(fo.gatewayBaseUrl(), catalogo, fo, samples, new PrintStream(buf, true, StandardCharsets.UTF_8))
                .pollInterval(Duration.ofMillis(50))
                .counter("test counter", () -> 42);
    }

    @Test
    void batchPlaysEveryScenario() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DemoDriver.DemoResult result = driver(buf).comunicazioniGrace(Duration.ofSeconds(5)).run(10, Duration.ofSeconds(30));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(result.allFinalAsExpected()).as(out).isTrue();
        assertThat(result.finalStates()).hasSize(10)
                .containsEntry(samples.get(2).cuiUuid(), "ended_by_conformation_requested")
                .containsEntry(samples.get(3).cuiUuid(), "ended_by_negative_outcome")
                .containsEntry(samples.get(5).cuiUuid(), "refused");
        assertThat(result.ssu()).hasSize(10).allSatisfy(o -> {
            assertThat(o.ok()).as(o.sample() + " " + o.foMessages()).isTrue();
            assertThat(o.foMessages()).isEqualTo(o.sample().expectedFoMessages());
            String last = o.sample().expectedOutcome();
            assertThat(o.act()).as(o.sample().toString()).isEqualTo(DemoDriver.carriesAct(last) ? "verified" : "n/a");
        });
        // the corrected and the integrated instance reached the Catalogo before the gateway (version 2)
        assertThat(catalogo.descriptor(samples.get(4).cuiUuid()).get("version").asInt()).isEqualTo(2);
        assertThat(catalogo.descriptor(samples.get(6).cuiUuid()).get("version").asInt()).isEqualTo(2);
        assertThat(catalogo.descriptor(samples.get(7).cuiUuid()).get("version").asInt()).as("never integrated").isEqualTo(1);
        assertThat(fo.cancellations(samples.get(8).cuiUuid())).hasSize(1);
        assertThat(result.millis()).isPositive();
        assertThat(out).contains("[submit 10/10]", "[final 10/10]", "received", "test counter", "42", "batch wall time",
                "FO [request_correction, notify:end_by_proceeding_time_expired] OK", "act verified", "10/10 as expected", "ALL AS EXPECTED");
        assertThat(out).containsPattern("FO new versions sent\\s+2\\n").containsPattern("FO cancellations\\s+1\\n")
                .containsPattern("FO acts verified\\s+5\\n");
    }

    @Test
    void wrongOutcomeIsReported() {
        outcomeByCui.put(samples.get(1).cuiUuid(), "end_by_negative_outcome");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DemoDriver.DemoResult result = driver(buf).comunicazioniGrace(Duration.ofMillis(300)).run(2, Duration.ofSeconds(20));
        assertThat(result.allFinalAsExpected()).isFalse();
        assertThat(result.finalStates()).containsEntry(samples.get(1).cuiUuid(), "ended_by_negative_outcome");
        assertThat(result.ssu().get(1).stateOk()).isFalse();
        assertThat(result.ssu().get(0).ok()).isTrue();
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("MISMATCH", "NOT AS EXPECTED");
    }

    @Test
    void aWrongMessageSequenceIsReportedEvenWithTheRightState() {
        skipRequests.add(samples.get(4).cuiUuid());
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DemoDriver.DemoResult result = driver(buf).comunicazioniGrace(Duration.ofMillis(300)).firstIndex(4).run(1, Duration.ofSeconds(20));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(result.allFinalAsExpected()).as(out).isFalse();
        DemoDriver.SsuOutcome o = result.ssu().get(0);
        assertThat(o.stateOk()).isTrue();
        assertThat(o.messagesOk()).isFalse();
        assertThat(o.foMessages()).containsExactly("notify:end_by_proceeding_time_expired");
        assertThat(out).contains("expected [request_correction, notify:end_by_proceeding_time_expired] MISMATCH", "0/1 as expected",
                "NOT AS EXPECTED");
    }

    @Test
    void anActThatDoesNotMatchItsHashIsReported() {
        wrongActHash.add(samples.get(1).cuiUuid());
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DemoDriver.DemoResult result = driver(buf).comunicazioniGrace(Duration.ofSeconds(2)).firstIndex(1).run(1, Duration.ofSeconds(20));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(result.ssu().get(0).act()).startsWith("NOT VERIFIED: hash mismatch");
        assertThat(out).contains("act NOT VERIFIED");
        assertThat(fo.actVerified(samples.get(1).cuiUuid())).isFalse();
    }

    @Test
    void theEntiTerziAndTheRegistroImpreseAreJudgedOnWhatTheyReceive() {
        startPeers();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DemoDriver.DemoResult result = driver(buf).enteTerzo(entiTerzi.get("arpa-lombardia")).enteTerzo(entiTerzi.get("citta-metropolitana"))
                .registroImprese(registroImprese).comunicazioniGrace(Duration.ofSeconds(5)).firstIndex(10).run(4, Duration.ofSeconds(30));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(result.allFinalAsExpected()).as(out).isTrue();
        assertThat(result.ssu()).hasSize(4).allSatisfy(o -> {
            assertThat(o.ok()).as(o.sample() + " " + o.etMessages() + " " + o.riMessages()).isTrue();
            assertThat(o.peersOk()).isTrue();
            assertThat(o.unsimulatedEnti()).isEmpty();
        });
        SampleInstances.Sample integration = samples.get(11);
        assertThat(result.ssu().get(1).etMessages()).containsEntry("arpa-lombardia",
                List.of("send_instance:v1", "send_instance:v2", "notify:end_by_positive_outcome")).containsEntry("citta-metropolitana", List.of());
        assertThat(result.ssu().get(2).foMessages()).containsExactly("notify:cdss_convened", "notify:end_by_positive_outcome");
        assertThat(result.ssu().get(3).riMessages()).containsExactly("send_instance:v1", "notify:end_by_proceeding_time_expired");
        assertThat(out).contains(
                "ET arpa-lombardia [send_instance:v1, notify:end_by_positive_outcome] OK",
                "ET arpa-lombardia [send_instance:v1, send_instance:v2, notify:end_by_positive_outcome] OK",
                "ET citta-metropolitana [send_instance:v1, notify:cdss_convened, notify:end_by_positive_outcome] OK",
                "RI [send_instance:v1, notify:end_by_proceeding_time_expired] OK",
                "4/4 as expected (state and FO, ET, RI messages)", "ALL AS EXPECTED");
        // the enti terzi played their rules against the fake gateway: ARPA asked for the integration, then gave its parere
        await().atMost(Duration.ofSeconds(10)).until(() -> entiTerzi.get("arpa-lombardia").decisions(integration.cuiUuid()).size() == 2);
        assertThat(entiTerzi.get("arpa-lombardia").decisions(integration.cuiUuid())).containsExactlyInAnyOrder("v1:integrazione", "v2:positivo"); // the fake gateway sends v2 at once
        assertThat(entiTerzi.get("citta-metropolitana").decisions(samples.get(12).cuiUuid())).containsExactly("v1:cdss");
        await().atMost(Duration.ofSeconds(10)).until(() -> peerCalls.contains("/ssu/et/request_cdss"));
        assertThat(entiTerzi.get("arpa-lombardia").documentMismatches() + entiTerzi.get("arpa-lombardia").documentFailures()).isZero();
        assertThat(registroImprese.documentFailures() + registroImprese.documentMismatches()).isZero();
    }

    @Test
    void aWrongSequenceOfAnEnteTerzoOrOfTheRegistroImpreseIsNotAsExpected() {
        startPeers();
        strayCittaNotify.add(samples.get(10).cuiUuid());
        forgetLastRiMessage.add(samples.get(13).cuiUuid());
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        // ARPA is not simulated this time: reported, not judged
        DemoDriver.DemoResult result = driver(buf).enteTerzo(entiTerzi.get("citta-metropolitana")).registroImprese(registroImprese)
                .comunicazioniGrace(Duration.ofMillis(300)).firstIndex(10).run(4, Duration.ofSeconds(30));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(result.allFinalAsExpected()).as(out).isFalse();
        DemoDriver.SsuOutcome stray = result.ssu().get(0);
        assertThat(stray.stateOk()).isTrue();
        assertThat(stray.messagesOk()).isTrue();
        assertThat(stray.peersOk()).isFalse();
        assertThat(stray.ok()).isFalse();
        assertThat(stray.unsimulatedEnti()).containsExactly("arpa-lombardia");
        assertThat(result.ssu().get(1).ok()).as("ARPA not simulated: not judged").isTrue();
        assertThat(result.ssu().get(2).ok()).isTrue();
        assertThat(result.ssu().get(3).peersOk()).isFalse();
        assertThat(out).contains(
                "ET citta-metropolitana [notify:end_by_positive_outcome] expected [] MISMATCH",
                "ET arpa-lombardia not simulated (expected [send_instance:v1, notify:end_by_positive_outcome])",
                "RI [send_instance:v1] expected [send_instance:v1, notify:end_by_proceeding_time_expired] MISMATCH",
                "2/4 as expected (state and FO, ET, RI messages)", "NOT AS EXPECTED");
    }
}
