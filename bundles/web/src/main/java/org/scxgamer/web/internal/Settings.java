package org.scxgamer.web.internal;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checked values of PID {@code scxgamer.web}. Parsed from the raw configuration (not the annotation
 * proxy) so that a bad value is reported with its key and accepted range instead of silently
 * becoming a default.
 */
record Settings(boolean enabled, String host, int port, boolean metricsEnabled, String metricsHost, int metricsPort,
                String user, int sessionMinutes) {

    static final Settings DEFAULTS = new Settings(true, "127.0.0.1", 8477, true, "127.0.0.1", 9477, "scxgamer", 720);

    // Literal addresses only: a host name would need DNS at bind time and could resolve to anything.
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:]*:[0-9a-fA-F:.]*");
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /**
     * @throws IllegalArgumentException naming the key, the bad value and what is accepted
     */
    static Settings parse(Map<String, ?> p) {
        Settings s = new Settings(
                bool(p, "enabled", DEFAULTS.enabled),
                host(p, "host", DEFAULTS.host),
                port(p, "port", DEFAULTS.port),
                bool(p, "metrics.enabled", DEFAULTS.metricsEnabled),
                host(p, "metrics.host", DEFAULTS.metricsHost),
                port(p, "metrics.port", DEFAULTS.metricsPort),
                user(p),
                range(p, "session.minutes", DEFAULTS.sessionMinutes, 1, 10080));
        if (s.enabled && s.metricsEnabled && s.port == s.metricsPort) {
            throw new IllegalArgumentException("port and metrics.port are both " + s.port
                    + ": the page and the metrics need different ports");
        }
        return s;
    }

    static boolean loopback(String host) {
        return host.startsWith("127.") || host.equals("::1") || host.equals("0:0:0:0:0:0:0:1");
    }

    private static String raw(Map<String, ?> p, String key) {
        Object v = p.get(key);
        return v == null ? null : String.valueOf(v).trim();
    }

    private static boolean bool(Map<String, ?> p, String key, boolean def) {
        String v = raw(p, key);
        if (v == null) {
            return def;
        }
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new IllegalArgumentException(key + " = '" + shown(v) + "' is not a boolean: accepted true or false");
    }

    private static String host(Map<String, ?> p, String key, String def) {
        String v = raw(p, key);
        if (v == null) {
            return def;
        }
        if (IPV4.matcher(v).matches() || IPV6.matcher(v).matches()) {
            return v;
        }
        throw new IllegalArgumentException(key + " = '" + shown(v) + "' is not an IP address: accepted a literal IPv4/IPv6 "
                + "address such as 127.0.0.1 (loopback, the default), ::1 or 0.0.0.0 (every interface)");
    }

    private static int port(Map<String, ?> p, String key, int def) {
        return range(p, key, def, 1, 65535);
    }

    private static int range(Map<String, ?> p, String key, int def, int min, int max) {
        String v = raw(p, key);
        if (v == null) {
            return def;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the accepted range
        }
        throw new IllegalArgumentException(key + " = '" + shown(v) + "' is out of range: accepted " + min + " .. " + max);
    }

    private static String user(Map<String, ?> p) {
        String v = raw(p, "user");
        if (v == null) {
            return DEFAULTS.user;
        }
        if (USER.matcher(v).matches()) {
            return v;
        }
        throw new IllegalArgumentException("user = '" + shown(v) + "' is not accepted: 1 to 64 of A-Z a-z 0-9 . _ -");
    }

    /** A value as it may appear in a log line: control characters escaped (no forged lines), cut to 80 characters. */
    static String shown(String v) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length(); i++) {
            if (b.length() >= 80) {
                return b + "… (" + v.length() + " characters)";
            }
            char c = v.charAt(i);
            b.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }
}
