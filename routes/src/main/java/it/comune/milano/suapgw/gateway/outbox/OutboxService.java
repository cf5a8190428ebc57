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
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

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
    private final GatewayInstance instance;
    /** entries claimed by this instance and not yet booked: claims never exceed what the workers can take */
    private final AtomicInteger inFlight = new AtomicInteger();
    /** the claims this instance holds now (queued or running), whose leases it renews while they last */
    private final Map<Long, UUID> held = new ConcurrentHashMap<>();

    public OutboxService(OutboxStore outbox, DeadLetterStore deadLetters, TimelineStore timeline,
                         List<OutboxFailureHandler> failureHandlers, RetransmissionPolicy ssu, DisservizioStore disservizi,
                         GatewayProperties props, GatewayInstance instance) {
        this.instance = instance;
        this.outbox = outbox;
        this.ssu = ssu;
        this.disservizi = disservizi;
        this.deadLetters = deadLetters;
        this.timeline = timeline;
        this.failureHandlers = failureHandlers;
        this.cfg = props.outbox();
    }

    /** Claims only as many due entries as the workers can start now (two per worker: one running, one waiting). */
    @Transactional
    public List<OutboxEntry> claimDue() {
        int free = Math.min(cfg.batchSize(), 2 * cfg.workers() - inFlight.get());
        if (free <= 0) return List.of();
        instance.ensureRegistered();
        List<OutboxEntry> claimed = outbox.claimDue(free, cfg.claimSeconds(), instance.id(), cfg.instanceTimeoutSeconds());
        inFlight.addAndGet(claimed.size());
        claimed.forEach(e -> held.put(e.id(), e.claimToken()));
        return claimed;
    }

    /** The entry's attempt is over (booked, failed, or fenced off). */
    public void released(OutboxEntry e) {
        held.remove(e.id(), e.claimToken());
        inFlight.decrementAndGet();
    }

    /**
     * Keeps the leases of the claims this instance still holds: a call longer than the lease (a large document at
     * the pace of a slow peer) is not claimed again, and run twice, while it runs. A claim that was taken over all the
     * same stays taken over: only the current token is renewed.
     */
    public void renewLeases() {
        if (held.isEmpty()) return;
        outbox.renew(Map.copyOf(held), cfg.claimSeconds());
    }

    /**
     * Runs in the transaction of the call's own booking: both commit, or neither (a claim taken over by another
     * instance rolls the booking back).
     */
    @Transactional
    public void succeeded(OutboxEntry e) {
        if (!outbox.markDone(e.id(), e.claimToken())) throw new LeaseLostException(e);
        OutboxKind kind = OutboxKind.valueOf(e.kind());
        if (ssu.governs(kind) && disservizi.restored(kind.system())) {
            log.info("{} answers again: its outage is closed", kind.system());
        }
    }

    @Transactional
    public void failed(OutboxEntry e, Exception failure) {
        Exception cause = unwrapped(failure);
        String error = describe(cause);
        if (cause instanceof LeaseLostException) {
            log.warn("Outbox {} {}: taken over by another claim, this attempt's booking rolled back", e.id(), e.kind());
            return;
        }
        for (OutboxFailureHandler h : failureHandlers) {
            if (h.handle(e, cause, error)) {
                if (!outbox.markDone(e.id(), e.claimToken())) throw new LeaseLostException(e);
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
        if (!backoff(e, system, error)) {
            log.warn("Outbox {} {}: failure not booked, the claim was taken over", e.id(), e.kind());
        }
    }

    /**
     * The attempt is over: done, or (when the call booked a partial result and asked for another round) due again
     * after its backoff. Runs in the transaction of the call's own booking: both commit, or neither.
     */
    @Transactional
    public void completed(OutboxEntry e, String retryReason) {
        if (retryReason == null) {
            succeeded(e);
        } else if (!backoff(e, OutboxKind.valueOf(e.kind()).system(), retryReason)) {
            throw new LeaseLostException(e);
        }
    }

    /** The generic policy: again after an exponential backoff, a dead letter once the attempts are spent. */
    private boolean backoff(OutboxEntry e, String system, String error) {
        if (e.attempts() >= cfg.maxAttempts()) {
            log.error("Outbox {} {} exhausted after {} attempts: {}", e.id(), e.kind(), e.attempts(), error);
            return deadLetter(e, system, error, DeadLetterStore.OUTBOX_EXHAUSTED);
        }
        long delay = backoffMs(e.attempts());
        log.warn("Outbox {} {} attempt {} failed, next in {} ms: {}", e.id(), e.kind(), e.attempts(), delay, error);
        if (!outbox.reschedule(e.id(), e.claimToken(), Instant.now().plusMillis(delay), error)) return false;
        if (e.praticaId() != null) {
            timeline.record(e.praticaId(), TimelineStore.OUT, system, e.kind().toLowerCase(), "FAILED", null,
                    "attempt " + e.attempts() + ", retry in " + delay + " ms: " + error);
        }
        return true;
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
        if (!outbox.reschedule(e.id(), e.claimToken(), next.get(), error)) {
            log.warn("Outbox {} {}: failure not booked, the claim was taken over", e.id(), e.kind());
            return;
        }
        if (e.praticaId() != null) {
            timeline.record(e.praticaId(), TimelineStore.OUT, system, e.kind().toLowerCase(), "FAILED", null,
                    "attempt " + e.attempts() + ", retransmission at " + next.get() + ": " + error);
        }
    }

    private boolean deadLetter(OutboxEntry e, String system, String reason, String category) {
        if (!outbox.markDead(e.id(), e.claimToken(), reason)) {
            log.warn("Outbox {} {}: dead letter not booked, the claim was taken over", e.id(), e.kind());
            return false;
        }
        deadLetters.add(category, e.kind(), reason, e.payload(), null, e.id(), e.praticaId());
        if (e.praticaId() != null) {
            timeline.record(e.praticaId(), TimelineStore.OUT, system, e.kind().toLowerCase(), "DEAD_LETTER", null,
                    "attempt " + e.attempts() + ": " + reason);
        }
        return true;
    }

    /** Exponential backoff after the given attempt (1-based), capped. */
    long backoffMs(int attempt) {
        return (long) Math.min(cfg.maxBackoffMs(), cfg.initialBackoffMs() * Math.pow(cfg.backoffMultiplier(), attempt - 1));
    }

    /** The failure itself, not the wrapper of the attempt's transaction. */
    public static Exception unwrapped(Exception failure) {
        Exception e = failure;
        while (e instanceof org.apache.camel.RuntimeCamelException && e.getCause() instanceof Exception inner) e = inner;
        return e;
    }

    static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String msg = t.getClass().getSimpleName() + ": " + t.getMessage();
        if (root != t) msg += " (cause " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        return msg.length() > 2000 ? msg.substring(0, 2000) : msg;
    }
}
