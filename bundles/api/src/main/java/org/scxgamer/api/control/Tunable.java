package org.scxgamer.api.control;

import java.util.List;
import java.util.stream.Stream;

/**
 * Live scheduler and input tunables. The key is the configuration property name (PID scxgamer.core)
 * and the Gogo name; values are whole numbers in the given unit, checked against [min, max].
 * <p>
 * Two kinds: the product's tunables ({@link #product()}: what users and policies tune), and debug-only
 * knobs ({@link #debugOnly()}, keys starting with {@code debug.}) that exist so tests can make the
 * scheduler fail on purpose. Profiles and tuning tools leave the debug knobs alone.
 */
public enum Tunable {
    // ---- product tunables ----
    INPUT_WINDOW_US("input.window.us", 5_000, 100, 1_000_000, "us", "Global input window opened by each boosting event"),
    MOUSE_BOOST_US("boost.mouse.us", 8_000, 0, 10_000_000, "us", "Mouse lane expiry after a mouse event"),
    KEYBOARD_BOOST_US("boost.keyboard.us", 1_000_000, 0, 10_000_000, "us", "Keyboard lane expiry after a key event"),
    CONTROLLER_BOOST_US("boost.controller.us", 500_000, 0, 10_000_000, "us", "Controller lane expiry after a controller event"),
    SLICE_US("slice.us", 5_000, 100, 100_000, "us", "Base time slice"),
    BOOSTED_SLICE_US("slice.boosted.us", 1_000, 50, 100_000, "us", "Slice of boosted classes while a window is open"),
    LAG_CAP_US("lag.cap.us", 20_000, 0, 1_000_000, "us", "Most vtime credit a sleeping task keeps"),
    CONTINUOUS_ON_RATE("continuous.on.rate", 150, 1, 100_000, "events/s", "Input rate that turns continuous-input mode on"),
    CONTINUOUS_OFF_RATE("continuous.off.rate", 75, 0, 100_000, "events/s", "Input rate below which continuous-input mode turns off"),
    INPUT_BOOST_SHIFT("boost.input.shift", 4, 0, 16, "shift", "Deadline shortening (slice >> shift) of input-handler threads while boosted"),
    FOREGROUND_BOOST_SHIFT("boost.foreground.shift", 2, 0, 16, "shift", "Deadline shortening (slice >> shift) of foreground threads while boosted"),
    PREEMPT("preempt", 1, 0, 1, "bool", "Boosted wakeups may preempt a lower class when no CPU is idle"),
    BEHAVIOUR_CLASSIFY("classify.behaviour", 1, 0, 1, "bool", "Class threads that mostly wake inside input windows as input handlers"),
    AUDIO_BOOST_SHIFT("boost.audio.shift", 3, 0, 16, "shift", "Deadline shortening (slice >> shift) of audio threads, on every wakeup"),
    AUDIO_CLASSIFY("classify.audio", 1, 0, 1, "bool", "Class threads mostly woken by the sound core's period callback (the audio hook) as audio threads"),
    TOPOLOGY_PREFER("topology.prefer", 1, 0, 2, "mode", "Domain the game (input, audio, foreground threads) is placed in first: 0 = none, 1 = the fast cores, 2 = the cache-rich LLC (X3D); background work avoids it"),
    RENDER_BOOST_SHIFT("boost.render.shift", 3, 0, 16, "shift", "Deadline shortening (slice >> shift) of render threads, on every wakeup"),
    RENDER_CLASSIFY("classify.render", 1, 0, 1, "bool", "Class threads that ask for page flips or atomic commits (the render hook) as render threads"),
    RENDER_HOLD_MS("render.hold.ms", 1_000, 10, 60_000, "ms", "How long a page flip or atomic commit keeps its thread classed render"),
    FUTEX_BOOST("boost.futex", 1, 0, 1, "bool", "Boost a thread woken by a futex wake (a lock or event handed over; the futex hook)"),
    FUTEX_BOOST_SHIFT("boost.futex.shift", 3, 0, 16, "shift", "Deadline shortening (slice >> shift) of a futex hand-off's wakeup"),
    NTSYNC_BOOST("boost.ntsync", 1, 0, 1, "bool", "Boost a thread woken by an ntsync object's signal (a Wine/Proton semaphore, mutex or event handed over; the ntsync hook)"),
    NTSYNC_BOOST_SHIFT("boost.ntsync.shift", 3, 0, 16, "shift", "Deadline shortening (slice >> shift) of an ntsync hand-off's wakeup"),
    // ---- debug-only knobs (tests make the scheduler fail on purpose; never set in production) ----
    /** Debug only: 1 makes the scheduler call scx_bpf_error(), 2 parks background-class threads until the watchdog ejects it. */
    DEBUG_ERROR("debug.error", 0, 0, 2, "mode", "Debug only (tests): 1 = the scheduler exits with scx_bpf_error(); 2 = threads classed background never run (watchdog stall)");

    private static final String DEBUG_PREFIX = "debug.";
    private static final List<Tunable> PRODUCT = Stream.of(values()).filter(t -> !t.debugOnly()).toList();

    private final String key;
    private final long defaultValue;
    private final long min;
    private final long max;
    private final String unit;
    private final String description;

    Tunable(String key, long defaultValue, long min, long max, String unit, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.min = min;
        this.max = max;
        this.unit = unit;
        this.description = description;
    }

    public String key() { return key; }

    public long defaultValue() { return defaultValue; }

    public long min() { return min; }

    public long max() { return max; }

    public String unit() { return unit; }

    public String description() { return description; }

    /** Whether this is a debug-only knob (forces scheduler failures for tests), not a product tunable. */
    public boolean debugOnly() {
        return key.startsWith(DEBUG_PREFIX);
    }

    /** The product's tunables, in declaration order: every tunable that is not {@link #debugOnly()}. */
    public static List<Tunable> product() {
        return PRODUCT;
    }

    /** The tunable with this key, or null. */
    public static Tunable ofKey(String key) {
        for (Tunable t : values()) {
            if (t.key.equals(key)) {
                return t;
            }
        }
        return null;
    }

    /**
     * Checks a value against this tunable's range.
     * @throws IllegalArgumentException naming the key and the accepted range
     */
    public long check(long value) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " = " + value + " is out of range: accepted " + min + " .. " + max + " " + unit);
        }
        return value;
    }
}
