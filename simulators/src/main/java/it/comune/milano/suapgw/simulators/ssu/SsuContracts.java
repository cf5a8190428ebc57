package it.comune.milano.suapgw.simulators.ssu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import it.comune.milano.suapgw.simulators.support.Json;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SSU bodies the simulators receive and send, checked against the official OpenAPI files as published
 * ({@code ssu/published/}, not the gateway's fixed copies): what a strict peer would refuse fails here too.
 * Schemas are loaded once, lazily.
 */
public final class SsuContracts {

    public static final String FO_TO_BO = "classpath:ssu/published/fo_to_bo.yaml";
    public static final String BO_TO_FO = "classpath:ssu/published/bo_to_fo.yaml";
    public static final String CATALOGO = "classpath:ssu/published/catalogo-ssu_to_bo.yaml";
    /** What the gateway sends an ente terzo (its {@code CdssNotifyMessage} fixed: see {@code ssu/published/README.md}). */
    public static final String ET_TO_BO = "classpath:ssu/published/et_to_bo.yaml";
    /** What an ente terzo sends the gateway ({@code /ssu/et}). */
    public static final String BO_TO_ET = "classpath:ssu/published/bo_to_et.yaml";
    /** What the gateway sends the Registro Imprese. */
    public static final String RI_TO_BO = "classpath:ssu/published/ri_to_bo.yaml";
    /** What the Registro Imprese sends the gateway ({@code /ssu/ri}). */
    public static final String BO_TO_RI = "classpath:ssu/published/bo_to_ri.yaml";

    private static final Map<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();

    private SsuContracts() {
    }

    /** A schema of a file by JSON pointer ({@code #/components/schemas/X}, or a path's inline request body). */
    public static JsonSchema schema(String file, String pointer) {
        return SCHEMAS.computeIfAbsent(file + pointer, k -> Json.schema(k));
    }

    /** {@code #/components/schemas/<name>} of a file. */
    public static JsonSchema component(String file, String name) {
        return schema(file, "#/components/schemas/" + name);
    }

    /** The inline request body schema of {@code POST <path>} of a file. */
    public static JsonSchema requestBody(String file, String path) {
        return schema(file, "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/post/requestBody/content/application~1json/schema");
    }

    /** fo_to_bo {@code /notify}: exactly one of NotifyMessage, TransferOutcomeNotifyMessage (oneOf). Empty when valid. */
    public static String notifyErrors(JsonNode body) {
        String plain = Json.errors(component(FO_TO_BO, "NotifyMessage"), body);
        String transfer = Json.errors(component(FO_TO_BO, "TransferOutcomeNotifyMessage"), body);
        if (plain.isEmpty() != transfer.isEmpty()) {
            return "";
        }
        return plain.isEmpty() ? "valid against both NotifyMessage and TransferOutcomeNotifyMessage"
                : "NotifyMessage: " + plain + " | TransferOutcomeNotifyMessage: " + transfer;
    }

    /**
     * fo_to_bo {@code /request_correction}. The published RequestCorrectionRequest requires {@code correction_requested}
     * but defines {@code correction_request} (the same slip as {@code progressive}/{@code progressivo}): either is
     * accepted, as the gateway sends both.
     */
    public static String requestCorrectionErrors(JsonNode body) {
        JsonNode checked = body;
        if (body != null && body.path("correction_list").isArray()) {
            ObjectNode copy = body.deepCopy();
            for (JsonNode item : copy.get("correction_list")) {
                if (item.isObject() && !item.has("correction_requested") && item.has("correction_request")) {
                    ((ObjectNode) item).set("correction_requested", item.get("correction_request"));
                }
            }
            checked = copy;
        }
        return Json.errors(component(FO_TO_BO, "RequestCorrectionRequest"), checked);
    }

    /** The text of a correction item, whichever spelling carries it. */
    public static String correctionText(JsonNode item) {
        String t = Json.text(item, "correction_request");
        return t != null ? t : Json.text(item, "correction_requested");
    }

    public static String requestIntegrationErrors(JsonNode body) {
        return Json.errors(component(FO_TO_BO, "RequestIntegrationRequest"), body);
    }

    /** fo_to_bo {@code /retry} (inline schema); the operation is required here, or there would be nothing to retry. */
    public static String foRetryErrors(JsonNode body) {
        String errors = Json.errors(requestBody(FO_TO_BO, "/retry"), body);
        if (errors.isEmpty() && !body.path("operation").isTextual()) {
            return "operation is required";
        }
        if (errors.isEmpty() && !body.path("cui").isObject()) {
            return "cui is required";
        }
        return errors;
    }

    public static String sendInstanceErrors(JsonNode body) {
        return Json.errors(component(BO_TO_FO, "SendInstanceRequest"), body);
    }

    /** bo_to_fo {@code /cancel_instance}: the body is the cui. */
    public static String cuiErrors(JsonNode cui) {
        return Json.errors(component(BO_TO_FO, "cui"), cui);
    }

    public static String instanceDescriptorErrors(JsonNode descriptor) {
        return Json.errors(component(CATALOGO, "InstanceDescriptor"), descriptor);
    }

    public static String updateTimesErrors(JsonNode body) {
        return Json.errors(component(CATALOGO, "UpdateTimesRequest"), body);
    }

    public static String auditErrors(JsonNode body) {
        return Json.errors(component(CATALOGO, "AuditMessage"), body);
    }

    // ------------------------------------------------------------------ enti terzi (et_to_bo / bo_to_et)

    /**
     * Errors of a body against exactly one of the named components of a file (a {@code oneOf}); empty when valid.
     * The message names every alternative's errors, so that a refusal says why.
     */
    public static String exactlyOneOf(String file, JsonNode body, String... components) {
        int valid = 0;
        StringBuilder why = new StringBuilder();
        for (String c : components) {
            String e = Json.errors(component(file, c), body);
            if (e.isEmpty()) {
                valid++;
            } else {
                why.append(why.length() == 0 ? "" : " | ").append(c).append(": ").append(e);
            }
        }
        if (valid == 1) {
            return "";
        }
        return valid == 0 ? why.toString() : "valid against " + valid + " of " + String.join(", ", components);
    }

    /** et_to_bo {@code /send_instance}. */
    public static String etSendInstanceErrors(JsonNode body) {
        return Json.errors(component(ET_TO_BO, "SendInstanceRequest"), body);
    }

    /** et_to_bo {@code /notify}: exactly one of NotifyMessage, CdssNotifyMessage, TransferOutcomeNotifyMessage. */
    public static String etNotifyErrors(JsonNode body) {
        return exactlyOneOf(ET_TO_BO, body, "NotifyMessage", "CdssNotifyMessage", "TransferOutcomeNotifyMessage");
    }

    /** et_to_bo {@code /retry} (inline schema), with {@code cui} and {@code operation} required. */
    public static String etRetryErrors(JsonNode body) {
        return retryErrors(ET_TO_BO, body);
    }

    /** bo_to_et {@code /send_conclusions}: SendConclusionRequests (oneOf of the three conclusions). */
    public static String sendConclusionsErrors(JsonNode body) {
        return exactlyOneOf(BO_TO_ET, body, "NegativeOutcomeRequired", "ConformationRequired", "PositiveOutcome");
    }

    /** bo_to_et {@code /request_integration}. */
    public static String etRequestIntegrationErrors(JsonNode body) {
        return Json.errors(component(BO_TO_ET, "RequestIntegrationRequest"), body);
    }

    /**
     * bo_to_et {@code /request_cdss}: as published the body is the {@code cui}; the maintenance round wraps it as
     * {@code {cui, requester_administration}} (both parts judged by the published {@code cui} and
     * {@code AdministrationSchema}). Either shape is accepted.
     */
    public static String requestCdssErrors(JsonNode body) {
        String bare = Json.errors(component(BO_TO_ET, "cui"), body);
        if (bare.isEmpty()) {
            return "";
        }
        if (body != null && body.isObject() && body.has("cui") && body.has("requester_administration")) {
            String cui = Json.errors(component(BO_TO_ET, "cui"), body.get("cui"));
            String admin = Json.errors(component(BO_TO_ET, "AdministrationSchema"), body.get("requester_administration"));
            if (cui.isEmpty() && admin.isEmpty()) {
                return "";
            }
            return "{cui, requester_administration}: " + (cui + (cui.isEmpty() || admin.isEmpty() ? "" : "; ") + admin);
        }
        return "cui: " + bare;
    }

    /** bo_to_et {@code /retry} (inline schema), with {@code cui} and {@code operation} required. */
    public static String boToEtRetryErrors(JsonNode body) {
        return retryErrors(BO_TO_ET, body);
    }

    /** bo_to_et {@code AdministrationSchema} (e.g. a requester administration). */
    public static String administrationErrors(JsonNode administration) {
        return Json.errors(component(BO_TO_ET, "AdministrationSchema"), administration);
    }

    // ------------------------------------------------------------------ Registro Imprese (ri_to_bo / bo_to_ri)

    /** ri_to_bo {@code /send_instance} (as published it requires {@code instance_status}, which it does not define). */
    public static String riSendInstanceErrors(JsonNode body) {
        return Json.errors(component(RI_TO_BO, "SendInstanceRequest"), body);
    }

    /** ri_to_bo {@code /notify}: exactly one of NotifyMessage, TransferOutcomeNotifyMessage. */
    public static String riNotifyErrors(JsonNode body) {
        return exactlyOneOf(RI_TO_BO, body, "NotifyMessage", "TransferOutcomeNotifyMessage");
    }

    /** bo_to_ri {@code /retry} (inline schema), with {@code cui} and {@code operation} required. */
    public static String boToRiRetryErrors(JsonNode body) {
        return retryErrors(BO_TO_RI, body);
    }

    private static String retryErrors(String file, JsonNode body) {
        String errors = Json.errors(requestBody(file, "/retry"), body);
        if (errors.isEmpty() && !body.path("operation").isTextual()) {
            return "operation is required";
        }
        if (errors.isEmpty() && !body.path("cui").isObject()) {
            return "cui is required";
        }
        return errors;
    }
}
