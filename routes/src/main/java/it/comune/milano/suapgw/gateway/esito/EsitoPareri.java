package it.comune.milano.suapgw.gateway.esito;

import it.comune.milano.suapgw.model.Esito;

/** The outcome the enti's pareri point to, where no channel rule says otherwise. */
public final class EsitoPareri {
    private EsitoPareri() {
    }

    /** All positive gives positive; any negative gives negative; otherwise conformation (with prescriptions). */
    public static Esito combine(Iterable<Esito> pareri) {
        boolean conformazione = false;
        for (Esito e : pareri) {
            if (e == Esito.NEGATIVO) return Esito.NEGATIVO;
            if (e == Esito.CONFORMAZIONE) conformazione = true;
        }
        return conformazione ? Esito.CONFORMAZIONE : Esito.POSITIVO;
    }
}
