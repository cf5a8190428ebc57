package it.comune.milano.suapgw.bench;

import it.comune.milano.suapgw.simulators.demo.DemoDriver;
import it.comune.milano.suapgw.simulators.demo.SimulatorsMain;
import it.comune.milano.suapgw.simulators.enti.EnteSimulator;
import it.comune.milano.suapgw.simulators.ssu.CatalogoSimulator;
import it.comune.milano.suapgw.simulators.ssu.FrontOfficeSimulator;
import it.comune.milano.suapgw.simulators.ssu.SampleInstances;
import it.comune.milano.suapgw.simulators.support.GatewayResponse;
import org.HdrHistogram.ConcurrentHistogram;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The benchmark (issue 14; README "Benchmark"): drives a running gateway (started by bin/suapgw-bench, embedded default,
 * demo profile) with the simulators running in this JVM, so that every CUI it submits is known to the Catalogo and the
 * front office and the downstream work is the real one. Measures, in one run: the startup time, the baselines
 * ({@link Baselines}), the scenarios ({@code intake}: send_instance at a fixed rate and at max rate; {@code e2e}: whole
 * pratiche by concurrent submitters until the FO is notified of their outcome), the gateway's CPU and RSS during each
 * ({@link ProcessProbe}) and a flight recording of each ({@link Jfr}); prints a table, also written to
 * {@code <out>/results.txt}.
 */
public final class BenchMain {

    static final List<String> SCENARIOS = List.of("intake", "e2e", "mixed", "large");

    /** A measured row of the table. */
    record Row(String name, double figure, String unit, String baseline, double baselineFigure, Load.Result load,
               ProcessProbe.Usage usage, long operations, String note) {
    }

    private final Options o;
    private final PrintStream out = System.out;
    private final Map<String, Row> rows = new LinkedHashMap<>();
    private final Map<String, Jfr.Profile> profiles = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private final HttpClient metricsClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private ProcessProbe probe;
    private Jfr jfr;
    private SimulatorsMain.Simulators sims;
    private final AtomicLong sampleSequence = new AtomicLong();
    private int[] standardTemplates;
    private double startupSeconds = Double.NaN;

    private BenchMain(Options o) {
        this.o = o;
    }

    public static void main(String[] args) throws Exception {
        // before anything logs (a simulator's class initialisation does): the simulators log to <out>/simulators.log
        if (System.getProperty("logback.configurationFile") == null) {
            Path out = Path.of("target/bench");
            for (String a : args) {
                if (a.startsWith("--out=")) {
                    out = Path.of(a.substring("--out=".length()));
                }
            }
            System.setProperty("bench.log.file", out.resolve("simulators.log").toString());
            System.setProperty("logback.configurationFile", "bench-logback.xml");
        }
        if (System.getProperty("org.apache.cxf.Logger") == null) {
            System.setProperty("org.apache.cxf.Logger", "org.apache.cxf.common.logging.Slf4jLogger");
        }
        if (java.util.Arrays.asList(args).contains("--help")) {
            System.out.println(Options.USAGE);
            return;
        }
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        int rc = new BenchMain(o).run();
        System.exit(rc);
    }

