package it.comune.milano.suapgw.model;

import java.time.LocalDate;
import java.util.UUID;

/** One request for a parere to one ente in one round. */
public record RichiestaParere(UUID id, UUID praticaId, String enteCode, int round, LocalDate deadline) {
}
