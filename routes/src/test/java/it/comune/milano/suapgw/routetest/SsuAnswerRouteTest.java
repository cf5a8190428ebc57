package it.comune.milano.suapgw.routetest;

import it.comune.milano.suapgw.connectors.contract.ContentHashes;
import it.comune.milano.suapgw.connectors.ssu.SsuContract;
import it.comune.milano.suapgw.gateway.common.ContractViolationException;
import it.comune.milano.suapgw.gateway.common.ExchangeKeys;
import it.comune.milano.suapgw.gateway.intake.ssu.SsuAnswerRoute;
import it.comune.milano.suapgw.gateway.intake.ssu.SsuAnswerService;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import org.apache.camel.Exchange;
import org.apache.camel.model.ToDynamicDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** The SSU calls (notify, request_correction, audit), each to its operation, booked only once delivered. */
@Import(SsuAnswerRoute.class)
class SsuAnswerRouteTest extends RouteTestBase {
    @MockitoBean
    SsuAnswerService answers;

    @Override
    protected void advise() throws Exception {
        adviceWith("frontoffice-notify", a -> a.weaveByType(ToDynamicDefinition.class).replace().to("mock:frontoffice"));
        adviceWith("catalogo-audit", a -> a.weaveByType(ToDynamicDefinition.class).replace().to("mock:catalogo"));
        adviceWith("frontoffice-request-correction", a -> a.weaveByType(ToDynamicDefinition.class).replace().to("mock:frontoffice"));
    }

    @Test
    void theNotifyIsPostedAsJsonAndBookedWithTheHashOfWhatWasSent() throws Exception {
        UUID id = UUID.randomUUID();
        String payload = "{\"event\":\"end_by_positive_outcome\",\"resource_id\":\"provvedimento-1\"}";
        String body = "{\"cui\":{},\"event\":\"end_by_positive_outcome\"}";
        when(answers.notifyBody(id, payload)).thenReturn(body);
        when(answers.event(payload)).thenReturn("end_by_positive_outcome");
        mock("frontoffice").expectedBodiesReceived(body);
        mock("frontoffice").expectedHeaderReceived(Exchange.HTTP_METHOD, "POST");
        mock("frontoffice").expectedHeaderReceived(Exchange.CONTENT_TYPE, "application/json");
        mock("frontoffice").expectedPropertyReceived(ExchangeKeys.URL, "http://127.0.0.1:8182/notify");

        assertThat(callOutbox(OutboxKind.FO_NOTIFY, id, payload).getException()).isNull();

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
        when(answers.auditBody(eq(id), eq("instance_retrived"), any())).thenReturn("{\"message\":\"instance_retrived\"}");
        mock("catalogo").whenAnyExchangeReceived(e -> e.getMessage().setBody("{\"type\":\"warning\"}"));

        callOutbox(OutboxKind.CATALOGO_AUDIT, id, "instance_retrived");

        verify(answers).onCatalogoCalled(eq(id), eq("audit instance_retrived"), any(),
                argThat(n -> "warning".equals(n.path("type").asText())));
    }

    @Test
    void aCorrectionRequestGoesToItsOwnOperationCheckedAgainstTheContract() throws Exception {
        UUID id = UUID.randomUUID();
        when(answers.fixedBody(SsuContract.REQUEST_CORRECTION, "{\"x\":1}")).thenReturn("{\"x\":1}");
        mock("frontoffice").expectedPropertyReceived(ExchangeKeys.URL, "http://127.0.0.1:8182/request_correction");

        assertThat(callOutbox(OutboxKind.FO_REQUEST_CORRECTION, id, "{\"x\":1}").getException()).isNull();

        mock("frontoffice").assertIsSatisfied();
        verify(answers).onFrontOfficeCalled(eq(id), eq("request_correction"), any(), eq(null));
    }

    @Test
    void aBodyViolatingTheContractNeverLeaves() {
        UUID id = UUID.randomUUID();
        when(answers.fixedBody(any(), any())).thenThrow(new ContractViolationException("request_correction", List.of("bad")));
        mock("frontoffice").expectedMessageCount(0);

        assertThat(callOutbox(OutboxKind.FO_REQUEST_CORRECTION, id, "{}").getException())
                .isInstanceOf(ContractViolationException.class);
        verify(answers, never()).onFrontOfficeCalled(any(), any(), any(), any());
    }
}
