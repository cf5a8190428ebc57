package it.comune.milano.suapgw.gateway.outbox;

import java.time.Instant;
import java.util.UUID;

/**
 * One outbound call waiting to be made (transactional outbox), booked at {@code createdAt}; {@code attempts} is the
 * number of this attempt (earlier real failures + 1), {@code claimToken} the fence its booking must match.
 */
public record OutboxEntry(long id, UUID praticaId, String kind, String payload, int attempts, Instant createdAt,
                          UUID claimToken) {
    public OutboxEntry(long id, UUID praticaId, String kind, String payload, int attempts) {
        this(id, praticaId, kind, payload, attempts, Instant.now(), null);
    }

    /** The key a receiver deduplicates this call by: the same for every attempt and replay of the entry. */
    public String idempotencyKey() {
        return "suapgw-outbox-" + id;
    }
}
