package org.scxgamer.recorder.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.Test;

class RecordingFormatTest {
    private static final Map<String, String> HEADER = Map.of("clock", "CLOCK_MONOTONIC", "kernel.release", "7.3.4", "config.tunables.slice.us", "5000");

    private static List<Entry.Event> events(int n, long seed) {
        Random r = new Random(seed);
        List<Entry.Event> list = new ArrayList<>();
        long t = 1_000_000_000L;
        for (int i = 0; i < n; i++) {
            t += r.nextInt(2_000_000);
            list.add(new Entry.Event(t, t + r.nextInt(100_000), r.nextInt(8), r.nextInt(0x10000), r.nextInt(0x10000),
                    r.nextInt(), r.nextInt(0x10000), r.nextInt(5), r.nextInt(256), r.nextInt(16)));
        }
        return list;
    }

    private static void write(RecordingWriter w, Entry.Event e) throws IOException {
        w.event(e.timestampNanos(), e.readNanos(), e.deviceId(), e.type(), e.code(), e.value(), e.cpu(), e.lane(), e.flags(), e.ring());
    }

    private static List<Entry> readAll(RecordingReader r) throws IOException {
        List<Entry> all = new ArrayList<>();
        RecordingReader.Block b;
        long expect = 0;
        while ((b = r.next()) != null) {
            assertThat(b.sequence()).isEqualTo(expect++);
            all.addAll(b.entries());
        }
        return all;
    }

    @Test
    void roundTripGivesBackIdenticalEntries() throws IOException {
        MemoryChannel ch = new MemoryChannel();
        RecordingWriter w = new RecordingWriter(ch, HEADER, Format.MIN_BLOCK_BYTES, false);
        List<Entry> expected = new ArrayList<>();
        Entry.Device dev = new Entry.Device(3, 0x03, 0x046d, 0xc08b, 1, "Logitech G502 ☃", "mouse");
        w.device(dev.id(), dev.bus(), dev.vendor(), dev.product(), dev.lane(), dev.name(), dev.classification());
        expected.add(dev);
        for (Entry.Event e : events(5000, 1)) {
            write(w, e);
            expected.add(e);
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("part", "SCHEDULER");
        props.put("reason", "no sched_ext");
        w.lifecycle(42, "org/scxgamer/part/CHANGED", props);
        expected.add(new Entry.Lifecycle(42, "org/scxgamer/part/CHANGED", props));
        w.dropped(43, 7, Format.DROPPED_AT_RECORDER);
        expected.add(new Entry.Dropped(43, 7, Format.DROPPED_AT_RECORDER));
        w.finish(44, "stopped");
        expected.add(new Entry.End(44, 5000, "stopped"));

        byte[] bytes = ch.bytes();
        try (RecordingReader r = MemoryChannel.reader(bytes, bytes.length, true)) {
            assertThat(r.version()).isEqualTo(Format.VERSION);
            assertThat(r.header()).isEqualTo(HEADER);
            assertThat(readAll(r)).containsExactlyElementsOf(expected);
        }
        assertThat(w.blocks()).isGreaterThan(3);
    }

    /** A file of whole blocks whose last block (events + END) starts at the returned offset. */
    private static int[] fileWithLastBlock(MemoryChannel ch) throws IOException {
        RecordingWriter w = new RecordingWriter(ch, HEADER, Format.MIN_BLOCK_BYTES, false);
        List<Entry.Event> ev = events(300, 2);
        for (int i = 0; i < 250; i++) {
            write(w, ev.get(i));
            if (i % 100 == 99) {
                w.flush();
            }
        }
        w.flush();
        int lastStart = (int) w.size();
        int blocksBefore = (int) w.blocks();
        for (int i = 250; i < 300; i++) {
            write(w, ev.get(i));
        }
        w.finish(99, "stopped");
        return new int[] {lastStart, blocksBefore};
    }

    @Test
    void truncationAtEveryOffsetOfTheLastBlockKeepsAllWholeBlocks() throws IOException {
        MemoryChannel ch = new MemoryChannel();
        int[] f = fileWithLastBlock(ch);
        int lastStart = f[0];
        int wholeBlocks = f[1];
        byte[] bytes = ch.bytes();
        for (boolean sizeKnown : new boolean[] {true, false}) {
            for (int cut = lastStart; cut < bytes.length; cut++) {
                try (RecordingReader r = MemoryChannel.reader(bytes, cut, sizeKnown)) {
                    long blocks = 0;
                    long events = 0;
                    String error = null;
                    try {
                        RecordingReader.Block b;
                        while ((b = r.next()) != null) {
                            blocks++;
                            events += b.entries().stream().filter(Entry.Event.class::isInstance).count();
                        }
                    } catch (RecordingFormatException e) {
                        error = e.getMessage();
                        assertThat(e.blocksRead()).isEqualTo(wholeBlocks);
                    }
                    assertThat(blocks).as("cut at %d", cut).isEqualTo(wholeBlocks);
                    assertThat(events).isEqualTo(250);
                    if (cut == lastStart) {
                        assertThat(error).as("a cut between blocks is a clean end").isNull();
                    } else {
                        assertThat(error).as("cut at %d", cut)
                                .startsWith("block " + wholeBlocks + " at offset " + lastStart + ": truncated");
                    }
                }
            }
        }
        // Untruncated: every block and the END entry.
        try (RecordingReader r = MemoryChannel.reader(bytes, bytes.length, true)) {
            List<Entry> all = readAll(r);
            assertThat(all).filteredOn(Entry.Event.class::isInstance).hasSize(300);
            assertThat(all.get(all.size() - 1)).isEqualTo(new Entry.End(99, 300, "stopped"));
        }
    }

    @Test
    void diskFullCutsTheFileBackToWholeBlocks() throws IOException {
        MemoryChannel ch = new MemoryChannel(3000);
        RecordingWriter w = new RecordingWriter(ch, HEADER, Format.MIN_BLOCK_BYTES, false);
        List<Entry.Event> ev = events(200, 3);
        long flushedBlocks = 0;
        IOException failure = null;
        for (int i = 0; i < ev.size() && failure == null; i++) {
            try {
                write(w, ev.get(i));
                if (i % 20 == 19) {
                    w.flush();
                    flushedBlocks = w.blocks();
                }
            } catch (IOException e) {
                failure = e;
            }
        }
        assertThat(failure).hasMessage("No space left on device");
        assertThatThrownBy(() -> w.event(1, 1, 1, 1, 1, 1, 1, 1, 1, 1)).isSameAs(failure);
        byte[] bytes = ch.bytes();
        assertThat((long) bytes.length).isEqualTo(w.size()).isLessThanOrEqualTo(3000);
        try (RecordingReader r = MemoryChannel.reader(bytes, bytes.length, true)) {
            List<Entry> all = readAll(r);
            assertThat(all).hasSize((int) flushedBlocks * 20).containsExactlyElementsOf(ev.subList(0, all.size()));
        }
    }

    private static byte[] validFile() throws IOException {
        MemoryChannel ch = new MemoryChannel();
        RecordingWriter w = new RecordingWriter(ch, HEADER, Format.MIN_BLOCK_BYTES, false);
        for (Entry.Event e : events(10, 4)) {
            write(w, e);
        }
        w.flush();
        for (Entry.Event e : events(10, 5)) {
            write(w, e);
        }
        w.finish(5, "stopped");
        return ch.bytes();
    }

    private static int headerEnd(byte[] f) {
        return Format.PRELUDE_BYTES + ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).getInt(12);
    }

