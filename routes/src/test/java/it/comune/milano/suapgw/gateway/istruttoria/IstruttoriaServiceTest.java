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
import it.comune.milano.suapgw.connectors.ssu.SsuMapper;
import it.comune.milano.suapgw.gateway.verifica.VerificaService;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/**
 * The channel-neutral istruttoria: when a complete pratica goes on and where (preliminary checks or the istruttoria),
 * whom it consults, the integration requests gathered, and the round after an integration.
 */
class IstruttoriaServiceTest {
    static final Ente PL = new Ente("polizia-locale", "c_f205", "PL", "Polizia Locale", "artemis", "q.pl", 10, "ente-pl", null, null);
    static final Ente VVF = new Ente("vigili-del-fuoco", "vvf", "MI", "VVF", "pec", null, 30, null, "vvf@pec.it", null);

    final PraticaRepository pratiche = mock(PraticaRepository.class);
    final PareriRepository pareri = mock(PareriRepository.class);
    final PraticaLifecycle lifecycle = mock(PraticaLifecycle.class);
    final ChannelPolicy channel = mock(ChannelPolicy.class);
    final OutboxStore outbox = mock(OutboxStore.class);
    final EsitoService esiti = mock(EsitoService.class);
    final VerificaService verifica = mock(VerificaService.class);
    final IstruttoriaService istruttoria;
    final IntegrazioniService integrazioni;
    final PraticaCompleta completa;
    final UUID id = UUID.randomUUID();

    IstruttoriaServiceTest() {
        when(channel.canale()).thenReturn(Canale.SSU);
        ChannelPolicy other = mock(ChannelPolicy.class);
        when(other.canale()).thenReturn(Canale.SCRIVANIA);
        ChannelPolicy third = mock(ChannelPolicy.class);
        when(third.canale()).thenReturn(Canale.GEOPOST);
        GatewayProperties props = new GatewayProperties(null, null, List.of(PL, VVF), null, null, null, null, null, null, null,
                null, null, null, null, null, null, null);
        ChannelPolicies channels = new ChannelPolicies(List.of(channel, other, third));
        integrazioni = new IntegrazioniService(pratiche, pareri, lifecycle, channels, esiti, outbox, mock(TimelineStore.class),
                new SsuMapper(new ObjectMapper()), props, mock(it.comune.milano.suapgw.gateway.persistence.EntiSsuRepository.class),
                mock(it.comune.milano.suapgw.gateway.pareri.ssu.EntiSsuNotifiche.class));
        istruttoria = new IstruttoriaService(pratiche, pareri, lifecycle, channels, outbox, mock(TimelineStore.class),
                integrazioni, mock(it.comune.milano.suapgw.gateway.termini.TermineService.class), props);
        completa = new PraticaCompleta(pratiche, channels, istruttoria, verifica);
    }

    @BeforeEach
    void presented() {
        when(pratiche.channelOf(id)).thenReturn(Canale.SSU);
        when(pratiche.stateOf(id)).thenReturn(StatoPratica.PRESENTED);
    }

    @Test
    void nothingGoesOnWhileADocumentIsMissingOrTheChannelIsNotReady() {
        when(pratiche.countNotVerified(id)).thenReturn(1);
        completa.onComplete(id);
        when(pratiche.countNotVerified(id)).thenReturn(0);
        when(channel.readyForIstruttoria(id)).thenReturn(false);
        completa.onComplete(id);

        verify(lifecycle, never()).transition(any(), any(), any());
        verify(verifica, never()).start(any());
        verify(outbox, never()).enqueue(any(), anyString(), any(), any());
    }

    @Test
    void aChannelWithPreliminaryChecksGoesToThemFirstAndACorrectedInstanceToAdmissibility() {
        when(channel.readyForIstruttoria(id)).thenReturn(true);
        when(channel.preliminaryChecks()).thenReturn(true);

        completa.onComplete(id);
        verify(channel).onDocumentsRetrieved(id, StatoPratica.PRESENTED);
        verify(verifica).start(id);

        when(pratiche.stateOf(id)).thenReturn(StatoPratica.CORRECTED);
        completa.onComplete(id);
        verify(verifica).onCorrectedInstance(id);
        verify(lifecycle, never()).transition(any(), any(), any());
    }

