package it.comune.milano.suapgw.routetest;

import it.comune.milano.suapgw.gateway.outbox.GatewayInstance;
import it.comune.milano.suapgw.gateway.outbox.LeaseLostException;
import it.comune.milano.suapgw.gateway.outbox.OutboxEntry;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.outbox.OutboxRelayRoute;
import it.comune.milano.suapgw.gateway.outbox.OutboxService;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockReset;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** The relay hands each claimed entry to the route of its kind and books the outcome. */
@Import({OutboxRelayRoute.class, OutboxRelayRouteTest.NoDatabase.class})
class OutboxRelayRouteTest extends RouteTestBase {
    /** the attempt's transaction, without a database: the route's services are mocks */
    @org.springframework.boot.test.context.TestConfiguration
    static class NoDatabase {
        @org.springframework.context.annotation.Bean
        org.springframework.transaction.PlatformTransactionManager transactions() {
            return new org.springframework.transaction.support.AbstractPlatformTransactionManager() {
                @Override
                protected Object doGetTransaction() {
                    return new Object();
                }

                @Override
                protected void doBegin(Object transaction, org.springframework.transaction.TransactionDefinition definition) {
                }

                @Override
                protected void doCommit(org.springframework.transaction.support.DefaultTransactionStatus status) {
                }

                @Override
                protected void doRollback(org.springframework.transaction.support.DefaultTransactionStatus status) {
                }
            };
        }
    }

    @MockitoBean(reset = MockReset.NONE)
    GatewayInstance instance;

    /** what the next claim returns; the relay's timer keeps polling */
    static final Queue<OutboxEntry> DUE = new ConcurrentLinkedQueue<>();

    @MockitoBean(reset = MockReset.NONE)
    OutboxService outbox;

    @Override
    protected void advise() throws Exception {
        when(outbox.claimDue()).thenAnswer(i -> {
            OutboxEntry e = DUE.poll();
            return e == null ? List.of() : List.of(e);
        });
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(OutboxKind.CATALOGO_AUDIT.endpoint()).routeId("test-audit-call").to("mock:call");
                // as the gateway's calls are (RouteConfigurations.OUTBOX_CALL): the attempt handles their failures
                from(OutboxKind.FO_NOTIFY.endpoint()).routeId("test-failing-call").errorHandler(noErrorHandler())
                        .throwException(new IllegalStateException("front-office down"));
            }
        });
    }

    @Test
    void aClaimedEntryIsCalledOnTheRouteOfItsKindAndBookedDone() throws Exception {
        OutboxEntry e = new OutboxEntry(101, UUID.randomUUID(), OutboxKind.CATALOGO_AUDIT.name(), "instance_retrived", 1);
        mock("call").expectedBodiesReceived(e);
        NotifyBuilder done = new NotifyBuilder(camel).fromRoute("outbox-dispatch").whenDone(1).create();

        DUE.add(e);

        assertThat(done.matches(10, TimeUnit.SECONDS)).isTrue();
        mock("call").assertIsSatisfied();
        verify(outbox).completed(e, null);
        verify(outbox, never()).failed(eq(e), any());
    }

    @Test
    void aFailingCallIsBookedAsAFailureWithItsCauseAndCamelLogsNoErrorOfItsOwn() {
        OutboxEntry e = new OutboxEntry(102, UUID.randomUUID(), OutboxKind.FO_NOTIFY.name(), "end_by_positive_outcome", 3);
        ch.qos.logback.classic.Logger camelLog = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.apache.camel");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged = new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        camelLog.addAppender(logged);
        try {
            DUE.add(e);

            verify(outbox, timeout(10_000)).failed(eq(e), any(IllegalStateException.class));
            verify(outbox, timeout(10_000)).released(e);
        } finally {
            camelLog.detachAppender(logged);
        }
        verify(outbox, never()).completed(eq(e), any());
        // an attempt that fails is an expected event, booked and logged once by OutboxService (WARN, with its retry):
        // not also an ERROR with a message history per attempt, which is what operators alert on
        assertThat(logged.list).filteredOn(l -> l.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN))
                .extracting(l -> l.getLevel() + " " + l.getLoggerName() + " " + l.getFormattedMessage()).isEmpty();
    }

    @Test
    void aCallWhoseClaimWasTakenOverIsBookedAsLostNotAsDone() {
        OutboxEntry e = new OutboxEntry(103, UUID.randomUUID(), OutboxKind.CATALOGO_AUDIT.name(), "instance_retrived", 1);
        org.mockito.Mockito.doThrow(new LeaseLostException(e)).when(outbox).completed(e, null);

        DUE.add(e);

        verify(outbox, timeout(10_000)).failed(eq(e), any(LeaseLostException.class));
        verify(outbox, timeout(10_000)).released(e);
    }
}