    private static String readError(byte[] f) {
        try (RecordingReader r = MemoryChannel.reader(f, f.length, true)) {
            readAll(r);
            return null;
        } catch (RecordingFormatException e) {
            return e.getMessage();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void badMagicVersionAndHeaderChecksumAreNamed() throws IOException {
        byte[] f = validFile();
        byte[] bad = f.clone();
        bad[0] = 'X';
        assertThat(readError(bad)).startsWith("not a recording: bad magic 58435847");
        bad = f.clone();
        bad[8] = 2;
        assertThat(readError(bad)).isEqualTo("unsupported format version 2: this reader reads version 1");
        bad = f.clone();
        bad[Format.PRELUDE_BYTES + 6] ^= 1;
        assertThat(readError(bad)).startsWith("header CRC32C mismatch");
        assertThat(readError(Arrays.copyOf(f, 7))).isEqualTo("not a recording: 7 bytes, shorter than the 20-byte prelude");
        bad = f.clone();
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(12, 0x7fff_ffff);
        assertThat(readError(bad)).isEqualTo("header length 2147483647 out of range 4 .. 1048576");
        bad = f.clone();
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(12, 1 << 20);
        assertThat(readError(bad)).startsWith("truncated header: 1048576 bytes declared");
    }

    @Test
    void corruptedBlocksAreNamedWithBlockOffsetAndReason() throws IOException {
        byte[] f = validFile();
        int b0 = headerEnd(f);
        byte[] bad = f.clone();
        bad[b0 + Format.FRAME_BYTES + 5] ^= 0x40;
        assertThat(readError(bad)).startsWith("block 0 at offset " + b0 + ": CRC32C mismatch: stored 0x");
        bad = f.clone();
        bad[b0] = 'Q';
        assertThat(readError(bad)).startsWith("block 0 at offset " + b0 + ": bad block magic");
        bad = f.clone();
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(b0 + 4, 0xffff_ffff);
        assertThat(readError(bad)).isEqualTo("block 0 at offset " + b0 + ": payload length 4294967295 out of range 1 .. 4194304");
        bad = f.clone();
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(b0 + 4, 4 << 20);
        assertThat(readError(bad)).startsWith("block 0 at offset " + b0 + ": truncated: payload of 4194304 bytes declared");
        bad = f.clone();
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(b0 + 4, 0);
        assertThat(readError(bad)).endsWith("payload length 0 out of range 1 .. 4194304");
    }

    /** A block with a valid frame and checksum around a hostile payload. */
    private static byte[] withBlock(byte[] payload, long seq) throws IOException {
        byte[] f = validFile();
        int end = headerEnd(f);
        ByteBuffer b = ByteBuffer.allocate(end + Format.FRAME_BYTES + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(f, 0, end).putInt(Format.BLOCK_MAGIC).putInt(payload.length).putLong(seq).putInt(0).put(payload);
        CRC32C c = new CRC32C();
        c.update(b.array(), end + 4, 12);
        c.update(payload);
        b.putInt(end + 16, (int) c.getValue());
        return b.array();
    }

    @Test
    void hostileContentInsideAValidBlockIsRejected() throws IOException {
        assertThat(readError(withBlock(new byte[] {1, (byte) 0xff, (byte) 0xff, 0}, 0)))
                .endsWith("entry 0 at payload offset 0: body length 65535 runs past the block end (1 bytes left)");
        assertThat(readError(withBlock(new byte[] {1, 2, 0, 0, 0}, 0))).endsWith("event body of 2 bytes, expected 33");
        // Lifecycle entry claiming a 60000-byte topic.
        assertThat(readError(withBlock(new byte[] {2, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x60, (byte) 0xea}, 0)))
                .endsWith("topic: string length 60000 runs past the end (0 bytes left)");
        // Lifecycle entry claiming 65535 properties.
        assertThat(readError(withBlock(new byte[] {2, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff}, 0)))
                .endsWith("65535 lifecycle properties, at most 16");
        assertThat(readError(withBlock(new byte[] {4, 3, 0, 1, 2, 3}, 0))).endsWith("needs 11 more bytes, 3 left");
        assertThat(readError(withBlock(new byte[] {5, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, (byte) 0xc3, 0x28}, 0)))
                .endsWith("end reason: not valid UTF-8");
        assertThat(readError(withBlock(new byte[] {1, 0, 0}, 5))).endsWith("sequence number 5, expected 0 (blocks missing or reordered)");
        // An unknown kind from a newer writer is skipped, not an error.
        try (RecordingReader r = MemoryChannel.reader(withBlock(new byte[] {99, 2, 0, 7, 7}, 0), withBlock(new byte[] {99, 2, 0, 7, 7}, 0).length, true)) {
            assertThat(r.next().entries()).isEmpty();
        }
    }

    @Test
    void randomCorruptionNeverEscapesAsAnythingButAFormatError() throws IOException {
        byte[] f = validFile();
        Random rnd = new Random(7);
        int errors = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] bad = f.clone();
            for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
                bad[rnd.nextInt(bad.length)] = (byte) rnd.nextInt(256);
            }
            int len = rnd.nextInt(4) == 0 ? rnd.nextInt(bad.length + 1) : bad.length;
            try (RecordingReader r = MemoryChannel.reader(bad, len, rnd.nextBoolean())) {
                readAll(r);
            } catch (RecordingFormatException e) {
                assertThat(e.getMessage()).isNotBlank();
                errors++;
            }
        }
        assertThat(errors).isGreaterThan(2500);
    }

    @Test
    void writerCutsLongStringsAtCharacterBoundaries() throws IOException {
        MemoryChannel ch = new MemoryChannel();
        RecordingWriter w = new RecordingWriter(ch, HEADER, Format.MIN_BLOCK_BYTES, false);
        String longName = "é".repeat(400);
        w.device(1, 3, 4, 5, 1, longName, "mouse");
        w.finish(1, "stopped");
        byte[] bytes = ch.bytes();
        try (RecordingReader r = MemoryChannel.reader(bytes, bytes.length, true)) {
            Entry.Device d = (Entry.Device) readAll(r).get(0);
            assertThat(d.name()).isEqualTo("é".repeat(256));
        }
        assertThatThrownBy(() -> new RecordingWriter(new MemoryChannel(), HEADER, 100, false))
                .hasMessageContaining("block size 100 out of range");
    }
}
