package org.scxgamer.core.kernel;

import org.agrona.DirectBuffer;
import java.util.ArrayList;
import java.util.List;

/** Decoded ring records for assertions (tests may allocate; the reader itself does not). */
final class Records implements RingReader.RecordHandler {
    record Rec(int ring, long timestamp, int deviceId, int type, int code, int value, int cpu, int lane, int flags) {
    }

    final List<Rec> list = new ArrayList<>();

    @Override
    public void onRecord(DirectBuffer data, int offset, int ring) {
        list.add(new Rec(ring, data.getLong(offset + Contract.EVENT_TIMESTAMP_NS), data.getInt(offset + Contract.EVENT_DEVICE_ID),
                Short.toUnsignedInt(data.getShort(offset + Contract.EVENT_TYPE)),
                Short.toUnsignedInt(data.getShort(offset + Contract.EVENT_CODE)), data.getInt(offset + Contract.EVENT_VALUE),
                Short.toUnsignedInt(data.getShort(offset + Contract.EVENT_CPU)), Byte.toUnsignedInt(data.getByte(offset + Contract.EVENT_LANE)),
                Byte.toUnsignedInt(data.getByte(offset + Contract.EVENT_FLAGS))));
    }

    /** Drains until the rings are empty. */
    static List<Rec> drainAll(RingReader rings) {
        Records r = new Records();
        while (rings.drain(r) > 0) {
            // until empty
        }
        return r.list;
    }
}
