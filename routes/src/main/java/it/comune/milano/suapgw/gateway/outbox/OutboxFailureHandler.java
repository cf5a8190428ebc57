package it.comune.milano.suapgw.gateway.outbox;

/**
 * A flow that takes over a failed call before the generic retry policy, e.g. a document whose content keeps not
 * matching its hash ends in the SSU data-inconsistency path rather than in a dead letter.
 */
public interface OutboxFailureHandler {
    /** @return true when the failure was handled (the entry is then done) */
    boolean handle(OutboxEntry entry, Exception cause, String error);
}
