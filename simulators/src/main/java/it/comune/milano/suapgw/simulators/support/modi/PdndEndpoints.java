package it.comune.milano.suapgw.simulators.support.modi;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Where a PDND is and how it names itself: its issuer name (the {@code iss} of the vouchers and the {@code aud} of the
 * client assertions, independent of its URL), the token endpoint, its own JWKS (to verify vouchers), and the prefix of
 * the clients' keys ({@code {keysUrl}{kid}}, INTEGRITY_REST_02).
 */
public record PdndEndpoints(String issuer, String tokenUrl, String jwksUrl, String keysUrl) {

    public PdndEndpoints {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(tokenUrl, "tokenUrl");
        Objects.requireNonNull(jwksUrl, "jwksUrl");
        Objects.requireNonNull(keysUrl, "keysUrl");
        if (!keysUrl.endsWith("/")) {
            keysUrl = keysUrl + "/";
        }
    }

    /** The endpoints of a PDND at {@code baseUrl}: {@code /token.oauth2}, {@code /.well-known/jwks.json}, {@code /keys/}. */
    public static PdndEndpoints of(String baseUrl, String issuer) {
        String b = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return new PdndEndpoints(issuer, b + "/token.oauth2", b + "/.well-known/jwks.json", b + "/keys/");
    }

    /** {@code {keysUrl}{kid}}. */
    public String keyUrl(String kid) {
        return keysUrl + URLEncoder.encode(kid, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
