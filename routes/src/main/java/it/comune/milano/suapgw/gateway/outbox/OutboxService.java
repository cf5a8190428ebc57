package it.comune.milano.suapgw.gateway.outbox;

import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.common.ContractViolationException;
import it.comune.milano.suapgw.gateway.persistence.DeadLetterStore;
import it.comune.milano.suapgw.gateway.persistence.DisservizioStore;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Instant;
import java.util.List;

/**
 * Bookkeeping of outbound calls: calls to the SSU retried by its retransmission policy, the others with exponential
 * backoff; then the dead-letter store.
 */
@Service
public class OutboxService {
    private static final Logger log = LoggerFactory.getLogger(OutboxService.class);

    private final OutboxStore outbox;
    private final DeadLetterStore deadLetters;
    private final TimelineStore timeline;
    private final List<OutboxFailureHandler> failureHandlers;
    private final RetransmissionPolicy ssu;
    private final DisservizioStore disservizi;
    private final GatewayProperties.Outbox cfg;

    public OutboxService(OutboxStore outbox, DeadLetterStore deadLetters, TimelineStore timeline,
                         List<OutboxFailureHandler> failureHandlers, RetransmissionPolicy ssu, DisservizioStore disservizi,
                         GatewayProperties props) {
        this.outbox = outbox;
        this.ssu = ssu;
        this.disservizi = disservizi;
        this.deadLetters = deadLetters;
        this.timeline = timeline;
        this.failureHandlers = failureHandlers;
        this.cfg = props.outbox();
    }

    @Transactional
    public List<OutboxEntry> claimDue() {
        return outbox.claimDue(cfg.batchSize(), cfg.claimSeconds());
    }

    @Transactional
    public void succeeded(OutboxEntry e) {
        outbox.markDone(e.id());
        OutboxKind kind = OutboxKind.valueOf(e.kind());
        if (ssu.governs(kind) && disservizi.restored(kind.system())) {
            log.info("{} answers again: its outage is closed", kind.system());
        }
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
        OutboxKind kind = OutboxKind.valueOf(e.kind());
        String system = kind.system();
        if (ssu.governs(kind) || cause instanceof ContractViolationException) {
            switch (ssu.classify(cause)) {
                case REFUSED -> {
                    refused(e, system, cause, error);
                    return;
                }
                case OUTAGE -> {
                    outage(e, system, error);
                    return;
                }
                case OTHER -> {
                }
            }
        }
        if (e.attempts() >= cfg.maxAttempts()) {
            log.error("Outbox {} {} exhausted after {} attempts: {}", e.id(), e.kind(), e.attempts(), error);
            deadLetter(e, system, error, DeadLetterStore.OUTBOX_EXHAUSTED);
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

    /** Not retried: the peer refused the call (its answer kept), or ours violates the contract (a bug of ours). */
    private void refused(OutboxEntry e, String system, Exception cause, String error) {
        String answer = RetransmissionPolicy.peerAnswer(cause);
        String reason = answer != null ? answer : error;
        if (cause instanceof ContractViolationException) {
            log.error("Outbox {} {} not sent: {}", e.id(), e.kind(), error);
        } else {
            log.warn("Outbox {} {} refused by {}: {}", e.id(), e.kind(), system, reason);
        }
        deadLetter(e, system, reason, DeadLetterStore.OUTBOX_REFUSED);
    }

    /** SSU §8.5.4: retransmitted at T+2h, T+4h, T+8h from the first failure T, then the peer's outage (§8.5.5). */
    private void outage(OutboxEntry e, String system, String error) {
        Instant first = outbox.firstFailure(e.id());
        var next = ssu.nextAttempt(first, e.attempts());
        if (next.isEmpty()) {
            log.error("Outbox {} {}: {} unreachable after {} retransmissions, outage opened: {}", e.id(), e.kind(), system,
                    ssu.retries(), error);
            disservizi.failure(system, error);
            deadLetter(e, system, error, DeadLetterStore.OUTBOX_EXHAUSTED);
            return;
        }
        log.warn("Outbox {} {} attempt {} failed, retransmission at {}: {}", e.id(), e.kind(), e.attempts(), next.get(), error);
        outbox.reschedule(e.id(), next.get(), error);
        if (e.praticaId() != null) {
            timeline.record(e.praticaId(), TimelineStore.OUT, system, e.kind().toLowerCase(), "FAILED", null,
                    "attempt " + e.attempts() + ", retransmission at " + next.get() + ": " + error);
        }
    }

    private void deadLetter(OutboxEntry e, String system, String reason, String category) {
        outbox.markDead(e.id(), reason);
        deadLetters.add(category, e.kind(), reason, e.payload(), null, e.id(), e.praticaId());
        if (e.praticaId() != null) {
            timeline.record(e.praticaId(), TimelineStore.OUT, system, e.kind().toLowerCase(), "DEAD_LETTER", null,
                    "attempt " + e.attempts() + ": " + reason);
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
