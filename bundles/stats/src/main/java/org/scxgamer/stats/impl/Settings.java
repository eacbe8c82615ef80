package org.scxgamer.stats.impl;

import java.util.Map;

import org.scxgamer.common.config.ConfigValues;

/** Validated configuration of PID scxgamer.stats. */
record Settings(long latencyMaxMs, int latencyDigits, int devicesMax, int exitsMax) {
    static final long DEFAULT_LATENCY_MAX_MS = 10_000;
    static final int DEFAULT_LATENCY_DIGITS = 3;
    static final int DEFAULT_DEVICES_MAX = 256;
    static final int DEFAULT_EXITS_MAX = 32;

    static final Settings DEFAULTS = new Settings(DEFAULT_LATENCY_MAX_MS, DEFAULT_LATENCY_DIGITS, DEFAULT_DEVICES_MAX, DEFAULT_EXITS_MAX);

    /** @throws IllegalArgumentException naming the first bad key and its accepted range */
    static Settings from(Map<String, ?> props) {
        ConfigValues c = new ConfigValues(StatsCollector.PID, props);
        return new Settings(c.longIn("latency.max.ms", DEFAULT_LATENCY_MAX_MS, 1, 3_600_000),
                (int) c.longIn("latency.digits", DEFAULT_LATENCY_DIGITS, 1, 5),
                (int) c.longIn("devices.max", DEFAULT_DEVICES_MAX, 1, 4096),
                (int) c.longIn("exits.max", DEFAULT_EXITS_MAX, 1, 1000));
    }
}
