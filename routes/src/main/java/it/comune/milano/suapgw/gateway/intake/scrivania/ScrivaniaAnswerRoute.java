package it.comune.milano.suapgw.gateway.intake.scrivania;

import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import it.comune.milano.suapgw.gateway.config.SoapEndpoints;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import org.apache.camel.component.cxf.common.message.CxfConstants;
import org.springframework.stereotype.Component;

import java.util.List;

/** The Comune's communications about a pre-SSU pratica, from the outbox, through {@code PddServiceSUAP.inviaEnteSUAP}. */
@Component
public class ScrivaniaAnswerRoute extends GatewayRouteBuilder {
    private static final String COMUNICAZIONE = "scrivaniaComunicazione";

    private final ScrivaniaAnswers answers;

    public ScrivaniaAnswerRoute(ScrivaniaAnswers answers) {
        this.answers = answers;
    }

    @Override
    public void configure() {
        fromOutbox(OutboxKind.SCRIVANIA_SEND, "scrivania-send-communication")
                .process(e -> {
                    ScrivaniaAnswers.Comunicazione c = answers.communication(entry(e).praticaId(), entry(e).payload());
                    e.setProperty(COMUNICAZIONE, c);
                    e.getMessage().getHeaders().clear();
                    e.getMessage().setHeader(CxfConstants.OPERATION_NAME, "inviaEnteSUAP");
                    e.getMessage().setBody(List.of(c.message()));
                })
                .to(SoapEndpoints.PDD_SERVICE_SUAP_CLIENT)
                .process(e -> {
                    ScrivaniaAnswers.Comunicazione c = e.getProperty(COMUNICAZIONE, ScrivaniaAnswers.Comunicazione.class);
                    answers.onDelivered(entry(e).praticaId(), c.tipoCooperazione(),
                            c.message().getIntestazione().getProtocollo().getNumeroRegistrazione(),
                            String.valueOf(e.getMessage().getBody(List.class).get(0)));
                });
    }
}
