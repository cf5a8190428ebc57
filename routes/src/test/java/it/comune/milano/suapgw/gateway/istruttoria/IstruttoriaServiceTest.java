package it.comune.milano.suapgw.gateway.istruttoria;

import it.comune.milano.suapgw.gateway.channel.ChannelPolicies;
import it.comune.milano.suapgw.gateway.channel.ChannelPolicy;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.esito.EsitoService;
import it.comune.milano.suapgw.gateway.lifecycle.Lifecycle;
import it.comune.milano.suapgw.gateway.lifecycle.PraticaLifecycle;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.outbox.OutboxStore;
import it.comune.milano.suapgw.gateway.persistence.PareriRepository;
import it.comune.milano.suapgw.gateway.persistence.PareriRepository.UltimoParere;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.model.Canale;
import it.comune.milano.suapgw.model.Ente;
import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.StatoPratica;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** The channel-neutral istruttoria: when it starts, whom it consults, and the round after an integration. */
class IstruttoriaServiceTest {
    static final Ente PL = new Ente("polizia-locale", "c_f205", "PL", "Polizia Locale", "artemis", "q.pl", 10, "ente-pl", null);
    static final Ente VVF = new Ente("vigili-del-fuoco", "vvf", "MI", "VVF", "pec", null, 30, null, "vvf@pec.it");

    final PraticaRepository pratiche = mock(PraticaRepository.class);
    final PareriRepository pareri = mock(PareriRepository.class);
    final PraticaLifecycle lifecycle = mock(PraticaLifecycle.class);
    final ChannelPolicy channel = mock(ChannelPolicy.class);
    final OutboxStore outbox = mock(OutboxStore.class);
    final EsitoService esiti = mock(EsitoService.class);
    final IstruttoriaService istruttoria;
    final UUID id = UUID.randomUUID();

    IstruttoriaServiceTest() {
        when(channel.canale()).thenReturn(Canale.SSU);
        ChannelPolicy other = mock(ChannelPolicy.class);
        when(other.canale()).thenReturn(Canale.SCRIVANIA);
        ChannelPolicy third = mock(ChannelPolicy.class);
        when(third.canale()).thenReturn(Canale.GEOPOST);
        GatewayProperties props = new GatewayProperties(null, null, List.of(PL, VVF), null, null, null, null, null, null, null,
                null, null, null, null, null, null);
        istruttoria = new IstruttoriaService(pratiche, pareri, lifecycle, new ChannelPolicies(List.of(channel, other, third)),
                outbox, mock(TimelineStore.class), esiti, props);
    }

    @BeforeEach
    void presented() {
        when(pratiche.channelOf(id)).thenReturn(Canale.SSU);
        when(pratiche.stateOf(id)).thenReturn(StatoPratica.PRESENTED);
    }

    @Test
    void nothingStartsWhileADocumentIsMissingOrTheChannelIsNotReady() {
        when(pratiche.countNotVerified(id)).thenReturn(1);
        istruttoria.startIfReady(id);
        when(pratiche.countNotVerified(id)).thenReturn(0);
        when(channel.readyForIstruttoria(id)).thenReturn(false);
        istruttoria.startIfReady(id);

        verify(lifecycle, never()).transition(any(), any(), any());
        verify(outbox, never()).enqueue(any(), anyString(), any(), any());
    }

    @Test
    void aCompletePraticaGoesToGeoworkAndEachCompetentEnteGetsOneRequestOnItsChannel() {
        when(channel.readyForIstruttoria(id)).thenReturn(true);
        when(channel.competentEnti(id)).thenReturn(List.of(PL, VVF));

        istruttoria.startIfReady(id);

        var order = inOrder(lifecycle, channel, outbox);
        order.verify(lifecycle).transition(id, StatoPratica.PRESENTED, Lifecycle.Evento.DOCUMENTS_VERIFIED);
        order.verify(channel).onIstruttoriaStarted(id);
        order.verify(outbox).enqueue(id, OutboxKind.GEOWORK_REGISTER.name(), "geowork:" + id, id.toString());
        verify(pareri).insert(any(), eq(id), eq("polizia-locale"), eq(1), eq(LocalDate.now().plusDays(10)), eq(null), eq(Ente.ARTEMIS));
        verify(pareri).insert(any(), eq(id), eq("vigili-del-fuoco"), eq(1), eq(LocalDate.now().plusDays(30)), eq(null), eq(Ente.PEC));
        verify(esiti, never()).proposeOutcome(any());
    }

    @Test
    void withNobodyToConsultTheOutcomeIsProposedAtOnce() {
        when(channel.readyForIstruttoria(id)).thenReturn(true);
        when(channel.competentEnti(id)).thenReturn(List.of());

        istruttoria.startIfReady(id);

        verify(esiti).proposeOutcome(id);
    }

    @Test
    void afterAnIntegrationTheChannelsEntiAreAskedAgainEachNamingThePareriItFollows() {
        UltimoParere plConf = new UltimoParere(UUID.randomUUID(), "polizia-locale", 1, Esito.CONFORMAZIONE, List.of(), List.of("x"), null);
        UltimoParere gone = new UltimoParere(UUID.randomUUID(), "not-in-registry", 1, Esito.CONFORMAZIONE, List.of(), List.of(), null);
        when(pratiche.roundOf(id)).thenReturn(1);
        when(pareri.latestPareri(id)).thenReturn(List.of(plConf, gone));
        when(channel.entiToReconsult(eq(id), eq(2), any())).thenReturn(List.of(plConf, gone));

        istruttoria.reconsultAfterIntegration(id);

        verify(lifecycle).transition(id, Lifecycle.Evento.DOCUMENTS_VERIFIED);
        verify(pratiche).startRound(id, 2);
        verify(pareri).insert(any(), eq(id), eq("polizia-locale"), eq(2), any(), eq(plConf.richiestaId()), eq(Ente.ARTEMIS));
        verify(pareri, never()).insert(any(), any(), eq("not-in-registry"), anyInt(), any(), any(), any());
        verify(esiti, never()).proposeOutcome(any());
    }
}
