package it.comune.milano.suapgw.simulators.support;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotencyLedgerTest {

    private static final IdempotencyLedger.Response OK = new IdempotencyLedger.Response(200, null, null);

    @Test
    void theHeaderIsAStructuredFieldString() {
        assertThat(IdempotencyLedger.parse("\"suapgw-outbox-12\"")).isEqualTo("suapgw-outbox-12");
        assertThat(IdempotencyLedger.parse(" \"a\\\"b\\\\c\" ")).isEqualTo("a\"b\\c");
        assertThat(IdempotencyLedger.parse("bare-token")).isEqualTo("bare-token");
        assertThat(IdempotencyLedger.parse("  ")).isNull();
        assertThat(IdempotencyLedger.parse("\"\"")).isNull();
        assertThat(IdempotencyLedger.parse(null)).isNull();
    }

    @Test
    void aRepeatWhileTheFirstIsBeingAppliedIsAConflictAndNothingIsAppliedTwice() throws Exception {
        IdempotencyLedger ledger = new IdempotencyLedger();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger applied = new AtomicInteger();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<IdempotencyLedger.Response> first = pool.submit(() -> ledger.handle("cui", "k", () -> {
                applied.incrementAndGet();
                inside.countDown();
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return OK;
            }));
            assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(ledger.handle("cui", "k", () -> {
                applied.incrementAndGet();
                return OK;
            }).status()).isEqualTo(409);
            release.countDown();
            assertThat(first.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
        } finally {
            pool.shutdownNow();
        }
        assertThat(ledger.handle("cui", "k", () -> {
            applied.incrementAndGet();
            return OK;
        }).status()).isEqualTo(200);
        assertThat(applied).hasValue(1);
        assertThat(ledger.counts("cui")).isEqualTo(new IdempotencyLedger.Counts(3, 1, 1, 0, 1));
        assertThat(ledger.appliedTimes()).hasSize(1);
    }

    @Test
    void anEffectThatThrowsLeavesTheKeyFree() throws Exception {
        IdempotencyLedger ledger = new IdempotencyLedger();
        try {
            ledger.handle("cui", "k", () -> {
                throw new IllegalStateException("broken");
            });
        } catch (IllegalStateException expected) {
            // the simulator answers 500
        }
        assertThat(ledger.handle("cui", "k", () -> OK).status()).isEqualTo(200);
        assertThat(ledger.counts("cui").applied()).isEqualTo(1);
        assertThat(ledger.counts("other")).isEqualTo(IdempotencyLedger.Counts.NONE);
    }
}
