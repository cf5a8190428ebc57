package it.comune.milano.suapgw.simulators.ssu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import it.comune.milano.suapgw.simulators.support.GatewayClient;
import it.comune.milano.suapgw.simulators.support.GatewayResponse;
import it.comune.milano.suapgw.simulators.support.HttpSimulator;
import it.comune.milano.suapgw.simulators.support.IdempotencyLedger;
import it.comune.milano.suapgw.simulators.support.Json;
import it.comune.milano.suapgw.simulators.support.modi.ModiException;
import it.comune.milano.suapgw.simulators.support.modi.ModiPeer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Impresainungiorno front office.
 * <p>
 * Server side, {@code fo_to_bo} (every body validated against {@code fo_to_bo.yaml}, 400 {@code ERROR_400_001}
 * otherwise): {@code POST /notify}, {@code /request_correction}, {@code /request_integration}, {@code /retry}, and
 * {@code GET /instance/{cui_uuid}/document/{resource_id}} (If-Match required: 428 without, 412 on a different hash;
 * single-part {@code Range} → 206 with {@code Content-Range}, 416 when not satisfiable). Every accepted call is recorded
 * per CUI in order, as {@code notify:<event>}, {@code request_correction}, {@code request_integration},
 * {@code retry:<operation>} ({@link #messages}).
 * <p>
 * Client side, {@code bo_to_fo} on the gateway: {@code send_instance}, {@code notify_receipt}, {@code cancel_instance}.
 * <p>
 * The applicant, by the sample's {@link SampleInstances.Sample#scenario() scenario}: {@code correction} answers a
 * request_correction, {@code integration} and {@code integration-ssu} a request_integration, with the next version of the instance after
 * {@link #setResendDelay} (listeners of {@link #onNewVersion} hear of it first, e.g. the Catalogo, which must serve the
 * new descriptor; a repeated request about the same {@code instance_descriptor_version} is answered once); {@code integration-expired} never answers; {@code cancel} sends cancel_instance once,
 * {@link #setCancelDelay} after the gateway acknowledged send_instance. After a notify carrying the act
 * ({@code resource_id}, {@code hash}, {@code alg_hash}) the FO downloads it from the gateway and verifies its hash
 * ({@link #actFetch}); so it does with the documents of a request_integration's {@code integration_document_list}.
 * <p>
 * ModI ({@link #setModi}, off by default; on in the demo, docs/modi-pdnd.md): the calls to {@code {gateway}/ssu/fo}
 * carry a PDND voucher and an Agid-JWT-Signature as client {@code frontoffice}, and the gateway's responses must be
 * signed by {@code suapgw-milano}: one that is not counts as a failed call ({@link #modiFailures()}; recorded with
 * status 0). The server side checks the gateway's voucher and signature (401 {@code ERROR_401_00x}) and signs every
 * response.
 */
public class FrontOfficeSimulator extends HttpSimulator {

    private static final Logger LOG = LoggerFactory.getLogger(FrontOfficeSimulator.class);

    public static final String NOTIFY = "notify";
    public static final String REQUEST_CORRECTION = "request_correction";
    public static final String REQUEST_INTEGRATION = "request_integration";
    public static final String RETRY = "retry";
    /** {@link DocumentFetch#kind()} of the act announced by a notify. */
    public static final String ACT = "act";
    /** {@link DocumentFetch#kind()} of a document of an integration request. */
    public static final String INTEGRATION_DOCUMENT = "integration";

    static final Set<String> NOTIFY_EVENTS = Set.of(
            "end_by_instance_refused", "end_by_proceeding_time_expired", "end_by_integration_times_expired",
            "end_by_submitter_cancel_requested", "cdss_convened",
            "end_by_suspension_requested", "end_by_conformation_requested", "end_by_positive_outcome", "end_by_negative_outcome");

    private static final Pattern RANGE = Pattern.compile("^\\s*bytes\\s*=\\s*(\\d*)\\s*-\\s*(\\d*)\\s*$");
    private static final long[] FETCH_BACKOFF_MILLIS = {250, 500, 1000, 2000, 2000, 2000, 2000, 2000};

    /**
     * A document the FO downloaded from the gateway ({@code GET {gateway}/ssu/fo/instance/{cui}/document/{id}}).
     * {@code kind}: {@link #ACT} or {@link #INTEGRATION_DOCUMENT}; {@code event}: the notify event (act) or
     * {@code request_integration}; {@code httpStatus}: of the last attempt (0: I/O error or not attempted);
     * {@code verified}: 200 and the content's digest ({@code algHash}) equals {@code hash}; {@code detail}: why not.
     */
    public record DocumentFetch(String cuiUuid, String kind, String event, String resourceId, String hash, String algHash,
                                int httpStatus, boolean verified, int size, int attempts, String detail, Instant at) {
    }

    /** A call of the FO to the gateway; {@code httpStatus} 0: I/O error. {@code version}: the instance version sent, if any. */
    public record Call(String cuiUuid, String operation, String version, int httpStatus, String responseBody, Instant at) {
    }

    private final String gatewayBaseUrl;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** cuiUuid → (resourceId → bytes), every version's documents. */
    private final Map<String, Map<String, byte[]>> documents = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> hashes = new ConcurrentHashMap<>();
    /** cuiUuid → the latest version of the instance. */
    private final Map<String, SampleInstances.Sample> samples = new ConcurrentHashMap<>();
    private final Map<String, String> scenarioOverrides = new ConcurrentHashMap<>();
    private final Set<String> tampered = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> documentRequests = new ConcurrentHashMap<>();
    private final Map<String, List<String>> messages = new ConcurrentHashMap<>();
    private final Map<String, List<JsonNode>> notifications = new ConcurrentHashMap<>();
    private final Map<String, List<JsonNode>> corrections = new ConcurrentHashMap<>();
    private final Map<String, List<JsonNode>> integrations = new ConcurrentHashMap<>();
    private final Map<String, List<JsonNode>> retries = new ConcurrentHashMap<>();
    private final Map<String, List<Call>> calls = new ConcurrentHashMap<>();
    private final Map<String, List<DocumentFetch>> fetches = new ConcurrentHashMap<>();
    private final Set<String> cancelScheduled = ConcurrentHashMap.newKeySet();
    /** cui|operation|instance_descriptor_version of the requests the applicant answered (a repeated request is answered once). */
    private final Set<String> answeredRequests = ConcurrentHashMap.newKeySet();
    private final List<Consumer<SampleInstances.Sample>> newVersionListeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger invalidCalls = new AtomicInteger();
    /** operation → its receiver's ledger of Idempotency-Keys (notify, request_correction, request_integration, retry) */
    private final Map<String, IdempotencyLedger> effects = new ConcurrentHashMap<>();
    private volatile boolean available = true;
    private volatile Duration resendDelay = Duration.ofMillis(300);
    private volatile Duration cancelDelay = Duration.ofMillis(1500);
    private volatile Duration fetchDelay = Duration.ofMillis(100);
    private volatile boolean resendOnRetry;
    private ScheduledExecutorService scheduler;

    public FrontOfficeSimulator(int port, String gatewayBaseUrl) {
        this(port, gatewayBaseUrl, null);
    }

    /** With ModI ({@code ModiDemo.frontOffice()}); null: without. */
    public FrontOfficeSimulator(int port, String gatewayBaseUrl, ModiPeer modi) {
        super("front-office", port);
        this.gatewayBaseUrl = stripSlash(gatewayBaseUrl);
        setModi(modi);
    }

    /**
     * A client of the gateway's {@code bo_to_fo} ({@code {gateway}/ssu/fo}) as this FO calls it: with ModI when on, its
     * {@code with...} variants forging defective requests (see {@link GatewayClient}). Nothing is recorded.
     */
    public GatewayClient client() {
        return apiClient(gatewayBaseUrl + "/ssu/fo");
    }

    private GatewayClient apiClient(String url) {
        ModiPeer m = modi();
        return new GatewayClient(client, url, m == null ? null : m.client(), m == null ? null : m.gatewayAudience(),
                m == null ? null : m.gatewayClientId(), null, null, this::untrusted);
    }

    /** The body recorded for a response: as received, or why it is not trusted. */
    private static String recorded(GatewayResponse r) {
        return r.trusted() ? r.body() : "ModI: response not trusted (HTTP " + r.statusCode() + "): " + r.signatureError() + "; " + r.body();
    }

    @Override
    public synchronized void start() {
        if (scheduler == null || scheduler.isShutdown()) {
            AtomicInteger n = new AtomicInteger();
            scheduler = Executors.newScheduledThreadPool(2, r -> {
                Thread t = new Thread(r, "front-office-applicant-" + n.incrementAndGet());
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

    public String gatewayBaseUrl() {
        return gatewayBaseUrl;
    }

    /**
     * Makes the FO know a pratica: it serves its documents (of every version registered so far) and plays its scenario.
     * A version older than the one known is only added to the documents served.
     */
    public void register(SampleInstances.Sample sample) {
        documents.computeIfAbsent(sample.cuiUuid(), k -> new ConcurrentHashMap<>()).putAll(sample.documents());
        hashes.computeIfAbsent(sample.cuiUuid(), k -> new ConcurrentHashMap<>()).putAll(sample.hashes());
        samples.merge(sample.cuiUuid(), sample, (old, now) -> now.version() >= old.version() ? now : old);
    }

    /** The latest version of a pratica the FO knows (registered, or made by the simulated applicant), or null. */
    public SampleInstances.Sample sample(String cuiUuid) {
        return samples.get(cuiUuid);
    }

    /**
     * Called with every new version of an instance the simulated applicant makes (a corrected or integrated instance),
     * before it is sent to the gateway: e.g. {@code fo.onNewVersion(catalogo::register)}, so that the Catalogo serves the
     * new descriptor when the gateway asks for it.
     */
    public FrontOfficeSimulator onNewVersion(Consumer<SampleInstances.Sample> listener) {
        newVersionListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Plays {@code scenario} for this CUI instead of its sample's (e.g. {@code correction} for a standard sample). */
    public void setScenario(String cuiUuid, String scenario) {
        if (!SampleInstances.SCENARIOS.contains(scenario)) {
            throw new IllegalArgumentException("unknown scenario " + scenario);
        }
        scenarioOverrides.put(cuiUuid, scenario);
    }

    /** The scenario played for a CUI ({@code standard} when the FO does not know it). */
    public String scenario(String cuiUuid) {
        String s = scenarioOverrides.get(cuiUuid);
        if (s != null) {
            return s;
        }
        SampleInstances.Sample sample = samples.get(cuiUuid);
        return sample == null ? SampleInstances.STANDARD : sample.scenario();
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

    /** How long the applicant takes to send a corrected or integrated instance (default 300 ms). */
    public void setResendDelay(Duration resendDelay) {
        this.resendDelay = Objects.requireNonNull(resendDelay);
    }

    /** Scenario cancel: delay between the gateway's acknowledgement of send_instance and cancel_instance (default 1.5 s). */
    public void setCancelDelay(Duration cancelDelay) {
        this.cancelDelay = Objects.requireNonNull(cancelDelay);
    }

    /** Delay between a notify (or request_integration) and the download of its documents (default 100 ms). */
    public void setFetchDelay(Duration fetchDelay) {
        this.fetchDelay = Objects.requireNonNull(fetchDelay);
    }

    /**
     * Whether a {@code retry} makes the FO execute the operation again (send_instance of the latest version,
     * notify_receipt with today's date, cancel_instance) after {@link #setResendDelay}. Default false: the operator
     * "checks and corrects" first, i.e. the test does (Retry-001).
     */
    public void setResendOnRetry(boolean resendOnRetry) {
        this.resendOnRetry = resendOnRetry;
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

    /**
     * What the FO received from the BO for a CUI, in arrival order: {@code notify:<event>}, {@code request_correction},
     * {@code request_integration}, {@code retry:<operation>} (valid calls only).
     */
    public List<String> messages(String cuiUuid) {
        return List.copyOf(messages.getOrDefault(cuiUuid, List.of()));
    }

    /** {@code POST /notify} bodies received for a CUI. */
    public List<JsonNode> notifications(String cuiUuid) {
        return copy(notifications, cuiUuid);
    }

    /** Total {@code /notify} calls received (all CUIs). */
    public int notificationsReceived() {
        return notifications.values().stream().mapToInt(List::size).sum();
    }

    /** {@code POST /request_correction} bodies received for a CUI. */
    public List<JsonNode> corrections(String cuiUuid) {
        return copy(corrections, cuiUuid);
    }

    /** {@code POST /request_integration} bodies received for a CUI. */
    public List<JsonNode> integrations(String cuiUuid) {
        return copy(integrations, cuiUuid);
    }

    /** {@code POST /retry} bodies received for a CUI. */
    public List<JsonNode> retries(String cuiUuid) {
        return copy(retries, cuiUuid);
    }

    /** Server-side calls refused with 400 (not valid against fo_to_bo.yaml). */
    public int invalidCalls() {
        return invalidCalls.get();
    }

    /**
     * The effects of the gateway's calls of one operation ({@link #NOTIFY}, {@link #REQUEST_CORRECTION},
     * {@link #REQUEST_INTEGRATION}, {@link #RETRY}), counted per CUI by Idempotency-Key: a repeated key whose first
     * call succeeded is answered 200 again and neither recorded nor acted on.
     */
    public IdempotencyLedger effects(String operation) {
        return effects.computeIfAbsent(operation, k -> new IdempotencyLedger());
    }

    /** Answers the call once per Idempotency-Key: {@code effect} runs for a new key (or none), a repeat gets the first answer. */
    private void once(HttpExchange ex, String operation, String uuid, Runnable effect) throws IOException {
        IdempotencyLedger.Response r = effects(operation).handle(uuid, IdempotencyLedger.key(ex), () -> {
            effect.run();
            return new IdempotencyLedger.Response(200, null, null);
        });
        send(ex, r.status(), r.contentType(), r.body());
    }

    /** The FO's calls to the gateway for a CUI, in order (send_instance, notify_receipt, cancel_instance; one per attempt). */
    public List<Call> calls(String cuiUuid) {
        return List.copyOf(calls.getOrDefault(cuiUuid, List.of()));
    }

    /** The send_instance calls for a CUI (one per attempt), with the version sent. */
    public List<Call> submissions(String cuiUuid) {
        return calls(cuiUuid).stream().filter(c -> "send_instance".equals(c.operation())).toList();
    }

    /** The cancel_instance calls for a CUI (one per attempt). */
    public List<Call> cancellations(String cuiUuid) {
        return calls(cuiUuid).stream().filter(c -> "cancel_instance".equals(c.operation())).toList();
    }

    /** Every document download from the gateway for a CUI (act and integration documents), in completion order. */
    public List<DocumentFetch> documentFetches(String cuiUuid) {
        return List.copyOf(fetches.getOrDefault(cuiUuid, List.of()));
    }

    /** The downloads of the act announced by a notify, for a CUI. */
    public List<DocumentFetch> actFetches(String cuiUuid) {
        return documentFetches(cuiUuid).stream().filter(f -> ACT.equals(f.kind())).toList();
    }

    /** The latest download of the act of a CUI, or null (none announced yet, or still in progress). */
    public DocumentFetch actFetch(String cuiUuid) {
        List<DocumentFetch> acts = actFetches(cuiUuid);
        return acts.isEmpty() ? null : acts.get(acts.size() - 1);
    }

    /** Whether the act of a CUI was downloaded and its hash verified. */
    public boolean actVerified(String cuiUuid) {
        DocumentFetch f = actFetch(cuiUuid);
        return f != null && f.verified();
    }

    // ------------------------------------------------------------------ client side (FO → gateway)

    /**
     * {@code POST {gateway}/ssu/fo/send_instance} with the sample's send_instance body. The sample's documents are served
     * from now on (see {@link #register}); in scenario {@code cancel} the first acknowledged send_instance of a CUI
     * schedules its cancel_instance.
     */
    public GatewayResponse sendInstance(SampleInstances.Sample sample) {
        register(sample);
        GatewayResponse r;
        try {
            r = postRaw("/ssu/fo/send_instance", Json.write(sample.sendInstanceBody()));
        } catch (RuntimeException e) {
            call(sample.cuiUuid(), "send_instance", sample.instanceDescriptorVersion(), 0, e.getMessage());
            throw e;
        }
        call(sample.cuiUuid(), "send_instance", sample.instanceDescriptorVersion(), r.effectiveStatus(), recorded(r));
        if (r.effectiveStatus() / 100 == 2 && SampleInstances.CANCEL.equals(scenario(sample.cuiUuid())) && cancelScheduled.add(sample.cuiUuid())) {
            LOG.info("scenario cancel: the applicant of {} cancels in {} ms", sample.cuiUuid(), cancelDelay.toMillis());
            schedule(() -> cancelWithRetries(sample, 1), cancelDelay);
        }
        return r;
    }

    /** {@code POST {gateway}/ssu/fo/notify_receipt} with {@code {cui, date}}. */
    public GatewayResponse notifyReceipt(SampleInstances.Sample sample, LocalDate date) {
        ObjectNode body = Json.object();
        body.set("cui", sample.cui());
        body.put("date", date.toString());
        GatewayResponse r = postRaw("/ssu/fo/notify_receipt", Json.write(body));
        call(sample.cuiUuid(), "notify_receipt", null, r.effectiveStatus(), recorded(r));
        return r;
    }

    /** {@code POST {gateway}/ssu/fo/cancel_instance}, the body being the sample's cui. */
    public GatewayResponse cancelInstance(SampleInstances.Sample sample) {
        GatewayResponse r;
        try {
            r = postRaw("/ssu/fo/cancel_instance", Json.write(sample.cui()));
        } catch (RuntimeException e) {
            call(sample.cuiUuid(), "cancel_instance", null, 0, e.getMessage());
            throw e;
        }
        call(sample.cuiUuid(), "cancel_instance", null, r.effectiveStatus(), recorded(r));
        return r;
    }

    /**
     * POST {@code json} to {@code {gateway} + path} (Content-Type application/json; with ModI, as a bo_to_fo call:
     * voucher and signature, the response's signature checked, an untrusted one counted in {@link #modiFailures()}).
     * Not recorded.
     */
    public GatewayResponse postRaw(String path, String json) {
        return apiClient(gatewayBaseUrl).post(path, json);
    }

    private void call(String cuiUuid, String operation, String version, int status, String body) {
        calls.computeIfAbsent(cuiUuid, k -> new CopyOnWriteArrayList<>())
                .add(new Call(cuiUuid, operation, version, status, body == null ? "" : body, Instant.now()));
    }

    // ------------------------------------------------------------------ the simulated applicant

    private void schedule(Runnable task, Duration delay) {
        ScheduledExecutorService s = scheduler;
        if (s == null || s.isShutdown()) {
            LOG.warn("front office not started: {} not scheduled", task);
            return;
        }
        try {
            s.schedule(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warn("front office applicant: {}", e.toString());
                }
            }, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            LOG.debug("front office stopped, task dropped");
        }
    }

    /** The applicant answers a request with the next version of the instance: listeners first, then send_instance. */
    private void answer(String cuiUuid, SampleInstances.Revision revision, String code, String ref) {
        SampleInstances.Sample next;
        synchronized (samples) {
            SampleInstances.Sample current = samples.get(cuiUuid);
            if (current == null) {
                return;
            }
            next = current.next(revision, code, ref);
            register(next);
        }
        for (Consumer<SampleInstances.Sample> l : newVersionListeners) {
            try {
                l.accept(next);
            } catch (RuntimeException e) {
                LOG.warn("new-version listener failed for {}: {}", next, e.toString());
            }
        }
        LOG.info("applicant sends the {} instance of {} (version {})", revision.state(), cuiUuid, next.version());
        sendWithRetries(next, 1);
    }

    /** send_instance, retried on I/O errors and 5xx (a gateway that is briefly away). */
    private void sendWithRetries(SampleInstances.Sample sample, int attempt) {
        int status;
        try {
            status = sendInstance(sample).effectiveStatus();
        } catch (RuntimeException e) {
            status = 0;
        }
        if ((status == 0 || status >= 500) && attempt < 6) {
            schedule(() -> sendWithRetries(sample, attempt + 1), Duration.ofMillis(500L * attempt));
        } else if (status / 100 != 2) {
            LOG.warn("send_instance of {} version {} answered {}", sample.cuiUuid(), sample.version(), status);
        }
    }

    private void cancelWithRetries(SampleInstances.Sample sample, int attempt) {
        int status;
        try {
            status = cancelInstance(sample).effectiveStatus();
        } catch (RuntimeException e) {
            status = 0;
        }
        LOG.info("cancel_instance of {} (attempt {}) -> {}", sample.cuiUuid(), attempt, status);
        if ((status == 0 || status >= 500) && attempt < 6) {
            schedule(() -> cancelWithRetries(sample, attempt + 1), Duration.ofMillis(500L * attempt));
        }
    }

    private void resend(String cuiUuid, String operation) {
        SampleInstances.Sample s = samples.get(cuiUuid);
        if (s == null) {
            LOG.warn("retry of {} for unknown CUI {}: nothing to send again", operation, cuiUuid);
            return;
        }
        switch (operation) {
            case "send_instance" -> sendWithRetries(s, 1);
            case "notify_receipt" -> notifyReceipt(s, LocalDate.now());
            case "cancel_instance" -> cancelWithRetries(s, 1);
            default -> LOG.warn("retry of unknown operation {}", operation);
        }
    }

    /** Downloads a document from the gateway and verifies it, retrying 404, 5xx and I/O errors (the act may not be served yet). */
    private void fetch(String cuiUuid, String kind, String event, String resourceId, String hash, String algHash, int attempt) {
        if (hash == null || hash.isBlank()) {
            recordFetch(new DocumentFetch(cuiUuid, kind, event, resourceId, hash, algHash, 0, false, 0, 0,
                    "no hash: cannot send If-Match", Instant.now()));
            return;
        }
        int status = 0;
        String detail;
        byte[] body = null;
        try {
            GatewayResponse r = client().getDocument(cuiUuid, resourceId, "If-Match", hash, "Accept", "text/plain");
            status = r.effectiveStatus();
            body = r.bytes();
            detail = r.trusted() ? "HTTP " + status : "ModI: response not trusted (HTTP " + r.statusCode() + "): " + r.signatureError();
        } catch (UncheckedIOException | ModiException e) {
            detail = e.getMessage();
        } catch (IllegalStateException interrupted) {
            return;
        }
        if ((status == 0 || status == 404 || status >= 500) && attempt < FETCH_BACKOFF_MILLIS.length) {
            schedule(() -> fetch(cuiUuid, kind, event, resourceId, hash, algHash, attempt + 1), Duration.ofMillis(FETCH_BACKOFF_MILLIS[attempt - 1]));
            return;
        }
        boolean verified = false;
        int size = 0;
        if (status == 200) {
            try {
                byte[] content = Base64.getMimeDecoder().decode(new String(body, StandardCharsets.US_ASCII).trim());
                size = content.length;
                byte[] digest = digest(algHash, content);
                verified = hashMatches(digest, hash);
                detail = verified ? "verified (" + size + " bytes)"
                        : "hash mismatch: declared " + hash + ", downloaded " + HexFormat.of().formatHex(digest);
            } catch (IllegalArgumentException e) {
                detail = "body is not base64: " + e.getMessage();
            }
        } else if (body != null && body.length > 0 && status != 0) {
            detail += ": " + abbreviate(new String(body, StandardCharsets.UTF_8));
        }
        recordFetch(new DocumentFetch(cuiUuid, kind, event, resourceId, hash, algHash, status, verified, size, attempt, detail, Instant.now()));
    }

    private void recordFetch(DocumentFetch f) {
        fetches.computeIfAbsent(f.cuiUuid(), k -> new CopyOnWriteArrayList<>()).add(f);
        if (f.verified()) {
            LOG.info("{} document {} of {} downloaded and verified", f.kind(), f.resourceId(), f.cuiUuid());
        } else {
            LOG.warn("{} document {} of {} NOT verified: {}", f.kind(), f.resourceId(), f.cuiUuid(), f.detail());
        }
    }

    static byte[] digest(String algHash, byte[] content) {
        String alg = switch (algHash == null ? "S256" : algHash) {
            case "S384" -> "SHA-384";
            case "S512" -> "SHA-512";
            default -> "SHA-256";
        };
        try {
            return MessageDigest.getInstance(alg).digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether a declared hash (hex, base64 or base64url: the SSU does not say which) is this digest. */
    static boolean hashMatches(byte[] digest, String declared) {
        String h = declared.trim();
        if (h.length() >= 2 && h.startsWith("\"") && h.endsWith("\"")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.matches("[0-9a-fA-F]+") && h.length() == digest.length * 2) {
            return Arrays.equals(HexFormat.of().parseHex(h), digest);
        }
        for (Base64.Decoder d : List.of(Base64.getDecoder(), Base64.getUrlDecoder())) {
            try {
                if (Arrays.equals(d.decode(h), digest)) {
                    return true;
                }
            } catch (IllegalArgumentException notThisOne) {
                // next encoding
            }
        }
        return false;
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
                case NOTIFY -> notify(ex);
                case REQUEST_CORRECTION -> requestCorrection(ex);
                case REQUEST_INTEGRATION -> requestIntegration(ex);
                case RETRY -> retry(ex);
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
        String range = ex.getRequestHeaders().getFirst("Range");
        if (range != null && !range.isBlank()) {
            long[] r;
            try {
                r = range(range, bytes.length);
            } catch (IllegalStateException unsatisfiable) {
                ex.getResponseHeaders().set("Content-Range", "bytes */" + bytes.length);
                sendError(ex, 416, "ERROR_416_001", unsatisfiable.getMessage());
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

    /**
     * A single-part byte range of a resource of {@code length} bytes (RFC 9110 §14.1.2), on the resource's bytes (the
     * part is then base64 encoded like the whole): {@code {first, last}} inclusive; null for a header that is not a
     * bytes range (ignored, as RFC 9110 allows: 200 with everything).
     *
     * @throws IllegalStateException when not satisfiable (first beyond the end, an empty suffix) or multi-part
     */
    static long[] range(String header, long length) {
        String h = header.trim();
        if (!h.regionMatches(true, 0, "bytes", 0, 5)) {
            return null;
        }
        if (h.contains(",")) {
            throw new IllegalStateException("only single-part ranges are supported: " + header);
        }
        Matcher m = RANGE.matcher(h.toLowerCase(java.util.Locale.ROOT));
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return null;
        }
        long first;
        long last;
        if (m.group(1).isEmpty()) {
            long suffix = Long.parseLong(m.group(2));
            if (suffix == 0 || length == 0) {
                throw new IllegalStateException("empty suffix range " + header);
            }
            first = Math.max(0, length - suffix);
            last = length - 1;
        } else {
            first = Long.parseLong(m.group(1));
            last = m.group(2).isEmpty() ? length - 1 : Math.min(Long.parseLong(m.group(2)), length - 1);
            if (!m.group(2).isEmpty() && Long.parseLong(m.group(2)) < first) {
                return null; // invalid range: ignored
            }
            if (first >= length) {
                throw new IllegalStateException("range " + header + " starts beyond the " + length + " bytes of the resource");
            }
        }
        return new long[]{first, last};
    }

    /** Reads and validates a body; answers 400 and returns null when invalid. */
    private JsonNode valid(HttpExchange ex, String operation, java.util.function.Function<JsonNode, String> validator) throws IOException {
        JsonNode body = readJsonObject(ex);
        String errors = validator.apply(body);
        if (!errors.isEmpty()) {
            invalidCalls.incrementAndGet();
            LOG.warn("{} refused, not valid against fo_to_bo.yaml: {}", operation, errors);
            sendError(ex, 400, "ERROR_400_001", operation + " not valid against fo_to_bo.yaml: " + errors);
            return null;
        }
        return body;
    }

    private void record(String uuid, String message, Map<String, List<JsonNode>> target, JsonNode body) {
        target.computeIfAbsent(uuid, k -> new CopyOnWriteArrayList<>()).add(body);
        messages.computeIfAbsent(uuid, k -> new CopyOnWriteArrayList<>()).add(message);
    }

    private void notify(HttpExchange ex) throws IOException {
        JsonNode body = valid(ex, NOTIFY, SsuContracts::notifyErrors);
        if (body == null) {
            return;
        }
        String event = body.get("event").asText();
        String uuid = body.get("cui").get("uuid").asText();
        once(ex, NOTIFY, uuid, () -> {
            record(uuid, NOTIFY + ":" + event, notifications, body);
            LOG.info("notify {} {}", uuid, event);
            if (body.hasNonNull("resource_id")) {
                String resourceId = body.get("resource_id").asText();
                schedule(() -> fetch(uuid, ACT, event, resourceId, Json.text(body, "hash"), Json.text(body, "alg_hash"), 1), fetchDelay);
            }
        });
    }

    private void requestCorrection(HttpExchange ex) throws IOException {
        JsonNode body = valid(ex, REQUEST_CORRECTION, SsuContracts::requestCorrectionErrors);
        if (body == null) {
            return;
        }
        String uuid = body.get("cui").get("uuid").asText();
        once(ex, REQUEST_CORRECTION, uuid, () -> {
            record(uuid, REQUEST_CORRECTION, corrections, body);
            JsonNode first = body.get("correction_list").path(0);
            LOG.info("request_correction {} ({} items): {}", uuid, body.get("correction_list").size(), SsuContracts.correctionText(first));
            if (SampleInstances.CORRECTION.equals(scenario(uuid)) && firstRequest(uuid, REQUEST_CORRECTION, body)) {
                schedule(() -> answer(uuid, SampleInstances.Revision.CORRECTION, Json.text(first, "code"), Json.text(first, "ref")), resendDelay);
            }
        });
    }

    private void requestIntegration(HttpExchange ex) throws IOException {
        JsonNode body = valid(ex, REQUEST_INTEGRATION, SsuContracts::requestIntegrationErrors);
        if (body == null) {
            return;
        }
        String uuid = body.get("cui").get("uuid").asText();
        once(ex, REQUEST_INTEGRATION, uuid, () -> requestIntegrationApplied(uuid, body));
    }

    private void requestIntegrationApplied(String uuid, JsonNode body) {
        record(uuid, REQUEST_INTEGRATION, integrations, body);
        JsonNode first = body.get("integration_list").path(0);
        LOG.info("request_integration {} ({} items)", uuid, body.get("integration_list").size());
        for (JsonNode d : body.path("integration_document_list")) {
            String resourceId = Json.text(d, "resource_id");
            if (resourceId != null) {
                schedule(() -> fetch(uuid, INTEGRATION_DOCUMENT, REQUEST_INTEGRATION, resourceId, Json.text(d, "hash"),
                        Json.text(d, "alg_hash"), 1), fetchDelay);
            }
        }
        String scenario = scenario(uuid);
        if (SampleInstances.answersIntegration(scenario) && firstRequest(uuid, REQUEST_INTEGRATION, body)) {
            schedule(() -> answer(uuid, SampleInstances.Revision.INTEGRATION, Json.text(first, "code"), Json.text(first, "ref")), resendDelay);
        } else if (SampleInstances.INTEGRATION_EXPIRED.equals(scenario)) {
            LOG.info("scenario integration-expired: the applicant of {} never answers", uuid);
        }
    }

    /** Whether this is the first request of this kind about this version of the instance (a repeat is not answered again). */
    private boolean firstRequest(String uuid, String operation, JsonNode body) {
        boolean first = answeredRequests.add(uuid + "|" + operation + "|" + body.path("instance_descriptor_version").asText());
        if (!first) {
            LOG.info("{} of {} for version {} already answered: not answered again", operation, uuid, body.path("instance_descriptor_version").asText());
        }
        return first;
    }

    private void retry(HttpExchange ex) throws IOException {
        JsonNode body = valid(ex, RETRY, SsuContracts::foRetryErrors);
        if (body == null) {
            return;
        }
        String uuid = body.get("cui").get("uuid").asText();
        String operation = body.get("operation").asText();
        once(ex, RETRY, uuid, () -> {
            record(uuid, RETRY + ":" + operation, retries, body);
            LOG.info("retry {} {}: {}", uuid, operation, body.path("error"));
            if (resendOnRetry) {
                schedule(() -> resend(uuid, operation), resendDelay);
            }
        });
    }

    private static List<JsonNode> copy(Map<String, List<JsonNode>> map, String key) {
        return List.copyOf(map.getOrDefault(key, List.of()));
    }

    private static String key(String cuiUuid, String resourceId) {
        return cuiUuid + "/" + resourceId;
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    public static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
