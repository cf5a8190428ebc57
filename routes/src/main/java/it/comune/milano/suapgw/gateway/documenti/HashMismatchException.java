package it.comune.milano.suapgw.gateway.documenti;

/** A fetched document whose content does not match the hash its sender declared. */
public class HashMismatchException extends RuntimeException {
    public HashMismatchException(String message) {
        super(message);
    }
}
