package org.scxgamer.recorder.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Random;

/**
 * The process KillDuringRecordingTest kills: records events without end through RecordingWriter, in
 * blocks of a random size, and prints "BLOCKS n EVENTS m" after each block reached the file.
 * Event values count 0, 1, 2 … so the reader can tell that no event inside a whole block is lost.
 * With a third argument "mid-block", once 1-3 blocks are whole it writes only the first half of the next
 * block, prints "PARTIAL BLOCK n BYTES b" and waits there, so that the kill lands inside a block for sure.
 */
public final class RecordingChild {
    private RecordingChild() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        Random random = new Random(Long.parseLong(args[1]));
        int blockBytes = Format.MIN_BLOCK_BYTES << random.nextInt(8); // 32 KiB .. 4 MiB
        boolean midBlock = args.length > 2 && args[2].equals("mid-block");
        long stopInBlock = midBlock ? 1 + random.nextInt(3) : Long.MAX_VALUE;
        try (HalfBlockChannel ch = new HalfBlockChannel(FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
            RecordingWriter w = new RecordingWriter(ch, Map.of("clock", "CLOCK_MONOTONIC", "recording.name", "kill-test"),
                    blockBytes, false);
            w.device(1, 3, 0x46d, 0xc077, 1, "kill-test mouse", "usb:046d:*=auto");
            System.out.println("STARTED blockBytes " + blockBytes);
            System.out.flush();
            for (int value = 0; ; value++) {
                long blocks = w.blocks();
                w.event(System.nanoTime(), System.nanoTime(), 1, 2, 0, value, 0, 1, 2, value & 15);
                if (value % 500 == 499) {
                    Thread.sleep(1); // a recorder's pace (well above any input rate), and files of tens of MiB, not GiB
                }
                if (random.nextInt(5000) == 0) {
                    w.flush(); // the flush.ms path: a short block
                }
                if (w.blocks() != blocks) {
                    // the event just added may sit in the next block: what reached the file is value (or value + 1) events
                    System.out.println("BLOCKS " + w.blocks() + " EVENTS " + (w.pending() == 0 ? value + 1 : value));
                    System.out.flush();
                    ch.halveNextBlock = w.blocks() >= stopInBlock;
                }
            }
        }
    }

    /** A file channel that, when asked, writes only the first half of the next block and then waits to be killed. */
    static final class HalfBlockChannel implements SeekableByteChannel {
        private final FileChannel file;
        volatile boolean halveNextBlock;

        HalfBlockChannel(FileChannel file) {
            this.file = file;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (!halveNextBlock) {
                return file.write(src);
            }
            ByteBuffer half = src.duplicate();
            half.limit(src.position() + src.remaining() / 2);
            int n = file.write(half);
            System.out.println("PARTIAL BLOCK at " + (file.position() - n) + " BYTES " + n);
            System.out.flush();
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("interrupted in the middle of a block");
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return file.read(dst);
        }

        @Override
        public long position() throws IOException {
            return file.position();
        }

        @Override
        public SeekableByteChannel position(long p) throws IOException {
            file.position(p);
            return this;
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public SeekableByteChannel truncate(long size) throws IOException {
            file.truncate(size);
            return this;
        }

        @Override
        public boolean isOpen() {
            return file.isOpen();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }
}