    private int run() throws Exception {
        Files.createDirectories(o.out);
        System.setProperty("SUAPGW_URL", o.gatewayUrl);
        if (SimulatorsMain.setting("SUAPGW_DEMO_SEED", null) == null) {
            System.setProperty("SUAPGW_DEMO_SEED", "suapgw-bench-" + System.currentTimeMillis()); // unique CUIs per run
        }
        probe = o.gatewayPid > 0 ? new ProcessProbe(o.gatewayPid, o.pgDataDir) : null;
        jfr = o.gatewayPid > 0 && o.jfr ? new Jfr(o.gatewayPid) : null;
        // the simulators first: the gateway may call them while it starts
        sims = SimulatorsMain.start(new PrintStream(OutputStream.nullOutputStream()));
        out.printf("simulators started in this JVM (front office %s, catalogo %s, ModI %s)%n", sims.fo().baseUrl(), sims.catalogo().baseUrl(),
                sims.modiOn() ? "on" : "off");
        if (!awaitReady()) {
            out.println("suap-gateway at " + o.gatewayUrl + " not ready after " + o.readyTimeout.toSeconds() + " s");
            return 1;
        }
        out.printf(Locale.ROOT, "gateway ready (readiness UP) %s after its launch%n",
                Double.isNaN(startupSeconds) ? "(launch time unknown)" : String.format(Locale.ROOT, "%.1f s", startupSeconds));
        if (jfr != null) {
            // the recording started with the gateway (-XX:StartFlightRecording name=startup), written now
            String r = jfr.stop("startup", o.out.resolve("startup.jfr"));
            if (Files.exists(o.out.resolve("startup.jfr"))) {
                profiles.put("startup", Jfr.profile(o.out.resolve("startup.jfr"), o.topFrames));
            } else {
                notes.add("no startup recording: " + r.lines().reduce((a, b) -> b).orElse(""));
            }
        }
        for (EnteSimulator e : sims.enti()) {
            if (!e.awaitConnected(Duration.ofSeconds(60))) {
                out.println("ente " + e.enteCode() + " not connected to the broker: the e2e pratiche will wait for it");
            }
        }
        if (sims.pec() != null) {
            sims.pec().awaitConnected(Duration.ofSeconds(60));
        }
        standardTemplates = standardTemplates(sims.samples());

        if (o.warmup > 0) {
            out.printf("warm-up: %d pratiche end to end (not measured)...%n", o.warmup);
            E2e w = e2e(o.warmup, Math.min(o.submitters, o.warmup), "warmup");
            out.printf("warm-up: %d/%d final in %.1f s%n", w.done, o.warmup, w.load.seconds());
        }
        baselines();
        if (o.scenarios.contains("e2e")) {
            measured("e2e", () -> {
                E2e r = e2e(o.pratiche, o.submitters, "e2e");
                return new Row("e2e", r.load.rate(), "pratiche/s", "artemis-send", figure("artemis-send"), r.load, null, r.done,
                        String.format(Locale.ROOT, "%d/%d final, %d as the sample expects, %d not submitted; mix %s, %d submitters",
                                r.done, o.pratiche, r.asExpected, r.load.errors(), o.mix, o.submitters));
            });
        }
        if (o.scenarios.contains("mixed")) {
            measured("mixed", this::mixed);
        }
        if (o.scenarios.contains("intake")) {
            measured("intake-fixed", () -> {
                Load.Result r = Load.fixedRate("intake-fixed", o.connections, o.rate, o.duration, this::intakeRequest);
                return new Row("intake-fixed", r.rate(), "req/s", "target", o.rate, r, null, r.ok(),
                        String.format(Locale.ROOT, "%.0f req/s scheduled over %d connections for %d s; latency from the intended send time%s",
                                o.rate, o.connections, o.duration.toSeconds(), r.unsent() > 0 ? "; " + r.unsent() + " not sent (server too far behind)" : ""));
            });
            measured("intake-max", () -> {
                Load.Result r = Load.maxRate("intake-max", o.connections, o.duration, this::intakeRequest);
                return new Row("intake-max", r.rate(), "req/s", "http-liveness", figure("http-liveness"), r, null, r.ok(),
                        String.format(Locale.ROOT, "%d connections for %d s, unique CUIs", o.connections, o.duration.toSeconds()));
            });
        }
        if (o.scenarios.contains("large")) {
            large();
        }
        report();
        if (o.gatewayPid > 0 && o.stopGateway) {
            shutdown();
        }
        return 0;
    }

