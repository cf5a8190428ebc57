package it.comune.milano.suapgw.connectors.scrivania;

import java.time.LocalDate;
import java.util.List;

/**
 * The canonical view of a cooperation message of the scrivania and of the pratica it carries. Fields of the
 * riepilogo are null when the message carries none (integrations, communications).
 */
public record PraticaScrivania(String codicePratica, String tipoCooperazione, String oggettoComunicazione,
                               String testoComunicazione, int progressivo, Protocollo protocollo,
                               Protocollo protocolloPraticaSuap, String protocolloRi, String suapCompetente,
                               String identificativoSuap, String oggettoPratica, String tipoProcedimento,
                               String tipoIntervento, String soggetto, String codiceFiscale, String denominazione,
                               String dichiarante, String qualificaDichiarante, String indirizzoImpianto,
                               String comuneCatastale, List<Modulo> moduli) {

    public record Protocollo(String codiceAmministrazione, String codiceAoo, String numero, LocalDate data) {
        /** Identifies one message of the scrivania together with codice pratica and progressivo. */
        public String key() {
            return codiceAmministrazione + "/" + codiceAoo + "/" + numero + "/" + data;
        }
    }

    public record Modulo(String nome, String cod, List<EnteCoinvolto> enti) {
    }

    public record EnteCoinvolto(String nome, String codiceAmministrazione, String codiceAoo, String pec) {
    }

    /** The main adempimento is always the first modulo: its code names the procedure. */
    public String procedura() {
        if (moduli == null || moduli.isEmpty()) return null;
        Modulo m = moduli.get(0);
        return m.cod() != null && !m.cod().isBlank() ? m.cod() : m.nome();
    }

    /** The regime in the vocabulary of the canonical model (and of the pareri messages). */
    public String regime() {
        if (tipoProcedimento == null) return null;
        return switch (tipoProcedimento) {
            case "SCIA" -> "SCIA";
            case "silenzio-assenso" -> "SILENZIO-ASSENSO";
            case "ordinario" -> "AUTORIZZAZIONE";
            case "comunicazione" -> "COMUNICAZIONE";
            default -> null;
        };
    }
}
