package it.comune.milano.suapgw.model;

import java.time.LocalDate;
import java.util.Map;

/**
 * The terms of an instance (the SSU {@code times}): a start date and, per kind of term, its length in days counted
 * from the start. A kind missing from {@code giorni} does not apply to the instance.
 */
public record TerminiIstanza(LocalDate start, Map<Tipo, Integer> giorni) {
    /** The kinds of term of the SSU specification (times-schema.yaml), each with its field name. */
    public enum Tipo {
        PROCEDIMENTO("max_gg_proc"), CORREZIONE("max_gg_correction"), AMMISSIBILITA("max_gg_admissibility"),
        RICHIESTA_INTEGRAZIONI("max_gg_int_req"), INTEGRAZIONE("max_gg_int_resp"), CONCLUSIONI("max_gg_concl_send"),
        CDSS("max_gg_cdss_req");

        private final String field;

        Tipo(String field) {
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    public TerminiIstanza {
        giorni = Map.copyOf(giorni);
    }
}
