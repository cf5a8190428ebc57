package it.comune.milano.suapgw.gateway.pareri.pec;

import it.comune.milano.suapgw.gateway.persistence.DocumentStore;
import jakarta.activation.DataSource;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * A stored document as a mail attachment, read from the store while the message is written to the provider: up to
 * the provider's message size (30 MiB) per request, with several requests sent at once, held in memory it would be
 * most of the heap.
 */
record StoredDocumentDataSource(String name, String contentType, DocumentStore.Content content) implements DataSource {

    @Override
    public InputStream getInputStream() {
        return content.open();
    }

    @Override
    public OutputStream getOutputStream() {
        throw new UnsupportedOperationException("a stored document is read only");
    }

    @Override
    public String getContentType() {
        return contentType;
    }

    @Override
    public String getName() {
        return name;
    }
}
