package it.comune.milano.suapgw.gateway.flows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.connectors.ssu.SsuHashes;
import it.comune.milano.suapgw.connectors.ssu.SsuMapper;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.persistence.OutboxEntry;
import it.comune.milano.suapgw.gateway.service.PraticaService;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

import java.time.OffsetDateTime;

/** What the back-office owes the front-office (fo_to_bo notify, retry) and the Catalogo (audit). */
@Component
public class FrontOfficeNotificationRoute extends RouteBuilder {
    private final PraticaService pratiche;
    private final SsuMapper ssu;
    private final ObjectMapper json;
    private final GatewayProperties props;

    public FrontOfficeNotificationRoute(PraticaService pratiche, SsuMapper ssu, ObjectMapper json, GatewayProperties props) {
        this.pratiche = pratiche;
        this.ssu = ssu;
        this.json = json;
        this.props = props;
    }

    @Override
    public void configure() {
        errorHandler(noErrorHandler());

        from("direct:outbox-FO_NOTIFY").routeId("frontoffice-notify")
                .process(e -> {
                    OutboxEntry o = e.getMessage().getBody(OutboxEntry.class);
                    String body = ssu.notify(pratiche.cuiOf(o.praticaId()), pratiche.descriptorVersionOf(o.praticaId()),
                            o.payload()).toString();
                    prepare(e, props.frontoffice().baseUrl() + "/notify", body);
                })
                .toD("${exchangeProperty." + OutboundHttp.URL + "}")
                .process(e -> {
                    OutboxEntry o = e.getProperty("outboxEntry", OutboxEntry.class);
                    pratiche.onFrontOfficeCalled(o.praticaId(), "notify", e.getProperty("sentHash", String.class),
                            o.payload());
                });

        from("direct:outbox-FO_RETRY").routeId("frontoffice-retry")
                .process(e -> {
                    OutboxEntry o = e.getMessage().getBody(OutboxEntry.class);
                    prepare(e, props.frontoffice().baseUrl() + "/retry", o.payload());
                })
                .toD("${exchangeProperty." + OutboundHttp.URL + "}")
                .process(e -> {
                    OutboxEntry o = e.getProperty("outboxEntry", OutboxEntry.class);
                    pratiche.onFrontOfficeCalled(o.praticaId(), "retry", e.getProperty("sentHash", String.class),
                            "send_instance");
                });

        from("direct:outbox-CATALOGO_AUDIT").routeId("catalogo-audit")
                .process(e -> {
                    OutboxEntry o = e.getMessage().getBody(OutboxEntry.class);
                    String body = ssu.audit(pratiche.cuiOf(o.praticaId()), o.payload(), OffsetDateTime.now()).toString();
                    prepare(e, props.catalogo().baseUrl() + "/audit", body);
                })
                .toD("${exchangeProperty." + OutboundHttp.URL + "}")
                .convertBodyTo(String.class)
                .process(e -> {
                    OutboxEntry o = e.getProperty("outboxEntry", OutboxEntry.class);
                    String response = e.getMessage().getBody(String.class);
                    String type = "ok";
                    if (response != null && !response.isBlank()) {
                        JsonNode n = json.readTree(response);
                        type = n.path("type").asText("ok");
                    }
                    pratiche.onAudited(o.praticaId(), o.payload(), e.getProperty("sentHash", String.class), type);
                });
    }

    private static void prepare(Exchange e, String url, String body) {
        e.setProperty(OutboundHttp.URL, url);
        e.setProperty("sentHash", SsuHashes.sha256Hex(body));
        e.getMessage().setHeader(Exchange.HTTP_METHOD, "POST");
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        e.getMessage().setBody(body);
    }
}
