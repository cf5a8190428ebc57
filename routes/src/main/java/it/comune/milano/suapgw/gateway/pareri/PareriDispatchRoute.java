package it.comune.milano.suapgw.gateway.pareri;

import it.comune.milano.suapgw.connectors.contract.ContentHashes;
import it.comune.milano.suapgw.connectors.pareri.PareriMessages;
import it.comune.milano.suapgw.gateway.common.ExchangeKeys;
import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import it.comune.milano.suapgw.gateway.documenti.DocumentLinks;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.springframework.stereotype.Component;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One parere request per ente per round, the same JSON (schemas/messages) on every channel: on the ente's queue
 * suapgw.pareri.richieste.&lt;ente&gt; (persistent, grouped by pratica, documents by reference only, Artemis
 * duplicate detection against a re-publication after a crash), or by PEC ({@link it.comune.milano.suapgw.gateway.pareri.pec.PecChannelRoute}).
 * An overdue request is sent again as a reminder, on the same channel, with its own duplicate-detection id.
 */
@Component
public class PareriDispatchRoute extends GatewayRouteBuilder {
    /** the request being sent (PareriService.Invio) */
    public static final String INVIO = "pareriInvio";
    public static final String PEC = "direct:parere-pec";
    public static final String PEC_NOTICE = "direct:parere-pec-notice";
    /** the notice being sent (PareriService.Notifica) */
    public static final String NOTIFICA = "pareriNotifica";
    static final String SOLLECITO = "pareriSollecito";
    private static final String QUEUE = "pareriQueue";

    private final PareriService pareri;
    private final PareriMessages messages;
    private final DocumentLinks links;

    public PareriDispatchRoute(PareriService pareri, PareriMessages messages, DocumentLinks links) {
        this.pareri = pareri;
        this.messages = messages;
        this.links = links;
    }

    @Override
    public void configure() {
        fromOutbox(OutboxKind.PARERE_REMINDER, "pareri-reminder")
                .setProperty(SOLLECITO, constant(true))
                .to(OutboxKind.PARERE_REQUEST.endpoint());

        fromOutbox(OutboxKind.PARERE_REQUEST, "pareri-dispatch")
                .process(this::compose)
                .choice()
                    .when(e -> invio(e).ente().byPec())
                        .to(PEC)
                    .otherwise()
                        .process(this::jmsHeaders)
                        .setExchangePattern(ExchangePattern.InOnly)
                        .toD("jms:queue:${exchangeProperty." + QUEUE + "}?deliveryPersistent=true")
                        .process(e -> pareri.onRequestSent(invio(e).richiesta().id(), invio(e).ente().code(),
                                e.getProperty(ExchangeKeys.SENT_HASH, String.class)))
                .end();

        // an event of the pratica the ente must hear (the applicant withdrew it), on its channel
        fromOutbox(OutboxKind.PARERE_NOTIFICA, "pareri-notice")
                .process(this::composeNotice)
                .choice()
                    .when(e -> notifica(e).ente().byPec())
                        .to(PEC_NOTICE)
                    .otherwise()
                        .setExchangePattern(ExchangePattern.InOnly)
                        .toD("jms:queue:${exchangeProperty." + QUEUE + "}?deliveryPersistent=true")
                        .process(e -> pareri.onNoticeSent(entry(e).praticaId(), notifica(e).ente().code(), notifica(e).evento(),
                                e.getProperty(ExchangeKeys.SENT_HASH, String.class)))
                .end();
    }

    private void composeNotice(Exchange e) {
        PareriService.Notifica n = pareri.notifica(entry(e).praticaId(), entry(e).payload());
        String body = messages.notifica(n.pratica().id(), n.pratica().cuiUuid(), n.pratica().codicePratica(),
                n.evento(), n.richieste(), n.conferenza(), OffsetDateTime.now()).toString();
        e.setProperty(NOTIFICA, n);
        e.getMessage().getHeaders().clear();
        e.getMessage().setBody(body);
        e.getMessage().setHeader(PareriMessages.TIPO_MESSAGGIO, "notifica");
        e.getMessage().setHeader("idPratica", n.pratica().id().toString());
        e.getMessage().setHeader("JMSXGroupID", n.pratica().id().toString());
        e.getMessage().setHeader("_AMQ_DUPL_ID", "notifica-" + entry(e).id());
        e.getMessage().setHeader("evento", n.evento());
        e.setProperty(QUEUE, n.ente().queue());
        e.setProperty(ExchangeKeys.SENT_HASH, ContentHashes.sha256Hex(body));
    }

    static PareriService.Notifica notifica(Exchange e) {
        return e.getProperty(NOTIFICA, PareriService.Notifica.class);
    }

    private void compose(Exchange e) {
        PareriService.Invio invio = pareri.invio(UUID.fromString(entry(e).payload()),
                Boolean.TRUE.equals(e.getProperty(SOLLECITO, Boolean.class)));
        String body = messages.richiesta(invio.richiesta(), invio.pratica(), invio.ente(),
                d -> links.downloadUrl(d.sha256(), invio.ente().code()), OffsetDateTime.now()).toString();
        e.setProperty(INVIO, invio);
        e.getMessage().getHeaders().clear();
        e.getMessage().setBody(body);
    }

    private void jmsHeaders(Exchange e) {
        PareriService.Invio invio = invio(e);
        var r = invio.richiesta();
        String body = e.getMessage().getBody(String.class);
        e.getMessage().setHeader("JMSCorrelationID", r.id().toString());
        e.getMessage().setHeader("idRichiesta", r.id().toString());
        e.getMessage().setHeader("idPratica", r.praticaId().toString());
        e.getMessage().setHeader("schemaVersion", PareriMessages.SCHEMA_VERSION);
        e.getMessage().setHeader("JMSXGroupID", r.praticaId().toString());
        // Artemis keeps the id of every message it accepted: a send repeated after a crash is dropped by the broker
        e.getMessage().setHeader("_AMQ_DUPL_ID", "richiesta-" + r.id() + "-" + r.round()
                + (r.sollecito() > 0 ? "-sollecito-" + r.sollecito() : ""));
        e.setProperty(QUEUE, invio.ente().queue());
        e.setProperty(ExchangeKeys.SENT_HASH, ContentHashes.sha256Hex(body));
    }

    static PareriService.Invio invio(Exchange e) {
        return e.getProperty(INVIO, PareriService.Invio.class);
    }
}
