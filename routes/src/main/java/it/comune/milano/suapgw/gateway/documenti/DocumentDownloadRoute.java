package it.comune.milano.suapgw.gateway.documenti;

import it.comune.milano.suapgw.gateway.api.ApiProblem;
import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import it.comune.milano.suapgw.gateway.persistence.PraticaReadModel;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** The claim check: Geowork and the enti download a document by its SHA-256 (with a {@code Digest} to check it). */
@Component
public class DocumentDownloadRoute extends GatewayRouteBuilder {
    public static final String PATH = "/api/documenti";
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final PraticaReadModel read;

    public DocumentDownloadRoute(PraticaReadModel read) {
        this.read = read;
    }

    @Override
    public void configure() {
        rest(PATH).get("/{sha256}").to("direct:api-get-documento");

        fromApi("direct:api-get-documento", "api-get-documento")
                .process(e -> {
                    String sha = e.getMessage().getHeader("sha256", String.class);
                    if (sha == null || !SHA256.matcher(sha).matches()) throw ApiProblem.notFound("no such document");
                    PraticaReadModel.Contenuto c = read.document(sha).orElseThrow(() -> ApiProblem.notFound("no such document"));
                    e.getMessage().getHeaders().clear();
                    e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
                    e.getMessage().setHeader(Exchange.CONTENT_TYPE, c.mimeType() == null ? "application/octet-stream" : c.mimeType());
                    e.getMessage().setHeader("Digest", "sha-256=" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha)));
                    e.getMessage().setBody(c.content());
                });
    }
}
