package it.comune.milano.suapgw.simulators.demo;

import it.comune.milano.suapgw.simulators.enti.EnteSimulator;
import it.comune.milano.suapgw.simulators.enti.EnteSsuSimulator;
import it.comune.milano.suapgw.simulators.enti.PecEnteSimulator;
import it.comune.milano.suapgw.simulators.geowork.GeoworkSimulator;
import it.comune.milano.suapgw.simulators.osp.ErmesSimulator;
import it.comune.milano.suapgw.simulators.osp.GeopostSimulator;
import it.comune.milano.suapgw.simulators.osp.GeriSimulator;
import it.comune.milano.suapgw.simulators.osp.OsapiSimulator;
import it.comune.milano.suapgw.simulators.osp.OspCase;
import it.comune.milano.suapgw.simulators.scrivania.ScrivaniaCase;
import it.comune.milano.suapgw.simulators.scrivania.ScrivaniaSimulator;
import it.comune.milano.suapgw.simulators.ssu.CatalogoSimulator;
import it.comune.milano.suapgw.simulators.ssu.FrontOfficeSimulator;
import it.comune.milano.suapgw.simulators.ssu.RegistroImpreseSimulator;
import it.comune.milano.suapgw.simulators.ssu.SampleInstances;
import it.comune.milano.suapgw.simulators.support.DemoOidcProvider;
import it.comune.milano.suapgw.simulators.support.HttpSimulator;
import it.comune.milano.suapgw.simulators.support.modi.ModiDemo;
import it.comune.milano.suapgw.simulators.support.modi.PdndRegistry;
import it.comune.milano.suapgw.simulators.support.modi.PdndSimulator;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs every simulator as its own process and (optionally) the demo batch against a running gateway.
 * Settings come from system properties or environment variables (same names), see {@link #main}.
 */
public final class SimulatorsMain {

    private SimulatorsMain() {
    }

    /**
     * Settings: SUAPGW_URL (http://127.0.0.1:8080), SUAPGW_BROKER_HOST (127.0.0.1), SUAPGW_BROKER_PORT (61616),
     * SUAPGW_BROKER_TRUSTSTORE (config/demo/keys/broker-trust.p12: the enti connect over TLS; none: plain TCP) and
     * SUAPGW_BROKER_TRUSTSTORE_PASSWORD,
     * SUAPGW_SIM_CATALOGO_PORT (8181), SUAPGW_SIM_FO_PORT (8182), SUAPGW_SIM_GEOWORK_PORT (8183),
     * SUAPGW_SIM_SCRIVANIA_PORT (8184: the scrivania's PddServiceSUAP), SUAPGW_SIM_GEOPOST_PORT (8185),
     * SUAPGW_SIM_OSAPI_PORT (8186), SUAPGW_SIM_ERMES_PORT (8187), SUAPGW_SIM_GERI_PORT (8188),
     * SUAPGW_SIM_ET_ARPA_LOMBARDIA_PORT (8191) and SUAPGW_SIM_ET_CITTA_METROPOLITANA_PORT (8192): the enti terzi on the SSU
     * channel, SUAPGW_SIM_RI_PORT (8193): the Registro Imprese (their Basic credentials, without ModI:
     * SUAPGW_ET_&lt;CODE&gt;_PASSWORD, SUAPGW_RI_PASSWORD), SUAPGW_SIM_PDND_PORT (8190): the PDND simulator,
     * SUAPGW_PDND_REGISTRY (config/demo/pdnd-registry.json: its clients, purposes and keys), SUAPGW_SIM_IDP_PORT (8194):
     * the Comune's OpenID Connect provider for the gateway's console ({@link DemoOidcProvider}: client suapgw-console, the
     * demo users), SUAPGW_SIM_IDP_HOST (127.0.0.1: the host name in its issuer URL, the one the browser uses),
     * SUAPGW_SIM_MODI (true: the SSU simulators speak ModI, docs/modi-pdnd.md, on every call and every response; false:
     * HTTP Basic as before),
     * SUAPGW_TEST_DATA (test-data; the legacy cases are {@code <test data>/scrivania/valid/NN-slug/}, the OSP istanze
     * {@code <test data>/osp/istanze/}, the fixtures of OSAPI, ERMES, GERI and of the enti's pareri
     * {@code <test data>/osp/fixtures/}),
     * SUAPGW_DEMO_PRATICHE (20 SSU pratiche; 0 = none), SUAPGW_DEMO_LEGACY (true: also post every valid scrivania case),
     * SUAPGW_DEMO_PEC (true: run the PEC ente vigili-del-fuoco), SUAPGW_DEMO_OSP (true: also file every OSP istanza
     * through GEOPOST), SUAPGW_MAIL_HOST (127.0.0.1),
     * SUAPGW_MAIL_SMTP_PORT (3465: SMTPS), SUAPGW_MAIL_IMAP_PORT (3993: IMAPS) (the gateway's embedded mail server, implicit
     * TLS only), SUAPGW_MAIL_TRUSTSTORE (config/demo/keys/mail-trust.p12: the PEC ente checks the mail server's certificate
     * and host name against it; none: plain SMTP/IMAP) and SUAPGW_MAIL_TRUSTSTORE_PASSWORD (demo-mail-truststore); the PEC
     * ente's replies travel in the transport envelope of the demo gestore (config/demo/keys/pec-gestore.pem),
     * SUAPGW_DEMO_EXIT (false), SUAPGW_DEMO_TIMEOUT_SECONDS (300), SUAPGW_HEALTH_TIMEOUT_SECONDS (180),
     * SUAPGW_DEMO_SEED (time based), SUAPGW_ENTE_&lt;CODE&gt;_PASSWORD (e.g. SUAPGW_ENTE_VIGILI_DEL_FUOCO_PASSWORD).
     */
    public static void main(String[] args) throws Exception {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "simulators-logback.xml");
        }
        if (System.getProperty("org.apache.cxf.Logger") == null) {
            System.setProperty("org.apache.cxf.Logger", "org.apache.cxf.common.logging.Slf4jLogger");
        }
        System.exit(run(System.out));
    }

    /**
     * Every simulator, started (not waiting for the gateway yet), from the settings of {@link #main}: what the demo batch
     * drives, and what a load driver (the benchmark) can register its pratiche with. {@link #stop()} stops them all (a
     * shutdown hook does too).
     */
    public record Simulators(String gatewayUrl, PdndSimulator pdnd, DemoOidcProvider idp, CatalogoSimulator catalogo,
                             FrontOfficeSimulator fo, GeoworkSimulator geowork, List<EnteSimulator> enti,
                             List<EnteSsuSimulator> entiTerzi, RegistroImpreseSimulator registroImprese, ScrivaniaSimulator scrivania,
                             GeopostSimulator geopost, OsapiSimulator osapi, ErmesSimulator ermes, GeriSimulator geri,
                             PecEnteSimulator pec, boolean mailTls, boolean modiOn, SampleInstances samples,
                             List<ScrivaniaCase> legacyCases, List<OspCase> ospCases, Runnable stopAll) {

        public void stop() {
            stopAll.run();
        }
    }

    /** Starts every simulator with the settings of {@link #main} (system properties or environment variables). */
    public static Simulators start(PrintStream out) throws Exception {
        String gatewayUrl = FrontOfficeSimulator.stripSlash(setting("SUAPGW_URL", "http://127.0.0.1:8080"));
        String brokerHost = setting("SUAPGW_BROKER_HOST", "127.0.0.1");
        int brokerPort = Integer.parseInt(setting("SUAPGW_BROKER_PORT", "61616"));
        // the broker's acceptor speaks TLS (the demo's certificate); "none": plain TCP
        String brokerTrust = setting("SUAPGW_BROKER_TRUSTSTORE", "config/demo/keys/broker-trust.p12");
        if (!"none".equals(brokerTrust)) {
            Path trust = Path.of(brokerTrust);
            if (!Files.exists(trust) && !trust.isAbsolute() && Files.exists(Path.of("..").resolve(trust))) trust = Path.of("..").resolve(trust);
            EnteSimulator.useTrustStore(trust, setting("SUAPGW_BROKER_TRUSTSTORE_PASSWORD", "demo-broker-truststore"));
        }
        int catalogoPort = Integer.parseInt(setting("SUAPGW_SIM_CATALOGO_PORT", "8181"));
        int foPort = Integer.parseInt(setting("SUAPGW_SIM_FO_PORT", "8182"));
        int geoworkPort = Integer.parseInt(setting("SUAPGW_SIM_GEOWORK_PORT", "8183"));
        int scrivaniaPort = Integer.parseInt(setting("SUAPGW_SIM_SCRIVANIA_PORT", "8184"));
        int geopostPort = Integer.parseInt(setting(GeopostSimulator.PORT_SETTING, String.valueOf(GeopostSimulator.DEFAULT_PORT)));
        int osapiPort = Integer.parseInt(setting(OsapiSimulator.PORT_SETTING, String.valueOf(OsapiSimulator.DEFAULT_PORT)));
        int ermesPort = Integer.parseInt(setting(ErmesSimulator.PORT_SETTING, String.valueOf(ErmesSimulator.DEFAULT_PORT)));
        int geriPort = Integer.parseInt(setting(GeriSimulator.PORT_SETTING, String.valueOf(GeriSimulator.DEFAULT_PORT)));
        int riPort = Integer.parseInt(setting("SUAPGW_SIM_RI_PORT", String.valueOf(RegistroImpreseSimulator.DEFAULT_PORT)));
        int pdndPort = Integer.parseInt(setting(PdndSimulator.PORT_SETTING, String.valueOf(PdndSimulator.DEFAULT_PORT)));
        int idpPort = Integer.parseInt(setting(DemoOidcProvider.PORT_SETTING, String.valueOf(DemoOidcProvider.DEFAULT_PORT)));
        String idpHost = setting(DemoOidcProvider.HOST_SETTING, "127.0.0.1");
        Path pdndRegistry = Path.of(setting(PdndRegistry.REGISTRY_SETTING, PdndRegistry.DEMO_REGISTRY));
        if (!Files.exists(pdndRegistry) && !pdndRegistry.isAbsolute() && Files.exists(Path.of("..").resolve(pdndRegistry))) {
            pdndRegistry = Path.of("..").resolve(pdndRegistry); // started from a module directory
        }
        boolean modiOn = !"false".equalsIgnoreCase(setting("SUAPGW_SIM_MODI", "true"));
        Path testData = Path.of(setting("SUAPGW_TEST_DATA", "test-data"));
        boolean pecDemo = !"false".equalsIgnoreCase(setting("SUAPGW_DEMO_PEC", "true"));
        String mailHost = setting("SUAPGW_MAIL_HOST", "127.0.0.1");
        int smtpPort = Integer.parseInt(setting("SUAPGW_MAIL_SMTP_PORT", "3465"));
        int imapPort = Integer.parseInt(setting("SUAPGW_MAIL_IMAP_PORT", "3993"));
        // the gateway's mail server speaks implicit TLS only (SMTPS, IMAPS; the demo's certificate); "none": plain
        String mailTrust = setting("SUAPGW_MAIL_TRUSTSTORE", "config/demo/keys/mail-trust.p12");
        if (pecDemo && !"none".equals(mailTrust)) {
            Path trust = Path.of(mailTrust);
            if (!Files.exists(trust) && !trust.isAbsolute() && Files.exists(Path.of("..").resolve(trust))) trust = Path.of("..").resolve(trust);
            PecEnteSimulator.useTrustStore(trust, setting("SUAPGW_MAIL_TRUSTSTORE_PASSWORD", "demo-mail-truststore"));
        }
        boolean mailTls = pecDemo && !"none".equals(mailTrust);
        String seed = setting("SUAPGW_DEMO_SEED", "suapgw-demo-" + System.currentTimeMillis());

        Path procedures = testData.resolve("ssu/sample-procedures.json");
        if (!Files.exists(procedures) && !testData.isAbsolute() && Files.exists(Path.of("..").resolve(procedures))) {
            procedures = Path.of("..").resolve(procedures); // started from a module directory
        }
        SampleInstances samples = new SampleInstances(procedures, seed);
        Path scrivaniaValid = testData.resolve("scrivania/valid");
        if (!Files.isDirectory(scrivaniaValid) && !testData.isAbsolute() && Files.isDirectory(Path.of("..").resolve(scrivaniaValid))) {
            scrivaniaValid = Path.of("..").resolve(scrivaniaValid);
        }
        List<ScrivaniaCase> legacyCases = ScrivaniaCase.loadAll(scrivaniaValid);
        Path ospDir = testData.resolve("osp");
        if (!Files.isDirectory(ospDir) && !testData.isAbsolute() && Files.isDirectory(Path.of("..").resolve(ospDir))) {
            ospDir = Path.of("..").resolve(ospDir);
        }
        Path fixtures = ospDir.resolve("fixtures");
        Path pareri = existing(fixtures.resolve("pareri.json"));
        List<OspCase> ospCases = OspCase.loadAll(ospDir);

        PdndSimulator pdnd = new PdndSimulator(pdndPort, pdndRegistry);
        DemoOidcProvider idp = DemoOidcProvider.demo(idpPort).setHost(idpHost);
        CatalogoSimulator catalogo = new CatalogoSimulator(catalogoPort);
        FrontOfficeSimulator fo = new FrontOfficeSimulator(foPort, gatewayUrl);
        // a corrected or integrated instance: the Catalogo serves its new descriptor before the gateway asks for it
        fo.onNewVersion(catalogo::register);
        GeoworkSimulator geowork = new GeoworkSimulator(geoworkPort, gatewayUrl + "/services/geowork-callback");
        List<EnteSimulator> enti = new ArrayList<>();
        enti.add(new EnteSimulator("polizia-locale", EnteSimulator.Protocol.CORE, brokerHost, brokerPort));
        enti.add(new EnteSimulator("ats-milano", EnteSimulator.Protocol.AMQP, brokerHost, brokerPort));
        enti.add(new EnteSimulator("soprintendenza", EnteSimulator.Protocol.CORE, brokerHost, brokerPort));
        // the enti of the OSP workflow (docs/osp-workflow.md §6)
        enti.add(new EnteSimulator("mercati", EnteSimulator.Protocol.CORE, brokerHost, brokerPort));
        enti.add(new EnteSimulator("arredo-urbano", EnteSimulator.Protocol.CORE, brokerHost, brokerPort));
        enti.add(new EnteSimulator("mobilita", EnteSimulator.Protocol.CORE, brokerHost, brokerPort));
        if (pareri != null) {
            enti.forEach(e -> e.withFixture(pareri));
        }
        // the enti terzi with their own system (SSU channel) and the Registro Imprese; ARPA is the slow one
        List<EnteSsuSimulator> entiTerzi = new ArrayList<>();
        for (String code : List.of(EnteSsuSimulator.ARPA_LOMBARDIA, EnteSsuSimulator.CITTA_METROPOLITANA)) {
            int port = Integer.parseInt(setting("SUAPGW_SIM_ET_" + code.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_PORT",
                    String.valueOf(EnteSsuSimulator.defaultPort(code))));
            EnteSsuSimulator et = new EnteSsuSimulator(code, port, gatewayUrl);
            et.setResendOnRetry(true);
            entiTerzi.add(et);
        }
        entiTerzi.get(0).setReplyDelay(Duration.ofSeconds(1));
        RegistroImpreseSimulator registroImprese = new RegistroImpreseSimulator(riPort, gatewayUrl);
        GeopostSimulator geopost = new GeopostSimulator(geopostPort, gatewayUrl);
        OsapiSimulator osapi = new OsapiSimulator(osapiPort, existing(fixtures.resolve("osapi.json")));
        ErmesSimulator ermes = new ErmesSimulator(ermesPort, existing(fixtures.resolve("ermes.json")));
        GeriSimulator geri = new GeriSimulator(geriPort, existing(fixtures.resolve("geri.json")));
        ScrivaniaSimulator scrivania = new ScrivaniaSimulator(scrivaniaPort, gatewayUrl);
        PecEnteSimulator pec = pecDemo ? PecEnteSimulator.vigiliDelFuoco(mailHost, smtpPort, mailHost, imapPort) : null;
        if (pec != null) {
            // Protocollo Ente stays unique across runs against the same gateway data
            pec.setProtocolNumberStart(System.currentTimeMillis() / 1000);
        }

        Runnable stopAll = () -> {
            if (pec != null) {
                pec.stop();
            }
            scrivania.stop();
            geri.stop();
            ermes.stop();
            osapi.stop();
            geopost.stop();
            registroImprese.stop();
            entiTerzi.forEach(EnteSsuSimulator::stop);
            enti.forEach(EnteSimulator::stop);
            geowork.stop();
            fo.stop();
            catalogo.stop();
            pdnd.stop();
            idp.stop();
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stopAll, "simulators-shutdown"));

        pdnd.start();
        idp.start();
        // the Comune's systems and the scrivania sign what they send the gateway, with the demo keys
        geowork.setSigner(it.comune.milano.suapgw.simulators.support.SystemSigner.demo("geowork"));
        scrivania.setSigner(it.comune.milano.suapgw.simulators.support.SystemSigner.demo("scrivania"));
        geopost.setSigner(it.comune.milano.suapgw.simulators.support.SystemSigner.demo("geopost"));
        if (modiOn) {
            // ModI (docs/modi-pdnd.md) on every SSU call, both ways; the enti terzi then read the descriptors from the
            // Catalogo in-process (its API admits only the gateway)
            List<HttpSimulator> ssu = new ArrayList<>(List.of(fo, catalogo, registroImprese));
            ssu.addAll(entiTerzi);
            ModiDemo.of(pdnd).configure(ssu.toArray(HttpSimulator[]::new));
        } else {
            // the enti terzi read the descriptor from the Catalogo (DomandaAutorizzazione-001), started first
            entiTerzi.forEach(et -> et.setCatalogoBaseUrl(catalogo.baseUrl()));
        }
        catalogo.start();
        fo.start();
        geowork.start();
        enti.forEach(EnteSimulator::start);
        entiTerzi.forEach(EnteSsuSimulator::start);
        registroImprese.start();
        scrivania.start();
        geopost.start();
        osapi.start();
        ermes.start();
        geri.start();
        int registered = 0;
        for (ScrivaniaCase c : legacyCases) {
            scrivania.registerCase(c.dir());
            registered++;
        }
        if (pec != null) {
            pec.start();
        }

        out.println("simulators started:");
        out.println("  pdnd:          " + pdnd.baseUrl() + " (issuer " + pdnd.issuer() + ", registry " + pdndRegistry + "; ModI "
                + (modiOn ? "on" : "OFF: HTTP Basic") + ")");
        out.println("  oidc-idp:      " + idp.issuer() + " (issuer; client " + DemoOidcProvider.DEMO_CLIENT_ID + " / "
                + DemoOidcProvider.DEMO_CLIENT_SECRET + ", redirect " + String.join(" or ", DemoOidcProvider.DEMO_REDIRECT_PATTERNS) + ")");
        for (DemoOidcProvider.User u : idp.users()) {
            out.printf("    user %-15s password %-20s roles %s%n", u.username(), u.password(), String.join(", ", u.roles()));
        }
        out.println("  catalogo-ssu:  " + catalogo.baseUrl());
        out.println("  front-office:  " + fo.baseUrl());
        out.println("  geowork:       " + geowork.address() + " (callback " + geowork.callbackUrl() + ")");
        for (EnteSimulator e : enti) {
            out.printf("  ente %-15s %s %s:%d (user %s)%n", e.enteCode(), e.protocol(), brokerHost, brokerPort, EnteSimulator.defaultUser(e.enteCode()));
        }
        for (EnteSsuSimulator et : entiTerzi) {
            out.printf("  ente %-15s SSU %s (calls %s as %s)%n", et.enteCode(), et.baseUrl(), et.gatewayApiUrl(), et.clientId());
        }
        out.println("  registro-imprese: " + registroImprese.baseUrl() + " (calls " + registroImprese.gatewayApiUrl() + " as "
                + registroImprese.clientId() + ")");
        out.println("  scrivania:     " + scrivania.address() + " (posts to " + scrivania.gatewayEndpoint() + "; " + registered
                + " cases from " + scrivaniaValid + ")");
        if (pec != null) {
            String imap = mailTls ? "imaps" : "imap";
            String smtp = mailTls ? "smtps" : "smtp";
            out.printf("  ente %-15s PEC %s (%s %s:%d, %s %s:%d; gestore %s)%n", pec.enteCode(), pec.address(), imap, mailHost, imapPort, smtp,
                    mailHost, smtpPort, pec.provider() == null ? "none: bare mail" : pec.provider().gestoreName());
        }
        out.println("  geopost:       " + geopost.baseUrl() + " (pushes to " + geopost.pushUrl() + "; " + ospCases.size()
                + " istanze from " + ospDir.resolve("istanze") + ")");
        out.println("  osapi:         " + osapi.baseUrl() + " (" + osapi.occupazioniOnFile().size() + " occupazioni on file)");
        out.println("  ermes:         " + ermes.baseUrl());
        out.println("  geri:          " + geri.baseUrl());
        out.println("  enti pareri fixture: " + (pareri != null ? pareri : "none (rules only)"));
        return new Simulators(gatewayUrl, pdnd, idp, catalogo, fo, geowork, List.copyOf(enti), List.copyOf(entiTerzi), registroImprese,
                scrivania, geopost, osapi, ermes, geri, pec, mailTls, modiOn, samples, legacyCases, ospCases, stopAll);
    }

    static int run(PrintStream out) throws Exception {
        Simulators sims = start(out);
        String gatewayUrl = sims.gatewayUrl();
        PdndSimulator pdnd = sims.pdnd();
        DemoOidcProvider idp = sims.idp();
        CatalogoSimulator catalogo = sims.catalogo();
        FrontOfficeSimulator fo = sims.fo();
        GeoworkSimulator geowork = sims.geowork();
        List<EnteSimulator> enti = sims.enti();
        List<EnteSsuSimulator> entiTerzi = sims.entiTerzi();
        RegistroImpreseSimulator registroImprese = sims.registroImprese();
        ScrivaniaSimulator scrivania = sims.scrivania();
        GeopostSimulator geopost = sims.geopost();
        OsapiSimulator osapi = sims.osapi();
        ErmesSimulator ermes = sims.ermes();
        GeriSimulator geri = sims.geri();
        PecEnteSimulator pec = sims.pec();
        boolean mailTls = sims.mailTls();
        boolean modiOn = sims.modiOn();
        SampleInstances samples = sims.samples();
        List<ScrivaniaCase> legacyCases = sims.legacyCases();
        List<OspCase> ospCases = sims.ospCases();
        int pratiche = Integer.parseInt(setting("SUAPGW_DEMO_PRATICHE", "20"));
        boolean legacyDemo = !"false".equalsIgnoreCase(setting("SUAPGW_DEMO_LEGACY", "true"));
        boolean ospDemo = !"false".equalsIgnoreCase(setting("SUAPGW_DEMO_OSP", "true"));
        boolean exit = Boolean.parseBoolean(setting("SUAPGW_DEMO_EXIT", "false"));
        Duration timeout = Duration.ofSeconds(Long.parseLong(setting("SUAPGW_DEMO_TIMEOUT_SECONDS", "300")));
        Duration healthTimeout = Duration.ofSeconds(Long.parseLong(setting("SUAPGW_HEALTH_TIMEOUT_SECONDS", "180")));
        out.println("waiting for " + gatewayUrl + "/actuator/health ...");
        if (!awaitHealthy(gatewayUrl, healthTimeout)) {
            out.println("suap-gateway at " + gatewayUrl + " not healthy after " + healthTimeout.toSeconds() + " s");
            if (exit) {
                return 1;
            }
            out.println("simulators keep running; no batch");
            new CountDownLatch(1).await();
        }
        out.println("suap-gateway: " + gatewayUrl);
        out.println("  oidc-idp:      " + idp.issuer() + " (console login: " + gatewayUrl + "/console)");
        out.println("  catalogo-ssu:  " + catalogo.baseUrl());
        out.println("  front-office:  " + fo.baseUrl());
        out.println("  geowork:       " + geowork.address());
        for (EnteSimulator e : enti) {
            boolean ok = e.awaitConnected(Duration.ofSeconds(30));
            out.printf("  ente %-15s %s %s%n", e.enteCode(), e.protocol(), ok ? "connected" : "NOT CONNECTED (still retrying)");
        }
        out.println("  scrivania:     " + scrivania.address());
        out.println("  geopost:       " + geopost.baseUrl());
        out.println("  osapi:         " + osapi.baseUrl());
        out.println("  ermes:         " + ermes.baseUrl());
        out.println("  geri:          " + geri.baseUrl());
        if (pec != null) {
            boolean ok = pec.awaitConnected(Duration.ofSeconds(30));
            out.printf("  ente %-15s PEC %s%n", pec.enteCode(), ok ? (mailTls ? "connected (IMAPS)" : "connected (IMAP)") : "NOT CONNECTED (still retrying)");
        }
        out.flush();

        int rc = 0;
        List<ScrivaniaCase> legacyBatch = legacyDemo ? legacyCases : List.of();
        List<OspCase> ospBatch = ospDemo ? ospCases : List.of();
        if (pratiche > 0 || !legacyBatch.isEmpty() || !ospBatch.isEmpty()) {
            DemoDriver driver = new DemoDriver(gatewayUrl, catalogo, fo, samples, out)
                    .counter("Geowork registrations", geowork::registrations)
                    .counter("Geowork registraPratica calls", geowork::registrationCalls)
                    .counter("Geowork esiti proposed", geowork::proposals)
                    .counter("Geowork validations sent", geowork::validationsSent)
                    .counter("Geowork checks failed", geowork::verificationFailures)
                    .counter("Geowork conferenze", geowork::conferenzeCount);
            for (EnteSimulator e : enti) {
                driver.counter("pareri answered " + e.enteCode(), e::repliesSent);
            }
            for (EnteSimulator e : enti) {
                driver.counter("silent/notified " + e.enteCode(), () -> e.unansweredRequests().size() + "/" + e.notifiche().size());
            }
            for (EnteSsuSimulator et : entiTerzi) {
                driver.enteTerzo(et)
                        .counter("ET " + et.enteCode() + " calls ok/refused", () -> et.calls().stream().filter(c -> c.ok()).count() + "/"
                                + et.calls().stream().filter(c -> !c.ok()).count())
                        .counter("ET " + et.enteCode() + " docs ok/bad/fail", () -> et.documentsVerified() + "/" + et.documentMismatches() + "/"
                                + et.documentFailures())
                        .counter("ET " + et.enteCode() + " invalid calls", et::invalidCalls);
            }
            driver.registroImprese(registroImprese)
                    .counter("RI docs ok/bad/fail", () -> registroImprese.documentsVerified() + "/" + registroImprese.documentMismatches() + "/"
                            + registroImprese.documentFailures())
                    .counter("RI invalid calls", registroImprese::invalidCalls);
            if (modiOn) {
                driver.counter("PDND vouchers issued/refused", () -> pdnd.vouchersIssued() + "/" + pdnd.refusals())
                        .counter("ModI untrusted responses", () -> fo.modiFailures() + registroImprese.modiFailures()
                                + entiTerzi.stream().mapToInt(EnteSsuSimulator::modiFailures).sum())
                        .counter("ModI requests refused", () -> fo.modiRefusals() + catalogo.modiRefusals() + registroImprese.modiRefusals()
                                + entiTerzi.stream().mapToInt(EnteSsuSimulator::modiRefusals).sum());
            }
            driver.counter("Scrivania calls received", scrivania::calls)
                    .counter("Scrivania invalid calls", scrivania::invalidCalls)
                    .counter("Scrivania integrations sent", () -> scrivania.integrations().size());
            if (pec != null) {
                driver.counter("PEC " + pec.enteCode() + " requests", () -> pec.requests().size())
                        .counter("PEC " + pec.enteCode() + " replies", () -> pec.replies().size())
                        .counter("PEC " + pec.enteCode() + " malformed", pec::malformed)
                        .counter("PEC " + pec.enteCode() + " annullamenti", () -> pec.annullamenti().size());
            }
            driver.counter("GEOPOST events", () -> geopost.events().size())
                    .counter("GEOPOST polls", geopost::pollCount)
                    .counter("GEOPOST comunicazioni dup.", geopost::duplicateComunicazioni)
                    .counter("OSAPI calls", osapi::calls)
                    .counter("ERMES calls", ermes::calls)
                    .counter("GERI calls", geri::calls);
            if (!legacyBatch.isEmpty()) {
                driver.legacy(scrivania, legacyBatch);
            }
            if (!ospBatch.isEmpty()) {
                driver.osp(geopost, osapi, geri, ospBatch);
            }
            DemoDriver.DemoResult result = driver.run(pratiche, timeout);
            rc = result.allFinalAsExpected() ? 0 : 1;
        }
        if (exit) {
            return rc;
        }
        out.println("simulators keep running (Ctrl-C to stop)");
        out.flush();
        new CountDownLatch(1).await();
        return rc;
    }

    private static Path existing(Path file) {
        return Files.isRegularFile(file) ? file : null;
    }

    static boolean awaitHealthy(String gatewayUrl, Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(gatewayUrl + "/actuator/health"))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return true;
                }
            } catch (java.io.IOException e) {
                // not up yet
            }
            Thread.sleep(1000);
        }
        return false;
    }

    /** A setting: the system property {@code name}, else the environment variable, else {@code def}. */
    public static String setting(String name, String def) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            v = System.getenv(name);
        }
        return v == null || v.isBlank() ? def : v.trim();
    }
}
