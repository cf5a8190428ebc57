package it.comune.milano.suapgw.gateway;

import it.comune.milano.suapgw.simulators.enti.EnteSimulator;
import it.comune.milano.suapgw.simulators.geowork.GeoworkSimulator;
import it.comune.milano.suapgw.simulators.ssu.CatalogoSimulator;
import it.comune.milano.suapgw.simulators.ssu.FrontOfficeSimulator;
import it.comune.milano.suapgw.simulators.ssu.SampleInstances;
import it.comune.milano.suapgw.simulators.support.GatewayResponse;
import it.comune.milano.suapgw.simulators.support.IdempotencyLedger;
import it.comune.milano.suapgw.simulators.support.SystemSigner;
import it.comune.milano.suapgw.simulators.support.modi.ModiDemo;
import it.comune.milano.suapgw.simulators.support.modi.PdndSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fault harness (issue 13): SSU pratiche of the standard scenario (an autorizzazione that ends with its act and the
 * front-office notified) driven by concurrent front-office clients that retry as the SSU says (503, connection refused
 * or reset: again after a short pause; any other answer but 2xx is an error), while the packaged gateway is killed
 * with SIGKILL and started again on the same data (its PostgreSQL child is left running, as a real crash leaves it).
 * Every pratica must be taken once, none lost, and every effect at the front-office and the Catalogo, counted there by
 * Idempotency-Key, applied once. Short form by default; the long form: {@code -Dfault.pratiche=1000 -Dfault.kills=3}
 * (README, "Fault runs").
 */
class FaultHarnessIT {
    static final int PRATICHE = Integer.getInteger("fault.pratiche", 60);
    static final int KILLS = Integer.getInteger("fault.kills", 1);
    static final int CLIENTS = Integer.getInteger("fault.clients", 8);
    static final Set<String> FINAL_STATES = Set.of("ENDED_BY_POSITIVE_OUTCOME", "ENDED_BY_NEGATIVE_OUTCOME");
    static final String DB_PASSWORD = "suapgw"; // the demo profile's spring.datasource.password
    static final Duration RETRY_PAUSE = Duration.ofMillis(250);
    static final String ENTE_REQUEST = "ente parere request (JMS, _AMQ_DUPL_ID)";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    Path data;
    String gatewayUrl;
    int gatewayPort;
    int brokerPort;
    int pgPort;
    /** the enti's acceptor of a backup broker, when there is one */
    int entiBackupPort = -1;
    PdndSimulator pdnd;
    CatalogoSimulator catalogo;
    FrontOfficeSimulator fo;
    GeoworkSimulator geowork;
    final List<EnteSimulator> enti = new ArrayList<>();
    final List<GatewayProcess> gateways = new ArrayList<>();

    @BeforeEach
    void simulators() throws Exception {
        data = Files.createTempDirectory("suapgw-fault");
        gatewayPort = freePort();
        brokerPort = freePort();
        pgPort = freePort();
        gatewayUrl = "http://127.0.0.1:" + gatewayPort;
        pdnd = PdndSimulator.demo(freePort());
        pdnd.start();
        catalogo = new CatalogoSimulator(freePort());
        fo = new FrontOfficeSimulator(freePort(), gatewayUrl);
        geowork = new GeoworkSimulator(freePort(), gatewayUrl + "/services/geowork-callback");
        geowork.setSigner(SystemSigner.demo("geowork"));
        ModiDemo.of(pdnd).configure(catalogo, fo);
        catalogo.start();
        fo.start();
        geowork.start();
    }

