package org.scxgamer.dbus.impl;

import java.util.Locale;

/** scx_loader's scheduler modes, by their number on the bus (SchedulerMode, StartScheduler). */
enum Mode {
    AUTO, GAMING, POWERSAVE, LOWLATENCY, SERVER;

    long number() {
        return ordinal();
    }

    /** The configuration key's suffix and the name scx_loader's configuration uses. */
    String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode with this number; the error names the accepted numbers. */
    static Mode of(long number) {
        if (number < 0 || number >= values().length) {
            throw new IllegalArgumentException("sched_mode " + number + " is not a mode; accepted: 0 (auto), 1 (gaming), "
                    + "2 (powersave), 3 (lowlatency), 4 (server)");
        }
        return values()[(int) number];
    }
}
