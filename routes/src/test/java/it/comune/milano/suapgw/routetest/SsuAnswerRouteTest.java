package it.comune.milano.suapgw.routetest;

import it.comune.milano.suapgw.connectors.contract.ContentHashes;
import it.comune.milano.suapgw.gateway.common.ExchangeKeys;
import it.comune.milano.suapgw.gateway.intake.ssu.SsuAnswerRoute;
import it.comune.milano.suapgw.gateway.intake.ssu.SsuAnswerService;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import org.apache.camel.Exchange;
import org.apache.camel.model.ToDynamicDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** notify to the front-office and audit to the Catalogo, booked only once delivered. */
@Import(SsuAnswerRoute.class)
class SsuAnswerRouteTest extends RouteTestBase {
    @MockitoBean
    SsuAnswerService answers;

    @Override
    protected void advise() throws Exception {
        adviceWith("frontoffice-notify", a -> a.weaveByType(ToDynamicDefinition.class).replace().to("mock:frontoffice"));
        adviceWith("catalogo-audit", a -> a.weaveByType(ToDynamicDefinition.class).replace().to("mock:catalogo"));
    }

    @Test
    void theNotifyIsPostedAsJsonAndBookedWithTheHashOfWhatWasSent() throws Exception {
        UUID id = UUID.randomUUID();
        String body = "{\"event\":\"end_by_positive_outcome\"}";
        when(answers.notifyBody(id, "end_by_positive_outcome")).thenReturn(body);
        mock("frontoffice").expectedBodiesReceived(body);
        mock("frontoffice").expectedHeaderReceived(Exchange.HTTP_METHOD, "POST");
        mock("frontoffice").expectedHeaderReceived(Exchange.CONTENT_TYPE, "application/json");
        mock("frontoffice").expectedPropertyReceived(ExchangeKeys.URL, "http://127.0.0.1:8182/notify");

        assertThat(callOutbox(OutboxKind.FO_NOTIFY, id, "end_by_positive_outcome").getException()).isNull();

        mock("frontoffice").assertIsSatisfied();
        verify(answers).onFrontOfficeCalled(id, "notify", ContentHashes.sha256Hex(body), "end_by_positive_outcome");
    }

    @Test
    void aNotifyTheFrontOfficeRefusedIsNotBooked() {
        UUID id = UUID.randomUUID();
        when(answers.notifyBody(any(), any())).thenReturn("{}");
        mock("frontoffice").whenAnyExchangeReceived(e -> {
            throw new IllegalStateException("HTTP 503");
        });

        assertThat(callOutbox(OutboxKind.FO_NOTIFY, id, "end_by_negative_outcome").getException()).hasMessage("HTTP 503");
        verify(answers, never()).onFrontOfficeCalled(any(), any(), any(), any());
    }

    @Test
    void theCatalogoAnswerTypeIsBookedWithTheAudit() {
        UUID id = UUID.randomUUID();
        when(answers.auditBody(id, "instance_retrived")).thenReturn("{\"message\":\"instance_retrived\"}");
        mock("catalogo").whenAnyExchangeReceived(e -> e.getMessage().setBody("{\"type\":\"warning\"}"));

        callOutbox(OutboxKind.CATALOGO_AUDIT, id, "instance_retrived");

        verify(answers).onAudited(eq(id), eq("instance_retrived"), any(), argThat(n -> "warning".equals(n.path("type").asText())));
    }
}
