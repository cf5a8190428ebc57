package it.comune.milano.suapgw.gateway.documenti;

import it.comune.milano.suapgw.gateway.api.ApiProblem;
import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import it.comune.milano.suapgw.gateway.persistence.PraticaReadModel;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The claim check: Geowork and the enti download a document through the signed, expiring link they were given
 * (DocumentLinks), with a {@code Digest} to check it; always as an attachment, never rendered on the gateway's origin.
 */
@Component
public class DocumentDownloadRoute extends GatewayRouteBuilder {
    public static final String PATH = "/api/documenti";
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final PraticaReadModel read;
    private final DocumentLinks links;

    public DocumentDownloadRoute(PraticaReadModel read, DocumentLinks links) {
        this.read = read;
        this.links = links;
    }

    @Override
    public void configure() {
        rest(PATH).get("/{sha256}").to("direct:api-get-documento");

        fromApi("direct:api-get-documento", "api-get-documento")
                .process(e -> {
                    String sha = e.getMessage().getHeader("sha256", String.class);
                    if (sha == null || !SHA256.matcher(sha).matches()) throw ApiProblem.notFound("no such document");
                    if (!links.valid(sha, e.getMessage().getHeader("per", String.class), e.getMessage().getHeader("scade", String.class),
                            e.getMessage().getHeader("firma", String.class))) {
                        throw ApiProblem.forbidden("this link is not valid, or no longer");
                    }
                    PraticaReadModel.Contenuto c = read.document(sha).orElseThrow(() -> ApiProblem.notFound("no such document"));
                    e.getMessage().getHeaders().clear();
                    e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
                    e.getMessage().setHeader(Exchange.CONTENT_TYPE, c.mimeType() == null ? "application/octet-stream" : c.mimeType());
                    e.getMessage().setHeader("Digest", "sha-256=" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha)));
                    e.getMessage().setHeader("Content-Disposition", "attachment; filename=\"" + sha + "\"");
                    e.getMessage().setHeader("X-Content-Type-Options", "nosniff");
                    e.getMessage().setHeader("Cache-Control", "private, no-store");
                    e.getMessage().setBody(c.content());
                });
    }
}
