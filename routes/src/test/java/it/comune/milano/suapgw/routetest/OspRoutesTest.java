package it.comune.milano.suapgw.routetest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.connectors.contract.JsonContracts;
import it.comune.milano.suapgw.connectors.geopost.IstanzaOsp;
import it.comune.milano.suapgw.gateway.config.SoapEndpoints;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.osp.OspIstruttoriaService;
import it.comune.milano.suapgw.gateway.osp.OspPreIstruttoriaRoute;
import it.comune.milano.suapgw.gateway.osp.OspRelease;
import it.comune.milano.suapgw.gateway.osp.OspReleaseRoute;
import it.comune.milano.suapgw.gateway.osp.OspRulesConfig;
import it.comune.milano.suapgw.model.Comunicazione;
import it.comune.milano.suapgw.model.VoceChecklist;
import org.apache.camel.Exchange;
import org.apache.camel.model.ToDynamicDefinition;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import java.io.File;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** The OSP pre-istruttoria as a scatter-gather over OSAPI, ERMES and GERI, and the release of a validated act. */
@Import({OspPreIstruttoriaRoute.class, OspReleaseRoute.class, OspRulesConfig.class})
class OspRoutesTest extends RouteTestBase {
    static final ObjectMapper JSON = new ObjectMapper();

    @MockitoBean
    OspIstruttoriaService istruttoria;
    @MockitoBean
    OspRelease release;

    @Override
    protected void advise() throws Exception {
        for (String system : List.of("osapi", "ermes-acustica", "ermes-scia", "geri")) {
            adviceWith("osp-query-" + system, a -> a.weaveByType(ToDynamicDefinition.class).replace().to("mock:" + system));
        }
        adviceWith("osp-osapi-register-concession", a -> a.weaveByType(ToDynamicDefinition.class).replace().to("mock:osapi-register"));
        adviceWith("osp-geopost-send-communication", a -> a.weaveByType(ToDynamicDefinition.class).replace().to("mock:geopost"));
        adviceWith("osp-geri-canone-due", a -> a.weaveByType(ToDynamicDefinition.class).replace().to("mock:geri-canone"));
        adviceWith("osp-geowork-file-act", a -> a.weaveByToUri(SoapEndpoints.GEOWORK_CLIENT).replace().to("mock:geowork"));
    }

    @Test
    void everySystemIsAskedAndTheChecklistIsEvaluatedFromTheirAnswers() throws Exception {
        UUID id = daVerificare();
        answer("osapi", "{\"occupazioni\":[]}");
        answer("ermes-acustica", "{\"classeAcustica\":\"III\",\"relazioneRichiesta\":false}");
        answer("ermes-scia", "{\"scia\":[{\"protocollo\":\"SCIA-1\",\"stato\":\"EFFICACE\"}]}");
        answer("geri", "{\"moroso\":false}");
        when(istruttoria.onChecklist(eq(id), eq(1), any())).thenReturn(true);

        Exchange out = callOutbox(OutboxKind.OSP_CHECKLIST, id, "1");

        assertThat(out.getException()).isNull();
        Map<String, String> esiti = captured(id);
        assertThat(esiti).containsEntry("OSAPI_PRECEDENTI", "PASS").containsEntry("IMPATTO_ACUSTICO", "PASS")
                .containsEntry("SCIA_SOMMINISTRAZIONE", "PASS").containsEntry("MOROSITA_CANONE", "PASS");
        assertThat(esiti.values()).doesNotContain("UNAVAILABLE");
    }

    @Test
    void aSystemThatFailsLeavesItsItemsUnavailableAndTheRoundIsRetried() throws Exception {
        UUID id = daVerificare();
        answer("osapi", "{\"occupazioni\":[]}");
        answer("ermes-acustica", "{\"classeAcustica\":\"III\",\"relazioneRichiesta\":false}");
        answer("ermes-scia", "{\"scia\":[]}");
        mock("geri").whenAnyExchangeReceived(e -> {
            throw new java.net.SocketTimeoutException("Read timed out");
        });
        when(istruttoria.onChecklist(eq(id), eq(1), any())).thenReturn(false);

        Exchange out = callOutbox(OutboxKind.OSP_CHECKLIST, id, "1");

        assertThat(out.getException()).as("the round is booked, not rolled back").isNull();
        assertThat(out.getProperty(it.comune.milano.suapgw.gateway.common.ExchangeKeys.OUTBOX_RETRY, String.class))
                .contains("pre-istruttoria incomplete").contains("MOROSITA_CANONE");
        assertThat(captured(id)).containsEntry("MOROSITA_CANONE", "UNAVAILABLE").containsEntry("OSAPI_PRECEDENTI", "PASS");
    }

    @Test
    void aConcessionIsRegisteredInOsapiAndItsNumberBooked() {
        UUID id = UUID.randomUUID(), cid = UUID.randomUUID();
        when(release.osapiRequest(id)).thenReturn(JSON.createObjectNode().put("idIstanza", "GP-2026-000102"));
        answer("osapi-register", "{\"numeroConcessione\":\"OSP-2026-000777\"}");

        assertThat(callOutbox(OutboxKind.OSAPI_REGISTER, id, cid.toString()).getException()).isNull();

        verify(release).onConcessioneRegistered(id, cid, "OSP-2026-000777");
    }

    @Test
    void theCommunicationSentToGeopostIsValidAgainstItsContract() throws Exception {
        UUID id = UUID.randomUUID(), cid = UUID.randomUUID();
        when(release.idIstanza(id)).thenReturn("GP-2026-000102");
        when(release.comunicazione(id, cid)).thenReturn(new Comunicazione(cid, "CONCESSIONE", "Si rilascia la concessione.",
                List.of(), List.of("Polizia Locale: passaggio di 2 m"), List.of(), "OSP-2026-000777", "m.rossi",
                OffsetDateTime.now(ZoneOffset.UTC)));
        answer("geopost", "{\"ricevuta\":\"R-1\"}");
        mock("geopost").expectedPropertyReceived("suapgwUrl", "http://127.0.0.1:8185/api/istanze/GP-2026-000102/comunicazioni");

        assertThat(callOutbox(OutboxKind.GEOPOST_SEND, id, cid.toString()).getException()).isNull();

        mock("geopost").assertIsSatisfied();
        JsonNode sent = JSON.readTree(mock("geopost").getReceivedExchanges().get(0).getMessage().getBody(String.class));
        assertThat(new JsonContracts().validate("classpath:osp/geopost.yaml#/components/schemas/Comunicazione", sent)).isEmpty();
        verify(release).onCommunicationSent(id, cid, "R-1");
    }

    private UUID daVerificare() throws Exception {
        UUID id = UUID.randomUUID();
        JsonNode istanza = JSON.readTree(new File("../test-data/osp/istanze/02-corso-como-positivo-senza-rilievi.json"));
        when(istruttoria.daVerificare(id)).thenReturn(new OspIstruttoriaService.DaVerificare(IstanzaOsp.of(istanza),
                Set.of("PLANIMETRIA", "DOCUMENTO_IDENTITA", "FOTO")));
        return id;
    }

    private void answer(String system, String json) {
        mock(system).whenAnyExchangeReceived(e -> e.getMessage().setBody(json));
    }

    @SuppressWarnings("unchecked")
    private Map<String, String> captured(UUID id) {
        ArgumentCaptor<List<VoceChecklist>> voci = ArgumentCaptor.forClass(List.class);
        verify(istruttoria).onChecklist(eq(id), anyInt(), voci.capture());
        return voci.getValue().stream().collect(Collectors.toMap(VoceChecklist::codice, VoceChecklist::esito));
    }
}
