package it.comune.milano.suapgw.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.simulators.enti.EnteSsuSimulator;
import it.comune.milano.suapgw.simulators.ssu.CatalogoSimulator;
import it.comune.milano.suapgw.simulators.ssu.RegistroImpreseSimulator;
import it.comune.milano.suapgw.simulators.enti.EnteSimulator;
import it.comune.milano.suapgw.simulators.ssu.FrontOfficeSimulator;
import it.comune.milano.suapgw.simulators.geowork.GeoworkSimulator;
import it.comune.milano.suapgw.simulators.osp.ErmesSimulator;
import it.comune.milano.suapgw.simulators.osp.GeopostSimulator;
import it.comune.milano.suapgw.simulators.osp.GeriSimulator;
import it.comune.milano.suapgw.simulators.osp.OsapiSimulator;
import it.comune.milano.suapgw.simulators.enti.PecEnteSimulator;
import it.comune.milano.suapgw.simulators.ssu.SampleInstances;
import it.comune.milano.suapgw.simulators.scrivania.ScrivaniaSimulator;
import it.comune.milano.suapgw.simulators.support.DemoIdp;
import it.comune.milano.suapgw.simulators.support.SystemSigner;
import it.comune.milano.suapgw.simulators.support.modi.ModiDemo;
import it.comune.milano.suapgw.simulators.support.modi.PdndSimulator;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One gateway for every end-to-end test class (same configuration, so Spring caches one context): embedded
 * PostgreSQL, Artemis (enti over TCP, one of them AMQP 1.0) and mail server (PEC), with the Catalogo, front-office,
 * Geowork and scrivania simulators over HTTP/SOAP and a PEC ente over SMTP/IMAP.
 */
