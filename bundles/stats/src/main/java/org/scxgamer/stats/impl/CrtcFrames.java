package org.scxgamer.stats.impl;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.scxgamer.api.stats.FramePacing;

/**
 * One CRTC's flips (records of type FRAME): the intervals between them in a histogram, the last
 * {@link FramePacing#RECENT} in a ring for the page's plot. Written by one thread at a time (the ring reader, or a delivery thread if the core moved the listener there).
 */
final class CrtcFrames {
    private final int id;
    private final int pipe;
    private final AtomicLong flips = new AtomicLong();
    private final AtomicLong pauses = new AtomicLong();
    private final AtomicLong sum = new AtomicLong();
    private final LatencyHistogram intervals;
    private final AtomicLongArray recent = new AtomicLongArray(FramePacing.RECENT);
    private final AtomicLong recorded = new AtomicLong();

    CrtcFrames(int id, int pipe, int digits) {
        this.id = id;
        this.pipe = pipe;
        this.intervals = new LatencyHistogram(FramePacing.PAUSE_NANOS, digits);
    }

    /** A flip; interval 0: the first one seen on this CRTC, nothing to measure. */
    void flip(long intervalNanos) {
        flips.incrementAndGet();
        if (intervalNanos <= 0) {
            return;
        }
        if (intervalNanos >= FramePacing.PAUSE_NANOS) {
            pauses.incrementAndGet();
            return;
        }
        intervals.record(intervalNanos);
        sum.addAndGet(intervalNanos);
        long n = recorded.get();
        recent.set((int) (n % FramePacing.RECENT), intervalNanos);
        recorded.lazySet(n + 1);
    }

    FramePacing.Crtc snapshot() {
        Histogram h = intervals.snapshot();
        long n = h.getTotalCount();
        long total = sum.get();
        long written = recorded.get();
        int kept = (int) Math.min(written, FramePacing.RECENT);
        long[] last = new long[kept];
        for (int i = 0; i < kept; i++) {
            last[i] = recent.get((int) ((written - kept + i) % FramePacing.RECENT));
        }
        return new FramePacing.Crtc(id, id >>> 16, id & 0xffff, pipe, flips.get(), n, pauses.get(), total,
                h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9),
                h.getMaxValue(), n == 0 || total == 0 ? 0 : 1e9 * n / total, low1PercentFps(h), last);
    }

    /** 1e9 / the mean of the slowest 1 % of the intervals (at least one); 0 without intervals. */
    static double low1PercentFps(Histogram h) {
        long n = h.getTotalCount();
        if (n == 0) {
            return 0;
        }
        long slowest = Math.max(1, (n + 99) / 100);
        long skip = n - slowest;
        double sum = 0;
        for (HistogramIterationValue v : h.recordedValues()) {
            long count = v.getCountAtValueIteratedTo();
            long take = Math.min(count, Math.max(0, count - skip));
            skip = Math.max(0, skip - count);
            sum += (double) take * h.medianEquivalentValue(v.getValueIteratedTo());
        }
        return sum == 0 ? 0 : 1e9 * slowest / sum;
    }
}
