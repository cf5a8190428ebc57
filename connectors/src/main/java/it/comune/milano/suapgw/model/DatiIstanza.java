package it.comune.milano.suapgw.model;

import java.util.List;

/**
 * What the gateway keeps of an instance descriptor, in canonical terms; {@code termini} are the procedure's terms
 * (null when the descriptor sets none).
 */
public record DatiIstanza(String procedureCode, String procedureVersion, String regime, String municipality,
                          String applicantCf, List<AmministrazioneCompetente> competentAdministrations,
                          List<DocumentoAtteso> descriptorDocuments, TerminiIstanza termini) {
}
