package org.scxgamer.core.kernel;

import java.util.Map;

import org.scxgamer.api.control.ExitInfo;
import org.scxgamer.api.control.TaskClass;

/**
 * The sched_ext scheduler in the kernel: attaching and detaching its struct_ops link, its exit info and
 * counters, and the hints it schedules by (task classes, the foreground process, the ring reader).
 */
public interface SchedulerLink {

    /**
     * Loads (if needed) and attaches the scheduler; updates the SCHEDULER part status instead of
     * throwing when the kernel cannot take it. No-op while attached; after a detach or an ejection a
     * fresh object is loaded. Throws {@link IllegalStateException} only if disabled by configuration.
     */
    void attachScheduler();

    /** Destroys the struct_ops link (the kernel falls back to the default scheduler). Idempotent. */
    void detachScheduler();

    /** Whether our struct_ops link is still held and the kernel shows our ops enabled. */
    boolean schedulerAttached();

    /** The last exit info written by ops.exit, or null if none yet. */
    ExitInfo lastExit();

    /**
     * The kernel's debug dump of the last exit, written by ops.exit with the exit info (each CPU's runqueue
     * and the runnable tasks at an error exit, as the upstream tools print it), or empty if there is none.
     */
    String lastExitDump();

    /** Scheduler counters summed over CPUs, indexed by {@link Contract} SCHED_STAT_* indices. */
    long[] schedStats();

    void setTaskClass(int tid, TaskClass taskClass);

    Map<Integer, TaskClass> taskClasses();

    void setForeground(int tgid);

    int foreground();

    /**
     * Names the core's ring reader thread to the scheduler (0: none): it is scheduled as an input
     * handler and its wake-to-run is counted in the SCHED_STAT_READER_* counters instead of sampled.
     * The hint lives in a shared map: it holds whether the scheduler is attached or not.
     */
    void setReaderThread(int tid);
}
