package org.scxgamer.recorder.impl;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.LiteTimeoutBlockingWaitStrategy;
import com.lmax.disruptor.RingBuffer;

import org.osgi.service.event.Event;
import org.scxgamer.api.event.InputEvent;
import org.scxgamer.api.event.InputEventListener;
import org.scxgamer.recorder.format.Entry;
import org.scxgamer.recorder.format.Format;
import org.scxgamer.recorder.format.RecordingWriter;

/**
 * One running recording. The event path only claims a preallocated ring slot and copies the event
 * (no lock, no allocation, no waiting; a full ring drops and counts); a writer thread of its own
 * turns slots into blocks, writes them, rotates files and, on a write error such as a full disk,
 * stops cleanly with whole blocks on disk.
 */
final class Recording implements InputEventListener, org.osgi.service.event.EventHandler {
    enum State { RUNNING, STOPPED, FAILED }

    private static final int SLOT_EVENT = 1;
    private static final int SLOT_LIFECYCLE = 2;
    private static final int SLOT_STOP = 3;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final Settings settings;
    private final String name;
    private final Map<String, String> header;
    private final IntFunction<Entry.Device> deviceLookup;
    private final Opener opener;
    private final LongSupplier clock;
    private final Consumer<Recording> onEnd;
    private final RingBuffer<Slot> ring;
    private final BatchEventProcessor<Slot> processor;
    private final Thread thread;
    private final String stamp;
    private final AtomicLong droppedHere = new AtomicLong();
    private final AtomicLong droppedAtSubscriber = new AtomicLong();

    // Owned by the writer thread (and by stop() once that thread has ended).
    private final Map<Integer, Entry.Device> devices = new HashMap<>();
    private RecordingWriter writer;
    private int part;
    private long partStartNanos;
    private long lastFlushNanos;
    private long writtenDroppedHere;
    private long writtenDroppedAtSubscriber;
    private long eventsInEarlierParts;
    private long bytesInEarlierParts;

    private volatile State state = State.RUNNING;
    private volatile String message = "";
    private volatile Path file;
    private volatile long events;
    private volatile long bytes;

    /** Creates a new file for writing; tests put a failing channel here to simulate a full disk. */
    interface Opener {
        SeekableByteChannel open(Path file) throws IOException;

        Opener FILES = f -> FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    Recording(Settings settings, String name, Map<String, String> header, IntFunction<Entry.Device> deviceLookup,
              LongSupplier clock, Opener opener, Consumer<Recording> onEnd) {
        this.settings = settings;
        this.opener = opener;
        this.name = name;
        this.header = header;
        this.deviceLookup = deviceLookup;
        this.clock = clock;
        this.onEnd = onEnd;
        this.stamp = STAMP.format(Instant.now());
        this.ring = RingBuffer.createMultiProducer(Slot::new, settings.queueCapacity(),
                new LiteTimeoutBlockingWaitStrategy(settings.flushMs(), TimeUnit.MILLISECONDS));
        this.processor = new BatchEventProcessorBuilder().build(ring, ring.newBarrier(), new Writer());
        ring.addGatingSequences(processor.getSequence());
        this.thread = new Thread(processor, "scxgamer-recorder-" + name);
        thread.setDaemon(true);
    }

    /** Opens the first file (errors are thrown here, before any event is taken) and starts the writer thread. */
    void start() throws IOException {
        openPart();
        thread.start();
    }

    @Override
    public void onEvent(InputEvent e) {
        if (state != State.RUNNING) {
            return;
        }
        long seq = claim();
        if (seq < 0) {
            return;
        }
        Slot s = ring.get(seq);
        s.kind = SLOT_EVENT;
        s.ts = e.timestampNanos();
        s.read = e.readNanos();
        s.device = e.deviceId();
        s.type = e.type();
        s.code = e.code();
        s.value = e.value();
        s.cpu = e.cpu();
        s.lane = e.lane().id();
        s.flags = e.flags();
        s.ring = e.ring();
        ring.publish(seq);
    }

