package org.scxgamer.stats.impl;

import java.util.Map;

/**
 * Reads typed values from a raw configuration map. Config files deliver strings or typed values;
 * every problem becomes one message naming the key, the value and what is accepted.
 */
final class ConfigValues {
    private final String pid;
    private final Map<String, ?> props;

    ConfigValues(String pid, Map<String, ?> props) {
        this.pid = pid;
        this.props = props;
    }

    long longIn(String key, long def, long min, long max) {
        Object v = props.get(key);
        if (v == null || v.toString().isBlank()) {
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

    private IllegalArgumentException invalid(String key, Object v, String accepted) {
        return new IllegalArgumentException(pid + ": " + key + " = '" + v + "' is invalid, accepted: " + accepted);
    }
}
