package org.scxgamer.recorder.impl;

import java.nio.file.Path;
import java.util.Map;

import org.scxgamer.common.config.ConfigReader;

/** Validated configuration of PID scxgamer.recorder. */
record Settings(Path folder, int blockBytes, int flushMs, long rotateBytes, long rotateSeconds, int queueCapacity, boolean sync) {
    static final String DEFAULT_FOLDER = "data/recordings";
    static final int DEFAULT_BLOCK_BYTES = 65536;
    static final int DEFAULT_FLUSH_MS = 1000;
    static final long DEFAULT_ROTATE_BYTES = 256L << 20;
    static final long DEFAULT_ROTATE_SECONDS = 3600;
    static final int DEFAULT_QUEUE_CAPACITY = 65536;

    static final Settings DEFAULTS = from(Map.of());

    /** @throws IllegalArgumentException naming the file (or PID), every bad or unknown key and what it accepts */
    static Settings from(Map<String, ?> p) {
        return from(p, null);
    }

    /**
     * @param home the runtime's folder (framework property scxgamer.home) a relative folder is resolved
     *        against, so recordings land in the runtime whatever directory it was started from; null: the
     *        working directory
     * @throws IllegalArgumentException naming the file (or PID), every bad or unknown key and what it accepts
     */
    static Settings from(Map<String, ?> p, Path home) {
        ConfigReader c = new ConfigReader(RecorderComponent.PID, p);
        Path folder = c.path("folder", DEFAULT_FOLDER);
        if (folder == null) {
            folder = Path.of(DEFAULT_FOLDER);
        }
        if (home != null && !folder.isAbsolute()) {
            folder = home.resolve(folder);
        }
        int queue = (int) c.number("queue.capacity", DEFAULT_QUEUE_CAPACITY, 1024, 1 << 20, "events");
        Settings s = new Settings(folder,
                (int) c.number("block.bytes", DEFAULT_BLOCK_BYTES, 32 << 10, 4 << 20, "bytes"),
                (int) c.number("flush.ms", DEFAULT_FLUSH_MS, 10, 60_000, "ms"),
                c.number("rotate.bytes", DEFAULT_ROTATE_BYTES, 1 << 20, 1L << 40, "bytes"),
                c.number("rotate.seconds", DEFAULT_ROTATE_SECONDS, 10, 604_800, "s"),
                Integer.highestOneBit(queue - 1) << 1,
                c.bool("sync", true));
        c.check();
        return s;
    }
}
