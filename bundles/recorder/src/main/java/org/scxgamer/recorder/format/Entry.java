package org.scxgamer.recorder.format;

import java.util.Map;

/** One decoded entry of a block. */
public sealed interface Entry {
    /** An input event as the core delivered it (lane is the contract's lane id). */
    record Event(long timestampNanos, long readNanos, int deviceId, int type, int code, int value, int cpu,
                 int lane, int flags, int ring) implements Entry {
    }

    /** An Event Admin lifecycle event (part state, scheduler exit, overflow, tunables). */
    record Lifecycle(long nanos, String topic, Map<String, String> properties) implements Entry {
    }

    /** Events lost before they reached the file: at the core (subscriber queue) or in the recorder's queue. */
    record Dropped(long nanos, long count, int where) implements Entry {
    }

    /** What the core knew about a device when it first appeared in this file. */
    record Device(int id, int bus, int vendor, int product, int lane, String name, String classification) implements Entry {
    }

    /** Last entry of a file closed cleanly. */
    record End(long nanos, long events, String reason) implements Entry {
    }
}
