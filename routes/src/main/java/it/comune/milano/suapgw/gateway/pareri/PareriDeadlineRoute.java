package it.comune.milano.suapgw.gateway.pareri;

import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import org.springframework.stereotype.Component;

import java.time.Duration;

/** Overdue pareri: looked for on a timer (row locks, so several instances share it), flagged and reminded. */
@Component
public class PareriDeadlineRoute extends GatewayRouteBuilder {
    private final PareriService pareri;
    private final GatewayProperties props;

    public PareriDeadlineRoute(PareriService pareri, GatewayProperties props) {
        this.pareri = pareri;
        this.props = props;
    }

    @Override
    public void configure() {
        from("timer:pareri-deadlines?delay=5000&period=" + props.osp().deadlineCheckMs()).routeId("pareri-deadlines")
                .process(e -> {
                    int n = pareri.remindOverdue(Duration.ofHours(props.osp().reminderEveryHours()));
                    if (n > 0) log.info("{} overdue parere request(s) reminded", n);
                });
    }
}
