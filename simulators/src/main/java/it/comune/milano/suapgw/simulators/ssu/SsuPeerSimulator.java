package it.comune.milano.suapgw.simulators.ssu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import it.comune.milano.suapgw.simulators.support.GatewayClient;
import it.comune.milano.suapgw.simulators.support.GatewayResponse;
import it.comune.milano.suapgw.simulators.support.HttpSimulator;
import it.comune.milano.suapgw.simulators.support.Json;
import it.comune.milano.suapgw.simulators.support.modi.ModiException;
import it.comune.milano.suapgw.simulators.support.modi.ModiPeer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What the SSU peers with an API of their own have in common (an ente terzo, {@code et_to_bo}; the Registro Imprese,
 * {@code ri_to_bo}): they receive {@code send_instance} and {@code notify} from the gateway, download the documents
 * listed from the gateway's document API under {@code apiPrefix} ({@code /ssu/et}, {@code /ssu/ri}) with If-Match
 * and their credentials (ModI, see below; without it HTTP Basic, the interim authentication: client id and secret),
 * verify each hash, and call the gateway's API with the same credentials.
 * <p>
 * Every call of the peer to the gateway is recorded per attempt ({@link #calls()}), and retried for
 * {@link #setCallRetryWindow} (default 15 s) with backoff on I/O errors, 502/503/504 and 500 {@code ERROR_500_007}
 * ("response processing error", the only 500 the SSU retransmission policy, §8.5.4, retries): another 500 code
 * (e.g. {@code ERROR_500_009}, request not expected in the current state) or a 4xx is the gateway's answer.
 * When a document of a {@code send_instance} (or the act of a {@code notify}) cannot be downloaded or does not match
 * its hash, the peer asks the gateway to send it again ({@code POST {apiPrefix}/retry}, operation
 * {@code send_instance} / {@code notify}) and does not act on the instance ({@link #setRetryOnDocumentProblems}).
 * <p>
 * Its own documents (an ente terzo's parere, its integration request) are served on
 * {@code GET /instance/{cui_uuid}/document/{resource_id}}: If-Match required (428), unknown resource 404, If-Match not
 * the resource's hash (hex, base64 or base64url) 412, single-part {@code Range} 206 / 416, body base64 text/plain.
 * <p>
 * ModI ({@link #setModi}; off by default, on in the demo, docs/modi-pdnd.md) replaces HTTP Basic: every call to the
 * gateway (and every download) carries a PDND voucher and an Agid-JWT-Signature as the peer's client, the gateway's
 * responses must be signed by {@code suapgw-milano} (one that is not counts as a failed call: status 0,
 * {@link #modiFailures()}); the server side checks the gateway's voucher and signature (401 {@code ERROR_401_00x}) and
 * signs every response.
 */
public abstract class SsuPeerSimulator extends HttpSimulator {

    private static final Logger LOG = LoggerFactory.getLogger(SsuPeerSimulator.class);

    public static final String SEND_INSTANCE = "send_instance";
    public static final String NOTIFY = "notify";
    public static final String RETRY = "retry";
    /** {@link DocumentFetch#kind()} of an instance_index entry. */
    public static final String INSTANCE_DOCUMENT = "instance";
    /** {@link DocumentFetch#kind()} of a general_index entry. */
    public static final String GENERAL_DOCUMENT = "general";
    /** {@link DocumentFetch#kind()} of the act announced by a notify. */
    public static final String ACT = "act";

    private static final long[] FETCH_BACKOFF_MILLIS = {250, 500, 1000, 2000, 2000, 2000, 2000, 2000};
    private static final long[] CALL_BACKOFF_MILLIS = {250, 500, 1000, 2000};

    /**
     * A document the peer downloaded from the gateway. {@code kind}: {@link #INSTANCE_DOCUMENT}, {@link #GENERAL_DOCUMENT}
     * or {@link #ACT}; {@code context}: {@code send_instance:v<N>} or {@code notify:<event>}; {@code httpStatus} of the
     * last attempt (0: I/O error or not attempted); {@code verified}: 200 and the content's digest ({@code algHash}) is
     * {@code hash}; {@code detail}: why not.
     */
    public record DocumentFetch(String cuiUuid, String kind, String context, String resourceId, String hash, String algHash,
                                int httpStatus, boolean verified, int size, int attempts, String detail, Instant at) {
    }

    /**
     * One attempt of a call of the peer to the gateway ({@code POST {gateway}{apiPrefix}/<operation>}). {@code httpStatus}
     * 0: I/O error ({@code responseBody} says which); {@code requestBody}: the JSON sent.
     */
    public record Call(String cuiUuid, String operation, String requestBody, int httpStatus, String responseBody, int attempt,
                       Instant at) {
        public boolean ok() {
            return httpStatus / 100 == 2;
        }

        /** The {@code code} of the gateway's Error body, or null. */
        public String errorCode() {
            try {
                return Json.text(Json.parse(responseBody), "code");
            } catch (RuntimeException notJson) {
                return null;
            }
        }
    }

    /** A document listed in an index: what to download and how to check it. */
    public record DocRef(String kind, String resourceId, String hash, String algHash) {
    }

    private final String gatewayBaseUrl;
    private final String apiPrefix;
    private final String clientId;
    private final String password;
    private final String peerName;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Map<String, List<String>> messages = new ConcurrentHashMap<>();
    private final Map<String, List<JsonNode>> sendInstances = new ConcurrentHashMap<>();
    private final Map<String, List<JsonNode>> notifications = new ConcurrentHashMap<>();
    private final Map<String, List<JsonNode>> retries = new ConcurrentHashMap<>();
    private final Map<String, List<DocumentFetch>> fetches = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    /** cuiUuid → (resourceId → bytes): the peer's own documents. */
    private final Map<String, Map<String, byte[]>> ownDocuments = new ConcurrentHashMap<>();
    private final Map<String, Integer> documentRequests = new ConcurrentHashMap<>();
    private final AtomicInteger invalidCalls = new AtomicInteger();
    private final AtomicInteger documentsVerified = new AtomicInteger();
    private final AtomicInteger documentMismatches = new AtomicInteger();
    private final AtomicInteger documentFailures = new AtomicInteger();
    private volatile boolean available = true;
    private volatile boolean retryOnDocumentProblems = true;
    private volatile Duration fetchDelay = Duration.ofMillis(100);
    private volatile Duration callRetryWindow = Duration.ofSeconds(15);
    private ScheduledExecutorService scheduler;

    /**
     * @param name      the simulator's name (logs, threads)
     * @param apiPrefix the gateway's API for this peer, e.g. {@code /ssu/et}
     * @param clientId  the peer's client id (Basic user); null: no credentials sent
     */
    protected SsuPeerSimulator(String name, int port, String gatewayBaseUrl, String apiPrefix, String clientId, String password) {
        super(name, port);
        this.peerName = name;
        this.gatewayBaseUrl = FrontOfficeSimulator.stripSlash(Objects.requireNonNull(gatewayBaseUrl, "gatewayBaseUrl"));
        this.apiPrefix = apiPrefix;
        this.clientId = clientId;
        this.password = password;
    }

    @Override
    public synchronized void start() {
        if (scheduler == null || scheduler.isShutdown()) {
            AtomicInteger n = new AtomicInteger();
            scheduler = Executors.newScheduledThreadPool(4, r -> {
                Thread t = new Thread(r, peerName + "-worker-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        super.start();
    }

    @Override
    public synchronized void stop() {
        super.stop();
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ settings

    public String gatewayBaseUrl() {
        return gatewayBaseUrl;
    }

    /** {@code {gateway}{apiPrefix}}, e.g. {@code http://127.0.0.1:8080/ssu/et}. */
    public String gatewayApiUrl() {
        return gatewayBaseUrl + apiPrefix;
    }

    /** The client id sent as the Basic user (null: none). */
    public String clientId() {
        return clientId;
    }

    /** When false every call answers 503 {@code ERROR_503_001}. */
    public void setAvailable(boolean available) {
        this.available = available;
    }

    /** Delay between an accepted send_instance / notify and the download of its documents (default 100 ms). */
    public void setFetchDelay(Duration fetchDelay) {
        this.fetchDelay = Objects.requireNonNull(fetchDelay);
    }

    /** How long a call to the gateway is retried on I/O errors and unavailability (default 15 s). */
    public void setCallRetryWindow(Duration callRetryWindow) {
        this.callRetryWindow = Objects.requireNonNull(callRetryWindow);
    }

    /**
     * Whether a document that cannot be downloaded or does not match its hash makes the peer ask the gateway for a
     * retransmission ({@code retry}) instead of acting on the instance (default true).
     */
    public void setRetryOnDocumentProblems(boolean retryOnDocumentProblems) {
        this.retryOnDocumentProblems = retryOnDocumentProblems;
    }

    protected boolean retryOnDocumentProblems() {
        return retryOnDocumentProblems;
    }

    // ------------------------------------------------------------------ what the peer received / did

    /**
     * What the peer received from the gateway for a CUI, in arrival order: {@code send_instance:v<N>},
     * {@code notify:<event>}, {@code retry:<operation>} (valid calls only).
     */
    public List<String> messages(String cuiUuid) {
        return List.copyOf(messages.getOrDefault(cuiUuid, List.of()));
    }

    /** The CUIs the peer heard of, in no particular order. */
    public List<String> cuis() {
        return List.copyOf(messages.keySet());
    }

    /** {@code send_instance} bodies received for a CUI (valid ones). */
    public List<JsonNode> sendInstances(String cuiUuid) {
        return copy(sendInstances, cuiUuid);
    }

    /** {@code notify} bodies received for a CUI (valid ones). */
    public List<JsonNode> notifications(String cuiUuid) {
        return copy(notifications, cuiUuid);
    }

    /** {@code retry} bodies received for a CUI (valid ones). */
    public List<JsonNode> retries(String cuiUuid) {
        return copy(retries, cuiUuid);
    }

    /** Calls refused with 400 (not valid against the published contract). */
    public int invalidCalls() {
        return invalidCalls.get();
    }

    /** Documents downloaded from the gateway whose hash matched. */
    public int documentsVerified() {
        return documentsVerified.get();
    }

    /** Documents downloaded from the gateway (200) whose content did not match the hash. */
    public int documentMismatches() {
        return documentMismatches.get();
    }

    /** Documents that could not be downloaded (non-200 after the retries, I/O errors, no hash, not base64). */
    public int documentFailures() {
        return documentFailures.get();
    }

    /** Every download from the gateway for a CUI, in completion order. */
    public List<DocumentFetch> documentFetches(String cuiUuid) {
        return List.copyOf(fetches.getOrDefault(cuiUuid, List.of()));
    }

    /** The latest download of the act announced by a notify for a CUI, or null. */
    public DocumentFetch actFetch(String cuiUuid) {
        List<DocumentFetch> acts = documentFetches(cuiUuid).stream().filter(f -> ACT.equals(f.kind())).toList();
        return acts.isEmpty() ? null : acts.get(acts.size() - 1);
    }

    /** Whether the act announced for a CUI was downloaded and its hash verified. */
    public boolean actVerified(String cuiUuid) {
        DocumentFetch f = actFetch(cuiUuid);
        return f != null && f.verified();
    }

    /** Every attempt of every call of the peer to the gateway, in order. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The attempts of the calls about a CUI, in order. */
    public List<Call> calls(String cuiUuid) {
        return calls.stream().filter(c -> cuiUuid.equals(c.cuiUuid())).toList();
    }

    /** The peer's own documents for a CUI (resource_id → bytes), as served. */
    public Map<String, byte[]> documents(String cuiUuid) {
        return Map.copyOf(ownDocuments.getOrDefault(cuiUuid, Map.of()));
    }

    /** Number of GETs of the peer's own documents for a CUI (whatever the outcome). */
    public int documentRequests(String cuiUuid) {
        return documentRequests.getOrDefault(cuiUuid, 0);
    }

    // ------------------------------------------------------------------ conformance helpers (peer → gateway)

    /**
     * A client of the gateway's API for this peer with HTTP Basic credentials and no ModI (null user: no Authorization
     * header): the interim authentication, which a gateway with ModI refuses ({@code ERROR_401_001}).
     */
    public GatewayClient withCredentials(String user, String password) {
        return new GatewayClient(http, gatewayApiUrl(), null, null, null, user, password, this::untrusted);
    }

    /** A client of the gateway's API for this peer without any credentials (no Basic, no voucher, no signature). */
    public GatewayClient withoutCredentials() {
        return withCredentials(null, null);
    }

    /**
     * A client of the gateway's API as the peer calls it: with ModI when on (its {@code with...} variants forge the
     * defective requests, see {@link GatewayClient}), otherwise with the peer's Basic credentials. Nothing is recorded.
     */
    public GatewayClient client() {
        ModiPeer m = modi();
        if (m == null || m.client() == null) {
            return withCredentials(clientId, password);
        }
        return new GatewayClient(http, gatewayApiUrl(), m.client(), m.gatewayAudience(), m.gatewayClientId(), null, null, this::untrusted);
    }

    /** {@code POST {gateway}{apiPrefix}{path}} with the peer's credentials, once, not recorded. */
    public GatewayResponse post(String path, String json) {
        return client().post(path, json);
    }

    /** {@code GET {gateway}{apiPrefix}/instance/{cui}/document/{rid}} with the peer's credentials and these headers (name, value...). */
    public GatewayResponse getDocument(String cuiUuid, String resourceId, String... headers) {
        return client().getDocument(cuiUuid, resourceId, headers);
    }

    /** {@code Basic base64(user:password)}. */
    public static String basic(String user, String password) {
        return GatewayClient.basic(user, password);
    }

    // ------------------------------------------------------------------ server side (gateway → peer)

    @Override
    protected final void handle(HttpExchange ex, List<String> path) throws IOException {
        if (!available) {
            readBody(ex);
            sendError(ex, 503, "ERROR_503_001", peerName + " temporaneamente non disponibile");
            return;
        }
        String method = ex.getRequestMethod();
        if ("GET".equals(method) && path.size() == 4 && "instance".equals(path.get(0)) && "document".equals(path.get(2))) {
            document(ex, path.get(1), path.get(3));
        } else if ("POST".equals(method) && path.size() == 1) {
            if (!post(ex, path.get(0))) {
                sendError(ex, 404, "ERROR_404_001", "no such resource: POST /" + path.get(0));
            }
        } else {
            sendError(ex, 404, "ERROR_404_001", "no such resource: " + method + " " + ex.getRequestURI().getPath());
        }
    }

    /** Handles {@code POST /<operation>}; false when the peer does not provide it (→ 404). */
    protected abstract boolean post(HttpExchange ex, String operation) throws IOException;

    /** Reads and validates a body; answers 400 {@code ERROR_400_001} (counted) and returns null when invalid. */
    protected JsonNode valid(HttpExchange ex, String operation, String contract, Function<JsonNode, String> validator) throws IOException {
        JsonNode body;
        try {
            body = readJsonObject(ex);
        } catch (IllegalArgumentException e) {
            invalidCalls.incrementAndGet();
            sendError(ex, 400, "ERROR_400_001", operation + ": " + e.getMessage());
            return null;
        }
        String errors = validator.apply(body);
        if (!errors.isEmpty()) {
            invalidCalls.incrementAndGet();
            LOG.warn("{}: {} refused, not valid against {}: {}", peerName, operation, contract, errors);
            sendError(ex, 400, "ERROR_400_001", operation + " not valid against " + contract + ": " + errors);
            return null;
        }
        return body;
    }

    /** Records a valid call: {@code message} in {@link #messages}, the body in its list. */
    protected void recordSendInstance(String uuid, JsonNode body) {
        record(uuid, SEND_INSTANCE + ":v" + body.path("instance_descriptor_version").asText(), sendInstances, body);
    }

    protected void recordNotify(String uuid, JsonNode body) {
        record(uuid, NOTIFY + ":" + body.path("event").asText(), notifications, body);
    }

    protected void recordRetry(String uuid, JsonNode body) {
        record(uuid, RETRY + ":" + body.path("operation").asText(), retries, body);
    }

    private void record(String uuid, String message, Map<String, List<JsonNode>> target, JsonNode body) {
        target.computeIfAbsent(uuid, k -> new CopyOnWriteArrayList<>()).add(body);
        messages.computeIfAbsent(uuid, k -> new CopyOnWriteArrayList<>()).add(message);
        LOG.info("{}: {} {}", peerName, message, uuid);
    }

    /** Serves one of the peer's own documents from now on. */
    protected void serve(String cuiUuid, String resourceId, byte[] bytes) {
        ownDocuments.computeIfAbsent(cuiUuid, k -> new ConcurrentHashMap<>()).put(resourceId, bytes.clone());
    }

    private void document(HttpExchange ex, String cuiUuid, String resourceId) throws IOException {
        documentRequests.merge(cuiUuid, 1, Integer::sum);
        String ifMatch = ex.getRequestHeaders().getFirst("If-Match");
        if (ifMatch == null || ifMatch.isBlank()) {
            sendError(ex, 428, "ERROR_428_001", "hash not found: If-Match header with the resource hash is required");
            return;
        }
        Map<String, byte[]> docs = ownDocuments.get(cuiUuid);
        byte[] bytes = docs == null ? null : docs.get(resourceId);
        if (bytes == null) {
            sendError(ex, 404, "ERROR_404_001", "resource not found: " + resourceId + " for CUI " + cuiUuid);
            return;
        }
        String given = ifMatch.trim();
        if (given.startsWith("W/")) {
            given = given.substring(2);
        }
        if (!FrontOfficeSimulator.hashMatches(FrontOfficeSimulator.digest("S256", bytes), given)) {
            sendError(ex, 412, "ERROR_412_001", "invalid hash: If-Match is not the hash of resource " + resourceId);
            return;
        }
        String range = ex.getRequestHeaders().getFirst("Range");
        if (range != null && !range.isBlank()) {
            long[] r;
            try {
                r = FrontOfficeSimulator.range(range, bytes.length);
            } catch (IllegalStateException unsatisfiable) {
                ex.getResponseHeaders().set("Content-Range", "bytes */" + bytes.length);
                sendError(ex, 416, "ERROR_416_001", "invalid range requested: " + unsatisfiable.getMessage());
                return;
            }
            if (r != null) {
                byte[] part = Arrays.copyOfRange(bytes, (int) r[0], (int) r[1] + 1);
                ex.getResponseHeaders().set("Content-Range", "bytes " + r[0] + "-" + r[1] + "/" + bytes.length);
                send(ex, 206, "text/plain", Base64.getEncoder().encode(part));
                return;
            }
        }
        ex.getResponseHeaders().set("Accept-Ranges", "bytes");
        send(ex, 200, "text/plain", Base64.getEncoder().encode(bytes));
    }

    // ------------------------------------------------------------------ downloads (peer → gateway)

    /** The documents of a send_instance: its instance_index entries, then (with {@code general}) its general_index ones. */
    protected static List<DocRef> listed(JsonNode sendInstance, boolean general) {
        List<DocRef> out = new ArrayList<>();
        for (JsonNode e : sendInstance.path("instance_index")) {
            out.add(new DocRef(INSTANCE_DOCUMENT, Json.text(e, "resource_id"), Json.text(e, "hash"), Json.text(e, "alg_hash")));
        }
        if (general) {
            for (JsonNode g : sendInstance.path("general_index")) {
                out.add(new DocRef(GENERAL_DOCUMENT, Json.text(g, "resource_id"), Json.text(g, "hash"), Json.text(g, "alg_hash")));
            }
        }
        return out;
    }

    /**
     * Downloads {@code docs} one after the other (after {@link #setFetchDelay}), each retried on 404, 5xx and I/O
     * errors, then calls {@code then} with the outcomes (in the peer's scheduler).
     */
    protected void fetchAll(String cuiUuid, String context, List<DocRef> docs, Consumer<List<DocumentFetch>> then) {
        List<DocumentFetch> results = new CopyOnWriteArrayList<>();
        schedule(() -> fetchNext(cuiUuid, context, docs, 0, 1, results, then), fetchDelay);
    }

    private void fetchNext(String cuiUuid, String context, List<DocRef> docs, int index, int attempt, List<DocumentFetch> results,
                           Consumer<List<DocumentFetch>> then) {
        if (index >= docs.size()) {
            then.accept(List.copyOf(results));
            return;
        }
        DocRef d = docs.get(index);
        if (d.hash() == null || d.hash().isBlank() || d.resourceId() == null) {
            results.add(recordFetch(new DocumentFetch(cuiUuid, d.kind(), context, d.resourceId(), d.hash(), d.algHash(), 0, false, 0, 0,
                    "no resource_id or hash: cannot send If-Match", Instant.now())));
            fetchNext(cuiUuid, context, docs, index + 1, 1, results, then);
            return;
        }
        int status = 0;
        String detail;
        byte[] body = null;
        try {
            GatewayResponse r = client().getDocument(cuiUuid, d.resourceId(), "If-Match", d.hash(), "Accept", "text/plain");
            status = r.effectiveStatus();
            body = r.bytes();
            detail = r.trusted() ? "HTTP " + status : "ModI: response not trusted (HTTP " + r.statusCode() + "): " + r.signatureError();
        } catch (UncheckedIOException | ModiException e) {
            detail = e.getMessage();
        } catch (IllegalStateException interrupted) {
            return;
        }
        if ((status == 0 || status == 404 || status >= 500) && attempt < FETCH_BACKOFF_MILLIS.length) {
            schedule(() -> fetchNext(cuiUuid, context, docs, index, attempt + 1, results, then), Duration.ofMillis(FETCH_BACKOFF_MILLIS[attempt - 1]));
            return;
        }
        boolean verified = false;
        int size = 0;
        if (status == 200) {
            try {
                byte[] content = Base64.getMimeDecoder().decode(new String(body, StandardCharsets.US_ASCII).trim());
                size = content.length;
                byte[] digest = FrontOfficeSimulator.digest(d.algHash(), content);
                verified = FrontOfficeSimulator.hashMatches(digest, d.hash());
                detail = verified ? "verified (" + size + " bytes)"
                        : "hash mismatch: declared " + d.hash() + ", downloaded " + HexFormat.of().formatHex(digest);
            } catch (IllegalArgumentException e) {
                detail = "body is not base64: " + e.getMessage();
            }
        } else if (body != null && body.length > 0 && status != 0) {
            detail += ": " + abbreviate(new String(body, StandardCharsets.UTF_8));
        }
        results.add(recordFetch(new DocumentFetch(cuiUuid, d.kind(), context, d.resourceId(), d.hash(), d.algHash(), status, verified,
                size, attempt, detail, Instant.now())));
        fetchNext(cuiUuid, context, docs, index + 1, 1, results, then);
    }

    private DocumentFetch recordFetch(DocumentFetch f) {
        fetches.computeIfAbsent(f.cuiUuid(), k -> new CopyOnWriteArrayList<>()).add(f);
        if (f.verified()) {
            documentsVerified.incrementAndGet();
            LOG.debug("{}: {} document {} of {} downloaded and verified", peerName, f.kind(), f.resourceId(), f.cuiUuid());
        } else if (f.httpStatus() == 200 && f.detail().startsWith("hash mismatch")) {
            documentMismatches.incrementAndGet();
            LOG.warn("{}: {} document {} of {}: {}", peerName, f.kind(), f.resourceId(), f.cuiUuid(), f.detail());
        } else {
            documentFailures.incrementAndGet();
            LOG.warn("{}: {} document {} of {} NOT downloaded: {}", peerName, f.kind(), f.resourceId(), f.cuiUuid(), f.detail());
        }
        return f;
    }

    /** The SSU Error a peer reports for a document it could not verify ({@code retry}'s {@code error}). */
    protected static ObjectNode documentError(DocumentFetch f) {
        String code = switch (f.httpStatus()) {
            case 200 -> "ERROR_412_001";
            case 404 -> "ERROR_404_001";
            case 412 -> "ERROR_412_001";
            case 428 -> "ERROR_428_001";
            case 416 -> "ERROR_416_001";
            case 400 -> "ERROR_400_001";
            default -> "ERROR_500_007";
        };
        String message = f.httpStatus() == 200 ? "invalid hash: the content of resource " + f.resourceId() + " does not match its hash"
                : "resource " + f.resourceId() + " not retrieved: " + f.detail();
        return Json.object().put("code", code).put("message", abbreviate(message));
    }

    /**
     * Asks the gateway to send {@code operation} again because of the first problem among {@code fetched}
     * ({@code POST {apiPrefix}/retry {cui, operation, error}}). Returns whether there was a problem.
     */
    protected boolean retryIfDocumentProblems(JsonNode cui, String operation, List<DocumentFetch> fetched,
                                              Function<JsonNode, String> validator) {
        DocumentFetch problem = fetched.stream().filter(f -> !f.verified()).findFirst().orElse(null);
        if (problem == null) {
            return false;
        }
        if (!retryOnDocumentProblems) {
            return true;
        }
        ObjectNode body = Json.object();
        body.set("cui", cui.deepCopy());
        body.put("operation", operation);
        body.set("error", documentError(problem));
        callGateway(cui.path("uuid").asText(), RETRY, body, validator, c -> { });
        return true;
    }

    // ------------------------------------------------------------------ calls (peer → gateway)

    /**
     * {@code POST {gateway}{apiPrefix}/<operation>} with the peer's credentials, asynchronously: every attempt is
     * recorded; retried with backoff for {@link #setCallRetryWindow} on I/O errors, 502/503/504 and 500
     * {@code ERROR_500_007}. {@code then} gets the last attempt. The body is checked first against {@code validator}
     * (the published contract of the peer's own calls): an invalid body is logged as an error, and sent anyway (the
     * tests catch it).
     */
    protected void callGateway(String cuiUuid, String operation, JsonNode body, Function<JsonNode, String> validator, Consumer<Call> then) {
        String errors = validator == null ? "" : validator.apply(body);
        if (!errors.isEmpty()) {
            LOG.error("{}: own {} is not valid against the published contract ({}): {}", peerName, operation, errors, body);
        }
        long deadline = System.nanoTime() + callRetryWindow.toNanos();
        schedule(() -> attempt(cuiUuid, operation, Json.write(body), 1, deadline, then), Duration.ZERO);
    }

    private void attempt(String cuiUuid, String operation, String json, int attempt, long deadline, Consumer<Call> then) {
        int status = 0;
        String response;
        try {
            GatewayResponse r = client().post("/" + operation, json);
            status = r.effectiveStatus();
            response = r.trusted() ? r.body() : "ModI: response not trusted (HTTP " + r.statusCode() + "): " + r.signatureError() + "; " + r.body();
        } catch (UncheckedIOException | ModiException e) {
            response = e.getMessage();
        } catch (IllegalStateException interrupted) {
            return;
        }
        Call call = new Call(cuiUuid, operation, json, status, response, attempt, Instant.now());
        calls.add(call);
        long backoff = CALL_BACKOFF_MILLIS[Math.min(attempt - 1, CALL_BACKOFF_MILLIS.length - 1)];
        if (retriable(call) && System.nanoTime() + backoff * 1_000_000 < deadline) {
            LOG.warn("{}: {} of {} answered {} (attempt {}), retrying in {} ms", peerName, operation, cuiUuid, status == 0 ? response : status,
                    attempt, backoff);
            schedule(() -> attempt(cuiUuid, operation, json, attempt + 1, deadline, then), Duration.ofMillis(backoff));
            return;
        }
        if (call.ok()) {
            LOG.info("{}: {} of {} accepted (HTTP {})", peerName, operation, cuiUuid, status);
        } else {
            LOG.warn("{}: {} of {} answered {} {}", peerName, operation, cuiUuid, status, abbreviate(response));
        }
        then.accept(call);
    }

    /** I/O error, 502/503/504, or 500 ERROR_500_007 (or a 500 without an SSU code): worth another attempt. */
    static boolean retriable(Call c) {
        int s = c.httpStatus();
        if (s == 0 || s == 502 || s == 503 || s == 504) {
            return true;
        }
        if (s == 500) {
            String code = c.errorCode();
            return code == null || "ERROR_500_007".equals(code);
        }
        return false;
    }

    protected void schedule(Runnable task, Duration delay) {
        ScheduledExecutorService s = scheduler;
        if (s == null || s.isShutdown()) {
            LOG.warn("{} not started: task not scheduled", peerName);
            return;
        }
        try {
            s.schedule(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warn("{}: {}", peerName, e.toString(), e);
                }
            }, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            LOG.debug("{} stopped, task dropped", peerName);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static List<JsonNode> copy(Map<String, List<JsonNode>> map, String key) {
        return List.copyOf(map.getOrDefault(key, List.of()));
    }

    protected static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    protected static String abbreviate(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    /** A small PDF-like document (the same bytes for the same title). */
    protected static byte[] pdf(String title, String text) {
        return ("%PDF-1.4\n"
                + "1 0 obj << /Type /Catalog /Title (" + title + ") >> endobj\n"
                + "2 0 obj << /Length " + (text.length() + 30) + " >> stream\nBT /F1 11 Tf 72 712 Td (" + text + ") Tj ET\nendstream endobj\n"
                + "trailer << /Root 1 0 R >>\n%%EOF\n").getBytes(StandardCharsets.ISO_8859_1);
    }
}
