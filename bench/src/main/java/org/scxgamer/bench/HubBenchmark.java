package org.scxgamer.bench;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.scxgamer.api.event.InputEventListener;
import org.scxgamer.api.event.SubscriberInfo;
import org.scxgamer.core.events.EventHub;
import org.scxgamer.core.kernel.Contract;

/**
 * Part 2b: the core's {@link EventHub} alone under JMH, no kernel: the benchmark thread plays the ring
 * reader and hands records to {@link EventHub#onRecord} with a {@link EventHub#flush} every {@link #BATCH}
 * records (one drain's worth), delivered to 1 or 4 counting subscribers with the default queue capacity, on
 * delivery threads of their own or (declared non-blocking) on the benchmark thread.
 * One operation is one event, so the score is ns per event and {@code -prof gc}'s
 * {@code gc.alloc.rate.norm} is bytes per event (JMH counts every thread, the delivery threads too).
 *
 * <p>Delivery is inside the measurement: when the writer is {@link #IN_FLIGHT} events (half a queue) ahead
 * of the slowest subscriber it parks until that lag has halved, so over an iteration it cannot outrun
 * delivery and the score is the rate of the whole pipeline (at most 4096 events are in flight when an
 * iteration ends, of tens of millions written). Half a queue never overflows, so nothing is dropped;
 * the iteration's tear-down waits for the rest and fails the run if any event was lost or dropped.
 * Waiting for every batch to be delivered in full instead would serialize writer and subscribers (the
 * writer idle while they drain), which is neither how the reader runs nor the hub's throughput. The
 * writer parks rather than spins or yields, like the blocking reader: on a 2-CPU machine a spinning
 * writer takes the CPU the delivery threads need (in one quick run with 4 subscribers: yielding
 * 77-99 ns/event, parking 66). The queue is the default capacity, as plugins get it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HubBenchmark {
    /** Records per flush, like one drain of the rings. */
    static final int BATCH = 256;
    static final int QUEUE = InputEventListener.DEFAULT_QUEUE_CAPACITY;
    /** Most events written and not yet delivered to every subscriber: half a queue, so none is dropped. */
    static final int IN_FLIGHT = QUEUE / 2;
    /** How long the writer parks while it waits (parked, it leaves the CPU to the delivery threads). */
    static final long PARK_NANOS = 20_000;
    /** A subscriber that has not caught up within this long fails the run instead of hanging it. */
    static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(10);

    @Param({"1", "4"})
    public int subscribers;

    /** Subscribers declared non-blocking: the hub calls them on this (the reader's) thread. */
    @Param({"false", "true"})
    public boolean nonBlocking;

    private EventHub hub;
    private Listeners.Counting[] listeners;
    private long[] ids;
    private final UnsafeBuffer records = new UnsafeBuffer(ByteBuffer.allocateDirect(BATCH * Contract.EVENT_SIZE));
    private long written;

    @Setup(Level.Trial)
    public void start() {
        long ts = System.nanoTime();
        for (int i = 0; i < BATCH; i++) {
            int o = i * Contract.EVENT_SIZE;
            // Mouse frames as the injector writes them: REL_X, REL_Y, SYN_REPORT.
            int type = i % 3 == 2 ? Rig.EV_SYN : Rig.EV_REL, code = i % 3 == 1 ? Rig.REL_Y : Rig.REL_X;
            records.putLong(o + Contract.EVENT_TIMESTAMP_NS, ts + i);
            records.putInt(o + Contract.EVENT_DEVICE_ID, 1);
            records.putShort(o + Contract.EVENT_TYPE, (short) type);
            records.putShort(o + Contract.EVENT_CODE, (short) code);
            records.putInt(o + Contract.EVENT_VALUE, type == Rig.EV_SYN ? 0 : i);
            records.putShort(o + Contract.EVENT_CPU, (short) 0);
            records.putByte(o + Contract.EVENT_LANE, (byte) Contract.LANE_MOUSE);
            records.putByte(o + Contract.EVENT_FLAGS, (byte) Contract.FLAG_INJECTED);
        }
        hub = new EventHub();
        listeners = new Listeners.Counting[subscribers];
        ids = new long[subscribers];
        for (int i = 0; i < subscribers; i++) {
            listeners[i] = new Listeners.Counting(0, 0);
            var props = Listeners.props(QUEUE, nonBlocking);
            ids[i] = (Long) props.get("service.id");
            hub.add(listeners[i], props, "bench");
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void deliver() {
        if (written - delivered() > IN_FLIGHT - BATCH) {
            awaitDelivered(written - IN_FLIGHT / 2);
        }
        for (int i = 0, o = 0; i < BATCH; i++, o += Contract.EVENT_SIZE) {
            hub.onRecord(records, o, 0);
        }
        hub.flush();
        written += BATCH;
    }

    /** Every event written in the iteration reached every subscriber, none dropped. */
    @TearDown(Level.Iteration)
    public void settle() {
        awaitDelivered(written);
        for (SubscriberInfo s : hub.subscribers()) {
            if (s.delivered() != written || s.dropped() != 0) {
                throw new IllegalStateException("subscriber " + s.serviceId() + ": " + s.delivered() + " delivered, "
                        + s.dropped() + " dropped of " + written + " written");
            }
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        for (long id : ids) {
            hub.remove(id);
        }
    }

    /** Events every subscriber has counted. */
    private long delivered() {
        long min = Long.MAX_VALUE;
        for (Listeners.Counting l : listeners) {
            min = Math.min(min, l.count());
        }
        return min;
    }

    /** Parks until every subscriber counted at least {@code target} events. */
    private void awaitDelivered(long target) {
        for (Listeners.Counting l : listeners) {
            l.awaitCount(target, STALL_NANOS, PARK_NANOS);
        }
    }
}
