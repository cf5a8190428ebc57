package it.comune.milano.suapgw.gateway.outbox;

import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.persistence.DeadLetterStore;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.contains;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** The retry policy of outbound calls: exponential backoff, capped, then a dead letter; a flow may take a failure over. */
class OutboxServiceTest {
    final OutboxStore store = mock(OutboxStore.class);
    final DeadLetterStore deadLetters = mock(DeadLetterStore.class);
    final TimelineStore timeline = mock(TimelineStore.class);
    final OutboxFailureHandler handler = mock(OutboxFailureHandler.class);
    final OutboxService service = new OutboxService(store, deadLetters, timeline, List.of(handler), props(2000, 2.0, 600_000, 40));

    static GatewayProperties props(long initial, double multiplier, long max, int attempts) {
        return new GatewayProperties(null, null, null, null, null, null, null, null, null, null, null,
                new GatewayProperties.Outbox(100, 50, 8, 120, initial, multiplier, max, attempts, 3), null, null, null, null);
    }

    @Test
    void theBackoffDoublesFromTheInitialDelayUpToItsCap() {
        assertThat(service.backoffMs(1)).isEqualTo(2_000);
        assertThat(service.backoffMs(2)).isEqualTo(4_000);
        assertThat(service.backoffMs(5)).isEqualTo(32_000);
        assertThat(service.backoffMs(12)).isEqualTo(600_000);
        assertThat(service.backoffMs(39)).isEqualTo(600_000);
    }

    @Test
    void aFailureBeforeTheLastAttemptIsRescheduledAfterItsBackoffAndPutOnTheTimeline() {
        UUID pratica = UUID.randomUUID();
        OutboxEntry e = new OutboxEntry(7, pratica, OutboxKind.FO_NOTIFY.name(), "end_by_positive_outcome", 3);
        Instant before = Instant.now();

        service.failed(e, new IllegalStateException("HTTP 503"));

        verify(store).reschedule(eq(7L), argThat(at -> !at.isBefore(before.plusMillis(8_000))), contains("HTTP 503"));
        verify(timeline).record(eq(pratica), eq(TimelineStore.OUT), eq("FRONTOFFICE"), eq("fo_notify"), eq("FAILED"), any(),
                contains("retry in 8000 ms"));
        verify(deadLetters, never()).add(any(), any(), any(), any(), any(), any(), any());
    }

    @Test
    void theLastAttemptEndsAsADeadLetterThatCanBeReplayed() {
        UUID pratica = UUID.randomUUID();
        OutboxEntry e = new OutboxEntry(8, pratica, OutboxKind.GEOWORK_REGISTER.name(), pratica.toString(), 40);

        service.failed(e, new RuntimeException("wrapped", new java.net.ConnectException("refused")));

        verify(store).markDead(eq(8L), contains("cause ConnectException: refused"));
        verify(deadLetters).add(eq(DeadLetterStore.OUTBOX_EXHAUSTED), eq("GEOWORK_REGISTER"), any(), eq(pratica.toString()),
                any(), eq(8L), eq(pratica));
        verify(store, never()).reschedule(anyLong(), any(), any());
    }

    @Test
    void aFailureTakenOverByItsFlowIsDoneWithoutRetry() {
        OutboxEntry e = new OutboxEntry(9, UUID.randomUUID(), OutboxKind.FETCH_DOCUMENT.name(), "doc-1", 3);
        when(handler.handle(eq(e), any(), any())).thenReturn(true);

        service.failed(e, new IllegalStateException("mismatch"));

        verify(store).markDone(9L);
        verify(store, never()).reschedule(anyLong(), any(), any());
        verify(store, never()).markDead(anyLong(), any());
    }
}
