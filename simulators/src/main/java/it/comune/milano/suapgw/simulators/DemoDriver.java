package it.comune.milano.suapgw.simulators;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
 * <p>
 * With {@link #legacy} it also runs the legacy (pre-SSU) channel: every scrivania case is posted to the gateway's
 * {@code PddServiceEnte.inviaSUAPEnte} (the answer must carry a {@code return}, not a Fault), then
 * {@code GET /api/pratiche?codice=} is polled until the pratica is final; its state must be the case's
 * {@code esitoFinale} and the tipo-cooperazione sequence the scrivania received back its {@code comunicazioni}.
 * A pratica that was already final before the post (a second demo run on the same gateway data) only needs the
 * right state: the gateway answers the repeat without creating anything, so nothing new reaches the scrivania.
 * Talks to the gateway over HTTP only.
 */
public class DemoDriver {

    /**
     * Outcome of {@link #run}. {@code finalStates}: cuiUuid → state for pratiche that reached a final state;
     * {@code legacy}: one outcome per scrivania case. {@code allFinalAsExpected} covers both batches.
     */
    public record DemoResult(boolean allFinalAsExpected,
                             Map<String, String> finalStates,
                             Map<String, String> lastStates,
                             Map<String, String> expectedOutcomes,
                             long millis,
                             JsonNode stats,
                             List<LegacyOutcome> legacy) {
    }

    /**
     * One legacy pratica: {@code post} describes the inviaSUAPEnte answer; {@code alreadyFinal}: the pratica was
     * final before the post (re-run); {@code comunicazioni}: tipo-cooperazione received by the scrivania.
     */
    public record LegacyOutcome(ScrivaniaCase legacyCase, boolean posted, String post, boolean alreadyFinal, String state,
                                boolean reachedFinal, List<String> comunicazioni, boolean ok) {
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
    private ScrivaniaSimulator scrivania;
    private List<ScrivaniaCase> legacyCases = List.of();
    private volatile Duration comunicazioniGrace = Duration.ofSeconds(15);

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

    /** Also runs these scrivania cases through the legacy channel ({@code scrivania} posts them and receives the answers). */
    public DemoDriver legacy(ScrivaniaSimulator scrivania, List<ScrivaniaCase> cases) {
        this.scrivania = Objects.requireNonNull(scrivania, "scrivania");
        this.legacyCases = List.copyOf(cases);
        return this;
    }

    /**
     * How long, after a legacy pratica turned final, its comunicazioni may still be on their way to the scrivania
     * (the gateway may mark the pratica final before its outbound call is delivered). Default 15 s.
     */
    public DemoDriver comunicazioniGrace(Duration grace) {
        this.comunicazioniGrace = grace;
        return this;
    }

    /** Index of the first sample used by the next {@link #run} (default 0). */
    public DemoDriver firstIndex(int firstIndex) {
        this.firstIndex = firstIndex;
        return this;
    }

    /** Runs {@code n} SSU samples (0: none) and the {@link #legacy} cases, until all are final or {@code timeout}. */
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

        if (n > 0) {
            out.printf("=== batch: %d pratiche (seed %s) ===%n", n, samples.seed());
        }
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

        List<LegacyRun> legacy = postLegacy(deadline);
        int legacyFinal = 0;
        while ((!pending.isEmpty() || legacy.stream().anyMatch(l -> !l.done)) && System.nanoTime() < deadline) {
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
            for (LegacyRun l : legacy) {
                if (!l.done && poll(l)) {
                    legacyFinal++;
                    LegacyOutcome o = l.outcome();
                    out.printf("[legacy final %d/%d] codice=%s %-28s %-32s expected %-32s comunicazioni %s%s %s (%.1f s)%n", legacyFinal,
                            legacy.size(), l.c.codicePratica(), l.c.name(), o.state(), l.c.esitoFinale(), o.comunicazioni(),
                            l.alreadyFinal ? " (already final before the post)" : "", o.ok() ? "OK" : "MISMATCH",
                            (System.nanoTime() - start) / 1e9);
                }
            }
            if (!pending.isEmpty() || legacy.stream().anyMatch(l -> !l.done)) {
                sleep(pollInterval);
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;

        List<LegacyOutcome> legacyOutcomes = legacy.stream().map(LegacyRun::outcome).toList();
        boolean all = pending.isEmpty() && batch.stream()
                .allMatch(s -> matchesExpected(finalStates.get(s.cuiUuid()), s.expectedOutcome()))
                && legacyOutcomes.stream().allMatch(LegacyOutcome::ok);
        JsonNode stats = stats();
        summary(batch, finalStates, lastStates, stats, millis, all, pending.size(), legacyOutcomes);
        return new DemoResult(all, Map.copyOf(finalStates), Map.copyOf(lastStates), Map.copyOf(expected), millis, stats, legacyOutcomes);
    }

    /** Progress of one legacy case during {@link #run}. */
    private final class LegacyRun {
        final ScrivaniaCase c;
        boolean posted;
        String post = "";
        boolean alreadyFinal;
        String state = "POSTED";
        boolean reachedFinal;
        long finalSeenAt;
        boolean done;

        LegacyRun(ScrivaniaCase c) {
            this.c = c;
        }

        List<String> comunicazioni() {
            return scrivania == null ? List.of() : scrivania.tipiCooperazione(c.codicePratica());
        }

        boolean comunicazioniOk() {
            return alreadyFinal || comunicazioni().equals(c.comunicazioni());
        }

        LegacyOutcome outcome() {
            boolean ok = posted && reachedFinal && matchesExpected(state, c.esitoFinale()) && comunicazioniOk();
            return new LegacyOutcome(c, posted, post, alreadyFinal, state, reachedFinal, comunicazioni(), ok);
        }
    }

    private List<LegacyRun> postLegacy(long deadline) {
        List<LegacyRun> runs = new ArrayList<>();
        if (scrivania == null || legacyCases.isEmpty()) {
            return runs;
        }
        out.printf("=== legacy batch: %d pratiche via scrivania SUAP (%s) ===%n", legacyCases.size(), scrivania.gatewayEndpoint());
        int i = 0;
        for (ScrivaniaCase c : legacyCases) {
            LegacyRun l = new LegacyRun(c);
            runs.add(l);
            JsonNode before = praticaByCodice(c.codicePratica());
            l.alreadyFinal = before != null && before.path("final").asBoolean(false);
            ScrivaniaSimulator.Result r = postCase(c, deadline);
            if (r != null && r.returnValue() != null && r.faultString() == null) {
                l.posted = true;
                l.post = "HTTP " + r.httpStatus() + " return " + r.returnValue();
            } else {
                l.post = r == null ? "not delivered" : "HTTP " + r.httpStatus()
                        + (r.faultString() != null ? " fault: " + r.faultString() : " no return: " + abbreviate(r.rawBody()));
                l.done = true; // refused: nothing to wait for
            }
            out.printf("[legacy post %d/%d] codice=%s %-28s %s -> %s%n", ++i, legacyCases.size(), c.codicePratica(), c.name(),
                    l.alreadyFinal ? "(already final)" : "", l.post);
        }
        return runs;
    }

    /** Posts a case, retrying I/O errors and 502/503/504 (not Faults): a gateway that is still starting. */
    private ScrivaniaSimulator.Result postCase(ScrivaniaCase c, long deadline) {
        ScrivaniaSimulator.Result last = null;
        for (int attempt = 1; attempt <= 5 && System.nanoTime() < deadline; attempt++) {
            try {
                last = scrivania.post(c.dir());
                int st = last.httpStatus();
                if (st != 502 && st != 503 && st != 504) {
                    return last;
                }
            } catch (UncheckedIOException | IllegalStateException e) {
                out.printf("  post of %s failed: %s%n", c.name(), e.getMessage());
            }
            sleep(Duration.ofMillis(500L * attempt));
        }
        return last;
    }

    /** One poll of a legacy pratica; true when it is done (final, and comunicazioni complete or grace over). */
    private boolean poll(LegacyRun l) {
        if (!l.reachedFinal) {
            JsonNode p = praticaByCodice(l.c.codicePratica());
            if (p == null) {
                return false;
            }
            l.state = p.path("state").asText("?");
            if (!p.path("final").asBoolean(false)) {
                return false;
            }
            l.reachedFinal = true;
            l.finalSeenAt = System.nanoTime();
        }
        if (l.comunicazioniOk() || System.nanoTime() - l.finalSeenAt > comunicazioniGrace.toNanos()) {
            l.done = true;
        }
        return l.done;
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
        return find("/api/pratiche?cui=" + cuiUuid, "cuiUuid", cuiUuid);
    }

    /** The pratica of {@code GET /api/pratiche?codice=} whose codicePratica is {@code codice}, or null. */
    private JsonNode praticaByCodice(String codice) {
        return find("/api/pratiche?codice=" + URLEncoder.encode(codice, StandardCharsets.UTF_8), "codicePratica", codice);
    }

    /** The pratica of a list answer whose {@code field} is {@code value} (a missing field matches), or null. */
    private JsonNode find(String path, String field, String value) {
        JsonNode body = get(path);
        if (body == null) {
            return null;
        }
        if (body.isObject() && body.has("content")) {
            body = body.get("content");
        }
        if (body.isArray()) {
            for (JsonNode p : body) {
                if (value.equals(p.path(field).asText(value))) {
                    return p;
                }
            }
            return null;
        }
        return body.isObject() && value.equals(body.path(field).asText(value)) ? body : null;
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
                         JsonNode stats, long millis, boolean all, int notFinal, List<LegacyOutcome> legacy) {
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
        if (!batch.isEmpty()) {
            out.println("pratiche:");
        }
        for (SampleInstances.Sample s : batch) {
            String fin = finalStates.get(s.cuiUuid());
            String state = fin != null ? fin : lastStates.getOrDefault(s.cuiUuid(), "?") + " (not final)";
            boolean ok = matchesExpected(fin, s.expectedOutcome());
            out.printf("  %s %-26s %-40s expected %-32s %s%n", s.cuiUuid(), s.procedureCode(), state, s.expectedOutcome(),
                    ok ? "OK" : "KO");
        }
        if (!legacy.isEmpty()) {
            out.println("legacy pratiche (scrivania SUAP):");
        }
        int legacyFinal = 0;
        for (LegacyOutcome o : legacy) {
            ScrivaniaCase c = o.legacyCase();
            legacyFinal += o.reachedFinal() ? 1 : 0;
            String state = !o.posted() ? "NOT POSTED: " + o.post() : o.reachedFinal() ? o.state() : o.state() + " (not final)";
            String comunicazioni = o.alreadyFinal() ? "(already final before the post)"
                    : o.comunicazioni() + (o.comunicazioni().equals(c.comunicazioni()) ? "" : " expected " + c.comunicazioni());
            out.printf("  %s %-28s %-40s expected %-32s comunicazioni %s %s%n", c.codicePratica(), c.name(), state, c.esitoFinale(),
                    comunicazioni, o.ok() ? "OK" : "KO");
        }
        List<String> counts = new ArrayList<>();
        if (!batch.isEmpty() || legacy.isEmpty()) {
            counts.add(String.format("%d/%d final", batch.size() - notFinal, batch.size()));
        }
        if (!legacy.isEmpty()) {
            counts.add(String.format("legacy %d/%d final", legacyFinal, legacy.size()));
        }
        boolean timedOut = notFinal > 0 || legacy.stream().anyMatch(o -> o.posted() && !o.reachedFinal());
        out.printf("batch wall time: %.1f s; %s%s; result: %s%n", millis / 1000.0, String.join("; ", counts),
                timedOut ? " (timeout)" : "", all ? "ALL AS EXPECTED" : "NOT AS EXPECTED");
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
