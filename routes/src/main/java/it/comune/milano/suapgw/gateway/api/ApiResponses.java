package it.comune.milano.suapgw.gateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.springframework.http.HttpStatus;

/** The two shapes of the gateway's own API answers: JSON, or RFC 9457 {@code application/problem+json}. */
public final class ApiResponses {
    public static final String PROBLEM_JSON = "application/problem+json";

    private ApiResponses() {
    }

    public static void json(Exchange e, ObjectMapper json, Object value) throws JsonProcessingException {
        e.getMessage().getHeaders().clear();
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        e.getMessage().setBody(json.writeValueAsString(value));
    }

    public static void problem(Exchange e, ObjectMapper json, ApiProblem p) throws JsonProcessingException {
        HttpStatus s = HttpStatus.resolve(p.status());
        ObjectNode body = json.createObjectNode()
                .put("type", "about:blank")
                .put("title", s == null ? "Error" : s.getReasonPhrase())
                .put("status", p.status())
                .put("detail", p.getMessage());
        e.getMessage().getHeaders().clear();
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, p.status());
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, PROBLEM_JSON);
        e.getMessage().setBody(json.writeValueAsString(body));
    }
}
