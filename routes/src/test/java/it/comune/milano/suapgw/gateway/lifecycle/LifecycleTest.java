package it.comune.milano.suapgw.gateway.lifecycle;

import it.comune.milano.suapgw.connectors.ssu.SsuErrorCode;
import it.comune.milano.suapgw.connectors.ssu.SsuException;
import it.comune.milano.suapgw.model.Canale;
import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.StatoPratica;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LifecycleTest {
    @Test
    void followsTheSsuPathToEachOutcome() {
        StatoPratica s = Lifecycle.next(StatoPratica.PRESENTED, Lifecycle.Evento.DOCUMENTS_VERIFIED);
        s = Lifecycle.next(s, Lifecycle.Evento.ALL_PARERI_RECEIVED);
        assertThat(s).isEqualTo(StatoPratica.OUTCOME_PROPOSED);
        assertThat(s.ssuState()).isEqualTo("presented");
        for (Esito e : Esito.values()) {
            StatoPratica end = Lifecycle.next(s, Lifecycle.validated(e, Canale.SSU));
            assertThat(end).isEqualTo(e.finalState());
            assertThat(end.isFinal()).isTrue();
            assertThat(end.ssuState()).startsWith("ended_by_");
        }
    }

    @Test
    void onTheScrivaniaAConformationAsksForAnIntegrationAndTheEntiAreConsultedAgain() {
        StatoPratica s = Lifecycle.next(StatoPratica.OUTCOME_PROPOSED, Lifecycle.validated(Esito.CONFORMAZIONE, Canale.SCRIVANIA));
        assertThat(s).isEqualTo(StatoPratica.INTEGRATION_REQUESTED);
        assertThat(s.isFinal()).isFalse();
        s = Lifecycle.next(s, Lifecycle.Evento.INTEGRATION_RECEIVED);
        assertThat(s).isEqualTo(StatoPratica.INTEGRATED);
        s = Lifecycle.next(s, Lifecycle.Evento.DOCUMENTS_VERIFIED);
        assertThat(s).isEqualTo(StatoPratica.IN_ISTRUTTORIA);
        assertThat(Lifecycle.next(StatoPratica.OUTCOME_PROPOSED, Lifecycle.validated(Esito.POSITIVO, Canale.SCRIVANIA)))
                .isEqualTo(StatoPratica.ENDED_BY_POSITIVE_OUTCOME);
        assertThat(Lifecycle.accepts(StatoPratica.IN_ISTRUTTORIA, Lifecycle.Evento.INTEGRATION_RECEIVED)).isFalse();
    }

    @Test
    void anUnexpectedEventIsRefusedWithError500008() {
        assertThatThrownBy(() -> Lifecycle.next(StatoPratica.PRESENTED, Lifecycle.Evento.VALIDATED_POSITIVE))
                .isInstanceOfSatisfying(SsuException.class, e -> assertThat(e.code()).isEqualTo(SsuErrorCode.ERROR_500_008));
        assertThatThrownBy(() -> Lifecycle.next(StatoPratica.ENDED_BY_POSITIVE_OUTCOME, Lifecycle.Evento.ALL_PARERI_RECEIVED))
                .isInstanceOf(SsuException.class);
    }

    @Test
    void outcomeOfThePareri() {
        assertThat(Esito.combine(List.of(Esito.POSITIVO, Esito.POSITIVO))).isEqualTo(Esito.POSITIVO);
        assertThat(Esito.combine(List.of(Esito.POSITIVO, Esito.CONFORMAZIONE))).isEqualTo(Esito.CONFORMAZIONE);
        assertThat(Esito.combine(List.of(Esito.CONFORMAZIONE, Esito.NEGATIVO, Esito.POSITIVO))).isEqualTo(Esito.NEGATIVO);
        assertThat(Esito.combine(List.of())).isEqualTo(Esito.POSITIVO);
    }
}
