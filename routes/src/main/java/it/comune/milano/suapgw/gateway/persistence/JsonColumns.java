package it.comune.milano.suapgw.gateway.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;

/** Reading and writing the jsonb columns the gateway itself wrote: a failure there is a bug, not bad input. */
public final class JsonColumns {
    private JsonColumns() {
    }

    /** @param value the column as read (text, or a driver object whose toString is the JSON) */
    public static JsonNode read(ObjectMapper json, Object value) {
        try {
            return json.readTree(String.valueOf(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable JSON column: " + e.getMessage(), e);
        }
    }

    public static String write(ObjectMapper json, Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JSON array of strings (null = empty). */
    public static List<String> strings(ObjectMapper json, Object array) {
        List<String> out = new ArrayList<>();
        if (array != null) read(json, array).forEach(n -> out.add(n.asText()));
        return out;
    }
}
