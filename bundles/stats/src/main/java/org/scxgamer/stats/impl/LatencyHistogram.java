package org.scxgamer.stats.impl;

import java.util.LinkedHashMap;
import java.util.Map;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A resettable latency histogram: writers record into an HdrHistogram {@link Recorder} (wait-free),
 * readers fold the recorder's interval histograms into an accumulated one under this object's lock,
 * which writers never take.
 */
final class LatencyHistogram {
    private final long highest;
    private final Recorder recorder;
    private Histogram accumulated;
    private Histogram interval;

    LatencyHistogram(long highestTrackableNanos, int digits) {
        this.highest = highestTrackableNanos;
        this.recorder = new Recorder(1, highestTrackableNanos, digits);
        this.accumulated = new Histogram(1, highestTrackableNanos, digits);
    }

    /** Records one value; values above the tracked range count as the highest trackable value. */
    void record(long nanos) {
        recorder.recordValue(Math.max(1, Math.min(nanos, highest)));
    }

    synchronized void reset() {
        interval = recorder.getIntervalHistogram(interval);
        accumulated.reset();
    }

    /** A copy of everything recorded since the last reset. */
    synchronized Histogram snapshot() {
        interval = recorder.getIntervalHistogram(interval);
        accumulated.add(interval);
        return accumulated.copy();
    }

    /** count, min, mean, p50, p90, p99, p99.9, max (ns). */
    synchronized Map<String, Number> summary() {
        interval = recorder.getIntervalHistogram(interval);
        accumulated.add(interval);
        Histogram h = accumulated;
        Map<String, Number> m = new LinkedHashMap<>();
        long n = h.getTotalCount();
        m.put("count", n);
        m.put("min", n == 0 ? 0 : h.getMinValue());
        m.put("mean", n == 0 ? 0 : Math.round(h.getMean()));
        m.put("p50", h.getValueAtPercentile(50));
        m.put("p90", h.getValueAtPercentile(90));
        m.put("p99", h.getValueAtPercentile(99));
        m.put("p99.9", h.getValueAtPercentile(99.9));
        m.put("max", h.getMaxValue());
        return m;
    }
}
