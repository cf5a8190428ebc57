package it.comune.milano.suapgw.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.simulators.enti.EnteSimulator;
import it.comune.milano.suapgw.simulators.geowork.GeoworkSimulator;
import it.comune.milano.suapgw.simulators.osp.ErmesSimulator;
import it.comune.milano.suapgw.simulators.ssu.CatalogoSimulator;
import it.comune.milano.suapgw.simulators.ssu.FrontOfficeSimulator;
import it.comune.milano.suapgw.simulators.support.modi.ModiDemo;
import it.comune.milano.suapgw.simulators.support.modi.PdndSimulator;
import it.comune.milano.suapgw.simulators.ssu.SampleInstances;
import it.comune.milano.suapgw.simulators.osp.GeopostSimulator;
import it.comune.milano.suapgw.simulators.osp.GeriSimulator;
import it.comune.milano.suapgw.simulators.osp.OsapiSimulator;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged gateway (routes/target/suap-gateway.jar) really stopped and started again on the same data: an istanza
 * filed on GEOPOST while it was down (the push finds nobody) is taken by the catch-up poll after the restart, once;
 * an SSU pratica whose proceeding term is suspended for an integration keeps its suspension and its terms.
 */
class GatewayRestartIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void anIstanzaFiledWhileTheGatewayIsStoppedIsTakenOnceAfterTheRestart() throws Exception {
        Path jar = Path.of("target/suap-gateway.jar");
        assertThat(jar).as("packaged gateway (built before integration tests)").exists();
        Path data = Files.createTempDirectory("suapgw-restart");
        int port = AbstractGatewayIT.freePort();
        String gateway = "http://127.0.0.1:" + port;
        Path osp = Path.of("../test-data/osp");
        GeopostSimulator geopost = new GeopostSimulator(AbstractGatewayIT.freePort(), gateway);
        geopost.setSigner(it.comune.milano.suapgw.simulators.support.SystemSigner.demo("geopost"));
        OsapiSimulator osapi = new OsapiSimulator(AbstractGatewayIT.freePort(), osp.resolve("fixtures/osapi.json"));
        ErmesSimulator ermes = new ErmesSimulator(AbstractGatewayIT.freePort(), osp.resolve("fixtures/ermes.json"));
        GeriSimulator geri = new GeriSimulator(AbstractGatewayIT.freePort(), osp.resolve("fixtures/geri.json"));
        List<String> args = List.of(
                "--server.port=" + port, "--suapgw.config-dir=../config", "--suapgw.db.embedded-data-dir=" + data.resolve("pg"),
                "--suapgw.db.embedded-port=" + AbstractGatewayIT.freePort(), "--suapgw.broker.data-dir=" + data.resolve("artemis"), "--suapgw.mail.data-dir=" + data.resolve("mail"),
                "--suapgw.broker.tcp-port=" + AbstractGatewayIT.freePort(),
                "--suapgw.mail.smtp-port=" + AbstractGatewayIT.freePort(), "--suapgw.mail.imap-port=" + AbstractGatewayIT.freePort(),
                "--suapgw.osp.geopost-url=" + geopost.baseUrl(), "--suapgw.osp.osapi-url=" + osapi.baseUrl(),
                "--suapgw.osp.ermes-url=" + ermes.baseUrl(), "--suapgw.osp.geri-url=" + geri.baseUrl(),
                "--suapgw.osp.poll-period-ms=300");
        geopost.start();
        osapi.start();
        ermes.start();
        geri.start();
        Process gw = null;
        try {
            gw = start(jar, args, data.resolve("first.log"));
            awaitUp(gateway);
            stop(gw);
            gw = null;

            JsonNode sample = JSON.readTree(osp.resolve("istanze").toFile().listFiles((d, n) -> n.startsWith("02-"))[0]);
            ObjectNode istanza = sample.deepCopy();
            istanza.put("idIstanza", "GP-2026-990001");
            geopost.submitIstanza(istanza);
            assertThat(geopost.pushResults().get(0).ok()).as("nobody listens while the gateway is stopped").isFalse();

            gw = start(jar, args, data.resolve("second.log"));
            awaitUp(gateway);
            assertThat(mapsTheClassDataArchive(gw)).as("a run after the first maps the classes the first recorded").isTrue();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                    .until(() -> JSON.readTree(get(gateway + "/api/pratiche?codice=GP-2026-990001")).size() == 1);
            // later polls and a late push of the same event take nothing more
            GeopostSimulator.PushResult late = geopost.push(geopost.events().get(0));
            assertThat(late.body()).contains("DUPLICATO");
            int polls = geopost.pollCount();
            await().atMost(Duration.ofSeconds(30)).until(() -> geopost.pollCount() >= polls + 3);
            assertThat(JSON.readTree(get(gateway + "/api/pratiche?codice=GP-2026-990001")).size()).isEqualTo(1);
            assertThat(JSON.readTree(get(gateway + "/api/stats")).path("received").asInt()).isEqualTo(1);
        } finally {
            if (gw != null) stop(gw);
            geopost.stop();
            osapi.stop();
            ermes.stop();
            geri.stop();
        }
    }

    /**
     * DomandaAutorizzazione-001 across a restart: the integration is requested (the proceeding term suspended), the
     * gateway stops and starts again, the integrated instance arrives: the term resumes with the days suspended
     * counted across the restart, the enti are consulted again and the pratica ends with its act. A legal day lasts
     * 2 s here, so the restart takes days of the term.
     */
    @Test
    void aPraticaSuspendedForAnIntegrationResumesAfterARestartWithItsTerms() throws Exception {
        Path jar = Path.of("target/suap-gateway.jar");
        assertThat(jar).as("packaged gateway (built before integration tests)").exists();
        Path data = Files.createTempDirectory("suapgw-restart-ssu");
        int port = AbstractGatewayIT.freePort();
        int brokerPort = AbstractGatewayIT.freePort();
        String gateway = "http://127.0.0.1:" + port;
        SampleInstances samples = new SampleInstances(Path.of("../test-data/ssu/sample-procedures.json"), "restart-" + UUID.randomUUID());
        SampleInstances.Sample s = null;
        for (int i = 0; s == null; i++) if ("integration".equals(samples.get(i).scenario())) s = samples.get(i);
        CatalogoSimulator catalogo = new CatalogoSimulator(AbstractGatewayIT.freePort());
        FrontOfficeSimulator fo = new FrontOfficeSimulator(AbstractGatewayIT.freePort(), gateway);
        GeoworkSimulator geowork = new GeoworkSimulator(AbstractGatewayIT.freePort(), gateway + "/services/geowork-callback");
        geowork.setSigner(it.comune.milano.suapgw.simulators.support.SystemSigner.demo("geowork"));
        fo.setResendDelay(Duration.ofHours(1)); // the applicant integrates when the test says so
        PdndSimulator pdnd = PdndSimulator.demo(AbstractGatewayIT.freePort());
        pdnd.start();
        ModiDemo.of(pdnd).configure(catalogo, fo);
        List<String> args = List.of(
                "--server.port=" + port, "--suapgw.config-dir=../config", "--suapgw.db.embedded-data-dir=" + data.resolve("pg"),
                "--suapgw.db.embedded-port=" + AbstractGatewayIT.freePort(), "--suapgw.broker.data-dir=" + data.resolve("artemis"), "--suapgw.mail.data-dir=" + data.resolve("mail"),
                "--suapgw.broker.tcp-port=" + brokerPort,
                "--suapgw.mail.smtp-port=" + AbstractGatewayIT.freePort(), "--suapgw.mail.imap-port=" + AbstractGatewayIT.freePort(),
                "--suapgw.catalogo.base-url=" + catalogo.baseUrl(), "--suapgw.frontoffice.base-url=" + fo.baseUrl(),
                "--suapgw.geowork.address=" + geowork.address(), "--suapgw.termini.durata-giorno=PT2S",
                "--suapgw.outbox.initial-backoff-ms=200", "--suapgw.outbox.max-backoff-ms=1000",
                "--SUAPGW_PDND_URL=" + pdnd.baseUrl());
        catalogo.start();
        fo.start();
        geowork.start();
        catalogo.register(s);
        fo.register(s);
        List<EnteSimulator> enti = new ArrayList<>();
        Process gw = null;
        try {
            gw = start(jar, args, data.resolve("first.log"));
            awaitUp(gateway);
            // the demo profile's acceptor speaks TLS
            EnteSimulator.useTrustStore(Path.of("../config/demo/keys/broker-trust.p12"), "demo-broker-truststore");
            for (String code : List.of("ats-milano", "polizia-locale", "soprintendenza")) {
                EnteSimulator ente = new EnteSimulator(code, EnteSimulator.Protocol.CORE, "127.0.0.1", brokerPort, "ente-" + code,
                        code + "-secret", EnteSimulator.defaultRules(code));
                ente.start();
                enti.add(ente);
            }
            assertThat(fo.sendInstance(s).statusCode()).isEqualTo(200);
            assertThat(fo.notifyReceipt(s, java.time.LocalDate.now()).statusCode()).isEqualTo(200);
            String cui = s.cuiUuid();
            await().atMost(Duration.ofSeconds(60)).until(() -> !fo.integrations(cui).isEmpty());
            String id = JSON.readTree(get(gateway + "/api/pratiche?cui=" + cui)).get(0).path("id").asText();
            JsonNode before = JSON.readTree(get(gateway + "/api/pratiche/" + id + "/termini"));
            assertThat(procedimento(before).path("state").asText()).isEqualTo("SOSPESO");

            stop(gw);
            gw = null;
            gw = start(jar, args, data.resolve("second.log"));
            awaitUp(gateway);
            assertThat(JSON.readTree(get(gateway + "/api/pratiche/" + id)).path("state").asText()).isEqualTo("integration_requested");

            SampleInstances.Sample integrated = s.integrated();
            catalogo.register(integrated);
            assertThat(fo.sendInstance(integrated).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                    JSON.readTree(get(gateway + "/api/pratiche/" + id)).path("state").asText().equals("ended_by_positive_outcome"));
            JsonNode after = JSON.readTree(get(gateway + "/api/pratiche/" + id + "/termini"));
            JsonNode suspension = after.path("suspensions").get(0);
            assertThat(suspension.path("to").isNull()).isFalse();
            assertThat(suspension.path("days").asInt()).as("days suspended across the restart").isGreaterThanOrEqualTo(5);
            assertThat(procedimento(after).path("daysSuspended").asInt()).isEqualTo(suspension.path("days").asInt());
            await().atMost(Duration.ofSeconds(30)).until(() -> fo.actVerified(cui));
            assertThat(fo.messages(cui)).containsExactly("request_integration", "notify:end_by_positive_outcome");
            assertThat(catalogo.timesUpdates(cui)).hasSizeGreaterThanOrEqualTo(2);
        } finally {
            if (gw != null) stop(gw);
            enti.forEach(EnteSimulator::stop);
            geowork.stop();
            fo.stop();
            catalogo.stop();
            pdnd.stop();
        }
    }

    static JsonNode procedimento(JsonNode termini) {
        for (JsonNode t : termini.path("terms")) if (t.path("kind").asText().equals("PROCEDIMENTO")) return t;
        throw new AssertionError("no PROCEDIMENTO term in " + termini);
    }

    /**
     * Started as an operator starts it, by bin/suapgw-gateway: the JVM budget of config/jvm.options and class-data
     * sharing (the first run after the build records the archive as it stops, the next ones map it).
     */
    static Process start(Path jar, List<String> args, Path log) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of("../bin/suapgw-gateway").toAbsolutePath().normalize().toString(),
                "--spring.profiles.active=demo"));
        // the launcher works from the checkout's root: the configuration named absolutely
        for (String a : args) {
            cmd.add(a.equals("--suapgw.config-dir=../config") ? "--suapgw.config-dir=" + Path.of("../config").toAbsolutePath().normalize() : a);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).directory(new File("."));
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + File.pathSeparator + System.getenv("PATH"));
        pb.environment().remove("SUAPGW_JAVA_OPTS");
        return pb.start();
    }

    /** The archive of bin/suapgw-gateway, mapped by the running gateway (its classes not loaded one by one). */
    static boolean mapsTheClassDataArchive(Process gateway) throws IOException {
        return Files.readString(Path.of("/proc", String.valueOf(gateway.pid()), "maps")).contains("target/app/suap-gateway.jsa");
    }

    static void stop(Process p) throws Exception {
        p.destroy(); // SIGTERM: a graceful shutdown, as an operator's stop
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
    }

    static void awaitUp(String gateway) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/actuator/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
    }

    static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", AbstractGatewayIT.OPERATOR).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
