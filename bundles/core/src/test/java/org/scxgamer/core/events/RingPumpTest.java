package org.scxgamer.core.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.scxgamer.api.event.Lane;
import org.scxgamer.core.kernel.RingReader;

class RingPumpTest {
    private final EventHub hub = new EventHub();
    private final RingPump pump = new RingPump(hub);

    @AfterEach
    void tearDown() {
        pump.stop();
    }

    /** One ring that a test thread writes records into; await blocks until there is one, like epoll (negative timeout: none). */
    static final class FakeRings implements RingReader {
        private final UnsafeBuffer record = Records.buffer(1);
        private final Object lock = new Object();
        private int pending;
        private boolean woken;
        final AtomicInteger drainsWithData = new AtomicInteger();
        final AtomicInteger awaits = new AtomicInteger();

        void write() {
            synchronized (lock) {
                pending++;
                lock.notifyAll();
            }
        }

        @Override
        public int drain(RecordHandler handler) {
            int n;
            synchronized (lock) {
                n = pending;
                pending = 0;
            }
            for (int i = 0; i < n; i++) {
                Records.put(record, 0, System.nanoTime(), 7, 2, 0, 1, 1, Lane.MOUSE.id(), 0);
                handler.onRecord(record, 0, 0);
            }
            if (n > 0) {
                drainsWithData.incrementAndGet();
            }
            return n;
        }

        @Override
        public boolean await(long timeoutMillis) {
            awaits.incrementAndGet();
            synchronized (lock) {
                long end = System.nanoTime() + Duration.ofMillis(timeoutMillis).toNanos();
                while (pending == 0 && !woken) {
                    long left = end - System.nanoTime();
                    if (timeoutMillis >= 0 && left <= 0) {
                        return false;
                    }
                    try {
                        lock.wait(timeoutMillis < 0 ? 0 : Math.max(1, left / 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
                woken = false;
                return true;
            }
        }

        @Override
        public void wakeup() {
            synchronized (lock) {
                woken = true;
                lock.notifyAll();
            }
        }

        @Override
        public long pending(int ring) {
            synchronized (lock) {
                return pending;
            }
        }
    }

    /** Writes a record every millisecond for the given time; returns how many. */
    private static int stream(FakeRings rings, long millis) throws InterruptedException {
        int n = 0;
        long end = System.nanoTime() + Duration.ofMillis(millis).toNanos();
        while (System.nanoTime() < end) {
            rings.write();
            n++;
            Thread.sleep(1);
        }
        return n;
    }

    private void awaitRead(long n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (hub.read() < n) {
            assertThat(System.nanoTime()).as("all %d records read (read %d)", n, hub.read()).isLessThan(deadline);
            Thread.sleep(2);
        }
    }

    @Test
    void aSteadyStreamWakesTheReaderOncePerBatchPeriodAndLosesNothing() throws Exception {
        FakeRings rings = new FakeRings();
        pump.batchMicros(20_000);
        pump.attach(rings, false);
        int written = stream(rings, 400);
        awaitRead(written);
        assertThat(hub.read()).isEqualTo(written);
        // 400 ms at one drain per 20 ms is about 20 drains; without batching about one per record (~300).
        assertThat(rings.drainsWithData.get()).as("drains that found records, for %d records", written).isLessThanOrEqualTo(40);
    }

    @Test
    void withoutBatchingEachRecordIsDrainedAsItArrives() throws Exception {
        FakeRings rings = new FakeRings();
        pump.batchMicros(0);
        pump.attach(rings, false);
        int written = stream(rings, 300);
        awaitRead(written);
        assertThat(rings.drainsWithData.get()).as("drains that found records, for %d records", written).isGreaterThan(written / 3);
    }

    @Test
    void afterAStreamTheReaderWaitsOnTheRingsAgain() throws Exception {
        FakeRings rings = new FakeRings();
        pump.batchMicros(10_000);
        pump.attach(rings, false);
        int written = stream(rings, 50);
        awaitRead(written);
        int awaits = rings.awaits.get();
        Thread.sleep(100);
        assertThat(rings.drainsWithData.get()).isPositive();
        // Idle: blocked in await, not waking every batch period.
        assertThat(rings.awaits.get() - awaits).as("awaits while idle for 100 ms").isLessThanOrEqualTo(1);
        rings.write();
        awaitRead(written + 1);
    }

    @Test
    void anIdleReaderWaitsOnceWithoutTimeoutAndStillStopsAtOnce() throws Exception {
        FakeRings rings = new FakeRings();
        pump.attach(rings, false);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (rings.awaits.get() == 0) {
            assertThat(System.nanoTime()).as("the reader waits on the rings").isLessThan(deadline);
            Thread.sleep(5);
        }
        Thread.sleep(2_500);
        assertThat(rings.awaits.get()).as("waits of the idle reader in 2.5 s (a timed wait would return each timeout)").isEqualTo(1);
        long t0 = System.nanoTime();
        assertThat(pump.detach()).as("the reader let go of the rings").isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(1_000));
    }

    @Test
    void detachDoesNotWaitOutALongBatchPeriod() throws Exception {
        FakeRings rings = new FakeRings();
        pump.batchMicros(100_000);
        pump.attach(rings, false);
        rings.write();
        awaitRead(1);
        rings.write();
        long t0 = System.nanoTime();
        assertThat(pump.detach()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(80));
        assertThat(hub.read()).as("the last drain on detach reads what was written").isEqualTo(2);
    }
}
