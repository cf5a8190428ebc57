package it.comune.milano.suapgw.gateway.documenti;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.connectors.contract.ContentHashes;
import it.comune.milano.suapgw.connectors.contract.JsonContracts;
import it.comune.milano.suapgw.connectors.contract.Uris;
import it.comune.milano.suapgw.connectors.ssu.SsuContract;
import it.comune.milano.suapgw.connectors.ssu.SsuMapper;
import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import it.comune.milano.suapgw.gateway.common.OutboundHttp;
import it.comune.milano.suapgw.gateway.security.modi.ModiOutbound;
import it.comune.milano.suapgw.gateway.security.modi.ModiProperties;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository.DocumentToFetch;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.util.Base64;
import java.util.List;

/**
 * Document retrieval for an SSU pratica: the instance descriptor from the Catalogo, then every indexed document from
 * the front-office with {@code If-Match}, hash-verified before it is stored. A failure goes back to the outbox,
 * which retries; a document that keeps not matching ends in the data-inconsistency path.
 */
@Component
public class DocumentRetrievalRoute extends GatewayRouteBuilder {
    private static final String DOCUMENT = "documentToFetch";

    private final DocumentRetrievalService documenti;
    private final JsonContracts contracts;
    private final SsuMapper ssu;
    private final ObjectMapper json;
    private final GatewayProperties props;

    private final ModiOutbound modi;
    private final ModiProperties modiProps;

    public DocumentRetrievalRoute(DocumentRetrievalService documenti, JsonContracts contracts, SsuMapper ssu,
                                  ObjectMapper json, GatewayProperties props, ModiOutbound modi, ModiProperties modiProps) {
        this.modi = modi;
        this.modiProps = modiProps;
        this.documenti = documenti;
        this.contracts = contracts;
        this.ssu = ssu;
        this.json = json;
        this.props = props;
    }

    @Override
    public void configure() {
        fromOutbox(OutboxKind.FETCH_DESCRIPTOR, "fetch-instance-descriptor")
                .process(e -> OutboundHttp.get(e, props.catalogo().baseUrl() + "/instance_descriptor/"
                        + Uris.segment(entry(e).payload()), null))
                .process(e -> modi.sign(e, modiProps.catalogoClient()))
                .toD(OutboundHttp.TO_URL)
                .convertBodyTo(String.class)
                .process(e -> modi.verifyResponse(e, modiProps.catalogoClient()))
                .process(e -> {
                    JsonNode descriptor = json.readTree(e.getMessage().getBody(String.class));
                    List<String> errors = contracts.validate(SsuContract.INSTANCE_DESCRIPTOR, descriptor);
                    if (!errors.isEmpty()) {
                        throw new IllegalStateException("instance descriptor violates the SSU schema: " + errors);
                    }
                    documenti.onDescriptor(entry(e).praticaId(), descriptor, ssu.fromDescriptor(descriptor));
                });

        fromOutbox(OutboxKind.FETCH_DOCUMENT, "fetch-document")
                .process(e -> {
                    DocumentToFetch d = documenti.documentToFetch(entry(e).praticaId(), entry(e).payload());
                    e.setProperty(DOCUMENT, d);
                    OutboundHttp.get(e, props.frontoffice().baseUrl() + "/instance/" + Uris.segment(d.cuiUuid())
                            + "/document/" + Uris.segment(d.resourceId()), null);
                    e.getMessage().setHeader("If-Match", d.expectedHash());
                })
                .process(e -> modi.sign(e, modiProps.frontofficeClient()))
                .toD(OutboundHttp.TO_URL)
                .convertBodyTo(String.class)
                .process(e -> modi.verifyResponse(e, modiProps.frontofficeClient()))
                .process(this::verify);
    }

    private void verify(Exchange e) {
        DocumentToFetch d = e.getProperty(DOCUMENT, DocumentToFetch.class);
        byte[] content;
        try {
            content = Base64.getMimeDecoder().decode(e.getMessage().getBody(String.class).trim());
        } catch (IllegalArgumentException bad) {
            throw new HashMismatchException("document body is not base64: " + bad.getMessage());
        }
        if (!ContentHashes.matches(d.algHash(), d.expectedHash(), content)) {
            throw new HashMismatchException("content (" + content.length + " bytes, sha256 "
                    + ContentHashes.sha256Hex(content) + ") does not match declared " + d.algHash() + " " + d.expectedHash());
        }
        documenti.onDocumentVerified(entry(e).praticaId(), d.resourceId(), content);
    }
}
