package it.comune.milano.suapgw.simulators.ssu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import it.comune.milano.suapgw.simulators.support.HttpSimulator;
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
import java.time.Duration;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Impresainungiorno front office. Server side provides {@code fo_to_bo} (document download with If-Match,
 * notify, request_correction, request_integration, retry); client side calls the gateway's {@code bo_to_fo}
 * ({@code /ssu/fo/send_instance}, {@code /ssu/fo/notify_receipt}).
 */
public class FrontOfficeSimulator extends HttpSimulator {

    private static final Logger LOG = LoggerFactory.getLogger(FrontOfficeSimulator.class);

    static final Set<String> NOTIFY_EVENTS = Set.of(
            "end_by_instance_refused", "end_by_proceeding_time_expired", "end_by_integration_times_expired",
            "end_by_submitter_cancel_requested", "cdss_convened",
            "end_by_suspension_requested", "end_by_conformation_requested", "end_by_positive_outcome", "end_by_negative_outcome");

    private final String gatewayBaseUrl;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** cuiUuid → (resourceId → bytes). */
    private final Map<String, Map<String, byte[]>> documents = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> hashes = new ConcurrentHashMap<>();
    private final Set<String> tampered = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> documentRequests = new ConcurrentHashMap<>();
    private final Map<String, List<JsonNode>> notifications = new ConcurrentHashMap<>();
    private final Map<String, List<JsonNode>> corrections = new ConcurrentHashMap<>();
    private final Map<String, List<JsonNode>> integrations = new ConcurrentHashMap<>();
    private final Map<String, List<JsonNode>> retries = new ConcurrentHashMap<>();
    private volatile boolean available = true;

    public FrontOfficeSimulator(int port, String gatewayBaseUrl) {
        super("front-office", port);
        this.gatewayBaseUrl = stripSlash(gatewayBaseUrl);
    }

    public String gatewayBaseUrl() {
        return gatewayBaseUrl;
    }

    public void register(SampleInstances.Sample sample) {
        documents.put(sample.cuiUuid(), Map.copyOf(sample.documents()));
        hashes.put(sample.cuiUuid(), Map.copyOf(sample.hashes()));
    }

    /** From now on serve different bytes for this document (still 200, still accepting the declared hash). */
    public void tamper(String cuiUuid, String resourceId) {
        tampered.add(key(cuiUuid, resourceId));
    }

    public void untamper(String cuiUuid, String resourceId) {
        tampered.remove(key(cuiUuid, resourceId));
    }

    /** When false every server-side call answers 503 {@code ERROR_503_001}. */
    public void setAvailable(boolean available) {
        this.available = available;
    }

    /** Number of GETs of a document (whatever the outcome). */
    public int documentRequests(String cuiUuid, String resourceId) {
        return documentRequests.getOrDefault(key(cuiUuid, resourceId), 0);
    }

    /** Total number of document GETs for a CUI. */
    public int documentRequests(String cuiUuid) {
        String prefix = cuiUuid + "/";
        return documentRequests.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToInt(Map.Entry::getValue).sum();
    }

    /** {@code POST /notify} bodies received for a CUI. */
    public List<JsonNode> notifications(String cuiUuid) {
        return copy(notifications, cuiUuid);
    }

    /** Total {@code /notify} calls received (all CUIs). */
    public int notificationsReceived() {
        return notifications.values().stream().mapToInt(List::size).sum();
    }

    public List<JsonNode> corrections(String cuiUuid) {
        return copy(corrections, cuiUuid);
    }

    public List<JsonNode> integrations(String cuiUuid) {
        return copy(integrations, cuiUuid);
    }

    /** {@code POST /retry} bodies received for a CUI. */
    public List<JsonNode> retries(String cuiUuid) {
        return copy(retries, cuiUuid);
    }

    // ------------------------------------------------------------------ client side (FO → gateway)

    /** {@code POST {gateway}/ssu/fo/send_instance} with the sample's send_instance body. */
    public HttpResponse<String> sendInstance(SampleInstances.Sample sample) {
        return postRaw("/ssu/fo/send_instance", Json.write(sample.sendInstanceBody()));
    }

    /** {@code POST {gateway}/ssu/fo/notify_receipt} with {@code {cui, date}}. */
    public HttpResponse<String> notifyReceipt(SampleInstances.Sample sample, LocalDate date) {
        ObjectNode body = Json.object();
        body.set("cui", sample.cui());
        body.put("date", date.toString());
        return postRaw("/ssu/fo/notify_receipt", Json.write(body));
    }

