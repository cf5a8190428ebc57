package it.comune.milano.suapgw.model;

/** Outcome of a parere and of a pratica. */
public enum Esito {
    POSITIVO, NEGATIVO, CONFORMAZIONE;

    /** All positive gives positive; any negative gives negative; otherwise conformation (with prescriptions). */
    public static Esito combine(Iterable<Esito> pareri) {
        boolean conformazione = false;
        for (Esito e : pareri) {
            if (e == NEGATIVO) return NEGATIVO;
            if (e == CONFORMAZIONE) conformazione = true;
        }
        return conformazione ? CONFORMAZIONE : POSITIVO;
    }

    public StatoPratica finalState() {
        return switch (this) {
            case POSITIVO -> StatoPratica.ENDED_BY_POSITIVE_OUTCOME;
            case NEGATIVO -> StatoPratica.ENDED_BY_NEGATIVE_OUTCOME;
            case CONFORMAZIONE -> StatoPratica.ENDED_BY_CONFORMATION_REQUESTED;
        };
    }
}
