package org.scxgamer.recorder.format;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Reads a recording as untrusted input: every length is checked against the format's caps and the
 * bytes actually left before anything is allocated, every block's checksum and sequence number is
 * verified, and any problem ends reading with a {@link RecordingFormatException} naming the block,
 * its file offset and the reason. Blocks before the problem stay valid.
 */
public final class RecordingReader implements Closeable {
    private final InputStream in;
    private final long size;
    private final Map<String, String> header;
    private final int version;
    private long offset;
    private long sequence;
    private boolean failed;

    /** @param size the stream's length in bytes, or -1 when unknown (lengths are then checked against caps only) */
    public RecordingReader(InputStream in, long size) throws IOException {
        this.in = in;
        this.size = size;
        if (size >= 0 && size < Format.PRELUDE_BYTES) {
            throw error("not a recording: " + size + " bytes, shorter than the " + Format.PRELUDE_BYTES + "-byte prelude");
        }
        ByteBuffer p = read(Format.PRELUDE_BYTES, "prelude");
        byte[] magic = new byte[Format.MAGIC.length];
        p.get(magic);
        if (!Arrays.equals(magic, Format.MAGIC)) {
            throw error("not a recording: bad magic " + HexFormat.of().formatHex(magic) + " at offset 0, expected "
                    + HexFormat.of().formatHex(Format.MAGIC) + " (\"SCXGREC\\x1a\")");
        }
        version = Short.toUnsignedInt(p.getShort());
        if (version != Format.VERSION) {
            throw error("unsupported format version " + version + ": this reader reads version " + Format.VERSION);
        }
        p.getShort();
        long length = Integer.toUnsignedLong(p.getInt());
        int storedCrc = p.getInt();
        if (length < 4 || length > Format.MAX_HEADER_BYTES) {
            throw error("header length " + length + " out of range 4 .. " + Format.MAX_HEADER_BYTES);
        }
        if (size >= 0 && length > size - Format.PRELUDE_BYTES) {
            throw error("truncated header: " + length + " bytes declared, " + (size - Format.PRELUDE_BYTES) + " present");
        }
        ByteBuffer h = read((int) length, "header");
        CRC32C crc = new CRC32C();
        crc.update(p.array(), Format.MAGIC.length, 8);
        crc.update(h.array(), 0, (int) length);
        if ((int) crc.getValue() != storedCrc) {
            throw error("header CRC32C mismatch: stored " + hex(storedCrc) + ", computed " + hex((int) crc.getValue()));
        }
        header = Collections.unmodifiableMap(parseHeader(h));
    }

    public static RecordingReader open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            return new RecordingReader(in, Files.size(file));
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private Map<String, String> parseHeader(ByteBuffer h) throws RecordingFormatException {
        long count = Integer.toUnsignedLong(h.getInt());
        if (count > Format.MAX_HEADER_ENTRIES) {
            throw error("header declares " + count + " entries, at most " + Format.MAX_HEADER_ENTRIES);
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String where = "header entry " + i;
            String key = string(h, Short.toUnsignedInt(need(h, 2, where).getShort()), where + ", key");
            long vlen = Integer.toUnsignedLong(need(h, 4, where).getInt());
            if (vlen > h.remaining()) {
                throw error(where + " (" + key + "): value length " + vlen + " runs past the header end");
            }
            m.put(key, string(h, (int) vlen, where + ", value"));
        }
        if (h.hasRemaining()) {
            throw error("header has " + h.remaining() + " bytes after its last entry");
        }
        return m;
    }

    public int version() {
        return version;
    }

    /** Header entries in file order (clock, host and kernel facts, config snapshot). */
    public Map<String, String> header() {
        return header;
    }

    /** File offset of the next block. */
    public long offset() {
        return offset;
    }

    /**
     * The next block, or null at a clean end of file (the end falls exactly between blocks).
     * @throws RecordingFormatException for a truncated or corrupted block; reading stops there
     */
    public Block next() throws IOException {
        if (failed) {
            throw new IllegalStateException("reading stopped at an earlier error");
        }
        long start = offset;
        String where = "block " + sequence + " at offset " + start;
        ByteBuffer f;
        try {
            f = readOrEnd(Format.FRAME_BYTES, where + ": truncated frame header");
        } catch (RecordingFormatException e) {
            failed = true;
            throw e;
        }
        if (f == null) {
            return null;
        }
        try {
            int magic = f.getInt();
            if (magic != Format.BLOCK_MAGIC) {
                throw error(where + ": bad block magic " + hex(magic) + ", expected " + hex(Format.BLOCK_MAGIC));
            }
            long length = Integer.toUnsignedLong(f.getInt());
            long seq = f.getLong();
            int storedCrc = f.getInt();
            if (length < 1 || length > Format.MAX_BLOCK_BYTES) {
                throw error(where + ": payload length " + length + " out of range 1 .. " + Format.MAX_BLOCK_BYTES);
            }
            if (size >= 0 && length > size - offset) {
                throw error(where + ": truncated: payload of " + length + " bytes declared, " + (size - offset) + " present");
            }
            ByteBuffer payload = read((int) length, where + ": truncated payload");
            CRC32C crc = new CRC32C();
            crc.update(f.array(), 4, 12);
            crc.update(payload.array(), 0, (int) length);
            if ((int) crc.getValue() != storedCrc) {
                throw error(where + ": CRC32C mismatch: stored " + hex(storedCrc) + ", computed " + hex((int) crc.getValue()));
            }
            if (seq != sequence) {
                throw error(where + ": sequence number " + seq + ", expected " + sequence + " (blocks missing or reordered)");
            }
            Block b = new Block(seq, start, entries(payload, where));
            sequence++;
            return b;
        } catch (RecordingFormatException e) {
            failed = true;
            throw e;
        }
    }

