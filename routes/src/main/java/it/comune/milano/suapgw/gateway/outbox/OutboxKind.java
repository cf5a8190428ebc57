package it.comune.milano.suapgw.gateway.outbox;

/** The outbound calls of the gateway; each is made by the route consuming {@link #endpoint()}. */
public enum OutboxKind {
    FETCH_DESCRIPTOR("CATALOGO"), FETCH_DOCUMENT("FRONTOFFICE"), CATALOGO_AUDIT("CATALOGO"),
    GEOWORK_REGISTER("GEOWORK"), GEOWORK_PROPOSE_OUTCOME("GEOWORK"), PARERE_REQUEST("BROKER"),
    FO_NOTIFY("FRONTOFFICE"), FO_RETRY("FRONTOFFICE"), SCRIVANIA_SEND("SCRIVANIA"),
    PARERE_REMINDER("BROKER"), OSP_CHECKLIST("OSP"), OSAPI_REGISTER("OSAPI"), GERI_CANONE("GERI"), GEOPOST_SEND("GEOPOST"),
    GEOWORK_ATTO("GEOWORK"), FO_REQUEST_CORRECTION("FRONTOFFICE"), FO_REQUEST_INTEGRATION("FRONTOFFICE"),
    CATALOGO_UPDATE_TIMES("CATALOGO"), PARERE_NOTIFICA("BROKER"),
    /** an ente terzo with its own system, through the SSU e-services (et_to_bo) */
    ET_SEND_INSTANCE("ENTE_SSU"), ET_NOTIFY("ENTE_SSU"), ET_RETRY("ENTE_SSU"), FETCH_ENTE_DOCUMENT("ENTE_SSU"),
    /** the Registro Imprese (ri_to_bo) */
    RI_SEND_INSTANCE("REGISTRO_IMPRESE"), RI_NOTIFY("REGISTRO_IMPRESE"),
    GEOWORK_CONVOCA_CONFERENZA("GEOWORK"),
    /** a term of a pratica runs out: a timer, due at its instant */
    TERM_EXPIRY("GATEWAY");

    private final String system;

    OutboxKind(String system) {
        this.system = system;
    }

    /** The system the call goes to, as named on the timeline. */
    public String system() {
        return system;
    }

    public String endpoint() {
        return "direct:outbox-" + name();
    }
}
