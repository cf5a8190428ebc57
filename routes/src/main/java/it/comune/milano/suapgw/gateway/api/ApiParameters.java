package it.comune.milano.suapgw.gateway.api;

import it.comune.milano.suapgw.gateway.security.TrustedHeaders;
import org.apache.camel.Exchange;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/** What the API's routes read from a request: a date parameter, the authenticated operator. */
public final class ApiParameters {
    private ApiParameters() {
    }

    /** The date parameter {@code name} (YYYY-MM-DD), or {@code otherwise} when absent; anything else is a 400. */
    public static LocalDate date(Exchange e, String name, LocalDate otherwise) {
        String v = e.getMessage().getHeader(name, String.class);
        if (v == null || v.isBlank()) return otherwise;
        try {
            return LocalDate.parse(v);
        } catch (DateTimeParseException bad) {
            throw ApiProblem.badRequest(name + " must be a date (YYYY-MM-DD)");
        }
    }

    /** The authenticated operator (Spring Security has checked the token and the role before the route runs). */
    public static String operator(Exchange e) {
        String user = e.getMessage().getHeader(TrustedHeaders.OPERATOR, String.class);
        if (user == null || user.isBlank()) throw new ApiProblem(401, "authentication required");
        return user;
    }
}
