package org.scxgamer.core.events;

import java.nio.ByteBuffer;

import org.scxgamer.api.event.InputEvent;
import org.scxgamer.api.event.Lane;
import org.scxgamer.core.kernel.Contract;

/**
 * A preallocated, reused event: the reader decodes each ring record into a slot of a shared
 * {@link Fanout} ring, and each delivery thread copies its batch into slots of its own, so nothing
 * is allocated per event. Only primitive fields: storing a reference into an old-generation slot on
 * every event would cost a GC write barrier and card refinement work.
 */
final class EventSlot implements InputEvent {
    long timestampNanos;
    int deviceId;
    int type;
    int code;
    int value;
    int cpu;
    int lane;
    int flags;
    int ring;
    long readNanos;

    /** Decodes one scxg_event record (little-endian buffer) at {@code offset}. */
    void decode(ByteBuffer data, int offset, int ringIndex, long nowNanos) {
        timestampNanos = data.getLong(offset + Contract.EVENT_TIMESTAMP_NS);
        deviceId = data.getInt(offset + Contract.EVENT_DEVICE_ID);
        type = Short.toUnsignedInt(data.getShort(offset + Contract.EVENT_TYPE));
        code = Short.toUnsignedInt(data.getShort(offset + Contract.EVENT_CODE));
        value = data.getInt(offset + Contract.EVENT_VALUE);
        cpu = Short.toUnsignedInt(data.getShort(offset + Contract.EVENT_CPU));
        lane = Lane.ofId(Byte.toUnsignedInt(data.get(offset + Contract.EVENT_LANE))).id(); // unknown ids read as NONE
        flags = Byte.toUnsignedInt(data.get(offset + Contract.EVENT_FLAGS));
        ring = ringIndex;
        readNanos = nowNanos;
    }

    void copyFrom(EventSlot s) {
        timestampNanos = s.timestampNanos;
        deviceId = s.deviceId;
        type = s.type;
        code = s.code;
        value = s.value;
        cpu = s.cpu;
        lane = s.lane;
        flags = s.flags;
        ring = s.ring;
        readNanos = s.readNanos;
    }

    @Override public long timestampNanos() { return timestampNanos; }
    @Override public int deviceId() { return deviceId; }
    @Override public int type() { return type; }
    @Override public int code() { return code; }
    @Override public int value() { return value; }
    @Override public int cpu() { return cpu; }
    @Override public Lane lane() { return Lane.ofId(lane); }
    @Override public int flags() { return flags; }
    @Override public int ring() { return ring; }
    @Override public long readNanos() { return readNanos; }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
