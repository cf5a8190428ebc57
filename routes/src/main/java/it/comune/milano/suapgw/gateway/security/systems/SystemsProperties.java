package it.comune.milano.suapgw.gateway.security.systems;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.List;
import java.util.Map;

/**
 * The Comune's systems and InfoCamere's scrivania, which call the gateway outside the SSU: each signs its messages
 * (docs/security.md) with a key of its own, and may call only its own paths.
 *
 * @param signers system name (the {@code iss} of its signatures) → where it may call and the public keys by kid
 */
@ConfigurationProperties(prefix = "suapgw.systems")
public record SystemsProperties(Map<String, Signer> signers) {

    /**
     * @param paths        the path prefixes this system (and only it) may POST to
     * @param keys         kid → PEM public key file (several during a rotation)
     * @param maxBodyBytes the largest message it may send (read no further)
     */
    public record Signer(List<String> paths, Map<String, String> keys, long maxBodyBytes) {
    }

    public Map<String, Signer> signers() {
        return signers == null ? Map.of() : signers;
    }
}
