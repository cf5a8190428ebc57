package it.comune.milano.suapgw.model;

/** A document of the back-office a message refers to (the final act): its resource id and content hash. */
public record Atto(String resourceId, String hash, String algHash) {
}
