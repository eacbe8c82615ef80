package org.scxgamer.dbus.impl;

import java.util.List;
import java.util.Map;

/** What the bus objects read and change: the core and the profiles policy, through their services. */
interface Backend {
    boolean schedulerAttached();

    /** Part name → "STATE" or "STATE: reason". */
    Map<String, String> parts();

    /** @throws IllegalStateException when the profiles policy is not running */
    List<String> profiles();

    /** The active profile, empty when none (or the profiles policy is not running). */
    String activeProfile();

    /** @throws IllegalArgumentException for an unknown profile, IllegalStateException without the profiles policy */
    void activate(String profile, String source);

    /** @throws IllegalStateException naming the part when the scheduler cannot restart */
    void restartScheduler();

    int foreground();

    String powerProfile();

    Settings settings();
}
