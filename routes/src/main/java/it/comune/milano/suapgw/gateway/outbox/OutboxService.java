package it.comune.milano.suapgw.gateway.outbox;

import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.persistence.DeadLetterStore;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Instant;
import java.util.List;

/** Bookkeeping of outbound calls: retries with exponential backoff, then the dead-letter store. */
@Service
public class OutboxService {
    private static final Logger log = LoggerFactory.getLogger(OutboxService.class);

    private final OutboxStore outbox;
    private final DeadLetterStore deadLetters;
    private final TimelineStore timeline;
    private final List<OutboxFailureHandler> failureHandlers;
    private final GatewayProperties.Outbox cfg;

    public OutboxService(OutboxStore outbox, DeadLetterStore deadLetters, TimelineStore timeline,
                         List<OutboxFailureHandler> failureHandlers, GatewayProperties props) {
        this.outbox = outbox;
        this.deadLetters = deadLetters;
        this.timeline = timeline;
        this.failureHandlers = failureHandlers;
        this.cfg = props.outbox();
    }

    @Transactional
    public List<OutboxEntry> claimDue() {
        return outbox.claimDue(cfg.batchSize(), cfg.claimSeconds());
    }

    public void succeeded(OutboxEntry e) {
        outbox.markDone(e.id());
    }

    @Transactional
    public void failed(OutboxEntry e, Exception cause) {
        String error = describe(cause);
        for (OutboxFailureHandler h : failureHandlers) {
            if (h.handle(e, cause, error)) {
                outbox.markDone(e.id());
                return;
            }
        }
        String system = OutboxKind.valueOf(e.kind()).system();
        if (e.attempts() >= cfg.maxAttempts()) {
            log.error("Outbox {} {} exhausted after {} attempts: {}", e.id(), e.kind(), e.attempts(), error);
            outbox.markDead(e.id(), error);
            deadLetters.add(DeadLetterStore.OUTBOX_EXHAUSTED, e.kind(), error, e.payload(), null, e.id(), e.praticaId());
            if (e.praticaId() != null) {
                timeline.record(e.praticaId(), TimelineStore.OUT, system, e.kind().toLowerCase(), "DEAD_LETTER", null,
                        "attempt " + e.attempts() + ": " + error);
            }
            return;
        }
        long delay = backoffMs(e.attempts());
        log.warn("Outbox {} {} attempt {} failed, next in {} ms: {}", e.id(), e.kind(), e.attempts(), delay, error);
        outbox.reschedule(e.id(), Instant.now().plusMillis(delay), error);
        if (e.praticaId() != null) {
            timeline.record(e.praticaId(), TimelineStore.OUT, system, e.kind().toLowerCase(), "FAILED", null,
                    "attempt " + e.attempts() + ", retry in " + delay + " ms: " + error);
        }
    }

    /** Exponential backoff after the given attempt (1-based), capped. */
    long backoffMs(int attempt) {
        return (long) Math.min(cfg.maxBackoffMs(), cfg.initialBackoffMs() * Math.pow(cfg.backoffMultiplier(), attempt - 1));
    }

    static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String msg = t.getClass().getSimpleName() + ": " + t.getMessage();
        if (root != t) msg += " (cause " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        return msg.length() > 2000 ? msg.substring(0, 2000) : msg;
    }
}
