package it.comune.milano.suapgw.gateway.outbox;

/**
 * The entry's claim is no longer ours (another instance took it over after our lease or heartbeat lapsed): what this
 * attempt booked is rolled back, the other claimant's result stands.
 */
public class LeaseLostException extends RuntimeException {
    public LeaseLostException(OutboxEntry e) {
        super("outbox " + e.id() + " " + e.kind() + ": claim " + e.claimToken() + " no longer held");
    }
}
