package org.scxgamer.core.events;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.scxgamer.core.kernel.RingReader;
import org.scxgamer.core.kernel.ThreadPriority;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reader thread: drains the 16 rings into the hub, then waits with epoll (blocking mode, no CPU
 * at idle) or spins (busy-poll mode, lowest latency, one core busy).
 *
 * <p>Batching (blocking mode): after a drain that found records the thread sleeps {@link #batchMicros}
 * before draining again, and goes back to epoll only once a drain finds nothing. A steady stream then
 * wakes it once per period rather than once per record (the kernel wakes an epoll waiter for each record
 * it writes to a ring the reader has caught up with); a burst waits at most one period in the rings.
 *
 * <p>One thread for the life of the core, whatever kernel objects it reads: the hub's shared rings have
 * a single writer, which must always be the same thread. A kernel reload
 * {@link #detach()}es the old rings (the thread drains them a last time and lets go of them before
 * they may be unmapped) and {@link #attach}es the new ones.
 */
public final class RingPump implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(RingPump.class);
    /**
     * One epoll wait has no timeout: the kernel's wakeup (epoll is level-triggered on the rings' unread data)
     * or {@link RingReader#wakeup()} (detach, wait mode switch, stop) ends it, so an idle reader never wakes.
     */
    static final long AWAIT_MILLIS = -1;
    static final long HANDOVER_MILLIS = 5_000;
    /**
     * The reader's nice value in blocking mode: weight ~9x a default thread's. It must keep up with input
     * while every CPU is busy, which a fair share does not give it (soak under TCG: it needs about half a
     * CPU). In busy-poll mode it keeps the nice value it was started with.
     */
    static final int READER_NICE = -10;

    private final EventHub hub;
    private final Thread thread;
    private final Object lock = new Object();
    /** What the thread should read (null: nothing); changed under lock. */
    private volatile RingReader wanted;
    private volatile boolean busyPoll;
    /** Sleep after a drain that found records, blocking mode only; 0: none (the value a new pump starts with). */
    private volatile long batchNanos;
    /** What the thread reads now; written by the thread under lock. */
    private RingReader current;
    private boolean stopped;
    /** Linux thread id of the reader thread (0: unknown), set when it starts. */
    private volatile int tid;
    private final CountDownLatch started = new CountDownLatch(1);

    public RingPump(EventHub hub) {
        this.hub = hub;
        this.thread = new Thread(this, "scxgamer-ring-reader");
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts reading these rings (after {@link #detach()} of any earlier ones). */
    public void attach(RingReader rings, boolean busy) {
        synchronized (lock) {
            busyPoll = busy;
            wanted = rings;
            lock.notifyAll();
        }
    }

    /**
     * Stops reading the current rings and waits until the thread has drained them a last time and
     * let go of them: afterwards they may be closed.
     * @return false if the thread did not let go in time (the rings must then not be unmapped)
     */
    public boolean detach() {
        RingReader old;
        synchronized (lock) {
            old = wanted;
            wanted = null;
        }
        if (old == null) {
            return true;
        }
        old.wakeup();
        LockSupport.unpark(thread);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HANDOVER_MILLIS);
        synchronized (lock) {
            while (current == old) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.error("Ring reader did not let go of the rings within {} ms", HANDOVER_MILLIS);
                    return false;
                }
                try {
                    lock.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    /** Ends the thread (component deactivation), after a {@link #detach()}. */
    public void stop() {
        detach();
        synchronized (lock) {
            stopped = true;
            lock.notifyAll();
        }
        try {
            thread.join(HANDOVER_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the reader busy-polls (true) or waits with epoll (false). */
    public boolean busyPoll() {
        return busyPoll;
    }

    /** Sets the batching period of blocking mode (0: drain as soon as a record arrives); takes effect at once. */
    public void batchMicros(long micros) {
        if (micros < 0) {
            throw new IllegalArgumentException("reader batching " + micros + " us: must be 0 or more");
        }
        batchNanos = TimeUnit.MICROSECONDS.toNanos(micros);
        LockSupport.unpark(thread);
    }

    /** The batching period of blocking mode, in microseconds. */
    public long batchMicros() {
        return TimeUnit.NANOSECONDS.toMicros(batchNanos);
    }

    /** Switches the wait mode of the running reader. */
    public void busyPoll(boolean busy) {
        busyPoll = busy;
        RingReader r = wanted;
        if (r != null) {
            r.wakeup();
        }
    }

    /**
     * Linux thread id of the reader thread, for the scheduler hint that favours it; 0 if it cannot be
     * read. Waits (briefly, once) for the thread to start.
     */
    public int tid() {
        try {
            started.await(HANDOVER_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return tid;
    }

    private static int currentTid() {
        try {
            // "/proc/thread-self" links to "PID/task/TID".
            return Integer.parseInt(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
        } catch (IOException | RuntimeException e) {
            LOG.warn("Ring reader: cannot read its thread id from /proc/thread-self ({}); the scheduler cannot favour it", e.toString());
            return 0;
        }
    }

    /** Whether the thread currently reads rings. */
    public boolean reading() {
        return wanted != null;
    }

    @Override
    public void run() {
        tid = currentTid();
        started.countDown();
        long lastError = 0;
        RingReader rings = null;
        int inherited = ThreadPriority.currentThreadNice();
        int nice = Integer.MIN_VALUE;
        while (true) {
            // Busy-poll keeps a CPU busy by design; at a raised priority it would also starve whatever else runs there.
            int wantNice = busyPoll ? inherited : READER_NICE;
            if (wantNice != nice) {
                String failed = ThreadPriority.setCurrentThreadNice(wantNice);
                if (failed != null && nice == Integer.MIN_VALUE) {
                    LOG.warn("Ring reader keeps the default priority, under CPU saturation it may fall behind into ring drops: {}", failed);
                }
                nice = wantNice;
            }
            if (rings == null || wanted != rings) {
                if (rings != null) {
                    // What the kernel wrote before the switch still reaches the subscribers.
                    drainOnce(rings);
                    LOG.info("Ring reader let go of the rings");
                }
                synchronized (lock) {
                    current = null;
                    lock.notifyAll();
                    while (wanted == null && !stopped) {
                        try {
                            lock.wait();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    if (stopped) {
                        return;
                    }
                    rings = wanted;
                    current = rings;
                }
                LOG.info("Ring reader reading ({})", busyPoll ? "busy-poll: one core stays busy" : "blocking epoll wait");
            }
            try {
                int n = rings.drain(hub);
                hub.flush();
                if (busyPoll) {
                    if (n == 0) {
                        Thread.onSpinWait();
                    }
                } else if (n == 0) {
                    rings.await(AWAIT_MILLIS);
                } else if (batchNanos > 0) {
                    LockSupport.parkNanos(batchNanos);
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
                    return;
                }
            }
        }
    }

    private void drainOnce(RingReader rings) {
        try {
            rings.drain(hub);
            hub.flush();
        } catch (RuntimeException e) {
            LOG.error("Ring reader failed in its last drain", e);
        }
    }
}
