package it.comune.milano.suapgw.routetest;

import it.comune.milano.suapgw.gateway.backoffice.GeoworkRoute;
import it.comune.milano.suapgw.gateway.backoffice.GeoworkService;
import it.comune.milano.suapgw.gateway.config.SoapEndpoints;
import it.comune.milano.suapgw.gateway.documenti.DocumentLinks;
import it.comune.milano.suapgw.gateway.lifecycle.LifecycleException;
import it.comune.milano.suapgw.gateway.lifecycle.UnknownPraticaException;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.model.Canale;
import it.comune.milano.suapgw.model.DocumentoVerificato;
import it.comune.milano.suapgw.model.PraticaCanonica;
import it.comune.milano.suapgw.model.StatoPratica;
import it.comune.milano.suapgw.schemas.geowork.GeoworkFault_Exception;
import it.comune.milano.suapgw.schemas.geowork.NotificaValidazioneEsito;
import it.comune.milano.suapgw.schemas.geowork.NotificaValidazioneEsitoResponse;
import it.comune.milano.suapgw.schemas.geowork.RegistraPratica;
import it.comune.milano.suapgw.schemas.geowork.RegistraPraticaResponse;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import it.comune.milano.suapgw.gateway.conferenza.ConferenzaService;
import it.comune.milano.suapgw.schemas.geowork.FaseConferenza;
import it.comune.milano.suapgw.schemas.geowork.ModalitaConferenza;
import it.comune.milano.suapgw.schemas.geowork.NotificaConferenza;
import it.comune.milano.suapgw.schemas.geowork.NotificaConferenzaResponse;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** Geowork: the pratica delivered by SOAP with download links, and the funzionario's validation coming back. */
@Import({GeoworkRoute.class, DocumentLinks.class})
class GeoworkRouteTest extends RouteTestBase {
    @MockitoBean
    GeoworkService geowork;
    @MockitoBean
    ConferenzaService conferenze;

    @Override
    protected void advise() throws Exception {
        adviceWith("geowork-register-pratica", a -> a.weaveByToUri(SoapEndpoints.GEOWORK_CLIENT).replace().to("mock:geowork"));
        adviceWith("geowork-propose-outcome", a -> a.weaveByToUri(SoapEndpoints.GEOWORK_CLIENT).replace().to("mock:geowork-propose"));
        adviceWith("geowork-convoca-conferenza", a -> a.weaveByToUri(SoapEndpoints.GEOWORK_CLIENT).replace().to("mock:geowork-conferenza"));
        adviceWith("geowork-callback", a -> a.replaceFromWith("direct:callback"));
    }

    @Test
    void thePraticaIsRegisteredWithDocumentsAsLinksAndTheProtocolBooked() throws Exception {
        UUID id = UUID.randomUUID();
        String sha = "a".repeat(64);
        when(geowork.pratica(id)).thenReturn(new PraticaCanonica(id, "cui-1", Canale.SSU, "PROC", "1", "SCIA", "015146",
                "RSSMRA80A01F205X", OffsetDateTime.now(), List.of(new DocumentoVerificato(sha, "modulo.pdf", "application/pdf", 10)),
                List.of(), List.of()));
        mock("geowork").whenAnyExchangeReceived(e -> {
            RegistraPratica req = e.getMessage().getBody(RegistraPratica.class);
            assertThat(req.getPratica().getDocumento()).singleElement()
                    .satisfies(d -> assertThat(d.getUrlDownload()).contains("/api/documenti/" + sha + "?per=geowork&scade=").contains("&firma="));
            RegistraPraticaResponse r = new RegistraPraticaResponse();
            r.setProtocolloGeowork("GW-1");
            e.getMessage().setBody(List.of(r));
        });
        mock("geowork").expectedHeaderReceived("operationName", "registraPratica");

        Exchange out = callOutbox(OutboxKind.GEOWORK_REGISTER, id, id.toString());

        assertThat(out.getException()).isNull();
        mock("geowork").assertIsSatisfied();
        verify(geowork).onRegistered(id, "GW-1", false);
    }

    @Test
    void aValidationIsAnsweredWithTheNewStateAndRefusalsAreGeoworkFaults() {
        NotificaValidazioneEsito n = validazione(UUID.randomUUID().toString());
        when(geowork.onValidated(any())).thenReturn(StatoPratica.ENDED_BY_POSITIVE_OUTCOME);
        Object r = producer.requestBody("direct:callback", List.of(n));
        assertThat(((NotificaValidazioneEsitoResponse) r).getStatoPratica()).isEqualTo("ended_by_positive_outcome");

        doThrow(new UnknownPraticaException("unknown pratica x")).when(geowork).onValidated(any());
        Exchange unknown = producer.send("direct:callback", e -> e.getMessage().setBody(List.of(n)));
        assertThat(unknown.getException()).isInstanceOfSatisfying(GeoworkFault_Exception.class,
                f -> assertThat(f.getFaultInfo().getCodice()).isEqualTo("ERROR_404_001"));

        doThrow(new LifecycleException(LifecycleException.Kind.EVENT_NOT_EXPECTED, "not now")).when(geowork).onValidated(any());
        Exchange notNow = producer.send("direct:callback", e -> e.getMessage().setBody(List.of(n)));
        assertThat(notNow.getException()).isInstanceOfSatisfying(GeoworkFault_Exception.class,
                f -> assertThat(f.getFaultInfo().getCodice()).isEqualTo("ERROR_500_008"));
    }

    @Test
    void eachCallbackGoesToItsFlowByOperationTheConferenzaToItsOwn() {
        NotificaConferenza n = new NotificaConferenza();
        n.setIdPratica(UUID.randomUUID().toString());
        n.setFase(FaseConferenza.CONVOCAZIONE);
        n.setFunzionario("m.rossi");
        n.setModalita(ModalitaConferenza.SINCRONA);
        n.setCanale("videoconferenza");
        when(conferenze.onConferenza(any())).thenReturn(StatoPratica.CDSS_CONVENED);

        Object r = producer.requestBodyAndHeader("direct:callback", List.of(n), "operationName", "notificaConferenza");

        assertThat(((NotificaConferenzaResponse) r).getStatoPratica()).isEqualTo("cdss_convened");
        verify(conferenze).onConferenza(org.mockito.ArgumentMatchers.argThat(c -> c.convocazione() && "SINCRONA".equals(c.modalita())));
        verify(geowork, org.mockito.Mockito.never()).onValidated(any());
    }

    static NotificaValidazioneEsito validazione(String praticaId) {
        NotificaValidazioneEsito n = new NotificaValidazioneEsito();
        n.setIdPratica(praticaId);
        n.setEsitoValidato(it.comune.milano.suapgw.schemas.geowork.Esito.POSITIVO);
        n.setFunzionario("m.rossi");
        n.setIdProposta("esito-" + praticaId + "-0");
        return n;
    }
}