    /**
     * Stops the gateway (SIGTERM) while the simulators still answer, as an orchestrator would, and times its exit: what
     * it still had in flight from the scenarios included.
     */
    private void shutdown() throws IOException {
        ProcessHandle gateway = ProcessHandle.of(o.gatewayPid).orElse(null);
        if (gateway == null) {
            return;
        }
        long t0 = System.nanoTime();
        gateway.destroy();
        String line;
        try {
            gateway.onExit().get(o.shutdownTimeout.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            line = String.format(Locale.ROOT, "gateway shutdown (SIGTERM to exit, simulators still up): %.1f s", (System.nanoTime() - t0) / 1e9);
        } catch (java.util.concurrent.TimeoutException e) {
            line = "gateway shutdown: not exited after " + o.shutdownTimeout.toSeconds() + " s (left to bin/suapgw-bench)";
        } catch (java.util.concurrent.ExecutionException | InterruptedException e) {
            line = "gateway shutdown: " + e;
        }
        out.println(line);
        Files.writeString(o.out.resolve("results.txt"), line + System.lineSeparator(), java.nio.file.StandardOpenOption.APPEND);
    }

    // ------------------------------------------------------------------ scenarios

    private interface Scenario {
        Row run() throws Exception;
    }

    /** Runs a scenario with the gateway's CPU and RSS sampled and (unless off) its own flight recording. */
    private void measured(String name, Scenario scenario) throws Exception {
        out.printf("scenario %s...%n", name);
        if (jfr != null) {
            jfr.start(name);
        }
        long signedBefore = gatewaySignatures();
        ProcessProbe.Sampling sampling = probe == null ? null : probe.start();
        Row row = scenario.run();
        ProcessProbe.Usage usage = sampling == null ? null : sampling.stop();
        long signed = gatewaySignatures() - signedBefore;
        // the scenarios' (a baseline's one or two are the gateway's own background calls)
        if (signedBefore >= 0 && signed > 0 && row.operations() > 0 && row.baseline() != null) {
            notes.add(String.format(Locale.ROOT, "%s: the gateway made %d ModI signatures (RS256), %.1f per %s", name, signed,
                    (double) signed / row.operations(), row.unit().startsWith("pratiche") ? "pratica" : "request"));
        }
        if (jfr != null) {
            Path file = o.out.resolve(name + ".jfr");
            String r = jfr.stop(name, file);
            if (Files.exists(file)) {
                profiles.put(name, Jfr.profile(file, o.topFrames));
            } else {
                notes.add("no recording for " + name + ": " + r);
            }
        }
        row = new Row(row.name(), row.figure(), row.unit(), row.baseline(), row.baselineFigure(), row.load(), usage, row.operations(), row.note());
        rows.put(name, row);
        out.printf("scenario %s: %.1f %s (%s)%s%n", name, row.figure(), row.unit(), row.note(),
                row.load().firstError() == null ? "" : "; first error: " + row.load().firstError());
    }

    /**
     * The gateway's {@code suapgw.modi.signatures} counter (its Prometheus endpoint, as an administrator of the demo's
     * identity provider), or -1 when it cannot be read.
     */
    private long gatewaySignatures() {
        try {
            HttpRequest get = HttpRequest.newBuilder(URI.create(o.gatewayUrl + "/actuator/prometheus")).timeout(Duration.ofSeconds(10))
                    .header("Authorization", it.comune.milano.suapgw.simulators.support.DemoIdp.demo().bearer("suapgw-bench",
                            it.comune.milano.suapgw.simulators.support.DemoIdp.AMMINISTRATORE)).GET().build();
            HttpResponse<String> r = metricsClient.send(get, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return -1;
            }
            return r.body().lines().filter(l -> l.startsWith("suapgw_modi_signatures_total"))
                    .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private void baselines() throws Exception {
        Duration d = o.baselineDuration;
        measured("http-liveness", () -> {
            Load.Result r = Baselines.http(o.gatewayUrl, o.connections, d);
            return new Row("http-liveness", r.rate(), "req/s", null, Double.NaN, r, null, r.ok(),
                    "GET /actuator/health/liveness, " + o.connections + " connections");
        });
        measured("pg-commit", () -> {
            Load.Result r = Baselines.postgres(o.jdbcUrl, o.pgUser, o.pgPassword, o.connections, d);
            return new Row("pg-commit", r.rate(), "commits/s", null, Double.NaN, r, null, r.ok(),
                    "single-row INSERT, autocommit, the gateway's PostgreSQL, " + o.connections + " connections");
        });
        StringBuilder journal = new StringBuilder();
        measured("artemis-send", () -> {
            Load.Result r = Baselines.artemis(o.out.resolve("artemis-baseline"), o.connections, d, journal);
            return new Row("artemis-send", r.rate(), "msgs/s", null, Double.NaN, r, null, r.ok(),
                    "durable 1 KB sends, in-VM, broker of the bench JVM, journal " + journal + ", " + o.connections + " producers");
        });
        measured("rsa-sign", () -> {
            Load.Result r = Baselines.rsaSign(d);
            return new Row("rsa-sign", r.rate(), "signs/s", null, Double.NaN, r, null, r.ok(),
                    "RS256 (RSA 2048) signatures, bench JVM, one thread per core: the ModI signature of each message");
        });
    }

    private double figure(String row) {
        Row r = rows.get(row);
        return r == null ? Double.NaN : r.figure();
    }

    /**
     * The positions of the templates whose scenario is standard (the applicant does nothing unusual) and whose outcome
     * is decided by work, not by a timer: a SCIA that ends by its proceeding time waits its 60 legal days (30 s of the
     * demo's compressed time) whatever the gateway does.
     */
    private static int[] standardTemplates(SampleInstances samples) {
        List<Integer> standard = new ArrayList<>();
        for (int i = 0; i < samples.templates(); i++) {
            SampleInstances.Sample s = samples.get(i);
            if (SampleInstances.STANDARD.equals(s.scenario()) && !TIMER_OUTCOME.equals(s.expectedOutcome())) {
                standard.add(i);
            }
        }
        if (standard.isEmpty()) {
            throw new IllegalStateException("no standard template with an outcome decided by work in sample-procedures.json");
        }
        return standard.stream().mapToInt(Integer::intValue).toArray();
    }

    static final String TIMER_OUTCOME = "end_by_proceeding_time_expired";
    /** The front office's notify of an outcome: every event that ends a pratica is {@code end_by_*} (cdss_convened is not). */
    static final String FINAL_NOTIFY = "notify:end_by_";

    /** A new pratica (unique CUI): of a standard template, or of any (mix all). Past the indices already inspected. */
    private SampleInstances.Sample nextSample(boolean standardOnly) {
        SampleInstances samples = sims.samples();
        long k = sampleSequence.getAndIncrement();
        int templates = samples.templates();
        long index = standardOnly ? (k / standardTemplates.length + 1) * templates + standardTemplates[(int) (k % standardTemplates.length)]
                : templates + k;
        return samples.get(Math.toIntExact(index));
    }

    /**
     * One pratica whose first document is {@code --large-mb} MiB: the gateway fetches it from the front office (base64,
     * signed, hash-checked as it streams into the store), then serves it back to the front office whole (signed over a
     * Digest taken by a pass of its own, then streamed) and its last MiB by {@code Range}. Figures in MB/s of content.
     */
    private void large() throws Exception {
        SampleInstances.Sample base = nextSample(true);
        String rid = base.instanceIndex().get(0).path("resource_id").asText();
        byte[] big = new byte[o.largeMb << 20];
        new java.util.Random(o.largeMb).nextBytes(big);
        SampleInstances.Sample s = base.withDocument(rid, big);
        String hash = s.hash(rid);
        sims.catalogo().register(s);
        sims.fo().register(s);
        double mb = big.length / 1e6;
        measured("large-fetch", () -> {
            long t0 = System.nanoTime();
            GatewayResponse sent = sims.fo().sendInstance(s);
            if (sent.effectiveStatus() / 100 != 2) {
                return largeRow("large-fetch", 0, 0, "send_instance HTTP " + sent.effectiveStatus());
            }
            // stored once one byte of it can be served
            long deadline = t0 + o.e2eTimeout.toNanos();
            while (System.nanoTime() < deadline) {
                GatewayResponse r = sims.fo().client().getDocument(s.cuiUuid(), rid, "If-Match", hash, "Range", "bytes=0-0");
                if (r.statusCode() == 206) {
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    return largeRow("large-fetch", mb / seconds, seconds, String.format(Locale.ROOT,
                            "%d MiB document: send_instance to stored (fetched from the FO, base64, hash-checked as it streams)",
                            o.largeMb));
                }
                Thread.sleep(200); // polling the gateway for the outcome, not synchronising a test
            }
            return largeRow("large-fetch", 0, 0, "not stored within " + o.e2eTimeout.toSeconds() + " s");
        });
        measured("large-serve", () -> {
            long t0 = System.nanoTime();
            GatewayResponse r = sims.fo().client().getDocument(s.cuiUuid(), rid, "If-Match", hash);
            double seconds = (System.nanoTime() - t0) / 1e9;
            boolean same = r.statusCode() == 200 && r.trusted() && java.util.Arrays.equals(java.util.Base64.getDecoder().decode(r.bytes()), big);
            GatewayResponse tail = sims.fo().client().getDocument(s.cuiUuid(), rid, "If-Match", hash, "Range", "bytes=-1048576");
            boolean tailSame = tail.statusCode() == 206 && tail.trusted() && java.util.Arrays.equals(java.util.Base64.getDecoder().decode(tail.bytes()),
                    java.util.Arrays.copyOfRange(big, big.length - (1 << 20), big.length));
            return largeRow("large-serve", same ? mb / seconds : 0, seconds, String.format(Locale.ROOT,
                    "%d MiB served back whole (%s) and its last MiB by Range (%s), signed, base64", o.largeMb,
                    same ? "identical" : "DIFFERENT: HTTP " + r.statusCode() + " " + r.signatureError(),
                    tailSame ? "identical" : "DIFFERENT: HTTP " + tail.statusCode()));
        });
    }

    private Row largeRow(String name, double mbPerSecond, double seconds, String note) {
        org.HdrHistogram.Histogram h = new org.HdrHistogram.Histogram(3);
        if (seconds > 0) h.recordValue(Math.round(seconds * 1e6));
        Load.Result r = new Load.Result(name, seconds > 0 ? 1 : 0, seconds > 0 ? 0 : 1, 0, seconds, h, seconds > 0 ? null : note);
        return new Row(name, mbPerSecond, "MB/s", null, Double.NaN, r, null, seconds > 0 ? 1 : 0, note);
    }

    /** The sample registered with the Catalogo and the front office first, then its send_instance. */
    private Load.Request intakeRequest(long i) {
        SampleInstances.Sample s = nextSample(true);
        sims.catalogo().register(s);
        sims.fo().register(s);
        return () -> sims.fo().sendInstance(s).effectiveStatus() / 100 == 2;
    }

    private record E2e(Load.Result load, long done, long asExpected) {
    }

    /**
     * {@code n} pratiche submitted (send_instance then notify_receipt, as the demo driver does) by {@code submitters}
     * threads; each is done when the front office is notified of its outcome (any {@code end_by_*}; whether it is the one
     * the sample expects, after the FO messages it expects, is counted apart).
     * The rate is pratiche done over the time from the first submission to the last outcome; the latency of each is
     * from its submission to its outcome (seen by a 20 ms poll of the front office simulator, in this JVM).
     */
    private E2e e2e(int n, int submitters, String name) throws InterruptedException {
        boolean standardOnly = !"all".equals(o.mix);
        FrontOfficeSimulator fo = sims.fo();
        CatalogoSimulator catalogo = sims.catalogo();
        Map<String, SampleInstances.Sample> pending = new ConcurrentHashMap<>();
        Map<String, Long> submittedAt = new ConcurrentHashMap<>();
        AtomicReference<String> firstError = new AtomicReference<>();
        AtomicLong refused = new AtomicLong();
        AtomicReference<Load.Result> submission = new AtomicReference<>();
        long start = System.nanoTime();
        Thread submitting = new Thread(() -> {
            try {
                submission.set(Load.closedLoop(name + "-submit", submitters, n, i -> {
                    SampleInstances.Sample s = nextSample(standardOnly);
                    catalogo.register(s);
                    fo.register(s);
                    return () -> {
                        submittedAt.put(s.cuiUuid(), System.nanoTime());
                        pending.put(s.cuiUuid(), s);
                        GatewayResponse r;
                        try {
                            r = fo.sendInstance(s);
                        } catch (RuntimeException e) {
                            pending.remove(s.cuiUuid());
                            refused.incrementAndGet();
                            throw e;
                        }
                        if (r.effectiveStatus() / 100 != 2) {
                            pending.remove(s.cuiUuid());
                            refused.incrementAndGet();
                            firstError.compareAndSet(null, "send_instance HTTP " + r.effectiveStatus() + " " + r.body());
                            return false;
                        }
                        fo.notifyReceipt(s, LocalDate.now());
                        return true;
                    };
                }));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name + "-submitters");
        submitting.start();
        ConcurrentHistogram latency = new ConcurrentHistogram(Duration.ofHours(1).toNanos() / 1000, 3);
        long done = 0;
        long asExpected = 0;
        long lastDone = start;
        long deadline = start + o.e2eTimeout.toNanos();
        while ((submitting.isAlive() || !pending.isEmpty()) && System.nanoTime() < deadline) {
            for (Map.Entry<String, SampleInstances.Sample> e : pending.entrySet()) {
                SampleInstances.Sample s = e.getValue();
                List<String> messages = fo.messages(s.cuiUuid());
                if (messages.stream().anyMatch(m -> m.startsWith(FINAL_NOTIFY))) {
                    long now = System.nanoTime();
                    pending.remove(e.getKey());
                    latency.recordValue((now - submittedAt.get(s.cuiUuid())) / 1000);
                    done++;
                    lastDone = now;
                    if (messages.equals(s.expectedFoMessages())) {
                        asExpected++;
                    }
                }
            }
            Thread.sleep(20); // the poll period of the outcome watch
        }
        submitting.join(Duration.ofSeconds(30).toMillis());
        if (submission.get() != null && submission.get().firstError() != null) {
            firstError.compareAndSet(null, "submission: " + submission.get().firstError());
        }
        if (!pending.isEmpty()) {
            firstError.compareAndSet(null, pending.size() + " pratiche not final after " + o.e2eTimeout.toSeconds() + " s");
        }
        Load.Result r = new Load.Result(name, done, refused.get(), 0, (lastDone - start) / 1e9, latency, firstError.get());
        return new E2e(r, done, asExpected);
    }

    /**
     * Every channel at once: {@code --pratiche} SSU pratiche by the e2e submitters while the demo driver posts every
     * scrivania case (the legacy channel, SOAP) and files every OSP istanza through GEOPOST, judging each of those
     * against its expected outcome as the demo does. The rate is pratiche of all channels final over the whole run;
     * the latencies are the SSU pratiche's (the demo driver polls the others).
     */
    private Row mixed() throws Exception {
        DemoDriver channels = new DemoDriver(o.gatewayUrl, sims.catalogo(), sims.fo(), sims.samples(),
                new PrintStream(OutputStream.nullOutputStream()))
                .legacy(sims.scrivania(), sims.legacyCases())
                .osp(sims.geopost(), sims.osapi(), sims.geri(), sims.ospCases());
        long start = System.nanoTime();
        java.util.concurrent.CompletableFuture<DemoDriver.DemoResult> others =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> channels.run(0, o.e2eTimeout));
        E2e ssu = e2e(o.pratiche, o.submitters, "mixed");
        DemoDriver.DemoResult r = others.get();
        double seconds = (System.nanoTime() - start) / 1e9;
        long legacyFinal = r.legacy().stream().filter(DemoDriver.LegacyOutcome::reachedFinal).count();
        long legacyOk = r.legacy().stream().filter(DemoDriver.LegacyOutcome::ok).count();
        long ospFinal = r.osp().stream().filter(DemoDriver.OspOutcome::reachedFinal).count();
        long ospOk = r.osp().stream().filter(DemoDriver.OspOutcome::ok).count();
        long done = ssu.done() + legacyFinal + ospFinal;
        long total = o.pratiche + r.legacy().size() + r.osp().size();
        String firstError = ssu.load().firstError() != null ? ssu.load().firstError()
                : done < total ? (total - done) + " pratiche not final after " + o.e2eTimeout.toSeconds() + " s" : null;
        Load.Result load = new Load.Result("mixed", done, total - done, 0, seconds, ssu.load().latencyMicros(), firstError);
        return new Row("mixed", load.rate(), "pratiche/s", "e2e", figure("e2e"), load, null, done, String.format(Locale.ROOT,
                "all channels at once: SSU %d/%d final (%d as the sample expects, mix %s, %d submitters), scrivania %d/%d (%d as"
                        + " expected), GEOPOST/OSP %d/%d (%d as expected); latency: the SSU pratiche's", ssu.done(), o.pratiche,
                ssu.asExpected(), o.mix, o.submitters, legacyFinal, r.legacy().size(), legacyOk, ospFinal, r.osp().size(), ospOk));
    }

    // ------------------------------------------------------------------ startup

    /** Polls the readiness probe; the startup time is from the gateway's launch (given by the script) to UP. */
    private boolean awaitReady() throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + o.readyTimeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (probe != null && !probe.gatewayAlive()) {
                out.println("the gateway (pid " + probe.gatewayPid() + ") exited");
                return false;
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(o.gatewayUrl + "/actuator/health/readiness"))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("UP")) {
                    if (o.launchedAtMillis > 0) {
                        long readyAt = o.readyAtMillis > 0 ? o.readyAtMillis : System.currentTimeMillis();
                        startupSeconds = (readyAt - o.launchedAtMillis) / 1000.0;
                    }
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100); // the poll period: the startup time's resolution
        }
        return false;
    }

    // ------------------------------------------------------------------ report

    private void report() throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream t = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        t.println();
        t.println("=== suap-gateway benchmark ===");
        t.printf(Locale.ROOT, "gateway %s (pid %s); startup to readiness UP: %s; load driver and simulators in the bench JVM, same box (%d cores)%n",
                o.gatewayUrl, o.gatewayPid > 0 ? o.gatewayPid : "unknown", Double.isNaN(startupSeconds) ? "n/a" : String.format(Locale.ROOT, "%.1f s", startupSeconds),
                Runtime.getRuntime().availableProcessors());
        String header = String.format(Locale.ROOT, "%-14s %12s %-11s %-14s %9s %8s %8s %8s %8s %7s %9s %7s %7s %7s %7s %5s",
                "scenario", "figure", "unit", "baseline", "ratio", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors",
                "gwCPU/op", "gwCPU s", "pgCPU s", "drvCPU", "RSS MB", "box%");
        t.println(header);
        t.println("-".repeat(header.length()));
        for (Row r : rows.values()) {
            Load.Result l = r.load();
            ProcessProbe.Usage u = r.usage();
            double ratio = r.baseline() == null ? Double.NaN : r.figure() / r.baselineFigure();
            t.printf(Locale.ROOT, "%-14s %12.1f %-11s %-14s %9s %8s %8s %8s %8s %7d %9s %7s %7s %7s %7s %5s%n",
                    r.name(), r.figure(), r.unit(), r.baseline() == null ? "-" : r.baseline(), ratio(ratio),
                    num(l.millis(50), 1), num(l.millis(90), 1), num(l.millis(99), 1), num(l.maxMillis(), 1), l.errors(),
                    u == null || r.operations() == 0 ? "-" : num(u.gatewayCpu() / r.operations(), 4),
                    u == null ? "-" : num(u.gatewayCpu(), 1), u == null ? "-" : num(u.postgresCpu(), 1), u == null ? "-" : num(u.benchCpu(), 1),
                    u == null ? "-" : String.valueOf(u.rssPeakBytes() / (1024 * 1024)), u == null ? "-" : num(100 * u.boxBusy(), 0));
        }
        t.println();
        t.println("ratios to every baseline:");
        for (Row r : rows.values()) {
            if (r.baseline() == null) {
                continue;
            }
            List<String> ratios = new ArrayList<>();
            for (String b : List.of("http-liveness", "pg-commit", "artemis-send", "rsa-sign")) {
                if (rows.containsKey(b)) {
                    ratios.add(b + " " + ratio(r.figure() / figure(b)));
                }
            }
            t.printf("  %-14s %s%n", r.name(), String.join(", ", ratios));
        }
        t.println();
        t.println("what each row is:");
        for (Row r : rows.values()) {
            t.printf("  %-14s %s%s%n", r.name(), r.note(), r.load().firstError() == null ? "" : "; first error: " + r.load().firstError());
        }
        t.println("  gwCPU/op: gateway CPU seconds per request or pratica during the scenario (it includes the downstream work of earlier");
        t.println("  intakes still running); pgCPU: its embedded PostgreSQL; drvCPU: this JVM (load driver + simulators); box%: all cores");
        t.println("  of the machine busy, whoever used them; RSS: the gateway JVM's peak, sampled every 100 ms.");
        for (String n : notes) {
            t.println("  note: " + n);
        }
        for (Map.Entry<String, Jfr.Profile> p : profiles.entrySet()) {
            t.println();
            t.printf("hot frames, %s (%d execution samples, %s):%n", p.getKey(), p.getValue().samples(), o.out.resolve(p.getKey() + ".jfr"));
            for (Jfr.Hot h : p.getValue().topFrames()) {
                t.printf(Locale.ROOT, "  %5.1f%%  %s%n", 100 * h.share(), h.frame());
            }
            t.println("  first frame of the gateway's own code (" + Jfr.OWN_PACKAGE + "*):");
            for (Jfr.Hot h : p.getValue().topOwnFrames()) {
                t.printf(Locale.ROOT, "  %5.1f%%  %s%n", 100 * h.share(), h.frame());
            }
            t.println("  by layer (the innermost frame of a library or of the gateway decides; JDK frames go to their caller):");
            for (Jfr.Hot h : p.getValue().layers()) {
                t.printf(Locale.ROOT, "  %5.1f%%  %s%n", 100 * h.share(), h.frame());
            }
        }
        String text = buffer.toString(StandardCharsets.UTF_8);
        out.print(text);
        Files.writeString(o.out.resolve("results.txt"), text);
        out.println("(also in " + o.out.resolve("results.txt") + ")");
    }

