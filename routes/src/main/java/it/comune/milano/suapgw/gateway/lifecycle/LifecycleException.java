package it.comune.milano.suapgw.gateway.lifecycle;

/**
 * Something asked of a pratica that its state does not allow. Each edge answers it in its own contract: the SSU with
 * ERROR_500_008 (event) or ERROR_500_009 (operation), SOAP with a fault, the gateway's API with 409.
 */
public class LifecycleException extends RuntimeException {
    public enum Kind { EVENT_NOT_EXPECTED, OPERATION_NOT_EXPECTED }

    private final Kind kind;

    public LifecycleException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
