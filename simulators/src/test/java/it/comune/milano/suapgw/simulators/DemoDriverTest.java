package it.comune.milano.suapgw.simulators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** DemoDriver against a minimal fake gateway (send_instance, /api/pratiche, /api/stats). */
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
        fo.stop();
        catalogo.stop();
        gateway.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        byte[] in = ex.getRequestBody().readAllBytes();
        Object out = null;
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
