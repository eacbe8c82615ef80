package org.scxgamer.common.config;

import java.lang.reflect.Array;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Reads one configuration (the raw properties of a PID: strings from a .cfg file, typed values from
 * ConfigAdmin clients) the same way in every bundle. Each getter returns the value or, when it is
 * bad, the default and remembers the problem; {@link #check()} then refuses the whole configuration
 * with every problem in one message that names the file (or PID) and each key, so nothing is applied
 * partially. Keys nobody asked for are refused too, with the closest known key as a hint: a typo must
 * not silently leave a default in force. A missing or blank value means the default.
 *
 * <pre>
 * ConfigReader c = new ConfigReader(PID, props);
 * long n = c.number("scan.interval.ms", 2000, 100, 60_000, "ms");
 * c.check(); // throws InvalidConfigException listing every problem
 * </pre>
 */
public final class ConfigReader {
    /** Set by Felix FileInstall: the file the configuration came from. */
    public static final String FILENAME = "felix.fileinstall.filename";
    /** Values and keys in messages are cut to this many characters (a hostile file must not flood the log). */
    public static final int SHOWN_MAX = 80;
    static final int MAX_PROBLEMS_SHOWN = 8;
    static final int MAX_UNKNOWN_SHOWN = 5;
    /**
     * Framework and tool properties that are not the bundle's. DS hands a component its service properties
     * merged with its configuration: Event Admin's ({@code event.topics}) and the event service's whiteboard
     * ones ({@code scxgamer.event.*}) come with every handler and listener.
     */
    private static final List<String> FOREIGN_PREFIXES = List.of("service.", "component.", "felix.", "osgi.", "event.",
            "scxgamer.event.", ".");

    private final String pid;
    private final Map<String, ?> props;
    private final Set<String> known = new TreeSet<>();
    private final List<String> problems = new ArrayList<>();

    public ConfigReader(String pid, Map<String, ?> props) {
        this.pid = pid;
        this.props = props;
    }

    /** Where the configuration came from, for messages: the FileInstall file if there is one, else the PID. */
    public String source() {
        Object file = props.get(FILENAME);
        return file != null ? shown(file, 4 * SHOWN_MAX) : "configuration " + pid;
    }

    /** Whether the key is set (the key counts as known). */
    public boolean has(String key) {
        known.add(key);
        return props.containsKey(key);
    }

    /** The raw value, or null when the key is absent (the key counts as known). */
    public Object raw(String key) {
        known.add(key);
        return props.get(key);
    }

    /** Declares keys this configuration accepts without reading them through this reader. */
    public void accept(Collection<String> keys) {
        known.addAll(keys);
    }

    /**
     * A whole number in [min, max] (underscores allowed as digit separators); a tunable of unit "bool"
     * also accepts true and false as 1 and 0.
     */
    public long number(String key, long def, long min, long max, String unit) {
        Object v = raw(key);
        if (blank(v)) {
            return def;
        }
        String accepted = "accepted: " + min + " .. " + max + (unit.isEmpty() ? "" : " " + unit);
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
                    return problem(key, v, "not a whole number; " + accepted, def);
                }
            }
        } else {
            return problem(key, v, "(" + v.getClass().getSimpleName() + ") not a whole number; " + accepted, def);
        }
        if (n < min || n > max) {
            return problem(key, v, "out of range; " + accepted, def);
        }
        return n;
    }

    public boolean bool(String key, boolean def) {
        Object v = raw(key);
        if (blank(v)) {
            return def;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        return switch (v.toString().trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> problem(key, v, "accepted: true, false", def);
        };
    }

    /** One of the accepted words (compared case-insensitively), returned in lower case. */
    public String oneOf(String key, String def, String... accepted) {
        Object v = raw(key);
        if (blank(v)) {
            return def;
        }
        String s = v.toString().trim().toLowerCase(Locale.ROOT);
        return List.of(accepted).contains(s) ? s : problem(key, v, "accepted: " + String.join(", ", accepted), def);
    }

    /** The trimmed text, parsed; parse throws IllegalArgumentException saying what is accepted. */
    public <T> T parsed(String key, T def, Function<String, T> parse) {
        Object v = raw(key);
        if (blank(v)) {
            return def;
        }
        try {
            return parse.apply(v.toString().trim());
        } catch (IllegalArgumentException e) {
            return problem(key, v, e.getMessage(), def);
        }
    }

    /** A list (comma or newline separated text, an array or a collection); an empty value is an empty list. */
    public List<String> list(String key, List<String> def) {
        Object v = raw(key);
        return v == null ? def : strings(v);
    }

    /** @return the path, or null when the value (or else the default) is empty */
    public Path path(String key, String def) {
        Object v = raw(key);
        String s = blank(v) ? def : v.toString().trim();
        if (s.isEmpty()) {
            return null;
        }
        try {
            return Path.of(s);
        } catch (InvalidPathException e) {
            return problem(key, v, "not a file system path (" + e.getReason() + ")", null);
        }
    }

    /** Records a problem with one value ("key = 'value': what"), returns the fallback to carry on with. */
    public <T> T problem(String key, Object value, String what, T fallback) {
        problems.add(key + " = '" + shown(value) + "': " + what);
        return fallback;
    }

    /** Records a problem that is not about one value (two keys that contradict each other, say). */
    public void problem(String message) {
        problems.add(message);
    }

    /**
     * Refuses the configuration unless every value read was good and every key is known (read, declared
     * with {@link #accept}, or the framework's).
     * @throws InvalidConfigException naming the source and every problem
     */
    public void check() {
        unknownKeys();
        if (problems.isEmpty()) {
            return;
        }
        List<String> shownProblems = problems.size() <= MAX_PROBLEMS_SHOWN ? problems : new ArrayList<>(problems.subList(0, MAX_PROBLEMS_SHOWN));
        if (problems.size() > MAX_PROBLEMS_SHOWN) {
            shownProblems.add("and " + (problems.size() - MAX_PROBLEMS_SHOWN) + " more problems");
        }
        throw new InvalidConfigException(source(), String.join("; ", shownProblems));
    }

    private void unknownKeys() {
        Set<String> unknown = new TreeSet<>();
        for (String k : props.keySet()) {
            if (!known.contains(k) && FOREIGN_PREFIXES.stream().noneMatch(k::startsWith)) {
                unknown.add(k);
            }
        }
        int listed = 0;
        for (String k : unknown) {
            if (++listed > MAX_UNKNOWN_SHOWN) {
                problems.add("and " + (unknown.size() - MAX_UNKNOWN_SHOWN) + " more unknown keys");
                break;
            }
            String hint = known.stream().filter(key -> distance(key, k) <= 2).findFirst()
                    .map(key -> " (did you mean " + key + "?)").orElse("");
            problems.add("unknown key '" + shown(k) + "'" + hint);
        }
        if (!unknown.isEmpty()) {
            problems.add("known keys: " + String.join(", ", known));
        }
    }

    /** Every problem of one configuration, with where it came from. */
    public static final class InvalidConfigException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String source;
        private final String problems;

        InvalidConfigException(String source, String problems) {
            super(source + ": " + problems);
            this.source = source;
            this.problems = problems;
        }

        /** The file or PID. */
        public String source() {
            return source;
        }

        /** The problems without the source, for messages that name it already. */
        public String problems() {
            return problems;
        }
    }

    /** A list value: String (comma or newline separated), an array or a collection, blank items left out. */
    public static List<String> strings(Object v) {
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

    public static String shown(Object v) {
        return shown(v, SHOWN_MAX);
    }

    /**
     * A value as it may appear in a log line: control characters escaped (no forged lines, no terminal
     * escapes), cut to max characters with the full length named.
     */
    public static String shown(Object v, int max) {
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

    private static boolean blank(Object v) {
        return v == null || v.toString().isBlank();
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
}
