package it.comune.milano.suapgw.gateway.intake.ssu;

import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.gateway.common.ExchangeKeys;
import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import it.comune.milano.suapgw.gateway.common.OutboundHttp;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import org.springframework.stereotype.Component;

/** The SSU answers from the outbox: fo_to_bo {@code notify} and {@code retry}, and the Catalogo's {@code audit}. */
@Component
public class SsuAnswerRoute extends GatewayRouteBuilder {
    private final SsuAnswerService answers;
    private final ObjectMapper json;
    private final GatewayProperties props;

    public SsuAnswerRoute(SsuAnswerService answers, ObjectMapper json, GatewayProperties props) {
        this.answers = answers;
        this.json = json;
        this.props = props;
    }

    @Override
    public void configure() {
        fromOutbox(OutboxKind.FO_NOTIFY, "frontoffice-notify")
                .process(e -> OutboundHttp.postJson(e, props.frontoffice().baseUrl() + "/notify",
                        answers.notifyBody(entry(e).praticaId(), entry(e).payload())))
                .toD(OutboundHttp.TO_URL)
                .process(e -> answers.onFrontOfficeCalled(entry(e).praticaId(), "notify",
                        e.getProperty(ExchangeKeys.SENT_HASH, String.class), entry(e).payload()));

        fromOutbox(OutboxKind.FO_RETRY, "frontoffice-retry")
                .process(e -> OutboundHttp.postJson(e, props.frontoffice().baseUrl() + "/retry", entry(e).payload()))
                .toD(OutboundHttp.TO_URL)
                .process(e -> answers.onFrontOfficeCalled(entry(e).praticaId(), "retry",
                        e.getProperty(ExchangeKeys.SENT_HASH, String.class), "send_instance"));

        fromOutbox(OutboxKind.CATALOGO_AUDIT, "catalogo-audit")
                .process(e -> OutboundHttp.postJson(e, props.catalogo().baseUrl() + "/audit",
                        answers.auditBody(entry(e).praticaId(), entry(e).payload())))
                .toD(OutboundHttp.TO_URL)
                .convertBodyTo(String.class)
                .process(e -> {
                    String response = e.getMessage().getBody(String.class);
                    answers.onAudited(entry(e).praticaId(), entry(e).payload(), e.getProperty(ExchangeKeys.SENT_HASH, String.class),
                            response == null || response.isBlank() ? null : json.readTree(response));
                });
    }
}
