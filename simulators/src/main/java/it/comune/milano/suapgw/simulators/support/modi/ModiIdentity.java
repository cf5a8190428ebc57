package it.comune.milano.suapgw.simulators.support.modi;

import java.security.PrivateKey;
import java.util.Objects;

/**
 * A PDND client's identity: its {@code client_id}, the {@code kid} its public key is registered under at the PDND,
 * and the private key (RS256) it signs with: client assertions, {@code Agid-JWT-Signature} of its requests and, as a
 * provider, of its responses.
 */
public record ModiIdentity(String clientId, String kid, PrivateKey privateKey) {

    public ModiIdentity {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(kid, "kid");
        Objects.requireNonNull(privateKey, "privateKey");
    }

    @Override
    public String toString() {
        return "ModiIdentity[" + clientId + ", kid " + kid + "]";
    }
}
