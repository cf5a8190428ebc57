package it.comune.milano.suapgw.routetest;

import it.comune.milano.suapgw.connectors.contract.ContentHashes;
import it.comune.milano.suapgw.gateway.documenti.DocumentDownloadRoute;
import it.comune.milano.suapgw.gateway.documenti.DocumentLinks;
import it.comune.milano.suapgw.gateway.persistence.DocumentStore;
import it.comune.milano.suapgw.gateway.persistence.PraticaReadModel;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

@Import({DocumentDownloadRoute.class, DocumentLinks.class})
class DocumentDownloadRouteTest extends RouteTestBase {
    @MockitoBean
    PraticaReadModel read;
    @org.springframework.beans.factory.annotation.Autowired
    DocumentLinks links;

    @Test
    void aDocumentIsServedByItsHashWithADigestToCheckIt() throws Exception {
        byte[] content = "%PDF-1.7 planimetria".getBytes(StandardCharsets.UTF_8);
        String sha = ContentHashes.sha256Hex(content);
        when(read.document(sha)).thenReturn(Optional.of(new PraticaReadModel.Contenuto(DocumentStore.Content.of(content), "application/pdf")));

        HttpResponse<String> r = get(links.downloadUrl(sha, "polizia-locale").replaceFirst("^https?://[^/]+", ""));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Disposition")).hasValueSatisfying(v -> assertThat(v).startsWith("attachment"));
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/pdf");
        assertThat(r.headers().firstValue("Digest"))
                .hasValue("sha-256=" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha)));
        assertThat(r.body()).isEqualTo("%PDF-1.7 planimetria");
    }

    @Test
    void aDownloadThatBrokeOffResumesWithOneRange() throws Exception {
        byte[] content = "%PDF-1.7 planimetria".getBytes(StandardCharsets.UTF_8);
        String sha = ContentHashes.sha256Hex(content);
        when(read.document(sha)).thenReturn(Optional.of(new PraticaReadModel.Contenuto(DocumentStore.Content.of(content), "application/pdf")));
        String link = links.downloadUrl(sha, "polizia-locale").replaceFirst("^https?://[^/]+", "");

        HttpResponse<String> rest = HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + link))
                .header("Range", "bytes=9-").GET().build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> outside = HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + link))
                .header("Range", "bytes=99-").GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(rest.statusCode()).isEqualTo(206);
        assertThat(rest.headers().firstValue("Content-Range")).hasValue("bytes 9-19/20");
        assertThat(rest.body()).isEqualTo("planimetria");
        assertThat(outside.statusCode()).isEqualTo(416);
        assertThat(outside.headers().firstValue("Content-Range")).hasValue("bytes */20");
    }

    @Test
    void aBareHashAForgedOrAnExpiredLinkOpensNothing() throws Exception {
        String sha = ContentHashes.sha256Hex("x".getBytes(StandardCharsets.UTF_8));
        String link = links.downloadUrl(sha, "polizia-locale").replaceFirst("^https?://[^/]+", "");
        assertThat(get("/api/documenti/" + sha).statusCode()).isEqualTo(403);
        assertThat(get(link.replace("per=polizia-locale", "per=ats-milano")).statusCode()).isEqualTo(403);
        assertThat(get(link.replaceAll("scade=\\d+", "scade=1000")).statusCode()).isEqualTo(403);
        String other = ContentHashes.sha256Hex("y".getBytes(StandardCharsets.UTF_8));
        assertThat(get(link.replace(sha, other)).statusCode()).isEqualTo(403);
        verify(read, never()).document(anyString());
    }

    @Test
    void somethingThatIsNotAHashIsNotFoundAndNothingIsLookedUp() throws Exception {
        HttpResponse<String> r = get("/api/documenti/ABCDEF" + "0".repeat(58));

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        verify(read, never()).document(anyString());
    }
}
