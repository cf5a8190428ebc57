package it.comune.milano.suapgw.gateway.service;

/** The outbound calls of the gateway; each has a route "direct:outbox-&lt;name&gt;". */
public enum OutboxKind {
    FETCH_DESCRIPTOR, FETCH_DOCUMENT, CATALOGO_AUDIT, GEOWORK_REGISTER, GEOWORK_PROPOSE_OUTCOME, PARERE_REQUEST,
    FO_NOTIFY, FO_RETRY
}
