package it.comune.milano.suapgw.gateway.intake.ssu;

import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.connectors.ssu.SsuContract;
import it.comune.milano.suapgw.gateway.common.ExchangeKeys;
import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import it.comune.milano.suapgw.gateway.common.OutboundHttp;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.security.modi.ModiOutbound;
import it.comune.milano.suapgw.gateway.security.modi.ModiProperties;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The SSU calls from the outbox: to the front-office (fo_to_bo {@code notify}, {@code request_correction},
 * {@code request_integration}, {@code retry}) and the Catalogo ({@code audit}, {@code update_times}), each body
 * checked against the official contract before it leaves.
 */
@Component
public class SsuAnswerRoute extends GatewayRouteBuilder {
    private final SsuAnswerService answers;
    private final ObjectMapper json;
    private final GatewayProperties props;

    private final ModiOutbound modi;
    private final ModiProperties modiProps;

    public SsuAnswerRoute(SsuAnswerService answers, ObjectMapper json, GatewayProperties props, ModiOutbound modi,
                          ModiProperties modiProps) {
        this.modi = modi;
        this.modiProps = modiProps;
        this.answers = answers;
        this.json = json;
        this.props = props;
    }

    @Override
    public void configure() {
        String fo = props.frontoffice().baseUrl();
        String catalogo = props.catalogo().baseUrl();

        fromOutbox(OutboxKind.FO_NOTIFY, "frontoffice-notify")
                .process(e -> OutboundHttp.postJson(e, fo + "/notify", answers.notifyBody(entry(e).praticaId(), entry(e).payload())))
                .process(e -> modi.sign(e, modiProps.frontofficeClient()))
                .toD(OutboundHttp.TO_URL)
                .convertBodyTo(String.class)
                .process(e -> modi.verifyResponse(e, modiProps.frontofficeClient()))
                .process(e -> answers.onFrontOfficeCalled(entry(e).praticaId(), "notify",
                        e.getProperty(ExchangeKeys.SENT_HASH, String.class), answers.event(entry(e).payload())));

        toFrontOffice(OutboxKind.FO_REQUEST_CORRECTION, "frontoffice-request-correction", fo + "/request_correction",
                SsuContract.REQUEST_CORRECTION, "request_correction");
        toFrontOffice(OutboxKind.FO_REQUEST_INTEGRATION, "frontoffice-request-integration", fo + "/request_integration",
                SsuContract.REQUEST_INTEGRATION, "request_integration");
        toFrontOffice(OutboxKind.FO_RETRY, "frontoffice-retry", fo + "/retry", SsuContract.FO_RETRY, "retry");

        fromOutbox(OutboxKind.CATALOGO_AUDIT, "catalogo-audit")
                .process(e -> OutboundHttp.postJson(e, catalogo + "/audit",
                        answers.auditBody(entry(e).praticaId(), entry(e).payload(), entry(e).createdAt())))
                .process(e -> modi.sign(e, modiProps.catalogoClient()))
                .toD(OutboundHttp.TO_URL)
                .convertBodyTo(String.class)
                .process(e -> modi.verifyResponse(e, modiProps.catalogoClient()))
                .process(e -> catalogoCalled(e, "audit " + entry(e).payload()));

        fromOutbox(OutboxKind.CATALOGO_UPDATE_TIMES, "catalogo-update-times")
                .process(e -> OutboundHttp.postJson(e, catalogo + "/update_times",
                        answers.fixedBody(SsuContract.UPDATE_TIMES, entry(e).payload())))
                .process(e -> modi.sign(e, modiProps.catalogoClient()))
                .toD(OutboundHttp.TO_URL)
                .convertBodyTo(String.class)
                .process(e -> modi.verifyResponse(e, modiProps.catalogoClient()))
                .process(e -> catalogoCalled(e, "update_times"));
    }

    private void toFrontOffice(OutboxKind kind, String routeId, String url, String schema, String operation) {
        fromOutbox(kind, routeId)
                .process(e -> OutboundHttp.postJson(e, url, answers.fixedBody(schema, entry(e).payload())))
                .process(e -> modi.sign(e, modiProps.frontofficeClient()))
                .toD(OutboundHttp.TO_URL)
                .convertBodyTo(String.class)
                .process(e -> modi.verifyResponse(e, modiProps.frontofficeClient()))
                .process(e -> answers.onFrontOfficeCalled(entry(e).praticaId(), operation,
                        e.getProperty(ExchangeKeys.SENT_HASH, String.class), null));
    }

    private void catalogoCalled(Exchange e, String operation) throws Exception {
        String response = e.getMessage().getBody(String.class);
        answers.onCatalogoCalled(entry(e).praticaId(), operation, e.getProperty(ExchangeKeys.SENT_HASH, String.class),
                response == null || response.isBlank() ? null : json.readTree(response));
    }
}
