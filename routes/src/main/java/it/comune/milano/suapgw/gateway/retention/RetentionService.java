package it.comune.milano.suapgw.gateway.retention;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * One run of the retention purge: resolved dead letters, then final outbox entries (some become free once their dead
 * letter is gone), then, if asked, the timeline of long-concluded pratiche. Each batch is its own short transaction
 * under an advisory lock, so that one gateway instance purges at a time; a run that finds the lock taken stops (the
 * other instance is doing the work).
 */
@Service
public class RetentionService {
    private static final Logger log = LoggerFactory.getLogger(RetentionService.class);
    /** a pratica has tens of timeline entries: about batch-size rows per timeline statement */
    private static final int TIMELINE_ENTRIES_PER_PRATICA = 50;

    private final RetentionStore store;
    private final RetentionProperties props;
    private final TransactionTemplate tx;
    private final MeterRegistry meters;

    public RetentionService(RetentionStore store, RetentionProperties props, PlatformTransactionManager transactions,
                            MeterRegistry meters) {
        this.store = store;
        this.props = props;
        this.tx = new TransactionTemplate(transactions);
        this.meters = meters;
    }

    /** The rows purged per table, or null if another instance held the lock. */
    public Map<String, Integer> purge() {
        Map<String, Integer> purged = new LinkedHashMap<>();
        int batch = Math.max(1, props.batchSize());
        if (!drain(purged, "dead_letter", () -> store.purgeDeadLetters(props.deadLetters(), batch))
                || !drain(purged, "outbox", () -> store.purgeOutbox(props.outbox(), batch))
                || props.timelineYears() > 0 && !drain(purged, "timeline",
                        () -> store.purgeTimeline(props.timelineYears(), Math.max(1, batch / TIMELINE_ENTRIES_PER_PRATICA)))) {
            log.info("retention purge stopped: another gateway instance is purging (so far {})", purged);
            return null;
        }
        log.info("retention purge: {} (outbox done/cancelled > {}, dead letters replayed > {}, timeline {})", purged,
                props.outbox(), props.deadLetters(),
                props.timelineYears() > 0 ? "of pratiche concluded > " + props.timelineYears() + " years" : "kept");
        return purged;
    }

    /** Batches until one deletes nothing; false if the lock was taken by another instance. */
    private boolean drain(Map<String, Integer> purged, String table, IntSupplier batch) {
        purged.putIfAbsent(table, 0);
        Counter counter = Counter.builder("suapgw.retention.purged").tag("tabella", table)
                .description("rows removed by the retention purge").register(meters);
        while (true) {
            Integer n = tx.execute(s -> store.tryLock() ? batch.getAsInt() : null);
            if (n == null) return false;
            if (n == 0) return true;
            purged.merge(table, n, Integer::sum);
            counter.increment(n);
        }
    }
}
