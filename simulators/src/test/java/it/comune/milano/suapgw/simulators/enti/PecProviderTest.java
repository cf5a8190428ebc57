package it.comune.milano.suapgw.simulators.enti;

import it.comune.milano.suapgw.simulators.support.DemoFiles;
import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

import java.nio.charset.StandardCharsets;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The transport envelope of the simulated gestore, built on hand-made messages and read back as from the wire. */
class PecProviderTest {

    static final String ENTE = "com.milano@cert.vigilfuoco.it";
    static final String GATEWAY = "suap@pec.comune.milano.it";
    static final String OTHER = "protocollo@pec.comune.milano.it";

    private final Session session = Session.getInstance(new Properties());

    /** A reply as an ente writes it: non-ASCII subject and text, two recipients, a PDF. */
    private MimeMessage original() throws Exception {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(ENTE));
        m.setRecipients(Message.RecipientType.TO, new InternetAddress[]{new InternetAddress(GATEWAY), new InternetAddress(OTHER)});
        m.setSubject("Parere – attività <B&B> \"Navigli\"", "UTF-8");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Pratica: P-1\r\nEsito: POSITIVO\r\nMotivazione: il progetto è conforme.\r\n", "UTF-8", "plain");
        MimeBodyPart pdf = new MimeBodyPart();
        pdf.setDataHandler(new DataHandler(new ByteArrayDataSource("%PDF-1.4 parere".getBytes(StandardCharsets.US_ASCII), "application/pdf")));
        pdf.setFileName("parere-VVF-1.pdf");
        MimeMultipart mixed = new MimeMultipart("mixed");
        mixed.addBodyPart(text);
        mixed.addBodyPart(pdf);
        m.setContent(mixed);
        return m;
    }

    @Test
    void theEnvelopeIsSignedByTheGestoreAndCarriesTheOriginalAndItsCertificationData() throws Exception {
        MimeMessage original = original();
        MimeMessage sent = PecProvider.demo().envelope(session, original);
        String originalId = original.getMessageID();
        assertThat(originalId).as("saveChanges() on the original").isNotNull();
        MimeMessage envelope = PecEnvelopes.reparse(sent);

        InternetAddress from = (InternetAddress) envelope.getFrom()[0];
        assertThat(from.getAddress()).isEqualTo("posta-certificata@pec-gestore.example.it");
        assertThat(from.getPersonal()).isEqualTo("Per conto di: " + ENTE);
        assertThat(envelope.getReplyTo()).extracting(a -> ((InternetAddress) a).getAddress()).containsExactly(ENTE);
        assertThat(envelope.getRecipients(Message.RecipientType.TO)).extracting(a -> ((InternetAddress) a).getAddress())
                .containsExactly(GATEWAY, OTHER);
        assertThat(envelope.getSubject()).isEqualTo("POSTA CERTIFICATA: Parere – attività <B&B> \"Navigli\"");
        assertThat(envelope.getHeader("X-Trasporto", null)).isEqualTo("posta-certificata");
        assertThat(envelope.getHeader("X-Riferimento-Message-ID", null)).isEqualTo(originalId);
        assertThat(envelope.getMessageID()).matches("<opec[^@<>]+@pec-gestore\\.example\\.it>").isEqualTo(sent.getMessageID());
        assertThat(envelope.getSentDate()).isNotNull();

        assertThat(envelope.getContentType()).startsWith("multipart/signed").contains("application/pkcs7-signature").contains("sha-256");
        assertThat(PecEnvelopes.verifies(envelope, PecEnvelopes.demoCertificate())).isTrue();
        assertThat(PecEnvelopes.signerCertificates(envelope)).extracting(X509CertificateHolder::getEncoded)
                .containsExactly(PecEnvelopes.demoCertificate().getEncoded());

        MimeMultipart signed = (MimeMultipart) envelope.getContent();
        assertThat(signed.getCount()).isEqualTo(2);
        Part mixed = signed.getBodyPart(0);
        assertThat(mixed.isMimeType("multipart/mixed")).isTrue();
        MimeMultipart parts = (MimeMultipart) mixed.getContent();
        assertThat(parts.getCount()).isEqualTo(3);
        assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain").containsIgnoringCase("charset=UTF-8");
        assertThat((String) parts.getBodyPart(0).getContent()).startsWith("Messaggio di posta certificata\r\n")
                .containsPattern("Il giorno \\d{2}/\\d{2}/\\d{4} alle ore \\d{2}:\\d{2}:\\d{2} \\(\\+0[12]00\\) il messaggio")
                .contains("\"Parere – attività <B&B> \"Navigli\"\" è stato inviato da \"" + ENTE + "\"")
                .contains("indirizzato a: " + GATEWAY + ", " + OTHER);
        Part postacert = parts.getBodyPart(1);
        assertThat(postacert.isMimeType("message/rfc822")).isTrue();
        assertThat(postacert.getDisposition()).isEqualTo(Part.ATTACHMENT);
        assertThat(postacert.getFileName()).isEqualTo("postacert.eml");
        Part daticert = parts.getBodyPart(2);
        assertThat(daticert.isMimeType("application/xml")).isTrue();
        assertThat(daticert.getDisposition()).isEqualTo(Part.ATTACHMENT);
        assertThat(daticert.getFileName()).isEqualTo("daticert.xml");

        MimeMessage inner = PecMail.unwrap(envelope);
        assertThat(inner.getMessageID()).isEqualTo(originalId);
        assertThat(inner.getSubject()).isEqualTo(original.getSubject());
        PecMail.Content content = PecMail.content(inner);
        assertThat(PecMail.fields(content.texts().get(0))).containsEntry("pratica", "P-1").containsEntry("esito", "POSITIVO");
        assertThat(content.attachments()).containsOnlyKeys("parere-VVF-1.pdf");

        Document d = PecEnvelopes.daticert(envelope);
        assertThat(d.getDocumentElement().getTagName()).isEqualTo("postacert");
        assertThat(d.getDocumentElement().getAttribute("tipo")).isEqualTo("posta-certificata");
        assertThat(d.getDocumentElement().getAttribute("errore")).isEqualTo("nessuno");
        assertThat(PecEnvelopes.text(d, "mittente")).isEqualTo(ENTE);
        NodeList destinatari = d.getElementsByTagName("destinatari");
        assertThat(destinatari.getLength()).isEqualTo(2);
        assertThat(destinatari.item(0).getTextContent()).isEqualTo(GATEWAY);
        assertThat(destinatari.item(1).getTextContent()).isEqualTo(OTHER);
        assertThat(((org.w3c.dom.Element) destinatari.item(0)).getAttribute("tipo")).isEqualTo("certificato");
        assertThat(PecEnvelopes.text(d, "risposte")).isEqualTo(ENTE);
        assertThat(PecEnvelopes.text(d, "oggetto")).isEqualTo("Parere – attività <B&B> \"Navigli\"");
        assertThat(PecEnvelopes.text(d, "gestore-emittente")).isEqualTo("Gestore PEC dimostrativo");
        assertThat(((org.w3c.dom.Element) d.getElementsByTagName("data").item(0)).getAttribute("zona")).matches("\\+0[12]00");
        assertThat(PecEnvelopes.text(d, "giorno")).matches("\\d{2}/\\d{2}/\\d{4}");
        assertThat(PecEnvelopes.text(d, "ora")).matches("\\d{2}:\\d{2}:\\d{2}");
        assertThat("<" + PecEnvelopes.text(d, "identificativo") + ">").isEqualTo(envelope.getMessageID());
        assertThat(PecEnvelopes.text(d, "msgid")).isEqualTo(originalId);
    }

    @Test
    void theRepliesGoToTheReplyToOfTheOriginal() throws Exception {
        MimeMessage original = original();
        original.setReplyTo(new InternetAddress[]{new InternetAddress("risposte@cert.vigilfuoco.it")});
        MimeMessage envelope = PecEnvelopes.reparse(PecProvider.demo().envelope(session, original));
        assertThat(envelope.getReplyTo()).extracting(a -> ((InternetAddress) a).getAddress()).containsExactly("risposte@cert.vigilfuoco.it");
        assertThat(PecEnvelopes.text(PecEnvelopes.daticert(envelope), "risposte")).isEqualTo("risposte@cert.vigilfuoco.it");
        assertThat(PecEnvelopes.text(PecEnvelopes.daticert(envelope), "mittente")).isEqualTo(ENTE);
    }

    @Test
    void theEnvelopeKeepsItsOwnMessageIdThroughSaveChanges() throws Exception {
        MimeMessage envelope = PecProvider.demo().envelope(session, original());
        String id = envelope.getMessageID();
        envelope.saveChanges();
        assertThat(envelope.getMessageID()).isEqualTo(id);
        assertThat(PecProvider.demo().envelope(session, original()).getMessageID()).as("one identifier per envelope").isNotEqualTo(id);
        assertThat(PecEnvelopes.verifies(PecEnvelopes.reparse(envelope), PecEnvelopes.demoCertificate())).isTrue();
    }

    @Test
    void aTamperedEnvelopeFailsVerification() throws Exception {
        byte[] raw = PecEnvelopes.bytes(PecProvider.demo().envelope(session, original()));
        String wire = new String(raw, StandardCharsets.ISO_8859_1);
        assertThat(wire).contains("Esito: POSITIVO");
        MimeMessage tampered = PecEnvelopes.parse(wire.replace("Esito: POSITIVO", "Esito: NEGATIVO").getBytes(StandardCharsets.ISO_8859_1));
        assertThat(PecEnvelopes.verifies(tampered, PecEnvelopes.demoCertificate())).isFalse();
        assertThat(PecMail.fields(PecMail.content(PecMail.unwrap(tampered)).texts().get(0))).containsEntry("esito", "NEGATIVO");
    }

    @Test
    void anEnvelopeOfAnotherGestoreDoesNotVerifyAgainstTheDemoCertificate() throws Exception {
        PecProvider foreign = PecEnvelopes.foreignProvider();
        MimeMessage envelope = PecEnvelopes.reparse(foreign.envelope(session, original()));
        assertThat(PecEnvelopes.verifies(envelope, foreign.certificate())).isTrue();
        assertThat(PecEnvelopes.verifies(envelope, PecEnvelopes.demoCertificate())).isFalse();
        assertThat(envelope.getFrom()[0].toString()).contains("posta-certificata@pec-abusivo.example.it");
    }

    @Test
    void loadReadsThePemKeyAndCertificate() throws Exception {
        PecProvider p = PecProvider.load(DemoFiles.require("config/demo/keys/pec-gestore.pem"), DemoFiles.require("config/demo/keys/pec-gestore.crt"),
                "Gestore di prova", "gestore.example.it");
        assertThat(p.gestoreName()).isEqualTo("Gestore di prova");
        assertThat(p.domain()).isEqualTo("gestore.example.it");
        assertThat(p.certificate().getSubjectX500Principal().getName()).contains("O=Gestore PEC dimostrativo");
        MimeMessage envelope = PecEnvelopes.reparse(p.envelope(session, original()));
        assertThat(PecEnvelopes.verifies(envelope, PecEnvelopes.demoCertificate())).isTrue();
        assertThat(envelope.getMessageID()).endsWith("@gestore.example.it>");
    }

    @Test
    void aPlainMessageIsNotAnEnvelope() throws Exception {
        MimeMessage plain = PecEnvelopes.reparse(original());
        assertThat(PecEnvelopes.verifies(plain, PecEnvelopes.demoCertificate())).isFalse();
        assertThat(PecMail.unwrap(plain)).isSameAs(plain);
    }
}
