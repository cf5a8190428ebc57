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
import org.apache.cxf.message.Attachment;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.cxf.common.DataFormat;
import org.apache.camel.component.cxf.common.message.CxfConstants;
import org.apache.camel.component.cxf.jaxws.CxfEndpoint;
import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.interceptor.Fault;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;

import java.io.ByteArrayInputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
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
     * The content of each allegato, from its {@code embedded-file-ref}: {@code cid:} names a MIME part of this message
     * (SOAP with Attachments, swaRef), {@code data:} carries the content inline (RFC 2397, base64). Without a reference
     * (SwA as over SPCoop) the part whose Content-ID is the allegato's nome-file or cod. Nothing else is followed.
     */
    private static List<PraticaPackageReader.Allegato> allegati(Exchange e, CooperazioneSUAPEnte message) {
        org.apache.cxf.message.Message cxf = e.getMessage().getHeader(CxfConstants.CAMEL_CXF_MESSAGE,
                org.apache.cxf.message.Message.class);
        Collection<Attachment> parts = cxf == null || cxf.getAttachments() == null ? List.of() : cxf.getAttachments();
        List<PraticaPackageReader.Allegato> out = new ArrayList<>();
        for (AllegatoCooperazione a : message.getAllegato()) {
            String ref = a.getEmbeddedFileRef() == null ? null : a.getEmbeddedFileRef().trim();
            String name = a.getNomeFile();
            if (ref != null && ref.regionMatches(true, 0, "data:", 0, 5)) {
                byte[] inline = inline(name, ref);
                out.add(new PraticaPackageReader.Allegato(name, () -> new ByteArrayInputStream(inline)));
                continue;
            }
            DataHandler dh;
            if (ref != null) {
                if (!ref.regionMatches(true, 0, "cid:", 0, 4)) {
                    throw new ScrivaniaFault(ScrivaniaFault.Code.ATTACHMENT_MISSING, "allegato " + name
                            + ": embedded-file-ref '" + abbreviate(ref) + "' is neither a cid: nor a data: URI"
                            + " (references outside the message are not followed)");
                }
                String cid = URLDecoder.decode(ref.substring(4), StandardCharsets.UTF_8);
                dh = part(parts, cid);
                if (dh == null) {
                    throw new ScrivaniaFault(ScrivaniaFault.Code.ATTACHMENT_MISSING, "allegato " + name
                            + ": the message has no MIME part with Content-ID <" + cid + ">");
                }
            } else {
                dh = part(parts, name);
                if (dh == null && a.getCod() != null) dh = part(parts, a.getCod());
                if (dh == null) {
                    throw new ScrivaniaFault(ScrivaniaFault.Code.ATTACHMENT_MISSING, "allegato " + name
                            + " has neither an embedded-file-ref nor a MIME part with Content-ID <" + name + ">");
                }
            }
            DataHandler content = dh;
            out.add(new PraticaPackageReader.Allegato(name, content::getInputStream));
        }
        return out;
    }

    private static byte[] inline(String name, String ref) {
        int comma = ref.indexOf(',');
        if (comma < 0 || !ref.substring(0, comma).toLowerCase(java.util.Locale.ROOT).endsWith(";base64")) {
            throw new ScrivaniaFault(ScrivaniaFault.Code.ATTACHMENT_MISSING, "allegato " + name
                    + ": an inline embedded-file-ref must be a base64 data: URI (data:<mime>;base64,<content>)");
        }
        try {
            return Base64.getMimeDecoder().decode(ref.substring(comma + 1));
        } catch (IllegalArgumentException bad) {
            throw new ScrivaniaFault(ScrivaniaFault.Code.ATTACHMENT_MISSING, "allegato " + name
                    + ": the inline content is not valid base64");
        }
    }

    private static DataHandler part(Collection<Attachment> parts, String id) {
        for (Attachment p : parts) {
            if (id.equals(p.getId()) || ("<" + id + ">").equals(p.getId())) return p.getDataHandler();
        }
        return null;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
