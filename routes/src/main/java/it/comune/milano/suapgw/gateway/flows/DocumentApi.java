package it.comune.milano.suapgw.gateway.flows;

import it.comune.milano.suapgw.gateway.config.GatewayProperties;

/** Where Geowork and the enti download a document (claim check): the gateway's document API. */
public final class DocumentApi {
    private DocumentApi() {
    }

    public static String downloadUrl(GatewayProperties props, String sha256) {
        return props.publicBaseUrl() + "/api/documenti/" + sha256;
    }
}
