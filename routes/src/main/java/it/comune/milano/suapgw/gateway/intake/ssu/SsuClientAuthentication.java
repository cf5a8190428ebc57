package it.comune.milano.suapgw.gateway.intake.ssu;

import it.comune.milano.suapgw.connectors.ssu.SsuErrorCode;
import it.comune.milano.suapgw.connectors.ssu.SsuException;
import it.comune.milano.suapgw.gateway.security.modi.ModiInboundFilter;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Who calls an SSU e-service we provide: the client_id of the PDND voucher that ModiInboundFilter verified (with the
 * request's Agid-JWT-Signature) before the request reached any route. Nobody outside can set it; without it the
 * request is refused in the SSU format.
 */
@Component
public class SsuClientAuthentication {
    /** @return the authenticated client id */
    public String authenticate(Exchange e) {
        String client = e.getMessage().getHeader(ModiInboundFilter.CALLER, String.class);
        if (client == null || client.isBlank()) {
            throw new SsuException(SsuErrorCode.ERROR_401_001, "no authenticated caller");
        }
        return client;
    }
}
