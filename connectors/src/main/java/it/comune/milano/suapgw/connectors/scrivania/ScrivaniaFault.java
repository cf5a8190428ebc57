package it.comune.milano.suapgw.connectors.scrivania;

/** Why a cooperation message of the scrivania is refused; the code starts the SOAP fault reason. */
public class ScrivaniaFault extends RuntimeException {

    public enum Code {
        ZIP_INVALID, ZIP_PATH_TRAVERSAL, ZIP_TOO_MANY_ENTRIES, ZIP_ENTRY_TOO_LARGE, ZIP_TOTAL_TOO_LARGE,
        ZIP_COMPRESSION_RATIO, XML_DTD_FORBIDDEN, XML_MALFORMED, RIEPILOGO_INVALID, RIEPILOGO_MISSING,
        RIEPILOGO_DUPLICATE, FILE_MISSING, FILE_SIZE_MISMATCH, ATTACHMENT_MISSING, ATTACHMENT_TOO_LARGE,
        CODICE_PRATICA_MISMATCH, PRATICA_UNKNOWN, PRATICA_ALREADY_EXISTS, TIPO_COOPERAZIONE_INVALID,
        DESTINATARIO_INVALID
    }

    private final Code code;

    public ScrivaniaFault(Code code, String detail) {
        super(code + ": " + detail);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
