package org.scxgamer.common.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Typed values from a raw configuration map (config files deliver strings, typed .config files and
 * ConfigAdmin clients other types). Every problem becomes one IllegalArgumentException
 * "PID: key = 'value' is invalid, accepted: ...". A missing or blank value means the default.
 */
public final class ConfigValues {
    private final String pid;
    private final Map<String, ?> props;

    public ConfigValues(String pid, Map<String, ?> props) {
        this.pid = pid;
        this.props = props;
    }

    /** The raw value, or null when the key is absent. */
    public Object raw(String key) {
        return props.get(key);
    }

    public long longIn(String key, long def, long min, long max) {
        Object v = props.get(key);
        if (blank(v)) {
            return def;
        }
        long n;
        try {
            n = v instanceof Number num ? num.longValue() : Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            throw invalid(key, v, "a whole number " + min + " .. " + max);
        }
        if (n < min || n > max) {
            throw invalid(key, v, min + " .. " + max);
        }
        return n;
    }

    public boolean bool(String key, boolean def) {
        Object v = props.get(key);
        if (blank(v)) {
            return def;
        }
        return switch (v.toString().trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(key, v, "true, false");
        };
    }

    /** @return the path, or null when the value (or else the default) is empty */
    public Path path(String key, String def) {
        Object v = props.get(key);
        String s = blank(v) ? def : v.toString().trim();
        if (s.isEmpty()) {
            return null;
        }
        try {
            return Path.of(s);
        } catch (InvalidPathException e) {
            throw invalid(key, v, "a file system path (" + e.getReason() + ")");
        }
    }

    public IllegalArgumentException invalid(String key, Object value, String accepted) {
        return new IllegalArgumentException(pid + ": " + key + " = '" + value + "' is invalid, accepted: " + accepted);
    }

    private static boolean blank(Object v) {
        return v == null || v.toString().isBlank();
    }
}
