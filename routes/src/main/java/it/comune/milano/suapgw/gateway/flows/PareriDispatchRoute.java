package it.comune.milano.suapgw.gateway.flows;

import it.comune.milano.suapgw.connectors.pareri.PareriMessages;
import it.comune.milano.suapgw.connectors.ssu.SsuHashes;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.persistence.OutboxEntry;
import it.comune.milano.suapgw.gateway.service.PraticaService;
import it.comune.milano.suapgw.model.Ente;
import it.comune.milano.suapgw.model.PraticaCanonica;
import it.comune.milano.suapgw.model.RichiestaParere;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.ExchangePattern;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One parere request per ente per round on suapgw.pareri.richieste.&lt;ente&gt;: JSON (schemas/messages), persistent,
 * documents by reference only. Artemis duplicate detection drops a re-publication after a crash.
 */
@Component
public class PareriDispatchRoute extends RouteBuilder {
    private final PraticaService pratiche;
    private final PareriMessages messages;
    private final GatewayProperties props;

    public PareriDispatchRoute(PraticaService pratiche, PareriMessages messages, GatewayProperties props) {
        this.pratiche = pratiche;
        this.messages = messages;
        this.props = props;
    }

    @Override
    public void configure() {
        // an overdue request is sent again as a reminder, on the same channel, with its own duplicate-detection id
        from("direct:outbox-PARERE_REMINDER").routeId("pareri-reminder")
                .errorHandler(noErrorHandler())
                .setProperty("sollecito", constant(true))
                .to("direct:outbox-PARERE_REQUEST");

        from("direct:outbox-PARERE_REQUEST").routeId("pareri-dispatch")
                .errorHandler(noErrorHandler())
                .process(e -> {
                    OutboxEntry o = e.getMessage().getBody(OutboxEntry.class);
                    PraticaService.RichiestaDaInviare r = pratiche.richiesta(UUID.fromString(o.payload()));
                    Ente ente = props.ente(r.enteCode()).orElseThrow(
                            () -> new IllegalStateException("ente " + r.enteCode() + " no longer in the registry"));
                    int sollecito = Boolean.TRUE.equals(e.getProperty("sollecito", Boolean.class)) ? pratiche.reminders(r.id()) : 0;
                    String body = requestJson(r, ente, sollecito);
                    e.getMessage().getHeaders().clear();
                    if (ente.byPec()) {
                        e.setProperty("richiestaDaInviare", r);
                        e.setProperty("ente", ente);
                        e.getMessage().setBody(body);
                        return;
                    }
                    e.getMessage().setHeader("JMSCorrelationID", r.id().toString());
                    e.getMessage().setHeader("idRichiesta", r.id().toString());
                    e.getMessage().setHeader("idPratica", r.praticaId().toString());
                    e.getMessage().setHeader("schemaVersion", PareriMessages.SCHEMA_VERSION);
                    e.getMessage().setHeader("JMSXGroupID", r.praticaId().toString());
                    e.getMessage().setHeader("_AMQ_DUPL_ID", "richiesta-" + r.id() + "-" + r.round()
                            + (sollecito > 0 ? "-sollecito-" + sollecito : ""));
                    e.getMessage().setBody(body);
                    e.setProperty("queue", ente.queue());
                    e.setProperty("ente", ente.code());
                    e.setProperty("richiesta", r.id());
                    e.setProperty("sentHash", SsuHashes.sha256Hex(body));
                })
                .choice()
                    .when(exchangeProperty("richiestaDaInviare").isNotNull())
                        .to("direct:parere-pec")
                    .otherwise()
                        .setExchangePattern(ExchangePattern.InOnly)
                        .toD("jms:queue:${exchangeProperty.queue}?deliveryPersistent=true")
                        .process(e -> pratiche.onParereRequestSent(e.getProperty("richiesta", UUID.class),
                                e.getProperty("ente", String.class), e.getProperty("sentHash", String.class)))
                .end();
    }

    /** The richiesta-parere JSON (schemas/messages), the same on every channel. */
    String requestJson(PraticaService.RichiestaDaInviare r, Ente ente, int sollecito) {
        PraticaCanonica p = pratiche.canonical(r.praticaId());
        ObjectNode n = messages.richiesta(new RichiestaParere(r.id(), r.praticaId(), r.enteCode(), r.round(), r.deadline()),
                p, ente, d -> DocumentApi.downloadUrl(props, d.sha256()), OffsetDateTime.now());
        if (r.codicePratica() != null) n.put("codicePratica", r.codicePratica());
        n.put("canale", r.canale());
        if ("GEOPOST".equals(r.canale())) {
            var checklist = n.putArray("checklist");
            p.checklist().forEach(v -> checklist.addObject().put("codice", v.codice()).put("esito", v.esito())
                    .put("evidenza", v.evidenza()));
        }
        if (sollecito > 0) n.put("sollecito", sollecito);
        if (r.previousId() != null) {
            n.putObject("parerePrecedente").put("idRichiesta", r.previousId().toString())
                    .put("esito", r.previousEsito().toLowerCase(java.util.Locale.ROOT));
        }
        return n.toString();
    }
}
