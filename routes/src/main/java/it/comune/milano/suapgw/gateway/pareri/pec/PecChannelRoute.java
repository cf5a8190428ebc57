package it.comune.milano.suapgw.gateway.pareri.pec;

import it.comune.milano.suapgw.connectors.contract.ContentHashes;
import it.comune.milano.suapgw.connectors.pec.PecMessages;
import it.comune.milano.suapgw.gateway.common.ExchangeKeys;
import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import it.comune.milano.suapgw.gateway.common.RouteConfigurations;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.documenti.DocumentLinks;
import it.comune.milano.suapgw.gateway.pareri.PareriDispatchRoute;
import it.comune.milano.suapgw.gateway.pareri.PareriService;
import it.comune.milano.suapgw.gateway.persistence.DocumentStore;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.persistence.PareriRepository.DaInviare;
import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.util.ByteArrayDataSource;
import org.apache.camel.Exchange;
import org.apache.camel.attachment.AttachmentMessage;
import org.springframework.stereotype.Component;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The PEC channel of the enti (art. 10 of the DPR 160/2010 technical annex): each request as one message to the
 * ente's registered address, with the request JSON and the documents attached (SMTP); replies read from the
 * gateway's mailbox (IMAP), marked seen only once recorded or quarantined.
 */
@Component
public class PecChannelRoute extends GatewayRouteBuilder {
    private final PareriService pareri;
    private final PecReplyService replies;
    private final PraticaRepository pratiche;
    private final DocumentLinks links;
    private final GatewayProperties props;

    public PecChannelRoute(PareriService pareri, PecReplyService replies, PraticaRepository pratiche, DocumentLinks links,
                           GatewayProperties props) {
        this.pareri = pareri;
        this.replies = replies;
        this.pratiche = pratiche;
        this.links = links;
        this.props = props;
    }

    @Override
    public void configure() {
        GatewayProperties.Mail m = props.mail();
        String credentials = "username=" + enc(m.address()) + "&password=RAW(" + m.password() + ")"
                + "&sslContextParameters=#" + PecMailConfig.SSL + "&additionalJavaMailProperties=#" + PecMailConfig.PROPERTIES;

        from(PareriDispatchRoute.PEC).routeId("pareri-dispatch-pec")
                .routeConfigurationId(RouteConfigurations.OUTBOX_CALL)
                .process(this::composeRequest)
                .toD("smtps://" + m.host() + ":" + m.smtpPort() + "?" + credentials + "&contentType=text/plain; charset=UTF-8")
                .process(e -> {
                    PareriService.Invio invio = e.getProperty(PareriDispatchRoute.INVIO, PareriService.Invio.class);
                    pareri.onRequestSent(invio.richiesta().id(), invio.ente().code(),
                            e.getProperty(ExchangeKeys.SENT_HASH, String.class));
                });

        from(PareriDispatchRoute.PEC_NOTICE).routeId("pareri-notice-pec")
                .routeConfigurationId(RouteConfigurations.OUTBOX_CALL)
                .process(this::composeNotice)
                .toD("smtps://" + m.host() + ":" + m.smtpPort() + "?" + credentials + "&contentType=text/plain; charset=UTF-8")
                .process(e -> {
                    PareriService.Notifica n = e.getProperty(PareriDispatchRoute.NOTIFICA, PareriService.Notifica.class);
                    pareri.onNoticeSent(n.pratica().id(), n.ente().code(), n.evento(), e.getProperty(ExchangeKeys.SENT_HASH, String.class));
                });

        from("imaps://" + m.host() + ":" + m.imapPort() + "?" + credentials
                + "&unseen=true&delete=false&mapMailMessage=false&delay=" + m.pollDelayMs())
                .routeId("pareri-collection-pec")
                .process(e -> {
                    Message mail = e.getMessage().getBody(Message.class);
                    long max = m.maxMessageBytes();
                    // the size the provider states (IMAP RFC822.SIZE) decides before anything is downloaded; the
                    // download itself is bounded too
                    PecReplyService.Esito outcome;
                    if (mail.getSize() > max) {
                        outcome = replies.onOversized(first(mail.getFrom()), mail.getSubject(), first(mail.getHeader("Message-ID")), mail.getSize());
                    } else {
                        BoundedBuffer raw = new BoundedBuffer(max);
                        try {
                            mail.writeTo(raw);
                            outcome = record(raw.toByteArray());
                        } catch (java.io.UncheckedIOException tooLarge) {
                            if (!(tooLarge.getCause() instanceof BoundedBuffer.Exceeded)) throw tooLarge;
                            outcome = replies.onOversized(first(mail.getFrom()), mail.getSubject(),
                                    first(mail.getHeader("Message-ID")), raw.size());
                        }
                    }
                    log.debug("PEC message {} -> {}", mail.getSubject(), outcome);
                });
    }

