package org.scxgamer.recorder.impl;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Validated configuration of PID scxgamer.recorder. */
record Settings(Path folder, int blockBytes, int flushMs, long rotateBytes, long rotateSeconds, int queueCapacity, boolean sync) {
    static final String DEFAULT_FOLDER = "data/recordings";
    static final int DEFAULT_BLOCK_BYTES = 65536;
    static final int DEFAULT_FLUSH_MS = 1000;
    static final long DEFAULT_ROTATE_BYTES = 256L << 20;
    static final long DEFAULT_ROTATE_SECONDS = 3600;
    static final int DEFAULT_QUEUE_CAPACITY = 65536;

    static final Settings DEFAULTS = from(Map.of());

    /** @throws IllegalArgumentException naming the first bad key and what it accepts */
    static Settings from(Map<String, ?> p) {
        Object folder = p.get("folder");
        String f = folder == null || folder.toString().isBlank() ? DEFAULT_FOLDER : folder.toString().trim();
        Path path;
        try {
            path = Path.of(f);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(RecorderComponent.PID + ": folder = '" + f + "' is not a valid path: " + e.getReason());
        }
        int queue = (int) number(p, "queue.capacity", DEFAULT_QUEUE_CAPACITY, 1024, 1 << 20);
        return new Settings(path,
                (int) number(p, "block.bytes", DEFAULT_BLOCK_BYTES, 32 << 10, 4 << 20),
                (int) number(p, "flush.ms", DEFAULT_FLUSH_MS, 10, 60_000),
                number(p, "rotate.bytes", DEFAULT_ROTATE_BYTES, 1 << 20, 1L << 40),
                number(p, "rotate.seconds", DEFAULT_ROTATE_SECONDS, 10, 604_800),
                Integer.highestOneBit(queue - 1) << 1,
                bool(p, "sync", true));
    }

    private static long number(Map<String, ?> p, String key, long def, long min, long max) {
        Object v = p.get(key);
        if (v == null || v.toString().isBlank()) {
            return def;
        }
        long n;
        try {
            n = v instanceof Number num ? num.longValue() : Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(RecorderComponent.PID + ": " + key + " = '" + v + "' is invalid, accepted: a whole number " + min + " .. " + max);
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(RecorderComponent.PID + ": " + key + " = '" + v + "' is invalid, accepted: " + min + " .. " + max);
        }
        return n;
    }

    private static boolean bool(Map<String, ?> p, String key, boolean def) {
        Object v = p.get(key);
        if (v == null || v.toString().isBlank()) {
            return def;
        }
        return switch (v.toString().trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(RecorderComponent.PID + ": " + key + " = '" + v + "' is invalid, accepted: true, false");
        };
    }
}
