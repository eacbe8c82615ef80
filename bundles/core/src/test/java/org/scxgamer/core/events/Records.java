package org.scxgamer.core.events;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.scxgamer.core.kernel.Contract;

/** Writes scxg_event records the way the kernel lays them out (test helper). */
final class Records {
    private Records() {
    }

    static ByteBuffer buffer(int records) {
        return ByteBuffer.allocate(records * Contract.EVENT_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    }

    static void put(ByteBuffer b, int offset, long ts, int device, int type, int code, int value, int cpu, int lane, int flags) {
        b.putLong(offset + Contract.EVENT_TIMESTAMP_NS, ts);
        b.putInt(offset + Contract.EVENT_DEVICE_ID, device);
        b.putShort(offset + Contract.EVENT_TYPE, (short) type);
        b.putShort(offset + Contract.EVENT_CODE, (short) code);
        b.putInt(offset + Contract.EVENT_VALUE, value);
        b.putShort(offset + Contract.EVENT_CPU, (short) cpu);
        b.put(offset + Contract.EVENT_LANE, (byte) lane);
        b.put(offset + Contract.EVENT_FLAGS, (byte) flags);
    }
}
