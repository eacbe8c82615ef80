package org.scxgamer.core.internal;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.scxgamer.api.control.Tunable;
import org.scxgamer.api.control.WhitelistRule;

/**
 * Validates the properties of PID scxgamer.core into {@link CoreSettings}. Either every value is
 * valid and a complete settings object comes back, or {@link InvalidConfigException} lists every
 * bad key with its value and the accepted range, so nothing is applied partially.
 */
final class ConfigParser {
    static final String RING_SIZE_KIB = "ring.size.kib";
    static final String READER_WAIT = "reader.wait";
    static final String WHITELIST = "whitelist";
    static final String HOOK_ENABLED = "hook.enabled";
    static final String SCHEDULER_ENABLED = "scheduler.enabled";
    static final String INJECTOR_ENABLED = "injector.enabled";
    static final String SCHEDULER_RESTART = "scheduler.restart";
    static final String RESTART_MAX_ATTEMPTS = "scheduler.restart.max.attempts";
    static final String RESTART_BACKOFF_MS = "scheduler.restart.backoff.ms";
    static final String FILENAME = "felix.fileinstall.filename";

    static final int RING_MIN_KIB = 4;
    /** Capacity of the kernel's device_rules map (SCXG_MAX_DEVICES in bpf/src/scxgamer_maps.bpf.h). */
    static final int MAX_RULES = 256;
    /** Values and keys in messages are cut to this many characters (a hostile file must not flood the log). */
    static final int SHOWN_MAX = 80;
    static final int MAX_ERRORS_SHOWN = 8;
    static final int RING_MAX_KIB = 16384;
    static final List<String> DEFAULT_WHITELIST = List.of("usb:*:*=auto", "bluetooth:*:*=auto", "i8042:*:*=auto",
            "virtual:*:*=ignore");

    private static final Set<String> KEYS = Set.of(RING_SIZE_KIB, READER_WAIT, WHITELIST, HOOK_ENABLED, SCHEDULER_ENABLED,
            INJECTOR_ENABLED, SCHEDULER_RESTART, RESTART_MAX_ATTEMPTS, RESTART_BACKOFF_MS);
    /** Framework and tool properties that are not ours. */
    private static final List<String> FOREIGN_PREFIXES = List.of("service.", "component.", "felix.", "osgi.", ".");

    /** Settings, the tunables the properties name explicitly, and non-fatal remarks (an empty whitelist). */
    record Result(CoreSettings settings, Map<Tunable, Long> explicitTunables, List<String> warnings) {
    }

