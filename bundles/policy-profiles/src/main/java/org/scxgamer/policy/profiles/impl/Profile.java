package org.scxgamer.policy.profiles.impl;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.regex.Pattern;

import org.scxgamer.api.control.Tunable;
import org.scxgamer.common.config.ConfigReader;

/** A named preset: the tunables it sets (others are left alone) and where it was defined. */
record Profile(String name, String description, Map<Tunable, Long> values, String origin) {
    static final String FACTORY_PID = "scxgamer.policy.profile";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,31}");

    /**
     * Parses one profile configuration: {@code name}, optional {@code description}, tunable keys
     * (e.g. {@code boost.mouse.us}). Framework keys (service.*, component.*, felix.*) are ignored;
     * debug-only knobs ({@link Tunable#debugOnly()}) are refused: they are not a profile's business.
     * @throws IllegalArgumentException naming the file (or PID), every bad key and what it accepts
     */
    static Profile parse(Map<String, ?> props, String origin) {
        ConfigReader c = new ConfigReader(FACTORY_PID, props);
        String name = c.parsed("name", "", n -> {
            if (!NAME.matcher(n).matches()) {
                throw new IllegalArgumentException("accepted: 1-32 of a-z, 0-9, '.', '_', '-' (starting with a letter or digit)");
            }
            return n;
        });
        if (name.isEmpty()) {
            c.problem("name is missing; accepted: 1-32 of a-z, 0-9, '.', '_', '-' (starting with a letter or digit)");
        }
        Object d = c.raw("description");
        Map<Tunable, Long> values = new EnumMap<>(Tunable.class);
        for (Tunable t : Tunable.values()) {
            if (!c.has(t.key())) {
                continue;
            }
            if (t.debugOnly()) {
                c.problem(t.key() + " is a debug-only knob (tests) and cannot be set by a profile");
            } else {
                values.put(t, c.number(t.key(), t.defaultValue(), t.min(), t.max(), t.unit()));
            }
        }
        c.check();
        return new Profile(name, d == null ? "" : d.toString(), Collections.unmodifiableMap(values), origin);
    }

    /** The presets shipped with the bundle; a configured profile of the same name replaces one. */
    static Map<String, Profile> builtins() {
        Map<String, Profile> m = new java.util.LinkedHashMap<>();
        Map<Tunable, Long> defaults = new EnumMap<>(Tunable.class);
        for (Tunable t : Tunable.product()) {
            defaults.put(t, t.defaultValue());
        }
        m.put("default", new Profile("default", "The scheduler's built-in values for every tunable", Collections.unmodifiableMap(defaults), "built-in"));
        m.put("esports", builtin("esports", "Shortest input latency: long mouse boost, short slices, deep deadline cuts",
                Tunable.INPUT_WINDOW_US, 8_000, Tunable.MOUSE_BOOST_US, 16_000, Tunable.SLICE_US, 3_000, Tunable.BOOSTED_SLICE_US, 500,
                Tunable.INPUT_BOOST_SHIFT, 6, Tunable.FOREGROUND_BOOST_SHIFT, 3, Tunable.PREEMPT, 1, Tunable.CONTINUOUS_ON_RATE, 100));
        m.put("casual", builtin("casual", "Responsive but gentle on background work",
                Tunable.INPUT_WINDOW_US, 3_000, Tunable.MOUSE_BOOST_US, 4_000, Tunable.BOOSTED_SLICE_US, 2_000,
                Tunable.INPUT_BOOST_SHIFT, 3, Tunable.FOREGROUND_BOOST_SHIFT, 1, Tunable.PREEMPT, 1));
        m.put("low-power", builtin("low-power", "Fewer preemptions and longer slices to save power",
                Tunable.INPUT_WINDOW_US, 2_000, Tunable.MOUSE_BOOST_US, 2_000, Tunable.KEYBOARD_BOOST_US, 250_000,
                Tunable.CONTROLLER_BOOST_US, 250_000, Tunable.SLICE_US, 20_000, Tunable.BOOSTED_SLICE_US, 4_000,
                Tunable.INPUT_BOOST_SHIFT, 2, Tunable.FOREGROUND_BOOST_SHIFT, 0, Tunable.PREEMPT, 0, Tunable.BEHAVIOUR_CLASSIFY, 0));
        return m;
    }

    private static Profile builtin(String name, String description, Object... kv) {
        Map<Tunable, Long> v = new EnumMap<>(Tunable.class);
        for (int i = 0; i < kv.length; i += 2) {
            Tunable t = (Tunable) kv[i];
            v.put(t, t.check(((Integer) kv[i + 1]).longValue()));
        }
        return new Profile(name, description, Collections.unmodifiableMap(v), "built-in");
    }

    /**
     * The tunables to write when switching from {@code previous} (null if none) to {@code next}: all of
     * next's values, plus the baseline value (what was in force before any profile) for each tunable
     * that previous set and next does not — so the result never depends on the order of switches.
     */
    static Map<Tunable, Long> plan(Profile previous, Profile next, Map<Tunable, Long> baseline) {
        Map<Tunable, Long> out = new EnumMap<>(Tunable.class);
        if (previous != null) {
            for (Tunable t : previous.values().keySet()) {
                if (!next.values().containsKey(t)) {
                    out.put(t, baseline.getOrDefault(t, t.defaultValue()));
                }
            }
        }
        out.putAll(next.values());
        return out;
    }
}
