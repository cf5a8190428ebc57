package it.comune.milano.suapgw.gateway.retention;

import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import org.springframework.stereotype.Component;

/** The retention purge on a timer (RetentionService; settings under suapgw.retention). */
@Component
public class RetentionRoute extends GatewayRouteBuilder {
    private final RetentionService retention;
    private final RetentionProperties props;

    public RetentionRoute(RetentionService retention, RetentionProperties props) {
        this.retention = retention;
        this.props = props;
    }

    @Override
    public void configure() {
        from("timer:retention-purge?delay=" + props.initialDelay().toMillis() + "&period=" + props.period().toMillis())
                .routeId("retention-purge").autoStartup(props.enabled())
                .process(e -> retention.purge());
    }
}