    /** Every problem of one configuration, as one message. */
    static final class InvalidConfigException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidConfigException(String message) {
            super(message);
        }
    }

    private ConfigParser() {
    }

    static CoreSettings defaults() {
        try {
            return parse(Map.of()).settings();
        } catch (InvalidConfigException e) {
            throw new IllegalStateException("built-in defaults are invalid: " + e.getMessage(), e);
        }
    }

    static Result parse(Map<String, ?> props) throws InvalidConfigException {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        int ring = (int) number(props, RING_SIZE_KIB, 256, RING_MIN_KIB, RING_MAX_KIB, "KiB", errors);
        if (props.containsKey(RING_SIZE_KIB) && Integer.bitCount(ring) != 1) {
            errors.add(RING_SIZE_KIB + " = " + shown(props.get(RING_SIZE_KIB)) + ": not a power of two; accepted: 4, 8, 16, … " + RING_MAX_KIB + " (KiB)");
        }
        String wait = text(props, READER_WAIT, "blocking");
        if (!wait.equals("blocking") && !wait.equals("busy-poll")) {
            errors.add(READER_WAIT + " = '" + shown(props.get(READER_WAIT)) + "': accepted: blocking, busy-poll");
        }
        List<WhitelistRule> rules = new ArrayList<>();
        List<String> ruleTexts = props.containsKey(WHITELIST) ? strings(props.get(WHITELIST)) : DEFAULT_WHITELIST;
        for (String r : ruleTexts) {
            try {
                rules.add(WhitelistRule.parse(r));
            } catch (IllegalArgumentException e) {
                errors.add(WHITELIST + ": " + shown(e.getMessage(), 4 * SHOWN_MAX));
            }
        }
        duplicateRules(rules, errors);
        if (rules.size() > MAX_RULES) {
            errors.add(WHITELIST + " has " + rules.size() + " rules; the kernel holds at most " + MAX_RULES
                    + " (use * for vendor or product to cover many devices with one rule)");
        }
        if (props.containsKey(WHITELIST) && ruleTexts.isEmpty()) {
            warnings.add(WHITELIST + " is empty: every input device is filtered");
        }
        boolean hook = bool(props, HOOK_ENABLED, true, errors);
        boolean sched = bool(props, SCHEDULER_ENABLED, true, errors);
        boolean injector = bool(props, INJECTOR_ENABLED, true, errors);
        RestartPolicy policy = RestartPolicy.ON_REQUEST;
        String policyText = text(props, SCHEDULER_RESTART, "on-request");
        try {
            policy = RestartPolicy.parse(policyText);
        } catch (IllegalArgumentException e) {
            errors.add(SCHEDULER_RESTART + " = '" + shown(props.get(SCHEDULER_RESTART)) + "': accepted: on-request, always, never");
        }
        int attempts = (int) number(props, RESTART_MAX_ATTEMPTS, 5, 0, 100, "attempts", errors);
        long backoff = number(props, RESTART_BACKOFF_MS, 500, 100, RestartPolicy.MAX_BACKOFF_MS, "ms", errors);
        Map<Tunable, Long> tunables = new EnumMap<>(Tunable.class);
        Map<Tunable, Long> explicit = new EnumMap<>(Tunable.class);
        for (Tunable t : Tunable.values()) {
            tunables.put(t, number(props, t.key(), t.defaultValue(), t.min(), t.max(), t.unit(), errors));
            if (props.containsKey(t.key())) {
                explicit.put(t, tunables.get(t));
            }
        }
        long on = tunables.get(Tunable.CONTINUOUS_ON_RATE);
        long off = tunables.get(Tunable.CONTINUOUS_OFF_RATE);
        if (off > on) {
            errors.add(Tunable.CONTINUOUS_OFF_RATE.key() + " = " + off + " is above " + Tunable.CONTINUOUS_ON_RATE.key() + " = " + on
                    + ": continuous-input mode would turn off above the rate that turns it on; accepted: off <= on");
        }
        unknownKeys(props, errors);
        if (!errors.isEmpty()) {
            List<String> shownErrors = errors.size() <= MAX_ERRORS_SHOWN ? errors : new ArrayList<>(errors.subList(0, MAX_ERRORS_SHOWN));
            if (errors.size() > MAX_ERRORS_SHOWN) {
                shownErrors.add("and " + (errors.size() - MAX_ERRORS_SHOWN) + " more problems");
            }
            throw new InvalidConfigException(String.join("; ", shownErrors));
        }
        return new Result(new CoreSettings(ring, wait.equals("busy-poll"), rules, tunables, hook, sched, injector, policy,
                attempts, backoff), explicit, warnings);
    }

    static List<String> knownKeys() {
        Set<String> all = new TreeSet<>(KEYS);
        for (Tunable t : Tunable.values()) {
            all.add(t.key());
        }
        return List.copyOf(all);
    }

    /**
     * A typo must not silently leave a default in force: keys that are neither ours nor the framework's
     * refuse the configuration, with the closest known key as a hint.
     */
    private static void unknownKeys(Map<String, ?> props, List<String> errors) {
        Set<String> unknown = new TreeSet<>();
        for (String k : props.keySet()) {
            if (!KEYS.contains(k) && Tunable.ofKey(k) == null && FOREIGN_PREFIXES.stream().noneMatch(k::startsWith)) {
                unknown.add(k);
            }
        }
        int listed = 0;
        for (String k : unknown) {
            if (++listed > 5) {
                errors.add("and " + (unknown.size() - 5) + " more unknown keys");
                break;
            }
            String hint = knownKeys().stream().filter(known -> distance(known, k) <= 2).findFirst()
                    .map(known -> " (did you mean " + known + "?)").orElse("");
            errors.add("unknown key '" + shown(k) + "'" + hint);
        }
        if (!unknown.isEmpty()) {
            errors.add("known keys: " + String.join(", ", knownKeys()));
        }
    }

    /** Two rules for the same bus, vendor and product: the kernel map could keep only one of them. */
    private static void duplicateRules(List<WhitelistRule> rules, List<String> errors) {
        Map<List<Integer>, WhitelistRule> seen = new java.util.HashMap<>();
        for (WhitelistRule r : rules) {
            WhitelistRule before = seen.putIfAbsent(List.of(r.bus(), r.vendor(), r.product()), r);
            if (before != null) {
                errors.add(WHITELIST + ": rules " + before + " and " + r + " match the same devices; keep one");
            }
        }
    }

    /** Edit distance, for the did-you-mean hint on short keys. */
    private static int distance(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 2) {
            return 3;
        }
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1], prev[j]) + 1, prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    static String shown(Object v) {
        return shown(v, SHOWN_MAX);
    }

    /**
     * A value as it may appear in a log line: control characters escaped (no forged lines, no terminal
     * escapes), cut to max characters with the full length named.
     */
    static String shown(Object v, int max) {
        String s = String.valueOf(v);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.length() < max || s.length() <= max ? b.toString() : b + "… (" + s.length() + " characters)";
    }

    /** Where the configuration came from, for messages: the FileInstall file if there is one. */
    static String source(Map<String, ?> props) {
        Object file = props.get(FILENAME);
        return file != null ? String.valueOf(file) : "configuration " + CoreConfig.PID;
    }

    private static String text(Map<String, ?> props, String key, String dflt) {
        Object v = props.get(key);
        return v == null ? dflt : String.valueOf(v).trim().toLowerCase(Locale.ROOT);
    }

    private static long number(Map<String, ?> props, String key, long dflt, long min, long max, String unit, List<String> errors) {
        Object v = props.get(key);
        if (v == null) {
            return dflt;
        }
        long n;
        if (v instanceof Boolean b && "bool".equals(unit)) {
            n = b ? 1 : 0;
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            n = ((Number) v).longValue();
        } else if (v instanceof String s) {
            String t = s.trim();
            if ("bool".equals(unit) && (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false"))) {
                n = t.equalsIgnoreCase("true") ? 1 : 0;
            } else {
                try {
                    n = Long.parseLong(t.replace("_", ""));
                } catch (NumberFormatException e) {
                    errors.add(key + " = '" + shown(v) + "': not a whole number; accepted: " + min + " .. " + max + " " + unit);
                    return dflt;
                }
            }
        } else {
            errors.add(key + " = " + shown(v) + " (" + v.getClass().getSimpleName() + "): not a whole number; accepted: "
                    + min + " .. " + max + " " + unit);
            return dflt;
        }
        if (n < min || n > max) {
            errors.add(key + " = " + shown(v) + ": out of range; accepted: " + min + " .. " + max + " " + unit);
            return dflt;
        }
        return n;
    }

    private static boolean bool(Map<String, ?> props, String key, boolean dflt, List<String> errors) {
        Object v = props.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("false")) {
            return s.equals("true");
        }
        errors.add(key + " = '" + shown(v) + "': accepted: true, false");
        return dflt;
    }

    /** A whitelist value: String (comma or newline separated), String[], or a collection. */
    private static List<String> strings(Object v) {
        List<String> out = new ArrayList<>();
        if (v instanceof String s) {
            for (String part : s.split("[,\\n]")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        } else if (v instanceof Collection<?> c) {
            c.forEach(o -> out.addAll(strings(o)));
        } else if (v != null && v.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(v); i++) {
                out.addAll(strings(Array.get(v, i)));
            }
        } else if (v != null) {
            out.add(String.valueOf(v));
        }
        return out;
    }
}
