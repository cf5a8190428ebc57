package it.comune.milano.suapgw.connectors.ssu;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validation against the official SSU contracts as published (copies in schemas/ssu, fixes listed in
 * schemas/README.md): each operation's request schema is addressed inside its OpenAPI file by JSON pointer.
 */
public final class SsuSchemas {
    public static final String BO_TO_FO = "classpath:ssu/openapi/bo_to_fo.yaml";
    public static final String FO_TO_BO = "classpath:ssu/openapi/fo_to_bo.yaml";
    public static final String CATALOGO_TO_BO = "classpath:ssu/openapi/catalogo-ssu_to_bo.yaml";

    public static final String SEND_INSTANCE = BO_TO_FO + "#/components/schemas/SendInstanceRequest";
    public static final String NOTIFY_RECEIPT = BO_TO_FO + "#/paths/~1notify_receipt/post/requestBody/content/application~1json/schema";
    public static final String BO_RETRY = BO_TO_FO + "#/paths/~1retry/post/requestBody/content/application~1json/schema";
    public static final String INSTANCE_DESCRIPTOR = CATALOGO_TO_BO + "#/components/schemas/InstanceDescriptor";
    public static final String AUDIT_RESPONSE = CATALOGO_TO_BO + "#/components/schemas/AuditResponse";

    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
    private final SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true)
            .build();
    private final Map<String, JsonSchema> cache = new ConcurrentHashMap<>();

    /** @return one line per violation, naming the JSON path; empty when valid */
    public List<String> validate(String schemaLocation, JsonNode document) {
        JsonSchema schema = cache.computeIfAbsent(schemaLocation,
                l -> factory.getSchema(SchemaLocation.of(l), config));
        return schema.validate(document).stream()
                .map(ValidationMessage::getMessage)
                .sorted()
                .toList();
    }
}