    private List<Entry> entries(ByteBuffer p, String where) throws RecordingFormatException {
        List<Entry> list = new ArrayList<>();
        int n = 0;
        while (p.hasRemaining()) {
            String at = where + ", entry " + n + " at payload offset " + p.position();
            need(p, Format.ENTRY_HEAD_BYTES, at);
            int kind = Byte.toUnsignedInt(p.get());
            int len = Short.toUnsignedInt(p.getShort());
            if (len > p.remaining()) {
                throw error(at + ": body length " + len + " runs past the block end (" + p.remaining() + " bytes left)");
            }
            ByteBuffer body = p.slice(p.position(), len).order(ByteOrder.LITTLE_ENDIAN);
            p.position(p.position() + len);
            Entry e = entry(kind, body, at);
            if (e != null) {
                list.add(e);
            }
            n++;
        }
        return list;
    }

    /** Decodes one entry; unknown kinds (from newer writers of the same version) are skipped. */
    private Entry entry(int kind, ByteBuffer b, String at) throws RecordingFormatException {
        Entry e;
        switch (kind) {
            case Format.KIND_EVENT -> {
                if (b.remaining() != Format.EVENT_BODY_BYTES) {
                    throw error(at + ": event body of " + b.remaining() + " bytes, expected " + Format.EVENT_BODY_BYTES);
                }
                e = new Entry.Event(b.getLong(), b.getLong(), b.getInt(), Short.toUnsignedInt(b.getShort()),
                        Short.toUnsignedInt(b.getShort()), b.getInt(), Short.toUnsignedInt(b.getShort()),
                        Byte.toUnsignedInt(b.get()), Byte.toUnsignedInt(b.get()), Byte.toUnsignedInt(b.get()));
            }
            case Format.KIND_LIFECYCLE -> {
                long nanos = need(b, 8, at).getLong();
                String topic = string(b, Short.toUnsignedInt(need(b, 2, at).getShort()), at + ", topic");
                int count = Short.toUnsignedInt(need(b, 2, at).getShort());
                if (count > Format.MAX_LIFECYCLE_PROPS) {
                    throw error(at + ": " + count + " lifecycle properties, at most " + Format.MAX_LIFECYCLE_PROPS);
                }
                Map<String, String> props = new LinkedHashMap<>();
                for (int i = 0; i < count; i++) {
                    String k = string(b, Short.toUnsignedInt(need(b, 2, at).getShort()), at + ", property key");
                    props.put(k, string(b, Short.toUnsignedInt(need(b, 2, at).getShort()), at + ", property value"));
                }
                e = new Entry.Lifecycle(nanos, topic, Collections.unmodifiableMap(props));
            }
            case Format.KIND_DROPPED -> {
                need(b, 17, at);
                e = new Entry.Dropped(b.getLong(), b.getLong(), Byte.toUnsignedInt(b.get()));
            }
            case Format.KIND_DEVICE -> {
                need(b, 11, at);
                int id = b.getInt();
                int bus = Short.toUnsignedInt(b.getShort());
                int vendor = Short.toUnsignedInt(b.getShort());
                int product = Short.toUnsignedInt(b.getShort());
                int lane = Byte.toUnsignedInt(b.get());
                String name = string(b, Short.toUnsignedInt(need(b, 2, at).getShort()), at + ", device name");
                String cls = string(b, Short.toUnsignedInt(need(b, 2, at).getShort()), at + ", device classification");
                e = new Entry.Device(id, bus, vendor, product, lane, name, cls);
            }
            case Format.KIND_END -> {
                need(b, 18, at);
                long nanos = b.getLong();
                long events = b.getLong();
                e = new Entry.End(nanos, events, string(b, Short.toUnsignedInt(b.getShort()), at + ", end reason"));
            }
            default -> {
                return null;
            }
        }
        if (b.hasRemaining()) {
            throw error(at + ": " + b.remaining() + " unexpected bytes after a kind " + kind + " entry");
        }
        return e;
    }

    private ByteBuffer need(ByteBuffer b, int n, String at) throws RecordingFormatException {
        if (b.remaining() < n) {
            throw error(at + ": needs " + n + " more bytes, " + b.remaining() + " left");
        }
        return b;
    }

    private String string(ByteBuffer b, int len, String at) throws RecordingFormatException {
        if (len > b.remaining()) {
            throw error(at + ": string length " + len + " runs past the end (" + b.remaining() + " bytes left)");
        }
        ByteBuffer s = b.slice(b.position(), len);
        b.position(b.position() + len);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(s).toString();
        } catch (CharacterCodingException e) {
            throw error(at + ": not valid UTF-8");
        }
    }

    private ByteBuffer read(int n, String what) throws IOException {
        ByteBuffer b = readOrEnd(n, what);
        if (b == null) {
            throw error(what + ": needs " + n + " bytes, 0 present");
        }
        return b;
    }

    /** Reads exactly n bytes, or returns null when the stream ends before the first byte. */
    private ByteBuffer readOrEnd(int n, String what) throws IOException {
        byte[] a = new byte[n];
        int got = 0;
        while (got < n) {
            int r = in.read(a, got, n - got);
            if (r < 0) {
                break;
            }
            got += r;
        }
        offset += got;
        if (got == 0 && n > 0) {
            return null;
        }
        if (got < n) {
            throw error(what + ": needs " + n + " bytes, " + got + " present");
        }
        return ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
    }

    private RecordingFormatException error(String message) {
        return new RecordingFormatException(message, sequence);
    }

    private static String hex(int v) {
        return String.format("0x%08x", v);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** One verified block with its entries. */
    public record Block(long sequence, long offset, List<Entry> entries) {
    }
}
