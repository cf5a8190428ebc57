package it.comune.milano.suapgw.simulators.enti;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import it.comune.milano.suapgw.simulators.support.Json;
import jakarta.activation.DataHandler;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.search.FlagTerm;
import jakarta.mail.util.ByteArrayDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The PEC ente against an in-process GreenMail (plain SMTP + IMAP with AUTH; TLS in {@link PecEnteSimulatorTlsTest}); its
 * replies travel in the demo gestore's envelope (checked in depth in {@link PecProviderTest}).
 */
class PecEnteSimulatorTest {

    static final String GATEWAY = "suap@pec.comune.milano.it";
    static final String GATEWAY_PASSWORD = "suap-secret";
    static final String ENTE = "com.milano@cert.vigilfuoco.it";
    static final String ENTE_PASSWORD = "vigili-del-fuoco-secret";
    static final String HOST = "127.0.0.1";

    @RegisterExtension
    final GreenMailExtension greenMail = new GreenMailExtension(ServerSetup.dynamicPort(ServerSetupTest.SMTP_IMAP));

    private PecEnteSimulator ente;

    @BeforeEach
    void start() {
        greenMail.setUser(GATEWAY, GATEWAY, GATEWAY_PASSWORD);
        greenMail.setUser(ENTE, ENTE, ENTE_PASSWORD);
        ente = new PecEnteSimulator("vigili-del-fuoco", ENTE, ENTE_PASSWORD, HOST, smtpPort(), HOST, imapPort(),
                PecEnteSimulator.defaultRules("vigili-del-fuoco"));
        ente.setPollInterval(Duration.ofMillis(100));
        ente.start();
        assertThat(ente.awaitConnected(Duration.ofSeconds(10))).isTrue();
    }

    @AfterEach
    void stop() {
        ente.stop();
    }

    private int smtpPort() {
        return greenMail.getSmtp().getPort();
    }

    private int imapPort() {
        return greenMail.getImap().getPort();
    }

    static ObjectNode json(String codicePratica, String procedura, int round) {
        ObjectNode j = Json.object();
        j.put("schemaVersion", "1.0");
        j.put("idRichiesta", UUID.randomUUID().toString());
        j.put("idPratica", UUID.randomUUID().toString());
        j.put("codicePratica", codicePratica);
        j.put("canale", "SCRIVANIA");
        j.putObject("ente").put("codice", "vigili-del-fuoco").put("codiceIpa", "vvf");
        j.putObject("procedimento").put("codice", procedura);
        j.put("round", round);
        j.put("scadenza", "2026-12-31");
        j.putArray("documenti");
        j.put("inviataIl", "2026-11-25T10:00:00+01:00");
        return j;
    }

    /** The art. 10 body, lines shuffled, CRLF, with an extra line the ente must ignore. */
    static String body(String codicePratica, int round, String idRichiesta) {
        return String.join("\r\n",
                "Tipo messaggio: richiesta-parere",
                "SUAP: 1234",
                "Impresa: 10000000156 - Bar Navigli S.r.l.",
                "Pratica: " + codicePratica,
                "Nota: messaggio generato automaticamente",
                "Protocollo RI: -",
                "Protocollo Ente: " + idRichiesta,
                "Round: " + round,
                "Scadenza: 2026-12-31", "");
    }

    /** Sends a request as the gateway does (SMTP AUTH as the SUAP mailbox); returns its Message-ID. */
    private String sendRequest(String text, byte[] jsonBytes) throws Exception {
        MimeMessage m = request(text, jsonBytes);
        try (Transport tr = m.getSession().getTransport("smtp")) {
            tr.connect(HOST, smtpPort(), GATEWAY, GATEWAY_PASSWORD);
            tr.sendMessage(m, m.getAllRecipients());
        }
        return m.getMessageID();
    }

