package it.comune.milano.suapgw.gateway.channel;

import it.comune.milano.suapgw.gateway.lifecycle.Lifecycle;
import it.comune.milano.suapgw.gateway.persistence.PareriRepository.UltimoParere;
import it.comune.milano.suapgw.model.Canale;
import it.comune.milano.suapgw.model.Ente;
import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.StatoPratica;
import it.comune.milano.suapgw.model.VoceChecklist;

import java.util.List;
import java.util.UUID;

/**
 * What differs between the channels a pratica can arrive on (SSU, scrivania, GEOPOST — and room for more). The
 * generic core (intake → documents → istruttoria → pareri → proposal → validation → release) asks the pratica's
 * channel through this interface and never names a channel itself. Every method runs inside the caller's
 * transaction, with the pratica locked.
 */
public interface ChannelPolicy {

    Canale canale();

    /** Whether, once every document is verified, the pratica has all the istruttoria needs (SSU: the descriptor too). */
    boolean readyForIstruttoria(UUID id);

    /**
     * Every document of the instance is in hand, the pratica being in {@code state} (PRESENTED, CORRECTED or
     * INTEGRATED): SSU audits that the (corrected, integrated) instance was retrieved.
     */
    default void onDocumentsRetrieved(UUID id, StatoPratica state) {
    }

    /** The enti to consult in the first round; unknown administrations are put on the timeline, not consulted. */
    List<Ente> competentEnti(UUID id);

    /**
     * The enti to consult again after the applicant's integration, each with the parere it follows: by default those
     * whose latest parere was a conformation.
     */
    default List<UltimoParere> entiToReconsult(UUID id, int round, List<UltimoParere> latest) {
        return latest.stream().filter(p -> p.esito() == Esito.CONFORMAZIONE).toList();
    }

    /** The pre-istruttoria checklist handed to Geowork, given how many documents were verified. */
    default List<VoceChecklist> checklist(UUID id, int verifiedDocuments) {
        return List.of(
                new VoceChecklist("DOCUMENTI_INTEGRI", "Documents fetched and hash-verified", "PASS", verifiedDocuments + " documents"),
                new VoceChecklist("ALLEGATO_1", "Pre-istruttoria checks (Allegato 1)", "DA_VERIFICARE",
                        "automatic checks not configured for this procedure"));
    }

    /** Whether the enti's requests carry the checklist (only where the channel ran a pre-istruttoria of its own). */
    default boolean checklistInParereRequest() {
        return false;
    }

    /**
     * Whether documents verified lead first to the operator's preliminary checks (formal check, admissibility) before
     * any ente is consulted (SSU), rather than straight to the istruttoria.
     */
    default boolean preliminaryChecks() {
        return false;
    }

    /**
     * Whether the enti's integration requests of the first round are gathered and sent to the applicant as one
     * request before any outcome (SSU), rather than being pareri like any other.
     */
    default boolean gathersIntegrations() {
        return false;
    }

    /**
     * The outcome to propose to the funzionario once every ente has answered, or null when none is to be proposed
     * yet (a SCIA nobody objects to ends by its proceeding time, not by a decision).
     */
    Esito proposeOutcome(UUID id, List<UltimoParere> latest);

    /** The lifecycle event of the funzionario validating {@code esito} on this channel. */
    default Lifecycle.Evento validationEvent(UUID id, Esito esito) {
        return Lifecycle.validated(esito, false);
    }

    /** The funzionario validated: answer the applicant on this channel (outbox entries). */
    void release(UUID id, StatoPratica next, Esito esito, String funzionario, String testo);

    /**
     * The pratica reached {@code state} without a decision to release (refused, withdrawn, expired terms): tell whom
     * the channel must tell. Nothing by default.
     */
    default void announce(UUID id, StatoPratica state) {
    }
}
