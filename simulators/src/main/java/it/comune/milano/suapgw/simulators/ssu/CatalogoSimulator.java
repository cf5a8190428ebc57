package it.comune.milano.suapgw.simulators.ssu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import it.comune.milano.suapgw.simulators.support.HttpSimulator;
import it.comune.milano.suapgw.simulators.support.IdempotencyLedger;
import it.comune.milano.suapgw.simulators.support.Json;
import it.comune.milano.suapgw.simulators.support.modi.ModiPeer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * Catalogo SSU: provides {@code catalogo-ssu_to_bo} ({@code GET /instance_descriptor/{cui_uuid}},
 * {@code POST /audit}, {@code POST /update_times}), every body validated against {@code catalogo-ssu_to_bo.yaml}.
 * It serves the latest registered version of each descriptor ({@link #register}, also fed by the front office's
 * {@code onNewVersion} with the corrected and integrated instances); times set by {@code update_times} belong to the
 * instance and are kept in the later versions. Audits and time updates are recorded per CUI, in order.
 * With ModI ({@link #setModi}; off by default, on in the demo) the API admits the gateway only (docs/modi-pdnd.md).
 */
public class CatalogoSimulator extends HttpSimulator {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogoSimulator.class);

    /** {@code AuditMessage.message} pattern of catalogo-ssu_to_bo.yaml (applied like JSON Schema does: find). */
    static final Pattern AUDIT_MESSAGE = Pattern.compile(
            "^instance_retrived|correction_request|corrected_instance_retrived|end_by_instance_refused|instance_to_[0-9]{1,10}_sended"
                    + "|integration_request_time_expired|end_by_integration_request_time_expired|integration_requested"
                    + "|instance_integrated_retrived|instance_integrated_to_[0-9]{1,10}_sended|end_by_proceeding_time_expired"
                    + "|end_by_suspension_requested|end_by_conformation_requested|cdss_convened|end_by_positive_outcome"
                    + "|end_by_negative_outcome|end_by_submitter_cancel_requested|retry_requested_for_send_instance"
                    + "|retry_requested_for_send_conclusions|retry_requested_for_request_cdss|retry_requested_for_request_integration$");

    private final Map<String, ObjectNode> descriptors = new ConcurrentHashMap<>();
    private final Map<String, List<JsonNode>> audits = new ConcurrentHashMap<>();
    private final Map<String, List<JsonNode>> timesUpdates = new ConcurrentHashMap<>();
    /** cuiUuid → times set by update_times (they survive a new descriptor version). */
    private final Map<String, JsonNode> updatedTimes = new ConcurrentHashMap<>();
    private final Map<String, Integer> descriptorRequests = new ConcurrentHashMap<>();
    private final IdempotencyLedger auditEffects = new IdempotencyLedger();
    private final IdempotencyLedger timesEffects = new IdempotencyLedger();
    private volatile boolean available = true;

    public CatalogoSimulator(int port) {
        this(port, null);
    }

    /** With ModI on its API ({@code ModiDemo.catalogo()}: audience {@code catalogo/catalogo-ssu_to_bo}, caller the gateway); null: without. */
    public CatalogoSimulator(int port, ModiPeer modi) {
        super("catalogo-ssu", port);
        setModi(modi);
    }

    /**
     * Serves the sample's descriptor for its CUI, unless a later version is already registered. Times set by
     * {@code update_times} for the CUI are kept.
     */
    public synchronized void register(SampleInstances.Sample sample) {
        ObjectNode d = (ObjectNode) sample.descriptor().deepCopy();
        JsonNode times = updatedTimes.get(sample.cuiUuid());
        if (times != null) {
            d.set("times", times.deepCopy());
        }
        descriptors.merge(sample.cuiUuid(), d, (old, now) -> now.path("version").asInt() >= old.path("version").asInt() ? now : old);
    }

    /** When false every call answers 503 {@code ERROR_503_001}. */
    public void setAvailable(boolean available) {
        this.available = available;
    }

    public boolean isAvailable() {
        return available;
    }

    /**
     * The audits applied, counted per CUI by Idempotency-Key: a repeated key whose first audit succeeded is answered as
     * the first was and not recorded again.
     */
    public IdempotencyLedger auditEffects() {
        return auditEffects;
    }

    /** The {@code update_times} applied, counted per CUI by Idempotency-Key (a repeated key is not applied again). */
    public IdempotencyLedger timesEffects() {
        return timesEffects;
    }

    /** Audit bodies received for a CUI, in arrival order. */
    public List<JsonNode> audits(String cuiUuid) {
        return List.copyOf(audits.getOrDefault(cuiUuid, List.of()));
    }

    /** The {@code message} of each audit received for a CUI, in arrival order. */
    public List<String> auditMessages(String cuiUuid) {
        return audits(cuiUuid).stream().map(a -> a.path("message").asText()).toList();
    }

    /** {@code update_times} bodies received for a CUI, in arrival order (valid ones only). */
    public List<JsonNode> timesUpdates(String cuiUuid) {
        return List.copyOf(timesUpdates.getOrDefault(cuiUuid, List.of()));
    }

    /** The times of the latest {@code update_times} for a CUI, or null. */
    public JsonNode times(String cuiUuid) {
        JsonNode t = updatedTimes.get(cuiUuid);
        return t == null ? null : t.deepCopy();
    }

    /** All audit bodies, by CUI uuid. */
    public Map<String, List<JsonNode>> allAudits() {
        Map<String, List<JsonNode>> out = new java.util.TreeMap<>();
        audits.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return out;
    }

    /** Number of {@code GET /instance_descriptor/{cui_uuid}} calls for a CUI (any outcome). */
    public int descriptorRequests(String cuiUuid) {
        return descriptorRequests.getOrDefault(cuiUuid, 0);
    }

    /** Current descriptor (times may have been changed by update_times), or null. */
    public JsonNode descriptor(String cuiUuid) {
        ObjectNode d = descriptors.get(cuiUuid);
        return d == null ? null : d.deepCopy();
    }

    @Override
    protected void handle(HttpExchange ex, List<String> path) throws IOException {
        if (!available) {
            readBody(ex);
            sendError(ex, 503, "ERROR_503_001", "Catalogo SSU temporaneamente non disponibile");
            return;
        }
        String method = ex.getRequestMethod();
        if ("GET".equals(method) && path.size() == 2 && "instance_descriptor".equals(path.get(0))) {
            String uuid = path.get(1);
            descriptorRequests.merge(uuid, 1, Integer::sum);
            ObjectNode d = descriptors.get(uuid);
            if (d == null) {
                sendError(ex, 404, "ERROR_404_001", "instance descriptor not found for CUI " + uuid);
            } else {
                sendJson(ex, 200, d);
            }
        } else if ("POST".equals(method) && path.size() == 1 && "audit".equals(path.get(0))) {
            audit(ex);
        } else if ("POST".equals(method) && path.size() == 1 && "update_times".equals(path.get(0))) {
            updateTimes(ex);
        } else {
            sendError(ex, 404, "ERROR_404_001", "no such resource: " + method + " " + ex.getRequestURI().getPath());
        }
    }

    private void audit(HttpExchange ex) throws IOException {
        JsonNode body = readJsonObject(ex);
        String errors = SsuContracts.auditErrors(body);
        if (!errors.isEmpty()) {
            sendError(ex, 400, "ERROR_400_001", "AuditMessage not valid against catalogo-ssu_to_bo.yaml: " + errors);
            return;
        }
        // the schema's pattern is applied like JSON Schema does (find); kept explicit for clarity
        String message = body.get("message").asText();
        if (!AUDIT_MESSAGE.matcher(message).find()) {
            sendError(ex, 400, "ERROR_400_001", "audit message '" + message + "' does not match the AuditMessage pattern");
            return;
        }
        String uuid = body.get("cui").get("uuid").asText();
        answer(ex, auditEffects.handle(uuid, IdempotencyLedger.key(ex), () -> {
            audits.computeIfAbsent(uuid, k -> new CopyOnWriteArrayList<>()).add(body);
            LOG.debug("audit {} {}", uuid, message);
            return json(200, descriptors.containsKey(uuid) ? Json.object().put("type", "ok")
                    : Json.object().put("type", "out_of_flow").put("message", "CUI " + uuid + " sconosciuto al Catalogo"));
        }));
    }

    private static IdempotencyLedger.Response json(int status, Object body) {
        return new IdempotencyLedger.Response(status, "application/json", Json.bytes(body));
    }

    private static void answer(HttpExchange ex, IdempotencyLedger.Response r) throws IOException {
        send(ex, r.status(), r.contentType(), r.body());
    }

    private void updateTimes(HttpExchange ex) throws IOException {
        JsonNode body = readJsonObject(ex);
        String errors = SsuContracts.updateTimesErrors(body);
        if (!errors.isEmpty()) {
            sendError(ex, 400, "ERROR_400_001", "UpdateTimesRequest not valid against catalogo-ssu_to_bo.yaml: " + errors);
            return;
        }
        String uuid = body.get("cui").get("uuid").asText();
        answer(ex, timesEffects.handle(uuid, IdempotencyLedger.key(ex), () -> applyTimes(uuid, body)));
    }

    private IdempotencyLedger.Response applyTimes(String uuid, JsonNode body) {
        ObjectNode d = descriptors.get(uuid);
        if (d == null) {
            return json(404, Json.object().put("code", "ERROR_404_001").put("message", "instance descriptor not found for CUI " + uuid));
        }
        JsonNode times = body.get("times").deepCopy();
        ObjectNode answer;
        synchronized (this) {
            updatedTimes.put(uuid, times);
            timesUpdates.computeIfAbsent(uuid, k -> new CopyOnWriteArrayList<>()).add(body);
            answer = descriptors.computeIfPresent(uuid, (k, current) -> {
                ObjectNode updated = current.deepCopy();
                updated.set("times", times.deepCopy());
                return updated;
            });
        }
        LOG.info("update_times {}: start {} max_gg_proc {}", uuid, times.path("start").asText(), times.path("max_gg_proc").asText());
        return json(200, answer);
    }
}
