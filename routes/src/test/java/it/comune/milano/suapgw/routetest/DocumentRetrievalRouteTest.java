package it.comune.milano.suapgw.routetest;

import it.comune.milano.suapgw.connectors.contract.ContentHashes;
import it.comune.milano.suapgw.gateway.common.ExchangeKeys;
import it.comune.milano.suapgw.gateway.documenti.DocumentRetrievalRoute;
import it.comune.milano.suapgw.gateway.documenti.DocumentRetrievalService;
import it.comune.milano.suapgw.gateway.documenti.HashMismatchException;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.persistence.DocumentStore;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository.DocumentToFetch;
import org.apache.camel.Exchange;
import org.apache.camel.model.ToDynamicDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** Descriptor and documents of an SSU pratica: fetched, checked against the contract and the declared hash. */
@Import(DocumentRetrievalRoute.class)
class DocumentRetrievalRouteTest extends RouteTestBase {
    @MockitoBean
    DocumentRetrievalService documenti;

    @Override
    protected void advise() throws Exception {
        adviceWith("fetch-instance-descriptor", a -> a.weaveByType(ToDynamicDefinition.class).replace().to("mock:catalogo"));
        adviceWith("fetch-document", a -> a.weaveByType(ToDynamicDefinition.class).replace().to("mock:frontoffice"));
    }

    @Test
    void aDocumentIsFetchedWithIfMatchAndStoredOnlyWhenItsHashMatches() throws Exception {
        UUID id = UUID.randomUUID();
        byte[] content = "istanza".getBytes(StandardCharsets.UTF_8);
        String sha = ContentHashes.sha256Hex(content);
        when(documenti.documentToFetch(id, "doc-1")).thenReturn(new DocumentToFetch("cui-1", "doc-1", "S256", sha));
        mock("frontoffice").whenAnyExchangeReceived(e -> e.getMessage().setBody(Base64.getEncoder().encodeToString(content)));
        mock("frontoffice").expectedHeaderReceived("If-Match", sha);
        mock("frontoffice").expectedHeaderReceived(Exchange.HTTP_METHOD, "GET");
        mock("frontoffice").expectedPropertyReceived(ExchangeKeys.URL, "http://127.0.0.1:8182/instance/cui-1/document/doc-1");

        List<byte[]> stored = storesWhatStreams();

        Exchange out = callOutbox(OutboxKind.FETCH_DOCUMENT, id, "doc-1");

        assertThat(out.getException()).isNull();
        mock("frontoffice").assertIsSatisfied();
        assertThat(stored).singleElement().isEqualTo(content);
    }

    @Test
    void aDocumentThatDoesNotMatchItsHashIsNeverStored() {
        UUID id = UUID.randomUUID();
        when(documenti.documentToFetch(id, "doc-2")).thenReturn(new DocumentToFetch("cui-2", "doc-2", "S256",
                ContentHashes.sha256Hex("the declared one")));
        mock("frontoffice").whenAnyExchangeReceived(e -> e.getMessage().setBody(Base64.getEncoder().encodeToString("another".getBytes())));
        List<byte[]> stored = storesWhatStreams();

        Exchange out = callOutbox(OutboxKind.FETCH_DOCUMENT, id, "doc-2");

        assertThat(out.getException()).isInstanceOf(HashMismatchException.class).hasMessageContaining("does not match");
        assertThat(stored).isEmpty();
    }

    @Test
    void aBodyThatIsNotBase64IsAMismatchNotAnOutage() {
        UUID id = UUID.randomUUID();
        when(documenti.documentToFetch(id, "doc-4")).thenReturn(new DocumentToFetch("cui-4", "doc-4", "S256",
                ContentHashes.sha256Hex("x")));
        mock("frontoffice").whenAnyExchangeReceived(e -> e.getMessage().setBody("QUJD="));
        List<byte[]> stored = storesWhatStreams();

        Exchange out = callOutbox(OutboxKind.FETCH_DOCUMENT, id, "doc-4");

        assertThat(out.getException()).isInstanceOf(HashMismatchException.class).hasMessageContaining("not base64");
        assertThat(stored).isEmpty();
    }

    /** The service as it behaves: the content read to its end, then verified, and kept only if that passes. */
    private List<byte[]> storesWhatStreams() {
        List<byte[]> stored = new java.util.ArrayList<>();
        doAnswer(call -> {
            byte[] content;
            try {
                content = call.getArgument(2, java.io.InputStream.class).readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e); // as the store reports it
            }
            @SuppressWarnings("unchecked")
            java.util.function.Consumer<DocumentStore.Stored> verify = call.getArgument(4, java.util.function.Consumer.class);
            verify.accept(new DocumentStore.Stored(ContentHashes.sha256Hex(content), content.length));
            stored.add(content);
            return null;
        }).when(documenti).onDocumentFetched(any(), any(), any(), anyLong(), any());
        return stored;
    }

    @Test
    void aDescriptorThatViolatesTheSsuContractIsRefusedAndNothingBooked() {
        mock("catalogo").whenAnyExchangeReceived(e -> e.getMessage().setBody("{\"cui\":{},\"version\":\"x\"}"));

        Exchange out = callOutbox(OutboxKind.FETCH_DESCRIPTOR, UUID.randomUUID(), "cui-3");

        assertThat(out.getException()).hasMessageContaining("violates the SSU schema");
        verify(documenti, never()).onDescriptor(any(), any(), any());
    }
}
