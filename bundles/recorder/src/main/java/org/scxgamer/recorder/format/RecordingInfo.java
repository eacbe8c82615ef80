package org.scxgamer.recorder.format;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Summary of one file: header, whole blocks and what they hold, whether it was closed cleanly, and
 * the error that stopped reading, if any.
 */
public record RecordingInfo(Path file, long fileSize, int version, Map<String, String> header, long blocks,
                            long events, long lifecycle, long dropped, int devices, long firstNanos, long lastNanos,
                            Entry.End end, String error) {

    /**
     * Reads the whole file. A problem in the prelude or header is thrown; a problem in a block is
     * returned in {@link #error()} with everything read before it.
     */
    public static RecordingInfo scan(Path file) throws IOException {
        long size = Files.size(file);
        try (RecordingReader r = RecordingReader.open(file)) {
            long blocks = 0, events = 0, lifecycle = 0, dropped = 0;
            int devices = 0;
            long first = 0, last = 0;
            Entry.End end = null;
            String error = null;
            try {
                RecordingReader.Block b;
                while ((b = r.next()) != null) {
                    blocks++;
                    for (Entry e : b.entries()) {
                        if (e instanceof Entry.Event ev) {
                            if (events == 0) {
                                first = ev.timestampNanos();
                            }
                            last = ev.timestampNanos();
                            events++;
                        } else if (e instanceof Entry.Lifecycle) {
                            lifecycle++;
                        } else if (e instanceof Entry.Dropped d) {
                            dropped += d.count();
                        } else if (e instanceof Entry.Device) {
                            devices++;
                        } else if (e instanceof Entry.End x) {
                            end = x;
                        }
                    }
                }
            } catch (RecordingFormatException e) {
                error = e.getMessage();
            }
            return new RecordingInfo(file, size, r.version(), r.header(), blocks, events, lifecycle, dropped, devices,
                    first, last, end, error);
        }
    }

    public boolean closedCleanly() {
        return end != null && error == null;
    }
}
