package it.comune.milano.suapgw.connectors.ssu;

/** Error codes of the SSU specification (§8.6, table 30), with their HTTP status. */
public enum SsuErrorCode {
    ERROR_400_001(400, "incorrect request input"),
    ERROR_401_001(401, "PDND token not found"),
    ERROR_401_002(401, "Invalid PDND token"),
    ERROR_401_003(401, "AgID-JWT-Signature token not found"),
    ERROR_401_004(401, "invalid AgID-JWT-Signature token"),
    ERROR_404_001(404, "resource not found"),
    ERROR_412_001(412, "invalid hash"),
    ERROR_416_001(416, "invalid range requested"),
    ERROR_428_001(428, "hash not found"),
    ERROR_500_001(500, "invalid instance descriptor"),
    ERROR_500_002(500, "invalid cui"),
    ERROR_500_003(500, "invalid instance index"),
    ERROR_500_004(500, "invalid event"),
    ERROR_500_005(500, "invalid correction/integration list"),
    ERROR_500_006(500, "invalid times"),
    ERROR_500_007(500, "response processing error"),
    ERROR_500_008(500, "event not expected at process current state"),
    ERROR_500_009(500, "operation not expected at process current state"),
    ERROR_503_001(503, "operation unavailable");

    private final int httpStatus;
    private final String description;

    SsuErrorCode(int httpStatus, String description) {
        this.httpStatus = httpStatus;
        this.description = description;
    }

    public int httpStatus() { return httpStatus; }

    public String description() { return description; }
}
