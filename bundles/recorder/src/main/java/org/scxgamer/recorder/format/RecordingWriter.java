package org.scxgamer.recorder.format;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Writes one recording file: prelude and header at construction, then entries collected into blocks;
 * each block reaches the channel in one framed, checksummed piece. After a failed write the file is cut
 * back to its last whole block, so what is on disk always reads cleanly. Not thread-safe: one writer
 * thread owns it.
 */
public final class RecordingWriter implements Closeable {
    private final SeekableByteChannel channel;
    private final boolean sync;
    private final ByteBuffer block;
    private final CRC32C crc = new CRC32C();
    private long sequence;
    private long goodSize;
    private long events;
    private IOException failure;

    /**
     * @param blockBytes payload size at which a block is written ({@link Format#MIN_BLOCK_BYTES} ..
     *                   {@link Format#MAX_BLOCK_BYTES})
     * @param sync       force each block to the device (survives power loss, not only a killed process)
     */
    public RecordingWriter(SeekableByteChannel channel, Map<String, String> header, int blockBytes, boolean sync) throws IOException {
        if (blockBytes < Format.MIN_BLOCK_BYTES || blockBytes > Format.MAX_BLOCK_BYTES) {
            throw new IllegalArgumentException("block size " + blockBytes + " out of range " + Format.MIN_BLOCK_BYTES + " .. " + Format.MAX_BLOCK_BYTES);
        }
        this.channel = channel;
        this.sync = sync;
        this.block = ByteBuffer.allocate(Format.FRAME_BYTES + blockBytes).order(ByteOrder.LITTLE_ENDIAN);
        block.position(Format.FRAME_BYTES);
        writeFully(prelude(header));
        goodSize = channel.position();
    }

