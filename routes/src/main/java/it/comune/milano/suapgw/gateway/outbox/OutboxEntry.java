package it.comune.milano.suapgw.gateway.outbox;

import java.util.UUID;

/** One outbound call waiting to be made (transactional outbox). */
public record OutboxEntry(long id, UUID praticaId, String kind, String payload, int attempts) {
}
