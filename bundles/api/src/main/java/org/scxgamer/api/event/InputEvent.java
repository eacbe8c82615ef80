package org.scxgamer.api.event;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One event as the kernel recorded it. Instances handed to a listener are reused by the core:
 * they are valid only during the call; keep {@link #snapshot()} if the data is needed later.
 */
@ProviderType
public interface InputEvent {
    /** The record was counted as opening or extending a boost window. */
    int FLAG_BOOSTED = 1;
    /** The record came from the injector, not from a real device. */
    int FLAG_INJECTED = 1 << 1;
    /** Continuous-input mode was on when the record was made. */
    int FLAG_CONTINUOUS = 1 << 2;
    /** {@link #type()} of scheduler samples on {@link Lane#SCHED}: value is wake-to-run ns, deviceId the tid. */
    int TYPE_SCHED_WAKE = 0xf001;
    /**
     * {@link #type()} of display flips on {@link Lane#SCHED} (part RENDER_HOOK): the timestamp is the flip's vblank
     * time, value the ns since the previous flip on the same CRTC (0 for the first one seen; at most
     * {@link Integer#MAX_VALUE}), deviceId {@code card << 16 | CRTC object id}, code the CRTC's index on its card.
     */
    int TYPE_FRAME = 0xf002;
    /**
     * {@link #type()} of the record the scheduler writes when the kernel stops it (ejected, or detached) on
     * {@link Lane#SCHED}: value is the sequence number of that exit, code the kernel's exit kind; the exit itself is
     * in {@code ScxControl.exits()}.
     * @since 1.3
     */
    int TYPE_SCHED_EXIT = 0xf003;

    /** Kernel CLOCK_MONOTONIC time of the event in ns (comparable with {@link System#nanoTime()} on Linux). */
    long timestampNanos();

    /**
     * The device connection's id, as in {@code ScxControl.devices()} and {@code deviceHistory()}: a device that
     * unplugs and connects again gets a new one. 0 for a device the kernel side's full device cache could not hold.
     */
    int deviceId();

    /** Linux input event type (EV_KEY, EV_REL, …). */
    int type();

    int code();

    int value();

    int cpu();

    Lane lane();

    int flags();

    /** Index of the ring buffer the record was read from (cpu % 16). */
    int ring();

    /**
     * CLOCK_MONOTONIC time in ns at which the core read the record from its ring; within a burst the
     * clock is read once per 16 records, so it may be up to 15 records early.
     */
    long readNanos();

    default boolean boosted() { return (flags() & FLAG_BOOSTED) != 0; }

    default boolean injected() { return (flags() & FLAG_INJECTED) != 0; }

    /** An immutable copy. */
    default Snapshot snapshot() {
        return new Snapshot(timestampNanos(), deviceId(), type(), code(), value(), cpu(), lane(), flags(), ring(), readNanos());
    }

    /** Immutable event value. */
    record Snapshot(long timestampNanos, int deviceId, int type, int code, int value, int cpu, Lane lane,
                    int flags, int ring, long readNanos) implements InputEvent {
        @Override
        public Snapshot snapshot() { return this; }
    }
}
