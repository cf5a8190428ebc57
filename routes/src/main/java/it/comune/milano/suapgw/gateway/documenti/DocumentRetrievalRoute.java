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
import it.comune.milano.suapgw.gateway.persistence.DocumentTooLargeException;
import it.comune.milano.suapgw.gateway.security.modi.ModiService;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
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
    private final long maxDocumentBytes;

    public DocumentRetrievalRoute(DocumentRetrievalService documenti, JsonContracts contracts, SsuMapper ssu,
                                  ObjectMapper json, GatewayProperties props, ModiOutbound modi, ModiProperties modiProps,
                                  @Value("${suapgw.documents.max-bytes:4294967296}") long maxDocumentBytes) {
        this.maxDocumentBytes = maxDocumentBytes;
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

        // no stream caching here: Camel would otherwise read the whole response into memory before the next step
        fromOutbox(OutboxKind.FETCH_DOCUMENT, "fetch-document").streamCache("false")
                .process(e -> {
                    DocumentToFetch d = documenti.documentToFetch(entry(e).praticaId(), entry(e).payload());
                    e.setProperty(DOCUMENT, d);
                    OutboundHttp.getStreamed(e, props.frontoffice().baseUrl() + "/instance/" + Uris.segment(d.cuiUuid())
                            + "/document/" + Uris.segment(d.resourceId()));
                    e.getMessage().setHeader("If-Match", d.expectedHash());
                })
                .process(e -> modi.sign(e, modiProps.frontofficeClient()))
                .toD(OutboundHttp.TO_URL)
                .process(this::store);
    }

    /**
     * The base64 body streams, decoded, into the store while it is hashed twice — as received, for the signed
     * Digest, and decoded, for the declared hash — and both are checked before the store commits.
     */
    private void store(Exchange e) {
        DocumentToFetch d = e.getProperty(DOCUMENT, DocumentToFetch.class);
        java.time.Instant received = java.time.Instant.now();
        HashingStream body = new HashingStream(e.getMessage().getBody(InputStream.class));
        // the store hashes with SHA-256 anyway: a declared S256 is checked against that, another alg as it streams
        boolean s256 = "S256".equals(d.algHash());
        MessageDigest declared = s256 ? null : ContentHashes.newDigest(d.algHash());
        Base64DecodingStream decoded = new Base64DecodingStream(body);
        InputStream content = s256 ? decoded : new DigestInputStream(decoded, declared);
        try {
            documenti.onDocumentFetched(entry(e).praticaId(), d.resourceId(), content, maxDocumentBytes, stored -> {
                String bodyDigest = body.digest();
                modi.verifyResponse(e, modiProps.frontofficeClient(), bodyDigest, received);
                byte[] actual = s256 ? HexFormat.of().parseHex(stored.sha256()) : declared.digest();
                if (!ContentHashes.matches(actual, d.expectedHash())) {
                    throw new HashMismatchException("content (" + stored.size() + " bytes, " + d.algHash() + " "
                            + HexFormat.of().formatHex(actual) + ") does not match declared " + d.algHash() + " " + d.expectedHash());
                }
                // the body was the standard base64 of the content: its digest is the one a GET of the whole is signed over
                if (decoded.canonical()) documenti.recordBase64Digest(stored.sha256(), bodyDigest);
            });
        } catch (DocumentTooLargeException big) {
            throw new HashMismatchException("document larger than " + big.maxBytes() + " bytes");
        } catch (UncheckedIOException bad) {
            if (body.failed) throw bad; // the connection, not the content: retried
            throw new HashMismatchException("document body is not base64: " + bad.getCause().getMessage());
        }
        e.getMessage().setBody(null); // read: nothing of the response goes further
    }

    /** The body as received: its SHA-256 for the ModI Digest, and whether reading it failed (the connection). */
    private static final class HashingStream extends FilterInputStream {
        private final MessageDigest sha256 = ContentHashes.newDigest("S256");
        private long length;
        boolean failed;

        HashingStream(InputStream in) {
            super(in == null ? InputStream.nullInputStream() : in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException e) {
                failed = true;
                throw e;
            }
            if (n > 0) {
                sha256.update(b, off, n);
                length += n;
            }
            return n;
        }

        String digest() {
            return ModiService.digestOf(sha256, length);
        }
    }
}
