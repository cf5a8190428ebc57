package it.comune.milano.suapgw.gateway.termini;

import it.comune.milano.suapgw.model.StatoPratica;
import it.comune.milano.suapgw.model.TerminiIstanza.Tipo;

import java.util.UUID;

/**
 * What a flow does when a term of its runs out, given the pratica's state (caller's transaction, pratica locked).
 * One handler per kind of term.
 */
public interface ScadenzaHandler {
    Tipo tipo();

    void onScadenza(UUID praticaId, StatoPratica state);
}
