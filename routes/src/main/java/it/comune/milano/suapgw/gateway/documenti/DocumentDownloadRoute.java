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
 * (DocumentLinks), with a {@code Digest} (of the whole document) to check it; always as an attachment, never rendered
 * on the gateway's origin. Streamed, whole or one byte range ({@code Range}, RFC 9110), so a download that broke off
 * resumes where it stopped.
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
        rest(PATH).get("/{sha256}").routeId("rest-api-get-documento").to("direct:api-get-documento");

        fromApi("direct:api-get-documento", "api-get-documento").streamCache("false") // the document streams out
                .process(e -> {
                    String sha = e.getMessage().getHeader("sha256", String.class);
                    if (sha == null || !SHA256.matcher(sha).matches()) throw ApiProblem.notFound("no such document");
                    if (!links.valid(sha, e.getMessage().getHeader("per", String.class), e.getMessage().getHeader("scade", String.class),
                            e.getMessage().getHeader("firma", String.class))) {
                        throw ApiProblem.forbidden("this link is not valid, or no longer");
                    }
                    PraticaReadModel.Contenuto c = read.document(sha).orElseThrow(() -> ApiProblem.notFound("no such document"));
                    String range = e.getMessage().getHeader("Range", String.class);
                    long size = c.content().size();
                    ByteRange r = range == null || range.isBlank() ? new ByteRange(0, size - 1) : ByteRange.parse(range, size);
                    e.getMessage().getHeaders().clear();
                    e.getMessage().setHeader("Accept-Ranges", "bytes");
                    if (r == null) {
                        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 416);
                        e.getMessage().setHeader("Content-Range", "bytes */" + size);
                        e.getMessage().setBody(null);
                        return;
                    }
                    e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, range == null || range.isBlank() ? 200 : 206);
                    if (range != null && !range.isBlank()) {
                        e.getMessage().setHeader("Content-Range", "bytes " + r.first() + "-" + r.last() + "/" + size);
                    }
                    e.getMessage().setHeader(Exchange.CONTENT_TYPE, c.mimeType() == null ? "application/octet-stream" : c.mimeType());
                    e.getMessage().setHeader(Exchange.CONTENT_LENGTH, r.length());
                    e.getMessage().setHeader("Digest", "sha-256=" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha)));
                    e.getMessage().setHeader("Content-Disposition", "attachment; filename=\"" + sha + "\"");
                    e.getMessage().setHeader("X-Content-Type-Options", "nosniff");
                    e.getMessage().setHeader("Cache-Control", "private, no-store");
                    // streamed piece by piece from the store, whatever the size
                    e.getMessage().setBody(c.content().open(r.first(), r.length()));
                });
    }
}
