package org.scxgamer.core.events;

import org.agrona.concurrent.UnsafeBuffer;
import org.scxgamer.core.kernel.Contract;

/** Writes scxg_event records the way the kernel lays them out (test helper). */
final class Records {
    private Records() {
    }

    static UnsafeBuffer buffer(int records) {
        return new UnsafeBuffer(new byte[records * Contract.EVENT_SIZE]);
    }

    static void put(UnsafeBuffer b, int offset, long ts, int device, int type, int code, int value, int cpu, int lane, int flags) {
        b.putLong(offset + Contract.EVENT_TIMESTAMP_NS, ts);
        b.putInt(offset + Contract.EVENT_DEVICE_ID, device);
        b.putShort(offset + Contract.EVENT_TYPE, (short) type);
        b.putShort(offset + Contract.EVENT_CODE, (short) code);
        b.putInt(offset + Contract.EVENT_VALUE, value);
        b.putShort(offset + Contract.EVENT_CPU, (short) cpu);
        b.putByte(offset + Contract.EVENT_LANE, (byte) lane);
        b.putByte(offset + Contract.EVENT_FLAGS, (byte) flags);
    }
}
