package it.comune.milano.suapgw.connectors.ssu;

/** A failure to be answered in the SSU error format {"code": ..., "message": ...}. */
public class SsuException extends RuntimeException {
    private final SsuErrorCode code;

    public SsuException(SsuErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public SsuErrorCode code() { return code; }
}
