package org.scxgamer.recorder.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scxgamer.api.control.DeviceInfo;
import org.scxgamer.api.control.InjectedEvent;
import org.scxgamer.api.event.InputEvent;
import org.scxgamer.api.event.Lane;
import org.scxgamer.recorder.format.Entry;
import org.scxgamer.recorder.format.Format;
import org.scxgamer.recorder.format.RecordingFormatException;
import org.scxgamer.recorder.format.RecordingInfo;
import org.scxgamer.recorder.format.RecordingReader;

class RecorderTest {
    @TempDir
    Path dir;
    private final FakeControl control = new FakeControl();

    private Settings settings(String... kv) {
        Map<String, Object> m = new java.util.HashMap<>();
        m.put("folder", dir.toString());
        m.put("flush.ms", "50");
        m.put("sync", "false");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return Settings.from(m);
    }

    private static InputEvent event(long ts, int device, int type, int code, int value, Lane lane) {
        return new InputEvent.Snapshot(ts, device, type, code, value, 1, lane, InputEvent.FLAG_BOOSTED, 1, ts + 1000);
    }

    private static List<Entry> entries(Path file) throws IOException {
        List<Entry> all = new ArrayList<>();
        try (RecordingReader r = RecordingReader.open(file)) {
            RecordingReader.Block b;
            while ((b = r.next()) != null) {
                all.addAll(b.entries());
            }
        }
        return all;
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".scxrec")).sorted().toList();
        }
    }

    private Recording recording(Settings s, Recording.Opener opener, List<Recording> ended) {
        return new Recording(s, "t", Map.of("config.tunables.slice.us", "5000"),
                id -> id == 3 ? new Entry.Device(3, 3, 0x046d, 0xc08b, 1, "mouse", "mouse") : null,
                System::nanoTime, opener, ended::add);
    }

    @Test
    void recordsEveryEventWithDevicesLifecycleAndEnd() throws IOException {
        Recording r = recording(settings(), Recording.Opener.FILES, new ArrayList<>());
        r.start();
        for (int i = 0; i < 10_000; i++) {
            r.onEvent(event(1_000_000L + i, i % 2 == 0 ? 3 : 4, 2, 0, i, Lane.MOUSE));
        }
        r.handleEvent(new org.osgi.service.event.Event("org/scxgamer/part/CHANGED", Map.of("part", "SCHEDULER")));
        r.stop("stopped by test");
        assertThat(r.state()).isEqualTo(Recording.State.STOPPED);
        List<Entry> all = entries(r.file());
        List<Entry.Event> evs = all.stream().filter(Entry.Event.class::isInstance).map(Entry.Event.class::cast).toList();
        assertThat(evs).hasSize(10_000);
        for (int i = 0; i < evs.size(); i++) {
            Entry.Event e = evs.get(i);
            assertThat(e.value()).isEqualTo(i);
            assertThat(e.timestampNanos()).isEqualTo(1_000_000L + i);
            assertThat(e.readNanos()).isEqualTo(1_001_000L + i);
            assertThat(e.lane()).isEqualTo(Lane.MOUSE.id());
            assertThat(e.flags()).isEqualTo(InputEvent.FLAG_BOOSTED);
        }
        assertThat(all).filteredOn(Entry.Device.class::isInstance).containsExactly(
                new Entry.Device(3, 3, 0x046d, 0xc08b, 1, "mouse", "mouse"), new Entry.Device(4, 0, 0, 0, 1, "unknown", "unknown"));
        assertThat(all).filteredOn(Entry.Lifecycle.class::isInstance).hasSize(1);
        assertThat(all.get(all.size() - 1)).isEqualTo(new Entry.End(((Entry.End) all.get(all.size() - 1)).nanos(), 10_000, "stopped by test"));
        RecordingInfo info = RecordingInfo.scan(r.file());
        assertThat(info.closedCleanly()).isTrue();
        assertThat(info.header()).containsEntry("clock", "CLOCK_MONOTONIC").containsKey("clock.monotonic.start.ns")
                .containsEntry("config.tunables.slice.us", "5000").containsEntry("recording.part", "0");
    }

    @Test
    void rotatesBySizeAndEachPartIsSelfContained() throws IOException {
        Recording r = recording(settings("rotate.bytes", "1048576", "block.bytes", "32768"), Recording.Opener.FILES, new ArrayList<>());
        r.start();
        int n = 70_000;
        for (int i = 0; i < n; i++) {
            r.onEvent(event(i, 3, 2, 0, i, Lane.MOUSE));
            if (i % 1000 == 0) {
                // Let the writer keep up: this test is about rotation, not drops.
                while (r.events() < i - 20_000) {
                    Thread.onSpinWait();
                }
            }
        }
        r.stop("done");
        List<Path> parts = files(dir);
        assertThat(parts).hasSizeGreaterThanOrEqualTo(3);
        long total = 0;
        long dropped = 0;
        for (Path p : parts) {
            RecordingInfo i = RecordingInfo.scan(p);
            assertThat(i.closedCleanly()).as(p.toString()).isTrue();
            assertThat(i.devices()).as("device entry repeated in %s", p).isEqualTo(1);
            assertThat(i.fileSize()).isLessThan(1_048_576 + 100);
            total += i.events();
            dropped += i.dropped();
        }
        assertThat(dropped).isZero();
        assertThat(total).isEqualTo(n);
        assertThat(RecordingInfo.scan(parts.get(0)).end().reason()).isEqualTo("rotated");
        assertThat(RecordingInfo.scan(parts.get(parts.size() - 1)).end().reason()).isEqualTo("done");
    }

    /** A channel that blocks writes until released, then fails them beyond a size, like a stalled then full disk. */
    private static final class StallingChannel implements SeekableByteChannel {
        final FileChannel ch;
        final CountDownLatch release = new CountDownLatch(1);
        final long limit;
        int writes;

        StallingChannel(Path p, long limit) throws IOException {
            this.ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            this.limit = limit;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (writes++ > 0) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
            if (ch.position() + src.remaining() > limit) {
                ByteBuffer part = src.slice().limit((int) Math.max(0, limit - ch.position()));
                ch.write(part);
                throw new IOException("No space left on device");
            }
            return ch.write(src);
        }

        @Override
        public int read(ByteBuffer dst) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long position() throws IOException {
            return ch.position();
        }

        @Override
        public SeekableByteChannel position(long p) throws IOException {
            ch.position(p);
            return this;
        }

        @Override
        public long size() throws IOException {
            return ch.size();
        }

        @Override
        public SeekableByteChannel truncate(long s) throws IOException {
            ch.truncate(s);
            return this;
        }

        @Override
        public boolean isOpen() {
            return ch.isOpen();
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    @Test
    void aStalledWriterNeverBlocksTheEventPathAndEveryDropIsRecorded() throws IOException {
        List<StallingChannel> channels = new ArrayList<>();
        Recording r = recording(settings("queue.capacity", "1024"), p -> {
            StallingChannel c = new StallingChannel(p, Long.MAX_VALUE);
            channels.add(c);
            return c;
        }, new ArrayList<>());
        r.start();
        int n = 50_000;
        for (int i = 0; i < n; i++) {
            r.onEvent(event(i, 3, 1, 30, i, Lane.KEYBOARD));
        }
        assertThat(r.dropped()).as("writer stalled: the ring filled and events were dropped, not waited for").isGreaterThan(n - 1024 * 40);
        channels.get(0).release.countDown();
        r.stop("done");
        RecordingInfo i = RecordingInfo.scan(r.file());
        assertThat(i.closedCleanly()).isTrue();
        assertThat(i.events() + i.dropped()).isEqualTo(n);
    }

    @Test
    void diskFullStopsTheRecordingCleanlyWithAClearMessage() throws IOException, InterruptedException {
        List<Recording> ended = new java.util.concurrent.CopyOnWriteArrayList<>();
        Recording r = recording(settings("block.bytes", "32768"), p -> {
            StallingChannel c = new StallingChannel(p, 200_000);
            c.release.countDown();
            return c;
        }, ended);
        r.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int i = 0;
        while (r.state() == Recording.State.RUNNING && System.nanoTime() < deadline) {
            r.onEvent(event(i, 3, 2, 0, i, Lane.MOUSE));
            i++;
            if (i % 1000 == 0) {
                Thread.sleep(1);
            }
        }
        assertThat(r.state()).isEqualTo(Recording.State.FAILED);
        assertThat(ended).containsExactly(r);
        assertThat(r.message()).startsWith("recording stopped: writing " + r.file() + " failed: No space left on device")
                .contains("whole blocks").endsWith("stays readable");
        r.onEvent(event(i, 3, 2, 0, i, Lane.MOUSE));
        r.stop("after failure");
        RecordingInfo info = RecordingInfo.scan(r.file());
        assertThat(info.error()).as("never a corrupt file").isNull();
        assertThat(info.fileSize()).isLessThanOrEqualTo(200_000);
        assertThat(info.events()).isGreaterThan(1000);
        assertThat(info.end()).isNull();
    }

    @Test
    void replayInjectsTheRecordedStreamWithDeviceIdentityAndTiming() throws IOException, Exception {
        Recording r = recording(settings(), Recording.Opener.FILES, new ArrayList<>());
        r.start();
        List<int[]> expected = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            long ts = 1_000_000_000L + i * 1_000_000L; // 1 ms apart: 199 ms in all
            r.onEvent(event(ts, 3, 2, i % 2, i - 100, Lane.MOUSE));
            expected.add(new int[] {2, i % 2, i - 100});
        }
        r.onEvent(new InputEvent.Snapshot(1_100_000_000L, 77, InputEvent.TYPE_SCHED_WAKE, 0, 5000, 0, Lane.SCHED, 0, 0, 0));
        r.stop("done");
        Replayer replayer = new Replayer(r.file(), 2.0, control);
        replayer.run();
        Replayer.Result result = replayer.result().get();
        assertThat(result.error()).isNull();
        assertThat(result.events()).isEqualTo(200);
        assertThat(result.skipped()).isEqualTo(1);
        assertThat(result.submitted()).isEqualTo(200);
        assertThat(control.injected).hasSize(200);
        for (int i = 0; i < 200; i++) {
            InjectedEvent e = control.injected.get(i);
            assertThat(new int[] {e.type(), e.code(), e.value()}).isEqualTo(expected.get(i));
            assertThat(e.bus()).isEqualTo(3);
            assertThat(e.vendor()).isEqualTo(0x046d);
            assertThat(e.product()).isEqualTo(0xc08b);
            assertThat(e.deviceKey()).isEqualTo(Replayer.REPLAY_KEY | 3);
        }
        // 199 ms of recording at speed 2: the last batch is not injected before ~99.5 ms.
        long span = control.injectTimes.get(control.injectTimes.size() - 1) - control.injectTimes.get(0);
        assertThat(span).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(99) - Replayer.BATCH_NANOS);
        assertThat(control.injectTimes.size()).as("1 ms apart at speed 2: one injector call per event").isEqualTo(200);
    }

    @Test
    void commandsStartStopListInfoExportAndReplay() throws Exception {
        control.devices.add(new DeviceInfo(3, "mouse", 3, 0x046d, 0xc08b, "mouse", 0));
        RecorderComponent rec = new RecorderComponent(settings(), control);
        assertThatThrownBy(() -> rec.start("../evil")).hasMessageContaining("recording name '../evil' is invalid");
        assertThat(rec.start("game1")).startsWith("recording to " + dir.resolve("game1-"));
        assertThatThrownBy(() -> rec.start()).hasMessageContaining("already recording");
        Recording r = rec.recording();
        for (int i = 0; i < 100; i++) {
            r.onEvent(event(1_000_000L + i * 1000L, 3, 1, 30, i & 1, Lane.KEYBOARD));
        }
        assertThat(rec.stop()).startsWith("recording stopped: 100 events in 1 file(s)");
        assertThat(rec.stop()).isEqualTo("nothing to stop");
        String name = r.file().getFileName().toString();
        assertThat(rec.list()).contains("1 recording(s) in", name);
        assertThat(rec.info(name)).contains("events: 100", "header.kernel.release: 7.3.4-test", "header.config.whitelist: 0003:046d:*=mouse",
                "status: closed cleanly (stopped by command)");
        assertThat(rec.export(name, "--format", "chrome-trace")).startsWith("wrote ").contains("100 events");
        Path json = dir.resolve(name.replace(".scxrec", ".trace.json"));
        assertThat(new ObjectMapper().readTree(json.toFile()).get("traceEvents").size()).isGreaterThan(200);
        assertThatThrownBy(() -> rec.export(name, "--format", "svg")).hasMessageContaining("accepted: chrome-trace");
        assertThatThrownBy(() -> rec.replay(name, "--speed", "fast")).hasMessageContaining("--speed 'fast' is invalid, accepted: 0.01 .. 1000");
        assertThat(rec.replay(name, "--max", "--wait")).startsWith("replayed 100 events").contains("submitted 100");
        assertThat(control.injected).hasSize(100);
        assertThatThrownBy(() -> rec.info("missing.scxrec")).isInstanceOf(IOException.class);
    }

    @Test
    void aDeviceThatUnpluggedBeforeItsEventsWereRecordedIsDescribedFromTheHistory() throws Exception {
        control.history.add(new DeviceInfo(7, "gone pad", 3, 0x045e, 0x028e, "controller", 10, 0, 1_000, 2_000, "registration"));
        RecorderComponent rec = new RecorderComponent(settings(), control);
        rec.start("gone");
        Recording r = rec.recording();
        r.onEvent(event(1_000_000L, 7, 3, 0, 100, Lane.CONTROLLER));
        rec.stop();
        assertThat(entries(r.file())).filteredOn(e -> e instanceof Entry.Device).singleElement()
                .isEqualTo(new Entry.Device(7, 3, 0x045e, 0x028e, Lane.CONTROLLER.id(), "gone pad", "controller"));
    }

    @Test
    void infoNamesTheBlockWhereAKilledRecordingBreaks() throws Exception {
        RecorderComponent rec = new RecorderComponent(settings(), control);
        rec.start("killed");
        Recording r = rec.recording();
        for (int i = 0; i < 3000; i++) {
            r.onEvent(event(i, 3, 1, 30, 1, Lane.KEYBOARD));
        }
        rec.stop();
        byte[] b = Files.readAllBytes(r.file());
        Files.write(r.file(), java.util.Arrays.copyOf(b, b.length - 10));
        assertThat(rec.info(r.file().toString())).containsPattern("status: readable up to block \\d+, then: block \\d+ at offset \\d+: truncated");
    }

    @Test
    void invalidSettingsNameKeyAndRange() {
        assertThatThrownBy(() -> Settings.from(Map.of("block.bytes", "10"))).hasMessage(
                "configuration scxgamer.recorder: block.bytes = '10': out of range; accepted: 32768 .. 4194304 bytes");
        assertThatThrownBy(() -> Settings.from(Map.of("sync", "maybe", "flush.ms", "x"))).hasMessage(
                "configuration scxgamer.recorder: flush.ms = 'x': not a whole number; accepted: 10 .. 60000 ms; sync = 'maybe': accepted: true, false");
        assertThatThrownBy(() -> Settings.from(Map.of("folders", "/tmp"))).hasMessageContaining("unknown key 'folders' (did you mean folder?)");
        assertThat(Settings.from(Map.of("queue.capacity", "3000")).queueCapacity()).isEqualTo(4096);
        Path home = Path.of("/opt/scxgamer");
        assertThat(Settings.from(Map.of(), home).folder()).isEqualTo(home.resolve(Settings.DEFAULT_FOLDER));
        assertThat(Settings.from(Map.of("folder", "/var/rec"), home).folder()).isEqualTo(Path.of("/var/rec"));
        assertThat(Format.MAX_BLOCK_BYTES).isEqualTo(4 << 20);
    }

    @Test
    void readerRejectsAFileThatIsNotARecording() throws IOException {
        Path f = dir.resolve("x.scxrec");
        Files.writeString(f, "hello, this is not a recording at all");
        assertThatThrownBy(() -> RecordingReader.open(f)).isInstanceOf(RecordingFormatException.class).hasMessageStartingWith("not a recording: bad magic");
    }

    @Test
    void countsDropsReportedByTheCore() throws IOException {
        Recording r = recording(settings(), Recording.Opener.FILES, new ArrayList<>());
        r.start();
        r.onDropped(12);
        r.stop("done");
        assertThat(entries(r.file())).contains(new Entry.Dropped(((Entry.Dropped) entries(r.file()).stream()
                .filter(Entry.Dropped.class::isInstance).findFirst().orElseThrow()).nanos(), 12, Format.DROPPED_AT_SUBSCRIBER));
    }
}
