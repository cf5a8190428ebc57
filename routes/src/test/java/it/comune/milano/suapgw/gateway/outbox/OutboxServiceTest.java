package it.comune.milano.suapgw.gateway.outbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.gateway.common.ContractViolationException;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.persistence.DisservizioStore;
import org.apache.camel.http.base.HttpOperationFailedException;
import it.comune.milano.suapgw.gateway.persistence.DeadLetterStore;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
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

/**
 * The retry policy of outbound calls: exponential backoff, capped, then a dead letter; a flow may take a failure over;
 * calls to the SSU by its retransmission policy (§8.5.4), then the peer's outage (§8.5.5).
 */
class OutboxServiceTest {
    final OutboxStore store = mock(OutboxStore.class);
    final DeadLetterStore deadLetters = mock(DeadLetterStore.class);
    final TimelineStore timeline = mock(TimelineStore.class);
    final OutboxFailureHandler handler = mock(OutboxFailureHandler.class);
    final DisservizioStore disservizi = mock(DisservizioStore.class);
    final OutboxService service = new OutboxService(store, deadLetters, timeline, List.of(handler),
            new RetransmissionPolicy(new ObjectMapper(), props(2000, 2.0, 600_000, 40)), disservizi, props(2000, 2.0, 600_000, 40),
            mock(GatewayInstance.class));

    @org.junit.jupiter.api.BeforeEach
    void theClaimsAreStillOurs() {
        when(store.markDone(anyLong(), any())).thenReturn(true);
        when(store.markDead(anyLong(), any(), any())).thenReturn(true);
        when(store.reschedule(anyLong(), any(), any(), any())).thenReturn(true);
    }

    static GatewayProperties props(long initial, double multiplier, long max, int attempts) {
        return new GatewayProperties(null, null, null, null, null, null, null, null, null, null, null,
                new GatewayProperties.Outbox(100, 50, 8, 120, initial, multiplier, max, attempts, 3), null, null, null,
                null, new GatewayProperties.Ssu(java.time.Duration.ofHours(2), 3, null));
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
        OutboxEntry e = new OutboxEntry(7, pratica, OutboxKind.GEOWORK_PROPOSE_OUTCOME.name(), "POSITIVO", 3);
        Instant before = Instant.now();

        service.failed(e, new IllegalStateException("HTTP 503"));

        verify(store).reschedule(eq(7L), any(), argThat(at -> !at.isBefore(before.plusMillis(8_000))), contains("HTTP 503"));
        verify(timeline).record(eq(pratica), eq(TimelineStore.OUT), eq("GEOWORK"), eq("geowork_propose_outcome"), eq("FAILED"), any(),
                contains("retry in 8000 ms"));
        verify(deadLetters, never()).add(any(), any(), any(), any(), any(), any(), any());
    }

    @Test
    void theLastAttemptEndsAsADeadLetterThatCanBeReplayed() {
        UUID pratica = UUID.randomUUID();
        OutboxEntry e = new OutboxEntry(8, pratica, OutboxKind.GEOWORK_REGISTER.name(), pratica.toString(), 40);

        service.failed(e, new RuntimeException("wrapped", new java.net.ConnectException("refused")));

        verify(store).markDead(eq(8L), any(), contains("cause ConnectException: refused"));
        verify(deadLetters).add(eq(DeadLetterStore.OUTBOX_EXHAUSTED), eq("GEOWORK_REGISTER"), any(), eq(pratica.toString()),
                any(), eq(8L), eq(pratica));
        verify(store, never()).reschedule(anyLong(), any(), any(), any());
    }

    @Test
    void aFailureTakenOverByItsFlowIsDoneWithoutRetry() {
        OutboxEntry e = new OutboxEntry(9, UUID.randomUUID(), OutboxKind.FETCH_DOCUMENT.name(), "doc-1", 3);
        when(handler.handle(eq(e), any(), any())).thenReturn(true);

        service.failed(e, new IllegalStateException("mismatch"));

        verify(store).markDone(eq(9L), any());
        verify(store, never()).reschedule(anyLong(), any(), any(), any());
        verify(store, never()).markDead(anyLong(), any(), any());
    }

    static HttpOperationFailedException http(int status, String body) {
        return new HttpOperationFailedException("http://fo/notify", status, "x", null, Map.of(), body);
    }

