package it.comune.milano.suapgw.simulators.support.modi;

/** A consumer could not make a ModI request: no voucher from the PDND (unreachable, refused). */
public class ModiException extends RuntimeException {

    public ModiException(String message) {
        super(message);
    }

    public ModiException(String message, Throwable cause) {
        super(message, cause);
    }
}
