package it.comune.milano.suapgw.gateway.channel;

import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.connectors.ssu.SsuMapper;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.lifecycle.Lifecycle;
import it.comune.milano.suapgw.gateway.lifecycle.LifecycleException;
import it.comune.milano.suapgw.gateway.intake.geopost.GeopostChannelPolicy;
import it.comune.milano.suapgw.gateway.intake.scrivania.ScrivaniaAnswers;
import it.comune.milano.suapgw.gateway.intake.scrivania.ScrivaniaChannelPolicy;
import it.comune.milano.suapgw.gateway.intake.ssu.SsuChannelPolicy;
import it.comune.milano.suapgw.gateway.osp.Checklist;
import it.comune.milano.suapgw.gateway.osp.OspProposals;
import it.comune.milano.suapgw.gateway.osp.OspRepository;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.outbox.OutboxStore;
import it.comune.milano.suapgw.gateway.persistence.PareriRepository.UltimoParere;
import it.comune.milano.suapgw.gateway.pareri.ssu.EntiSsuNotifiche;
import it.comune.milano.suapgw.gateway.persistence.ConferenzaRepository;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.registroimprese.RegistroImpreseNotifiche;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.model.Ente;
import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.StatoPratica;
import it.comune.milano.suapgw.model.VoceChecklist;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.contains;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** What differs per channel, each rule once: completeness, the enti, re-consultation, the outcome, the release. */
class ChannelPoliciesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Ente PL = new Ente("polizia-locale", "c_f205", "PL", "Polizia Locale", "artemis", "q.pl", 10, "ente-pl", null, null);
    static final Ente ATS = new Ente("ats-milano", "ats_mi", "SIAN", "ATS", "artemis", "q.ats", 20, "ente-ats", null, null);
    static final GatewayProperties PROPS = new GatewayProperties(null, null, List.of(PL, ATS),
            new GatewayProperties.Suap("c_f205", "SUAP"), null, null, null, null, null, null, null, null, null, null, null, null, null);

    final PraticaRepository pratiche = mock(PraticaRepository.class);
    final OutboxStore outbox = mock(OutboxStore.class);
    final TimelineStore timeline = mock(TimelineStore.class);
    final UUID id = UUID.randomUUID();

    @Test
    void everyChannelHasExactlyOnePolicy() {
        ChannelPolicy ssu = ssu();
        ChannelPolicy scrivania = new ScrivaniaChannelPolicy(pratiche, mock(ScrivaniaAnswers.class), outbox, PROPS);
        assertThatThrownBy(() -> new ChannelPolicies(List.of(ssu, scrivania))).hasMessageContaining("GEOPOST");
        assertThatThrownBy(() -> new ChannelPolicies(List.of(ssu, ssu))).hasMessageContaining("two policies");
    }

    @Test
    void ssuIsCompleteWithItsDescriptorAndItsEntiAreTheCompetentAdministrationsKnownToTheRegistry() throws Exception {
        SsuChannelPolicy ssu = ssu();
        assertThat(ssu.readyForIstruttoria(id)).isFalse();
        when(pratiche.descriptorOf(id)).thenReturn(JSON.readTree("""
                {"usecase_proceedings":[
                  {"code":"P1","competent_administration":{"ipacode":"c_f205","officecode":"SUAP"},"instance":{}},
                  {"code":"P2","competent_administration":{"ipacode":"ats_mi","officecode":"SIAN"},"instance":{}},
                  {"code":"P3","competent_administration":{"ipacode":"ats_mi","officecode":"SIAN"},"instance":{}},
                  {"code":"P4","competent_administration":{"ipacode":"x_unknown","officecode":"X"},"instance":{}}]}"""));

        assertThat(ssu.readyForIstruttoria(id)).isTrue();
        assertThat(ssu.competentEnti(id)).containsExactly(ATS);
        verify(timeline).record(eq(id), eq(TimelineStore.INTERNAL), eq("GATEWAY"), eq("resolve_ente"), eq("UNKNOWN_ENTE"), any(),
                contains("x_unknown/X"));
    }

    @Test
    void aSciaEndsWithItsProceedingTimeUnlessAnEnteObjectsAndAnAutorizzazioneAlwaysHasAnOutcome() {
        SsuChannelPolicy ssu = ssu();
        when(pratiche.testata(id)).thenReturn(testata("SCIA"));
        assertThat(ssu.proposeOutcome(id, List.of(parere("pl", 1, Esito.POSITIVO, List.of())))).isNull();
        assertThat(ssu.proposeOutcome(id, List.of(parere("pl", 1, Esito.POSITIVO, List.of()), parere("ats", 1, Esito.CONFORMAZIONE, List.of()))))
                .isEqualTo(Esito.CONFORMAZIONE);
        assertThat(ssu.validationEvent(id, Esito.CONFORMAZIONE)).isEqualTo(Lifecycle.Evento.VALIDATED_CONFORMATION);
        assertThat(ssu.validationEvent(id, Esito.NEGATIVO)).isEqualTo(Lifecycle.Evento.VALIDATED_SUSPENSION);
        assertThatThrownBy(() -> ssu.validationEvent(id, Esito.POSITIVO)).isInstanceOf(LifecycleException.class);

        when(pratiche.testata(id)).thenReturn(testata("AUTORIZZAZIONE"));
        assertThat(ssu.proposeOutcome(id, List.of(parere("pl", 1, Esito.CONFORMAZIONE, List.of())))).isEqualTo(Esito.POSITIVO);
        assertThat(ssu.proposeOutcome(id, List.of(parere("pl", 1, Esito.NEGATIVO, List.of())))).isEqualTo(Esito.NEGATIVO);
        assertThat(ssu.validationEvent(id, Esito.CONFORMAZIONE)).isEqualTo(Lifecycle.Evento.VALIDATED_POSITIVE);
    }

    @Test
    void anSsuEndIsNotifiedToTheFrontOfficeWithItsActAndAuditedToTheCatalogo() {
        SsuChannelPolicy ssu = ssu();
        when(pratiche.latestAct(id)).thenReturn(java.util.Optional.of(new it.comune.milano.suapgw.model.Atto("provvedimento-1", "abc", "S256")));

        ssu.release(id, StatoPratica.ENDED_BY_POSITIVE_OUTCOME, Esito.POSITIVO, "f", null);

        verify(outbox).enqueue(id, OutboxKind.FO_NOTIFY.name(), "fo:" + id,
                "{\"event\":\"end_by_positive_outcome\",\"resource_id\":\"provvedimento-1\"}");
        verify(outbox).enqueue(eq(id), eq(OutboxKind.CATALOGO_AUDIT.name()), eq("catalogo:" + id), anyString());
        // the enti terzi on the SSU hear it with the act, and the Registro Imprese if it was sent the instance
        verify(entiTerzi).announce(id, "end_by_positive_outcome", "provvedimento-1", null);
        verify(registroImprese).announce(id, "end_by_positive_outcome", "provvedimento-1");
    }

    @Test
    void theScrivaniaConsultsTheEntiResolvedAtIntakeAndReconsultsThoseThatAskedAConformation() throws Exception {
        ScrivaniaAnswers answers = mock(ScrivaniaAnswers.class);
        ScrivaniaChannelPolicy scrivania = new ScrivaniaChannelPolicy(pratiche, answers, outbox, PROPS);
        when(pratiche.datiOf(id)).thenReturn(JSON.readTree("{\"enti\":[\"ats-milano\",\"gone-from-registry\"]}"));

        assertThat(scrivania.readyForIstruttoria(id)).isTrue();
        assertThat(scrivania.validationEvent(id, Esito.CONFORMAZIONE)).isEqualTo(Lifecycle.Evento.VALIDATED_INTEGRATION_REQUEST);
        assertThat(scrivania.competentEnti(id)).containsExactly(ATS);
        UltimoParere conf = parere("ats-milano", 1, Esito.CONFORMAZIONE, List.of());
        assertThat(scrivania.entiToReconsult(id, 2, List.of(conf, parere("polizia-locale", 1, Esito.POSITIVO, List.of()))))
                .containsExactly(conf);

        when(answers.payload(any(), any(), any())).thenReturn("{\"tipoCooperazione\":\"richiesta-integrazione\"}");
        scrivania.release(id, StatoPratica.INTEGRATION_REQUESTED, Esito.CONFORMAZIONE, "f", null);
        verify(outbox).enqueue(id, OutboxKind.SCRIVANIA_SEND.name(), "scrivania:" + id, "{\"tipoCooperazione\":\"richiesta-integrazione\"}");
    }

    @Test
    void geopostWaitsForACompleteChecklistAndReconsultsOnlyWhoAskedIntegrazioniInTheLastRound() {
        OspRepository osp = mock(OspRepository.class);
        OspProposals proposals = mock(OspProposals.class);
        GeopostChannelPolicy geopost = new GeopostChannelPolicy(pratiche, osp, proposals, mock(Checklist.class), PROPS);

        assertThat(geopost.readyForIstruttoria(id)).isFalse();
        when(osp.latestChecklist(id)).thenReturn(List.of(new VoceChecklist("MOROSITA_CANONE", "d", Checklist.UNAVAILABLE, "")));
        assertThat(geopost.readyForIstruttoria(id)).isFalse();
        when(osp.latestChecklist(id)).thenReturn(List.of(new VoceChecklist("MOROSITA_CANONE", "d", Checklist.PASS, "")));
        assertThat(geopost.readyForIstruttoria(id)).isTrue();
        assertThat(geopost.checklistInParereRequest()).isTrue();

        UltimoParere askedLastRound = parere("mercati", 2, Esito.CONFORMAZIONE, List.of("planimetria"));
        UltimoParere askedEarlier = parere("soprintendenza", 1, Esito.CONFORMAZIONE, List.of("foto"));
        UltimoParere onlyPrescriptions = parere("polizia-locale", 2, Esito.CONFORMAZIONE, List.of());
        assertThat(geopost.entiToReconsult(id, 3, List.of(askedLastRound, askedEarlier, onlyPrescriptions)))
                .containsExactly(askedLastRound);

        geopost.release(id, StatoPratica.ENDED_BY_POSITIVE_OUTCOME, Esito.POSITIVO, "f", "testo");
        verify(proposals).onValidated(id, Esito.POSITIVO, "f", "testo");
        verify(outbox, never()).enqueue(any(), anyString(), any(), any());
    }

    final ConferenzaRepository conferenze = mock(ConferenzaRepository.class);
    final EntiSsuNotifiche entiTerzi = mock(EntiSsuNotifiche.class);
    final RegistroImpreseNotifiche registroImprese = mock(RegistroImpreseNotifiche.class);

    SsuChannelPolicy ssu() {
        return new SsuChannelPolicy(pratiche, outbox, timeline, new SsuMapper(JSON), JSON, PROPS, conferenze, entiTerzi, registroImprese);
    }

    static PraticaRepository.Testata testata(String regime) {
        return new PraticaRepository.Testata(UUID.randomUUID(), it.comune.milano.suapgw.model.Canale.SSU, null, null, null, null,
                regime, null, null, null, StatoPratica.IN_ISTRUTTORIA, 1);
    }

    static UltimoParere parere(String ente, int round, Esito esito, List<String> integrazioni) {
        return new UltimoParere(UUID.randomUUID(), ente, round, esito, List.of(), integrazioni, null);
    }

}
