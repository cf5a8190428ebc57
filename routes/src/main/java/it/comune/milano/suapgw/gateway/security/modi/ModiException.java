package it.comune.milano.suapgw.gateway.security.modi;

import it.comune.milano.suapgw.connectors.ssu.SsuErrorCode;

/** A ModI/PDND check failed: the SSU code (ERROR_401_001..004) and what was wrong, for the log and the detail. */
public class ModiException extends RuntimeException {
    private final SsuErrorCode code;

    public ModiException(SsuErrorCode code, String reason) {
        super(reason);
        this.code = code;
    }

    public SsuErrorCode code() {
        return code;
    }
}
