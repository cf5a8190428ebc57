package it.comune.milano.suapgw.gateway.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.gateway.common.ContractViolationException;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * The SSU retransmission policy (§8.5.4) for calls to the SSU's components (front-office, Catalogo, enti terzi,
 * Registro Imprese): only a timeout,
 * a {@code 503} or a {@code 500} whose body says {@code ERROR_500_007} is retried, at T+2h, T+4h, T+8h from the first
 * failure T; then the peer is in outage (§8.5.5). Any other answer is the peer refusing the call: retrying it would
 * only repeat the refusal, so it is a dead letter at once. Calls to the other systems keep the generic backoff.
 */
@Component
public class RetransmissionPolicy {
    /** the systems of {@link OutboxKind#system()} the SSU policy governs */
    static final Set<String> SSU_PEERS = Set.of("FRONTOFFICE", "CATALOGO", "ENTE_SSU", "REGISTRO_IMPRESE");

    public enum Verdict {
        /** an outage of the peer: retried by the SSU schedule */
        OUTAGE,
        /** the peer refused the call, or ours violates the contract: never retried */
        REFUSED,
        /** anything else (e.g. our own database): the generic backoff */
        OTHER
    }

    private final ObjectMapper json;
    private final Duration unit;
    private final int retries;

    public RetransmissionPolicy(ObjectMapper json, GatewayProperties props) {
        this.json = json;
        GatewayProperties.Ssu cfg = props.ssu();
        this.unit = cfg == null || cfg.retryUnit() == null ? Duration.ofHours(2) : cfg.retryUnit();
        this.retries = cfg == null ? 3 : cfg.retries();
    }

    public boolean governs(OutboxKind kind) {
        return SSU_PEERS.contains(kind.system());
    }

    public Verdict classify(Throwable failure) {
        if (failure instanceof ContractViolationException) return Verdict.REFUSED;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpOperationFailedException h) {
                if (h.getStatusCode() == 503) return Verdict.OUTAGE;
                if (h.getStatusCode() == 500 && "ERROR_500_007".equals(code(h.getResponseBody()))) return Verdict.OUTAGE;
                return Verdict.REFUSED;
            }
            if (t instanceof IOException || t instanceof TimeoutException) return Verdict.OUTAGE;
        }
        return Verdict.OTHER;
    }

    /**
     * When the next retransmission is due after the given failed attempt (1 = the first call), counted from the first
     * failure; empty once the retries are spent.
     */
    public java.util.Optional<Instant> nextAttempt(Instant firstFailure, int failedAttempt) {
        if (failedAttempt > retries) return java.util.Optional.empty();
        return java.util.Optional.of(firstFailure.plus(unit.multipliedBy(1L << (failedAttempt - 1))));
    }

    public int retries() {
        return retries;
    }

    /** What the peer answered, for the dead letter: its error code and message when it used the SSU format. */
    public static String peerAnswer(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpOperationFailedException h) {
                String body = h.getResponseBody();
                return "HTTP " + h.getStatusCode() + (body == null || body.isBlank() ? ""
                        : ": " + (body.length() > 1000 ? body.substring(0, 1000) : body));
            }
        }
        return null;
    }

    private String code(String body) {
        if (body == null || body.isBlank()) return null;
        try {
            JsonNode n = json.readTree(body);
            return n.path("code").asText(null);
        } catch (IOException notJson) {
            return null;
        }
    }
}