    /** The next free slot's sequence, or -1 when the ring is full (the event counts as dropped here). */
    private long claim() {
        try {
            return ring.tryNext();
        } catch (InsufficientCapacityException full) {
            droppedHere.incrementAndGet();
            return -1;
        }
    }

    @Override
    public void onDropped(long count) {
        droppedAtSubscriber.addAndGet(count);
    }

    @Override
    public void handleEvent(Event event) {
        if (state != State.RUNNING) {
            return;
        }
        Map<String, String> props = new LinkedHashMap<>();
        for (String key : event.getPropertyNames()) {
            if (!key.equals("event.topics")) {
                props.put(key, String.valueOf(event.getProperty(key)));
            }
        }
        long seq = claim();
        if (seq < 0) {
            return;
        }
        Slot s = ring.get(seq);
        s.kind = SLOT_LIFECYCLE;
        s.ts = clock.getAsLong();
        s.topic = event.getTopic();
        s.props = props;
        ring.publish(seq);
    }

    /** Stops taking events, writes what is queued and an END entry, and ends the writer thread. */
    void stop(String reason) {
        if (state == State.RUNNING) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (thread.isAlive() && System.nanoTime() < deadline) {
                try {
                    long seq = ring.tryNext();
                    Slot s = ring.get(seq);
                    s.kind = SLOT_STOP;
                    s.topic = reason;
                    ring.publish(seq);
                    break;
                } catch (InsufficientCapacityException full) {
                    Thread.onSpinWait();
                    sleepQuietly();
                }
            }
        }
        join(TimeUnit.SECONDS.toMillis(10));
        if (thread.isAlive()) {
            processor.halt();
            join(TimeUnit.SECONDS.toMillis(5));
        }
        // The writer thread has ended: finishing here cannot race with it.
        if (writer != null && !thread.isAlive()) {
            try {
                finishPart(reason);
            } catch (IOException e) {
                fail(e);
            }
        }
        if (state == State.RUNNING) {
            state = State.STOPPED;
            message = "stopped: " + reason;
        }
    }

