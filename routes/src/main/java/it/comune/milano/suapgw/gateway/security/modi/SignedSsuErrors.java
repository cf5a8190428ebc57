package it.comune.milano.suapgw.gateway.security.modi;

import it.comune.milano.suapgw.connectors.ssu.SsuErrorCode;
import it.comune.milano.suapgw.connectors.ssu.SsuMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * An SSU error answered before any route (a refused path, a gateway not ready): the SSU format, signed for the
 * e-service the path belongs to (bo_to_fo, bo_to_et, bo_to_ri) like every answer of ours.
 */
public class SignedSsuErrors {
    private final ModiService modi;
    private final ModiProperties props;
    private final SsuMapper ssu;

    public SignedSsuErrors(ModiService modi, ModiProperties props, SsuMapper ssu) {
        this.modi = modi;
        this.props = props;
        this.ssu = ssu;
    }

    public void write(HttpServletRequest request, HttpServletResponse response, SsuErrorCode code, String detail) throws IOException {
        byte[] body = ssu.error(code, detail).toString().getBytes(StandardCharsets.UTF_8);
        String path = request.getRequestURI().substring(request.getContextPath().length());
        String eservice = path.startsWith("/ssu/et/") ? "bo_to_et" : path.startsWith("/ssu/ri/") ? "bo_to_ri" : "bo_to_fo";
        String audience = props.audiences() == null ? null : props.audiences().get(eservice);
        response.setStatus(code.httpStatus());
        response.setContentType("application/json");
        if (audience != null) {
            String digest = ModiService.digest(body);
            response.setHeader("Digest", digest);
            response.setHeader("Agid-JWT-Signature", modi.sign(audience, digest, "application/json"));
        }
        response.getOutputStream().write(body);
    }
}
