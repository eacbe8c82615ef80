package org.scxgamer.api.event;

/** What kind of input an event belongs to; ids match the BPF contract (enum scxg_lane). */
public enum Lane {
    NONE(0), MOUSE(1), KEYBOARD(2), CONTROLLER(3),
    /** The kernel side's own records, not input: scheduler samples (wake-to-run latency of input-handler threads) and display flips. */
    SCHED(4);

    private static final Lane[] BY_ID = values();
    private final int id;

    Lane(int id) { this.id = id; }

    public int id() { return id; }

    /** The lane with this id, or {@link #NONE} for an unknown id. */
    public static Lane ofId(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : NONE;
    }
}
