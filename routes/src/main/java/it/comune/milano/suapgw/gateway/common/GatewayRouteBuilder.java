package it.comune.milano.suapgw.gateway.common;

import it.comune.milano.suapgw.connectors.contract.JsonContracts;
import it.comune.milano.suapgw.gateway.api.ApiProblem;
import it.comune.milano.suapgw.gateway.outbox.OutboxEntry;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;

/**
 * What every flow of the gateway shares: outbound calls that start from an outbox entry (its route configuration,
 * the pratica in the MDC), the entry at hand, and the API and e-service route configurations by name.
 */
public abstract class GatewayRouteBuilder extends RouteBuilder {

    /**
     * The route making the outbound call of {@code kind}: failures propagate to the outbox relay, which books them
     * (retry with backoff, then dead letter), so every call gets the same policy.
     */
    protected RouteDefinition fromOutbox(OutboxKind kind, String routeId) {
        return from(kind.endpoint()).routeId(routeId).routeConfigurationId(RouteConfigurations.OUTBOX_CALL);
    }

    /**
     * A route of the gateway's own API: errors answered as application/problem+json; a parameter no store can hold
     * (U+0000, an unpaired surrogate) is a 400, never a query the database refuses.
     */
    protected RouteDefinition fromApi(String uri, String routeId) {
        return from(uri).routeId(routeId).routeConfigurationId(RouteConfigurations.GATEWAY_API)
                .process(GatewayRouteBuilder::storableParameters);
    }

    private static void storableParameters(Exchange e) {
        e.getMessage().getHeaders().forEach((name, value) -> {
            if (value instanceof String s && !JsonContracts.storable(s) || !JsonContracts.storable(name)) {
                throw ApiProblem.badRequest("parameter " + (name.length() > 40 ? name.substring(0, 40) + "..." : name)
                        + " holds U+0000 or an unpaired surrogate");
            }
        });
    }

    /** The outbox entry the current call is made for. */
    protected static OutboxEntry entry(Exchange e) {
        return e.getProperty(ExchangeKeys.OUTBOX_ENTRY, OutboxEntry.class);
    }
}
