package it.comune.milano.suapgw.model;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** An ente's answer to a RichiestaParere. */
public record Parere(String replyId, UUID richiestaId, String enteCode, Esito esito, List<String> prescrizioni,
                     String motivazione, String firmatario, OffsetDateTime dataParere) {
}
