package it.comune.milano.suapgw.gateway.esito;

import it.comune.milano.suapgw.gateway.channel.ChannelPolicies;
import it.comune.milano.suapgw.gateway.channel.ChannelPolicy;
import it.comune.milano.suapgw.gateway.lifecycle.Lifecycle;
import it.comune.milano.suapgw.gateway.lifecycle.LifecycleException;
import it.comune.milano.suapgw.gateway.lifecycle.PraticaLifecycle;
import it.comune.milano.suapgw.gateway.lifecycle.UnknownPraticaException;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.outbox.OutboxStore;
import it.comune.milano.suapgw.gateway.persistence.PareriRepository;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.model.Canale;
import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.StatoPratica;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** The outcome: proposed from the channel's rule, validated once, released on the channel. */
class EsitoServiceTest {
    final PraticaRepository pratiche = mock(PraticaRepository.class);
    final PareriRepository pareri = mock(PareriRepository.class);
    final PraticaLifecycle lifecycle = mock(PraticaLifecycle.class);
    final ChannelPolicy ssu = policy(Canale.SSU);
    final OutboxStore outbox = mock(OutboxStore.class);
    final EsitoService esiti = new EsitoService(pratiche, pareri, lifecycle,
            new ChannelPolicies(List.of(ssu, policy(Canale.SCRIVANIA), policy(Canale.GEOPOST))), outbox, mock(TimelineStore.class));
    final UUID id = UUID.randomUUID();

    static ChannelPolicy policy(Canale c) {
        ChannelPolicy p = mock(ChannelPolicy.class);
        when(p.canale()).thenReturn(c);
        return p;
    }

    @Test
    void theProposalIsTheChannelsAndGoesToGeowork() {
        when(pratiche.channelOf(id)).thenReturn(Canale.SSU);
        when(ssu.proposeOutcome(any(), any())).thenReturn(Esito.NEGATIVO);

        esiti.proposeOutcome(id);

        verify(lifecycle).transition(id, Lifecycle.Evento.ALL_PARERI_RECEIVED);
        verify(pratiche).setOutcomeProposed(id, Esito.NEGATIVO);
        verify(outbox).enqueue(id, OutboxKind.GEOWORK_PROPOSE_OUTCOME.name(), "geowork:" + id, "NEGATIVO");
    }

    @Test
    void aValidationMovesThePraticaByTheChannelsRuleAndReleasesTheAnswer() {
        when(pratiche.lock(id)).thenReturn(true);
        when(pratiche.channelOf(id)).thenReturn(Canale.SSU);
        when(pratiche.stateOf(id)).thenReturn(StatoPratica.OUTCOME_PROPOSED);
        when(ssu.validationEvent(id, Esito.CONFORMAZIONE)).thenReturn(Lifecycle.Evento.VALIDATED_CONFORMATION);
        when(lifecycle.transition(id, StatoPratica.OUTCOME_PROPOSED, Lifecycle.Evento.VALIDATED_CONFORMATION))
                .thenReturn(StatoPratica.ENDED_BY_CONFORMATION_REQUESTED);

        assertThat(esiti.validate(id, Esito.CONFORMAZIONE, "m.rossi", "GEOWORK")).isEqualTo(StatoPratica.ENDED_BY_CONFORMATION_REQUESTED);

        verify(pratiche).setOutcomeValidated(id, Esito.CONFORMAZIONE, "m.rossi");
        verify(ssu).release(id, StatoPratica.ENDED_BY_CONFORMATION_REQUESTED, Esito.CONFORMAZIONE, "m.rossi", null);
    }

    @Test
    void geoworkRepeatingItsCallbackChangesNothing() {
        when(pratiche.lock(id)).thenReturn(true);
        when(pratiche.stateOf(id)).thenReturn(StatoPratica.ENDED_BY_POSITIVE_OUTCOME);
        when(pratiche.outcomeValidatedOf(id)).thenReturn("POSITIVO");

        assertThat(esiti.validate(id, Esito.POSITIVO, "m.rossi", "GEOWORK")).isEqualTo(StatoPratica.ENDED_BY_POSITIVE_OUTCOME);

        verify(lifecycle, never()).transition(any(), any(), any());
        verify(ssu, never()).release(any(), any(), any(), anyString(), any());
    }

    @Test
    void theFunzionarioCannotValidateWhatIsNotProposedNorAnUnknownPratica() {
        when(pratiche.lock(id)).thenReturn(true);
        when(pratiche.stateOf(id)).thenReturn(StatoPratica.IN_ISTRUTTORIA);
        assertThatThrownBy(() -> esiti.validateWithText(id, Esito.POSITIVO, "m.rossi", null))
                .isInstanceOf(LifecycleException.class).hasMessageContaining("in_istruttoria");

        UUID unknown = UUID.randomUUID();
        assertThatThrownBy(() -> esiti.validateWithText(unknown, Esito.POSITIVO, "m.rossi", null))
                .isInstanceOf(UnknownPraticaException.class);
    }
}
