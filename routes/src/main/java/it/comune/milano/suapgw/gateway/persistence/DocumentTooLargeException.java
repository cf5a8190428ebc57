package it.comune.milano.suapgw.gateway.persistence;

/** A content that went past its channel's limit while it streamed in: nothing of it is kept. */
public class DocumentTooLargeException extends RuntimeException {
    private final long maxBytes;

    public DocumentTooLargeException(long maxBytes) {
        super("content exceeds " + maxBytes + " bytes");
        this.maxBytes = maxBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }
}
