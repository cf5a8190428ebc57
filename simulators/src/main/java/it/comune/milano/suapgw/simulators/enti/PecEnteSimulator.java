package it.comune.milano.suapgw.simulators.enti;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import it.comune.milano.suapgw.simulators.support.Json;
import jakarta.activation.DataHandler;
import jakarta.mail.Address;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.FolderClosedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.StoreClosedException;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.search.FlagTerm;
import jakarta.mail.util.ByteArrayDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An ente that works by PEC (art. 10 of the DPR 160/2010 technical annex), e.g. the Comando Provinciale dei
 * Vigili del Fuoco: it polls its IMAP INBOX for unseen richieste di parere sent by the gateway, decides the esito
 * with {@link EnteSimulator.Rule}s on {@code procedimento.codice} (always positive from round 2 on: the
 * integration satisfied the ente) and answers by SMTP to the sender with the art. 10 text body and a PDF parere.
 * <p>
 * A message is marked SEEN only once handled (IMAP {@code peek}), so a reply that could not be sent is retried at
 * the next poll; a malformed request (no {@code Pratica:} line, missing or bad {@code richiesta-parere.json}) is
 * counted, logged and never answered. A mail with {@code Tipo messaggio: annullamento} (the applicant cancelled: its
 * {@code Protocollo Ente:} lines name the requests that need no answer any more) is recorded ({@link #annullamenti()})
 * and never answered. Rule outcomes {@code integrazione} (round 1: {@code Esito: CONFORMAZIONE} with an
 * {@code Integrazione:} line) and {@code silenzio} (never answers) work as for the broker enti.
 * <p>
 * Every reply leaves wrapped in the certified-mail transport envelope of the ente's {@link PecProvider} (by default the
 * demo gestore), as a real PEC provider does: the gateway accepts a reply only from a gestore it trusts. A request that
 * arrives inside an envelope ({@code X-Trasporto: posta-certificata}) is read from its {@code postacert.eml}.
 * <p>
 * Implicit TLS (IMAPS, SMTPS, server certificate and host name checked) once {@link #useTrustStore} is set, else plain
 * SMTP/IMAP; AUTH with the full address as login, like the mail server of the gateway.
 */
public class PecEnteSimulator extends ReconnectingClient {

    /** A richiesta di parere handled; {@code esito} as sent (POSITIVO, NEGATIVO, CONFORMAZIONE). */
    public record Request(String codicePratica, int round, String procedura, String esito, Instant receivedAt) {
    }

    /**
     * An art. 10 {@code annullamento} received: the pratica, the {@code Evento:} line (e.g.
     * {@code end_by_submitter_cancel_requested}), the requests closed ({@code Protocollo Ente:} lines).
     */
    public record Annullamento(String codicePratica, String evento, List<String> richiesteChiuse, String subject, String messageId,
                               Instant receivedAt) {
    }

    /**
     * A reply sent by SMTP, as the ente wrote it (the inner message); {@code envelopeMessageId} is the Message-ID of
     * the transport envelope it travelled in (null when sent without a {@link PecProvider}).
     */
    public record Reply(String codicePratica, String to, String subject, String protocolloEnte, String esito,
                        List<String> prescrizioni, String inReplyTo, String attachmentName, Instant sentAt, String envelopeMessageId) {
    }

    public static final String VIGILI_DEL_FUOCO = "vigili-del-fuoco";
    public static final String REQUEST_JSON = "richiesta-parere.json";
    public static final String TIPO_RICHIESTA = "richiesta-parere";
    public static final String TIPO_ANNULLAMENTO = "annullamento";
    /** the convocation of a conferenza dei servizi: the ente expresses itself there, its requests need no answer */
    public static final String TIPO_CONFERENZA = "convocazione-conferenza";
    private static final Logger LOG = LoggerFactory.getLogger(PecEnteSimulator.class);
    private static final JsonSchema REQUEST_SCHEMA = Json.schema("classpath:messages/richiesta-parere-v1.schema.json");

    private final String enteCode;
    private final String address;
    private final String password;
    private final String smtpHost;
    private final int smtpPort;
    private final String imapHost;
    private final int imapPort;
    private final List<EnteSimulator.Rule> rules;

    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Reply> replies = new CopyOnWriteArrayList<>();
    private final List<Annullamento> annullamenti = new CopyOnWriteArrayList<>();
    private final List<Annullamento> convocazioni = new CopyOnWriteArrayList<>();
    private final List<Request> silent = new CopyOnWriteArrayList<>();
    private final AtomicInteger malformed = new AtomicInteger();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final AtomicLong protocolSeq = new AtomicLong();
    private final Set<String> answered = ConcurrentHashMap.newKeySet();

    private volatile String displayName;
    private volatile String protocolPrefix;
    private volatile Duration pollInterval = Duration.ofMillis(250);
    private volatile PecProvider provider = PecProvider.demoIfPresent().orElse(null);

    public PecEnteSimulator(String enteCode, String address, String password, String smtpHost, int smtpPort, String imapHost,
                            int imapPort, List<EnteSimulator.Rule> rules) {
        super("pec-ente-" + Objects.requireNonNull(enteCode, "enteCode"));
        this.enteCode = enteCode;
        this.address = Objects.requireNonNull(address, "address");
        this.password = password;
        this.smtpHost = smtpHost;
        this.smtpPort = smtpPort;
        this.imapHost = imapHost;
        this.imapPort = imapPort;
        this.rules = List.copyOf(rules == null ? List.of() : rules);
        this.displayName = defaultDisplayName(enteCode);
        this.protocolPrefix = defaultProtocolPrefix(enteCode);
    }

    /**
     * The demo's Comando Provinciale dei Vigili del Fuoco: {@code com.milano@cert.vigilfuoco.it}, password
     * {@link EnteSimulator#defaultPassword} ({@code SUAPGW_ENTE_VIGILI_DEL_FUOCO_PASSWORD}, default
     * {@code vigili-del-fuoco-secret}), {@link #defaultRules}.
     */
    public static PecEnteSimulator vigiliDelFuoco(String smtpHost, int smtpPort, String imapHost, int imapPort) {
        return new PecEnteSimulator(VIGILI_DEL_FUOCO, defaultAddress(VIGILI_DEL_FUOCO), EnteSimulator.defaultPassword(VIGILI_DEL_FUOCO),
                smtpHost, smtpPort, imapHost, imapPort, defaultRules(VIGILI_DEL_FUOCO));
    }

    /** vigili-del-fuoco: {@code .*DEPOSITO_GPL.*} → negativo, {@code .*AUTORIMESSA.*} → conformazione; else positivo. */
    public static List<EnteSimulator.Rule> defaultRules(String enteCode) {
        if (VIGILI_DEL_FUOCO.equals(enteCode)) {
            return List.of(new EnteSimulator.Rule(".*DEPOSITO_GPL.*", "negativo"), new EnteSimulator.Rule(".*AUTORIMESSA.*", "conformazione"));
        }
        return List.of();
    }

    /** The PEC address of a demo ente ({@code com.milano@cert.vigilfuoco.it} for vigili-del-fuoco). */
    public static String defaultAddress(String enteCode) {
        return VIGILI_DEL_FUOCO.equals(enteCode) ? "com.milano@cert.vigilfuoco.it" : enteCode + "@pec.example.it";
    }

    static String defaultDisplayName(String enteCode) {
        return VIGILI_DEL_FUOCO.equals(enteCode) ? "Comando Provinciale Vigili del Fuoco di Milano" : "Ente " + enteCode;
    }

    static String defaultProtocolPrefix(String enteCode) {
        return VIGILI_DEL_FUOCO.equals(enteCode) ? "VVF" : EnteSimulator.envName(enteCode);
    }

    // ------------------------------------------------------------------ TLS

    /** The truststore in use and the socket factory built from it; null: plain SMTP/IMAP. */
    private record Tls(Path trustStore, SSLSocketFactory socketFactory) {
    }

    private static volatile Tls tls;

    /**
     * Every PecEnteSimulator of this process, and the static send helpers, connect with implicit TLS (IMAPS, SMTPS)
     * and trust the mail server whose certificate is in this PKCS#12 truststore, checking its host name; null: plain
     * SMTP/IMAP, for a mail server without TLS. Takes effect at the next connection.
     *
     * @throws IllegalArgumentException when the truststore cannot be read
     */
    public static void useTrustStore(Path pkcs12, String password) {
        tls = pkcs12 == null ? null : new Tls(pkcs12.toAbsolutePath(), socketFactory(pkcs12, password));
    }

    private static SSLSocketFactory socketFactory(Path pkcs12, String password) {
        char[] pw = password == null ? null : password.toCharArray();
        try (InputStream in = Files.newInputStream(pkcs12)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, pw);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use truststore " + pkcs12 + ": " + e.getMessage(), e);
        }
    }

    /** One look at {@link #tls} per connection, so that protocol and properties agree when it changes meanwhile. */
    private static Properties mailProperties(Tls t, String smtpHost, int smtpPort, String imapHost, int imapPort) {
        return t == null ? plainProperties(smtpHost, smtpPort, imapHost, imapPort) : tlsProperties(t, smtpHost, smtpPort, imapHost, imapPort);
    }

    /** Implicit TLS only (no STARTTLS upgrade of a plain connection), TLS 1.2/1.3, the server's name checked. */
    private static Properties tlsProperties(Tls t, String smtpHost, int smtpPort, String imapHost, int imapPort) {
        Properties p = new Properties();
        for (String proto : List.of("smtps", "imaps")) {
            boolean smtp = "smtps".equals(proto);
            p.put("mail." + proto + ".host", smtp ? smtpHost : imapHost);
            p.put("mail." + proto + ".port", String.valueOf(smtp ? smtpPort : imapPort));
            p.put("mail." + proto + ".connectiontimeout", "5000");
            p.put("mail." + proto + ".timeout", "10000");
            p.put("mail." + proto + ".ssl.checkserveridentity", "true");
            // the key Angus Mail reads is camel case: a "socketfactory" entry would silently fall back to the JVM's trust
            p.put("mail." + proto + ".ssl.socketFactory", t.socketFactory());
            p.put("mail." + proto + ".ssl.protocols", "TLSv1.3 TLSv1.2");
        }
        p.put("mail.smtps.auth", "true");
        p.put("mail.smtps.writetimeout", "10000");
        p.put("mail.imaps.peek", "true");
        return p;
    }

    private static Properties plainProperties(String smtpHost, int smtpPort, String imapHost, int imapPort) {
        Properties p = new Properties();
        p.put("mail.smtp.host", smtpHost);
        p.put("mail.smtp.port", String.valueOf(smtpPort));
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.starttls.enable", "false");
        p.put("mail.smtp.connectiontimeout", "5000");
        p.put("mail.smtp.timeout", "10000");
        p.put("mail.smtp.writetimeout", "10000");
        p.put("mail.imap.host", imapHost);
        p.put("mail.imap.port", String.valueOf(imapPort));
        p.put("mail.imap.connectiontimeout", "5000");
        p.put("mail.imap.timeout", "10000");
        // fetching a body must not set \Seen: the simulator marks a message SEEN only after handling it
        p.put("mail.imap.peek", "true");
        return p;
    }

    private static String storeProtocol(Tls t) {
        return t == null ? "imap" : "imaps";
    }

    private static String transportProtocol(Tls t) {
        return t == null ? "smtp" : "smtps";
    }

    // ------------------------------------------------------------------ settings and accessors

    public String enteCode() {
        return enteCode;
    }

    public String address() {
        return address;
    }

    /** Name used in the reply subject (default "Comando Provinciale Vigili del Fuoco di Milano" for vigili-del-fuoco). */
    public void setDisplayName(String displayName) {
        this.displayName = Objects.requireNonNull(displayName);
    }

    /** The next reply gets {@code <prefix>-<start>} as Protocollo Ente (default 1); e.g. time based, to stay unique across runs. */
    public void setProtocolNumberStart(long start) {
        protocolSeq.set(start - 1);
    }

    /**
     * The PEC provider that wraps and signs every reply (default {@link PecProvider#demo()} when its files are found,
     * else none); null sends the bare message, which a gateway that requires certified mail refuses.
     */
    public void setProvider(PecProvider provider) {
        this.provider = provider;
    }

    public PecProvider provider() {
        return provider;
    }

    /** Interval between two INBOX polls (default 250 ms). */
    public void setPollInterval(Duration pollInterval) {
        this.pollInterval = pollInterval;
    }

    /** Richieste answered, in order (duplicates and malformed messages excluded). */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<Reply> replies() {
        return List.copyOf(replies);
    }

    /** The annullamenti received, in order (never answered). */
    public List<Annullamento> annullamenti() {
        return List.copyOf(annullamenti);
    }

    /** The convocations of a conferenza dei servizi received (recorded like an annullamento: its requests are closed). */
    public List<Annullamento> convocazioni() {
        return List.copyOf(convocazioni);
    }

    /** Richieste this ente kept silent on (rule {@code silenzio}), in order; esito {@code SILENZIO}. */
    public List<Request> unanswered() {
        return List.copyOf(silent);
    }

    /** Messages that were not a readable richiesta di parere (never answered). */
    public int malformed() {
        return malformed.get();
    }

    /** Richieste whose idRichiesta was already answered (not answered again). */
    public int duplicates() {
        return duplicates.get();
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    protected String target() {
        Tls t = tls;
        return "mail server " + storeProtocol(t) + "://" + imapHost + ":" + imapPort + " " + transportProtocol(t) + "://" + smtpHost + ":" + smtpPort
                + (t == null ? "" : " (trusting " + t.trustStore().getFileName() + ")");
    }

    @Override
    protected void session() throws MessagingException, InterruptedException {
        Tls t = tls;
        String protocol = storeProtocol(t);
        Store store = Session.getInstance(mailProperties(t, smtpHost, smtpPort, imapHost, imapPort)).getStore(protocol);
        try {
            store.connect(imapHost, imapPort, address, password);
            connected();
            LOG.info("PEC ente {} polling {}://{}:{} INBOX of {}", enteCode, protocol, imapHost, imapPort, address);
            while (running()) {
                pollOnce(store);
                if (awaitStop(pollInterval.toMillis())) {
                    return;
                }
            }
        } finally {
            close(store);
        }
    }

    private static void close(Store store) {
        if (store != null) {
            try {
                store.close();
            } catch (MessagingException e) {
                LOG.debug("close", e);
            }
        }
    }

    /** One INBOX pass: every UNSEEN message is handled, then marked SEEN; a failed reply leaves it UNSEEN. */
    private void pollOnce(Store store) throws MessagingException {
        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_WRITE);
        try {
            for (Message m : inbox.search(new FlagTerm(new Flags(Flags.Flag.SEEN), false))) {
                if (!running()) {
                    return;
                }
                handle((MimeMessage) m);
                m.setFlag(Flags.Flag.SEEN, true);
            }
        } finally {
            if (inbox.isOpen()) {
                inbox.close(false);
            }
        }
    }

    // ------------------------------------------------------------------ one request

    private void handle(MimeMessage received) throws MessagingException {
        MimeMessage m;
        try {
            // read from a local copy of the whole message: GreenMail's IMAP cannot serve a section below a
            // message/rfc822 part (FETCH BODY[1.2.1] inside postacert.eml)
            m = PecMail.unwrap(new MimeMessage(received));
        } catch (FolderClosedException | StoreClosedException e) {
            throw e; // the connection, not the message: retried after reconnecting
        } catch (IOException | MessagingException e) {
            malformed(received.getMessageID(), received.getSubject(), "unreadable message or transport envelope: " + e.getMessage());
            return;
        }
        String messageId = m.getMessageID();
        String subject = m.getSubject();
        PecMail.Content content;
        try {
            content = PecMail.content(m);
        } catch (FolderClosedException | StoreClosedException e) {
            throw e; // the connection, not the message: retried after reconnecting
        } catch (IOException | MessagingException e) {
            malformed(messageId, subject, "unreadable MIME content: " + e.getMessage());
            return;
        }
        Map<String, String> fields = PecMail.fieldsWith(content.texts(), "pratica");
        String codicePratica = fields.get("pratica");
        if (codicePratica == null || codicePratica.isBlank() || "-".equals(codicePratica)) {
            malformed(messageId, subject, "no 'Pratica:' line");
            return;
        }
        String tipo = fields.get("tipo messaggio");
        if (tipo != null && (TIPO_ANNULLAMENTO.equalsIgnoreCase(tipo.trim()) || TIPO_CONFERENZA.equalsIgnoreCase(tipo.trim()))) {
            List<String> closed = new ArrayList<>();
            for (String t : content.texts()) {
                closed.addAll(PecMail.values(t, "protocollo ente"));
            }
            Annullamento a = new Annullamento(codicePratica, fields.get("evento"), List.copyOf(closed), subject, messageId, Instant.now());
            (TIPO_CONFERENZA.equalsIgnoreCase(tipo.trim()) ? convocazioni : annullamenti).add(a);
            LOG.info("PEC ente {}: {} of pratica {} ({}), requests closed {}: no answer", enteCode, tipo.trim(), codicePratica, a.evento(), closed);
            return;
        }
        if (tipo != null && !TIPO_RICHIESTA.equalsIgnoreCase(tipo.trim())) {
            malformed(messageId, subject, "unsupported 'Tipo messaggio: " + tipo + "'");
            return;
        }
        Address[] from = m.getFrom();
        if (from == null || from.length == 0 || !(from[0] instanceof InternetAddress sender)) {
            malformed(messageId, subject, "no From address");
            return;
        }
        byte[] jsonBytes = PecMail.attachment(content.attachments(), REQUEST_JSON);
        if (jsonBytes == null) {
            malformed(messageId, subject, "no " + REQUEST_JSON + " attachment");
            return;
        }
        JsonNode json;
        try {
            json = Json.parse(jsonBytes);
        } catch (IllegalArgumentException e) {
            malformed(messageId, subject, REQUEST_JSON + " is not JSON: " + e.getMessage());
            return;
        }
        if (!json.isObject()) {
            malformed(messageId, subject, REQUEST_JSON + " is not a JSON object");
            return;
        }
        String schemaErrors = EnteSimulator.requestErrors(json);
        if (!schemaErrors.isEmpty()) {
            // the PEC variant of the request may legitimately differ (documents attached, no URL): noted, not refused
            LOG.warn("PEC ente {}: {} of pratica {} deviates from richiesta-parere-v1: {}", enteCode, REQUEST_JSON, codicePratica, schemaErrors);
        }
        int round = json.path("round").canConvertToInt() && json.path("round").asInt() > 0 ? json.path("round").asInt()
                : parseInt(fields.get("round"), 1);
        String procedura = json.path("procedimento").path("codice").asText(fields.getOrDefault("procedura", ""));
        String idRichiesta = json.path("idRichiesta").asText(fields.getOrDefault("protocollo ente", messageId));
        String esito = esito(procedura, round);

        String dedupKey = idRichiesta == null || idRichiesta.isBlank() ? messageId : idRichiesta;
        if ("SILENZIO".equals(esito)) {
            silent.add(new Request(codicePratica, round, procedura, esito, Instant.now()));
            LOG.info("PEC ente {}: keeps silent on richiesta {} of pratica {} ({}, round {})", enteCode, dedupKey, codicePratica, procedura, round);
            return;
        }
        if (dedupKey != null && answered.contains(dedupKey)) {
            duplicates.incrementAndGet();
            LOG.info("PEC ente {}: richiesta {} of pratica {} already answered, not answering again", enteCode, dedupKey, codicePratica);
            return;
        }
        Reply reply = sendReply(m, sender, subject, fields, codicePratica, procedura, round, esito, content.attachments().size() - 1);
        if (dedupKey != null) {
            answered.add(dedupKey);
        }
        requests.add(new Request(codicePratica, round, procedura, esito, Instant.now()));
        replies.add(reply);
        LOG.info("PEC ente {}: parere {} {} for pratica {} ({}, round {}) to {}", enteCode, reply.protocolloEnte(), esito, codicePratica,
                procedura, round, sender.getAddress());
    }

    private void malformed(String messageId, String subject, String why) {
        malformed.incrementAndGet();
        LOG.warn("PEC ente {}: ignoring malformed message {} ('{}'): {}", enteCode, messageId, subject, why);
    }

    /**
     * SILENZIO whenever the first matching rule says so; else POSITIVO from round 2 on; else the first matching rule
     * (INTEGRAZIONE: sent as CONFORMAZIONE with an {@code Integrazione:} line); else POSITIVO. Upper case, as on the wire.
     */
    String esito(String procedura, int round) {
        String ruled = rules.stream().filter(r -> r.matches(procedura)).map(EnteSimulator.Rule::esito).findFirst().orElse("positivo")
                .toUpperCase(Locale.ROOT);
        if ("SILENZIO".equals(ruled)) {
            return ruled;
        }
        return round >= 2 ? "POSITIVO" : ruled;
    }

    private Reply sendReply(MimeMessage request, InternetAddress to, String requestSubject, Map<String, String> fields, String codicePratica,
                            String procedura, int round, String esito, int documents) throws MessagingException {
        String protocollo = protocolPrefix + "-" + protocolSeq.incrementAndGet();
        boolean integrazione = "INTEGRAZIONE".equals(esito);
        if (integrazione) {
            esito = "CONFORMAZIONE";
        }
        List<String> prescrizioni = integrazione ? List.of() : prescrizioni(esito, procedura);
        List<String> lines = new ArrayList<>();
        lines.add("SUAP: " + fields.getOrDefault("suap", "-"));
        lines.add("Pratica: " + codicePratica);
        lines.add("Impresa: " + fields.getOrDefault("impresa", "-"));
        lines.add("Protocollo Ente: " + protocollo);
        lines.add("Tipo messaggio: parere");
        lines.add("Esito: " + esito);
        lines.add("Motivazione: " + (integrazione
                ? "Per esprimere il parere di competenza è necessaria la documentazione integrativa indicata."
                : motivazione(esito, procedura, round)));
        prescrizioni.forEach(p -> lines.add("Prescrizione: " + p));
        if (integrazione) {
            lines.add("Integrazione: Trasmettere la relazione tecnica di prevenzione incendi aggiornata, con la planimetria delle vie di esodo.");
        }
        lines.add("Firmatario: Ing. Marco Bianchi");
        String body = String.join("\r\n", lines) + "\r\n";

        String subject = displayName + " - " + impresaFromSubject(requestSubject, fields.get("impresa"));
        String attachmentName = "parere-" + protocollo + ".pdf";

        Session session = Session.getInstance(new Properties()); // composing only: send() has its own
        MimeMessage reply = new MimeMessage(session);
        reply.setFrom(new InternetAddress(address));
        reply.setRecipient(Message.RecipientType.TO, new InternetAddress(to.getAddress()));
        reply.setSubject(subject, "UTF-8");
        reply.setSentDate(new Date());
        String inReplyTo = request.getMessageID();
        if (inReplyTo != null) {
            reply.setHeader("In-Reply-To", inReplyTo);
            reply.setHeader("References", inReplyTo);
        }
        MimeBodyPart text = new MimeBodyPart();
        text.setText(body, "UTF-8", "plain");
        MimeBodyPart pdf = new MimeBodyPart();
        pdf.setDataHandler(new DataHandler(new ByteArrayDataSource(fakePdf(protocollo, codicePratica, esito, documents), "application/pdf")));
        pdf.setFileName(attachmentName);
        pdf.setDisposition(MimeBodyPart.ATTACHMENT);
        MimeMultipart mixed = new MimeMultipart("mixed");
        mixed.addBodyPart(text);
        mixed.addBodyPart(pdf);
        reply.setContent(mixed);
        reply.saveChanges();
        PecProvider gestore = provider;
        MimeMessage envelope = gestore == null ? null : gestore.envelope(session, reply);
        send(envelope == null ? reply : envelope, smtpHost, smtpPort, address, password);
        return new Reply(codicePratica, to.getAddress(), subject, protocollo, esito, prescrizioni, inReplyTo, attachmentName, Instant.now(),
                envelope == null ? null : envelope.getMessageID());
    }

    /** "cf - denominazione" from "SUAP Comune di Milano - cf - denominazione"; else the Impresa line. */
    static String impresaFromSubject(String subject, String impresa) {
        if (subject != null) {
            int i = subject.indexOf(" - ");
            if (i >= 0 && i + 3 < subject.length()) {
                return subject.substring(i + 3).trim();
            }
        }
        return impresa == null || impresa.isBlank() ? "-" : impresa.trim();
    }

    private static String motivazione(String esito, String procedura, int round) {
        return switch (esito) {
            case "NEGATIVO" -> procedura.contains("DEPOSITO_GPL")
                    ? "Parere contrario: il deposito di GPL non rispetta le distanze di sicurezza dai fabbricati previste dalla regola tecnica di prevenzione incendi."
                    : "Parere contrario: il progetto non è conforme alla regola tecnica di prevenzione incendi applicabile.";
            case "CONFORMAZIONE" -> "Parere favorevole condizionato al rispetto delle prescrizioni di seguito indicate.";
            default -> round >= 2
                    ? "Parere favorevole: l'integrazione documentale presentata soddisfa le richieste del Comando."
                    : "Parere favorevole: il progetto è conforme alla normativa di prevenzione incendi.";
        };
    }

    private static List<String> prescrizioni(String esito, String procedura) {
        if (!"CONFORMAZIONE".equals(esito)) {
            return List.of();
        }
        if (procedura.contains("AUTORIMESSA")) {
            return List.of("Installare un impianto di ventilazione meccanica dell'autorimessa conforme al D.M. 21/02/2017.",
                    "Presentare la SCIA antincendio prima dell'avvio dell'attività.");
        }
        return List.of("Presentare la SCIA antincendio prima dell'avvio dell'attività.");
    }

    private static byte[] fakePdf(String protocollo, String codicePratica, String esito, int documents) {
        return ("%PDF-1.4\n% Parere " + protocollo + " - pratica " + codicePratica + " - esito " + esito + " - documenti esaminati "
                + Math.max(0, documents) + "\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static int parseInt(String s, int def) {
        try {
            return s == null ? def : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return def;
        }
    }

    // ------------------------------------------------------------------ SMTP

    /** SMTP AUTH as {@code user}, who is also the SMTP envelope sender (MAIL FROM), whatever the From of the message. */
    private static void send(MimeMessage message, String host, int port, String user, String password) throws MessagingException {
        Tls t = tls;
        Properties p = mailProperties(t, host, port, host, port);
        if (user != null && user.contains("@")) {
            p.put("mail." + transportProtocol(t) + ".from", user);
        }
        try (Transport transport = Session.getInstance(p).getTransport(transportProtocol(t))) {
            transport.connect(host, port, user, password);
            transport.sendMessage(message, message.getAllRecipients());
        }
    }

    /**
     * Sends a message built by hand (a forged or tampered envelope, a reply with no envelope, a message wrapped by
     * another {@link PecProvider}) to its recipients, with SMTP AUTH as {@code user}; TLS per {@link #useTrustStore}.
     * A message not saved yet gets {@code saveChanges()} while it is written; one already saved is sent as it is.
     *
     * @return the Message-ID of the mail sent
     */
    public static String sendMessage(MimeMessage message, String smtpHost, int smtpPort, String user, String password) {
        try {
            send(message, smtpHost, smtpPort, user, password);
            return message.getMessageID();
        } catch (MessagingException e) {
            throw new IllegalStateException("cannot send mail as " + user + " via " + smtpHost + ":" + smtpPort + ": " + e, e);
        }
    }

    /**
     * Sends a plain text/plain mail (e.g. an unreadable "reply" for a test) with SMTP AUTH as {@code from}, without
     * any transport envelope; TLS per {@link #useTrustStore}.
     *
     * @return the Message-ID of the mail sent
     */
    public static String sendRaw(String smtpHost, int smtpPort, String from, String password, String to, String subject, String body) {
        try {
            MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
            m.setFrom(new InternetAddress(from));
            m.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to));
            m.setSubject(subject, "UTF-8");
            m.setSentDate(new Date());
            m.setText(body == null ? "" : body, "UTF-8");
            m.saveChanges();
            send(m, smtpHost, smtpPort, from, password);
            return m.getMessageID();
        } catch (MessagingException e) {
            throw new IllegalStateException("cannot send mail from " + from + " via " + smtpHost + ":" + smtpPort + ": " + e, e);
        }
    }
}
