package it.comune.milano.suapgw.routetest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.connectors.geopost.GeopostMapper;
import it.comune.milano.suapgw.gateway.intake.geopost.GeopostEvents;
import it.comune.milano.suapgw.gateway.intake.geopost.GeopostIntakeRoute;
import it.comune.milano.suapgw.gateway.intake.geopost.GeopostIntakeService;
import it.comune.milano.suapgw.gateway.persistence.DeadLetterStore;
import org.apache.camel.Exchange;
import org.apache.camel.model.ToDynamicDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import java.net.http.HttpResponse;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** GEOPOST events pushed and polled: answered in GEOPOST's contract, each taken once, an invalid one set aside. */
@Import(GeopostIntakeRoute.class)
class GeopostIntakeRouteTest extends RouteTestBase {
    static final ObjectMapper JSON = new ObjectMapper();

    @MockitoBean
    GeopostIntakeService intake;
    @MockitoBean
    GeopostEvents events;
    @MockitoBean
    DeadLetterStore deadLetters;

    @Override
    protected void advise() throws Exception {
        adviceWith("geopost-catch-up", a -> {
            a.replaceFromWith("direct:poll");
            a.weaveByType(ToDynamicDefinition.class).replace().to("mock:geopost");
        });
    }

    @Test
    void aPushThatIsNotAnEventIsRefusedInTheContractsOwnErrorFormat() throws Exception {
        HttpResponse<String> r = post("/geopost/eventi", "application/json", "{\"seq\":1,\"tipo\":\"ISTANZA\"}");

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode e = JSON.readTree(r.body());
        assertThat(e.path("codice").asText()).isEqualTo(GeopostMapper.RICHIESTA_NON_VALIDA);
        assertThat(e.path("messaggio").asText()).isNotBlank();
        verify(intake, never()).receive(any(), anyString());
    }

    @Test
    void aPushThatIsNotJsonIsRefused() throws Exception {
        HttpResponse<String> r = post("/geopost/eventi", "application/json", "<istanza/>");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("messaggio").asText()).isEqualTo("the body is not JSON");
    }

    @Test
    void thePollAsksAfterTheCursorAndSetsAsideAnInvalidEventMovingPastIt() {
        when(events.cursor()).thenReturn(41L);
        mock("geopost").expectedHeaderReceived(Exchange.HTTP_QUERY, "dopo=41&limite=100");
        mock("geopost").whenAnyExchangeReceived(e -> e.getMessage().setBody("{\"eventi\":[{\"seq\":42,\"tipo\":\"ALTRO\"}]}"));

        producer.sendBody("direct:poll", null);

        verify(deadLetters).add(eq("GEOPOST_EVENT_REJECTED"), anyString(), anyString(), anyString(), isNull(), isNull(), isNull());
        verify(events).advanceCursor(42L);
        verify(intake, never()).receive(any(), anyString());
    }

    @Test
    void aFailingPollChangesNothing() {
        when(events.cursor()).thenReturn(7L);
        mock("geopost").whenAnyExchangeReceived(e -> {
            throw new java.net.ConnectException("GEOPOST unreachable");
        });

        Exchange out = producer.send("direct:poll", e -> { });

        assertThat(out.getException()).isNull(); // logged at WARN, the next tick tries again
        verify(events, never()).advanceCursor(org.mockito.ArgumentMatchers.anyLong());
    }

    @Test
    void aPushRacingThePollIsAnsweredAsARepeat() throws Exception {
        UUID id = UUID.randomUUID();
        when(intake.receive(any(), eq(GeopostIntakeService.PUSH)))
                .thenThrow(new org.springframework.dao.DuplicateKeyException("geopost_event_pkey"))
                .thenReturn(new GeopostIntakeService.Ricezione(GeopostMapper.DUPLICATO, id));
        String event = JSON.readTree(new java.io.File("../test-data/osp/istanze/02-corso-como-positivo-senza-rilievi.json"))
                .toString();

        HttpResponse<String> r = post("/geopost/eventi", "application/json", "{\"seq\":5,\"tipo\":\"ISTANZA\",\"istanza\":" + event + "}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).path("esito").asText()).isEqualTo(GeopostMapper.DUPLICATO);
        assertThat(JSON.readTree(r.body()).path("idPratica").asText()).isEqualTo(id.toString());
    }

    @Test
    void anEventThatKeepsFailingToStoreIsSetAsideAfterFivePollsButAnUnreachableDatabaseNeverSetsItAside() throws Exception {
        String istanza = JSON.readTree(new java.io.File("../test-data/osp/istanze/02-corso-como-positivo-senza-rilievi.json")).toString();
        when(events.cursor()).thenReturn(8L);
        mock("geopost").whenAnyExchangeReceived(e -> e.getMessage().setBody(
                "{\"eventi\":[{\"seq\":9,\"tipo\":\"ISTANZA\",\"istanza\":" + istanza + "}]}"));
        when(intake.receive(any(), eq(GeopostIntakeService.POLL)))
                .thenThrow(new org.springframework.jdbc.CannotGetJdbcConnectionException("database down"))
                .thenThrow(new org.springframework.dao.DataIntegrityViolationException("value too long for type character varying(200)"));

        for (int poll = 1; poll <= 5; poll++) {
            producer.sendBody("direct:poll", null);
            verify(events, never()).advanceCursor(9L);
        }
        verify(deadLetters, never()).add(anyString(), anyString(), anyString(), anyString(), any(), any(), any());

        producer.sendBody("direct:poll", null); // the fifth failure of the event itself
        verify(deadLetters).add(eq("GEOPOST_EVENT_UNSTORABLE"), anyString(), org.mockito.ArgumentMatchers.contains("value too long"),
                anyString(), isNull(), isNull(), isNull());
        verify(events).advanceCursor(9L);
    }
}
