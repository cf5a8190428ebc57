package it.comune.milano.suapgw.gateway.lifecycle;

import it.comune.milano.suapgw.gateway.esito.EsitoPareri;
import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.StatoPratica;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LifecycleTest {
    @Test
    void followsTheSsuPathToEachOutcome() {
        StatoPratica s = Lifecycle.next(StatoPratica.PRESENTED, Lifecycle.Evento.DOCUMENTS_VERIFIED);
        s = Lifecycle.next(s, Lifecycle.Evento.ALL_PARERI_RECEIVED);
        assertThat(s).isEqualTo(StatoPratica.OUTCOME_PROPOSED);
        assertThat(s.ssuState()).isEqualTo("presented");
        Map<Esito, StatoPratica> ends = Map.of(Esito.POSITIVO, StatoPratica.ENDED_BY_POSITIVE_OUTCOME,
                Esito.NEGATIVO, StatoPratica.ENDED_BY_NEGATIVE_OUTCOME,
                Esito.CONFORMAZIONE, StatoPratica.ENDED_BY_CONFORMATION_REQUESTED);
        for (Esito e : Esito.values()) {
            StatoPratica end = Lifecycle.next(s, Lifecycle.validated(e, true));
            assertThat(end).isEqualTo(ends.get(e));
            assertThat(end.isFinal()).isTrue();
            assertThat(end.ssuState()).startsWith("ended_by_");
        }
    }

    @Test
    void whereAConformationDoesNotEndThePraticaItAsksForAnIntegrationAndTheEntiAreConsultedAgain() {
        StatoPratica s = Lifecycle.next(StatoPratica.OUTCOME_PROPOSED, Lifecycle.validated(Esito.CONFORMAZIONE, false));
        assertThat(s).isEqualTo(StatoPratica.INTEGRATION_REQUESTED);
        assertThat(s.isFinal()).isFalse();
        s = Lifecycle.next(s, Lifecycle.Evento.INTEGRATION_RECEIVED);
        assertThat(s).isEqualTo(StatoPratica.INTEGRATED);
        s = Lifecycle.next(s, Lifecycle.Evento.DOCUMENTS_VERIFIED);
        assertThat(s).isEqualTo(StatoPratica.IN_ISTRUTTORIA);
        assertThat(Lifecycle.next(StatoPratica.OUTCOME_PROPOSED, Lifecycle.validated(Esito.POSITIVO, false)))
                .isEqualTo(StatoPratica.ENDED_BY_POSITIVE_OUTCOME);
        assertThat(Lifecycle.accepts(StatoPratica.IN_ISTRUTTORIA, Lifecycle.Evento.INTEGRATION_RECEIVED)).isFalse();
    }

    /** The SSU sequence diagrams (§8.4): formal check with corrections, admissibility, the enti's integration, the ends. */
    @Test
    void theSsuPreliminaryChecksCorrectionsAndRefusal() {
        StatoPratica s = Lifecycle.next(StatoPratica.PRESENTED, Lifecycle.Evento.FORMAL_CHECK_DUE);
        assertThat(s).isEqualTo(StatoPratica.FORMAL_CHECK);
        assertThat(Lifecycle.next(s, Lifecycle.Evento.FORMAL_CHECK_PASSED)).isEqualTo(StatoPratica.ADMISSIBILITY_CHECK);
        s = Lifecycle.next(s, Lifecycle.Evento.CORRECTION_REQUESTED);
        assertThat(s).isEqualTo(StatoPratica.CORRECTION_REQUESTED);
        assertThat(Lifecycle.next(s, Lifecycle.Evento.INADMISSIBLE)).isEqualTo(StatoPratica.REFUSED);
        s = Lifecycle.next(s, Lifecycle.Evento.CORRECTED_INSTANCE_RECEIVED);
        assertThat(s).isEqualTo(StatoPratica.CORRECTED);
        s = Lifecycle.next(s, Lifecycle.Evento.DOCUMENTS_VERIFIED);
        assertThat(s).isEqualTo(StatoPratica.ADMISSIBILITY_CHECK);
        assertThat(Lifecycle.next(s, Lifecycle.Evento.INADMISSIBLE)).isEqualTo(StatoPratica.REFUSED);
        assertThat(StatoPratica.REFUSED.isFinal()).isTrue();
        assertThat(Lifecycle.next(s, Lifecycle.Evento.ADMISSIBLE)).isEqualTo(StatoPratica.IN_ISTRUTTORIA);
        // corrections are asked once: a corrected instance is not sent back to the formal check
        assertThat(Lifecycle.accepts(StatoPratica.CORRECTED, Lifecycle.Evento.CORRECTION_REQUESTED)).isFalse();
    }

    @Test
    void theSsuIntegrationSuspendsTheProcedureAndEndsItWhenNotDelivered() {
        StatoPratica s = Lifecycle.next(StatoPratica.IN_ISTRUTTORIA, Lifecycle.Evento.INTEGRATION_REQUEST_SENT);
        assertThat(s).isEqualTo(StatoPratica.INTEGRATION_REQUESTED);
        assertThat(Lifecycle.next(s, Lifecycle.Evento.INTEGRATION_TIME_EXPIRED)).isEqualTo(StatoPratica.ENDED_BY_INTEGRATION_TIMES_EXPIRED);
        assertThat(Lifecycle.accepts(s, Lifecycle.Evento.PROCEEDING_TIME_EXPIRED)).as("suspended").isFalse();
        for (StatoPratica open : List.of(StatoPratica.IN_ISTRUTTORIA, StatoPratica.OUTCOME_PROPOSED)) {
            assertThat(Lifecycle.next(open, Lifecycle.Evento.PROCEEDING_TIME_EXPIRED)).isEqualTo(StatoPratica.ENDED_BY_PROCEEDING_TIME_EXPIRED);
            assertThat(Lifecycle.next(open, Lifecycle.Evento.SILENCE_ASSENT)).isEqualTo(StatoPratica.ENDED_BY_POSITIVE_OUTCOME);
        }
        assertThat(Lifecycle.next(StatoPratica.OUTCOME_PROPOSED, Lifecycle.Evento.VALIDATED_SUSPENSION))
                .isEqualTo(StatoPratica.ENDED_BY_SUSPENSION_REQUESTED);
    }

    /** The applicant may withdraw at any moment until the pratica ends. */
    @ParameterizedTest
    @EnumSource(StatoPratica.class)
    void theSubmitterMayCancelEveryOpenPratica(StatoPratica state) {
        assertThat(Lifecycle.accepts(state, Lifecycle.Evento.SUBMITTER_CANCELLED)).isEqualTo(!state.isFinal());
        if (!state.isFinal()) {
            assertThat(Lifecycle.next(state, Lifecycle.Evento.SUBMITTER_CANCELLED)).isEqualTo(StatoPratica.ENDED_BY_SUBMITTER_CANCEL_REQUESTED);
        }
    }

    @Test
    void anUnexpectedEventIsADomainErrorThatEachEdgeMaps() {
        assertThatThrownBy(() -> Lifecycle.next(StatoPratica.PRESENTED, Lifecycle.Evento.VALIDATED_POSITIVE))
                .isInstanceOfSatisfying(LifecycleException.class,
                        e -> assertThat(e.kind()).isEqualTo(LifecycleException.Kind.EVENT_NOT_EXPECTED));
        assertThatThrownBy(() -> Lifecycle.next(StatoPratica.ENDED_BY_POSITIVE_OUTCOME, Lifecycle.Evento.ALL_PARERI_RECEIVED))
                .isInstanceOf(LifecycleException.class);
    }

    /** The guard of the operations of an open pratica: every final state refuses them, every other takes them. */
    @ParameterizedTest
    @EnumSource(StatoPratica.class)
    void anEndedPraticaTakesNoMoreOperations(StatoPratica state) {
        if (state.isFinal()) {
            assertThatThrownBy(() -> Lifecycle.requireOpen(state, Lifecycle.Operazione.NOTIFY_RECEIPT))
                    .isInstanceOfSatisfying(LifecycleException.class,
                            e -> assertThat(e.kind()).isEqualTo(LifecycleException.Kind.OPERATION_NOT_EXPECTED));
        } else {
            Lifecycle.requireOpen(state, Lifecycle.Operazione.NOTIFY_RECEIPT);
        }
    }

    /** No final state leads anywhere, and every transition leaves from a non-final state. */
    @ParameterizedTest
    @EnumSource(StatoPratica.class)
    void finalStatesAreFinal(StatoPratica state) {
        for (Lifecycle.Evento e : Lifecycle.Evento.values()) {
            if (state.isFinal()) assertThat(Lifecycle.accepts(state, e)).as(state + " " + e).isFalse();
        }
    }

    @Test
    void outcomeOfThePareri() {
        assertThat(EsitoPareri.combine(List.of(Esito.POSITIVO, Esito.POSITIVO))).isEqualTo(Esito.POSITIVO);
        assertThat(EsitoPareri.combine(List.of(Esito.POSITIVO, Esito.CONFORMAZIONE))).isEqualTo(Esito.CONFORMAZIONE);
        assertThat(EsitoPareri.combine(List.of(Esito.CONFORMAZIONE, Esito.NEGATIVO, Esito.POSITIVO))).isEqualTo(Esito.NEGATIVO);
        assertThat(EsitoPareri.combine(List.of())).isEqualTo(Esito.POSITIVO);
    }
}
