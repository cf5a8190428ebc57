package it.comune.milano.suapgw.gateway.osp;

import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.VoceChecklist;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The one place where the outcome of an OSP istanza is decided (docs/osp-workflow.md §7): the decision of a round
 * from its checklist and the enti's latest pareri, the esito that each kind of decision proposes to Geowork, and the
 * decision a funzionario takes instead of the proposed one.
 */
@Component
public class OspOutcome {
    public static final Set<String> TIPI = Set.of(Decisione.CONCESSIONE, Decisione.DINIEGO, Decisione.RICHIESTA_INTEGRAZIONE);

    /** An ente's latest parere, and whether it was given in the round being decided. */
    public record ParereEnte(String ente, String nomeEnte, Esito esito, List<String> prescrizioni, List<String> integrazioni,
                             String motivazione, boolean diQuestoRound) {
    }

    private final OspRules rules;

    public OspOutcome(OspRules rules) {
        this.rules = rules;
    }

    /**
     * Denial if any latest parere is negative or a denial ground of the checklist fails; else integration if an ente
     * of this round asked for one or an integration ground fails; else concession with every prescription.
     */
    public Decisione decide(List<VoceChecklist> checklist, List<ParereEnte> pareri) {
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
            return new Decisione(Decisione.DINIEGO, motivi, List.copyOf(prescrizioni), List.of());
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
            return new Decisione(Decisione.RICHIESTA_INTEGRAZIONE, List.of(), List.copyOf(prescrizioni), List.copyOf(integrazioni));
        }
        return new Decisione(Decisione.CONCESSIONE, List.of(), List.copyOf(prescrizioni), List.of());
    }

    /** The funzionario decided {@code tipo} instead: his decision keeps the reasons the round gathered. */
    public Decisione otherwise(String tipo, Decisione proposed) {
        return new Decisione(tipo, proposed.motivi(), proposed.prescrizioni(), proposed.integrazioni());
    }

    /** The esito a decision proposes to Geowork (an integration request is a conformation). */
    public static Esito esitoOf(String tipo) {
        return switch (tipo) {
            case Decisione.CONCESSIONE -> Esito.POSITIVO;
            case Decisione.DINIEGO -> Esito.NEGATIVO;
            case Decisione.RICHIESTA_INTEGRAZIONE -> Esito.CONFORMAZIONE;
            default -> throw new IllegalArgumentException("no OSP decision " + tipo);
        };
    }

    /** The decision a validated esito stands for. */
    public static String tipoOf(Esito esito) {
        return switch (esito) {
            case POSITIVO -> Decisione.CONCESSIONE;
            case NEGATIVO -> Decisione.DINIEGO;
            case CONFORMAZIONE -> Decisione.RICHIESTA_INTEGRAZIONE;
        };
    }
}
