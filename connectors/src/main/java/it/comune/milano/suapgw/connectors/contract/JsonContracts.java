package it.comune.milano.suapgw.connectors.contract;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validation of JSON documents against the contracts in schemas/ (SSU OpenAPI and JSON Schema, our OpenAPI files and
 * message schemas), each schema addressed by location and JSON pointer and compiled once.
 */
public final class JsonContracts {
    /**
     * Draft 7, with the members of an OpenAPI document that a schema addressed inside it passes through declared as
     * annotations: the validator otherwise warned "Unknown keyword openapi/info/paths..." for every document loaded.
     * Any other unknown keyword (a typo in a schema) is still reported, and so is OpenAPI's {@code discriminator},
     * which draft 7 does not apply (declaring it an annotation breaks the validator's oneOf).
     */
    private static final JsonMetaSchema OPENAPI_DRAFT_7 = JsonMetaSchema.builder(JsonMetaSchema.getV7())
            .keywords(java.util.stream.Stream.of("openapi", "info", "servers", "paths", "components", "tags",
                    "externalDocs", "security", "xml", "example", "nullable")
                    .map(NonValidationKeyword::new).toList())
            .build();
    private final JsonSchemaFactory factory = JsonSchemaFactory.builder(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7))
            .metaSchema(OPENAPI_DRAFT_7)
            .build();
    private final SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true)
            .build();
    private final Map<String, JsonSchema> cache = new ConcurrentHashMap<>();

    /**
     * @return one line per violation, naming the JSON path; empty when valid. A property name or string holding a
     * character no store can keep (U+0000, an unpaired surrogate) is a violation, reported before the schema is tried.
     */
    public List<String> validate(String schemaLocation, JsonNode document) {
        List<String> unstorable = unstorable(document);
        if (!unstorable.isEmpty()) return unstorable;
        JsonSchema schema = cache.computeIfAbsent(schemaLocation,
                l -> factory.getSchema(SchemaLocation.of(l), config));
        return schema.validate(document).stream()
                .map(ValidationMessage::getMessage)
                .sorted()
                .toList();
    }

    /**
     * Parses one JSON document as the contracts mean it: a property repeated in an object (which parsers resolve
     * differently) or anything after the document is an error, not ignored. Depth, number and string lengths are
     * bounded by the mapper's stream-read constraints.
     */
    public static JsonNode parse(ObjectMapper json, String text) throws JsonProcessingException {
        return json.reader()
                .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .readTree(text);
    }

    /** The bytes as UTF-8 text; malformed or overlong sequences are an error, never replaced. */
    public static String utf8(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes)).toString();
    }

    /** The paths of the property names and strings holding U+0000 or an unpaired surrogate (at most a few). */
    public static List<String> unstorable(JsonNode document) {
        List<String> out = new ArrayList<>();
        if (document == null) return out;
        Deque<Object[]> todo = new ArrayDeque<>();
        todo.push(new Object[]{document, "$"});
        while (!todo.isEmpty() && out.size() < 5) {
            Object[] next = todo.pop();
            JsonNode n = (JsonNode) next[0];
            String path = (String) next[1];
            if (n.isTextual()) {
                if (!storable(n.textValue())) out.add(path + ": contains U+0000 or an unpaired surrogate, which cannot be stored");
            } else if (n.isObject()) {
                for (Iterator<String> names = n.fieldNames(); names.hasNext(); ) {
                    String name = names.next();
                    if (!storable(name)) {
                        out.add(path + ": a property name contains U+0000 or an unpaired surrogate, which cannot be stored");
                        continue;
                    }
                    todo.push(new Object[]{n.get(name), path + "." + (name.length() > 40 ? name.substring(0, 40) + "..." : name)});
                }
            } else if (n.isArray()) {
                for (int i = n.size() - 1; i >= 0; i--) todo.push(new Object[]{n.get(i), path + "[" + i + "]"});
            }
        }
        return out;
    }

    /** Whether PostgreSQL text and jsonb (and any UTF-8 store) can keep the string as it is. */
    public static boolean storable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) return false;
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return false;
            }
            if (Character.isLowSurrogate(c)) return false;
        }
        return true;
    }
}
