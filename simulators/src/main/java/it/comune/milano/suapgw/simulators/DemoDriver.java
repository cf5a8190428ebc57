package it.comune.milano.suapgw.simulators;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The demo batch: registers N samples in Catalogo and FO, submits them to the gateway (send_instance, then
 * notify_receipt), polls {@code GET /api/pratiche?cui=} until every pratica is final (or the timeout), then prints
 * a summary ({@code GET /api/stats}, simulator counters, each pratica's final state vs the expected outcome).
 * Talks to the gateway over HTTP only.
 */
public class DemoDriver {

    /** Outcome of {@link #run}. {@code finalStates}: cuiUuid → state for pratiche that reached a final state. */
    public record DemoResult(boolean allFinalAsExpected,
                             Map<String, String> finalStates,
                             Map<String, String> lastStates,
                             Map<String, String> expectedOutcomes,
                             long millis,
                             JsonNode stats) {
    }

    private final String gatewayUrl;
    private final CatalogoSimulator catalogo;
    private final FrontOfficeSimulator frontOffice;
    private final SampleInstances samples;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Supplier<Object>> counters = new LinkedHashMap<>();
    private volatile Duration pollInterval = Duration.ofMillis(500);
    private volatile int firstIndex;

    public DemoDriver(String gatewayUrl, CatalogoSimulator catalogo, FrontOfficeSimulator frontOffice, SampleInstances samples,
                      PrintStream out) {
        this.gatewayUrl = FrontOfficeSimulator.stripSlash(Objects.requireNonNull(gatewayUrl));
        this.catalogo = catalogo;
        this.frontOffice = frontOffice;
        this.samples = samples;
        this.out = out;
    }

    /** Adds a simulator counter printed in the summary (e.g. "geowork registrations"). */
    public DemoDriver counter(String label, Supplier<Object> value) {
        counters.put(label, value);
        return this;
    }

    public DemoDriver pollInterval(Duration pollInterval) {
        this.pollInterval = pollInterval;
        return this;
    }

    /** Index of the first sample used by the next {@link #run} (default 0). */
    public DemoDriver firstIndex(int firstIndex) {
        this.firstIndex = firstIndex;
        return this;
    }

    public DemoResult run(int n, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        List<SampleInstances.Sample> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            batch.add(samples.get(firstIndex + i));
        }
        Map<String, SampleInstances.Sample> pending = new LinkedHashMap<>();
        Map<String, String> lastStates = new LinkedHashMap<>();
        Map<String, String> finalStates = new LinkedHashMap<>();
        Map<String, String> expected = new LinkedHashMap<>();

        out.printf("=== batch: %d pratiche (seed %s) ===%n", n, samples.seed());
        int submitted = 0;
        for (SampleInstances.Sample s : batch) {
            expected.put(s.cuiUuid(), s.expectedOutcome());
            catalogo.register(s);
            frontOffice.register(s);
            String outcome = submit(s, deadline);
            submitted++;
            out.printf("[submit %d/%d] cui=%s %-26s %d docs -> %s%n", submitted, n, s.cuiUuid(), s.procedureCode(),
                    s.documents().size(), outcome);
            pending.put(s.cuiUuid(), s);
            lastStates.put(s.cuiUuid(), "SUBMITTED");
        }

        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            for (Iterator<SampleInstances.Sample> it = pending.values().iterator(); it.hasNext(); ) {
                SampleInstances.Sample s = it.next();
                JsonNode p = pratica(s.cuiUuid());
                if (p == null) {
                    continue;
                }
                String state = p.path("state").asText("?");
                if (!state.equals(lastStates.get(s.cuiUuid()))) {
                    lastStates.put(s.cuiUuid(), state);
                }
                if (p.path("final").asBoolean(false)) {
                    it.remove();
                    finalStates.put(s.cuiUuid(), state);
                    boolean ok = matchesExpected(state, s.expectedOutcome());
                    out.printf("[final %d/%d] cui=%s %-26s %-32s expected %-32s %s (%.1f s)%n", finalStates.size(), n, s.cuiUuid(),
                            s.procedureCode(), state, s.expectedOutcome(), ok ? "OK" : "MISMATCH", (System.nanoTime() - start) / 1e9);
                }
            }
            if (!pending.isEmpty()) {
                sleep(pollInterval);
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;

        boolean all = pending.isEmpty() && batch.stream()
                .allMatch(s -> matchesExpected(finalStates.get(s.cuiUuid()), s.expectedOutcome()));
        JsonNode stats = stats();
        summary(batch, finalStates, lastStates, stats, millis, all, pending.size());
        return new DemoResult(all, Map.copyOf(finalStates), Map.copyOf(lastStates), Map.copyOf(expected), millis, stats);
    }

    /**
     * Whether a pratica state reported by the gateway is the expected outcome. The expected outcome is the FO
     * event ({@code end_by_positive_outcome}); the gateway may report either that or the SSU instance state
     * ({@code ended_by_positive_outcome}), in any case.
     */
    public static boolean matchesExpected(String state, String expectedOutcome) {
        if (state == null || expectedOutcome == null) {
            return false;
        }
        return normalise(state).equals(normalise(expectedOutcome));
    }

    private static String normalise(String s) {
        String l = s.trim().toLowerCase(java.util.Locale.ROOT);
        return l.startsWith("ended_by_") ? "end_by_" + l.substring("ended_by_".length()) : l;
    }

    private String submit(SampleInstances.Sample s, long deadline) {
        String last = "";
        for (int attempt = 1; attempt <= 5 && System.nanoTime() < deadline; attempt++) {
            try {
                HttpResponse<String> r = frontOffice.sendInstance(s);
                last = "send_instance HTTP " + r.statusCode();
                if (r.statusCode() / 100 == 2) {
                    HttpResponse<String> receipt = frontOffice.notifyReceipt(s, LocalDate.now());
                    return last + ", notify_receipt HTTP " + receipt.statusCode();
                }
                last += " " + abbreviate(r.body());
                if (r.statusCode() / 100 == 4) {
                    return last; // the gateway refused the instance: retrying would not help
                }
            } catch (UncheckedIOException | IllegalStateException e) {
                last = "send_instance failed: " + e.getMessage();
            }
            sleep(Duration.ofMillis(500L * attempt));
        }
        return last;
    }

    /** First pratica of {@code GET /api/pratiche?cui=uuid}, or null. */
    private JsonNode pratica(String cuiUuid) {
        JsonNode body = get("/api/pratiche?cui=" + cuiUuid);
        if (body == null) {
            return null;
        }
        if (body.isObject() && body.has("content")) {
            body = body.get("content");
        }
        if (body.isArray()) {
            for (JsonNode p : body) {
                if (cuiUuid.equals(p.path("cuiUuid").asText(cuiUuid))) {
                    return p;
                }
            }
            return null;
        }
        return body.isObject() ? body : null;
    }

    private JsonNode stats() {
        return get("/api/stats");
    }

    private JsonNode get(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gatewayUrl + path)).timeout(Duration.ofSeconds(10))
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200 || r.body() == null || r.body().isBlank()) {
                return null;
            }
            return Json.parse(r.body());
        } catch (IOException | IllegalArgumentException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void summary(List<SampleInstances.Sample> batch, Map<String, String> finalStates, Map<String, String> lastStates,
                         JsonNode stats, long millis, boolean all, int notFinal) {
        out.println("=== summary ===");
        out.println("gateway stats (GET " + gatewayUrl + "/api/stats):");
        if (stats == null) {
            out.println("  (not available)");
        } else if (stats.isObject()) {
            stats.fields().forEachRemaining(e -> out.printf("  %-28s %s%n", e.getKey(),
                    e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
        } else {
            out.println("  " + stats);
        }
        out.println("simulators:");
        int notifications = batch.stream().mapToInt(s -> frontOffice.notifications(s.cuiUuid()).size()).sum();
        out.printf("  %-28s %s%n", "FO notifications received", notifications);
        int documentGets = batch.stream().mapToInt(s -> frontOffice.documentRequests(s.cuiUuid())).sum();
        out.printf("  %-28s %s%n", "FO document downloads", documentGets);
        int audits = batch.stream().mapToInt(s -> catalogo.audits(s.cuiUuid()).size()).sum();
        out.printf("  %-28s %s%n", "Catalogo audits received", audits);
        counters.forEach((label, value) -> {
            Object v;
            try {
                v = value.get();
            } catch (RuntimeException e) {
                v = "n/a (" + e.getMessage() + ")";
            }
            out.printf("  %-28s %s%n", label, v);
        });
        out.println("pratiche:");
        for (SampleInstances.Sample s : batch) {
            String fin = finalStates.get(s.cuiUuid());
            String state = fin != null ? fin : lastStates.getOrDefault(s.cuiUuid(), "?") + " (not final)";
            boolean ok = matchesExpected(fin, s.expectedOutcome());
            out.printf("  %s %-26s %-40s expected %-32s %s%n", s.cuiUuid(), s.procedureCode(), state, s.expectedOutcome(),
                    ok ? "OK" : "KO");
        }
        out.printf("batch wall time: %.1f s; %d/%d final%s; result: %s%n", millis / 1000.0, batch.size() - notFinal, batch.size(),
                notFinal > 0 ? " (timeout)" : "", all ? "ALL AS EXPECTED" : "NOT AS EXPECTED");
        out.flush();
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
