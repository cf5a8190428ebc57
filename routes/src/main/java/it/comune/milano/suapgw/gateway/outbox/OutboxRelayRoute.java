package it.comune.milano.suapgw.gateway.outbox;

import it.comune.milano.suapgw.gateway.common.ExchangeKeys;
import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import it.comune.milano.suapgw.gateway.common.PraticaMdc;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.model.errorhandler.SpringTransactionErrorHandlerDefinition;
import org.apache.camel.spring.spi.SpringTransactionPolicy;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;

/**
 * Publishes the transactional outbox: claims as many due entries as the workers can take (row locks, so several
 * instances can share it) and hands each to the route of its kind ({@link OutboxKind#endpoint()}). The call's route
 * and its booking as done run in one database transaction ({@code outbox-attempt}): a claim lost to another instance
 * rolls back what the attempt booked. Failures are booked by {@link OutboxService} in a transaction of their own.
 */
@Component
public class OutboxRelayRoute extends GatewayRouteBuilder {
    static final String WORK = "seda:outbox-work?size=1000";
    static final String ATTEMPT_TRANSACTION = "outboxAttemptTransaction";
    private static final String FAILURE = "suapgwOutboxFailure";
    private static final String ENTRY = "${exchangeProperty." + ExchangeKeys.OUTBOX_ENTRY + "}";

    @Override
    public void configure() {
        from("timer:outbox-relay?period={{suapgw.outbox.poll-period-ms}}&delay=500")
                .routeId("outbox-relay")
                .bean(OutboxService.class, "claimDue")
                .split(body())
                    .to(WORK)
                .end();

        from(WORK + "&concurrentConsumers={{suapgw.outbox.workers}}")
                .routeId("outbox-dispatch")
                .setProperty(ExchangeKeys.OUTBOX_ENTRY, body())
                .process(e -> PraticaMdc.set(e, e.getMessage().getBody(OutboxEntry.class).praticaId(), null))
                .doTry()
                    .to("direct:outbox-attempt")
                .doCatch(Exception.class)
                    .process(e -> e.setProperty(FAILURE, OutboxService.unwrapped(e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class))))
                    .bean(OutboxService.class, "failed(" + ENTRY + ", ${exchangeProperty." + FAILURE + "})")
                .doFinally()
                    .bean(OutboxService.class, "released(" + ENTRY + ")")
                .end();

        // no redelivery and no logging of its own: a failure is rolled back, then booked and logged by OutboxService
        SpringTransactionErrorHandlerDefinition rollbackOnly = new SpringTransactionErrorHandlerDefinition();
        rollbackOnly.setTransactedPolicyRef(ATTEMPT_TRANSACTION);
        rollbackOnly.setRollbackLoggingLevel(LoggingLevel.DEBUG.name());
        rollbackOnly.logExhausted(false).logStackTrace(false).maximumRedeliveries(0);
        // without redeliveries Camel takes its "simple task" path, which logs an exhausted exchange at the handler's
        // own level whatever logExhausted says: an ERROR with a message history for every attempt that failed
        rollbackOnly.setLevel(LoggingLevel.DEBUG.name());
        from("direct:outbox-attempt")
                .routeId("outbox-attempt").errorHandler(rollbackOnly)
                .transacted(ATTEMPT_TRANSACTION)
                .toD("direct:outbox-${body.kind}")
                .bean(OutboxService.class, "completed(" + ENTRY + ", ${exchangeProperty." + ExchangeKeys.OUTBOX_RETRY + "})");

        from("timer:instance-heartbeat?period={{suapgw.outbox.heartbeat-period-ms}}&delay=0")
                .routeId("instance-heartbeat")
                .bean(GatewayInstance.class, "beat")
                .bean(OutboxService.class, "renewLeases");
    }

    /** A transaction of its own for each attempt, whatever the caller holds. */
    @Bean(ATTEMPT_TRANSACTION)
    static SpringTransactionPolicy outboxAttemptTransaction(PlatformTransactionManager transactions) {
        SpringTransactionPolicy policy = new SpringTransactionPolicy(transactions);
        policy.setPropagationBehaviorName("PROPAGATION_REQUIRES_NEW");
        return policy;
    }
}