    @AfterEach
    void stopEverything() {
        for (GatewayProcess g : gateways) g.stop();
        // the PostgreSQL servers orphaned by the kills (their command line names this run's data directory)
        ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(data.toString()))
                .forEach(ProcessHandle::destroy);
        enti.forEach(EnteSimulator::stop);
        geowork.stop();
        fo.stop();
        catalogo.stop();
        pdnd.stop();
    }

    @Test
    void praticheSurviveKill9OfTheGatewayTakenOnceNoneLostEveryKeyedEffectOnce() throws Exception {
        Instant begin = Instant.now();
        GatewayProcess gw = startGateway(gatewayArgs(true, true));
        Load load = startLoad("fault", List.of(fo));
        List<Restart> restarts = new ArrayList<>();
        for (int k = 1; k <= KILLS; k++) {
            int threshold = k * PRATICHE / (KILLS + 1);
            awaitAnswered(load, threshold);
            gw.kill();
            Instant launched = Instant.now();
            gw.start();
            Instant ready = gw.awaitUp(gatewayUrl);
            restarts.add(new Restart(launched, ready, load.accepted.size()));
        }
        load.awaitDone(Duration.ofMinutes(20));
        awaitFinal(load.accepted.keySet(), Duration.ofSeconds(120 + PRATICHE / 2));
        Duration total = Duration.between(begin, Instant.now());

        Report report = report(load, restarts, total);
        System.out.println(report.table());
        assertNothingLostNothingTwice(load, report);
    }

    /**
     * PostgreSQL (a server of its own, as in production) stopped mid-load and started again on the same data: while it
     * is down the front-office meets 503 ERROR_503_001 and retries, the outbox waits; after, every pratica ends.
     */
    @Test
    void praticheSurviveARestartOfPostgreSQLMidLoadNoneLostEveryKeyedEffectOnce() throws Exception {
        ExternalPostgres pg = new ExternalPostgres(data.resolve("external-pg"), pgPort);
        try {
            pg.start();
            underFault("pg", gatewayArgs(false, true), new Labels("PostgreSQL restarted", "database up", "after its start"), load -> {
                pg.stop();
                int retriesBefore = load.retries.get();
                // down until every client has met the outage at least once
                await().atMost(Duration.ofMinutes(2)).until(() -> load.retries.get() >= retriesBefore + CLIENTS || load.done());
                Instant restarted = Instant.now();
                pg.start();
                return new Restart(restarted, Instant.now(), load.accepted.size());
            });
        } finally {
            gateways.forEach(GatewayProcess::stop);
            pg.stop();
        }
    }

    /**
     * An external Artemis (the official distribution with config/artemis) stopped mid-load and started again on its
     * journal: the gateway's sends fail meanwhile and the outbox retries them, its listeners and the enti reconnect,
     * and a request sent again after the restart is dropped by the broker's persisted duplicate-id cache.
     */
    @Test
    void praticheSurviveARestartOfTheExternalBrokerMidLoad() throws Exception {
        int gatewaySide = freePort();
        ExternalArtemis broker = ExternalArtemis.create(data.resolve("external-artemis"), "fault-broker", brokerPort, gatewaySide,
                java.util.function.UnaryOperator.identity());
        try {
            broker.start().awaitAcceptingConnections(Duration.ofSeconds(90));
            List<String> args = gatewayArgs(true, false);
            args.replaceAll(a -> a.startsWith("--suapgw.broker.url=") ? "--suapgw.broker.url=" + broker.url() : a);
            underFault("broker", args, new Labels("broker restarted", "broker up", "after its start"), load -> {
                broker.stop();
                // down until the gateway has noticed (its health is DOWN)
                await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() ->
                        HTTP.send(HttpRequest.newBuilder(URI.create(gatewayUrl + "/actuator/health")).build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode() != 200);
                Instant restarted = Instant.now();
                broker.start().awaitAcceptingConnections(Duration.ofSeconds(90));
                return new Restart(restarted, Instant.now(), load.accepted.size());
            });
        } finally {
            gateways.forEach(GatewayProcess::stop);
            broker.stop();
        }
    }

    /**
     * A primary/backup pair of external brokers on a shared store (config/artemis/ha), the primary's process killed
     * mid-load: the backup takes over the journal, the gateway's connection fails over to it (both in its connector
     * list), the enti reconnect there, and every pratica ends as if nothing had happened.
     */
    @Test
    void praticheSurviveThePrimaryBrokerKilledWithABackupPresent() throws Exception {
        int primaryGateway = freePort();
        int backupGateway = freePort();
        entiBackupPort = freePort();
        ExternalArtemis primary = haMember("primary", brokerPort, primaryGateway, backupGateway);
        ExternalArtemis backup = haMember("backup", entiBackupPort, backupGateway, primaryGateway);
        try {
            primary.start().awaitAcceptingConnections(Duration.ofSeconds(90));
            backup.start().awaitLogged("AMQ221031", Duration.ofSeconds(90)); // backup announced
            List<String> args = gatewayArgs(true, false);
            args.replaceAll(a -> a.startsWith("--suapgw.broker.url=")
                    ? "--suapgw.broker.url=(" + primary.url() + "," + backup.url() + ")?ha=true&reconnectAttempts=-1" : a);
            underFault("failover", args, new Labels("primary killed", "backup active", "after the kill"), load -> {
                Instant killed = Instant.now();
                primary.kill();
                backup.awaitLogged("AMQ221010", Duration.ofSeconds(60)); // backup server is now active
                return new Restart(killed, Instant.now(), load.accepted.size());
            });
        } finally {
            gateways.forEach(GatewayProcess::stop);
            backup.stop();
            primary.stop();
        }
    }

    ExternalArtemis haMember(String role, int entiPort, int gatewayPort, int peerPort) {
        return ExternalArtemis.create(data.resolve("artemis-" + role), role, entiPort, gatewayPort,
                        xml -> xml.replace("   </core>", ExternalArtemis.haFragment(role) + "   </core>"))
                .with("suapgw.artemis.data-dir", data.resolve("artemis-shared-store"))
                .with("suapgw.artemis.peer-host", "127.0.0.1")
                .with("suapgw.artemis.peer-port", peerPort)
                .with("suapgw.artemis.cluster-password", "fault-cluster-secret");
    }

    /**
     * The front-office and the Catalogo down together for more than an SSU retransmission unit (2 hours in production,
     * 5 s here) while pratiche keep coming: the gateway takes them, retries as §8.5.4 says, and once the peers are back
     * every document is fetched, every notify and audit delivered once, no entry dead.
     */
    @Test
    void everyEffectReachesPeersThatWereDownForHoursOnceTheyAreBack() throws Exception {
        List<String> args = gatewayArgs(true, true);
        args.replaceAll(a -> a.startsWith("--suapgw.ssu.retry-unit=") ? "--suapgw.ssu.retry-unit=PT5S" : a);
        underFault("peers", args, new Labels("peers back", "peers up", "after their return"), load -> {
            Instant down = Instant.now();
            fo.stop();
            catalogo.stop();
            // down until a call has failed three times: at its first try, after one retransmission unit and after two more (4 h in production)
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
                try (Connection c = db(); Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("select coalesce(max(attempts), 0) from outbox where status = 'PENDING'")) {
                    return rs.next() && rs.getInt(1) >= 3;
                }
            });
            Instant back = Instant.now();
            catalogo.start();
            fo.start();
            Duration outage = Duration.between(down, back);
            System.out.printf("front-office and Catalogo down %d ms = %.1f h at the production unit of 2 h%n",
                    outage.toMillis(), outage.toMillis() / 5000.0 * 2);
            return new Restart(back, back, load.accepted.size());
        });
    }

    /** How a scenario names its fault in the printed table. */
    record Labels(String fault, String up, String since) {
    }

    interface Fault {
        /** Injects the fault into the running load and returns when the faulty part is back. */
        Restart inject(Load load) throws Exception;
    }

    /**
     * A fault scenario: the gateway up, the load started, the fault injected once a third of the pratiche are answered,
     * then every pratica awaited in its final state and the checks of {@link #assertNothingLostNothingTwice}.
     */
    void underFault(String seed, List<String> args, Labels labels, Fault fault) throws Exception {
        Instant begin = Instant.now();
        startGateway(args);
        Load load = startLoad(seed, List.of(fo));
        awaitAnswered(load, PRATICHE / 3);
        Restart restart = fault.inject(load);
        load.awaitDone(Duration.ofMinutes(20));
        awaitFinal(load.accepted.keySet(), Duration.ofSeconds(120 + PRATICHE / 2));
        Report report = report(load, List.of(restart), Duration.between(begin, Instant.now()));
        System.out.println(report.table().replace("restart after", labels.fault() + " after")
                .replace("ready in", labels.up() + " in").replace("after the launch", labels.since()));
        assertNothingLostNothingTwice(load, report);
    }

    /** The gateway started, up, with the enti connected to its broker. */
    GatewayProcess startGateway(List<String> args) throws Exception {
        GatewayProcess gw = new GatewayProcess("gateway", args);
        gateways.add(gw);
        gw.start();
        gw.awaitUp(gatewayUrl);
        startEnti();
        return gw;
    }

    Load startLoad(String seed, List<FrontOfficeSimulator> ways) {
        Load load = new Load(samples(PRATICHE, seed + "-" + UUID.randomUUID()), ways);
        load.start();
        return load;
    }

    /** Until the gateway has answered this many pratiche (taken or refused), or the clients are done. */
    static void awaitAnswered(Load load, int pratiche) {
        await().atMost(Duration.ofMinutes(10)).until(() -> load.accepted.size() + load.errors.size() >= pratiche || load.done());
    }

    /** Per pratica: taken once, in its final state, every FO and Catalogo effect applied once (counted by key); no dead entry. */
    void assertNothingLostNothingTwice(Load load, Report report) {
        assertThat(load.errors).as("answers other than 2xx/503 to the front-office").isEmpty();
        assertThat(report.rowsPerCui.values()).as("one pratica per CUI").allMatch(n -> n == 1);
        assertThat(report.lost).as("accepted pratiche not in their final state").isEmpty();
        assertThat(report.duplicated).as("effects applied twice, per kind").allSatisfy((kind, n) -> assertThat(n).as(kind).isZero());
        assertThat(report.withoutKey).as("calls reaching the FO and the Catalogo without an Idempotency-Key").isZero();
        for (String cui : load.accepted.keySet()) {
            SampleInstances.Sample s = load.bySample.get(cui);
            assertThat(fo.messages(cui)).as("FO messages of " + cui).isEqualTo(s.expectedFoMessages());
            IdempotencyLedger.Counts notify = fo.effects(FrontOfficeSimulator.NOTIFY).counts(cui);
            assertThat(notify.applied()).as("FO notify effects of " + cui + " = distinct keys").isEqualTo(notify.keys());
            IdempotencyLedger.Counts audit = catalogo.auditEffects().counts(cui);
            assertThat(audit.applied()).as("Catalogo audits of " + cui + " = distinct keys").isEqualTo(audit.keys());
        }
        assertThat(report.outbox.getOrDefault("DEAD", 0)).as("dead outbox entries").isZero();
        assertThat(report.enteRepeats).as("requests delivered again to an ente beyond its rolled-back transactions: resends"
                + " not caught by _AMQ_DUPL_ID").isLessThanOrEqualTo(report.enteRolledBack);
    }

    /**
     * Two gateway processes on one PostgreSQL and one broker (the first hosts both, the second uses them as external
     * ones), pratiche submitted to both through a balancer; the second is killed mid-load and not restarted: its claims
     * pass to the first once its heartbeat is stale, nothing is lost, no effect is applied twice.
     */
    @Test
    void twoInstancesShareOneDatabaseAndBrokerAndTheSurvivorFinishesTheWorkOfTheKilledOne() throws Exception {
        int peerPort = freePort();
        String peerUrl = "http://127.0.0.1:" + peerPort;
        GatewayProcess host = new GatewayProcess("host", gatewayArgs(gatewayPort, true, true, "-host"));
        GatewayProcess peer = new GatewayProcess("peer", gatewayArgs(peerPort, false, false, "-peer"));
        gateways.add(host);
        gateways.add(peer);
        Instant begin = Instant.now();
        host.start();
        host.awaitUp(gatewayUrl);
        peer.start();
        peer.awaitUp(peerUrl);
        startEnti();
        try (Connection c = db(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select count(*) from gateway_instance where heartbeat_at > now() - interval '10 seconds'")) {
            assertThat(rs.next() && rs.getInt(1) == 2).as("two live instances").isTrue();
        }

        FrontOfficeSimulator toPeer = new FrontOfficeSimulator(freePort(), peerUrl);
        ModiDemo.of(pdnd).configure(toPeer);
        Load load = startLoad("two", List.of(fo, toPeer));
        awaitAnswered(load, PRATICHE / 2);
        Instant killed = Instant.now();
        peer.kill();
        load.awaitDone(Duration.ofMinutes(20));
        awaitFinal(load.accepted.keySet(), Duration.ofSeconds(120 + PRATICHE / 2));
        Report report = report(load, List.of(new Restart(killed, killed, load.accepted.size())), Duration.between(begin, Instant.now()));
        System.out.println(report.table().replace("restart after", "peer killed after").replace("after the launch", "after the kill"));
        assertNothingLostNothingTwice(load, report);
        try (Connection c = db(); Statement st = c.createStatement()) {
            // both instances worked: entries were booked done by each (claimed_by stays after the booking)
            try (ResultSet rs = st.executeQuery("select count(distinct claimed_by) from outbox where status = 'DONE'")) {
                assertThat(rs.next() && rs.getInt(1) == 2).as("entries done by both instances").isTrue();
            }
            // timers: a term moved cancels its entry and books another; of a term's entries at most one is not cancelled
            try (ResultSet rs = st.executeQuery("select count(*) from (select pratica_id, payload from outbox where kind = 'TERM_EXPIRY'"
                    + " and status <> 'CANCELLED' group by 1, 2 having count(*) > 1) twice")) {
                assertThat(rs.next() && rs.getInt(1) == 0).as("a term booked twice").isTrue();
            }
        }
    }

    // ------------------------------------------------------------------ the load

    /** The front-office's applicants: {@link #CLIENTS} threads taking pratiche from a queue, retrying as the SSU says. */
    final class Load {
        final Map<String, SampleInstances.Sample> bySample = new LinkedHashMap<>();
        final Queue<SampleInstances.Sample> todo;
        final Map<String, Instant> accepted = new ConcurrentHashMap<>();
        final List<String> errors = new CopyOnWriteArrayList<>();
        final AtomicInteger retries = new AtomicInteger();
        final List<Future<?>> clients = new ArrayList<>();
        final ExecutorService pool = Executors.newFixedThreadPool(CLIENTS, r -> {
            Thread t = new Thread(r, "fault-client");
            t.setDaemon(true);
            return t;
        });

        /** the front-office's way in to each gateway instance: a call refused by one is tried on the next (a balancer) */
        final List<FrontOfficeSimulator> ways;
        final AtomicInteger next = new AtomicInteger();

        Load(List<SampleInstances.Sample> samples, List<FrontOfficeSimulator> ways) {
            this.ways = ways;
            samples.forEach(s -> bySample.put(s.cuiUuid(), s));
            todo = new ConcurrentLinkedQueue<>(samples);
        }

        void start() {
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(pool.submit(() -> {
                    for (SampleInstances.Sample s; (s = todo.poll()) != null; ) submit(s);
                    return null;
                }));
            }
            pool.shutdown();
        }

        boolean done() {
            return pool.isTerminated();
        }

        void awaitDone(Duration max) throws Exception {
            assertThat(pool.awaitTermination(max.toSeconds(), TimeUnit.SECONDS)).as("clients done").isTrue();
            for (Future<?> f : clients) f.get();
        }

        private void submit(SampleInstances.Sample s) {
            String cui = s.cuiUuid();
            if (call(cui, "send_instance", way -> way.sendInstance(s))
                    && call(cui, "notify_receipt", way -> way.notifyReceipt(s, LocalDate.now()))) {
                accepted.put(cui, Instant.now());
            }
        }

        /** One SSU call as the front-office makes it: true once answered 2xx; 503, 500 ERROR_500_007 and I/O errors retried after a pause. */
        private boolean call(String cui, String operation, java.util.function.Function<FrontOfficeSimulator, GatewayResponse> request) {
            Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
            FrontOfficeSimulator way = ways.get(Math.floorMod(next.getAndIncrement(), ways.size()));
            while (Instant.now().isBefore(deadline)) {
                GatewayResponse r;
                try {
                    r = request.apply(way);
                } catch (UncheckedIOException refusedOrReset) {
                    way = ways.get(Math.floorMod(next.getAndIncrement(), ways.size()));
                    pause();
                    continue;
                }
                // §8.5.4: a 503, or a 500 whose code is ERROR_500_007, is retried
                if (r.statusCode() == 503 || r.statusCode() == 500 && r.trusted() && r.body() != null && r.body().contains("\"ERROR_500_007\"")) {
                    way = ways.get(Math.floorMod(next.getAndIncrement(), ways.size()));
                    pause();
                    continue;
                }
                if (r.statusCode() / 100 == 2 && r.trusted()) return true;
                errors.add(cui + " " + operation + ": HTTP " + r.statusCode() + (r.trusted() ? "" : " (not signed)") + " "
                        + abbreviate(r.body()));
                return false;
            }
            errors.add(cui + " " + operation + ": no answer for 5 minutes");
            return false;
        }

        private void pause() {
            retries.incrementAndGet();
            try {
                // the front-office's retransmission pause, not a synchronisation
                Thread.sleep(RETRY_PAUSE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    record Restart(Instant launched, Instant ready, int acceptedBefore) {
    }

    // ------------------------------------------------------------------ what happened

    final class Report {
        final Map<String, Integer> rowsPerCui = new HashMap<>();
        final List<String> lost = new ArrayList<>();
        final Map<String, Integer> duplicated = new TreeMap<>();
        final Map<String, Integer> suppressed = new TreeMap<>();
        final Map<String, Integer> outbox = new TreeMap<>();
        int withoutKey;
        /** deliveries of a request beyond its first, and the ente's transactions rolled back (each one delivered again) */
        int enteRepeats;
        int enteRolledBack;
        String table;

        String table() {
            return table;
        }
    }

    Report report(Load load, List<Restart> restarts, Duration total) throws SQLException {
        Report r = new Report();
        Collection<String> cuis = load.accepted.keySet();
        Map<String, String> states = new HashMap<>();
        try (Connection c = db(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("select cui_uuid, state from pratica where channel = 'SSU'")) {
                while (rs.next()) {
                    r.rowsPerCui.merge(rs.getString(1), 1, Integer::sum);
                    states.put(rs.getString(1), rs.getString(2));
                }
            }
            try (ResultSet rs = st.executeQuery("select status, count(*) from outbox group by status")) {
                while (rs.next()) r.outbox.put(rs.getString(1), rs.getInt(2));
            }
        }
        for (String cui : cuis) if (!FINAL_STATES.contains(states.get(cui))) r.lost.add(cui + " (" + states.get(cui) + ")");

        Map<String, IdempotencyLedger> ledgers = new LinkedHashMap<>();
        ledgers.put("FO notify", fo.effects(FrontOfficeSimulator.NOTIFY));
        ledgers.put("Catalogo audit", catalogo.auditEffects());
        ledgers.put("Catalogo update_times", catalogo.timesEffects());
        for (String cui : cuis) {
            r.duplicated.merge("FO notify", repeats(fo.messages(cui)), Integer::sum);
            r.duplicated.merge("Catalogo audit", repeats(catalogo.auditMessages(cui)), Integer::sum);
        }
        int enteRequests = enti.stream().mapToInt(EnteSimulator::requestsReceived).sum();
        int enteDistinct = enti.stream().mapToInt(e -> e.answeredRequests().size() + e.unansweredRequests().size()).sum();
        int enteRolledBack = enti.stream().mapToInt(EnteSimulator::rolledBack).sum();
        r.enteRepeats = enteRequests - enteDistinct;
        r.enteRolledBack = enteRolledBack;
        // the ente's effect is its committed reply: one per request, however often the request was delivered
        r.duplicated.put(ENTE_REQUEST, enti.stream().mapToInt(e -> e.repliesSent() - e.answeredRequests().size()).sum());

        StringBuilder t = new StringBuilder("\n==== Fault harness ====\n");
        // dup-effect: the same event applied twice at the receiver; key-repeat: a delivery repeated with its key and
        // not applied again (a duplicate had the receiver kept no keys); without-key: deliveries carrying none

        t.append(String.format("pratiche %d, accepted %d, front-office errors %d, client retries %d, faults %d, clients %d%n",
                load.bySample.size(), cuis.size(), load.errors.size(), load.retries.get(), restarts.size(), CLIENTS));
        t.append(String.format("taken more than once %d, lost %d%n",
                r.rowsPerCui.entrySet().stream().filter(e -> cuis.contains(e.getKey()) && e.getValue() > 1).count(), r.lost.size()));
        t.append(String.format("%-42s %9s %9s %11s %11s %12s%n", "effect", "received", "applied", "dup-effect",
                "key-repeat", "without-key"));
        for (var e : ledgers.entrySet()) {
            IdempotencyLedger.Counts n = total(e.getValue(), cuis);
            r.suppressed.put(e.getKey(), n.suppressed());
            r.withoutKey += n.withoutKey();
            t.append(String.format("%-42s %9d %9d %11d %11d %12d%n", e.getKey(), n.received(), n.applied(),
                    r.duplicated.getOrDefault(e.getKey(), 0), n.suppressed(), n.withoutKey()));
        }
        t.append(String.format("%-42s %9d %9d %11d %11d %12s%n", ENTE_REQUEST, enteRequests, enteDistinct,
                r.duplicated.get(ENTE_REQUEST), r.enteRepeats, "-"));
        t.append(String.format("ente deliveries repeated %d, consumer transactions rolled back by the faults %d"
                + " (a repeat beyond those would be a resend the broker's duplicate detection let through)%n", r.enteRepeats, enteRolledBack));
        t.append("outbox rows by status: ").append(r.outbox).append('\n');
        long maxReady = 0;
        long maxMoving = 0;
        for (Restart restart : restarts) {
            long ready = Duration.between(restart.launched(), restart.ready()).toMillis();
            // an outbox entry booked done after the launch: only the new process can have booked it
            Instant first = firstDoneAfter(restart.launched());
            long moving = first == null ? -1 : Duration.between(restart.launched(), first).toMillis();
            t.append(String.format("restart after %d accepted: ready in %d ms, first pratica moving again %d ms after the launch%n",
                    restart.acceptedBefore(), ready, moving));
            maxReady = Math.max(maxReady, ready);
            maxMoving = Math.max(maxMoving, moving);
        }
        t.append(String.format("max launch->ready %d ms, max launch->first pratica moving %d ms, total %d s%n",
                maxReady, maxMoving, total.toSeconds()));
        if (!load.errors.isEmpty()) t.append("errors (first 10): ").append(load.errors.subList(0, Math.min(10, load.errors.size()))).append('\n');
        if (!r.lost.isEmpty()) t.append("lost (first 10): ").append(r.lost.subList(0, Math.min(10, r.lost.size()))).append('\n');
        r.table = t.toString();
        return r;
    }

    Instant firstDoneAfter(Instant t) throws SQLException {
        try (Connection c = db(); var st = c.prepareStatement("select min(done_at) from outbox where status = 'DONE' and done_at > ?")) {
            st.setTimestamp(1, java.sql.Timestamp.from(t));
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() && rs.getTimestamp(1) != null ? rs.getTimestamp(1).toInstant() : null;
            }
        }
    }

    /** How many entries of a list repeat an earlier one. */
    static int repeats(List<String> messages) {
        return messages.size() - (int) messages.stream().distinct().count();
    }

    static IdempotencyLedger.Counts total(IdempotencyLedger ledger, Collection<String> cuis) {
        IdempotencyLedger.Counts t = IdempotencyLedger.Counts.NONE;
        for (String cui : cuis) t = t.plus(ledger.counts(cui));
        return t;
    }

    // ------------------------------------------------------------------ set-up

    /** Standard autorizzazioni, which end with the act notified to the front-office once every ente has answered. */
    List<SampleInstances.Sample> samples(int n, String seed) {
        SampleInstances all = new SampleInstances(Path.of("../test-data/ssu/sample-procedures.json"), seed);
        List<SampleInstances.Sample> out = new ArrayList<>();
        for (int i = 0; out.size() < n; i++) {
            SampleInstances.Sample s = all.get(i);
            if (!"standard".equals(s.scenario()) || !"AUTORIZZAZIONE".equals(s.regime())) continue;
            catalogo.register(s);
            fo.register(s);
            out.add(s);
        }
        return out;
    }

    void startEnti() {
        EnteSimulator.useTrustStore(Path.of("../config/demo/keys/broker-trust.p12"), "demo-broker-truststore");
        for (String code : List.of("polizia-locale", "ats-milano", "soprintendenza")) {
            EnteSimulator ente = new EnteSimulator(code, EnteSimulator.Protocol.CORE, "127.0.0.1", brokerPort, "ente-" + code,
                    code + "-secret", EnteSimulator.defaultRules(code));
            if (entiBackupPort > 0) ente.withBackupPort(entiBackupPort);
            ente.start();
            assertThat(ente.awaitConnected(Duration.ofSeconds(30))).as(code + " connected").isTrue();
            enti.add(ente);
        }
    }

    /** The gateway's arguments; {@code embeddedDb}/{@code embeddedBroker} false: those of the first instance. */
    List<String> gatewayArgs(boolean embeddedDb, boolean embeddedBroker) {
        return gatewayArgs(gatewayPort, embeddedDb, embeddedBroker, "");
    }

    List<String> gatewayArgs(int port, boolean embeddedDb, boolean embeddedBroker, String suffix) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=" + port, "--suapgw.config-dir=../config", "--suapgw.public-base-url=http://127.0.0.1:" + port,
                "--suapgw.broker.data-dir=" + data.resolve("artemis" + suffix),
                "--suapgw.mail.smtp-port=" + freePort(), "--suapgw.mail.imap-port=" + freePort(),
                "--suapgw.catalogo.base-url=" + catalogo.baseUrl(), "--suapgw.frontoffice.base-url=" + fo.baseUrl(),
                "--suapgw.geowork.address=" + geowork.address(),
                "--suapgw.outbox.initial-backoff-ms=200", "--suapgw.outbox.max-backoff-ms=1000", "--suapgw.ssu.retry-unit=PT0.5S",
                "--SUAPGW_PDND_URL=" + pdnd.baseUrl()));
        if (embeddedDb) {
            args.add("--suapgw.db.embedded-data-dir=" + data.resolve("pg"));
            args.add("--suapgw.db.embedded-port=" + pgPort);
        } else {
            args.add("--suapgw.db.embedded=false");
            args.add("--spring.datasource.url=" + jdbcUrl());
        }
        if (embeddedBroker) {
            args.add("--suapgw.broker.tcp-port=" + brokerPort);
        } else {
            // the first instance's acceptor, TLS in the demo profile, as the gateway's broker user
            args.add("--suapgw.broker.embedded=false");
            args.add("--suapgw.broker.url=tcp://127.0.0.1:" + brokerPort + "?sslEnabled=true&trustStoreType=PKCS12&trustStorePath="
                    + Path.of("../config/demo/keys/broker-trust.p12").toAbsolutePath() + "&trustStorePassword=demo-broker-truststore");
        }
        return args;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + pgPort + "/suapgw";
    }

    Connection db() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), "suapgw", DB_PASSWORD);
    }

    /** Every pratica in a final state, its end notified to the front-office and audited at the Catalogo. */
    void awaitFinal(Collection<String> cuis, Duration max) throws SQLException {
        try {
            awaitEnded(cuis, max);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            System.out.println(diagnosis(cuis));
            throw e;
        }
    }

    /** Where the pratiche not yet ended stand: their states and the outbox entries still pending, by kind. */
    String diagnosis(Collection<String> cuis) throws SQLException {
        Map<String, Integer> states = new TreeMap<>();
        Map<String, Integer> pending = new TreeMap<>();
        try (Connection c = db(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("select cui_uuid, state from pratica where channel = 'SSU'")) {
                while (rs.next()) if (cuis.contains(rs.getString(1))) states.merge(rs.getString(2), 1, Integer::sum);
            }
            try (ResultSet rs = st.executeQuery("select kind || ' ' || status || ' attempts ' || attempts || ': ' || coalesce(last_error, ''), count(*)"
                    + " from outbox where status <> 'DONE' group by 1")) {
                while (rs.next()) pending.put(rs.getString(1), rs.getInt(2));
            }
        }
        return "\n==== not all pratiche ended ====\nstates of the accepted pratiche: " + states + "\noutbox not done: " + pending
                + "\nFO notified: " + cuis.stream().filter(cui -> !fo.messages(cui).isEmpty()).count() + " of " + cuis.size() + "\n";
    }

    void awaitEnded(Collection<String> cuis, Duration max) {
        await().atMost(max).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
            int ended = 0;
            try (Connection c = db(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select cui_uuid, state from pratica where channel = 'SSU'")) {
                while (rs.next()) if (cuis.contains(rs.getString(1)) && FINAL_STATES.contains(rs.getString(2))) ended++;
            }
            return ended == cuis.size() && cuis.stream().allMatch(cui -> fo.messages(cui).stream().anyMatch(m -> m.startsWith("notify:end_by_"))
                    && catalogo.auditMessages(cui).stream().anyMatch(m -> m.startsWith("end_by_")));
        });
    }

    static String abbreviate(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A PostgreSQL server of its own (the production layout), stopped and started again on the same data directory and
     * port; the gateway's role and database as a DBA would create them.
     */
    static final class ExternalPostgres {
        final Path dir;
        final int port;
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;

        ExternalPostgres(Path dir, int port) {
            this.dir = dir;
            this.port = port;
        }

        void start() throws Exception {
            boolean first = !Files.exists(dir.resolve("PG_VERSION"));
            server = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().setDataDirectory(dir)
                    .setCleanDataDirectory(false).setPort(port)
                    .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on").start();
            if (first) {
                try (Connection c = server.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
                    st.execute("create role suapgw login password '" + DB_PASSWORD + "'");
                    st.execute("create database suapgw owner suapgw");
                }
            }
        }

        /** A fast shutdown (pg_ctl -m fast): the open connections are cut, as at a restart of the server. */
        void stop() throws IOException {
            if (server != null) server.close();
            server = null;
        }
    }

    /** The packaged gateway as a process of its own, started (again) with the same arguments, each run logged apart. */
    final class GatewayProcess {
        final String name;
        final List<String> args;
        Process process;
        int runs;

        GatewayProcess(String name, List<String> args) {
            this.name = name;
            this.args = args;
        }

        void start() throws Exception {
            Path jar = Path.of("target/suap-gateway.jar");
            assertThat(jar).as("packaged gateway (built before integration tests)").exists();
            process = GatewayRestartIT.start(jar, args, data.resolve(name + "-" + ++runs + ".log"));
        }

        /** SIGKILL, as a crash: no shutdown hook runs; the embedded PostgreSQL's server process stays (an orphan). */
        void kill() throws InterruptedException {
            process.toHandle().destroyForcibly();
            process.waitFor();
        }

        void stop() {
            if (process == null || !process.isAlive()) return;
            try {
                GatewayRestartIT.stop(process);
            } catch (Exception e) {
                process.destroyForcibly();
            }
        }

        Instant awaitUp(String url) {
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200)).ignoreExceptionsInstanceOf(IOException.class)
                    .until(() -> {
                        if (!process.isAlive()) throw new AssertionError(name + " exited: see " + data.resolve(name + "-" + runs + ".log"));
                        return HTTP.send(HttpRequest.newBuilder(URI.create(url + "/actuator/health")).build(),
                                HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                    });
            return Instant.now();
        }
    }
}