    /** Three significant digits. */
    private static String ratio(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "-" : String.format(Locale.ROOT, "%.3g", v);
    }

    private static String num(double v, int decimals) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    // ------------------------------------------------------------------ options

    static final class Options {
        static final String USAGE = """
                usage: bin/suapgw-bench [scenario...] [--option=value...]
                  scenarios: intake (send_instance at --rate, then at max rate), e2e (--pratiche end to end), mixed
                             (--pratiche SSU pratiche while every scrivania case and every GEOPOST istanza of
                             test-data runs too), large (one pratica with a --large-mb document fetched, stored and
                             served back); default: all
                  --duration=20          seconds of each intake run
                  --connections=16       concurrent connections (intake, and the baselines)
                  --rate=200             fixed rate of intake-fixed, requests/s
                  --pratiche=100         pratiche of e2e
                  --submitters=8         concurrent submitters of e2e
                  --large-mb=256         MiB of the large document (the simulators hold it and its base64 in the bench
                                         JVM: 1024 wants SUAPGW_BENCH_JAVA_OPTS=-Xmx8g)
                  --mix=standard         e2e pratiche: standard (the applicant does nothing unusual, the outcome is decided by
                                         work, not by a term expiring) or all (every template of
                                         test-data/ssu/sample-procedures.json, round robin)
                  --warmup=10            pratiche end to end before measuring (0: none)
                  --baseline-duration=10 seconds of each baseline
                  --e2e-timeout=600      seconds e2e waits for its pratiche
                  --top-frames=10        hot frames printed per recording
                  --no-jfr               no flight recordings
                  --keep-gateway         do not stop the gateway at the end (by default it is stopped and its shutdown timed)
                  --shutdown-timeout=120 seconds the shutdown is waited for
                set by bin/suapgw-bench: --gateway-url, --gateway-pid, --launched-at-ms, --ready-at-ms, --out, --pg-data, --jdbc-url,
                  --pg-user, --pg-password""";

