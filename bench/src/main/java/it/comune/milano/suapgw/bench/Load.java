package it.comune.milano.suapgw.bench;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Load loops over {@code connections} threads, each making one synchronous request at a time (a persistent connection
 * each, as the HTTP client pools them). Latencies go to an HdrHistogram in microseconds.
 * <ul>
 * <li>{@link #maxRate}: closed loop, as fast as the server answers; latency = service time of each request.</li>
 * <li>{@link #fixedRate}: open loop, wrk2-style: request {@code i} is due at {@code start + i / rate} and its latency is
 * measured from that intended time, so a server that stalls is charged for every request it delayed (coordinated
 * omission accounted).</li>
 * </ul>
 * What a request needs that is not the call itself (a sample generated and registered with the simulators) is done by
 * {@link Preparer#prepare} before the clock of that request starts.
 */
final class Load {

    /** One request, prepared; true when it succeeded. */
    interface Request {
        boolean send() throws Exception;
    }

    /** Prepares request number {@code i} (0-based, unique across the threads of one run). */
    interface Preparer {
        Request prepare(long i) throws Exception;
    }

    /** {@code seconds}: from the first request's start to the last one's end. */
    /** {@code unsent}: requests of a fixed-rate schedule given up because the server was more than a duration behind. */
    record Result(String name, long ok, long errors, long unsent, double seconds, Histogram latencyMicros, String firstError) {

        double rate() {
            return seconds <= 0 ? 0 : ok / seconds;
        }

        double millis(double percentile) {
            return latencyMicros.getTotalCount() == 0 ? Double.NaN : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
        }

        double maxMillis() {
            return latencyMicros.getTotalCount() == 0 ? Double.NaN : latencyMicros.getMaxValue() / 1000.0;
        }
    }

    private Load() {
    }

    static Result maxRate(String name, int connections, Duration duration, Preparer preparer) throws InterruptedException {
        return run(name, connections, preparer, Long.MAX_VALUE, 0, duration.toNanos());
    }

    /** Closed loop until {@code total} requests are done. */
    static Result closedLoop(String name, int connections, long total, Preparer preparer) throws InterruptedException {
        return run(name, connections, preparer, total, 0, Long.MAX_VALUE / 4);
    }

    static Result fixedRate(String name, int connections, double perSecond, Duration duration, Preparer preparer) throws InterruptedException {
        long total = Math.max(1, Math.round(perSecond * duration.toMillis() / 1000.0));
        return run(name, connections, preparer, total, 1e9 / perSecond, duration.toNanos());
    }

    /** {@code periodNanos} 0: closed loop until {@code durationNanos}; otherwise {@code total} requests on schedule. */
    private static Result run(String name, int connections, Preparer preparer, long total, double periodNanos, long durationNanos)
            throws InterruptedException {
        ConcurrentHistogram latency = new ConcurrentHistogram(Duration.ofMinutes(10).toNanos() / 1000, 3);
        AtomicLong next = new AtomicLong();
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong lastEnd = new AtomicLong();
        AtomicLong unsent = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        long start = System.nanoTime();
        long end = start + durationNanos;
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < connections; t++) {
            Thread thread = new Thread(() -> {
                while (true) {
                    long i = next.getAndIncrement();
                    if (i >= total || (periodNanos == 0 && System.nanoTime() >= end)) {
                        return;
                    }
                    if (periodNanos > 0 && System.nanoTime() > end + durationNanos) {
                        unsent.incrementAndGet(); // a server this far behind: the rest of the schedule is not sent
                        continue;
                    }
                    boolean success = false;
                    long from = 0;
                    try {
                        Request r = preparer.prepare(i);
                        if (periodNanos > 0) {
                            long intended = start + (long) (i * periodNanos);
                            // pacing to the schedule, not synchronisation: a late request keeps its intended start
                            long wait;
                            while ((wait = intended - System.nanoTime()) > 0) {
                                LockSupport.parkNanos(wait);
                            }
                            from = intended;
                        } else {
                            from = System.nanoTime();
                        }
                        success = r.send();
                        if (!success) {
                            firstError.compareAndSet(null, "unsuccessful answer");
                        }
                    } catch (Exception e) {
                        firstError.compareAndSet(null, e.toString());
                    }
                    long now = System.nanoTime();
                    if (from != 0) {
                        latency.recordValue(Math.max(0, (now - from) / 1000));
                    }
                    lastEnd.accumulateAndGet(now, Math::max);
                    (success ? ok : errors).incrementAndGet();
                }
            }, name + "-" + t);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (Math.max(lastEnd.get(), start) - start) / 1e9;
        return new Result(name, ok.get(), errors.get(), unsent.get(), seconds, latency, firstError.get());
    }
}
