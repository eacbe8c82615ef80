package org.scxgamer.stats.impl;

import java.util.Map;

import org.scxgamer.common.config.ConfigReader;

/** Validated configuration of PID scxgamer.stats. */
record Settings(long latencyMaxMs, int latencyDigits, int devicesMax, int exitsMax) {
    static final long DEFAULT_LATENCY_MAX_MS = 10_000;
    static final int DEFAULT_LATENCY_DIGITS = 3;
    static final int DEFAULT_DEVICES_MAX = 256;
    static final int DEFAULT_EXITS_MAX = 32;

    static final Settings DEFAULTS = new Settings(DEFAULT_LATENCY_MAX_MS, DEFAULT_LATENCY_DIGITS, DEFAULT_DEVICES_MAX, DEFAULT_EXITS_MAX);

    /** @throws IllegalArgumentException naming the file (or PID), every bad or unknown key and its accepted range */
    static Settings from(Map<String, ?> props) {
        ConfigReader c = new ConfigReader(StatsCollector.PID, props);
        Settings s = new Settings(c.number("latency.max.ms", DEFAULT_LATENCY_MAX_MS, 1, 3_600_000, "ms"),
                (int) c.number("latency.digits", DEFAULT_LATENCY_DIGITS, 1, 5, "digits"),
                (int) c.number("devices.max", DEFAULT_DEVICES_MAX, 1, 4096, "devices"),
                (int) c.number("exits.max", DEFAULT_EXITS_MAX, 1, 1000, "exits"));
        c.check();
        return s;
    }
}
