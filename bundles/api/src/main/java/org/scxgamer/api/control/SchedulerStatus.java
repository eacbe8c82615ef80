package org.scxgamer.api.control;

import java.util.List;

/**
 * Scheduler state as the kernel shows it ({@code /sys/kernel/sched_ext}): {@code state} (enabled,
 * disabled, …), the active ops name, enable_seq; whether this platform's scheduler is attached, the
 * number of restarts, and the exit history (newest last).
 */
public record SchedulerStatus(String kernelState, String opsName, long enableSeq, boolean attached,
                              int restarts, List<ExitInfo> exits) {
}
