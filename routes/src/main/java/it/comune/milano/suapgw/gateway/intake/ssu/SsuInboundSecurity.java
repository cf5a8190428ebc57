package it.comune.milano.suapgw.gateway.intake.ssu;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * The one place where every SSU request is authenticated before anything else happens: PDND voucher
 * (Authorization: Bearer) and ModI Agid-JWT-Signature + Digest. Not enforced yet (a later issue); errors must be
 * raised as SsuException with ERROR_401_00x so that they are answered in the SSU format.
 */
@Component("ssuInboundSecurity")
public class SsuInboundSecurity implements Processor {
    @Override
    public void process(Exchange exchange) {
        // intentionally permissive until ModI/PDND verification is implemented
    }
}
