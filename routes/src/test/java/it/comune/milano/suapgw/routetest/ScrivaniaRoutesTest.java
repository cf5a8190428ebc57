package it.comune.milano.suapgw.routetest;

import it.comune.milano.suapgw.connectors.scrivania.ScrivaniaFault;
import it.comune.milano.suapgw.gateway.config.SoapEndpoints;
import it.comune.milano.suapgw.gateway.intake.scrivania.ScrivaniaAnswerRoute;
import it.comune.milano.suapgw.gateway.intake.scrivania.ScrivaniaAnswers;
import it.comune.milano.suapgw.gateway.intake.scrivania.ScrivaniaIntakeRoute;
import it.comune.milano.suapgw.gateway.intake.scrivania.ScrivaniaIntakeService;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.schemas.infocamere.ente.AllegatoCooperazione;
import it.comune.milano.suapgw.schemas.infocamere.ente.CooperazioneEnteSUAP;
import it.comune.milano.suapgw.schemas.infocamere.ente.CooperazioneSUAPEnte;
import it.comune.milano.suapgw.schemas.infocamere.pratica.ProtocolloSUAP;
import org.apache.camel.Exchange;
import org.apache.cxf.binding.soap.SoapFault;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** The scrivania's cooperation messages in (faults carry the defect's code first) and the Comune's answers out. */
@Import({ScrivaniaIntakeRoute.class, ScrivaniaAnswerRoute.class})
class ScrivaniaRoutesTest extends RouteTestBase {
    @MockitoBean
    ScrivaniaIntakeService intake;
    @MockitoBean
    ScrivaniaAnswers answers;

    @Override
    protected void advise() throws Exception {
        adviceWith("scrivania-intake", a -> a.replaceFromWith("direct:inviaSUAPEnte"));
        adviceWith("scrivania-send-communication",
                a -> a.weaveByToUri(SoapEndpoints.PDD_SERVICE_SUAP_CLIENT).replace().to("mock:scrivania"));
    }

    @Test
    void aMessageIsAnsweredWithWhatTheIntakeReturns() {
        when(intake.receiveStreamed(any(), any())).thenReturn("Ok");

        assertThat(producer.requestBody("direct:inviaSUAPEnte", List.of(new CooperazioneSUAPEnte()))).isEqualTo("Ok");
    }

    @Test
    void aRefusalIsAClientFaultWhoseReasonStartsWithTheCode() {
        when(intake.receiveStreamed(any(), any())).thenThrow(new ScrivaniaFault(ScrivaniaFault.Code.PRATICA_UNKNOWN, "no pratica X"));

        Exchange out = producer.send("direct:inviaSUAPEnte", e -> e.getMessage().setBody(List.of(new CooperazioneSUAPEnte())));

        assertThat(out.getException()).isInstanceOfSatisfying(SoapFault.class, f -> {
            assertThat(f.getMessage()).startsWith("PRATICA_UNKNOWN");
            assertThat(f.getFaultCode().getLocalPart()).isEqualToIgnoringCase("client");
        });
    }

    @Test
    void anAllegatoReferringOutsideTheMessageIsRefusedBeforeTheIntake() {
        CooperazioneSUAPEnte m = new CooperazioneSUAPEnte();
        AllegatoCooperazione a = new AllegatoCooperazione();
        a.setNomeFile("x.zip");
        a.setEmbeddedFileRef("file:///etc/passwd");
        m.getAllegato().add(a);

        Exchange out = producer.send("direct:inviaSUAPEnte", e -> e.getMessage().setBody(List.of(m)));

        assertThat(out.getException()).isInstanceOf(SoapFault.class).hasMessageStartingWith("ATTACHMENT_MISSING");
        verify(intake, never()).receiveStreamed(any(), any());
    }

    @Test
    void theCommunicationIsSentByInviaEnteSuapAndBookedWithItsProtocol() throws Exception {
        UUID id = UUID.randomUUID();
        CooperazioneEnteSUAP message = new CooperazioneEnteSUAP();
        CooperazioneEnteSUAP.Intestazione intestazione = new CooperazioneEnteSUAP.Intestazione();
        ProtocolloSUAP protocollo = new ProtocolloSUAP();
        protocollo.setNumeroRegistrazione("0000042");
        intestazione.setProtocollo(protocollo);
        message.setIntestazione(intestazione);
        when(answers.communication(id, "{}")).thenReturn(new ScrivaniaAnswers.Comunicazione("CF-1", "rilascio-provvedimento", message));
        mock("scrivania").expectedHeaderReceived("operationName", "inviaEnteSUAP");
        mock("scrivania").whenAnyExchangeReceived(e -> e.getMessage().setBody(List.of("Ok")));

        assertThat(callOutbox(OutboxKind.SCRIVANIA_SEND, id, "{}").getException()).isNull();

        mock("scrivania").assertIsSatisfied();
        verify(answers).onDelivered(id, "rilascio-provvedimento", "0000042", "Ok");
    }
}