    @Test
    void anSsuCallInOutageIsRetransmittedAtTwoFourAndEightHoursFromTheFirstFailureThenThePeerIsInOutage() {
        UUID pratica = UUID.randomUUID();
        Instant t = Instant.parse("2026-12-02T10:00:00Z");
        when(store.firstFailure(11L)).thenReturn(t);
        Exception outage = http(503, "");

        for (int attempt = 1; attempt <= 3; attempt++) {
            service.failed(new OutboxEntry(11, pratica, OutboxKind.FO_NOTIFY.name(), "{}", attempt), outage);
        }
        verify(store).reschedule(eq(11L), any(), eq(t.plusSeconds(2 * 3600)), any());
        verify(store).reschedule(eq(11L), any(), eq(t.plusSeconds(4 * 3600)), any());
        verify(store).reschedule(eq(11L), any(), eq(t.plusSeconds(8 * 3600)), any());
        verify(disservizi, never()).failure(any(), any());

        service.failed(new OutboxEntry(11, pratica, OutboxKind.FO_NOTIFY.name(), "{}", 4),
                http(500, "{\"code\":\"ERROR_500_007\",\"message\":\"service temporarily unavailable\"}"));
        verify(disservizi).failure(eq("FRONTOFFICE"), any());
        verify(deadLetters).add(eq(DeadLetterStore.OUTBOX_EXHAUSTED), eq("FO_NOTIFY"), any(), any(), any(), eq(11L), eq(pratica));
    }

    @Test
    void aTimeoutOfTheCatalogoIsAnOutageButAnyOtherAnswerOfTheSsuIsARefusalNeverRetried() {
        UUID pratica = UUID.randomUUID();
        when(store.firstFailure(12L)).thenReturn(Instant.now());
        service.failed(new OutboxEntry(12, pratica, OutboxKind.CATALOGO_AUDIT.name(), "x", 1),
                new RuntimeException(new java.net.SocketTimeoutException("Read timed out")));
        verify(store).reschedule(eq(12L), any(), any(), any());

        String refusal = "{\"code\":\"ERROR_400_001\",\"message\":\"incorrect request input\"}";
        service.failed(new OutboxEntry(13, pratica, OutboxKind.FO_NOTIFY.name(), "{}", 1), http(400, refusal));
        service.failed(new OutboxEntry(14, pratica, OutboxKind.FO_NOTIFY.name(), "{}", 1),
                http(500, "{\"code\":\"ERROR_500_003\",\"message\":\"instance not valid\"}"));
        service.failed(new OutboxEntry(15, pratica, OutboxKind.FO_NOTIFY.name(), "{}", 1),
                new ContractViolationException("notify", List.of("$.event: must be one of ...")));

        verify(deadLetters).add(eq(DeadLetterStore.OUTBOX_REFUSED), eq("FO_NOTIFY"), contains("HTTP 400: " + refusal), any(), any(),
                eq(13L), eq(pratica));
        verify(deadLetters).add(eq(DeadLetterStore.OUTBOX_REFUSED), eq("FO_NOTIFY"), contains("ERROR_500_003"), any(), any(),
                eq(14L), eq(pratica));
        verify(deadLetters).add(eq(DeadLetterStore.OUTBOX_REFUSED), eq("FO_NOTIFY"), contains("violates notify"), any(), any(),
                eq(15L), eq(pratica));
        verify(store, never()).reschedule(eq(13L), any(), any(), any());
        verify(disservizi, never()).failure(any(), any());
    }

    @Test
    void aSuccessfulCallClosesThePeersOutage() {
        service.succeeded(new OutboxEntry(16, null, OutboxKind.CATALOGO_UPDATE_TIMES.name(), "{}", 1));
        verify(disservizi).restored("CATALOGO");
        service.succeeded(new OutboxEntry(17, null, OutboxKind.GEOWORK_REGISTER.name(), "", 1));
        verify(disservizi, never()).restored("GEOWORK");
    }

    @Test
    void anAttemptWhoseClaimWasTakenOverBooksNothingAndRollsItsWorkBack() {
        when(store.markDone(eq(18L), any())).thenReturn(false);
        OutboxEntry e = new OutboxEntry(18, UUID.randomUUID(), OutboxKind.FO_NOTIFY.name(), "{}", 1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> service.succeeded(e)).isInstanceOf(LeaseLostException.class);

        service.failed(e, new LeaseLostException(e));
        verify(store, never()).reschedule(eq(18L), any(), any(), any());
        verify(store, never()).markDead(eq(18L), any(), any());
        verify(timeline, never()).record(eq(e.praticaId()), any(), any(), any(), any(), any(), any());
    }
}