    private static ByteBuffer prelude(Map<String, String> header) {
        if (header.size() > Format.MAX_HEADER_ENTRIES) {
            throw new IllegalArgumentException("header has " + header.size() + " entries, at most " + Format.MAX_HEADER_ENTRIES);
        }
        int size = 4;
        for (Map.Entry<String, String> e : header.entrySet()) {
            size += 2 + Format.utf8(e.getKey(), 0xffff).length + 4 + Format.utf8(e.getValue(), Format.MAX_HEADER_BYTES).length;
        }
        if (size > Format.MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("header of " + size + " bytes exceeds " + Format.MAX_HEADER_BYTES);
        }
        ByteBuffer b = ByteBuffer.allocate(Format.PRELUDE_BYTES + size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(Format.MAGIC).putShort((short) Format.VERSION).putShort((short) 0).putInt(size).putInt(0);
        b.putInt(header.size());
        for (Map.Entry<String, String> e : header.entrySet()) {
            byte[] k = Format.utf8(e.getKey(), 0xffff);
            byte[] v = Format.utf8(e.getValue(), Format.MAX_HEADER_BYTES);
            b.putShort((short) k.length).put(k).putInt(v.length).put(v);
        }
        CRC32C c = new CRC32C();
        c.update(b.array(), Format.MAGIC.length, 8);
        c.update(b.array(), Format.PRELUDE_BYTES, size);
        b.putInt(16, (int) c.getValue());
        return b.flip();
    }

    public void event(long timestampNanos, long readNanos, int deviceId, int type, int code, int value, int cpu, int lane, int flags, int ring)
            throws IOException {
        ByteBuffer b = room(Format.EVENT_BODY_BYTES);
        b.put((byte) Format.KIND_EVENT).putShort((short) Format.EVENT_BODY_BYTES);
        b.putLong(timestampNanos).putLong(readNanos).putInt(deviceId).putShort((short) type).putShort((short) code)
                .putInt(value).putShort((short) cpu).put((byte) lane).put((byte) flags).put((byte) ring);
        events++;
    }

    public void lifecycle(long nanos, String topic, Map<String, String> properties) throws IOException {
        byte[] t = Format.utf8(topic, Format.MAX_ENTRY_STRING);
        int n = Math.min(properties.size(), Format.MAX_LIFECYCLE_PROPS);
        byte[][] kv = new byte[n * 2][];
        int size = 8 + 2 + t.length + 2;
        int i = 0;
        for (Map.Entry<String, String> e : properties.entrySet()) {
            if (i == kv.length) {
                break;
            }
            kv[i] = Format.utf8(e.getKey(), Format.MAX_ENTRY_STRING);
            kv[i + 1] = Format.utf8(String.valueOf(e.getValue()), Format.MAX_ENTRY_STRING);
            size += 4 + kv[i].length + kv[i + 1].length;
            i += 2;
        }
        ByteBuffer b = room(size);
        b.put((byte) Format.KIND_LIFECYCLE).putShort((short) size).putLong(nanos);
        b.putShort((short) t.length).put(t).putShort((short) n);
        for (byte[] s : kv) {
            b.putShort((short) s.length).put(s);
        }
    }

    public void dropped(long nanos, long count, int where) throws IOException {
        room(17).put((byte) Format.KIND_DROPPED).putShort((short) 17).putLong(nanos).putLong(count).put((byte) where);
    }

    public void device(int id, int bus, int vendor, int product, int lane, String name, String classification) throws IOException {
        byte[] n = Format.utf8(name, Format.MAX_ENTRY_STRING);
        byte[] c = Format.utf8(classification, Format.MAX_ENTRY_STRING);
        int size = 4 + 6 + 1 + 2 + n.length + 2 + c.length;
        room(size).put((byte) Format.KIND_DEVICE).putShort((short) size).putInt(id).putShort((short) bus)
                .putShort((short) vendor).putShort((short) product).put((byte) lane)
                .putShort((short) n.length).put(n).putShort((short) c.length).put(c);
    }

    /** Writes the END entry, the last block, and closes the channel. */
    public void finish(long nanos, String reason) throws IOException {
        try {
            byte[] r = Format.utf8(reason, Format.MAX_ENTRY_STRING);
            int size = 16 + 2 + r.length;
            room(size).put((byte) Format.KIND_END).putShort((short) size).putLong(nanos).putLong(events)
                    .putShort((short) r.length).put(r);
            flush();
        } finally {
            close();
        }
    }

    /** Space for one entry, writing the current block first when the entry does not fit. */
    private ByteBuffer room(int body) throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (block.remaining() < Format.ENTRY_HEAD_BYTES + body) {
            flush();
        }
        return block;
    }

    /** Writes the collected entries as one block, if there are any. */
    public void flush() throws IOException {
        if (failure != null) {
            throw failure;
        }
        int payload = block.position() - Format.FRAME_BYTES;
        if (payload == 0) {
            return;
        }
        block.putInt(0, Format.BLOCK_MAGIC).putInt(4, payload).putLong(8, sequence);
        crc.reset();
        crc.update(block.array(), 4, 12);
        crc.update(block.array(), Format.FRAME_BYTES, payload);
        block.putInt(16, (int) crc.getValue());
        block.flip();
        try {
            writeFully(block);
            if (sync && channel instanceof FileChannel fc) {
                fc.force(false);
            }
        } catch (IOException e) {
            failure = e;
            cutBack();
            throw e;
        }
        goodSize = channel.position();
        sequence++;
        block.clear().position(Format.FRAME_BYTES);
    }

    /** Removes a partly written block so the file ends with whole blocks. */
    private void cutBack() {
        try {
            channel.truncate(goodSize);
            channel.position(goodSize);
        } catch (IOException ignored) {
            // The reader still stops cleanly at the partial block and names it.
        }
    }

    private void writeFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    /** Bytes of whole blocks (and header) on disk. */
    public long size() {
        return goodSize;
    }

    /** Blocks written. */
    public long blocks() {
        return sequence;
    }

    /** Event entries accepted (some may still be in the unwritten block). */
    public long events() {
        return events;
    }

    /** Bytes collected for the next block. */
    public int pending() {
        return block.position() - Format.FRAME_BYTES;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
