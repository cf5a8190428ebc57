package it.comune.milano.suapgw.gateway.documenti;

import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import org.springframework.stereotype.Component;

/** Where Geowork and the enti download a document (claim check): the gateway's document API. */
@Component
public class DocumentLinks {
    private final GatewayProperties props;

    public DocumentLinks(GatewayProperties props) {
        this.props = props;
    }

    public String downloadUrl(String sha256) {
        return props.publicBaseUrl() + DocumentDownloadRoute.PATH + "/" + sha256;
    }
}
