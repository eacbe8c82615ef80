package org.scxgamer.stats.impl;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Event counts per second in a ring of 64 one-second buckets, for rates over the last 1, 10 and 60
 * complete seconds, plus a total. One thread writes (the ring reader, or the listener's delivery thread); readers on other
 * threads see opaque (relaxed) values, which is enough for statistics.
 */
final class RateCounter {
    private static final int BUCKETS = 64;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final AtomicLongArray seconds = new AtomicLongArray(BUCKETS);
    private final AtomicLongArray total = new AtomicLongArray(1);

    RateCounter() {
        for (int i = 0; i < BUCKETS; i++) {
            seconds.setPlain(i, Long.MIN_VALUE);
        }
    }

    /** Counts one event at monotonic time {@code nowNanos}; single writer only. */
    void increment(long nowNanos) {
        long second = Math.floorDiv(nowNanos, NANOS_PER_SECOND);
        int i = (int) (second & (BUCKETS - 1));
        if (seconds.getPlain(i) != second) {
            counts.setOpaque(i, 0);
            seconds.setOpaque(i, second);
        }
        counts.setOpaque(i, counts.getPlain(i) + 1);
        total.setOpaque(0, total.getPlain(0) + 1);
    }

    long total() {
        return total.getOpaque(0);
    }

    /** Events per second over the {@code windowSeconds} complete seconds before {@code nowNanos}. */
    double rate(long nowNanos, int windowSeconds) {
        long current = Math.floorDiv(nowNanos, NANOS_PER_SECOND);
        long sum = 0;
        for (long s = current - windowSeconds; s < current; s++) {
            int i = (int) (s & (BUCKETS - 1));
            if (seconds.getOpaque(i) == s) {
                sum += counts.getOpaque(i);
            }
        }
        return (double) sum / windowSeconds;
    }
}