@SpringBootTest(classes = SuapGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@ActiveProfiles("demo")
// metrics and traces as in production (Spring Boot's tests turn their export off by default)
@org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability
abstract class AbstractGatewayIT {
    static final int GATEWAY_PORT = freePort();
    static final int BROKER_PORT = freePort();
    static final String GATEWAY = "http://127.0.0.1:" + GATEWAY_PORT;
    static final Path DATA = tempDir();
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final AtomicInteger NEXT_SAMPLE = new AtomicInteger();
    static final Duration TERM_DAY = Duration.ofMillis(300);
    /** the demo identity provider: the tests look at the gateway as an operator holding every role */
    static final DemoIdp IDP = DemoIdp.demo();
    static final String OPERATOR = IDP.bearer("it-operator", DemoIdp.OPERATORE, DemoIdp.FUNZIONARIO, DemoIdp.AMMINISTRATORE);

    static final SampleInstances SAMPLES = new SampleInstances(Path.of("../test-data/ssu/sample-procedures.json"),
            "it-" + UUID.randomUUID());
    static final CatalogoSimulator CATALOGO = new CatalogoSimulator(freePort());
    static final FrontOfficeSimulator FO = new FrontOfficeSimulator(freePort(), GATEWAY);
    static final GeoworkSimulator GEOWORK = new GeoworkSimulator(freePort(), GATEWAY + "/services/geowork-callback");
    static final List<EnteSimulator> ENTI = new ArrayList<>();
    static final int SMTP_PORT = freePort();
    static final int IMAP_PORT = freePort();
    static final ScrivaniaSimulator SCRIVANIA = new ScrivaniaSimulator(freePort(), GATEWAY);
    static PecEnteSimulator pecEnte;
    static final Path OSP = Path.of("../test-data/osp");
    static final GeopostSimulator GEOPOST = new GeopostSimulator(freePort(), GATEWAY);
    static final OsapiSimulator OSAPI = new OsapiSimulator(freePort(), fixture("osapi.json"));
    static final ErmesSimulator ERMES = new ErmesSimulator(freePort(), fixture("ermes.json"));
    static final GeriSimulator GERI = new GeriSimulator(freePort(), fixture("geri.json"));
    /** enti terzi with their own systems (et_to_bo), and the Registro Imprese (ri_to_bo) */
    static final EnteSsuSimulator ARPA = new EnteSsuSimulator("arpa-lombardia", freePort(), GATEWAY);
    static final EnteSsuSimulator CITTA_METROPOLITANA = new EnteSsuSimulator("citta-metropolitana", freePort(), GATEWAY);
    static final RegistroImpreseSimulator REGISTRO_IMPRESE = new RegistroImpreseSimulator(freePort(), GATEWAY);
    /** the PDND (authorization server and key sets) of the demo registry: ModI on every SSU call, both ways */
    static final PdndSimulator PDND = PdndSimulator.demo(freePort());
    /** the Comune's identity provider for the console's login (OIDC, authorization code + PKCE) */
    static final it.comune.milano.suapgw.simulators.support.DemoOidcProvider OIDC =
            it.comune.milano.suapgw.simulators.support.DemoOidcProvider.demo(freePort());
    static final ModiDemo MODI;

    static {
        PDND.start();
        OIDC.start();
        MODI = ModiDemo.of(PDND);
        MODI.configure(CATALOGO, FO, ARPA, CITTA_METROPOLITANA, REGISTRO_IMPRESE);
        // config imports are resolved before @DynamicPropertySource: the enti registry location must be a system property
        System.setProperty("suapgw.config-dir", "../config");
        // the enti reach the broker over TLS (demo profile: the acceptor's keystore config/demo/keys/broker.p12)
        EnteSimulator.useTrustStore(Path.of("../config/demo/keys/broker-trust.p12"), "demo-broker-truststore");
        GEOWORK.setSigner(SystemSigner.demo("geowork"));
        SCRIVANIA.setSigner(SystemSigner.demo("scrivania"));
        GEOPOST.setSigner(SystemSigner.demo("geopost"));
        CATALOGO.start();
        // a corrected or integrated instance is in the Catalogo before the front-office announces it
        FO.onNewVersion(CATALOGO::register);
        FO.start();
        GEOWORK.start();
        SCRIVANIA.start();
        GEOPOST.start();
        OSAPI.start();
        ERMES.start();
        GERI.start();
        ARPA.start();
        CITTA_METROPOLITANA.start();
        REGISTRO_IMPRESE.start();
        Runtime.getRuntime().addShutdownHook(new Thread(AbstractGatewayIT::stopSimulators));
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("server.port", () -> GATEWAY_PORT);
        r.add("SUAPGW_PDND_URL", PDND::baseUrl);
        r.add("SUAPGW_IDP_URL", OIDC::issuer);
        r.add("suapgw.public-base-url", () -> GATEWAY);
        r.add("suapgw.db.embedded-data-dir", () -> DATA.resolve("postgres").toString());
        r.add("suapgw.db.embedded-port", AbstractGatewayIT::freePort);
        r.add("suapgw.broker.data-dir", () -> DATA.resolve("artemis").toString());
        r.add("suapgw.mail.data-dir", () -> DATA.resolve("mail").toString());
        r.add("suapgw.broker.tcp-port", () -> BROKER_PORT);
        r.add("suapgw.catalogo.base-url", CATALOGO::baseUrl);
        r.add("suapgw.frontoffice.base-url", FO::baseUrl);
        r.add("suapgw.geowork.address", GEOWORK::address);
        r.add("suapgw.outbox.initial-backoff-ms", () -> 200);
        r.add("suapgw.outbox.max-backoff-ms", () -> 1000);
        // a legal day lasts 0.3 s (a 60-day SCIA ends in ~20 s); the SSU retransmissions come at 0.5, 1 and 2 s
        r.add("suapgw.termini.durata-giorno", () -> TERM_DAY.toString());
        r.add("suapgw.ssu.retry-unit", () -> "PT0.5S");
        r.add("suapgw.scrivania.address", SCRIVANIA::address);
        r.add("suapgw.mail.smtp-port", () -> SMTP_PORT);
        r.add("suapgw.mail.imap-port", () -> IMAP_PORT);
        r.add("suapgw.mail.poll-delay-ms", () -> 100);
        // small enough for a hostile case to exceed it without sending 60 MiB
        r.add("suapgw.mail.max-message-bytes", () -> 4 * 1024 * 1024);
        r.add("suapgw.osp.geopost-url", GEOPOST::baseUrl);
        r.add("suapgw.osp.osapi-url", OSAPI::baseUrl);
        r.add("suapgw.osp.ermes-url", ERMES::baseUrl);
        r.add("suapgw.osp.geri-url", GERI::baseUrl);
        r.add("suapgw.osp.timeout-ms", () -> 1500);
        r.add("suapgw.osp.timeouts.osapi", () -> 1500);
        r.add("suapgw.osp.timeouts.ermes", () -> 1500);
        r.add("suapgw.osp.timeouts.geri", () -> 1000);
        r.add("suapgw.osp.poll-period-ms", () -> 300);
        // the enti registry (config/enti.yaml) names the enti terzi's systems by these placeholders
        r.add("SUAPGW_ET_ARPA_LOMBARDIA_URL", ARPA::baseUrl);
        r.add("SUAPGW_ET_CITTA_METROPOLITANA_URL", CITTA_METROPOLITANA::baseUrl);
        r.add("suapgw.ssu.registro-imprese.base-url", REGISTRO_IMPRESE::baseUrl);
        r.add("suapgw.osp.deadline-check-ms", () -> 500);
        r.add("suapgw.metrics.refresh-ms", () -> 500);
    }

    @Autowired
    JdbcTemplate jdbc;

    /** Enti connect once the gateway's broker is up (the Spring context is started before the first test). */
    synchronized void enti() {
        if (!ENTI.isEmpty()) return;
        for (String code : List.of("polizia-locale", "ats-milano", "soprintendenza", "mercati", "arredo-urbano", "mobilita")) {
            EnteSimulator.Protocol protocol = code.equals("ats-milano") ? EnteSimulator.Protocol.AMQP : EnteSimulator.Protocol.CORE;
            EnteSimulator ente = new EnteSimulator(code, protocol, "127.0.0.1", BROKER_PORT, "ente-" + code,
                    code + "-secret", EnteSimulator.defaultRules(code));
            if (fixture("pareri.json") != null) ente.withFixture(fixture("pareri.json"));
            ente.start();
            assertThat(ente.awaitConnected(Duration.ofSeconds(30))).as(code + " connected").isTrue();
            ENTI.add(ente);
        }
        PecEnteSimulator.useTrustStore(Path.of("../config/demo/keys/mail-trust.p12"), "demo-mail-truststore");
        pecEnte = new PecEnteSimulator("vigili-del-fuoco", "com.milano@cert.vigilfuoco.it", "vigili-del-fuoco-secret",
                "127.0.0.1", SMTP_PORT, "127.0.0.1", IMAP_PORT, PecEnteSimulator.defaultRules("vigili-del-fuoco"));
        pecEnte.start();
    }

    static void stopSimulators() {
        OIDC.stop();
        ARPA.stop();
        CITTA_METROPOLITANA.stop();
        REGISTRO_IMPRESE.stop();
        PDND.stop();
        ENTI.forEach(EnteSimulator::stop);
        if (pecEnte != null) pecEnte.stop();
        SCRIVANIA.stop();
        GEOPOST.stop();
        OSAPI.stop();
        ERMES.stop();
        GERI.stop();
        GEOWORK.stop();
        FO.stop();
        CATALOGO.stop();
    }

    SampleInstances.Sample newSample() {
        SampleInstances.Sample s = SAMPLES.get(NEXT_SAMPLE.getAndIncrement());
        CATALOGO.register(s);
        FO.register(s);
        return s;
    }

    /** The next sample whose template matches (the templates are taken round-robin). */
    SampleInstances.Sample newSample(java.util.function.Predicate<SampleInstances.Sample> wanted) {
        for (int i = 0; i < SAMPLES.templates(); i++) {
            SampleInstances.Sample s = SAMPLES.get(NEXT_SAMPLE.getAndIncrement());
            if (wanted.test(s)) {
                CATALOGO.register(s);
                FO.register(s);
                return s;
            }
        }
        throw new IllegalStateException("no sample template matches");
    }

    /** An autorizzazione that ends positive with every ente consulted (the quickest complete path). */
    static boolean standardAutorizzazione(SampleInstances.Sample s) {
        return "standard".equals(s.scenario()) && "end_by_positive_outcome".equals(s.expectedOutcome());
    }

    static boolean scenario(SampleInstances.Sample s, String scenario) {
        return scenario.equals(s.scenario());
    }

    JsonNode pratica(String cuiUuid) throws Exception {
        JsonNode list = JSON.readTree(get("/api/pratiche?cui=" + cuiUuid).body());
        return list.size() == 1 ? list.get(0) : null;
    }

    /** The pratica with this codice pratica (scrivania), or null. */
    JsonNode byCodice(String codice) throws Exception {
        JsonNode list = JSON.readTree(get("/api/pratiche?codice=" + codice).body());
        return list.size() == 1 ? list.get(0) : null;
    }

    JsonNode detail(String cuiUuid) throws Exception {
        return JSON.readTree(get("/api/pratiche/" + pratica(cuiUuid).path("id").asText()).body());
    }

    /** POST {@code body} to {@code path} signed as {@code system} (geowork, scrivania, geopost; null: unsigned). */
    static HttpResponse<String> postSigned(String path, String system, String contentType, byte[] body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(GATEWAY + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) b.headers(headers);
        if (system != null) SystemSigner.demo(system).headers(body, contentType).forEach(b::header);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(GATEWAY + path)).header("Authorization", OPERATOR).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    void awaitFinal(SampleInstances.Sample s) {
        await(s.procedureCode() + " " + s.scenario() + " final").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode p = pratica(s.cuiUuid());
            return p != null && p.path("final").asBoolean();
        });
    }

    /** A CUI of today with this uuid, as the SSU's schema has it (progressivo and progressive). */
    static ObjectNode cui(String uuid) {
        ObjectNode c = JSON.createObjectNode();
        c.put("context", "SUAP").put("data", LocalDate.now().toString()).put("progressivo", "0000001").put("progressive", "0000001")
                .put("uuid", uuid);
        return c;
    }

    /** A retry request of an ente terzo or the Registro Imprese. */
    static ObjectNode retry(JsonNode cui, String operation) {
        ObjectNode n = JSON.createObjectNode();
        n.set("cui", cui);
        n.put("operation", operation);
        return n;
    }

    /** An SSU error: this status, JSON, the code and the message of Table 30. */
    static void assertRefused(HttpResponse<String> r, int status, String code, String message) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("code").asText()).isEqualTo(code);
        assertThat(body.path("message").asText()).isEqualTo(message);
    }

    static Path fixture(String name) {
        Path f = OSP.resolve("fixtures").resolve(name);
        return Files.exists(f) ? f : null;
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path tempDir() {
        try {
            return Files.createTempDirectory("suapgw-it");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
