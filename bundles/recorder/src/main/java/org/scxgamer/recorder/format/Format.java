package org.scxgamer.recorder.format;

import java.nio.charset.StandardCharsets;

/** Constants of format version 1; FORMAT.md is the normative description. */
public final class Format {
    /** "SCXGREC" + 0x1a (stops a text viewer at the binary part). */
    public static final byte[] MAGIC = {'S', 'C', 'X', 'G', 'R', 'E', 'C', 0x1a};
    public static final int VERSION = 1;
    /** magic, u16 version, u16 flags, u32 header length, u32 header CRC32C. */
    public static final int PRELUDE_BYTES = 20;
    public static final int MAX_HEADER_BYTES = 1 << 20;
    public static final int MAX_HEADER_ENTRIES = 4096;
    /** "BLK" + 0x01 as a little-endian u32. */
    public static final int BLOCK_MAGIC = 'B' | 'L' << 8 | 'K' << 16 | 1 << 24;
    /** magic, u32 payload length, u64 sequence, u32 CRC32C. */
    public static final int FRAME_BYTES = 20;
    /** Largest block payload a reader accepts, so a hostile length never makes it allocate more. */
    public static final int MAX_BLOCK_BYTES = 4 << 20;
    public static final int MIN_BLOCK_BYTES = 32 << 10;

    public static final int KIND_EVENT = 1;
    public static final int KIND_LIFECYCLE = 2;
    public static final int KIND_DROPPED = 3;
    public static final int KIND_DEVICE = 4;
    public static final int KIND_END = 5;
    /** u8 kind + u16 body length. */
    public static final int ENTRY_HEAD_BYTES = 3;
    public static final int EVENT_BODY_BYTES = 33;

    /** Longest string (UTF-8 bytes) the writer stores in an entry; longer ones are cut. */
    public static final int MAX_ENTRY_STRING = 512;
    /** Most properties a lifecycle entry keeps. */
    public static final int MAX_LIFECYCLE_PROPS = 16;

    public static final int DROPPED_AT_SUBSCRIBER = 0;
    public static final int DROPPED_AT_RECORDER = 1;

    private Format() {
    }

    static byte[] utf8(String s, int max) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length <= max) {
            return b;
        }
        // Cut at a character boundary so the stored prefix stays valid UTF-8.
        int end = max;
        while (end > 0 && (b[end] & 0xc0) == 0x80) {
            end--;
        }
        byte[] cut = new byte[end];
        System.arraycopy(b, 0, cut, 0, end);
        return cut;
    }
}
