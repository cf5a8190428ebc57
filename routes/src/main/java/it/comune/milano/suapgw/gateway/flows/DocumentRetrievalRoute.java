package it.comune.milano.suapgw.gateway.flows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.connectors.ssu.SsuHashes;
import it.comune.milano.suapgw.connectors.ssu.SsuMapper;
import it.comune.milano.suapgw.connectors.ssu.SsuSchemas;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.persistence.OutboxEntry;
import it.comune.milano.suapgw.gateway.service.HashMismatchException;
import it.comune.milano.suapgw.gateway.service.PraticaService;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

import java.util.Base64;
import java.util.List;

/** Instance descriptor from the Catalogo, then every indexed document from the front-office, hash-verified. */
@Component
public class DocumentRetrievalRoute extends RouteBuilder {
    private final PraticaService pratiche;
    private final SsuSchemas schemas;
    private final SsuMapper ssu;
    private final ObjectMapper json;
    private final GatewayProperties props;

    public DocumentRetrievalRoute(PraticaService pratiche, SsuSchemas schemas, SsuMapper ssu, ObjectMapper json,
                                  GatewayProperties props) {
        this.pratiche = pratiche;
        this.schemas = schemas;
        this.ssu = ssu;
        this.json = json;
        this.props = props;
    }

    @Override
    public void configure() {
        errorHandler(noErrorHandler()); // failures go back to the outbox relay, which retries

        from("direct:outbox-FETCH_DESCRIPTOR").routeId("fetch-instance-descriptor")
                .process(e -> {
                    OutboxEntry o = e.getMessage().getBody(OutboxEntry.class);
                    e.setProperty(OutboundHttp.URL, props.catalogo().baseUrl() + "/instance_descriptor/"
                            + OutboundHttp.segment(o.payload()));
                    e.getMessage().setHeader(Exchange.HTTP_METHOD, "GET");
                    e.getMessage().setBody(null);
                })
                .toD("${exchangeProperty." + OutboundHttp.URL + "}")
                .convertBodyTo(String.class)
                .process(e -> {
                    OutboxEntry o = e.getProperty("outboxEntry", OutboxEntry.class);
                    JsonNode descriptor = json.readTree(e.getMessage().getBody(String.class));
                    List<String> errors = schemas.validate(SsuSchemas.INSTANCE_DESCRIPTOR, descriptor);
                    if (!errors.isEmpty()) {
                        throw new IllegalStateException("instance descriptor violates the SSU schema: " + errors);
                    }
                    pratiche.onDescriptor(o.praticaId(), descriptor, ssu.fromDescriptor(descriptor));
                });

        from("direct:outbox-FETCH_DOCUMENT").routeId("fetch-document")
                .process(e -> {
                    OutboxEntry o = e.getMessage().getBody(OutboxEntry.class);
                    PraticaService.DocumentToFetch d = pratiche.documentToFetch(o.praticaId(), o.payload());
                    e.setProperty("documentToFetch", d);
                    e.setProperty(OutboundHttp.URL, props.frontoffice().baseUrl() + "/instance/"
                            + OutboundHttp.segment(d.cuiUuid()) + "/document/" + OutboundHttp.segment(d.resourceId()));
                    e.getMessage().setHeader(Exchange.HTTP_METHOD, "GET");
                    e.getMessage().setHeader("If-Match", d.expectedHash());
                    e.getMessage().setBody(null);
                })
                .toD("${exchangeProperty." + OutboundHttp.URL + "}")
                .convertBodyTo(String.class)
                .process(e -> {
                    OutboxEntry o = e.getProperty("outboxEntry", OutboxEntry.class);
                    PraticaService.DocumentToFetch d = e.getProperty("documentToFetch", PraticaService.DocumentToFetch.class);
                    byte[] content;
                    try {
                        content = Base64.getMimeDecoder().decode(e.getMessage().getBody(String.class).trim());
                    } catch (IllegalArgumentException bad) {
                        throw new HashMismatchException("document body is not base64: " + bad.getMessage());
                    }
                    if (!SsuHashes.matches(d.algHash(), d.expectedHash(), content)) {
                        throw new HashMismatchException("content (" + content.length + " bytes, sha256 "
                                + SsuHashes.sha256Hex(content) + ") does not match declared " + d.algHash() + " "
                                + d.expectedHash());
                    }
                    pratiche.onDocumentVerified(o.praticaId(), d.resourceId(), content);
                });
    }
}
