package it.comune.milano.suapgw.routetest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.gateway.documenti.DocumentLinks;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.pareri.PareriDispatchRoute;
import it.comune.milano.suapgw.gateway.pareri.PareriService;
import it.comune.milano.suapgw.gateway.persistence.PareriRepository;
import it.comune.milano.suapgw.model.Canale;
import it.comune.milano.suapgw.model.Ente;
import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.PraticaCanonica;
import it.comune.milano.suapgw.model.RichiestaParere;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.ToDynamicDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** One request per ente per round on its channel: the broker queue (with dedup id and grouping) or PEC. */
@Import({PareriDispatchRoute.class, DocumentLinks.class})
class PareriDispatchRouteTest extends RouteTestBase {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Ente POLIZIA = new Ente("polizia-locale", "c_f205", "PL", "Polizia Locale", "artemis",
            "suapgw.pareri.richieste.polizia-locale", 10, "ente-polizia-locale", null, null);
    static final Ente VVF = new Ente("vigili-del-fuoco", "vvf", "MI", "Vigili del Fuoco", "pec", null, 30, null,
            "com.milano@cert.vigilfuoco.it", null);

    @MockitoBean
    PareriService pareri;

    @Override
    protected void advise() throws Exception {
        adviceWith("pareri-dispatch", a -> a.weaveByType(ToDynamicDefinition.class).replace().to("mock:broker"));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(PareriDispatchRoute.PEC).routeId("test-pec").to("mock:pec");
            }
        });
    }

    @Test
    void aRequestGoesToTheEntesQueueGroupedByPraticaWithADuplicateDetectionId() throws Exception {
        PareriService.Invio invio = invio(POLIZIA, 0);
        when(pareri.invio(invio.richiesta().id(), false)).thenReturn(invio);
        mock("broker").expectedMessageCount(1);
        mock("broker").expectedPropertyReceived("pareriQueue", POLIZIA.queue());
        mock("broker").expectedHeaderReceived("_AMQ_DUPL_ID", "richiesta-" + invio.richiesta().id() + "-1");
        mock("broker").expectedHeaderReceived("JMSXGroupID", invio.richiesta().praticaId().toString());

        assertThat(callOutbox(OutboxKind.PARERE_REQUEST, invio.richiesta().praticaId(), invio.richiesta().id().toString())
                .getException()).isNull();

        mock("broker").assertIsSatisfied();
        JsonNode body = JSON.readTree(mock("broker").getReceivedExchanges().get(0).getMessage().getBody(String.class));
        assertThat(body.path("idRichiesta").asText()).isEqualTo(invio.richiesta().id().toString());
        assertThat(body.path("canale").asText()).isEqualTo("SSU");
        assertThat(body.path("parerePrecedente").path("esito").asText()).isEqualTo("conformazione");
        verify(pareri).onRequestSent(eq(invio.richiesta().id()), eq("polizia-locale"), anyString());
    }

    @Test
    void aReminderIsTheSameRequestWithItsOwnDuplicateDetectionId() throws Exception {
        PareriService.Invio invio = invio(POLIZIA, 2);
        when(pareri.invio(invio.richiesta().id(), true)).thenReturn(invio);
        mock("broker").expectedHeaderReceived("_AMQ_DUPL_ID", "richiesta-" + invio.richiesta().id() + "-1-sollecito-2");

        callOutbox(OutboxKind.PARERE_REMINDER, invio.richiesta().praticaId(), invio.richiesta().id().toString());

        mock("broker").assertIsSatisfied();
        assertThat(JSON.readTree(mock("broker").getReceivedExchanges().get(0).getMessage().getBody(String.class))
                .path("sollecito").asInt()).isEqualTo(2);
    }

    @Test
    void aPecEnteGetsItOnThePecChannelAndNothingOnTheBroker() throws Exception {
        PareriService.Invio invio = invio(VVF, 0);
        when(pareri.invio(invio.richiesta().id(), false)).thenReturn(invio);
        mock("pec").expectedMessageCount(1);
        mock("broker").expectedMessageCount(0);

        callOutbox(OutboxKind.PARERE_REQUEST, invio.richiesta().praticaId(), invio.richiesta().id().toString());

        mock("pec").assertIsSatisfied();
        mock("broker").assertIsSatisfied();
        Exchange sent = mock("pec").getReceivedExchanges().get(0);
        assertThat(sent.getProperty(PareriDispatchRoute.INVIO)).isSameAs(invio);
        verify(pareri, never()).onRequestSent(any(), any(), any());
    }

    static PareriService.Invio invio(Ente ente, int sollecito) {
        UUID id = UUID.randomUUID(), pratica = UUID.randomUUID();
        RichiestaParere r = new RichiestaParere(id, pratica, ente.code(), 1, LocalDate.now().plusDays(10), "CF-1", Canale.SSU,
                null, sollecito, new RichiestaParere.ParerePrecedente(UUID.randomUUID(), Esito.CONFORMAZIONE));
        PraticaCanonica p = new PraticaCanonica(pratica, "cui-1", Canale.SSU, "PROC", "1", "SCIA", "015146", "RSSMRA80A01F205X",
                OffsetDateTime.now(), List.of(), List.of(ente), List.of());
        PareriRepository.DaInviare d = new PareriRepository.DaInviare(id, pratica, ente.code(), 1, r.deadline(), Canale.SSU,
                "CF-1", "RSSMRA80A01F205X", "Bar Duomo", null, null, null, sollecito);
        return new PareriService.Invio(r, d, p, ente);
    }
}
