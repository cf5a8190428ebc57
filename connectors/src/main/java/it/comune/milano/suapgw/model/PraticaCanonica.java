package it.comune.milano.suapgw.model;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** The canonical pratica as handed to back-office and enti connectors. */
public record PraticaCanonica(UUID id, String cuiUuid, Canale canale, String procedureCode, String procedureVersion,
                              String regime, String municipality, String applicantCf, OffsetDateTime presentedAt,
                              List<DocumentoVerificato> documenti, List<Ente> enti, List<VoceChecklist> checklist) {
}
