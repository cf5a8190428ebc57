package it.comune.milano.suapgw.gateway.service;

/** The outbound calls of the gateway; each has a route "direct:outbox-&lt;name&gt;". */
public enum OutboxKind {
    FETCH_DESCRIPTOR("CATALOGO"), FETCH_DOCUMENT("FRONTOFFICE"), CATALOGO_AUDIT("CATALOGO"),
    GEOWORK_REGISTER("GEOWORK"), GEOWORK_PROPOSE_OUTCOME("GEOWORK"), PARERE_REQUEST("BROKER"),
    FO_NOTIFY("FRONTOFFICE"), FO_RETRY("FRONTOFFICE"), SCRIVANIA_SEND("SCRIVANIA"),
    PARERE_REMINDER("BROKER"), OSP_CHECKLIST("OSP"), OSAPI_REGISTER("OSAPI"), GERI_CANONE("GERI"), GEOPOST_SEND("GEOPOST"),
    GEOWORK_ATTO("GEOWORK");

    private final String system;

    OutboxKind(String system) {
        this.system = system;
    }

    /** The system the call goes to, as named on the timeline. */
    public String system() {
        return system;
    }
}
