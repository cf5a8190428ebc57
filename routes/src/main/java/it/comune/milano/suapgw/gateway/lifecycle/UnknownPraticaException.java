package it.comune.milano.suapgw.gateway.lifecycle;

/** A message about a pratica the gateway does not have; each edge answers it in its own contract. */
public class UnknownPraticaException extends RuntimeException {
    public UnknownPraticaException(String message) {
        super(message);
    }
}
