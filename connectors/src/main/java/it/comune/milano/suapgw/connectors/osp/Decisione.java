package it.comune.milano.suapgw.connectors.osp;

import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.VoceChecklist;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The outcome of a round (docs/osp-workflow.md §7): denial, integration or concession, with the reasons, the
 * merged integration list and the merged prescriptions.
 */
public record Decisione(String tipo, List<String> motivi, List<String> prescrizioni, List<String> integrazioni) {
    public static final String RICHIESTA_INTEGRAZIONE = "RICHIESTA_INTEGRAZIONE";
    public static final String CONCESSIONE = "CONCESSIONE";
    public static final String DINIEGO = "DINIEGO";

    /** An ente's latest parere, and whether it was given in the round being decided. */
    public record ParereEnte(String ente, String nomeEnte, Esito esito, List<String> prescrizioni, List<String> integrazioni,
                             String motivazione, boolean diQuestoRound) {
    }

    public static Decisione of(List<VoceChecklist> checklist, List<ParereEnte> pareri, OspRules rules) {
        List<String> motivi = new ArrayList<>();
        for (ParereEnte p : pareri) {
            if (p.esito() == Esito.NEGATIVO) {
                motivi.add("parere contrario di " + p.nomeEnte() + (p.motivazione() == null ? "" : ": " + p.motivazione()));
            }
        }
        for (VoceChecklist v : checklist) {
            if (Checklist.FAIL.equals(v.esito()) && rules.motiviDiniego().contains(v.codice())) {
                motivi.add(v.descrizione() + ": " + v.evidenza());
            }
        }
        Set<String> prescrizioni = new LinkedHashSet<>();
        pareri.forEach(p -> p.prescrizioni().forEach(x -> prescrizioni.add(p.nomeEnte() + ": " + x)));
        if (!motivi.isEmpty()) {
            return new Decisione(DINIEGO, motivi, List.copyOf(prescrizioni), List.of());
        }
        Set<String> integrazioni = new LinkedHashSet<>();
        for (ParereEnte p : pareri) {
            if (p.diQuestoRound()) p.integrazioni().forEach(x -> integrazioni.add(p.nomeEnte() + ": " + x));
        }
        for (VoceChecklist v : checklist) {
            if (Checklist.FAIL.equals(v.esito()) && rules.motiviIntegrazione().contains(v.codice())) {
                integrazioni.add(v.descrizione() + ": " + v.evidenza());
            }
        }
        if (!integrazioni.isEmpty()) {
            return new Decisione(RICHIESTA_INTEGRAZIONE, List.of(), List.copyOf(prescrizioni), List.copyOf(integrazioni));
        }
        return new Decisione(CONCESSIONE, List.of(), List.copyOf(prescrizioni), List.of());
    }

    /** The esito proposed to Geowork for this decision. */
    public Esito esito() {
        return switch (tipo) {
            case CONCESSIONE -> Esito.POSITIVO;
            case DINIEGO -> Esito.NEGATIVO;
            default -> Esito.CONFORMAZIONE;
        };
    }

    public static String tipoOf(Esito esito) {
        return switch (esito) {
            case POSITIVO -> CONCESSIONE;
            case NEGATIVO -> DINIEGO;
            case CONFORMAZIONE -> RICHIESTA_INTEGRAZIONE;
        };
    }
}
