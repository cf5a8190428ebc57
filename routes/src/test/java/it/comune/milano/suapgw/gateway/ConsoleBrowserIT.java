package it.comune.milano.suapgw.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.simulators.ssu.SampleInstances;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console as a person uses it, in a real browser: Debian's chromium driven headless by its chromium-driver
 * (installed by .ci/run; never downloaded). Login at the identity provider, the dashboard against the API, a
 * pratica's timeline and its chain, a contact recorded and found on the timeline, an OSP letter validated, a dead
 * letter replayed. A screenshot of each page is saved under target/console-screenshots.
 */
class ConsoleBrowserIT extends AbstractGatewayIT {
    static final Path SCREENSHOTS = Path.of("target/console-screenshots");
    static final String CHROMIUM = System.getProperty("suapgw.chromium", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("suapgw.chromedriver", "/usr/bin/chromedriver");

    WebDriver browser;

    @BeforeAll
    static void screenshots() throws Exception {
        Files.createDirectories(SCREENSHOTS);
        assertThat(Path.of(CHROMIUM)).as("Debian's chromium (apt-get install chromium chromium-driver; .ci/run does it)").exists();
        assertThat(Path.of(CHROMEDRIVER)).as("Debian's chromium-driver").exists();
    }

    @AfterEach
    void close() {
        if (browser != null) browser.quit();
    }

    /** A fresh browser (no session), logged in at the identity provider as {@code user}. */
    void loginAs(String user, String password) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1100", "--lang=it");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().implicitlyWait(Duration.ofSeconds(2));
        browser.get(GATEWAY + "/console");
        // the console sent us to the Comune's login page
        waitFor(d -> d.getCurrentUrl().startsWith(OIDC.issuer() + "/authorize"));
        shot("00-login-idp");
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("accedi")).click();
        waitFor(d -> d.getCurrentUrl().startsWith(GATEWAY + "/console"));
        assertThat(browser.findElement(By.id("utente")).getText()).contains(user);
    }

    @Test
    void theDashboardShowsTheFiguresOfTheApi() throws Exception {
        enti();
        SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
        assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
        awaitFinal(s);
        loginAs("operatore", "operatore-demo");
        shot("01-cruscotto");
        assertThat(browser.getTitle()).startsWith("Cruscotto");
        // the figures of the page are the API's for the same period (read around the page, while nothing moves)
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            JsonNode before = kpiTotals();
            browser.navigate().refresh();
            String shown = browser.findElement(By.id("kpi-ricevute")).getText() + "/" + browser.findElement(By.id("kpi-aperte")).getText()
                    + "/" + browser.findElement(By.id("kpi-concluse")).getText();
            JsonNode after = kpiTotals();
            String api = after.path("ricevute").asText() + "/" + after.path("aperte").asText() + "/" + after.path("concluse").asText();
            return before.equals(after) && shown.equals(api);
        });
        // an operatore sees no Funzionario nor Operazioni page, and is refused them
        assertThat(browser.findElements(By.linkText("Operazioni"))).isEmpty();
        browser.get(GATEWAY + "/console/operazioni");
        assertThat(browser.getPageSource()).doesNotContain("Messaggi in errore");
    }

    @Test
    void aPraticaShowsItsChainedTimelineAndARecordedContactJoinsIt() throws Exception {
        enti();
        SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
        assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
        awaitFinal(s);
        String id = pratica(s.cuiUuid()).path("id").asText();
        loginAs("operatore", "operatore-demo");
        browser.get(GATEWAY + "/console/pratiche");
        // the results follow the typing (htmx), no submit needed
        browser.findElement(By.id("q")).sendKeys(s.cuiUuid());
        waitFor(d -> d.findElements(By.cssSelector("#tabella-pratiche tbody tr")).size() == 1
                && d.findElement(By.cssSelector("#tabella-pratiche caption")).getText().contains(s.cuiUuid()));
        shot("02-pratiche-ricerca");
        click(browser.findElement(By.cssSelector("#tabella-pratiche a")));
        waitFor(d -> d.getCurrentUrl().endsWith("/console/pratiche/" + id));
        assertThat(browser.findElement(By.id("verifica")).getText()).startsWith("Catena integra");
        int rows = browser.findElements(By.cssSelector("#tabella-timeline tbody tr")).size();
        assertThat(rows).isGreaterThan(5);
        shot("03-pratica-timeline");

        // a phone call about this pratica, answered at once
        browser.findElement(By.id("canale")).sendKeys("TELEFONO");
        browser.findElement(By.id("categoria")).sendKeys("STATO_PRATICA");
        browser.findElement(By.id("interlocutore")).sendKeys("Mario Rossi");
        browser.findElement(By.id("oggetto")).sendKeys("Chiede lo stato della pratica");
        browser.findElement(By.id("risposta")).sendKeys("Pratica conclusa con esito positivo, il provvedimento è sul fascicolo.");
        click(browser.findElement(By.id("registra")));
        waitFor(d -> !d.findElements(By.id("messaggio")).isEmpty());
        assertThat(browser.findElement(By.id("messaggio")).getText()).startsWith("Contatto registrato");
        assertThat(browser.findElement(By.id("contatti-pratica")).getText()).contains("TELEFONO", "Chiede lo stato della pratica", "operatore");
        assertThat(browser.findElement(By.id("tabella-timeline")).getText()).contains("CONTACT_CENTRE");
        assertThat(browser.findElements(By.cssSelector("#tabella-timeline tbody tr"))).hasSize(rows + 1);
        assertThat(browser.findElement(By.id("verifica")).getText()).startsWith("Catena integra");
        shot("04-pratica-contatto");
        // the contact is the API's too, with who recorded it; every view of it is traced
        JsonNode contacts = JSON.readTree(get("/api/contatti?pratica=" + id).body());
        assertThat(contacts).hasSize(1);
        assertThat(contacts.get(0).path("operatore").asText()).isEqualTo("operatore");
        JsonNode one = JSON.readTree(get("/api/contatti/" + contacts.get(0).path("id").asText()).body());
        assertThat(one.path("accessi").findValuesAsText("azione")).contains("CREATE", "VIEW");

        // a tampered entry shows on the page
        Long victim = jdbc.queryForObject("select id from timeline where pratica_id = ?::uuid order by id offset 2 limit 1", Long.class, id);
        String detail = jdbc.queryForObject("select detail from timeline where id = ?", String.class, victim);
        jdbc.update("update timeline set detail = 'riscritto' where id = ?", victim);
        try {
            browser.navigate().refresh();
            assertThat(browser.findElement(By.id("verifica")).getText()).startsWith("Catena interrotta alla voce " + victim);
            shot("05-pratica-catena-interrotta");
        } finally {
            jdbc.update("update timeline set detail = ? where id = ?", detail, victim);
        }
    }

    @Test
    void aFunzionarioValidatesAnOspLetterInTheBrowser() throws Exception {
        enti();
        ObjectNode istanza = OspWorkflowIT.copy(OspWorkflowIT.istanza(OspWorkflowIT.plainConcession()));
        String idIstanza = istanza.path("idIstanza").asText();
        GEOWORK.setAutoValidate(false);
        try {
            GEOPOST.submitIstanza(istanza);
            await().atMost(Duration.ofSeconds(60)).until(() -> byCodice(idIstanza) != null
                    && "outcome_proposed".equals(byCodice(idIstanza).path("state").asText()));
            loginAs("funzionario", "funzionario-demo");
            browser.get(GATEWAY + "/console/funzionario");
            waitFor(d -> !d.findElements(By.id("comunicazione-" + idIstanza)).isEmpty());
            shot("06-funzionario-coda");
            WebElement testo = browser.findElement(By.id("testo-" + idIstanza));
            testo.sendKeys("\nNota del funzionario: esporre la concessione.");
            click(browser.findElement(By.id("valida-" + idIstanza)));
            waitFor(d -> !d.findElements(By.id("messaggio")).isEmpty());
            assertThat(browser.findElement(By.id("messaggio")).getText()).contains("validata", idIstanza);
            shot("07-funzionario-validata");
        } finally {
            GEOWORK.setAutoValidate(true);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> byCodice(idIstanza).path("final").asBoolean());
        assertThat(GEOPOST.comunicazioni(idIstanza).toString()).contains("Nota del funzionario: esporre la concessione.");
    }

    @Test
    void anAmministratoreReplaysADeadLetterAndTheFrontOfficeIsNotified() throws Exception {
        enti();
        SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
        assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
        // the front-office goes down once the documents are fetched: its notify of the outcome is what dies
        await().atMost(Duration.ofSeconds(30)).until(() -> pratica(s.cuiUuid()) != null
                && get("/api/pratiche/" + pratica(s.cuiUuid()).path("id").asText() + "/timeline").body().contains("in_istruttoria"));
        String id = pratica(s.cuiUuid()).path("id").asText();
        FO.setAvailable(false);
        long deadId;
        try {
            awaitFinal(s);
            await().atMost(Duration.ofSeconds(30)).until(() -> deadLetterOf(id) != null);
            deadId = deadLetterOf(id).path("id").asLong();
        } finally {
            FO.setAvailable(true);
        }
        loginAs("amministratore", "amministratore-demo");
        browser.get(GATEWAY + "/console/operazioni");
        shot("08-operazioni");
        click(browser.findElement(By.id("replay-" + deadId)));
        waitFor(d -> !d.findElements(By.id("messaggio")).isEmpty());
        assertThat(browser.findElement(By.id("messaggio")).getText()).contains("rimesso in coda");
        shot("09-operazioni-replay");
        await().atMost(Duration.ofSeconds(30)).until(() -> !detail(s.cuiUuid()).path("outcome").path("frontOfficeNotifiedAt").isNull());
    }

    @Test
    void theConsoleRefusesWhoeverHasNotLoggedInAndChangesNeedTheSessionsToken() throws Exception {
        var plain = java.net.http.HttpClient.newHttpClient();
        var page = plain.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(GATEWAY + "/console/operazioni")).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location").orElse("")).contains("/oauth2/authorization/comune");
        var forged = plain.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(GATEWAY + "/console/operazioni/dead-letters/1/replay"))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isIn(302, 403);
        // a bearer token of the API opens no console page
        var bearer = plain.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(GATEWAY + "/console"))
                .header("Authorization", IDP.bearer("amministratore", "amministratore")).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(bearer.statusCode()).isEqualTo(302);
    }

    private JsonNode kpiTotals() throws Exception {
        return JSON.readTree(get("/api/kpi?per=mese&al=" + LocalDate.now()).body()).path("riepilogo").path("periodo");
    }

    private JsonNode deadLetterOf(String praticaId) throws Exception {
        for (JsonNode d : JSON.readTree(get("/api/dead-letters?category=OUTBOX_EXHAUSTED").body())) {
            if (praticaId.equals(d.path("pratica_id").asText()) && "FO_NOTIFY".equals(d.path("source").asText())
                    && d.path("replayed_at").isNull()) {
                return d;
            }
        }
        return null;
    }

    /** As a person does: the control is scrolled into view first. */
    private void click(WebElement e) {
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center', inline: 'center', behavior: 'instant'})", e);
        e.click();
    }

    private void waitFor(java.util.function.Function<WebDriver, Boolean> condition) {
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(condition::apply);
    }

    private void shot(String name) {
        try {
            File f = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
            Files.copy(f.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (Exception e) {
            throw new IllegalStateException("screenshot " + name, e);
        }
    }
}
