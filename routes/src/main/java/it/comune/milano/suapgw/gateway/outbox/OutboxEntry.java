package it.comune.milano.suapgw.gateway.outbox;

import java.time.Instant;
import java.util.UUID;

/** One outbound call waiting to be made (transactional outbox), booked at {@code createdAt}. */
public record OutboxEntry(long id, UUID praticaId, String kind, String payload, int attempts, Instant createdAt) {
    public OutboxEntry(long id, UUID praticaId, String kind, String payload, int attempts) {
        this(id, praticaId, kind, payload, attempts, Instant.now());
    }
}
