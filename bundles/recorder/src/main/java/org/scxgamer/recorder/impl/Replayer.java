package org.scxgamer.recorder.impl;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.scxgamer.api.control.InjectResult;
import org.scxgamer.api.control.InjectedEvent;
import org.scxgamer.api.control.ScxControl;
import org.scxgamer.api.event.Lane;
import org.scxgamer.recorder.format.Entry;
import org.scxgamer.recorder.format.RecordingFormatException;
import org.scxgamer.recorder.format.RecordingReader;

/**
 * Feeds a recording's input events back through the core's injector, so the kernel handling code and
 * every subscriber see them as live input. At speed X an event is injected (t - t0) / X after the
 * first one; events closer together than {@link #BATCH_NANOS} (after scaling) go in one injector call.
 * Scheduler samples (lane SCHED) are not input and are skipped.
 */
final class Replayer implements Runnable {
    static final long BATCH_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
    static final int MAX_BATCH = 256;
    /** Replayed devices get injector keys of their own, distinct from live input_dev pointers. */
    static final long REPLAY_KEY = 0x5245_504c_0000_0000L;
    /** Bus used for devices the file does not describe: the whitelist decides what happens to them. */
    static final int BUS_VIRTUAL = 0x06;

    record Result(long events, long submitted, long dropped, long filtered, long skipped, long unknownDevices,
                  long elapsedNanos, String error) {
        @Override
        public String toString() {
            return "replayed " + events + " events in " + TimeUnit.NANOSECONDS.toMillis(elapsedNanos) + " ms: submitted "
                    + submitted + ", dropped " + dropped + ", filtered " + filtered + ", skipped " + skipped
                    + " (scheduler samples), from undescribed devices " + unknownDevices
                    + (error == null ? "" : "; stopped early: " + error);
        }
    }

    private final Path file;
    private final double speed;
    private final ScxControl control;
    private final CompletableFuture<Result> result = new CompletableFuture<>();
    private volatile boolean cancelled;

    /** @param speed time factor (2 = twice as fast), or 0 for as fast as possible */
    Replayer(Path file, double speed, ScxControl control) {
        this.file = file;
        this.speed = speed;
        this.control = control;
    }

    CompletableFuture<Result> result() {
        return result;
    }

    Path file() {
        return file;
    }

    void cancel() {
        cancelled = true;
    }

    @Override
    public void run() {
        long start = System.nanoTime();
        long[] counts = new long[6];
        String error = null;
        Map<Integer, Entry.Device> devices = new HashMap<>();
        List<InjectedEvent> batch = new ArrayList<>(MAX_BATCH);
        long first = Long.MIN_VALUE;
        long batchDue = 0;
        try (RecordingReader r = RecordingReader.open(file)) {
            RecordingReader.Block b;
            while (!cancelled && (b = r.next()) != null) {
                for (Entry e : b.entries()) {
                    if (e instanceof Entry.Device d) {
                        devices.put(d.id(), d);
                        continue;
                    }
                    if (!(e instanceof Entry.Event ev)) {
                        continue;
                    }
                    if (ev.lane() == Lane.SCHED.id()) {
                        counts[4]++;
                        continue;
                    }
                    if (first == Long.MIN_VALUE) {
                        first = ev.timestampNanos();
                    }
                    long due = speed <= 0 ? 0 : start + (long) ((ev.timestampNanos() - first) / speed);
                    if (!batch.isEmpty() && (batch.size() == MAX_BATCH || due - batchDue > BATCH_NANOS)) {
                        send(batch, batchDue, counts);
                    }
                    if (batch.isEmpty()) {
                        batchDue = due;
                    }
                    Entry.Device d = devices.get(ev.deviceId());
                    if (d == null) {
                        counts[5]++;
                    }
                    batch.add(new InjectedEvent(REPLAY_KEY | (ev.deviceId() & 0xffff_ffffL), d == null ? BUS_VIRTUAL : d.bus(),
                            d == null ? 0 : d.vendor(), d == null ? 0 : d.product(), ev.type(), ev.code(), ev.value()));
                    counts[0]++;
                }
                if (cancelled) {
                    break;
                }
            }
            if (!cancelled && !batch.isEmpty()) {
                send(batch, batchDue, counts);
            }
            if (cancelled) {
                error = "cancelled";
            }
        } catch (RecordingFormatException e) {
            if (!batch.isEmpty()) {
                sendQuietly(batch, batchDue, counts);
            }
            error = e.getMessage();
        } catch (IOException | RuntimeException e) {
            error = e.toString();
        }
        result.complete(new Result(counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], System.nanoTime() - start, error));
    }

    private void sendQuietly(List<InjectedEvent> batch, long due, long[] counts) {
        try {
            send(batch, due, counts);
        } catch (RuntimeException ignored) {
            // The read error is what gets reported.
        }
    }

    private void send(List<InjectedEvent> batch, long due, long[] counts) {
        long wait;
        while (!cancelled && (wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
        if (cancelled) {
            batch.clear();
            return;
        }
        InjectResult r = control.inject(List.copyOf(batch), 1, false);
        counts[1] += r.submitted();
        counts[2] += r.dropped();
        counts[3] += r.filtered();
        batch.clear();
    }
}
