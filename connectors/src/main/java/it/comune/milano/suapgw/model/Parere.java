package it.comune.milano.suapgw.model;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * An ente's answer to a RichiestaParere. A conformation is a reservation: {@code prescrizioni} to respect and/or
 * {@code integrazioni} the ente needs before it can decide.
 */
public record Parere(String replyId, UUID richiestaId, String enteCode, Esito esito, List<String> prescrizioni,
                     String motivazione, String firmatario, OffsetDateTime dataParere, List<String> integrazioni) {
    public Parere {
        prescrizioni = prescrizioni == null ? List.of() : List.copyOf(prescrizioni);
        integrazioni = integrazioni == null ? List.of() : List.copyOf(integrazioni);
    }
}
