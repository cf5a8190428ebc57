package it.comune.milano.suapgw.simulators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** DemoDriver against a minimal fake gateway (send_instance, /api/pratiche, /api/stats, PddServiceEnte for the legacy batch). */
class DemoDriverTest {

    private final SampleInstances samples = TestSupport.samples();
    private final Map<String, String> outcomeByCui = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> polls = new ConcurrentHashMap<>();
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
        catalogo.start();
        fo.start();
    }

    @AfterEach
    void stop() {
        if (scrivania != null) {
            scrivania.stop();
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
        switch (path) {
            case "/ssu/fo/send_instance" -> {
                JsonNode body = Json.parse(in);
                String uuid = body.at("/cui/uuid").asText();
                // a pratica reaches the expected outcome, except when the test overrides it
                outcomeByCui.putIfAbsent(uuid, expected(uuid).replace("end_by_", "ended_by_"));
                received.incrementAndGet();
            }
            case "/ssu/fo/notify_receipt" -> { }
            case "/api/pratiche" -> {
                String uuid = ex.getRequestURI().getQuery().replace("cui=", "");
                ArrayNode arr = Json.MAPPER.createArrayNode();
                if (outcomeByCui.containsKey(uuid)) {
                    boolean fin = polls.computeIfAbsent(uuid, k -> new AtomicInteger()).incrementAndGet() > 1;
                    arr.addObject().put("id", "p-" + uuid).put("cuiUuid", uuid)
                            .put("state", fin ? outcomeByCui.get(uuid) : "PARERI_RICHIESTI").put("final", fin);
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

    private String expected(String uuid) {
        for (int i = 0; i < 16; i++) {
            if (samples.get(i).cuiUuid().equals(uuid)) {
                return samples.get(i).expectedOutcome();
            }
        }
        return "unknown";
    }

    @Test
    void expectedOutcomeMatchesEventOrSsuState() {
        assertThat(DemoDriver.matchesExpected("ended_by_positive_outcome", "end_by_positive_outcome")).isTrue();
        assertThat(DemoDriver.matchesExpected("END_BY_POSITIVE_OUTCOME", "end_by_positive_outcome")).isTrue();
        assertThat(DemoDriver.matchesExpected("ended_by_negative_outcome", "end_by_positive_outcome")).isFalse();
        assertThat(DemoDriver.matchesExpected(null, "end_by_positive_outcome")).isFalse();
        assertThat(samples.get(2).expectedState()).isEqualTo("ended_by_conformation_requested");
    }

    private DemoDriver driver(ByteArrayOutputStream buf) {
        return new DemoDriver(fo.gatewayBaseUrl(), catalogo, fo, samples, new PrintStream(buf, true, StandardCharsets.UTF_8))
                .pollInterval(Duration.ofMillis(50))
                .counter("test counter", () -> 42);
    }

    @Test
    void batchReachesExpectedOutcomes() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DemoDriver.DemoResult result = driver(buf).run(4, Duration.ofSeconds(20));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(result.allFinalAsExpected()).as(out).isTrue();
        assertThat(result.finalStates()).hasSize(4)
                .containsEntry(samples.get(2).cuiUuid(), "ended_by_conformation_requested")
                .containsEntry(samples.get(3).cuiUuid(), "ended_by_negative_outcome");
        assertThat(result.millis()).isPositive();
        assertThat(catalogo.descriptor(samples.get(0).cuiUuid())).isNotNull();
        assertThat(out).contains("[submit 4/4]", "[final 4/4]", "received", "test counter", "42", "batch wall time", "ALL AS EXPECTED");
    }

    @Test
    void wrongOutcomeIsReported() {
        outcomeByCui.put(samples.get(1).cuiUuid(), "ended_by_negative_outcome");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DemoDriver.DemoResult result = driver(buf).run(2, Duration.ofSeconds(20));
        assertThat(result.allFinalAsExpected()).isFalse();
        assertThat(result.finalStates()).containsEntry(samples.get(1).cuiUuid(), "ended_by_negative_outcome");
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("MISMATCH", "NOT AS EXPECTED");
    }
}
