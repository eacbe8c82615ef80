package org.scxgamer.core.events;

import java.util.concurrent.TimeUnit;

import org.scxgamer.core.kernel.RingReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reader thread: drains the 16 rings into the hub, then waits with epoll (blocking mode, no CPU
 * at idle) or spins (busy-poll mode, lowest latency, one core busy).
 */
public final class RingPump implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(RingPump.class);
    /** Upper bound of one epoll wait; {@link RingReader#wakeup()} ends it earlier on stop. */
    static final long AWAIT_MILLIS = 1_000;

    private final RingReader rings;
    private final EventHub handler;
    private final boolean busyPoll;
    private final Thread thread;
    private volatile boolean running = true;

    public RingPump(RingReader rings, EventHub handler, boolean busyPoll) {
        this.rings = rings;
        this.handler = handler;
        this.busyPoll = busyPoll;
        this.thread = new Thread(this, "scxgamer-ring-reader");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public boolean busyPoll() {
        return busyPoll;
    }

    @Override
    public void run() {
        LOG.info("Ring reader started ({})", busyPoll ? "busy-poll: one core stays busy" : "blocking epoll wait");
        long lastError = 0;
        while (running) {
            try {
                int n = rings.drain(handler);
                handler.flush();
                if (n == 0) {
                    if (busyPoll) {
                        Thread.onSpinWait();
                    } else {
                        rings.await(AWAIT_MILLIS);
                    }
                }
            } catch (RuntimeException e) {
                // A reader that dies silently loses every later event: log (at most once a second), back off, go on.
                long now = System.nanoTime();
                if (now - lastError > TimeUnit.SECONDS.toNanos(1)) {
                    LOG.error("Ring reader failed; retrying in 100 ms", e);
                    lastError = now;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        try {
            // What the kernel wrote before the stop still reaches the subscribers (the kernel side may close next).
            rings.drain(handler);
            handler.flush();
        } catch (RuntimeException e) {
            LOG.error("Ring reader failed in its last drain", e);
        }
        LOG.info("Ring reader stopped");
    }

    /** Stops the thread and waits for it; the rings may be closed afterwards. */
    public void stop() {
        running = false;
        rings.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.error("Ring reader did not stop within 5 s");
        }
    }

    /** Whether the thread stopped (safe to close the rings). */
    public boolean stopped() {
        return !thread.isAlive();
    }
}
