package it.comune.milano.suapgw.simulators.support.modi;

/**
 * ModI as an SSU simulator plays it with the gateway (docs/modi-pdnd.md): as a consumer of the gateway's e-service
 * ({@code client}, calling {@code gatewayAudience}, whose responses must be signed by {@code gatewayClientId}; null
 * client: the simulator does not call the gateway, e.g. the Catalogo) and as the provider of its own e-service
 * ({@code server}: the checks of the gateway's requests and the signature of the responses; null: no ModI on the
 * server side).
 */
public record ModiPeer(ModiClient client, String gatewayAudience, String gatewayClientId, ModiServer server) {

    /** Only the provider side (the Catalogo). */
    public static ModiPeer serverOnly(ModiServer server) {
        return new ModiPeer(null, null, null, server);
    }
}
