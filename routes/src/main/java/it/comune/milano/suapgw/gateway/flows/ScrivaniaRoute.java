package it.comune.milano.suapgw.gateway.flows;

import it.comune.milano.suapgw.connectors.scrivania.PraticaPackageReader;
import it.comune.milano.suapgw.connectors.scrivania.ScrivaniaFault;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.persistence.OutboxEntry;
import it.comune.milano.suapgw.gateway.service.ScrivaniaService;
import it.comune.milano.suapgw.schemas.infocamere.ente.AllegatoCooperazione;
import it.comune.milano.suapgw.schemas.infocamere.ente.CooperazioneSUAPEnte;
import it.comune.milano.suapgw.schemas.infocamere.scrivania.PddServiceEnte;
import it.comune.milano.suapgw.schemas.infocamere.scrivania.PddServiceSUAP;
import jakarta.activation.DataHandler;
import org.apache.camel.Exchange;
import org.apache.camel.attachment.AttachmentMessage;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.cxf.common.DataFormat;
import org.apache.camel.component.cxf.common.message.CxfConstants;
import org.apache.camel.component.cxf.jaxws.CxfEndpoint;
import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.interceptor.Fault;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The pre-SSU channel of Impresainungiorno: the official {@code PddServiceEnte.inviaSUAPEnte} provided at
 * /services/PddServiceEnte (schema-validated by CXF, then the pratica package read within limits), and the Comune's
 * communications through {@code PddServiceSUAP.inviaEnteSUAP} from the outbox.
 */
@Component
public class ScrivaniaRoute extends RouteBuilder {
    private final ScrivaniaService scrivania;
    private final PraticaPackageReader packages;
    private final GatewayProperties props;

    public ScrivaniaRoute(ScrivaniaService scrivania, PraticaPackageReader packages, GatewayProperties props) {
        this.scrivania = scrivania;
        this.packages = packages;
        this.props = props;
    }

    @Bean
    public CxfEndpoint pddServiceEnte(GatewayProperties props) {
        CxfEndpoint e = new CxfEndpoint();
        e.setAddress("/PddServiceEnte");
        e.setServiceClass(PddServiceEnte.class);
        e.setWsdlURL("classpath:infocamere/PddServiceEnte.wsdl");
        e.setDataFormat(DataFormat.POJO);
        Map<String, Object> p = new HashMap<>();
        p.put("schema-validation-enabled", "true");
        // a cooperation message's attachment is at most one package; larger MIME parts are cached on disk by CXF
        p.put("attachment-max-size", String.valueOf(props.scrivania().maxTotalBytes()));
        e.setProperties(p);
        return e;
    }

    @Bean
    public CxfEndpoint pddServiceSuapClient(GatewayProperties props) {
        CxfEndpoint e = new CxfEndpoint();
        e.setAddress(props.scrivania().address());
        e.setServiceClass(PddServiceSUAP.class);
        e.setWsdlURL("classpath:infocamere/PddServiceSuap.wsdl");
        e.setDataFormat(DataFormat.POJO);
        return e;
    }

    @Override
    public void configure() {
        from("cxf:bean:pddServiceEnte").routeId("scrivania-intake")
                .process(this::receive);

        from("direct:outbox-SCRIVANIA_SEND").routeId("scrivania-send-communication")
                .errorHandler(noErrorHandler())
                .process(e -> {
                    OutboxEntry o = e.getMessage().getBody(OutboxEntry.class);
                    ScrivaniaService.Comunicazione c = scrivania.communication(o.praticaId(), o.payload());
                    e.setProperty("comunicazione", c);
                    e.getMessage().getHeaders().clear();
                    e.getMessage().setHeader(CxfConstants.OPERATION_NAME, "inviaEnteSUAP");
                    e.getMessage().setBody(List.of(c.message()));
                })
                .to("cxf:bean:pddServiceSuapClient")
                .process(e -> {
                    OutboxEntry o = e.getProperty("outboxEntry", OutboxEntry.class);
                    ScrivaniaService.Comunicazione c = e.getProperty("comunicazione", ScrivaniaService.Comunicazione.class);
                    String ret = String.valueOf(e.getMessage().getBody(List.class).get(0));
                    scrivania.onCommunicationDelivered(o.praticaId(), c.tipoCooperazione(),
                            c.message().getIntestazione().getProtocollo().getNumeroRegistrazione(), ret);
                });
    }

    private void receive(Exchange e) {
        CooperazioneSUAPEnte message = (CooperazioneSUAPEnte) e.getMessage().getBody(List.class).get(0);
        String answer;
        try {
            answer = scrivania.receive(message, packages.readAllegati(allegati(e, message)));
        } catch (ScrivaniaFault f) {
            log.info("inviaSUAPEnte refused: {}", f.getMessage());
            throw new SoapFault(f.getMessage(), Fault.FAULT_CODE_CLIENT);
        }
        e.getMessage().setBody(answer);
    }

    /**
     * The content of each allegato: the MIME part its swaRef names, or (SOAP with Attachments without swaRef, as
     * over SPCoop) the part whose Content-ID is its nome-file or cod.
     */
    private List<PraticaPackageReader.Allegato> allegati(Exchange e, CooperazioneSUAPEnte message) {
        AttachmentMessage am = e.getMessage(AttachmentMessage.class);
        Map<String, DataHandler> parts = am != null && am.hasAttachments() ? am.getAttachments() : Map.of();
        List<PraticaPackageReader.Allegato> out = new ArrayList<>();
        for (AllegatoCooperazione a : message.getAllegato()) {
            DataHandler found = a.getEmbeddedFileRef();
            if (found == null) found = byContentId(parts, a.getNomeFile());
            if (found == null && a.getCod() != null) found = byContentId(parts, a.getCod());
            if (found == null) {
                throw new ScrivaniaFault(ScrivaniaFault.Code.ATTACHMENT_MISSING, "allegato " + a.getNomeFile()
                        + " has neither an embedded-file-ref nor a MIME part with Content-ID <" + a.getNomeFile() + ">");
            }
            DataHandler dh = found;
            out.add(new PraticaPackageReader.Allegato(a.getNomeFile(), () -> {
                try {
                    return dh.getInputStream();
                } catch (Exception ex) {
                    throw new ScrivaniaFault(ScrivaniaFault.Code.ATTACHMENT_MISSING, "allegato " + a.getNomeFile()
                            + ": its embedded-file-ref does not name a MIME part of this message (only cid: references"
                            + " are followed)");
                }
            }));
        }
        return out;
    }

    private static DataHandler byContentId(Map<String, DataHandler> parts, String id) {
        for (Map.Entry<String, DataHandler> p : parts.entrySet()) {
            String k = p.getKey().replaceAll("^<|>$", "");
            if (k.equals(id)) return p.getValue();
        }
        return null;
    }
}
