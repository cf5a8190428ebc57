package it.comune.milano.suapgw.simulators.enti;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import it.comune.milano.suapgw.simulators.support.Json;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * An ente (ATS, Polizia Locale, Soprintendenza...) answering richieste di parere over Artemis, with the JMS
 * client of its protocol (Artemis CORE or AMQP 1.0 via Qpid JMS). Consumes {@code suapgw.pareri.richieste.<ente>},
 * downloads and checks the documents (claim check), answers on its own {@code suapgw.pareri.risposte.<ente>}.
 * Receive + reply + commit happen in one transacted session; the consumer loop reconnects with backoff.
 * The esito comes from {@link Rule}s on {@code procedimento.codice}, except from round 2 on, when it is always
 * {@code positivo}: a second round follows an integration, which the simulated ente always finds satisfying. Two rule
 * outcomes are not esiti on the wire: {@code integrazione} answers {@code conformazione} with the documents the ente
 * needs ({@code integrazioni}) in round 1; {@code silenzio} never answers, in any round (the gateway applies the
 * ente's silence rule when its term expires).
 * <p>
 * On the same queue the gateway also sends notifications (JMS property {@code tipoMessaggio=notifica},
 * {@code notifica-ente-v1}: e.g. the applicant cancelled and the ente's open requests need no answer any more): they
 * are validated, recorded ({@link #notifiche()}) and never answered.
 * <p>
 * Fixture mode ({@link #withFixture(Path)}, the OSP {@code pareri.json}): when the request's {@code codicePratica} has
 * an entry for this ente and the request's {@code round}, that entry is the answer (esito, prescrizioni, integrazioni,
 * motivazione); otherwise the rules above apply.
 */
public class EnteSimulator extends ReconnectingClient {

    public enum Protocol { CORE, AMQP }

    /** Rule outcome: ask the applicant for integrations in round 1 (sent as {@code conformazione} with {@code integrazioni}). */
    public static final String INTEGRAZIONE = "integrazione";
    /** Rule outcome: never answer. */
    public static final String SILENZIO = "silenzio";

    /**
     * Esito for procedures whose {@code procedimento.codice} matches the regex (full match): positivo, negativo,
     * conformazione, {@link #INTEGRAZIONE} or {@link #SILENZIO}.
     */
    public record Rule(String procedureCodeRegex, String esito) {
        public Rule {
            Objects.requireNonNull(procedureCodeRegex, "procedureCodeRegex");
            if (!Set.of("positivo", "negativo", "conformazione", INTEGRAZIONE, SILENZIO).contains(esito)) {
                throw new IllegalArgumentException("esito must be positivo|negativo|conformazione|integrazione|silenzio: " + esito);
            }
        }

        boolean matches(String code) {
            return code != null && Pattern.matches(procedureCodeRegex, code);
        }
    }

    public static final String REQUEST_QUEUE_PREFIX = "suapgw.pareri.richieste.";
    /** Each ente answers on its own reply queue, {@code suapgw.pareri.risposte.<ente>}: only it may send there. */
    public static final String REPLY_QUEUE_PREFIX = "suapgw.pareri.risposte.";
    /** JMS string property telling a notification ({@code notifica}) from a request (absent or {@code richiesta}). */
    public static final String TIPO_MESSAGGIO = "tipoMessaggio";
    public static final String NOTIFICA = "notifica";

    private static final Logger LOG = LoggerFactory.getLogger(EnteSimulator.class);
    private static final JsonSchema REQUEST_SCHEMA = Json.schema("classpath:messages/richiesta-parere-v1.schema.json");
    private static final JsonSchema REPLY_SCHEMA = Json.schema("classpath:messages/risposta-parere-v1.schema.json");
    private static final JsonSchema NOTIFICA_SCHEMA = Json.schema("classpath:messages/notifica-ente-v1.schema.json");
    static final String INTEGRAZIONE_TESTO = "Trasmettere la relazione tecnica igienico-sanitaria aggiornata, firmata da un tecnico "
            + "abilitato, con la planimetria dei locali in scala 1:100 indicante destinazione d'uso, superfici, altezze, rapporti "
            + "aeroilluminanti e servizi igienici";
    /** Optional request fields added for the PEC/scrivania channels (additive to richiesta-parere-v1). */
    static final List<String> EXTENSION_FIELDS = List.of("codicePratica", "canale", "parerePrecedente", "checklist");
    static final String DEFAULT_NEGATIVE_MOTIVAZIONE = "Parere negativo per quanto di competenza";

    private final String enteCode;
    private final Protocol protocol;
    private final String brokerHost;
    private final int brokerPort;
    /** a backup broker (shared store) tried in turn with the primary at each (re)connection; -1: none */
    private volatile int backupPort = -1;
    private final AtomicInteger connections = new AtomicInteger();
    private volatile int connectedPort;
    private final String user;
    private final String password;
    private final List<Rule> rules;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final AtomicInteger requestsReceived = new AtomicInteger();
    private final AtomicInteger repliesSent = new AtomicInteger();
    private final AtomicInteger rolledBack = new AtomicInteger();
    private final AtomicInteger invalidRequests = new AtomicInteger();
    private final AtomicInteger documentMismatches = new AtomicInteger();
    private final AtomicInteger documentFailures = new AtomicInteger();
    private final AtomicInteger documentsVerified = new AtomicInteger();
    private final Set<String> answered = ConcurrentHashMap.newKeySet();
    private final AtomicInteger fixtureReplies = new AtomicInteger();
    private final AtomicInteger invalidNotifiche = new AtomicInteger();
    private final List<JsonNode> notifiche = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Set<String> unanswered = ConcurrentHashMap.newKeySet();
    private volatile JsonNode fixture = Json.object();

    private volatile Duration replyDelay = Duration.ZERO;

    public EnteSimulator(String enteCode, Protocol protocol, String brokerHost, int brokerPort, String user, String password,
                         List<Rule> rules) {
        super("ente-" + Objects.requireNonNull(enteCode, "enteCode"));
        this.enteCode = enteCode;
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.brokerHost = brokerHost;
        this.brokerPort = brokerPort;
        this.user = user;
        this.password = password;
        this.rules = List.copyOf(rules == null ? List.of() : rules);
    }

    /** With the default credentials ({@link #defaultUser}, {@link #defaultPassword}) and {@link #defaultRules}. */
    public EnteSimulator(String enteCode, Protocol protocol, String brokerHost, int brokerPort) {
        this(enteCode, protocol, brokerHost, brokerPort, defaultUser(enteCode), defaultPassword(enteCode), defaultRules(enteCode));
    }

    /**
     * Demo rules: ats-milano answers conformazione to codes containing ACCONCIATORE_APERTURA and asks for integrations
     * on PALESTRA_APERTURA, AMBULATORIO_VETERINARIO and CARROZZERIA (the latter together with the ente terzo ARPA, on
     * the SSU channel: one request_integration reaches the applicant); soprintendenza answers negativo to codes containing
     * MEDIA_STRUTTURA_VENDITA (legacy pratiche name the procedure by the modulo's code, e.g.
     * MEDIA_STRUTTURA_VENDITA_APERTURA) and keeps silent on IMPIANTO_PUBBLICITARIO; everything else, and every round
     * after an integration, positivo.
     */
    public static List<Rule> defaultRules(String enteCode) {
        return switch (enteCode) {
            case "ats-milano" -> List.of(new Rule(".*ACCONCIATORE_APERTURA.*", "conformazione"),
                    new Rule(".*PALESTRA_APERTURA.*|.*AMBULATORIO_VETERINARIO.*|.*CARROZZERIA.*", INTEGRAZIONE));
            case "soprintendenza" -> List.of(new Rule(".*MEDIA_STRUTTURA_VENDITA.*", "negativo"),
                    new Rule(".*IMPIANTO_PUBBLICITARIO.*", SILENZIO));
            default -> List.of();
        };
    }

    /** {@code ente-<code>}, overridable by env/system property {@code SUAPGW_ENTE_<CODE>_USER}. */
    public static String defaultUser(String enteCode) {
        String v = setting("SUAPGW_ENTE_" + envName(enteCode) + "_USER");
        return v != null ? v : "ente-" + enteCode;
    }

    /** {@code <code>-secret}, overridable by env/system property {@code SUAPGW_ENTE_<CODE>_PASSWORD}. */
    public static String defaultPassword(String enteCode) {
        String v = setting("SUAPGW_ENTE_" + envName(enteCode) + "_PASSWORD");
        return v != null ? v : enteCode + "-secret";
    }

    static String envName(String enteCode) {
        return enteCode.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private static String setting(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            v = System.getenv(name);
        }
        return v == null || v.isBlank() ? null : v;
    }

    /**
     * Fixture mode: answers from {@code pareriJson} ({@code {"<codicePratica>": {"<ente code>": {"<round>": {"esito",
     * "prescrizioni", "integrazioni", "motivazione"}}}}}, the OSP {@code test-data/osp/fixtures/pareri.json}) whenever it
     * has an entry for the request; other requests follow the rules. Returns this simulator.
     */
    public EnteSimulator withFixture(Path pareriJson) {
        try {
            return withFixture(Json.parse(Files.readAllBytes(pareriJson)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pareriJson, e);
        }
    }

    /** {@link #withFixture(Path)} with the parsed JSON (null = no fixture). */
    public EnteSimulator withFixture(JsonNode pareri) {
        if (pareri != null && !pareri.isObject()) {
            throw new IllegalArgumentException("the pareri fixture must be a JSON object keyed by codicePratica");
        }
        this.fixture = pareri == null ? Json.object() : pareri;
        return this;
    }

    /** Replies taken from the fixture (see {@link #withFixture(Path)}). */
    public int fixtureReplies() {
        return fixtureReplies.get();
    }

    /** The fixture entry for a request ({@code codicePratica} → this ente → {@code round}), or null. */
    JsonNode fixtureEntry(JsonNode request) {
        String codice = Json.text(request, "codicePratica");
        if (codice == null) {
            return null;
        }
        JsonNode entry = fixture.path(codice).path(enteCode).path(String.valueOf(request.path("round").asInt(1)));
        if (!entry.isObject()) {
            return null;
        }
        String esito = entry.path("esito").asText("");
        if (!Set.of("positivo", "negativo", "conformazione").contains(esito)) {
            LOG.warn("ente {}: fixture entry for {} round {} has no valid esito ({}), using the rules", enteCode, codice,
                    request.path("round").asInt(1), entry);
            return null;
        }
        return entry;
    }

    public String enteCode() {
        return enteCode;
    }

    public Protocol protocol() {
        return protocol;
    }

    public String requestQueue() {
        return REQUEST_QUEUE_PREFIX + enteCode;
    }

    /** Artificial delay before each reply (default none). */
    public void setReplyDelay(Duration replyDelay) {
        this.replyDelay = replyDelay;
    }

    public int requestsReceived() {
        return requestsReceived.get();
    }

    public int repliesSent() {
        return repliesSent.get();
    }

    /**
     * Deliveries whose processing failed and was rolled back (its reply with it), e.g. a commit cut by a broker crash:
     * the broker delivers each of them again.
     */
    public int rolledBack() {
        return rolledBack.get();
    }

    public int invalidRequests() {
        return invalidRequests.get();
    }

    public int documentMismatches() {
        return documentMismatches.get();
    }

    /** Documents that could not be downloaded (non-200 or I/O error). */
    public int documentFailures() {
        return documentFailures.get();
    }

    /** Documents downloaded whose SHA-256 matched. */
    public int documentsVerified() {
        return documentsVerified.get();
    }

    public Set<String> answeredRequests() {
        return new TreeSet<>(answered);
    }

    /** Requests the ente kept silent on (rule {@link #SILENZIO}), by idRichiesta. */
    public Set<String> unansweredRequests() {
        return new TreeSet<>(unanswered);
    }

    /** The notifications received ({@code tipoMessaggio=notifica}, valid against notifica-ente-v1), in arrival order. */
    public List<JsonNode> notifiche() {
        return List.copyOf(notifiche);
    }

    /** The notifications received for a pratica (by {@code idPratica}). */
    public List<JsonNode> notifiche(String idPratica) {
        return notifiche.stream().filter(n -> idPratica.equals(n.path("idPratica").asText())).toList();
    }

    /** Notifications discarded as not valid against notifica-ente-v1. */
    public int invalidNotifiche() {
        return invalidNotifiche.get();
    }

    // ------------------------------------------------------------------ JMS

    ConnectionFactory connectionFactory() {
        int port = backupPort < 0 || connections.getAndIncrement() % 2 == 0 ? brokerPort : backupPort;
        connectedPort = port;
        return connectionFactory(protocol, brokerHost, port);
    }

    /**
     * The backup of the ente's broker (a primary/backup pair on a shared store, same host): when its connection is lost
     * the ente tries the backup and the primary in turn, as a client with both in its connector list would.
     */
    public EnteSimulator withBackupPort(int port) {
        this.backupPort = port;
        return this;
    }

    private static volatile java.nio.file.Path trustStore;
    private static volatile String trustStorePassword;

    /**
     * The enti of this process connect over TLS and trust the broker whose certificate is in this PKCS#12 truststore
     * (null: plain TCP, for a broker without TLS).
     */
    public static void useTrustStore(java.nio.file.Path pkcs12, String password) {
        trustStore = pkcs12 == null ? null : pkcs12.toAbsolutePath();
        trustStorePassword = password;
    }

    static ConnectionFactory connectionFactory(Protocol protocol, String host, int port) {
        java.nio.file.Path ts = trustStore;
        return switch (protocol) {
            case CORE -> new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory("tcp://" + host + ":" + port
                    + (ts == null ? "" : "?sslEnabled=true&verifyHost=true&trustStoreType=PKCS12&trustStorePath=" + ts
                    + "&trustStorePassword=" + trustStorePassword));
            // populateJMSXUserID: the AMQP user-id carries the authenticated user name (Artemis does not stamp
            // _AMQ_VALIDATED_USER on AMQP messages)
            case AMQP -> new org.apache.qpid.jms.JmsConnectionFactory((ts == null ? "amqp://" : "amqps://") + host + ":" + port
                    + "?jms.populateJMSXUserID=true" + (ts == null ? "" : "&transport.verifyHost=true&transport.trustStoreType=PKCS12"
                    + "&transport.trustStoreLocation=" + ts + "&transport.trustStorePassword=" + trustStorePassword));
        };
    }

    @Override
    protected String target() {
        return protocol + " " + brokerHost + ":" + brokerPort;
    }

    @Override
    protected void session() throws JMSException {
        CountDownLatch failed = new CountDownLatch(1);
        try (Connection connection = connectionFactory().createConnection(user, password)) {
            connection.setExceptionListener(e -> {
                LOG.warn("ente {}: connection lost: {}", enteCode, e.toString());
                failed.countDown();
            });
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = session.createConsumer(session.createQueue(requestQueue()));
            MessageProducer producer = session.createProducer(session.createQueue(replyQueue()));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            connection.start();
            connected();
            LOG.info("ente {} ({}) consuming {} on {}:{} as {}", enteCode, protocol, requestQueue(), brokerHost, connectedPort, user);
            while (running() && failed.getCount() > 0) {
                Message m = consumer.receive(500);
                if (m != null) {
                    process(m, session, producer);
                }
            }
        }
    }

    private void process(Message message, Session session, MessageProducer producer) throws JMSException {
        requestsReceived.incrementAndGet();
        try {
            if (!(message instanceof TextMessage text) || text.getText() == null) {
                invalidRequests.incrementAndGet();
                LOG.warn("ente {}: discarding non-text message {}", enteCode, message.getJMSMessageID());
                session.commit();
                return;
            }
            if (NOTIFICA.equals(message.getStringProperty(TIPO_MESSAGGIO))) {
                notifica(text.getText());
                session.commit();
                return;
            }
            JsonNode request;
            try {
                request = Json.parse(text.getText());
            } catch (IllegalArgumentException e) {
                invalidRequests.incrementAndGet();
                LOG.warn("ente {}: discarding request that is not JSON: {}", enteCode, e.getMessage());
                session.commit();
                return;
            }
            String errors = requestErrors(request);
            if (!errors.isEmpty()) {
                invalidRequests.incrementAndGet();
                LOG.warn("ente {}: discarding request not valid against richiesta-parere-v1: {}", enteCode, errors);
                session.commit();
                return;
            }
            String idRichiesta = request.get("idRichiesta").asText();
            if (answered.contains(idRichiesta)) {
                LOG.info("ente {}: richiesta {} already answered (redelivery), acknowledging without a new answer", enteCode, idRichiesta);
                session.commit();
                return;
            }
            verifyDocuments(request);
            if (silent(request)) {
                unanswered.add(idRichiesta);
                session.commit();
                LOG.info("ente {}: keeps silent on richiesta {} (pratica {}, {}, round {}{})", enteCode, idRichiesta,
                        request.path("idPratica").asText(), request.path("procedimento").path("codice").asText(), request.path("round").asInt(1),
                        request.has("sollecito") ? ", sollecito " + request.path("sollecito").asInt() : "");
                return;
            }
            if (!replyDelay.isZero()) {
                Thread.sleep(replyDelay.toMillis());
            }
            ObjectNode reply = reply(request);
            String replyErrors = Json.errors(REPLY_SCHEMA, reply);
            if (!replyErrors.isEmpty()) {
                LOG.error("ente {}: own reply is not valid against risposta-parere-v1 ({}): {}", enteCode, replyErrors, reply);
            }
            TextMessage out = session.createTextMessage(Json.write(reply));
            out.setJMSCorrelationID(idRichiesta);
            producer.send(out);
            session.commit();
            answered.add(idRichiesta);
            repliesSent.incrementAndGet();
            LOG.info("ente {}: parere {} for richiesta {} (pratica {}, {})", enteCode, reply.get("esito").asText(), idRichiesta,
                    request.path("idPratica").asText(), request.path("procedimento").path("codice").asText());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            rolledBack.incrementAndGet();
            session.rollback();
        } catch (JMSException | RuntimeException e) {
            LOG.warn("ente {}: processing failed, rolling back for redelivery: {}", enteCode, e.toString());
            rolledBack.incrementAndGet();
            try {
                session.rollback();
            } catch (JMSException re) {
                LOG.debug("rollback failed", re);
            }
            if (e instanceof JMSException jms) {
                throw jms;
            }
        }
    }

    private void verifyDocuments(JsonNode request) throws InterruptedException {
        for (JsonNode doc : request.path("documenti")) {
            String url = doc.path("url").asText();
            String expected = doc.path("hash").asText();
            try {
                HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() != 200) {
                    documentFailures.incrementAndGet();
                    LOG.warn("ente {}: GET {} answered {}", enteCode, url, response.statusCode());
                    continue;
                }
                String actual = Json.sha256(response.body());
                if (actual.equalsIgnoreCase(expected)) {
                    documentsVerified.incrementAndGet();
                } else {
                    documentMismatches.incrementAndGet();
                    LOG.warn("ente {}: document {} hash mismatch: declared {} downloaded {}", enteCode, url, expected, actual);
                }
            } catch (java.io.IOException | IllegalArgumentException e) {
                documentFailures.incrementAndGet();
                LOG.warn("ente {}: cannot download {}: {}", enteCode, url, e.toString());
            }
        }
    }

    /**
     * Errors of a request against richiesta-parere-v1 (empty when valid). The optional fields added for the PEC and
     * scrivania channels ({@link #EXTENSION_FIELDS}) are tolerated even while the schema in suapgw-schemas does not
     * declare them yet (it is {@code additionalProperties: false}); once declared, the schema checks them.
     */
    static String requestErrors(JsonNode request) {
        JsonNode checked = request;
        if (request != null && request.isObject()) {
            JsonNode declared = REQUEST_SCHEMA.getSchemaNode().path("properties");
            ObjectNode copy = null;
            for (String field : EXTENSION_FIELDS) {
                if (request.has(field) && !declared.has(field)) {
                    copy = copy == null ? ((ObjectNode) request).deepCopy() : copy;
                    copy.remove(field);
                }
            }
            checked = copy == null ? request : copy;
        }
        return Json.errors(REQUEST_SCHEMA, checked);
    }

    /**
     * The rule outcome for a request: {@link #SILENZIO} whenever the first matching rule says so; otherwise from round 2
     * on always {@code positivo} (the requested integration satisfied the ente), in round 1 the first rule matching
     * {@code procedimento.codice} (possibly {@link #INTEGRAZIONE}), else {@code positivo}.
     */
    static String esito(JsonNode request, List<Rule> rules) {
        String code = request.path("procedimento").path("codice").asText();
        String ruled = rules.stream().filter(r -> r.matches(code)).map(Rule::esito).findFirst().orElse("positivo");
        if (SILENZIO.equals(ruled)) {
            return SILENZIO;
        }
        return request.path("round").asInt(1) >= 2 ? "positivo" : ruled;
    }

    /** Whether this ente keeps silent on a request (a fixture entry always answers). */
    boolean silent(JsonNode request) {
        return fixtureEntry(request) == null && SILENZIO.equals(esito(request, rules));
    }

    /**
     * Handles a notification ({@code tipoMessaggio=notifica}): recorded when valid against notifica-ente-v1, never
     * answered. Returns whether it was valid.
     */
    boolean notifica(String text) {
        JsonNode n;
        try {
            n = Json.parse(text);
        } catch (IllegalArgumentException e) {
            invalidNotifiche.incrementAndGet();
            LOG.warn("ente {}: discarding notification that is not JSON: {}", enteCode, e.getMessage());
            return false;
        }
        String errors = Json.errors(NOTIFICA_SCHEMA, n);
        if (!errors.isEmpty()) {
            invalidNotifiche.incrementAndGet();
            LOG.warn("ente {}: discarding notification not valid against notifica-ente-v1: {}", enteCode, errors);
            return false;
        }
        notifiche.add(n);
        LOG.info("ente {}: notification {} for pratica {} (requests closed: {}), no answer", enteCode, n.path("evento").asText(),
                n.path("idPratica").asText(), n.path("richiesteChiuse"));
        return true;
    }

    /** The risposta-parere-v1 reply this ente sends for {@code request}; null when it keeps silent ({@link #SILENZIO}). */
    ObjectNode reply(JsonNode request) {
        String code = request.path("procedimento").path("codice").asText();
        int round = request.path("round").asInt(1);
        JsonNode entry = fixtureEntry(request);
        String esito = entry != null ? entry.get("esito").asText() : esito(request, rules);
        if (SILENZIO.equals(esito)) {
            return null;
        }
        boolean integrazione = INTEGRAZIONE.equals(esito);
        if (integrazione) {
            esito = "conformazione";
        }
        ObjectNode reply = Json.object();
        reply.put("schemaVersion", "1.0");
        reply.put("idRisposta", UUID.randomUUID().toString());
        reply.put("idRichiesta", request.get("idRichiesta").asText());
        if (request.hasNonNull("idPratica")) {
            reply.put("idPratica", request.get("idPratica").asText());
        }
        reply.put("ente", enteCode);
        reply.put("esito", esito);
        if (entry != null) {
            fixtureReply(reply, entry, request);
        } else if (integrazione) {
            reply.putArray("integrazioni").add(INTEGRAZIONE_TESTO);
            reply.put("motivazione", "Per esprimere il parere di competenza sul procedimento " + code
                    + " è necessaria la documentazione integrativa indicata");
        } else {
            switch (esito) {
                case "conformazione" -> reply.putArray("prescrizioni")
                        .add("Adeguare i servizi igienici alle prescrizioni del regolamento locale d'igiene entro 30 giorni")
                        .add("Trasmettere la certificazione di conformità degli impianti");
                case "negativo" -> reply.put("motivazione",
                        "Parere negativo: l'intervento " + code + " non è compatibile con i vincoli di tutela vigenti sull'area");
                default -> reply.put("motivazione", round >= 2
                        ? "Nulla osta per quanto di competenza: l'integrazione documentale presentata soddisfa le richieste"
                        : "Nulla osta per quanto di competenza");
            }
        }
        reply.put("firmatario", "Dirigente responsabile " + enteCode);
        // RFC 3339 wants the seconds, which toString() drops when they are :00 (a reply at hh:mm:00.000 was invalid)
        reply.put("dataParere", java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(OffsetDateTime.now().truncatedTo(ChronoUnit.MILLIS)));
        return reply;
    }

    /**
     * Fills a reply from a fixture entry. The reply stays valid against risposta-parere-v1: a {@code negativo} without
     * motivazione gets a generic one, a {@code conformazione} with neither prescrizioni nor integrazioni a generic
     * prescrizione, a {@code positivo} without motivazione the usual nulla osta.
     */
    private void fixtureReply(ObjectNode reply, JsonNode entry, JsonNode request) {
        String esito = reply.get("esito").asText();
        int prescrizioni = copyStrings(entry.path("prescrizioni"), reply, "prescrizioni");
        int integrazioni = copyStrings(entry.path("integrazioni"), reply, "integrazioni");
        String motivazione = entry.hasNonNull("motivazione") && !entry.get("motivazione").asText().isBlank()
                ? entry.get("motivazione").asText() : null;
        if (motivazione == null && "negativo".equals(esito)) {
            LOG.warn("ente {}: fixture negativo for {} without motivazione, using a generic one", enteCode, request.path("codicePratica").asText());
            motivazione = DEFAULT_NEGATIVE_MOTIVAZIONE;
        }
        if (motivazione == null && "positivo".equals(esito)) {
            motivazione = "Nulla osta per quanto di competenza";
        }
        if ("conformazione".equals(esito) && prescrizioni == 0 && integrazioni == 0) {
            LOG.warn("ente {}: fixture conformazione for {} without prescrizioni or integrazioni, adding a generic prescrizione",
                    enteCode, request.path("codicePratica").asText());
            reply.putArray("prescrizioni").add("Attenersi alle prescrizioni generali dell'ufficio");
        }
        if (motivazione != null) {
            reply.put("motivazione", motivazione);
        }
        fixtureReplies.incrementAndGet();
    }

    /** Copies the non-blank strings of {@code from} into {@code reply.field} (only when there is at least one); returns how many. */
    private static int copyStrings(JsonNode from, ObjectNode reply, String field) {
        List<String> items = new ArrayList<>();
        if (from.isArray()) {
            from.forEach(i -> {
                if (i.isValueNode() && !i.asText().isBlank()) {
                    items.add(i.asText());
                }
            });
        } else if (from.isTextual() && !from.asText().isBlank()) {
            items.add(from.asText());
        }
        if (!items.isEmpty()) {
            ArrayNode arr = reply.putArray(field);
            items.forEach(arr::add);
        }
        return items.size();
    }

    /** This ente's reply queue. */
    public String replyQueue() {
        return REPLY_QUEUE_PREFIX + enteCode;
    }

    /** Sends an arbitrary text message to this ente's reply queue with its credentials. */
    public void sendRawReply(String json) {
        sendRawReply(replyQueue(), json, null);
    }

    /**
     * Sends an arbitrary text message to {@code queue} with this ente's credentials; {@code claimedUser} non-null sets
     * JMSXUserID, which an AMQP client sends as the message's {@code user-id} (a claim, not an identity).
     *
     * @throws IllegalStateException when the broker refuses (e.g. not allowed to send there)
     */
    public void sendRawReply(String queue, String json, String claimedUser) {
        try (Connection connection = connectionFactory().createConnection(user, password)) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(queue));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            TextMessage m = session.createTextMessage(json);
            if (claimedUser != null) {
                m.setStringProperty("JMSXUserID", claimedUser);
            }
            try {
                JsonNode node = Json.parse(json);
                if (node.hasNonNull("idRichiesta")) {
                    m.setJMSCorrelationID(node.get("idRichiesta").asText());
                }
            } catch (IllegalArgumentException notJson) {
                // raw means raw
            }
            producer.send(m);
        } catch (JMSException e) {
            throw new IllegalStateException("ente " + enteCode + ": cannot send to " + queue + ": " + e, e);
        }
    }

    /** Tries to consume from {@code queueName} with this ente's credentials; false if the broker refuses for security reasons. */
    public boolean tryConsume(String queueName) {
        return canConsume(protocol, brokerHost, brokerPort, user, password, queueName);
    }

    /**
     * Whether {@code user} may create a consumer on {@code queue}: false when the broker refuses with a security
     * exception (authentication or authorization); other failures are rethrown as {@link IllegalStateException}.
     */
    public static boolean canConsume(Protocol protocol, String host, int port, String user, String password, String queue) {
        try (Connection connection = connectionFactory(protocol, host, port).createConnection(user, password)) {
            Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            consumer.close();
            return true;
        } catch (JMSException e) {
            if (isSecurity(e)) {
                LOG.info("{} may not consume {}: {}", user, queue, e.getMessage());
                return false;
            }
            throw new IllegalStateException("cannot check consumer on " + queue + ": " + e, e);
        }
    }

    private static boolean isSecurity(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JMSSecurityException || t instanceof SecurityException
                    || t.getClass().getSimpleName().contains("Security")
                    || (t.getMessage() != null && (t.getMessage().contains("AMQ229213") || t.getMessage().contains("unauthorized")))) {
                return true;
            }
        }
        return false;
    }
}
