package it.comune.milano.suapgw.gateway.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.gateway.security.TrustedHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.stereotype.Component;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The console is one more client of the operator API: each page calls the API's own routes in process, as the logged-in
 * operator with the roles of their session, so that what a page shows and what it may change are exactly what the API
 * shows and allows that operator (data minimisation, validation rules, admin-only replays).
 */
@Component
public class ConsoleApi {
    public record Answer(int status, Object body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The problem's detail of a refusal, for the page. */
        @SuppressWarnings("unchecked")
        public String detail() {
            return body instanceof Map<?, ?> m && m.get("detail") != null ? String.valueOf(m.get("detail")) : "richiesta non eseguita";
        }
    }

    private final ProducerTemplate camel;
    private final ObjectMapper json;

    public ConsoleApi(ProducerTemplate camel, ObjectMapper json) {
        this.camel = camel;
        this.json = json;
    }

    /** Calls the API route {@code direct:<route>} with the path and query parameters as headers. */
    public Answer call(String route, Authentication who, Map<String, Object> parameters, String body) {
        Map<String, Object> headers = new HashMap<>(parameters);
        headers.put(TrustedHeaders.OPERATOR, who.getName());
        headers.put(TrustedHeaders.ROLES, who.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                .filter(a -> a.startsWith("ROLE_")).map(a -> a.substring(5)).collect(Collectors.joining(",")));
        Exchange out = camel.request("direct:" + route, e -> {
            e.getMessage().setHeaders(headers);
            e.getMessage().setBody(body);
        });
        if (out.getException() != null) throw new IllegalStateException("API route " + route + " failed", out.getException());
        Integer status = out.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String text = out.getMessage().getBody(String.class);
        Object parsed;
        try {
            parsed = text == null || text.isBlank() ? null : json.readValue(text, Object.class);
        } catch (Exception notJson) {
            parsed = text;
        }
        return new Answer(status == null ? 200 : status, parsed);
    }

    public Answer get(String route, Authentication who, Map<String, Object> parameters) {
        return call(route, who, parameters, null);
    }
}
