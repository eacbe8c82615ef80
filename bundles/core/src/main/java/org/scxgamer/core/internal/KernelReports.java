package org.scxgamer.core.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.scxgamer.api.control.PartStatus;
import org.scxgamer.api.control.Topics;
import org.scxgamer.core.kernel.Contract;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the monitor rounds tell the log and Event Admin about the kernel side besides the scheduler:
 * part state changes and events the kernel dropped on full rings. Not thread-safe: the
 * {@link CoreRuntime} calls it under its lock.
 */
final class KernelReports {
    private static final Logger LOG = LoggerFactory.getLogger(KernelReports.class);
    /** At most one overflow report (log line + Event Admin burst) per this period. */
    static final long OVERFLOW_REPORT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final EventSink events;
    private List<PartStatus> lastParts = List.of();
    private final long[] lastRingDrops = new long[Contract.RING_COUNT];
    private final long[] pendingRingDrops = new long[Contract.RING_COUNT];
    private long lastOverflowReport = System.nanoTime() - OVERFLOW_REPORT_NANOS;

    KernelReports(EventSink events) {
        this.events = events;
    }

    /** The kernel closed: the next one's ring drop counters start at zero. */
    void kernelClosed() {
        for (int r = 0; r < Contract.RING_COUNT; r++) {
            lastRingDrops[r] = 0;
        }
    }

    /** Logs and posts the parts whose state or reason changed since the last report (all of them the first time). */
    void parts(List<PartStatus> parts) {
        for (PartStatus p : parts) {
            PartStatus before = lastParts.stream().filter(o -> o.part() == p.part()).findFirst().orElse(null);
            if (before == null || before.state() != p.state() || !before.reason().equals(p.reason())) {
                LOG.info("Part {}: {}{}", p.part(), p.state(), p.reason().isEmpty() ? "" : " (" + p.reason() + ")");
                events.post(Topics.PART_CHANGED, Map.of(Topics.PART, p.part().name(), Topics.STATE, p.state().name(),
                        Topics.REASON, p.reason()));
            }
        }
        lastParts = parts;
    }

    /** Posts and logs (at most once per {@link #OVERFLOW_REPORT_NANOS}) the ring drops since the last report. */
    void overflow(long[] stats) {
        boolean any = false;
        for (int r = 0; r < Contract.RING_COUNT; r++) {
            long d = stats[Contract.STAT_RING_DROP_BASE + r];
            if (d > lastRingDrops[r]) {
                pendingRingDrops[r] += d - lastRingDrops[r];
            }
            lastRingDrops[r] = d;
            any |= pendingRingDrops[r] > 0;
        }
        long now = System.nanoTime();
        if (!any || now - lastOverflowReport < OVERFLOW_REPORT_NANOS) {
            return;
        }
        lastOverflowReport = now;
        StringBuilder line = new StringBuilder();
        for (int r = 0; r < Contract.RING_COUNT; r++) {
            if (pendingRingDrops[r] > 0) {
                events.post(Topics.BUFFER_OVERFLOW, Map.of(Topics.RING, r, Topics.COUNT, pendingRingDrops[r]));
                line.append(line.length() == 0 ? "" : ", ").append("ring ").append(r).append(": ").append(pendingRingDrops[r]);
                pendingRingDrops[r] = 0;
            }
        }
        LOG.warn("Kernel dropped events on full ring buffers (reader too slow or rings too small, see {}): {}",
                CoreSettings.RING_SIZE_KIB, line);
    }
}
