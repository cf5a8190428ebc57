package it.comune.milano.suapgw.connectors.contract;

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
 * Validation of JSON documents against the contracts in schemas/ (SSU OpenAPI and JSON Schema, our OpenAPI files and
 * message schemas), each schema addressed by location and JSON pointer and compiled once.
 */
public final class JsonContracts {
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
