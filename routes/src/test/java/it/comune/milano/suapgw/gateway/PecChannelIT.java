package it.comune.milano.suapgw.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import it.comune.milano.suapgw.simulators.enti.PecEnteSimulator;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The PEC channel of the enti through a real mail server: request out by SMTP, reply in by IMAP, quarantine. */
class PecChannelIT extends AbstractGatewayIT {
    static final String VVF = "com.milano@cert.vigilfuoco.it";
    static final String GATEWAY_MAILBOX = "suap@pec.comune.milano.it";

    @Autowired
    GreenMail mailServer;
    @Autowired
    org.springframework.jdbc.core.JdbcTemplate jdbc;

    @Test
    void aPecEnteReceivesTheRequestInTheArt10FormatAndItsReplyBecomesAParere() throws Exception {
        enti();
        Path dir = Path.of("../test-data/scrivania/valid/05-ordinario-deposito-gpl-vvf-negativo");
        JsonNode expected = JSON.readTree(dir.resolve("expected.json").toFile());
        String codice = expected.path("codicePratica").asText();
        assertThat(SCRIVANIA.post(dir).returnValue()).isEqualTo("Ok");

        await().atMost(Duration.ofSeconds(60)).until(() -> pecEnte.requests().stream().anyMatch(r -> r.codicePratica().equals(codice)));
        MimeMessage request = Arrays.stream(mailServer.getReceivedMessagesForDomain("cert.vigilfuoco.it"))
                .filter(m -> body(m).contains("Pratica: " + codice)).findFirst().orElseThrow();
        assertThat(request.getSubject()).isEqualTo("SUAP Comune di Milano - " + expected.path("codiceFiscale").asText()
                + " - " + expected.path("denominazione").asText());
        assertThat(body(request)).contains("SUAP: c_f205-SUAP", "Impresa: " + expected.path("codiceFiscale").asText(),
                "Protocollo Ente: ", "Tipo messaggio: richiesta-parere");

        await().atMost(Duration.ofSeconds(60)).until(() -> byCodice(codice) != null && byCodice(codice).path("final").asBoolean());
        JsonNode d = JSON.readTree(get("/api/pratiche/" + byCodice(codice).path("id").asText()).body());
        JsonNode vvf = null;
        for (JsonNode p : d.path("pareri")) if (p.path("ente_code").asText().equals("vigili-del-fuoco")) vvf = p;
        assertThat(vvf).isNotNull();
        assertThat(vvf.path("channel").asText()).isEqualTo("pec");
        assertThat(vvf.path("status").asText()).isEqualTo("ANSWERED");
        assertThat(vvf.path("esito").asText()).isEqualTo("NEGATIVO");
        JsonNode allegati = JSON.readTree(vvf.path("allegati").asText());
        assertThat(allegati.get(0).path("name").asText()).startsWith("parere-VVF-");
        // the ente's attachment is stored like any document, served by signed link only: never by its bare hash
        String sha = allegati.get(0).path("sha256").asText();
        assertThat(jdbc.queryForObject("select count(*) from documento where sha256 = ?", Integer.class, sha)).isOne();
        assertThat(get("/api/documenti/" + sha).statusCode()).isEqualTo(403);
        assertThat(d.path("state").asText()).isEqualTo("ended_by_negative_outcome");

        // found by part of the applicant's name, whatever the case; LIKE's wildcards are taken literally
        String denominazione = expected.path("denominazione").asText();
        String part = java.net.URLEncoder.encode(denominazione.substring(2, Math.min(denominazione.length(), 12)).toUpperCase(),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(JSON.readTree(get("/api/pratiche?richiedente=" + part).body()).findValuesAsText("codicePratica")).contains(codice);
        assertThat(JSON.readTree(get("/api/pratiche?richiedente=%25").body())).isEmpty();
    }

    @Test
    void aReplyWithoutItsProvidersEnvelopeLandsInQuarantineWithItsRawMessage() throws Exception {
        int before = JSON.readTree(get("/api/quarantine").body()).size();
        // from the registered address, but not certified by its provider: anyone can write a From header
        PecEnteSimulator.sendRaw("127.0.0.1", SMTP_PORT, VVF, "vigili-del-fuoco-secret", GATEWAY_MAILBOX,
                "Re: pratica", "Buongiorno, in allegato il parere.\r\nCordiali saluti");
        await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(get("/api/quarantine").body()).size() == before + 1);
        JsonNode q = JSON.readTree(get("/api/quarantine").body()).get(0);
        assertThat(q.path("reason").asText()).contains("no valid certified-mail envelope");
        assertThat(q.path("headers").path("from").asText()).isEqualTo(VVF);
        String raw = HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(q.path("rawMessageUrl").asText())).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(raw).contains("Buongiorno, in allegato il parere.");
    }

    static String body(MimeMessage m) {
        try {
            Object c = m.getContent();
            if (c instanceof String s) return s;
            jakarta.mail.Multipart mp = (jakarta.mail.Multipart) c;
            return String.valueOf(mp.getBodyPart(0).getContent());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
