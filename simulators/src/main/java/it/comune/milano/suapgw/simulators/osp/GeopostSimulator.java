package it.comune.milano.suapgw.simulators.osp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import it.comune.milano.suapgw.simulators.ssu.FrontOfficeSimulator;
import it.comune.milano.suapgw.simulators.support.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * GEOPOST, where applicants file OSP istanze (docs/osp-workflow.md §1, {@code osp/geopost.yaml}).
 * <ul>
 *   <li>Events: every istanza ({@link #submitIstanza}) and every integration is an event with a {@code seq} (1, 2, ...),
 *   pushed to {@code POST {gateway}/geopost/eventi} when {@link #setPushEnabled push is enabled} (the outcome is only
 *   recorded, see {@link #pushResults()}: a failed push is no error, the gateway catches up by polling) and served to
 *   the catch-up poll {@code GET /api/eventi?dopo=&limite=}.</li>
 *   <li>Communications: {@code POST /api/istanze/{idIstanza}/comunicazioni} (fields of docs §1.2 validated; idempotent on
 *   {@code idComunicazione}; unknown istanza → 404). It also plays the applicant: when the K-th
 *   {@code RICHIESTA_INTEGRAZIONE} for an istanza arrives and integration K was {@link #registerIntegrations registered},
 *   an INTEGRAZIONE event is appended and, after the answer, pushed.</li>
 * </ul>
 * Errors use the contract's {@code {"codice", "messaggio"}}.
 */
public class GeopostSimulator extends OspSimulator {

    public static final int DEFAULT_PORT = 8185;
    public static final String PORT_SETTING = "SUAPGW_SIM_GEOPOST_PORT";
    public static final String EVENTI = "GET /api/eventi";
    public static final String COMUNICAZIONI = "POST /api/istanze/{idIstanza}/comunicazioni";
    public static final String PUSH_PATH = "/geopost/eventi";
    public static final String ISTANZA = "ISTANZA";
    public static final String INTEGRAZIONE = "INTEGRAZIONE";
    public static final String RICHIESTA_INTEGRAZIONE = "RICHIESTA_INTEGRAZIONE";
    public static final Set<String> TIPI_COMUNICAZIONE = Set.of(RICHIESTA_INTEGRAZIONE, "CONCESSIONE", "DINIEGO");
    public static final int DEFAULT_LIMITE = 100;
    public static final int MAX_LIMITE = 500;

    /**
     * One event of the log: {@code json} is exactly what is pushed and polled ({@code {"seq", "tipo", "istanza" |
     * "integrazione"}}); do not modify it. {@code idIstanza} may be null for a deliberately invalid istanza.
     */
    public record Event(long seq, String tipo, String idIstanza, JsonNode json) {
        /** {@code integrazione.idIntegrazione}, or null for an ISTANZA. */
        public String idIntegrazione() {
            return Json.text(json.path("integrazione"), "idIntegrazione");
        }
    }

    /**
     * Outcome of one push of an event: {@code httpStatus} 0 when the gateway did not answer ({@code error} says why);
     * {@code body} is the gateway's answer (e.g. {@code {"esito":"ACCETTATO","idPratica":...}}).
     */
    public record PushResult(long seq, String tipo, String idIstanza, int httpStatus, String body, String error, Instant at) {
        public boolean ok() {
            return httpStatus == 200;
        }

        /** {@code esito} of the gateway's 200 answer (ACCETTATO / DUPLICATO), else null. */
        public String esito() {
            if (body == null || body.isBlank()) {
                return null;
            }
            try {
                return Json.text(Json.parse(body), "esito");
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(GeopostSimulator.class);
    private static final Pattern INTEGRATION_FILE = Pattern.compile("^(.+)\\.integrazione-([0-9]+)\\.json$");
    private static final Set<String> COMUNICAZIONE_FIELDS = Set.of("idComunicazione", "tipo", "testo", "motivi", "prescrizioni",
            "integrazioniRichieste", "numeroConcessione", "validataDa", "validataIl");

    private final String gatewayUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile it.comune.milano.suapgw.simulators.support.SystemSigner signer;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final Map<String, JsonNode> istanze = new ConcurrentHashMap<>();
    private final Map<String, List<JsonNode>> comunicazioni = new ConcurrentHashMap<>();
    /** idComunicazione → ricevuta. */
    private final Map<String, String> ricevute = new ConcurrentHashMap<>();
    private final Map<String, Integer> richiesteIntegrazione = new ConcurrentHashMap<>();
    /** idIstanza → (K → integrazione). */
    private final Map<String, Map<Integer, JsonNode>> integrazioni = new ConcurrentHashMap<>();
    private final List<PushResult> pushResults = new CopyOnWriteArrayList<>();
    private final AtomicInteger duplicateComunicazioni = new AtomicInteger();
    private final AtomicInteger invalidComunicazioni = new AtomicInteger();
    private long lastSeq;
    private int lastRicevuta;
    private volatile boolean pushEnabled = true;
    private volatile boolean autoIntegrate = true;
    private volatile Duration pushTimeout = Duration.ofSeconds(30);
    private ExecutorService pushExecutor;

    /** @param port 0 picks a free port; @param gatewayUrl e.g. {@code http://127.0.0.1:8080} (events are pushed to {@code /geopost/eventi}) */
    public GeopostSimulator(int port, String gatewayUrl) {
        super("geopost", "GEOPOST", port);
        this.gatewayUrl = FrontOfficeSimulator.stripSlash(Objects.requireNonNull(gatewayUrl, "gatewayUrl"));
        this.pushExecutor = newPushExecutor();
    }

    private static ExecutorService newPushExecutor() {
        AtomicInteger n = new AtomicInteger();
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "geopost-push-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public synchronized void start() {
        if (pushExecutor.isShutdown()) {
            pushExecutor = newPushExecutor();
        }
        super.start();
    }

    /** Stops the server and the asynchronous pusher (integration pushes still queued are dropped; the events stay). */
    @Override
    public synchronized void stop() {
        super.stop();
        pushExecutor.shutdownNow();
    }

    public String gatewayUrl() {
        return gatewayUrl;
    }

    /** {@code {gateway}/geopost/eventi} */
    public String pushUrl() {
        return gatewayUrl + PUSH_PATH;
    }

    /**
     * false: events are only appended to the log, never pushed — the gateway learns of them only by polling (as when it
     * was down while the applicant filed). Default true.
     */
    public void setPushEnabled(boolean pushEnabled) {
        this.pushEnabled = pushEnabled;
    }

    public boolean isPushEnabled() {
        return pushEnabled;
    }

    /** Whether a RICHIESTA_INTEGRAZIONE triggers the registered integration (default true). */
    public void setAutoIntegrate(boolean autoIntegrate) {
        this.autoIntegrate = autoIntegrate;
    }

    /** Timeout of one push (default 30 s). */
    public void setPushTimeout(Duration pushTimeout) {
        this.pushTimeout = Objects.requireNonNull(pushTimeout);
    }

    // ------------------------------------------------------------------ the applicant: istanze and integrations

    /** Reads an istanza file ({@code NN-slug.json}: the Istanza object, or an event wrapping it) and {@link #submitIstanza(JsonNode) submits} it. */
    public Event submitIstanza(Path istanzaJson) {
        return submitIstanza(readIstanza(istanzaJson));
    }

    /**
     * Appends an ISTANZA event for {@code istanza} (sent as it is, valid or not) and, if push is enabled, pushes it
     * (synchronously; the result is in {@link #pushResults()}).
     */
    public Event submitIstanza(JsonNode istanza) {
        Objects.requireNonNull(istanza, "istanza");
        String id = Json.text(istanza, "idIstanza");
        if (id != null) {
            istanze.put(id, istanza);
        }
        Event e = append(ISTANZA, id, "istanza", istanza);
        LOG.info("istanza {} filed (event {})", id, e.seq());
        if (pushEnabled) {
            push(e);
        }
        return e;
    }

    /**
     * Registers the integrations of an istanza file: every {@code <stem>.integrazione-K.json} next to
     * {@code <stem>.json}. Returns how many.
     */
    public int registerIntegrations(Path istanzaJson) {
        String id = Json.text(readIstanza(istanzaJson), "idIstanza");
        if (id == null) {
            throw new IllegalArgumentException(istanzaJson + ": no idIstanza");
        }
        String file = istanzaJson.getFileName().toString();
        String stem = file.endsWith(".json") ? file.substring(0, file.length() - ".json".length()) : file;
        Path dir = istanzaJson.toAbsolutePath().getParent();
        int n = 0;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                Matcher m = INTEGRATION_FILE.matcher(p.getFileName().toString());
                if (m.matches() && m.group(1).equals(stem)) {
                    registerIntegration(id, Integer.parseInt(m.group(2)), readJson(p, "integrazione", "idIstanza"));
                    n++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return n;
    }

    /**
     * Registers integration {@code k} (1, 2, ...) of an istanza: sent when the k-th RICHIESTA_INTEGRAZIONE arrives.
     * Missing {@code idIstanza}, {@code idIntegrazione} ({@code <idIstanza>-I<k>}), {@code allegati} ([]) and
     * {@code presentataIl} (the time it is sent) are filled in.
     */
    public void registerIntegration(String idIstanza, int k, JsonNode integrazione) {
        if (k < 1) {
            throw new IllegalArgumentException("integration number starts at 1: " + k);
        }
        integrazioni.computeIfAbsent(idIstanza, x -> new ConcurrentHashMap<>()).put(k, integrazione);
    }

    /** Integrations registered for an istanza, by K. */
    public Map<Integer, JsonNode> registeredIntegrations(String idIstanza) {
        return new TreeMap<>(integrazioni.getOrDefault(idIstanza, Map.of()));
    }

    /**
     * Appends an INTEGRAZIONE event (as the applicant filing it) and, if push is enabled, pushes it synchronously.
     */
    public Event submitIntegrazione(JsonNode integrazione) {
        Event e = append(INTEGRAZIONE, Json.text(integrazione, "idIstanza"), "integrazione", integrazione);
        LOG.info("integrazione {} of istanza {} filed (event {})", e.idIntegrazione(), e.idIstanza(), e.seq());
        if (pushEnabled) {
            push(e);
        }
        return e;
    }

    /** Pushes an event (again) to {@code {gateway}/geopost/eventi}, whatever {@link #isPushEnabled}; recorded in {@link #pushResults()}. */
    public PushResult push(Event e) {
        return push(e, signer);
    }

    /** Signs each push as GEOPOST (null: pushes go unsigned, and the gateway refuses them). */
    public void setSigner(it.comune.milano.suapgw.simulators.support.SystemSigner signer) {
        this.signer = signer;
    }

    /** Pushes {@code e} signed by {@code by} (null: unsigned): what an impostor can try. */
    public PushResult push(Event e, it.comune.milano.suapgw.simulators.support.SystemSigner by) {
        PushResult r;
        try {
            byte[] body = Json.write(e.json()).getBytes(StandardCharsets.UTF_8);
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(pushUrl()))
                    .timeout(pushTimeout)
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (by != null) {
                by.headers(body, "application/json").forEach(b::header);
            }
            HttpResponse<String> resp = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            r = new PushResult(e.seq(), e.tipo(), e.idIstanza(), resp.statusCode(), resp.body(), null, Instant.now());
        } catch (IOException | IllegalArgumentException ex) {
            r = new PushResult(e.seq(), e.tipo(), e.idIstanza(), 0, null, ex.toString(), Instant.now());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            r = new PushResult(e.seq(), e.tipo(), e.idIstanza(), 0, null, "interrupted", Instant.now());
        }
        pushResults.add(r);
        if (r.ok()) {
            LOG.info("event {} ({} {}) pushed: {}", e.seq(), e.tipo(), e.idIstanza(), r.body());
        } else {
            LOG.warn("event {} ({} {}) not accepted by {}: {} — it stays available to the poll", e.seq(), e.tipo(), e.idIstanza(),
                    pushUrl(), r.httpStatus() == 0 ? r.error() : "HTTP " + r.httpStatus() + " " + r.body());
        }
        return r;
    }

    private synchronized Event append(String tipo, String idIstanza, String field, JsonNode payload) {
        long seq = ++lastSeq;
        ObjectNode json = Json.object();
        json.put("seq", seq);
        json.put("tipo", tipo);
        json.set(field, payload);
        Event e = new Event(seq, tipo, idIstanza, json);
        events.add(e);
        return e;
    }

    // ------------------------------------------------------------------ accessors

    /** The event log, ordered by seq. */
    public List<Event> events() {
        return List.copyOf(events);
    }

    /** The communications received for an istanza (first copy of each idComunicazione), in arrival order. */
    public List<JsonNode> comunicazioni(String idIstanza) {
        return List.copyOf(comunicazioni.getOrDefault(idIstanza, List.of()));
    }

    /** The {@code tipo} of {@link #comunicazioni(String)}, in arrival order. */
    public List<String> tipiComunicazioni(String idIstanza) {
        return comunicazioni(idIstanza).stream().map(c -> c.path("tipo").asText()).toList();
    }

    /** Requests of {@code GET /api/eventi} (any outcome, 503 and 400 included). */
    public int pollCount() {
        return calls(EVENTI);
    }

    /** Communications received again (same idComunicazione), answered with the first ricevuta and not recorded. */
    public int duplicateComunicazioni() {
        return duplicateComunicazioni.get();
    }

    /** Communications refused with 400. */
    public int invalidComunicazioni() {
        return invalidComunicazioni.get();
    }

    /** Every push, in order (synchronous ones of {@link #submitIstanza} and the asynchronous ones of integrations). */
    public List<PushResult> pushResults() {
        return List.copyOf(pushResults);
    }

    /** The last push of the event with that seq, or null if it was never pushed. */
    public PushResult pushResult(long seq) {
        PushResult last = null;
        for (PushResult r : pushResults) {
            if (r.seq() == seq) {
                last = r;
            }
        }
        return last;
    }

    /** The istanza submitted with that id (the last one), or null. */
    public JsonNode istanza(String idIstanza) {
        return istanze.get(idIstanza);
    }

    // ------------------------------------------------------------------ server side (gateway → GEOPOST)

    @Override
    protected String endpoint(String method, List<String> path) {
        if (path.size() == 4 && "api".equals(path.get(0)) && "istanze".equals(path.get(1)) && "comunicazioni".equals(path.get(3))) {
            return method + " /api/istanze/{idIstanza}/comunicazioni";
        }
        return super.endpoint(method, path);
    }

    @Override
    protected void serve(HttpExchange ex, List<String> path) throws IOException {
        String method = ex.getRequestMethod();
        if ("GET".equals(method) && path.equals(List.of("api", "eventi"))) {
            eventi(ex);
        } else if ("POST".equals(method) && path.size() == 4 && "api".equals(path.get(0)) && "istanze".equals(path.get(1))
                && "comunicazioni".equals(path.get(3))) {
            comunicazione(ex, path.get(2));
        } else {
            notFound(ex);
        }
    }

    private void eventi(HttpExchange ex) throws IOException {
        Map<String, String> q = query(ex);
        long dopo = integer(q, "dopo", 0);
        long limite = integer(q, "limite", DEFAULT_LIMITE);
        if (dopo < 0) {
            throw new IllegalArgumentException("dopo deve essere >= 0: " + dopo);
        }
        if (limite < 1 || limite > MAX_LIMITE) {
            throw new IllegalArgumentException("limite deve essere tra 1 e " + MAX_LIMITE + ": " + limite);
        }
        ObjectNode body = Json.object();
        ArrayNode arr = body.putArray("eventi");
        for (Event e : events) {
            if (arr.size() >= limite) {
                break;
            }
            if (e.seq() > dopo) {
                arr.add(e.json());
            }
        }
        LOG.debug("poll dopo={} limite={} → {} events", dopo, limite, arr.size());
        sendJson(ex, 200, body);
    }

    private static long integer(Map<String, String> q, String name, long def) {
        String v = q.get(name);
        if (v == null || v.isBlank()) {
            return def;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("parametro " + name + " non intero: " + v);
        }
    }

    private void comunicazione(HttpExchange ex, String idIstanza) throws IOException {
        if (!istanze.containsKey(idIstanza)) {
            readBody(ex);
            sendErrore(ex, 404, "ISTANZA_SCONOSCIUTA", "istanza " + idIstanza + " sconosciuta a GEOPOST");
            return;
        }
        JsonNode c;
        try {
            c = readJsonObject(ex);
            validateComunicazione(c);
        } catch (IllegalArgumentException e) {
            invalidComunicazioni.incrementAndGet();
            LOG.warn("comunicazione for {} refused: {}", idIstanza, e.getMessage());
            sendErrore(ex, 400, "RICHIESTA_NON_VALIDA", e.getMessage());
            return;
        }
        String idComunicazione = c.get("idComunicazione").asText();
        String tipo = c.get("tipo").asText();
        String ricevuta;
        boolean duplicate;
        Event integration = null;
        synchronized (this) {
            ricevuta = ricevute.get(idComunicazione);
            duplicate = ricevuta != null;
            if (duplicate) {
                duplicateComunicazioni.incrementAndGet();
            } else {
                ricevuta = String.format("GEOPOST-RIC-%06d", ++lastRicevuta);
                ricevute.put(idComunicazione, ricevuta);
                comunicazioni.computeIfAbsent(idIstanza, k -> new CopyOnWriteArrayList<>()).add(c);
                if (RICHIESTA_INTEGRAZIONE.equals(tipo)) {
                    int k = richiesteIntegrazione.merge(idIstanza, 1, Integer::sum);
                    integration = integrationEvent(idIstanza, k);
                }
            }
        }
        if (duplicate) {
            LOG.info("comunicazione {} for {} received again: ricevuta {}", idComunicazione, idIstanza, ricevuta);
        } else {
            LOG.info("comunicazione {} {} for {}: ricevuta {}", tipo, idComunicazione, idIstanza, ricevuta);
        }
        sendJson(ex, 200, Json.object().put("ricevuta", ricevuta));
        if (integration != null && pushEnabled) {
            Event e = integration;
            try {
                pushExecutor.execute(() -> push(e));
            } catch (RejectedExecutionException stopped) {
                LOG.debug("simulator stopped, integration event {} not pushed", e.seq());
            }
        }
    }

    /** Appends the INTEGRAZIONE event answering the k-th richiesta of an istanza, or null if none is registered. */
    private Event integrationEvent(String idIstanza, int k) {
        JsonNode registered = integrazioni.getOrDefault(idIstanza, Map.of()).get(k);
        if (!autoIntegrate || registered == null) {
            LOG.info("richiesta di integrazione {} for {}: no integration {} to file", k, idIstanza, k);
            return null;
        }
        ObjectNode i = registered.isObject() ? ((ObjectNode) registered).deepCopy() : Json.object();
        if (!i.hasNonNull("idIntegrazione")) {
            i.put("idIntegrazione", idIstanza + "-I" + k);
        }
        if (!i.hasNonNull("idIstanza")) {
            i.put("idIstanza", idIstanza);
        }
        if (!i.has("allegati")) {
            i.putArray("allegati");
        }
        if (!i.hasNonNull("presentataIl")) {
            i.put("presentataIl", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        }
        Event e = append(INTEGRAZIONE, idIstanza, "integrazione", i);
        LOG.info("integrazione {} of istanza {} filed (event {})", e.idIntegrazione(), idIstanza, e.seq());
        return e;
    }

    /** Checks a Comunicazione of docs §1.2 / geopost.yaml; {@link IllegalArgumentException} with every problem. */
    static void validateComunicazione(JsonNode c) {
        List<String> errors = new ArrayList<>();
        for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!COMUNICAZIONE_FIELDS.contains(f)) {
                errors.add("campo non previsto: " + f);
            }
        }
        for (String f : List.of("idComunicazione", "tipo", "testo", "validataDa", "validataIl")) {
            JsonNode v = c.get(f);
            if (v == null || v.isNull()) {
                errors.add("campo obbligatorio mancante: " + f);
            } else if (!v.isTextual() || v.asText().isBlank()) {
                errors.add(f + " deve essere una stringa non vuota");
            }
        }
        if (c.path("idComunicazione").isTextual() && !isUuid(c.get("idComunicazione").asText())) {
            errors.add("idComunicazione non è un uuid: " + c.get("idComunicazione").asText());
        }
        if (c.path("tipo").isTextual() && !TIPI_COMUNICAZIONE.contains(c.get("tipo").asText())) {
            errors.add("tipo sconosciuto: " + c.get("tipo").asText() + " (atteso uno di " + new java.util.TreeSet<>(TIPI_COMUNICAZIONE) + ")");
        }
        if (c.path("testo").isTextual() && c.get("testo").asText().length() > 20_000) {
            errors.add("testo oltre 20000 caratteri");
        }
        if (c.path("validataIl").isTextual() && !c.get("validataIl").asText().isBlank()) {
            try {
                OffsetDateTime.parse(c.get("validataIl").asText());
            } catch (DateTimeParseException e) {
                errors.add("validataIl non è una data-ora ISO-8601: " + c.get("validataIl").asText());
            }
        }
        for (String f : List.of("motivi", "prescrizioni", "integrazioniRichieste")) {
            JsonNode v = c.get(f);
            if (v != null && !v.isNull()) {
                boolean ok = v.isArray();
                for (JsonNode item : v) {
                    ok &= item.isTextual();
                }
                if (!ok) {
                    errors.add(f + " deve essere un array di stringhe");
                }
            }
        }
        JsonNode numero = c.get("numeroConcessione");
        if (numero != null && !numero.isNull() && !numero.isTextual()) {
            errors.add("numeroConcessione deve essere una stringa");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
    }

    private static boolean isUuid(String s) {
        if (s.length() != 36) {
            return false;
        }
        try {
            UUID.fromString(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ files

    /** An istanza file: the Istanza object, or an event / wrapper with an {@code istanza} field. */
    static JsonNode readIstanza(Path file) {
        return readJson(file, "istanza", "idIstanza");
    }

    /** Reads a JSON object; when it lacks {@code idField} but wraps an object in {@code wrapper}, that object. */
    private static JsonNode readJson(Path file, String wrapper, String idField) {
        JsonNode node;
        try {
            node = Json.parse(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException(file + " is not a JSON object");
        }
        if (!node.has(idField) && node.path(wrapper).isObject()) {
            return node.get(wrapper);
        }
        return node;
    }
}
