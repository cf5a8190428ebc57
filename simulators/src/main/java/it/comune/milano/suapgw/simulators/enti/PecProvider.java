package it.comune.milano.suapgw.simulators.enti;

import it.comune.milano.suapgw.simulators.support.DemoFiles;
import jakarta.activation.DataHandler;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MailDateFormat;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.mail.smime.SMIMESignedGenerator;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TimeZone;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The PEC provider (gestore) of an ente: like a real one it wraps every message its user sends into the
 * certified-mail transport envelope ("busta di trasporto", DM 2 novembre 2005 technical rules) and signs it S/MIME
 * with its own key, so that the receiving side can tell a certified message from a plain mail and check who vouched
 * for it. The envelope carries a human notice, the original message ({@code postacert.eml}) and the certification
 * data ({@code daticert.xml}).
 * <p>
 * {@link #envelope} works on any {@link MimeMessage}, so tests can wrap hand-built or forged messages, or sign with
 * a key the gateway does not trust.
 */
public final class PecProvider {

    public static final String DEMO_GESTORE = "Gestore PEC dimostrativo";
    public static final String DEMO_DOMAIN = "pec-gestore.example.it";
    public static final String DEMO_KEY = "config/demo/keys/pec-gestore.pem";
    public static final String DEMO_CERTIFICATE = "config/demo/keys/pec-gestore.crt";
    /** {@code X-Trasporto} of a transport envelope */
    public static final String TRASPORTO_POSTA_CERTIFICATA = "posta-certificata";
    public static final String POSTACERT = "postacert.eml";
    public static final String DATICERT = "daticert.xml";

    /** The PEC rules state times in Italian local time with the offset spelt out ({@code +0100}, {@code +0200}). */
    private static final ZoneId ITALY = ZoneId.of("Europe/Rome");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("dd/MM/yyyy");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final DateTimeFormatter ZONE = DateTimeFormatter.ofPattern("xx");
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
    private static final AtomicLong SEQ = new AtomicLong();

    private final String gestoreName;
    private final String domain;
    private final PrivateKey key;
    private final X509Certificate certificate;

    public PecProvider(String gestoreName, String domain, PrivateKey key, X509Certificate certificate) {
        this.gestoreName = Objects.requireNonNull(gestoreName, "gestoreName");
        this.domain = Objects.requireNonNull(domain, "domain");
        this.key = Objects.requireNonNull(key, "key");
        this.certificate = Objects.requireNonNull(certificate, "certificate");
    }

    /** The demo's gestore ({@value #DEMO_KEY}, {@value #DEMO_CERTIFICATE}); fails when the files are not found. */
    public static PecProvider demo() {
        return load(DemoFiles.require(DEMO_KEY), DemoFiles.require(DEMO_CERTIFICATE), DEMO_GESTORE, DEMO_DOMAIN);
    }

    /** {@link #demo()} when its files are found from the working directory; else empty. */
    static Optional<PecProvider> demoIfPresent() {
        if (DemoFiles.find(DEMO_KEY).isEmpty() || DemoFiles.find(DEMO_CERTIFICATE).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(demo());
    }

    /** A gestore from a PEM private key (PKCS#8, or PKCS#1 RSA) and its PEM X.509 certificate. */
    public static PecProvider load(Path keyPem, Path certPem, String gestoreName, String domain) {
        return new PecProvider(gestoreName, domain, privateKey(keyPem), certificate(certPem));
    }

    static PrivateKey privateKey(Path pem) {
        try (Reader r = Files.newBufferedReader(pem, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(r)) {
            Object o = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (o instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (o instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            throw new IllegalArgumentException(pem + " holds no unencrypted private key (" + (o == null ? "nothing" : o.getClass().getSimpleName()) + ")");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read private key " + pem + ": " + e.getMessage(), e);
        }
    }

    static X509Certificate certificate(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read certificate " + pem + ": " + e.getMessage(), e);
        }
    }

    public String gestoreName() {
        return gestoreName;
    }

    public String domain() {
        return domain;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /**
     * The transport envelope of {@code original}, signed by this gestore, ready to send. {@code original} gets
     * {@code saveChanges()} first, so that its Message-ID exists and is the one recorded in {@code daticert.xml}.
     */
    public MimeMessage envelope(Session session, MimeMessage original) throws MessagingException {
        original.saveChanges();
        InternetAddress sender = firstAddress(original.getFrom());
        if (sender == null) {
            throw new MessagingException("the message to certify has no From address");
        }
        InternetAddress answerTo = firstAddress(original.getReplyTo());
        Address[] to = original.getRecipients(Message.RecipientType.TO);
        List<String> recipients = new ArrayList<>();
        for (Address a : to == null ? new Address[0] : to) {
            recipients.add(a instanceof InternetAddress ia ? ia.getAddress() : a.toString());
        }
        String subject = Objects.requireNonNullElse(original.getSubject(), "");
        String originalId = original.getMessageID();
        ZonedDateTime now = ZonedDateTime.now(ITALY);
        String identificativo = "opec" + now.format(ID_TIME) + "." + SEQ.incrementAndGet() + "." + Long.toHexString(System.nanoTime())
                + "@" + domain;

        MimeBodyPart notice = new MimeBodyPart();
        notice.setText(notice(now, subject, sender.getAddress(), recipients, identificativo), "UTF-8", "plain");
        MimeBodyPart postacert = new MimeBodyPart();
        postacert.setContent(original, "message/rfc822");
        postacert.setDisposition(MimeBodyPart.ATTACHMENT);
        postacert.setFileName(POSTACERT);
        MimeBodyPart daticert = new MimeBodyPart();
        byte[] xml = daticert(gestoreName, now, sender.getAddress(), recipients, answerTo == null ? sender.getAddress() : answerTo.getAddress(), subject,
                identificativo, originalId).getBytes(StandardCharsets.UTF_8);
        daticert.setDataHandler(new DataHandler(new ByteArrayDataSource(xml, "application/xml")));
        daticert.setDisposition(MimeBodyPart.ATTACHMENT);
        daticert.setFileName(DATICERT);
        MimeMultipart mixed = new MimeMultipart("mixed");
        mixed.addBodyPart(notice);
        mixed.addBodyPart(postacert);
        mixed.addBodyPart(daticert);
        MimeBodyPart signedContent = new MimeBodyPart();
        signedContent.setContent(mixed);

        MimeMultipart signed = sign(signedContent);
        MimeMessage envelope = new FixedIdMessage(session, "<" + identificativo + ">");
        try {
            envelope.setFrom(new InternetAddress("posta-certificata@" + domain, "Per conto di: " + sender.getAddress(), "UTF-8"));
        } catch (java.io.UnsupportedEncodingException e) {
            throw new IllegalStateException(e);
        }
        envelope.setReplyTo(new Address[]{answerTo == null ? sender : answerTo});
        if (to != null) {
            envelope.setRecipients(Message.RecipientType.TO, to);
        }
        envelope.setSubject("POSTA CERTIFICATA: " + subject, "UTF-8");
        envelope.setHeader("X-Trasporto", TRASPORTO_POSTA_CERTIFICATA);
        if (originalId != null) {
            envelope.setHeader("X-Riferimento-Message-ID", originalId);
        }
        // the Date in Italian time too, as the certification data state it
        MailDateFormat rfc822 = new MailDateFormat();
        rfc822.setTimeZone(TimeZone.getTimeZone(ITALY));
        envelope.setHeader("Date", rfc822.format(Date.from(now.toInstant())));
        envelope.setContent(signed, signed.getContentType());
        envelope.saveChanges();
        return envelope;
    }

    private MimeMultipart sign(MimeBodyPart content) throws MessagingException {
        try {
            SMIMESignedGenerator generator = new SMIMESignedGenerator();
            generator.addSignerInfoGenerator(new JcaSimpleSignerInfoGeneratorBuilder().build("SHA256withRSA", key, certificate));
            generator.addCertificates(new JcaCertStore(List.of(certificate)));
            return generator.generate(content);
        } catch (Exception e) {
            throw new MessagingException("cannot sign the PEC envelope as " + gestoreName + ": " + e, e);
        }
    }

    private static InternetAddress firstAddress(Address[] addresses) {
        return addresses != null && addresses.length > 0 && addresses[0] instanceof InternetAddress ia ? ia : null;
    }

    private static String notice(ZonedDateTime at, String subject, String sender, List<String> recipients, String identificativo) {
        return "Messaggio di posta certificata\r\n"
                + "\r\n"
                + "Il giorno " + at.format(DAY) + " alle ore " + at.format(TIME) + " (" + at.format(ZONE) + ") il messaggio \""
                + subject + "\" è stato inviato da \"" + sender + "\" indirizzato a: " + String.join(", ", recipients) + "\r\n"
                + "Il messaggio originale è incluso in allegato.\r\n"
                + "Identificativo messaggio: " + identificativo + "\r\n";
    }

    static String daticert(String gestore, ZonedDateTime at, String sender, List<String> recipients, String answerTo, String subject,
                           String identificativo, String originalId) {
        StringBuilder b = new StringBuilder();
        b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        b.append("<postacert tipo=\"posta-certificata\" errore=\"nessuno\">\n");
        b.append("  <intestazione>\n");
        b.append("    <mittente>").append(xml(sender)).append("</mittente>\n");
        for (String r : recipients) {
            b.append("    <destinatari tipo=\"certificato\">").append(xml(r)).append("</destinatari>\n");
        }
        b.append("    <risposte>").append(xml(answerTo)).append("</risposte>\n");
        b.append("    <oggetto>").append(xml(subject)).append("</oggetto>\n");
        b.append("  </intestazione>\n");
        b.append("  <dati>\n");
        b.append("    <gestore-emittente>").append(xml(gestore)).append("</gestore-emittente>\n");
        b.append("    <data zona=\"").append(at.format(ZONE)).append("\"><giorno>").append(at.format(DAY)).append("</giorno><ora>")
                .append(at.format(TIME)).append("</ora></data>\n");
        b.append("    <identificativo>").append(xml(identificativo)).append("</identificativo>\n");
        b.append("    <msgid>").append(xml(originalId)).append("</msgid>\n");
        b.append("  </dati>\n");
        b.append("</postacert>\n");
        return b.toString();
    }

    private static String xml(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** An envelope keeps the Message-ID its gestore gave it: {@code saveChanges()} would otherwise replace it. */
    private static final class FixedIdMessage extends MimeMessage {
        private final String messageId;

        FixedIdMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}
