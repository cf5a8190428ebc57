package it.comune.milano.suapgw.gateway.flows;

import it.comune.milano.suapgw.connectors.pec.PecMessages;
import it.comune.milano.suapgw.connectors.ssu.SsuHashes;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.service.PecService;
import it.comune.milano.suapgw.gateway.service.PraticaService;
import it.comune.milano.suapgw.model.Ente;
import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.util.ByteArrayDataSource;
import org.apache.camel.Exchange;
import org.apache.camel.attachment.AttachmentMessage;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The PEC channel of the enti (art. 10 of the DPR 160/2010 technical annex): each request as one message to the
 * ente's registered address, with the request JSON and the documents attached (SMTP); replies read from the
 * gateway's mailbox (IMAP), marked seen only once recorded or quarantined.
 */
@Component
public class PecChannelRoute extends RouteBuilder {
    private final PraticaService pratiche;
    private final PecService pec;
    private final GatewayProperties props;

    public PecChannelRoute(PraticaService pratiche, PecService pec, GatewayProperties props) {
        this.pratiche = pratiche;
        this.pec = pec;
        this.props = props;
    }

    @Override
    public void configure() {
        GatewayProperties.Mail m = props.mail();
        String credentials = "username=" + enc(m.address()) + "&password=RAW(" + m.password() + ")";

        from("direct:parere-pec").routeId("pareri-dispatch-pec")
                .errorHandler(noErrorHandler())
                .process(this::composeRequest)
                .toD("smtp://" + m.host() + ":" + m.smtpPort() + "?" + credentials + "&contentType=text/plain; charset=UTF-8")
                .process(e -> pratiche.onParereRequestSent(e.getProperty("richiesta", UUID.class),
                        e.getProperty("enteCode", String.class), e.getProperty("sentHash", String.class)));

        from("imap://" + m.host() + ":" + m.imapPort() + "?" + credentials
                + "&unseen=true&delete=false&mapMailMessage=false&delay=" + m.pollDelayMs())
                .routeId("pareri-collection-pec")
                .process(e -> {
                    Message mail = e.getMessage().getBody(Message.class);
                    ByteArrayOutputStream raw = new ByteArrayOutputStream();
                    mail.writeTo(raw);
                    PecService.Esito outcome = pec.onMail(raw.toByteArray());
                    log.debug("PEC message {} -> {}", mail.getSubject(), outcome);
                });
    }

    private void composeRequest(Exchange e) {
        PraticaService.RichiestaDaInviare r = e.getProperty("richiestaDaInviare", PraticaService.RichiestaDaInviare.class);
        Ente ente = e.getProperty("ente", Ente.class);
        String requestJson = e.getMessage().getBody(String.class);
        GatewayProperties.Mail m = props.mail();
        // documents travel attached up to the provider's message size; beyond it, as links (claim check)
        List<Map<String, Object>> attached = new ArrayList<>();
        List<String> names = new ArrayList<>();
        long size = requestJson.length();
        for (Map<String, Object> d : pratiche.documentsWithContent(r.praticaId())) {
            long n = ((Number) d.get("size")).longValue();
            if (size + n <= m.maxAttachmentsBytes()) {
                attached.add(d);
                size += n;
                names.add((String) d.get("name"));
            } else {
                names.add(d.get("name") + " (scaricabile da " + DocumentApi.downloadUrl(props, (String) d.get("sha256")) + ")");
            }
        }
        String body = PecMessages.requestBody(m.suapIdentificativo(), r.codicePratica(), r.codiceFiscale(),
                r.denominazione(), r.protocolloRi(), r.id().toString(), r.round(), r.deadline(),
                pratiche.canonical(r.praticaId()).procedureCode(), names,
                Boolean.TRUE.equals(e.getProperty("sollecito", Boolean.class)) ? pratiche.reminders(r.id()) : 0);
        e.getMessage().getHeaders().clear();
        e.getMessage().setHeader("Subject", PecMessages.subject(m.ufficioMittente(), r.codiceFiscale(), r.denominazione()));
        e.getMessage().setHeader("From", m.address());
        e.getMessage().setHeader("To", ente.pec());
        e.getMessage().setHeader("X-SUAPGW-Richiesta", r.id().toString());
        e.getMessage().setBody(body);
        AttachmentMessage am = e.getMessage(AttachmentMessage.class);
        am.addAttachment("richiesta-parere.json",
                new DataHandler(new ByteArrayDataSource(requestJson.getBytes(StandardCharsets.UTF_8), "application/json")));
        for (Map<String, Object> d : attached) {
            String mime = d.get("mime_type") == null ? "application/octet-stream" : (String) d.get("mime_type");
            am.addAttachment((String) d.get("name"), new DataHandler(new ByteArrayDataSource((byte[]) d.get("content"), mime)));
        }
        e.setProperty("richiesta", r.id());
        e.setProperty("enteCode", ente.code());
        e.setProperty("sentHash", SsuHashes.sha256Hex(body + requestJson));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