    private void composeRequest(Exchange e) {
        PareriService.Invio invio = e.getProperty(PareriDispatchRoute.INVIO, PareriService.Invio.class);
        DaInviare r = invio.dati();
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
                names.add(d.get("name") + " (scaricabile da " + links.downloadUrl((String) d.get("sha256"), invio.ente().code()) + ")");
            }
        }
        // an SSU pratica has no codice pratica: its CUI names it on the art. 10 'Pratica:' line
        String riferimento = r.codicePratica() != null ? r.codicePratica() : invio.pratica().cuiUuid();
        String body = PecMessages.requestBody(m.suapIdentificativo(), riferimento, r.codiceFiscale(),
                r.denominazione(), r.protocolloRi(), r.id().toString(), r.round(), r.deadline(),
                invio.pratica().procedureCode(), names, invio.richiesta().sollecito());
        e.getMessage().getHeaders().clear();
        e.getMessage().setHeader("Subject", PecMessages.subject(m.ufficioMittente(), r.codiceFiscale(), r.denominazione()));
        e.getMessage().setHeader("From", m.address());
        e.getMessage().setHeader("To", invio.ente().pec());
        e.getMessage().setHeader("X-SUAPGW-Richiesta", r.id().toString());
        // the reply names it in In-Reply-To: that, not what the reply's text says, tells which request it answers
        e.getMessage().setHeader("Message-ID", PecMessages.requestMessageId(r.id().toString(), invio.richiesta().sollecito(),
                PecReplyService.requestDomain(m.address())));
        e.getMessage().setBody(body);
        AttachmentMessage am = e.getMessage(AttachmentMessage.class);
        am.addAttachment("richiesta-parere.json",
                new DataHandler(new ByteArrayDataSource(requestJson.getBytes(StandardCharsets.UTF_8), "application/json")));
        for (Map<String, Object> d : attached) {
            String mime = d.get("mime_type") == null ? "application/octet-stream" : (String) d.get("mime_type");
            am.addAttachment((String) d.get("name"), new DataHandler(
                    new StoredDocumentDataSource((String) d.get("name"), mime, (DocumentStore.Content) d.get("content"))));
        }
        e.setProperty(ExchangeKeys.SENT_HASH, ContentHashes.sha256Hex(body + requestJson));
    }

    private void composeNotice(Exchange e) {
        PareriService.Notifica n = e.getProperty(PareriDispatchRoute.NOTIFICA, PareriService.Notifica.class);
        String noticeJson = e.getMessage().getBody(String.class);
        GatewayProperties.Mail m = props.mail();
        List<String> richieste = n.richieste().stream().map(Object::toString).toList();
        String body = n.conferenza() != null
                ? PecMessages.conferenzaBody(m.suapIdentificativo(), riferimento(n.pratica()), n.codiceFiscale(), n.denominazione(),
                        n.conferenza().path("modalita").asText(), n.conferenza().path("data").asText(),
                        n.conferenza().path("canale").asText(), richieste)
                : PecMessages.annullamentoBody(m.suapIdentificativo(), riferimento(n.pratica()), n.codiceFiscale(),
                        n.denominazione(), n.evento(), richieste);
        e.getMessage().getHeaders().clear();
        e.getMessage().setHeader("Subject", PecMessages.subject(m.ufficioMittente(), n.codiceFiscale(), n.denominazione()));
        e.getMessage().setHeader("From", m.address());
        e.getMessage().setHeader("To", n.ente().pec());
        e.getMessage().setBody(body);
        e.getMessage(AttachmentMessage.class).addAttachment("notifica.json",
                new DataHandler(new ByteArrayDataSource(noticeJson.getBytes(StandardCharsets.UTF_8), "application/json")));
        e.setProperty(ExchangeKeys.SENT_HASH, ContentHashes.sha256Hex(body + noticeJson));
    }

    private PecReplyService.Esito record(byte[] raw) {
        try {
            return replies.onMail(raw);
        } catch (org.springframework.dao.TransientDataAccessException | org.springframework.transaction.CannotCreateTransactionException
                 | org.springframework.dao.DataAccessResourceFailureException transientFailure) {
            throw transientFailure; // the database, not the message: read again at the next poll
        } catch (RuntimeException failure) {
            return replies.onFailure(raw, failure);
        }
    }

    private static String riferimento(it.comune.milano.suapgw.gateway.persistence.PraticaRepository.Testata p) {
        return p.codicePratica() != null ? p.codicePratica() : p.cuiUuid();
    }

    private static String first(Object[] values) {
        return values == null || values.length == 0 ? null : String.valueOf(values[0]);
    }

    /** A byte buffer that refuses to grow beyond its bound. */
    static final class BoundedBuffer extends ByteArrayOutputStream {
        static final class Exceeded extends java.io.IOException {
            Exceeded() {
                super("bound exceeded");
            }
        }

        private final long max;

        BoundedBuffer(long max) {
            this.max = max;
        }

        @Override
        public synchronized void write(int b) {
            if (count + 1 > max) throw new java.io.UncheckedIOException(new Exceeded());
            super.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            if (count + (long) len > max) throw new java.io.UncheckedIOException(new Exceeded());
            super.write(b, off, len);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
