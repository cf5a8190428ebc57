package it.comune.milano.suapgw.model;

/** Outcome of a parere and of a pratica. */
public enum Esito {
    POSITIVO, NEGATIVO, CONFORMAZIONE
}
