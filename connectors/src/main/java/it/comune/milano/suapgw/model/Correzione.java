package it.comune.milano.suapgw.model;

/** A correction the formal check asks of the applicant: the proceeding, the element of the instance, what to correct. */
public record Correzione(String codice, String riferimento, String testo) {
}
