package it.comune.milano.suapgw.gateway;

import it.comune.milano.suapgw.simulators.geowork.GeoworkSimulator;
import it.comune.milano.suapgw.simulators.ssu.CatalogoSimulator;
import it.comune.milano.suapgw.simulators.ssu.FrontOfficeSimulator;
import it.comune.milano.suapgw.simulators.ssu.SampleInstances;
import it.comune.milano.suapgw.simulators.support.GatewayResponse;
import it.comune.milano.suapgw.simulators.support.modi.ModiDemo;
import it.comune.milano.suapgw.simulators.support.modi.PdndSimulator;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged gateway (routes/target/suap-gateway.jar) started and stopped while busy. Starting: from the moment its
 * port opens, an SSU call is refused with the signed {@code 503 ERROR_503_001} (never a 404) and the readiness probe
 * says OUT_OF_SERVICE until every route is up, then the calls are taken. Stopping: it exits within seconds, stopping
 * Camel, then the embedded broker, then the embedded PostgreSQL, with no SQL error on the way.
 */
class GatewayLifecycleIT {
    record Answer(int status, String body, boolean trusted) {
        static Answer noConnection() {
            return new Answer(0, "", true);
        }

        boolean notReady() {
            return status == 503 && body.contains("\"ERROR_503_001\"") && trusted;
        }
    }

    record Probe(int status, String body) {
    }

    @Test
    void honestWhileStartingAndABusyGatewayStopsWithinSecondsInOrderWithoutSqlErrors() throws Exception {
        Path jar = Path.of("target/suap-gateway.jar");
        assertThat(jar).as("packaged gateway (built before integration tests)").exists();
        Path data = Files.createTempDirectory("suapgw-lifecycle");
        Path log = data.resolve("gateway.log");
        int port = AbstractGatewayIT.freePort();
        String gateway = "http://127.0.0.1:" + port;
        SampleInstances samples = new SampleInstances(Path.of("../test-data/ssu/sample-procedures.json"), "lifecycle-" + UUID.randomUUID());
        CatalogoSimulator catalogo = new CatalogoSimulator(AbstractGatewayIT.freePort());
        FrontOfficeSimulator fo = new FrontOfficeSimulator(AbstractGatewayIT.freePort(), gateway);
        GeoworkSimulator geowork = new GeoworkSimulator(AbstractGatewayIT.freePort(), gateway + "/services/geowork-callback");
        geowork.setSigner(it.comune.milano.suapgw.simulators.support.SystemSigner.demo("geowork"));
        PdndSimulator pdnd = PdndSimulator.demo(AbstractGatewayIT.freePort());
        pdnd.start();
        ModiDemo.of(pdnd).configure(catalogo, fo);
        List<String> args = List.of(
                "--server.port=" + port, "--suapgw.config-dir=../config", "--suapgw.db.embedded-data-dir=" + data.resolve("pg"),
                "--suapgw.db.embedded-port=" + AbstractGatewayIT.freePort(), "--suapgw.broker.data-dir=" + data.resolve("artemis"), "--suapgw.mail.data-dir=" + data.resolve("mail"),
                "--suapgw.broker.tcp-port=" + AbstractGatewayIT.freePort(),
                "--suapgw.mail.smtp-port=" + AbstractGatewayIT.freePort(), "--suapgw.mail.imap-port=" + AbstractGatewayIT.freePort(),
                "--suapgw.catalogo.base-url=" + catalogo.baseUrl(), "--suapgw.frontoffice.base-url=" + fo.baseUrl(),
                "--suapgw.geowork.address=" + geowork.address(), "--suapgw.outbox.initial-backoff-ms=200",
                "--SUAPGW_PDND_URL=" + pdnd.baseUrl());
        catalogo.start();
        fo.start();
        geowork.start();
        AtomicInteger next = new AtomicInteger();
        Process gw = null;
        try {
            gw = GatewayRestartIT.start(jar, args, log);
            // starting: the front-office calls from the moment the port opens, the readiness probe asked just before each call
            List<Answer> whileStarting = new ArrayList<>();
            List<Probe> readinessBefore = new ArrayList<>();
            Probe[] soap = new Probe[2]; // the SOAP answer while not ready, and the readiness probe right after it
            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(100)).until(() -> {
                Probe readiness = get(gateway + "/actuator/health/readiness");
                Answer a = send(catalogo, fo, samples.get(next.getAndIncrement()));
                if (a.status() == 0) return false; // the port is not open yet
                whileStarting.add(a);
                readinessBefore.add(readiness);
                if (a.notReady() && soap[0] == null) {
                    soap[0] = postSoap(gateway + "/services/geowork-callback");
                    soap[1] = get(gateway + "/actuator/health/readiness");
                }
                return a.status() == 200;
            });
            System.out.printf("gateway starting: answers from the port's opening: %s%n", summary(whileStarting));
            assertThat(whileStarting).as("while starting: refused as not ready (signed), then taken; never a 404")
                    .allMatch(a -> a.notReady() || a.status() == 200);
            assertThat(whileStarting).as("the port opens before the routes are up").anyMatch(Answer::notReady);
            assertThat(readinessBefore).as("the readiness probe said not ready while the routes were not up")
                    .anyMatch(p -> p.status() == 503 && p.body().contains("OUT_OF_SERVICE"));
            for (int i = 0; i < whileStarting.size(); i++) {
                Probe probe = readinessBefore.get(i);
                if (!whileStarting.get(i).notReady() || probe.status() == 0) continue; // 0: asked before the port opened
                assertThat(probe.status()).as("not ready: the probe said so before the call").isEqualTo(503);
                assertThat(probe.body()).contains("OUT_OF_SERVICE");
            }
            if (soap[1].status() == 503) {
                assertThat(soap[0].status()).as("a SOAP call while not ready").isEqualTo(500);
                assertThat(soap[0].body()).contains("<faultcode>soap:Server</faultcode>", "<faultstring>service unavailable</faultstring>");
            }
            GatewayRestartIT.awaitUp(gateway);

            // busy: the front-office files instances without pause, each one followed by the gateway's own calls
            List<Answer> whileStopping = new CopyOnWriteArrayList<>();
            AtomicBoolean stopping = new AtomicBoolean();
            AtomicBoolean stopped = new AtomicBoolean();
            AtomicInteger accepted = new AtomicInteger();
            Thread applicant = new Thread(() -> {
                while (!stopped.get()) {
                    Answer a = send(catalogo, fo, samples.get(next.getAndIncrement()));
                    if (a.status() == 200) accepted.incrementAndGet();
                    if (stopping.get()) whileStopping.add(a);
                }
            }, "applicant");
            applicant.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> accepted.get() >= 10);

