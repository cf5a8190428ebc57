package it.comune.milano.suapgw.gateway.security.modi;

import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import org.springframework.stereotype.Component;

/** The jti of expired Agid-JWT-Signatures are forgotten: their exp refuses them anyway. */
@Component
public class JtiPurgeRoute extends GatewayRouteBuilder {
    @Override
    public void configure() {
        from("timer:modi-jti-purge?period=300000&delay=60000").routeId("modi-jti-purge")
                .bean(JtiStore.class, "purge");
    }
}