    /** POST {@code json} to {@code {gateway} + path} (Content-Type application/json). */
    public HttpResponse<String> postRaw(String path, String json) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(gatewayBaseUrl + (path.startsWith("/") ? path : "/" + path)))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                .build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("POST " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    // ------------------------------------------------------------------ server side (gateway → FO)

    @Override
    protected void handle(HttpExchange ex, List<String> path) throws IOException {
        if (!available) {
            readBody(ex);
            sendError(ex, 503, "ERROR_503_001", "Front office temporaneamente non disponibile");
            return;
        }
        String method = ex.getRequestMethod();
        if ("GET".equals(method) && path.size() == 4 && "instance".equals(path.get(0)) && "document".equals(path.get(2))) {
            document(ex, path.get(1), path.get(3));
        } else if ("POST".equals(method) && path.size() == 1) {
            switch (path.get(0)) {
                case "notify" -> notify(ex);
                case "request_correction" -> record(ex, corrections, "correction_list");
                case "request_integration" -> record(ex, integrations, "integration_list");
                case "retry" -> record(ex, retries, null);
                default -> sendError(ex, 404, "ERROR_404_001", "no such resource: POST /" + path.get(0));
            }
        } else {
            sendError(ex, 404, "ERROR_404_001", "no such resource: " + method + " " + ex.getRequestURI().getPath());
        }
    }

    private void document(HttpExchange ex, String cuiUuid, String resourceId) throws IOException {
        documentRequests.merge(key(cuiUuid, resourceId), 1, Integer::sum);
        String ifMatch = ex.getRequestHeaders().getFirst("If-Match");
        if (ifMatch == null || ifMatch.isBlank()) {
            sendError(ex, 428, "ERROR_428_001", "If-Match header with the resource hash is required");
            return;
        }
        Map<String, byte[]> docs = documents.get(cuiUuid);
        byte[] bytes = docs == null ? null : docs.get(resourceId);
        if (bytes == null) {
            sendError(ex, 404, "ERROR_404_001", "resource " + resourceId + " not found for CUI " + cuiUuid);
            return;
        }
        String expected = hashes.get(cuiUuid).get(resourceId);
        String given = ifMatch.trim();
        if (given.startsWith("W/")) {
            given = given.substring(2);
        }
        if (given.length() >= 2 && given.startsWith("\"") && given.endsWith("\"")) {
            given = given.substring(1, given.length() - 1);
        }
        if (!expected.equalsIgnoreCase(given)) {
            sendError(ex, 412, "ERROR_412_001", "If-Match does not match the hash of resource " + resourceId);
            return;
        }
        if (tampered.contains(key(cuiUuid, resourceId))) {
            byte[] t = new byte[bytes.length + 9];
            System.arraycopy(bytes, 0, t, 0, bytes.length);
            System.arraycopy("TAMPERED\n".getBytes(StandardCharsets.US_ASCII), 0, t, bytes.length, 9);
            t[0] ^= 0x01;
            bytes = t;
            LOG.info("serving TAMPERED bytes for {}/{}", cuiUuid, resourceId);
        }
        send(ex, 200, "text/plain", Base64.getEncoder().encode(bytes));
    }

    private void notify(HttpExchange ex) throws IOException {
        JsonNode body = readJsonObject(ex);
        if (!isCuiValid(body.get("cui")) || !nonEmpty(body, "instance_descriptor_version") || !nonEmpty(body, "event")) {
            sendError(ex, 400, "ERROR_400_001", "notify requires cui{context,data,progressivo,uuid}, instance_descriptor_version, event");
            return;
        }
        String event = body.get("event").asText();
        if (!NOTIFY_EVENTS.contains(event)) {
            sendError(ex, 400, "ERROR_400_001", "unknown event " + event);
            return;
        }
        String uuid = body.get("cui").get("uuid").asText();
        notifications.computeIfAbsent(uuid, k -> new CopyOnWriteArrayList<>()).add(body);
        LOG.info("notify {} {}", uuid, event);
        sendEmpty(ex, 200);
    }

    /** Records the body under its cui.uuid (or {@code "unknown"}); only /notify is validated. */
    private void record(HttpExchange ex, Map<String, List<JsonNode>> target, String expectedList) throws IOException {
        JsonNode body = readJsonObject(ex);
        String uuid = body.path("cui").path("uuid").asText("");
        if (uuid.isEmpty()) {
            uuid = "unknown";
        }
        if (!isCuiValid(body.get("cui")) || (expectedList != null && !body.path(expectedList).isArray())) {
            LOG.warn("{} body does not follow fo_to_bo.yaml (cui{}): {}", ex.getRequestURI().getPath(),
                    expectedList == null ? "" : ", " + expectedList, body);
        }
        target.computeIfAbsent(uuid, k -> new CopyOnWriteArrayList<>()).add(body);
        LOG.info("{} {}", ex.getRequestURI().getPath(), uuid);
        sendEmpty(ex, 200);
    }

    private static List<JsonNode> copy(Map<String, List<JsonNode>> map, String key) {
        return List.copyOf(map.getOrDefault(key, List.of()));
    }

    private static String key(String cuiUuid, String resourceId) {
        return cuiUuid + "/" + resourceId;
    }

    public static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
