package it.comune.milano.suapgw.model;

/** A stored document: content-addressed by SHA-256 (hex). */
public record DocumentoVerificato(String sha256, String name, String mimeType, long size) {
}
