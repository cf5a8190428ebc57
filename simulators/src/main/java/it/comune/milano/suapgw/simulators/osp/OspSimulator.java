package it.comune.milano.suapgw.simulators.osp;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import it.comune.milano.suapgw.simulators.support.HttpSimulator;
import it.comune.milano.suapgw.simulators.support.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Base of the simulators of the Comune's own OSP systems (GEOPOST, OSAPI, ERMES, GERI; contracts in
 * docs/osp-workflow.md and {@code suapgw-schemas osp/*.yaml}): unavailability (503), an artificial answer delay, call
 * counters per endpoint and the contracts' error body {@code {"codice":..., "messaggio":...}}.
 */
public abstract class OspSimulator extends HttpSimulator {

    /** Radius of "the occupations/SCIA of that business near the place" (docs §2, §3). */
    public static final double RADIUS_METRES = 50.0;

    private static final Logger LOG = LoggerFactory.getLogger(OspSimulator.class);
    private static final Pattern ID_ISTANZA = Pattern.compile("^GP-([0-9]{4})-([0-9]{6})$");

    private final String label;
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final AtomicInteger refusedCalls = new AtomicInteger();
    private volatile boolean available = true;
    private volatile Duration delay = Duration.ZERO;

    protected OspSimulator(String name, String label, int port) {
        super(name, port);
        this.label = label;
    }

    /** When false every request is answered 503 {@code {"codice":"NON_DISPONIBILE"}} (after the {@link #setDelay delay}). */
    public void setAvailable(boolean available) {
        this.available = available;
    }

    public boolean isAvailable() {
        return available;
    }

    /** Every answer (503 included) is sent only after this delay (default none): for the caller's timeout. */
    public void setDelay(Duration delay) {
        this.delay = delay == null || delay.isNegative() ? Duration.ZERO : delay;
    }

    public Duration delay() {
        return delay;
    }

    /**
     * Requests received per endpoint ({@code "GET /api/occupazioni"}, {@code "POST /api/concessioni"}...; path
     * parameters as {@code {name}}), whatever the outcome (503 and 4xx included), sorted by endpoint.
     */
    public Map<String, Integer> calls() {
        Map<String, Integer> out = new TreeMap<>();
        calls.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** Requests received by one endpoint (key as in {@link #calls()}), 0 if none. */
    public int calls(String endpoint) {
        AtomicInteger n = calls.get(endpoint);
        return n == null ? 0 : n.get();
    }

    /** Requests received, all endpoints. */
    public int totalCalls() {
        return calls.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** Requests answered 503 because the simulator was {@link #setAvailable unavailable}. */
    public int refusedCalls() {
        return refusedCalls.get();
    }

    @Override
    protected final void handle(HttpExchange ex, List<String> path) throws IOException {
        calls.computeIfAbsent(endpoint(ex.getRequestMethod(), path), k -> new AtomicInteger()).incrementAndGet();
        Duration d = delay;
        if (!d.isZero()) {
            try {
                Thread.sleep(d.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return; // stopping: the connection is dropped
            }
        }
        if (!available) {
            refusedCalls.incrementAndGet();
            readBody(ex);
            sendErrore(ex, 503, "NON_DISPONIBILE", label + " temporaneamente non disponibile");
            return;
        }
        try {
            serve(ex, path);
        } catch (IllegalArgumentException e) {
            sendErrore(ex, 400, "RICHIESTA_NON_VALIDA", e.getMessage());
        }
    }

    /** Serves one request (the simulator is available); {@link IllegalArgumentException} → 400 RICHIESTA_NON_VALIDA. */
    protected abstract void serve(HttpExchange ex, List<String> path) throws IOException;

    /** Counter key of a request: {@code METHOD /seg/seg}; override to name path parameters. */
    protected String endpoint(String method, List<String> path) {
        return method + " /" + String.join("/", path);
    }

    protected static void sendErrore(HttpExchange ex, int status, String codice, String messaggio) throws IOException {
        sendJson(ex, status, Json.object().put("codice", codice).put("messaggio", messaggio == null ? "" : messaggio));
    }

    protected static void notFound(HttpExchange ex) throws IOException {
        readBody(ex);
        sendErrore(ex, 404, "NON_TROVATO", "risorsa inesistente: " + ex.getRequestMethod() + " " + ex.getRequestURI().getPath());
    }

    /** Decoded query parameters (first value of each). */
    protected static Map<String, String> query(HttpExchange ex) {
        Map<String, String> out = new LinkedHashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v);
        }
        return out;
    }

    /** A required, non-blank query parameter; {@link IllegalArgumentException} otherwise. */
    protected static String required(Map<String, String> query, String name) {
        String v = query.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("parametro obbligatorio mancante: " + name);
        }
        return v.trim();
    }

    /** A required numeric query parameter; {@link IllegalArgumentException} otherwise. */
    protected static double requiredNumber(Map<String, String> query, String name) {
        String v = required(query, name);
        try {
            double d = Double.parseDouble(v);
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new NumberFormatException(v);
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("parametro " + name + " non numerico: " + v);
        }
    }

    /** Checks that {@code body} has every field of {@code fields} (non-null; strings non-blank). */
    protected static void requireFields(JsonNode body, String... fields) {
        StringBuilder missing = new StringBuilder();
        for (String f : fields) {
            JsonNode v = body.get(f);
            if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) {
                missing.append(missing.length() == 0 ? "" : ", ").append(f);
            }
        }
        if (missing.length() > 0) {
            throw new IllegalArgumentException("campi obbligatori mancanti: " + missing);
        }
    }

    /** Great-circle distance in metres between two WGS84 points (haversine, mean Earth radius). */
    public static double distanceMetres(double lon1, double lat1, double lon2, double lat2) {
        double r = 6_371_008.8;
        double p1 = Math.toRadians(lat1);
        double p2 = Math.toRadians(lat2);
        double dp = Math.toRadians(lat2 - lat1);
        double dl = Math.toRadians(lon2 - lon1);
        double a = Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
        return 2 * r * Math.asin(Math.min(1.0, Math.sqrt(a)));
    }

    /** Whether a fixture record with {@code lon}/{@code lat} lies within {@link #RADIUS_METRES} of the point; NaN-safe. */
    protected static double distance(JsonNode record, double lon, double lat) {
        if (!record.path("lon").isNumber() || !record.path("lat").isNumber()) {
            return Double.POSITIVE_INFINITY;
        }
        return distanceMetres(record.get("lon").asDouble(), record.get("lat").asDouble(), lon, lat);
    }

    protected static boolean sameCodiceFiscale(JsonNode record, String codiceFiscale) {
        return codiceFiscale.trim().equalsIgnoreCase(record.path("codiceFiscale").asText(""));
    }

    /** Rounds to one decimal (metres). */
    protected static double round1(double v) {
        return Math.round(v * 10.0) / 10.0;
    }

    /**
     * A number derived from the istanza: {@code GP-2026-000123} → {@code <prefix>-2026-000123}; any other id →
     * {@code <prefix>-<year>-<fallback, 6 digits>}.
     */
    protected static String numberFor(String prefix, String idIstanza, int fallback) {
        Matcher m = ID_ISTANZA.matcher(Objects.requireNonNullElse(idIstanza, ""));
        if (m.matches()) {
            return prefix + "-" + m.group(1) + "-" + m.group(2);
        }
        return String.format("%s-%d-%06d", prefix, java.time.Year.now().getValue(), fallback);
    }

    /** The fixture file as JSON; {@code null} → an empty object. */
    protected static JsonNode loadFixture(Path file) {
        if (file == null) {
            return Json.object();
        }
        try {
            JsonNode node = Json.parse(Files.readAllBytes(file));
            if (!node.isObject()) {
                throw new IllegalArgumentException(file + ": a fixture must be a JSON object");
            }
            LOG.info("fixture {} loaded", file);
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read fixture " + file, e);
        }
    }
}
