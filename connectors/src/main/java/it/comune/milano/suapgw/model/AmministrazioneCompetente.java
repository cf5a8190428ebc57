package it.comune.milano.suapgw.model;

/** competent_administration of a usecase proceeding (IPA code + office code). */
public record AmministrazioneCompetente(String ipaCode, String officeCode, String description, String proceedingCode) {
}