    @Test
    void aCompletePraticaGoesToGeoworkAndEachCompetentEnteGetsOneRequestOnItsChannel() {
        when(channel.readyForIstruttoria(id)).thenReturn(true);
        when(channel.competentEnti(id)).thenReturn(List.of(PL, VVF));

        completa.onComplete(id);

        var order = inOrder(lifecycle, channel, outbox);
        order.verify(channel).onDocumentsRetrieved(id, StatoPratica.PRESENTED);
        order.verify(lifecycle).transition(id, StatoPratica.PRESENTED, Lifecycle.Evento.DOCUMENTS_VERIFIED);
        order.verify(outbox).enqueue(id, OutboxKind.GEOWORK_REGISTER.name(), "geowork:" + id, "");
        verify(pareri).insert(any(), eq(id), eq("polizia-locale"), eq(1), eq(LocalDate.now().plusDays(10)), eq(null), eq(Ente.ARTEMIS));
        verify(pareri).insert(any(), eq(id), eq("vigili-del-fuoco"), eq(1), eq(LocalDate.now().plusDays(30)), eq(null), eq(Ente.PEC));
        verify(esiti, never()).proposeOutcome(any());
    }

    @Test
    void withNobodyToConsultTheOutcomeIsProposedAtOnce() {
        when(channel.readyForIstruttoria(id)).thenReturn(true);
        when(channel.competentEnti(id)).thenReturn(List.of());

        completa.onComplete(id);

        verify(esiti).proposeOutcome(id);
    }

    @Test
    void theFirstRoundsIntegrationRequestsGoToTheApplicantAsOneWhereTheChannelGathersThem() throws Exception {
        when(channel.gathersIntegrations()).thenReturn(true);
        when(pratiche.roundOf(id)).thenReturn(1);
        when(pratiche.cuiOf(id)).thenReturn(new ObjectMapper().readTree(
                "{\"context\":\"SUAP\",\"data\":\"2026-12-01\",\"progressive\":\"0000001\",\"uuid\":\"" + UUID.randomUUID() + "\"}"));
        when(pratiche.descriptorVersionOf(id)).thenReturn("1");
        when(pratiche.descriptorOf(id)).thenReturn(new ObjectMapper().readTree("""
                {"usecase_proceedings":[{"code":"P1","competent_administration":{"ipacode":"c_f205","officecode":"PL"},
                  "instance":{"ref":"modulo-p1"}}]}"""));
        when(pareri.latestPareri(id)).thenReturn(List.of(
                new UltimoParere(UUID.randomUUID(), "polizia-locale", 1, Esito.POSITIVO, List.of(), List.of("planimetria quotata", "foto"), null),
                new UltimoParere(UUID.randomUUID(), "vigili-del-fuoco", 1, Esito.POSITIVO, List.of(), List.of(), null)));

        integrazioni.onRoundComplete(id);

        verify(lifecycle).transition(id, Lifecycle.Evento.INTEGRATION_REQUEST_SENT);
        verify(outbox).enqueue(eq(id), eq(OutboxKind.FO_REQUEST_INTEGRATION.name()), eq("fo:" + id),
                org.mockito.ArgumentMatchers.argThat(b -> b.contains("planimetria quotata") && b.contains("foto")));
        verify(esiti, never()).proposeOutcome(any());

        when(channel.gathersIntegrations()).thenReturn(false);
        integrazioni.onRoundComplete(id);
        verify(esiti).proposeOutcome(id);
    }

    @Test
    void afterAnIntegrationTheChannelsEntiAreAskedAgainEachNamingThePareriItFollows() {
        UltimoParere plConf = new UltimoParere(UUID.randomUUID(), "polizia-locale", 1, Esito.CONFORMAZIONE, List.of(), List.of("x"), null);
        UltimoParere gone = new UltimoParere(UUID.randomUUID(), "not-in-registry", 1, Esito.CONFORMAZIONE, List.of(), List.of(), null);
        when(pratiche.roundOf(id)).thenReturn(1);
        when(pratiche.stateOf(id)).thenReturn(StatoPratica.INTEGRATED);
        when(channel.readyForIstruttoria(id)).thenReturn(true);
        when(pareri.latestPareri(id)).thenReturn(List.of(plConf, gone));
        when(pareri.countOpen(id)).thenReturn(1);
        when(channel.entiToReconsult(eq(id), eq(2), any())).thenReturn(List.of(plConf, gone));

        completa.onComplete(id);

        verify(lifecycle).transition(id, Lifecycle.Evento.DOCUMENTS_VERIFIED);
        verify(pratiche).startRound(id, 2);
        verify(pareri).insert(any(), eq(id), eq("polizia-locale"), eq(2), any(), eq(plConf.richiestaId()), eq(Ente.ARTEMIS));
        verify(pareri, never()).insert(any(), any(), eq("not-in-registry"), anyInt(), any(), any(), any());
        verify(esiti, never()).proposeOutcome(any());
    }
}
