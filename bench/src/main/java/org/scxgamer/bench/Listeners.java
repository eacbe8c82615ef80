package org.scxgamer.bench;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.scxgamer.api.event.InputEvent;
import org.scxgamer.api.event.InputEventListener;

/** The subscribers the benchmarks register with the core's event hub. */
final class Listeners {
    private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static long nextServiceId = 1;

    /** Service properties of a listener registration: a unique service.id and a queue capacity. */
    static Map<String, Object> props(int capacity) {
        return props(capacity, false);
    }

    /** The same, declaring the listener non-blocking (it then runs on the reader thread) if asked. */
    static synchronized Map<String, Object> props(int capacity, boolean nonBlocking) {
        return Map.of("service.id", nextServiceId++, InputEventListener.QUEUE_CAPACITY, capacity,
                InputEventListener.NON_BLOCKING, nonBlocking);
    }

    /** Bytes allocated so far by a thread (HotSpot's per-thread TLAB accounting). */
    static long allocated(long threadId) {
        return THREADS.getThreadAllocatedBytes(threadId);
    }

    /** CPU time (user + system) of a thread so far; -1 if it has ended. */
    static long cpu(long threadId) {
        return THREADS.getThreadCpuTime(threadId);
    }

    static long cpuHere() {
        return THREADS.getCurrentThreadCpuTime();
    }

    static long allocatedHere() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /**
     * Counts events, optionally costing time per event (sleep: a stalled plugin; park: a slow one).
     * Notes when it reached {@link #target} so the harness can wait without spinning.
     */
    static final class Counting implements InputEventListener {
        private final long sleepMillis;
        private final long parkNanos;
        private final AtomicLong count = new AtomicLong();
        volatile long target = Long.MAX_VALUE;
        volatile long reachedAt;
        volatile long threadId = -1;
        long valueSum; // delivery thread only: keeps the event's fields read

        Counting(long sleepMillis, long parkNanos) {
            this.sleepMillis = sleepMillis;
            this.parkNanos = parkNanos;
        }

        @Override
        public void onEvent(InputEvent e) {
            if (threadId < 0) {
                threadId = Thread.currentThread().getId();
            }
            valueSum += e.value() + e.type() + e.code();
            if (sleepMillis > 0) {
                try {
                    Thread.sleep(sleepMillis);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            } else if (parkNanos > 0) {
                LockSupport.parkNanos(parkNanos);
            }
            long c = count.getPlain() + 1;
            count.setRelease(c);
            if (c == target) {
                reachedAt = System.nanoTime();
            }
        }

        long count() {
            return count.getAcquire();
        }

        /** Waits (parking, not spinning: two cores) until the count reached the target; returns when it did. */
        long awaitTarget(long timeoutNanos) {
            awaitCount(target, timeoutNanos, 100_000);
            return reachedAt;
        }

        /** Parks {@code parkNanos} at a time until the count reached {@code n}; fails after {@code timeoutNanos}. */
        void awaitCount(long n, long timeoutNanos, long parkNanos) {
            long deadline = System.nanoTime() + timeoutNanos;
            while (count() < n) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("subscriber got " + count() + " of " + n + " events within "
                            + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s");
                }
                LockSupport.parkNanos(parkNanos);
            }
        }
    }

    /**
     * Records kernel timestamp → delivery latency (both CLOCK_MONOTONIC) in an HdrHistogram, and its two
     * stages split at the reader's clock read ({@link InputEvent#readNanos()}): kernel → reader thread,
     * reader → subscriber thread. Allocation-free.
     */
    static final class Latency implements InputEventListener {
        static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(10);
        final Histogram histogram = new Histogram(MAX_NANOS, 3);
        final Histogram toReader = new Histogram(MAX_NANOS, 3);
        final Histogram toSubscriber = new Histogram(MAX_NANOS, 3);
        private final AtomicLong count = new AtomicLong();

        @Override
        public void onEvent(InputEvent e) {
            long now = System.nanoTime();
            histogram.recordValue(clamp(now - e.timestampNanos()));
            toReader.recordValue(clamp(e.readNanos() - e.timestampNanos()));
            toSubscriber.recordValue(clamp(now - e.readNanos()));
            count.setRelease(count.getPlain() + 1);
        }

        private static long clamp(long nanos) {
            return Math.max(0, Math.min(nanos, MAX_NANOS));
        }

        long count() {
            return count.getAcquire();
        }
    }

    private Listeners() {
    }
}
