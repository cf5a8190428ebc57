package it.comune.milano.suapgw.simulators.enti;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A simulated party that stays connected to a server of the gateway (broker, mail server) on a background thread:
 * it connects, serves until stopped or until the connection fails, and reconnects with backoff (0.5 s doubling to
 * 5 s) while the server is down.
 */
abstract class ReconnectingClient {
    private final Logger log = LoggerFactory.getLogger(getClass());
    private final String name;
    private volatile boolean running;
    private volatile boolean connected;
    private volatile CountDownLatch connectedLatch = new CountDownLatch(1);
    private volatile CountDownLatch stopSignal = new CountDownLatch(1);
    private Thread worker;
    private long backoff = 500;
    private int failures;

    protected ReconnectingClient(String name) {
        this.name = name;
    }

    /** Connects and serves until {@link #running()} turns false or the connection fails (by returning or throwing); calls {@link #connected()} once attached. */
    protected abstract void session() throws Exception;

    /** What this client connects to, for the log. */
    protected abstract String target();

    /** Starts the client in the background (it keeps reconnecting while the server is down). */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        stopSignal = new CountDownLatch(1);
        worker = new Thread(this::loop, name);
        worker.setDaemon(true);
        worker.start();
    }

    public void stop() {
        Thread w;
        synchronized (this) {
            running = false;
            stopSignal.countDown();
            w = worker;
            worker = null;
        }
        if (w != null) {
            try {
                w.join(5_000); // sessions look at running() at least every 500 ms
                if (w.isAlive()) {
                    w.interrupt();
                    w.join(5_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public boolean isConnected() {
        return connected;
    }

    /** Waits until the client is attached to its server. */
    public boolean awaitConnected(Duration timeout) {
        try {
            return connectedLatch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    protected boolean running() {
        return running;
    }

    protected void connected() {
        connected = true;
        connectedLatch.countDown();
        backoff = 500;
        failures = 0;
    }

    /** Waits up to {@code millis}; true when the client was stopped meanwhile. */
    protected boolean awaitStop(long millis) throws InterruptedException {
        return stopSignal.await(millis, TimeUnit.MILLISECONDS);
    }

    private void loop() {
        while (running) {
            try {
                session();
            } catch (InterruptedException e) {
                break;
            } catch (Exception e) {
                if (running && failures++ == 0) {
                    log.warn("{}: {} not usable: {} — retrying every {}-5000 ms", name, target(), e.toString(), backoff);
                } else if (running) {
                    log.debug("{}: still failing: {}", name, e.toString());
                }
            } finally {
                if (connected) {
                    connected = false;
                    connectedLatch = new CountDownLatch(1);
                }
            }
            try {
                if (!running || awaitStop(backoff)) {
                    break;
                }
            } catch (InterruptedException e) {
                break;
            }
            backoff = Math.min(backoff * 2, 5_000);
        }
        log.info("{} stopped", name);
    }
}