        List<String> scenarios = new ArrayList<>();
        Duration duration = Duration.ofSeconds(20);
        int connections = 16;
        double rate = 200;
        int pratiche = 100;
        int largeMb = 256;
        int submitters = 8;
        String mix = "standard";
        int warmup = 10;
        Duration baselineDuration = Duration.ofSeconds(10);
        Duration e2eTimeout = Duration.ofSeconds(600);
        Duration readyTimeout = Duration.ofSeconds(300);
        int topFrames = 10;
        boolean jfr = true;
        boolean stopGateway = true;
        Duration shutdownTimeout = Duration.ofSeconds(120);
        String gatewayUrl = SimulatorsMain.setting("SUAPGW_URL", "http://127.0.0.1:8080");
        long gatewayPid;
        long launchedAtMillis;
        long readyAtMillis;
        Path out = Path.of("target/bench");
        Path pgDataDir;
        String jdbcUrl = "jdbc:postgresql://127.0.0.1:54329/suapgw";
        String pgUser = "suapgw";
        String pgPassword = "suapgw"; // the demo profile's (application-demo.yaml)

        static Options parse(String[] args) {
            Options o = new Options();
            Set<String> scenarios = new LinkedHashSet<>();
            for (String a : args) {
                if (!a.startsWith("--")) {
                    if (!SCENARIOS.contains(a)) {
                        throw new IllegalArgumentException("unknown scenario " + a + " (" + SCENARIOS + ")");
                    }
                    scenarios.add(a);
                    continue;
                }
                String name = a.substring(2);
                String value = "";
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                switch (name) {
                    case "duration" -> o.duration = Duration.ofSeconds(Long.parseLong(value));
                    case "connections" -> o.connections = Integer.parseInt(value);
                    case "rate" -> o.rate = Double.parseDouble(value);
                    case "pratiche" -> o.pratiche = Integer.parseInt(value);
                    case "large-mb" -> o.largeMb = Integer.parseInt(value);
                    case "submitters" -> o.submitters = Integer.parseInt(value);
                    case "mix" -> {
                        if (!value.equals("standard") && !value.equals("all")) {
                            throw new IllegalArgumentException("--mix is standard or all");
                        }
                        o.mix = value;
                    }
                    case "warmup" -> o.warmup = Integer.parseInt(value);
                    case "baseline-duration" -> o.baselineDuration = Duration.ofSeconds(Long.parseLong(value));
                    case "e2e-timeout" -> o.e2eTimeout = Duration.ofSeconds(Long.parseLong(value));
                    case "ready-timeout" -> o.readyTimeout = Duration.ofSeconds(Long.parseLong(value));
                    case "top-frames" -> o.topFrames = Integer.parseInt(value);
                    case "no-jfr" -> o.jfr = false;
                    case "keep-gateway" -> o.stopGateway = false;
                    case "shutdown-timeout" -> o.shutdownTimeout = Duration.ofSeconds(Long.parseLong(value));
                    case "gateway-url" -> o.gatewayUrl = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
                    case "gateway-pid" -> o.gatewayPid = Long.parseLong(value);
                    case "launched-at-ms" -> o.launchedAtMillis = Long.parseLong(value);
                    case "ready-at-ms" -> o.readyAtMillis = Long.parseLong(value);
                    case "out" -> o.out = Path.of(value);
                    case "pg-data" -> o.pgDataDir = Path.of(value);
                    case "jdbc-url" -> o.jdbcUrl = value;
                    case "pg-user" -> o.pgUser = value;
                    case "pg-password" -> o.pgPassword = value;
                    default -> throw new IllegalArgumentException("unknown option --" + name);
                }
            }
            o.scenarios = scenarios.isEmpty() ? SCENARIOS : List.copyOf(scenarios);
            return o;
        }
    }
}
