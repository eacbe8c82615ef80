package org.scxgamer.recorder.format;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;

/** An in-memory file; optionally fails writes past a size limit the way a full disk does. */
final class MemoryChannel implements SeekableByteChannel {
    private byte[] data = new byte[0];
    private int size;
    private int position;
    private final long limit;
    private boolean open = true;

    MemoryChannel() {
        this(Long.MAX_VALUE);
    }

    MemoryChannel(long limit) {
        this.limit = limit;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int n = src.remaining();
        // Like a full disk: part of the buffer may land before the error.
        if (position + n > limit) {
            int room = (int) Math.max(0, limit - position);
            put(src, room);
            throw new IOException("No space left on device");
        }
        put(src, n);
        return n;
    }

    private void put(ByteBuffer src, int n) {
        if (position + n > data.length) {
            data = Arrays.copyOf(data, Math.max(position + n, data.length * 2));
        }
        src.get(data, position, n);
        position += n;
        size = Math.max(size, position);
    }

    byte[] bytes() {
        return Arrays.copyOf(data, size);
    }

    static RecordingReader reader(byte[] bytes, int length, boolean sizeKnown) throws IOException {
        return new RecordingReader(new ByteArrayInputStream(bytes, 0, length), sizeKnown ? length : -1);
    }

    @Override
    public int read(ByteBuffer dst) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public SeekableByteChannel position(long p) {
        position = (int) p;
        return this;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public SeekableByteChannel truncate(long s) {
        size = (int) Math.min(size, s);
        position = Math.min(position, size);
        return this;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
    }
}
