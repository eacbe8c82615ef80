package org.scxgamer.core.events;

import org.agrona.DirectBuffer;
import org.scxgamer.api.event.InputEvent;
import org.scxgamer.api.event.Lane;
import org.scxgamer.core.kernel.Contract;

/**
 * The event a listener gets: one reused instance per delivery thread, a view of one entry of the batch
 * the thread copied out of a {@link Fanout} ring, moved before each call; nothing is allocated per event.
 *
 * <p>A ring entry is {@link #WORDS} longs: the record's three little-endian 8-byte words as the
 * kernel wrote them (timestamp; device id, type, code; value, cpu, lane, flags) and the read time
 * with the ring index in its low 4 bits. Copying words instead of decoding fields keeps the reader's
 * work per event to three loads from the ring buffer and four stores.
 */
final class EventSlot implements InputEvent {
    static final int WORDS = 4;
    private static final int BASE = Contract.EVENT_DEVICE_ID;    // first byte of word 1
    private static final int TYPE_SHIFT = (Contract.EVENT_TYPE - BASE) * 8;
    private static final int CODE_SHIFT = (Contract.EVENT_CODE - BASE) * 8;
    private static final int CPU_SHIFT = (Contract.EVENT_CPU - Contract.EVENT_VALUE) * 8;
    private static final int LANE_SHIFT = (Contract.EVENT_LANE - Contract.EVENT_VALUE) * 8;
    private static final int FLAGS_SHIFT = (Contract.EVENT_FLAGS - Contract.EVENT_VALUE) * 8;
    private static final int LANES = Lane.values().length;

    /** The entries this event reads (the batch a delivery thread took) and its first word there. */
    private final long[] entries;
    private int at;

    EventSlot(long[] entries) {
        this.entries = entries;
    }

    /** Makes this the event of entry {@code i} of the array given at construction. */
    void at(int i) {
        at = i;
    }

    /**
     * Copies one scxg_event record (little-endian) at {@code offset} into ring entry {@code i}.
     * The ring index (below 16) shares a word with the read time (CLOCK_MONOTONIC ns: 2^59 ns is 18 years of uptime).
     */
    static void pack(DirectBuffer data, int offset, int ringIndex, long nowNanos, long[] entries, int i) {
        entries[i] = data.getLong(offset + Contract.EVENT_TIMESTAMP_NS);
        entries[i + 1] = data.getLong(offset + BASE);
        entries[i + 2] = data.getLong(offset + Contract.EVENT_VALUE);
        entries[i + 3] = nowNanos << 4 | ringIndex;
    }

    /** Lane id of ring entry {@code i}; an unknown id reads as NONE (0). */
    static int lane(long[] entries, int i) {
        int id = (int) (entries[i + 2] >>> LANE_SHIFT) & 0xff;
        return id < LANES ? id : 0;
    }

    static int type(long[] entries, int i) {
        return (int) (entries[i + 1] >>> TYPE_SHIFT) & 0xffff;
    }

    @Override public long timestampNanos() { return entries[at]; }
    @Override public int deviceId() { return (int) entries[at + 1]; }
    @Override public int type() { return type(entries, at); }
    @Override public int code() { return (int) (entries[at + 1] >>> CODE_SHIFT) & 0xffff; }
    @Override public int value() { return (int) entries[at + 2]; }
    @Override public int cpu() { return (int) (entries[at + 2] >>> CPU_SHIFT) & 0xffff; }
    @Override public Lane lane() { return Lane.ofId(lane(entries, at)); }
    @Override public int flags() { return (int) (entries[at + 2] >>> FLAGS_SHIFT) & 0xff; }
    @Override public int ring() { return (int) entries[at + 3] & 0xf; }
    @Override public long readNanos() { return entries[at + 3] >>> 4; }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
