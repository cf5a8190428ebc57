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
}
