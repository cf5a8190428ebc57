package it.comune.milano.suapgw.gateway.common;

import java.util.List;

/**
 * A message the gateway was about to send violates its contract: a bug of ours, never a peer's fault. It is not
 * sent, not retried: a dead letter and an error in the log.
 */
public class ContractViolationException extends RuntimeException {
    public ContractViolationException(String schema, List<String> errors) {
        super("outgoing message violates " + schema + ": " + String.join("; ", errors));
    }
}
