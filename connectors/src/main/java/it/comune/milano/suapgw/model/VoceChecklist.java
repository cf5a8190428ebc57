package it.comune.milano.suapgw.model;

/** One item of the pre-istruttoria checklist (Allegato 1): PASS / FAIL / WARN / UNAVAILABLE / DA_VERIFICARE. */
public record VoceChecklist(String codice, String descrizione, String esito, String evidenza) {
}
