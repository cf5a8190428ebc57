package it.comune.milano.suapgw.model;

/** A document announced by the sender (instance or general index), not yet fetched. */
public record DocumentoAtteso(String resourceId, String name, String code, String ref, String mimeType,
                              String algHash, String hash) {
}
