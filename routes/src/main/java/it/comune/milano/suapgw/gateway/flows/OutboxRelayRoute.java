package it.comune.milano.suapgw.gateway.flows;

import it.comune.milano.suapgw.gateway.service.OutboxService;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Publishes the transactional outbox: claims due entries (row locks, so several instances can share it) and
 * hands each to "direct:outbox-&lt;KIND&gt;"; success and failure are booked by OutboxService.
 */
@Component
public class OutboxRelayRoute extends RouteBuilder {
    static final String WORK = "seda:outbox-work?size=400";

    @Override
    public void configure() {
        from("timer:outbox-relay?period={{suapgw.outbox.poll-period-ms}}&delay=500")
                .routeId("outbox-relay")
                .bean(OutboxService.class, "claimDue")
                .split(body())
                    .to(WORK + "&blockWhenFull=true")
                .end();

        from(WORK + "&concurrentConsumers={{suapgw.outbox.workers}}")
                .routeId("outbox-dispatch")
                .setProperty("outboxEntry", body())
                .doTry()
                    .toD("direct:outbox-${body.kind}")
                    .bean(OutboxService.class, "succeeded(${exchangeProperty.outboxEntry})")
                .doCatch(Exception.class)
                    .bean(OutboxService.class, "failed(${exchangeProperty.outboxEntry}, ${exception})")
                .end();
    }
}
