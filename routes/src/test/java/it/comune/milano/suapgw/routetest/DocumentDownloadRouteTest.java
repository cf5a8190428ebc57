package it.comune.milano.suapgw.routetest;

import it.comune.milano.suapgw.connectors.contract.ContentHashes;
import it.comune.milano.suapgw.gateway.documenti.DocumentDownloadRoute;
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

@Import(DocumentDownloadRoute.class)
class DocumentDownloadRouteTest extends RouteTestBase {
    @MockitoBean
    PraticaReadModel read;

    @Test
    void aDocumentIsServedByItsHashWithADigestToCheckIt() throws Exception {
        byte[] content = "%PDF-1.7 planimetria".getBytes(StandardCharsets.UTF_8);
        String sha = ContentHashes.sha256Hex(content);
        when(read.document(sha)).thenReturn(Optional.of(new PraticaReadModel.Contenuto(content, "application/pdf")));

        HttpResponse<String> r = get("/api/documenti/" + sha);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/pdf");
        assertThat(r.headers().firstValue("Digest"))
                .hasValue("sha-256=" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha)));
        assertThat(r.body()).isEqualTo("%PDF-1.7 planimetria");
    }

    @Test
    void somethingThatIsNotAHashIsNotFoundAndNothingIsLookedUp() throws Exception {
        HttpResponse<String> r = get("/api/documenti/ABCDEF" + "0".repeat(58));

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        verify(read, never()).document(anyString());
    }
}
