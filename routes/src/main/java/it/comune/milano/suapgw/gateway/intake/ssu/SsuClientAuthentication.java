package it.comune.milano.suapgw.gateway.intake.ssu;

import it.comune.milano.suapgw.connectors.ssu.SsuErrorCode;
import it.comune.milano.suapgw.connectors.ssu.SsuException;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Who calls bo_to_et and bo_to_ri: an SSU client (an ente terzo's {@code ssu.client}, the Registro Imprese) proving
 * itself with its secret ({@code suapgw.ssu.client-passwords}). Interim HTTP Basic credentials, until the PDND
 * vouchers; refused in the SSU format (ERROR_401_001 without credentials, ERROR_401_002 with wrong ones). The caller's
 * identity comes only from here, never from the body.
 */
@Component
public class SsuClientAuthentication {
    private final GatewayProperties props;

    public SsuClientAuthentication(GatewayProperties props) {
        this.props = props;
    }

    /** @return the authenticated client id */
    public String authenticate(Exchange e) {
        String header = e.getMessage().getHeader("Authorization", String.class);
        if (header == null || header.isBlank()) {
            throw new SsuException(SsuErrorCode.ERROR_401_001, "credentials required");
        }
        if (!header.regionMatches(true, 0, "Basic ", 0, 6) || header.length() > 1024) {
            throw new SsuException(SsuErrorCode.ERROR_401_002, "credentials not accepted");
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException bad) {
            throw new SsuException(SsuErrorCode.ERROR_401_002, "credentials not accepted");
        }
        int colon = decoded.indexOf(':');
        String client = colon < 0 ? decoded : decoded.substring(0, colon);
        String secret = colon < 0 ? "" : decoded.substring(colon + 1);
        String expected = props.ssu() == null ? null : props.ssu().clientPasswords().get(client);
        if (expected == null || expected.isEmpty() || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                secret.getBytes(StandardCharsets.UTF_8))) {
            throw new SsuException(SsuErrorCode.ERROR_401_002, "credentials not accepted");
        }
        return client;
    }
}
