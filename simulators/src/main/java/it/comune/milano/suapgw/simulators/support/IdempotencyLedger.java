package it.comune.milano.suapgw.simulators.support;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A receiver that keeps idempotency keys (the IETF {@code Idempotency-Key} request header, a structured-field string):
 * the first request with a key is applied; a repeat of a key whose first request succeeded (2xx) is answered as the
 * first was and not applied again; a repeat while the first is still being applied gets 409 (the draft's answer), one
 * after a failed first is applied as new. Requests without a key are applied every time. Everything is counted per
 * CUI ({@link #counts}), so a test can tell an effect applied twice from a delivery repeated and suppressed.
 */
public final class IdempotencyLedger {
    public static final String HEADER = "Idempotency-Key";

    /** What a request is answered with. */
    public record Response(int status, String contentType, byte[] body) {
        public boolean ok() {
            return status / 100 == 2;
        }
    }

    /** The effect of a request, applied once per key. */
    @FunctionalInterface
    public interface Effect {
        Response apply() throws IOException;
    }

    /**
     * Per CUI: {@code received} requests that reached the ledger, {@code applied} effects (with or without key),
     * {@code suppressed} repeats of a key answered without applying, {@code withoutKey} requests carrying no key,
     * {@code keys} distinct keys applied. Exactly once where keys are present: {@code applied == keys}.
     */
    public record Counts(int received, int applied, int suppressed, int withoutKey, int keys) {
        public static final Counts NONE = new Counts(0, 0, 0, 0, 0);

        public Counts plus(Counts o) {
            return new Counts(received + o.received, applied + o.applied, suppressed + o.suppressed, withoutKey + o.withoutKey,
                    keys + o.keys);
        }
    }

    private static final Response IN_PROGRESS = new Response(409, "application/json",
            "{\"code\":\"ERROR_409_001\",\"message\":\"a request with this Idempotency-Key is being processed\"}".getBytes());

    private static final class PerCui {
        final AtomicInteger received = new AtomicInteger();
        final AtomicInteger applied = new AtomicInteger();
        final AtomicInteger suppressed = new AtomicInteger();
        final AtomicInteger withoutKey = new AtomicInteger();
        final Set<String> keys = ConcurrentHashMap.newKeySet();
    }

    /** key → the first successful answer; {@link #IN_PROGRESS} while the first is being applied. */
    private final Map<String, Response> answers = new ConcurrentHashMap<>();
    private final Map<String, PerCui> perCui = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Instant> appliedAt = new ConcurrentLinkedQueue<>();

    /**
     * The request's key: the structured-field string unquoted (RFC 8941 §3.3.3, {@code \"} and {@code \\} unescaped);
     * a bare token is taken as it is; null without the header or with a blank one.
     */
    public static String key(HttpExchange exchange) {
        return parse(exchange.getRequestHeaders().getFirst(HEADER));
    }

    static String parse(String header) {
        if (header == null || header.isBlank()) return null;
        String h = header.trim();
        if (h.length() >= 2 && h.startsWith("\"") && h.endsWith("\"")) {
            h = h.substring(1, h.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        return h.isEmpty() ? null : h;
    }

    /** Applies {@code effect} unless {@code key} was already applied; returns what to answer. */
    public Response handle(String cuiUuid, String key, Effect effect) throws IOException {
        PerCui c = perCui.computeIfAbsent(cuiUuid, k -> new PerCui());
        c.received.incrementAndGet();
        if (key == null) {
            c.withoutKey.incrementAndGet();
            return applied(c, null, effect.apply());
        }
        Response earlier = answers.putIfAbsent(key, IN_PROGRESS);
        if (earlier != null) {
            if (earlier != IN_PROGRESS) c.suppressed.incrementAndGet();
            return earlier;
        }
        Response r = null;
        try {
            r = applied(c, key, effect.apply());
            return r;
        } finally {
            if (r != null && r.ok()) answers.put(key, r);
            else answers.remove(key); // a failed first request: the key may be applied by a later one
        }
    }

    private Response applied(PerCui c, String key, Response r) {
        if (r.ok()) {
            c.applied.incrementAndGet();
            if (key != null) c.keys.add(key);
            appliedAt.add(Instant.now());
        }
        return r;
    }

    public Counts counts(String cuiUuid) {
        PerCui c = perCui.get(cuiUuid);
        return c == null ? Counts.NONE
                : new Counts(c.received.get(), c.applied.get(), c.suppressed.get(), c.withoutKey.get(), c.keys.size());
    }

    /** The sum over every CUI. */
    public Counts total() {
        Counts t = Counts.NONE;
        for (String cui : perCui.keySet()) t = t.plus(counts(cui));
        return t;
    }

    /** When each effect was applied, in order. */
    public List<Instant> appliedTimes() {
        return List.copyOf(appliedAt);
    }
}
