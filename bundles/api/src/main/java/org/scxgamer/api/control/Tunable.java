package org.scxgamer.api.control;

/**
 * Live scheduler and input tunables. The key is the configuration property name (PID scxgamer.core)
 * and the Gogo name; values are whole numbers in the given unit, checked against [min, max].
 */
public enum Tunable {
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
    DEBUG_ERROR("debug.error", 0, 0, 2, "mode", "Debug: 1 = the scheduler exits with scx_bpf_error(); 2 = threads classed background never run (watchdog stall)");

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
