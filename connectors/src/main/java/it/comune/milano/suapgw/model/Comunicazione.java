package it.comune.milano.suapgw.model;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A communication to an OSP applicant as the funzionario validated it: the act that GEOPOST, Geowork and the register
 * systems receive. {@code numeroConcessione} is set once OSAPI has registered a concession.
 */
public record Comunicazione(UUID id, String tipo, String testo, List<String> motivi, List<String> prescrizioni,
                            List<String> integrazioni, String numeroConcessione, String validataDa,
                            OffsetDateTime validataIl) {
    public Comunicazione {
        motivi = motivi == null ? List.of() : List.copyOf(motivi);
        prescrizioni = prescrizioni == null ? List.of() : List.copyOf(prescrizioni);
        integrazioni = integrazioni == null ? List.of() : List.copyOf(integrazioni);
    }
}