            long t0 = System.nanoTime();
            stopping.set(true);
            gw.destroy(); // SIGTERM, as an operator's or Kubernetes' stop
            boolean exited = gw.waitFor(30, TimeUnit.SECONDS);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            stopped.set(true);
            applicant.join();
            System.out.printf("gateway stopped while busy: exited %s after %d ms (%d instances accepted before), answers while stopping: %s%n",
                    exited, millis, accepted.get(), summary(whileStopping));
            assertThat(exited).as("exits after SIGTERM").isTrue();
            gw = null;

            assertThat(whileStopping).as("while stopping: accepted, refused as not ready, or no connection; never a 404 or a 500")
                    .allMatch(a -> a.status() == 200 || a.status() == 0 || a.notReady());
            List<String> lines = Files.readAllLines(log);
            int stopAt = indexOf(lines, "Commencing graceful shutdown", 0);
            assertThat(stopAt).as("the shutdown is logged").isNotNegative();
            List<String> shutdownLog = lines.subList(stopAt, lines.size());
            // an outbox call to a peer that is down (the Registro Imprese is not started here) fails whenever it runs,
            // stop or not: booked and logged by the outbox at WARN, not an ERROR
            assertThat(shutdownLog).as("no error logged while stopping")
                    .noneMatch(l -> Pattern.compile("^\\S+\\s+ERROR ").matcher(l).find())
                    .noneMatch(l -> l.contains("terminating connection") || l.contains("PSQLException") || l.contains("SQLException")
                            || l.contains("Connection is not available"));
            int camel = indexOf(lines, "Apache Camel .* shutdown in", stopAt);
            int broker = indexOf(lines, "AMQ221002", stopAt);
            int postgres = indexOf(lines, "shut down postmaster", stopAt);
            assertThat(camel).as("Camel stopped").isNotNegative();
            assertThat(broker).as("then the broker").isGreaterThan(camel);
            assertThat(postgres).as("then PostgreSQL").isGreaterThan(broker);
        } finally {
            if (gw != null) GatewayRestartIT.stop(gw);
            geowork.stop();
            fo.stop();
            catalogo.stop();
            pdnd.stop();
        }
    }

    static Answer send(CatalogoSimulator catalogo, FrontOfficeSimulator fo, SampleInstances.Sample s) {
        catalogo.register(s);
        try {
            GatewayResponse r = fo.sendInstance(s);
            return new Answer(r.statusCode(), r.body(), r.trusted());
        } catch (UncheckedIOException portClosed) {
            return Answer.noConnection();
        }
    }

    static Probe get(String url) {
        try {
            HttpResponse<String> r = GatewayRestartIT.HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Probe(r.statusCode(), r.body());
        } catch (java.io.IOException | InterruptedException e) {
            return new Probe(0, e.toString());
        }
    }

    static Probe postSoap(String url) throws Exception {
        String envelope = "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body/></soap:Envelope>";
        HttpResponse<String> r = GatewayRestartIT.HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "text/xml")
                .POST(HttpRequest.BodyPublishers.ofString(envelope)).build(), HttpResponse.BodyHandlers.ofString());
        return new Probe(r.statusCode(), r.body());
    }

    static String summary(List<Answer> answers) {
        java.util.Map<String, Long> counts = new java.util.TreeMap<>();
        for (Answer a : answers) counts.merge(a.status() == 0 ? "no connection" : a.notReady() ? "503 ERROR_503_001" : String.valueOf(a.status()), 1L, Long::sum);
        return counts.toString();
    }

    static int indexOf(List<String> lines, String regex, int from) {
        Pattern p = Pattern.compile(regex);
        for (int i = from; i < lines.size(); i++) if (p.matcher(lines.get(i)).find()) return i;
        return -1;
    }
}
