package org.scxgamer.api.control;

/** Event Admin topics the core posts (low rate lifecycle news) and their property keys. */
public final class Topics {
    /** A part changed state. Properties: {@link #PART}, {@link #STATE}, {@link #REASON}. */
    public static final String PART_CHANGED = "org/scxgamer/part/CHANGED";
    /** The scheduler attached. */
    public static final String SCHEDULER_ATTACHED = "org/scxgamer/scheduler/ATTACHED";
    /** The scheduler left the kernel. Properties: {@link #EXIT_KIND}, {@link #EXIT_CODE}, {@link #REASON}, {@link #MESSAGE}. */
    public static final String SCHEDULER_EXITED = "org/scxgamer/scheduler/EXITED";
    /** Kernel drops on full rings since the last report. Properties: {@link #RING}, {@link #COUNT}. */
    public static final String BUFFER_OVERFLOW = "org/scxgamer/buffer/OVERFLOW";
    /** Tunables changed. Properties: {@link #SOURCE} and one entry per changed tunable key. */
    public static final String TUNABLES_CHANGED = "org/scxgamer/tunables/CHANGED";

    public static final String PART = "part";
    public static final String STATE = "state";
    public static final String REASON = "reason";
    public static final String MESSAGE = "message";
    public static final String EXIT_KIND = "exit.kind";
    public static final String EXIT_CODE = "exit.code";
    public static final String RING = "ring";
    public static final String COUNT = "count";
    public static final String SOURCE = "source";

    private Topics() {
    }
}
