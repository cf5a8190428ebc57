package it.comune.milano.suapgw.gateway.osp;

import java.util.List;

/**
 * The decision of a round of an OSP istanza (docs/osp-workflow.md §7), as {@link OspOutcome} takes it: denial,
 * integration or concession, with the reasons, the merged integration list and the merged prescriptions.
 */
public record Decisione(String tipo, List<String> motivi, List<String> prescrizioni, List<String> integrazioni) {
    public static final String RICHIESTA_INTEGRAZIONE = "RICHIESTA_INTEGRAZIONE";
    public static final String CONCESSIONE = "CONCESSIONE";
    public static final String DINIEGO = "DINIEGO";
}
