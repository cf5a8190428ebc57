package it.comune.milano.suapgw.gateway.intake.scrivania;

import it.comune.milano.suapgw.connectors.scrivania.PraticaPackageReader;
import it.comune.milano.suapgw.connectors.scrivania.ScrivaniaFault;
import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import it.comune.milano.suapgw.gateway.config.SoapEndpoints;
import it.comune.milano.suapgw.schemas.infocamere.ente.CooperazioneSUAPEnte;
import org.apache.camel.Exchange;
import org.apache.camel.component.cxf.common.message.CxfConstants;
import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.message.Attachment;
import org.apache.cxf.message.Message;
import org.springframework.stereotype.Component;

import java.util.Collection;
import java.util.List;

/**
 * The pre-SSU channel of Impresainungiorno: the official {@code PddServiceEnte.inviaSUAPEnte} provided at
 * /services/PddServiceEnte (schema-validated by CXF, then the pratica package read within limits). Every refusal is
 * a {@code soap:Client} fault whose reason starts with the defect's code.
 */
@Component
public class ScrivaniaIntakeRoute extends GatewayRouteBuilder {
    private final ScrivaniaIntakeService scrivania;
    private final PraticaPackageReader packages;

    public ScrivaniaIntakeRoute(ScrivaniaIntakeService scrivania, PraticaPackageReader packages) {
        this.scrivania = scrivania;
        this.packages = packages;
    }

    @Override
    public void configure() {
        from(SoapEndpoints.PDD_SERVICE_ENTE).routeId("scrivania-intake")
                .process(this::receive);
    }

    private void receive(Exchange e) {
        CooperazioneSUAPEnte message = (CooperazioneSUAPEnte) e.getMessage().getBody(List.class).get(0);
        Message cxf = e.getMessage().getHeader(CxfConstants.CAMEL_CXF_MESSAGE, Message.class);
        Collection<Attachment> parts = cxf == null || cxf.getAttachments() == null ? List.of() : cxf.getAttachments();
        String answer;
        try {
            List<PraticaPackageReader.Allegato> allegati = ScrivaniaAttachments.of(message, parts);
            answer = scrivania.receiveStreamed(message, sink -> packages.readAllegati(allegati, sink));
        } catch (ScrivaniaFault f) {
            log.info("inviaSUAPEnte refused: {}", f.getMessage());
            throw new SoapFault(f.getMessage(), Fault.FAULT_CODE_CLIENT);
        }
        e.getMessage().setBody(answer);
    }
}
