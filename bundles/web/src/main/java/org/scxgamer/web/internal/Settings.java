package org.scxgamer.web.internal;

import java.util.Map;
import java.util.regex.Pattern;

import org.scxgamer.common.config.ConfigReader;

/**
 * Checked values of PID {@code scxgamer.web}. Parsed from the raw configuration (not the annotation
 * proxy) with the shared {@link ConfigReader}, so that a bad value is reported with its key and
 * accepted range instead of silently becoming a default.
 */
record Settings(boolean enabled, String host, int port, boolean metricsEnabled, String metricsHost, int metricsPort,
                String user, int sessionMinutes) {

    static final Settings DEFAULTS = new Settings(true, "127.0.0.1", 8477, true, "127.0.0.1", 9477, "scxgamer", 720);

    // Literal addresses only: a host name would need DNS at bind time and could resolve to anything.
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:]*:[0-9a-fA-F:.]*");
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /**
     * @throws IllegalArgumentException naming every bad or unknown key, the bad value and what is accepted
     */
    static Settings parse(Map<String, ?> p) {
        ConfigReader c = new ConfigReader(WebConfig.PID, p);
        Settings s = new Settings(
                c.bool("enabled", DEFAULTS.enabled),
                c.parsed("host", DEFAULTS.host, Settings::host),
                (int) c.number("port", DEFAULTS.port, 1, 65535, ""),
                c.bool("metrics.enabled", DEFAULTS.metricsEnabled),
                c.parsed("metrics.host", DEFAULTS.metricsHost, Settings::host),
                (int) c.number("metrics.port", DEFAULTS.metricsPort, 1, 65535, ""),
                c.parsed("user", DEFAULTS.user, Settings::user),
                (int) c.number("session.minutes", DEFAULTS.sessionMinutes, 1, 10080, "minutes"));
        if (s.enabled && s.metricsEnabled && s.port == s.metricsPort) {
            c.problem("port and metrics.port are both " + s.port + ": the page and the metrics need different ports");
        }
        c.check();
        return s;
    }

    static boolean loopback(String host) {
        return host.startsWith("127.") || host.equals("::1") || host.equals("0:0:0:0:0:0:0:1");
    }

    private static String host(String v) {
        if (IPV4.matcher(v).matches() || IPV6.matcher(v).matches()) {
            return v;
        }
        throw new IllegalArgumentException("not an IP address; accepted: a literal IPv4/IPv6 address such as 127.0.0.1 "
                + "(loopback, the default), ::1 or 0.0.0.0 (every interface)");
    }

    private static String user(String v) {
        if (USER.matcher(v).matches()) {
            return v;
        }
        throw new IllegalArgumentException("accepted: 1 to 64 of A-Z a-z 0-9 . _ -");
    }
}
