package it.comune.milano.suapgw.gateway.availability;

import it.comune.milano.suapgw.connectors.ssu.SsuErrorCode;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * In front of everything (security included): while the routes are not all up — starting, or stopping — a request is
 * answered here in its surface's format instead of reaching nothing (Spring's plain 404): the SSU e-services
 * {@code 503 ERROR_503_001} (the front-office retries, §8.5.4), the SOAP services a SOAP 1.1 Server fault, anything
 * else a 503 problem detail. The actuator (health probes, metrics) is always served.
 */
public class ReadinessGate extends OncePerRequestFilter {
    static final String RETRY_AFTER_SECONDS = "5";
    static final String DETAIL = "the gateway is starting or stopping";
    static final String SOAP_FAULT = """
            <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>\
            <faultcode>soap:Server</faultcode><faultstring>service unavailable</faultstring>\
            </soap:Fault></soap:Body></soap:Envelope>""";

    /** How an SSU error is written on an e-service (signed like every answer of ours). */
    public interface SsuErrors {
        void write(HttpServletRequest request, HttpServletResponse response, SsuErrorCode code, String detail) throws IOException;
    }

    private final BooleanSupplier open;
    private final SsuErrors ssu;

    public ReadinessGate(BooleanSupplier open, SsuErrors ssu) {
        this.open = open;
        this.ssu = ssu;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (open.getAsBoolean() || path.startsWith("/actuator/")) {
            chain.doFilter(request, response);
            return;
        }
        response.setHeader("Retry-After", RETRY_AFTER_SECONDS);
        response.setHeader("Connection", "close");
        if (path.startsWith("/ssu/")) {
            ssu.write(request, response, SsuErrorCode.ERROR_503_001, DETAIL);
        } else if (path.startsWith("/services/")) {
            // SOAP 1.1 over HTTP: a fault travels with 500 (WS-I Basic Profile R1126)
            write(response, 500, "text/xml; charset=utf-8", SOAP_FAULT);
        } else {
            write(response, 503, "application/problem+json", "{\"type\":\"about:blank\",\"title\":\"Service Unavailable\","
                    + "\"status\":503,\"detail\":\"" + DETAIL + "\"}");
        }
    }

    private static void write(HttpServletResponse response, int status, String contentType, String body) throws IOException {
        response.setStatus(status);
        response.setContentType(contentType);
        response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }
}
