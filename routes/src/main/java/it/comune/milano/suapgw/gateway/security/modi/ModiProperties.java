package it.comune.milano.suapgw.gateway.security.modi;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.Map;

/**
 * ModI and PDND on the SSU e-services (docs/modi-pdnd.md): who we are at the PDND (client id, key), where the PDND is,
 * the audiences of the e-services we provide and who may call each, and for each provider we call its audience and our
 * purpose.
 *
 * @param clientId         our PDND client id
 * @param kid              the kid our key is registered under
 * @param privateKey       our RSA private key (PKCS#8 PEM file); re-read when the file changes (rotation)
 * @param audiences        e-service (bo_to_fo, bo_to_et, bo_to_ri) → its audience
 * @param frontofficeClient the front-office's client id: the one caller of bo_to_fo, the provider of fo_to_bo
 * @param catalogoClient   the Catalogo's client id: the provider of catalogo-ssu_to_bo
 * @param outbound         provider client id (frontoffice, catalogo, an ente terzo's, registro-imprese) → how we call it
 */
@ConfigurationProperties(prefix = "suapgw.modi")
public record ModiProperties(String clientId, String kid, String privateKey, Pdnd pdnd, Map<String, String> audiences,
                             String frontofficeClient, String catalogoClient, Map<String, Peer> outbound, Duration clockSkew,
                             Duration signatureLifetime, long maxBodyBytes) {

    /** The PDND: the issuer name of its vouchers, its token endpoint, its keys, the clients' keys by kid. */
    public record Pdnd(String issuer, String tokenUrl, String jwksUrl, String keysUrl) {
    }

    /** A provider we call: the audience of its e-service, our purpose on it. */
    public record Peer(String audience, String purposeId) {
    }

    public Duration clockSkew() {
        return clockSkew == null ? Duration.ofSeconds(60) : clockSkew;
    }

    public Duration signatureLifetime() {
        return signatureLifetime == null ? Duration.ofSeconds(300) : signatureLifetime;
    }

    public long maxBodyBytes() {
        return maxBodyBytes <= 0 ? 1_048_576 : maxBodyBytes;
    }

    public Map<String, String> audiences() {
        return audiences == null ? Map.of() : audiences;
    }

    public Map<String, Peer> outbound() {
        return outbound == null ? Map.of() : outbound;
    }
}