    private void join(long millis) {
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void openPart() throws IOException {
        Path p = settings.folder().resolve(String.format("%s-%s-p%03d.scxrec", name, stamp, part));
        SeekableByteChannel ch = opener.open(p);
        Map<String, String> h = new LinkedHashMap<>(header);
        long now = clock.getAsLong();
        h.put("recording.name", name);
        h.put("recording.part", Integer.toString(part));
        h.put("clock", "CLOCK_MONOTONIC");
        h.put("clock.monotonic.start.ns", Long.toString(now));
        Instant wall = Instant.now();
        h.put("clock.wall.start", wall.toString());
        h.put("clock.wall.start.ns", Long.toString(wall.getEpochSecond() * 1_000_000_000L + wall.getNano()));
        try {
            writer = new RecordingWriter(ch, h, settings.blockBytes(), settings.sync());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        file = p;
        partStartNanos = now;
        lastFlushNanos = now;
        // Each file carries the devices it mentions, so it replays on its own.
        for (Entry.Device d : devices.values()) {
            writeDevice(d);
        }
    }

    private void writeDevice(Entry.Device d) throws IOException {
        writer.device(d.id(), d.bus(), d.vendor(), d.product(), d.lane(), d.name(), d.classification());
    }

    private void finishPart(String reason) throws IOException {
        RecordingWriter w = writer;
        writer = null;
        writeDrops(w);
        w.finish(clock.getAsLong(), reason);
        eventsInEarlierParts += w.events();
        bytesInEarlierParts += w.size();
        events = eventsInEarlierParts;
        bytes = bytesInEarlierParts;
    }

    private void writeDrops(RecordingWriter w) throws IOException {
        long here = droppedHere.get();
        long sub = droppedAtSubscriber.get();
        long now = clock.getAsLong();
        if (here != writtenDroppedHere) {
            w.dropped(now, here - writtenDroppedHere, Format.DROPPED_AT_RECORDER);
            writtenDroppedHere = here;
        }
        if (sub != writtenDroppedAtSubscriber) {
            w.dropped(now, sub - writtenDroppedAtSubscriber, Format.DROPPED_AT_SUBSCRIBER);
            writtenDroppedAtSubscriber = sub;
        }
    }

    private void fail(IOException e) {
        Path f = file;
        RecordingWriter w = writer;
        writer = null;
        String kept = w == null ? "" : "; the file keeps " + w.blocks() + " whole blocks (" + w.size() + " bytes) and stays readable";
        message = "recording stopped: writing " + f + " failed: " + e.getMessage() + kept;
        if (w != null) {
            try {
                w.close();
            } catch (IOException ignored) {
                // Already failed; the message above says what matters.
            }
        }
        processor.halt();
        onEnd.accept(this);
        // Last: whoever sees FAILED also sees the message and the owner told.
        state = State.FAILED;
    }

    State state() { return state; }

    String message() { return message; }

    String name() { return name; }

    Path file() { return file; }

    int part() { return part; }

    long events() { return events; }

    long bytes() { return bytes; }

    long dropped() {
        return droppedHere.get() + droppedAtSubscriber.get();
    }

    /** Ring slot, reused: the event path fills it, the writer thread reads it. */
    static final class Slot {
        int kind;
        long ts;
        long read;
        int device;
        int type;
        int code;
        int value;
        int cpu;
        int lane;
        int flags;
        int ring;
        String topic;
        Map<String, String> props;
    }

    private final class Writer implements EventHandler<Slot> {
        @Override
        public void onEvent(Slot s, long sequence, boolean endOfBatch) {
            if (writer == null) {
                return;
            }
            try {
                switch (s.kind) {
                    case SLOT_EVENT -> {
                        if (!devices.containsKey(s.device)) {
                            Entry.Device d = deviceLookup.apply(s.device);
                            if (d == null) {
                                d = new Entry.Device(s.device, 0, 0, 0, s.lane, "unknown", "unknown");
                            }
                            devices.put(s.device, d);
                            writeDevice(d);
                        }
                        writer.event(s.ts, s.read, s.device, s.type, s.code, s.value, s.cpu, s.lane, s.flags, s.ring);
                    }
                    case SLOT_LIFECYCLE -> {
                        writer.lifecycle(s.ts, s.topic, s.props);
                        s.props = null;
                    }
                    case SLOT_STOP -> {
                        finishPart(s.topic);
                        state = State.STOPPED;
                        message = "stopped: " + s.topic;
                        processor.halt();
                        return;
                    }
                    default -> {
                    }
                }
                if (writer.size() + writer.pending() >= settings.rotateBytes()) {
                    rotate();
                }
                if (endOfBatch) {
                    housekeeping();
                }
            } catch (IOException e) {
                fail(e);
            } catch (RuntimeException e) {
                fail(new IOException(e.toString(), e));
            }
        }

        @Override
        public void onTimeout(long sequence) {
            if (writer == null) {
                return;
            }
            try {
                housekeeping();
            } catch (IOException e) {
                fail(e);
            }
        }

        /** Writes the block when it waited long enough and starts a new file when size or age says so. */
        private void housekeeping() throws IOException {
            long now = clock.getAsLong();
            if (now - lastFlushNanos >= TimeUnit.MILLISECONDS.toNanos(settings.flushMs())) {
                writeDrops(writer);
                writer.flush();
                lastFlushNanos = now;
            }
            events = eventsInEarlierParts + writer.events();
            bytes = bytesInEarlierParts + writer.size();
            if (now - partStartNanos >= TimeUnit.SECONDS.toNanos(settings.rotateSeconds())) {
                rotate();
            }
        }

        private void rotate() throws IOException {
            finishPart("rotated");
            part++;
            openPart();
        }
    }
}
