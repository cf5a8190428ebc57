package it.comune.milano.suapgw.gateway.outbox;

import it.comune.milano.suapgw.gateway.common.ExchangeKeys;
import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import it.comune.milano.suapgw.gateway.common.PraticaMdc;
import org.springframework.stereotype.Component;

/**
 * Publishes the transactional outbox: claims due entries (row locks, so several instances can share it) and
 * hands each to the route of its kind ({@link OutboxKind#endpoint()}); success and failure are booked by
 * {@link OutboxService}.
 */
@Component
public class OutboxRelayRoute extends GatewayRouteBuilder {
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
                .setProperty(ExchangeKeys.OUTBOX_ENTRY, body())
                .process(e -> PraticaMdc.set(e, e.getMessage().getBody(OutboxEntry.class).praticaId(), null))
                .doTry()
                    .toD("direct:outbox-${body.kind}")
                    .bean(OutboxService.class, "succeeded(${exchangeProperty." + ExchangeKeys.OUTBOX_ENTRY + "})")
                .doCatch(Exception.class)
                    .bean(OutboxService.class, "failed(${exchangeProperty." + ExchangeKeys.OUTBOX_ENTRY + "}, ${exception})")
                .end();
    }
}
