package org.scxgamer.dbus.impl;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.scxgamer.common.config.ConfigReader;

/**
 * Checked values of PID {@code scxgamer.dbus}: the bus, the mode → profile table and the power profile →
 * profile table. Profile names are checked for form here and for existence when a mode is switched (the
 * profiles bundle may come later).
 */
record Settings(boolean enabled, String busAddress, boolean loader, List<String> controlGroups, Map<Mode, String> modes,
                Mode defaultMode, boolean powerFollow, Map<String, String> power) {

    static final String SYSTEM_BUS = "unix:path=/run/dbus/system_bus_socket";
    /** power-profiles-daemon's profile names, in its order. */
    static final String[] POWER_PROFILES = {"performance", "balanced", "power-saver"};
    private static final Pattern PROFILE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern GROUP = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    private static final Pattern ADDRESS = Pattern.compile("unix:path=/[^,;=]{1,200}");
    private static final Map<Mode, String> DEFAULT_MODES = Map.of(Mode.AUTO, "default", Mode.GAMING, "esports",
            Mode.POWERSAVE, "low-power", Mode.LOWLATENCY, "esports", Mode.SERVER, "casual");
    private static final Map<String, String> DEFAULT_POWER = Map.of("performance", "esports", "balanced", "default",
            "power-saver", "low-power");

    /** @throws IllegalArgumentException naming every bad or unknown key, the value and what is accepted */
    static Settings parse(Map<String, ?> p) {
        ConfigReader c = new ConfigReader(DbusConfig.PID, p);
        boolean enabled = c.bool("enabled", true);
        String address = c.parsed("bus.address", SYSTEM_BUS, Settings::address);
        boolean loader = c.bool("loader", true);
        List<String> groups = c.list("control.groups", List.of("wheel"));
        for (String g : groups) {
            if (!GROUP.matcher(g).matches()) {
                c.problem("control.groups", g, "not a group name; accepted: a comma-separated list of group names", null);
            }
        }
        Map<Mode, String> modes = new EnumMap<>(Mode.class);
        for (Mode m : Mode.values()) {
            modes.put(m, c.parsed("mode." + m.key(), DEFAULT_MODES.get(m), Settings::profile));
        }
        String[] modeKeys = new String[Mode.values().length];
        for (Mode m : Mode.values()) {
            modeKeys[m.ordinal()] = m.key();
        }
        Mode defaultMode = Mode.valueOf(c.oneOf("mode.default", "auto", modeKeys).toUpperCase(java.util.Locale.ROOT));
        boolean follow = c.bool("power.follow", false);
        Map<String, String> power = new LinkedHashMap<>();
        for (String pp : POWER_PROFILES) {
            power.put(pp, c.parsed("power." + pp, DEFAULT_POWER.get(pp), Settings::profile));
        }
        c.check();
        return new Settings(enabled, address, loader, List.copyOf(groups), Map.copyOf(modes), defaultMode, follow, Map.copyOf(power));
    }

    static Settings defaults() {
        return parse(Map.of());
    }

    /** The modes whose profile is this one, lowest number first. */
    Mode modeOf(String profile, Mode preferred) {
        if (preferred != null && modes.get(preferred).equals(profile)) {
            return preferred;
        }
        for (Mode m : Mode.values()) {
            if (modes.get(m).equals(profile)) {
                return m;
            }
        }
        return null;
    }

    private static String address(String v) {
        if (ADDRESS.matcher(v).matches()) {
            return v;
        }
        throw new IllegalArgumentException("accepted: unix:path=/absolute/socket (the system bus is " + SYSTEM_BUS + ")");
    }

    static String profile(String v) {
        if (PROFILE.matcher(v).matches()) {
            return v;
        }
        throw new IllegalArgumentException("not a profile name; accepted: 1 to 64 of A-Z a-z 0-9 . _ - (policy:profiles lists them)");
    }
}