    /** A richiesta di parere as the gateway writes it (art. 10 text, richiesta-parere.json, a project document). */
    static MimeMessage request(String text, byte[] jsonBytes) throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.auth", "true");
        Session s = Session.getInstance(p);
        MimeMessage m = new MimeMessage(s);
        m.setFrom(new InternetAddress(GATEWAY));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress(ENTE));
        m.setSubject("SUAP Comune di Milano - 10000000156 - Bar Navigli S.r.l.", "UTF-8");
        MimeMultipart mixed = new MimeMultipart("mixed");
        MimeBodyPart t = new MimeBodyPart();
        t.setText(text, "UTF-8", "plain");
        mixed.addBodyPart(t);
        if (jsonBytes != null) {
            MimeBodyPart j = new MimeBodyPart();
            j.setDataHandler(new DataHandler(new ByteArrayDataSource(jsonBytes, "application/json")));
            j.setFileName(PecEnteSimulator.REQUEST_JSON);
            mixed.addBodyPart(j);
        }
        MimeBodyPart doc = new MimeBodyPart();
        doc.setDataHandler(new DataHandler(new ByteArrayDataSource("%PDF-1.4 progetto".getBytes(StandardCharsets.US_ASCII), "application/pdf")));
        doc.setFileName("progetto-antincendio.pdf");
        mixed.addBodyPart(doc);
        m.setContent(mixed);
        m.saveChanges();
        return m;
    }

    private String sendRequest(String codicePratica, String procedura, int round) throws Exception {
        ObjectNode j = json(codicePratica, procedura, round);
        if (round > 1) {
            j.putObject("parerePrecedente").put("idRichiesta", UUID.randomUUID().toString()).put("esito", "conformazione");
        }
        return sendRequest(body(codicePratica, round, j.get("idRichiesta").asText()), Json.bytes(j));
    }

    private MimeMessage[] gatewayInbox() {
        return greenMail.getReceivedMessagesForDomain("pec.comune.milano.it");
    }

    /** The ente's reply to a request, taken out of its transport envelope. */
    private MimeMessage replyTo(String messageId) throws Exception {
        for (MimeMessage m : gatewayInbox()) {
            assertThat(m.getHeader("X-Trasporto", null)).as("every reply travels in the gestore's envelope").isEqualTo("posta-certificata");
            MimeMessage inner = PecMail.unwrap(m);
            if (messageId.equals(inner.getHeader("In-Reply-To", null))) {
                return inner;
            }
        }
        throw new AssertionError("no reply to " + messageId);
    }

    @Test
    void answersEachRequestWithTheArt10ParereAndAPdf() throws Exception {
        String positive = sendRequest("PRATICA-POS", "SOMMINISTRAZIONE_APERTURA", 1);
        String negative = sendRequest("PRATICA-NEG", "DEPOSITO_GPL_5MC", 1);
        String conformazione = sendRequest("PRATICA-CONF", "AUTORIMESSA_OLTRE_300MQ", 1);
        String round2 = sendRequest("PRATICA-CONF", "AUTORIMESSA_OLTRE_300MQ", 2);
        await().atMost(Duration.ofSeconds(15)).until(() -> gatewayInbox().length == 4);

        Map<String, String> pos = checkReply(replyTo(positive), "PRATICA-POS", "POSITIVO");
        assertThat(pos.get("motivazione")).startsWith("Parere favorevole");
        assertThat(PecMail.fields(text(replyTo(positive)))).doesNotContainKey("prescrizione");

        Map<String, String> neg = checkReply(replyTo(negative), "PRATICA-NEG", "NEGATIVO");
        assertThat(neg.get("motivazione")).contains("GPL");

        MimeMessage conf = replyTo(conformazione);
        checkReply(conf, "PRATICA-CONF", "CONFORMAZIONE");
        List<String> prescrizioni = Arrays.stream(text(conf).split("\r\n")).filter(l -> l.startsWith("Prescrizione: ")).toList();
        assertThat(prescrizioni).hasSize(2);

        Map<String, String> r2 = checkReply(replyTo(round2), "PRATICA-CONF", "POSITIVO");
        assertThat(r2.get("motivazione")).contains("integrazione");

        assertThat(ente.requests()).extracting(PecEnteSimulator.Request::codicePratica, PecEnteSimulator.Request::round,
                        PecEnteSimulator.Request::procedura, PecEnteSimulator.Request::esito)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("PRATICA-POS", 1, "SOMMINISTRAZIONE_APERTURA", "POSITIVO"),
                        org.assertj.core.groups.Tuple.tuple("PRATICA-NEG", 1, "DEPOSITO_GPL_5MC", "NEGATIVO"),
                        org.assertj.core.groups.Tuple.tuple("PRATICA-CONF", 1, "AUTORIMESSA_OLTRE_300MQ", "CONFORMAZIONE"),
                        org.assertj.core.groups.Tuple.tuple("PRATICA-CONF", 2, "AUTORIMESSA_OLTRE_300MQ", "POSITIVO"));
        assertThat(ente.replies()).extracting(PecEnteSimulator.Reply::protocolloEnte).containsExactly("VVF-1", "VVF-2", "VVF-3", "VVF-4");
        assertThat(ente.replies().get(2).prescrizioni()).hasSize(2);
        assertThat(ente.malformed()).isZero();
        // marked SEEN right after the reply went out
        await().atMost(Duration.ofSeconds(5)).until(() -> unseenInEnteInbox() == 0);
    }

    private Map<String, String> checkReply(MimeMessage reply, String codicePratica, String esito) throws Exception {
        assertThat(reply.getFrom()).extracting(a -> ((InternetAddress) a).getAddress()).containsExactly(ENTE);
        assertThat(reply.getRecipients(Message.RecipientType.TO)).extracting(a -> ((InternetAddress) a).getAddress()).containsExactly(GATEWAY);
        assertThat(reply.getSubject()).isEqualTo("Comando Provinciale Vigili del Fuoco di Milano - 10000000156 - Bar Navigli S.r.l.");
        String text = text(reply);
        assertThat(text).contains("\r\n");
        Map<String, String> f = PecMail.fields(text);
        assertThat(f).containsEntry("suap", "1234").containsEntry("pratica", codicePratica)
                .containsEntry("impresa", "10000000156 - Bar Navigli S.r.l.").containsEntry("tipo messaggio", "parere")
                .containsEntry("esito", esito).containsEntry("firmatario", "Ing. Marco Bianchi");
        assertThat(f.get("protocollo ente")).matches("VVF-\\d+");
        assertThat(f.get("motivazione")).isNotBlank();
        PecMail.Content content = PecMail.content(reply);
        String pdfName = "parere-" + f.get("protocollo ente") + ".pdf";
        assertThat(content.attachments()).containsOnlyKeys(pdfName);
        assertThat(new String(content.attachments().get(pdfName), StandardCharsets.US_ASCII)).startsWith("%PDF-1.4").contains(codicePratica);
        MimeBodyPart pdfPart = (MimeBodyPart) ((MimeMultipart) reply.getContent()).getBodyPart(1);
        assertThat(pdfPart.getContentType()).startsWith("application/pdf");
        return f;
    }

    private static String text(MimeMessage m) throws Exception {
        return PecMail.content(m).texts().get(0);
    }

    private int unseenInEnteInbox() throws Exception {
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect(HOST, imapPort(), ENTE, ENTE_PASSWORD);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            int n = inbox.search(new FlagTerm(new Flags(Flags.Flag.SEEN), false)).length;
            inbox.close(false);
            return n;
        } finally {
            store.close();
        }
    }

    @Test
    void eachReplyTravelsInAnEnvelopeSignedByTheGestore() throws Exception {
        String request = sendRequest("PRATICA-PEC", "AUTORIMESSA_OLTRE_300MQ", 1);
        await().atMost(Duration.ofSeconds(15)).until(() -> ente.replies().size() == 1 && gatewayInbox().length == 1);
        MimeMessage envelope = gatewayInbox()[0];
        PecEnteSimulator.Reply reply = ente.replies().get(0);

        assertThat(envelope.getContentType()).startsWith("multipart/signed").contains("application/pkcs7-signature");
        assertThat(PecEnvelopes.verifies(envelope, PecEnvelopes.demoCertificate())).isTrue();
        assertThat(((InternetAddress) envelope.getFrom()[0]).getAddress()).isEqualTo("posta-certificata@pec-gestore.example.it");
        assertThat(envelope.getReplyTo()).extracting(a -> ((InternetAddress) a).getAddress()).containsExactly(ENTE);
        assertThat(envelope.getSubject()).isEqualTo("POSTA CERTIFICATA: " + reply.subject());
        assertThat(envelope.getMessageID()).isEqualTo(reply.envelopeMessageId());

        // postacert.eml: the ente's own reply, the art. 10 lines and the PDF parere
        MimeMessage inner = PecMail.unwrap(envelope);
        Map<String, String> f = checkReply(inner, "PRATICA-PEC", "CONFORMAZIONE");
        assertThat(inner.getHeader("In-Reply-To", null)).isEqualTo(request).isEqualTo(reply.inReplyTo());
        assertThat(inner.getHeader("References", null)).isEqualTo(request);
        assertThat(f.get("protocollo ente")).isEqualTo(reply.protocolloEnte());
        assertThat(envelope.getHeader("X-Riferimento-Message-ID", null)).isEqualTo(inner.getMessageID());

        org.w3c.dom.Document d = PecEnvelopes.daticert(envelope);
        assertThat(d.getDocumentElement().getAttribute("tipo")).isEqualTo("posta-certificata");
        assertThat(PecEnvelopes.text(d, "mittente")).isEqualTo(ENTE);
        assertThat(PecEnvelopes.text(d, "destinatari")).isEqualTo(GATEWAY);
        assertThat(PecEnvelopes.text(d, "msgid")).isEqualTo(inner.getMessageID());
        assertThat("<" + PecEnvelopes.text(d, "identificativo") + ">").isEqualTo(envelope.getMessageID());

        // one changed byte of the parere and the gestore's signature no longer holds
        String wire = new String(PecEnvelopes.bytes(envelope), StandardCharsets.ISO_8859_1);
        assertThat(wire).contains("Esito: CONFORMAZIONE");
        MimeMessage tampered = PecEnvelopes.parse(wire.replace("Esito: CONFORMAZIONE", "Esito: POSITIVO     ").getBytes(StandardCharsets.ISO_8859_1));
        assertThat(PecEnvelopes.verifies(tampered, PecEnvelopes.demoCertificate())).isFalse();
    }

    @Test
    void withoutAProviderTheReplyLeavesBare() throws Exception {
        ente.setProvider(null);
        String request = sendRequest("PRATICA-NUDA", "SOMMINISTRAZIONE_APERTURA", 1);
        await().atMost(Duration.ofSeconds(15)).until(() -> ente.replies().size() == 1 && gatewayInbox().length == 1);
        MimeMessage bare = gatewayInbox()[0];
        assertThat(bare.getHeader("X-Trasporto", null)).isNull();
        assertThat(bare.getHeader("In-Reply-To", null)).isEqualTo(request);
        checkReply(bare, "PRATICA-NUDA", "POSITIVO");
        assertThat(PecEnvelopes.verifies(bare, PecEnvelopes.demoCertificate())).isFalse();
        assertThat(ente.replies().get(0).envelopeMessageId()).isNull();
    }

    @Test
    void aRequestInsideAnEnvelopeIsReadFromItsPostacert() throws Exception {
        // the gateway's own gestore (here a foreign one: the ente does not check it) wraps the request
        ObjectNode j = json("PRATICA-BUSTA", "DEPOSITO_GPL_5MC", 1);
        MimeMessage request = request(body("PRATICA-BUSTA", 1, j.get("idRichiesta").asText()), Json.bytes(j));
        MimeMessage envelope = PecEnvelopes.foreignProvider().envelope(request.getSession(), request);
        PecEnteSimulator.sendMessage(envelope, HOST, smtpPort(), GATEWAY, GATEWAY_PASSWORD);
        await().atMost(Duration.ofSeconds(15)).until(() -> ente.replies().size() == 1 && gatewayInbox().length == 1);
        assertThat(ente.malformed()).isZero();
        assertThat(ente.requests()).extracting(PecEnteSimulator.Request::codicePratica, PecEnteSimulator.Request::esito)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("PRATICA-BUSTA", "NEGATIVO"));
        // answered to the original sender, not to the gestore's posta-certificata@ address, in reply to the inner message
        assertThat(ente.replies().get(0).to()).isEqualTo(GATEWAY);
        assertThat(ente.replies().get(0).inReplyTo()).isEqualTo(request.getMessageID());
        checkReply(replyTo(request.getMessageID()), "PRATICA-BUSTA", "NEGATIVO");
    }

    @Test
    void malformedRequestsAreCountedAndNeverAnswered() throws Exception {
        ObjectNode good = json("PRATICA-X", "SOMMINISTRAZIONE_APERTURA", 1);
        String noPratica = body("PRATICA-X", 1, "r-1").replace("Pratica: PRATICA-X\r\n", "");
        sendRequest(noPratica, Json.bytes(good));
        sendRequest(body("PRATICA-Y", 1, "r-2"), "{not json".getBytes(StandardCharsets.UTF_8));
        sendRequest(body("PRATICA-Z", 1, "r-3"), null);
        PecEnteSimulator.sendRaw(HOST, smtpPort(), GATEWAY, GATEWAY_PASSWORD, ENTE, "ciao", "nessun campo utile");
        // a valid request after the malformed ones: its reply proves they were all handled, and not answered
        String valid = sendRequest("PRATICA-OK", "SOMMINISTRAZIONE_APERTURA", 1);
        await().atMost(Duration.ofSeconds(15)).until(() -> ente.replies().size() == 1);
        assertThat(ente.malformed()).isEqualTo(4);
        assertThat(gatewayInbox()).hasSize(1);
        assertThat(replyTo(valid).getSubject()).startsWith("Comando Provinciale Vigili del Fuoco di Milano");
        assertThat(ente.requests()).extracting(PecEnteSimulator.Request::codicePratica).containsExactly("PRATICA-OK");
        // marked SEEN right after the reply went out
        await().atMost(Duration.ofSeconds(5)).until(() -> unseenInEnteInbox() == 0);
    }

    @Test
    void aRepeatedRequestIsNotAnsweredTwice() throws Exception {
        ObjectNode j = json("PRATICA-D", "SOMMINISTRAZIONE_APERTURA", 1);
        sendRequest(body("PRATICA-D", 1, j.get("idRichiesta").asText()), Json.bytes(j));
        sendRequest(body("PRATICA-D", 1, j.get("idRichiesta").asText()), Json.bytes(j));
        String other = sendRequest("PRATICA-E", "SOMMINISTRAZIONE_APERTURA", 1);
        await().atMost(Duration.ofSeconds(15)).until(() -> ente.replies().size() == 2);
        assertThat(ente.duplicates()).isEqualTo(1);
        assertThat(replyTo(other)).isNotNull();
        assertThat(ente.replies()).extracting(PecEnteSimulator.Reply::codicePratica).containsExactly("PRATICA-D", "PRATICA-E");
    }

    @Test
    void sendRawDeliversAPlainMail() throws Exception {
        String id = PecEnteSimulator.sendRaw(HOST, smtpPort(), ENTE, ENTE_PASSWORD, GATEWAY, "Parere illeggibile", "%%% non art. 10 %%%");
        assertThat(greenMail.waitForIncomingEmail(5_000, 1)).isTrue();
        MimeMessage m = gatewayInbox()[0];
        assertThat(m.getMessageID()).isEqualTo(id);
        assertThat(m.getSubject()).isEqualTo("Parere illeggibile");
        assertThat(((String) m.getContent()).trim()).isEqualTo("%%% non art. 10 %%%");
        assertThat(ente.replies()).isEmpty();
    }

    @Test
    void esitoRulesAndSubject() {
        assertThat(ente.esito("IMPIANTO_DEPOSITO_GPL", 1)).isEqualTo("NEGATIVO");
        assertThat(ente.esito("AUTORIMESSA", 1)).isEqualTo("CONFORMAZIONE");
        assertThat(ente.esito("AUTORIMESSA", 2)).isEqualTo("POSITIVO");
        assertThat(ente.esito("DEPOSITO_GPL", 3)).isEqualTo("POSITIVO");
        assertThat(ente.esito("SOMMINISTRAZIONE_APERTURA", 1)).isEqualTo("POSITIVO");
        assertThat(PecEnteSimulator.impresaFromSubject("SUAP Comune di Milano - 123 - ACME S.p.A. - Filiale", null)).isEqualTo("123 - ACME S.p.A. - Filiale");
        assertThat(PecEnteSimulator.impresaFromSubject("Richiesta", "123 - ACME")).isEqualTo("123 - ACME");
        assertThat(PecMail.fields("Pratica:  P-1 \r\nTipo  messaggio:richiesta-parere\nnot a field\n"))
                .containsEntry("pratica", "P-1").containsEntry("tipo messaggio", "richiesta-parere").hasSize(2);
    }

    /** The art. 10 annullamento as the gateway sends it (connectors/pec PecMessages.annullamentoBody). */
    private static String annullamento(String codicePratica, List<String> richiesteChiuse) {
        StringBuilder b = new StringBuilder();
        b.append("SUAP: 1234\r\n").append("Pratica: ").append(codicePratica).append("\r\n")
                .append("Impresa: 10000000156 - Bar Navigli S.r.l.\r\n").append("Tipo messaggio: annullamento\r\n")
                .append("Evento: end_by_submitter_cancel_requested\r\n");
        richiesteChiuse.forEach(r -> b.append("Protocollo Ente: ").append(r).append("\r\n"));
        b.append("\r\nIl soggetto presentatore ha ritirato l'istanza: le richieste di parere indicate non richiedono risposta.\r\n");
        return b.toString();
    }

    @Test
    void anAnnullamentoIsRecordedAndNeverAnswered() throws Exception {
        String r1 = UUID.randomUUID().toString();
        String r2 = UUID.randomUUID().toString();
        PecEnteSimulator.sendRaw(HOST, smtpPort(), GATEWAY, GATEWAY_PASSWORD, ENTE, "SUAP Comune di Milano - 10000000156 - Bar Navigli S.r.l.",
                annullamento("PRATICA-ANN", List.of(r1, r2)));
        // a valid request after it: its reply proves the annullamento was handled, and not answered
        String valid = sendRequest("PRATICA-OK", "SOMMINISTRAZIONE_APERTURA", 1);
        await().atMost(Duration.ofSeconds(15)).until(() -> ente.replies().size() == 1);
        assertThat(ente.annullamenti()).hasSize(1);
        PecEnteSimulator.Annullamento a = ente.annullamenti().get(0);
        assertThat(a.codicePratica()).isEqualTo("PRATICA-ANN");
        assertThat(a.evento()).isEqualTo("end_by_submitter_cancel_requested");
        assertThat(a.richiesteChiuse()).containsExactly(r1, r2);
        assertThat(ente.malformed()).isZero();
        assertThat(gatewayInbox()).hasSize(1);
        assertThat(replyTo(valid)).isNotNull();
        assertThat(ente.requests()).extracting(PecEnteSimulator.Request::codicePratica).containsExactly("PRATICA-OK");
        await().atMost(Duration.ofSeconds(5)).until(() -> unseenInEnteInbox() == 0);
    }

    @Test
    void integrazioneAndSilenzioRules() throws Exception {
        ente.stop();
        ente = new PecEnteSimulator("vigili-del-fuoco", ENTE, ENTE_PASSWORD, HOST, smtpPort(), HOST, imapPort(),
                List.of(new EnteSimulator.Rule(".*PALESTRA.*", "integrazione"), new EnteSimulator.Rule(".*DEPOSITO.*", "silenzio")));
        assertThat(ente.esito("PALESTRA_APERTURA", 1)).isEqualTo("INTEGRAZIONE");
        assertThat(ente.esito("PALESTRA_APERTURA", 2)).isEqualTo("POSITIVO");
        assertThat(ente.esito("DEPOSITO_GPL", 2)).isEqualTo("SILENZIO");
        ente.setPollInterval(Duration.ofMillis(100));
        ente.start();
        assertThat(ente.awaitConnected(Duration.ofSeconds(10))).isTrue();
        sendRequest("PRATICA-SIL", "DEPOSITO_GPL_5MC", 1);
        String integrazione = sendRequest("PRATICA-INT", "PALESTRA_APERTURA", 1);
        await().atMost(Duration.ofSeconds(15)).until(() -> ente.replies().size() == 1);
        MimeMessage reply = replyTo(integrazione);
        Map<String, String> f = checkReply(reply, "PRATICA-INT", "CONFORMAZIONE");
        assertThat(f).containsKey("integrazione").doesNotContainKey("prescrizione");
        assertThat(f.get("integrazione")).isNotBlank();
        assertThat(ente.unanswered()).extracting(PecEnteSimulator.Request::codicePratica).containsExactly("PRATICA-SIL");
        assertThat(gatewayInbox()).hasSize(1);
    }
}
