package it.comune.milano.suapgw.gateway.common;

import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.gateway.api.ApiProblem;
import it.comune.milano.suapgw.gateway.api.ApiResponses;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The error handling shared by families of routes, each route naming its family (marduk-style, with Camel route
 * configurations): outbound calls of the outbox, and the gateway's own API. The SSU e-services and the SOAP services
 * answer in their contracts' own formats and keep their own handlers.
 */
@Component
public class RouteConfigurations extends RouteConfigurationBuilder {
    public static final String OUTBOX_CALL = "outbox-call";
    public static final String GATEWAY_API = "gateway-api";
    private static final Logger log = LoggerFactory.getLogger(RouteConfigurations.class);

    private final ObjectMapper json;

    public RouteConfigurations(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public void configuration() {
        // no redelivery here: the failure goes back to the outbox relay, which retries with backoff and dead-letters
        routeConfiguration(OUTBOX_CALL).errorHandler(noErrorHandler());

        routeConfiguration(GATEWAY_API)
                .onException(ApiProblem.class).handled(true)
                    .process(e -> ApiResponses.problem(e, json, e.getProperty(Exchange.EXCEPTION_CAUGHT, ApiProblem.class)))
                .end()
                .onException(Exception.class).handled(true)
                    .process(e -> {
                        log.error("API request failed", e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
                        ApiResponses.problem(e, json, new ApiProblem(500, "the request could not be processed"));
                    })
                .end();
    }
}
