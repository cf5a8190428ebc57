package it.comune.milano.suapgw.gateway.verifica;

import it.comune.milano.suapgw.gateway.termini.ScadenzaHandler;
import it.comune.milano.suapgw.model.StatoPratica;
import it.comune.milano.suapgw.model.TerminiIstanza;
import org.springframework.stereotype.Component;

import java.util.UUID;

/** The terms of the preliminary checks: the formal check's ({@code max_gg_correction}) and admissibility's. */
final class VerificaTermini {
    private VerificaTermini() {
    }

    @Component
    static class Correzione implements ScadenzaHandler {
        private final VerificaService verifica;

        Correzione(VerificaService verifica) {
            this.verifica = verifica;
        }

        @Override
        public TerminiIstanza.Tipo tipo() {
            return TerminiIstanza.Tipo.CORREZIONE;
        }

        @Override
        public void onScadenza(UUID id, StatoPratica state) {
            if (state == StatoPratica.FORMAL_CHECK) verifica.formalCheckDeemedPassed(id);
        }
    }

    @Component
    static class Ammissibilita implements ScadenzaHandler {
        private final VerificaService verifica;

        Ammissibilita(VerificaService verifica) {
            this.verifica = verifica;
        }

        @Override
        public TerminiIstanza.Tipo tipo() {
            return TerminiIstanza.Tipo.AMMISSIBILITA;
        }

        @Override
        public void onScadenza(UUID id, StatoPratica state) {
            verifica.admissibilityTermExpired(id, state);
        }
    }
}
