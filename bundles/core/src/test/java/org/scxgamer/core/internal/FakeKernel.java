package org.scxgamer.core.internal;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.scxgamer.api.control.DeviceInfo;
import org.scxgamer.api.control.ExitInfo;
import org.scxgamer.api.control.InjectResult;
import org.scxgamer.api.control.InjectedEvent;
import org.scxgamer.api.control.Part;
import org.scxgamer.api.control.PartState;
import org.scxgamer.api.control.PartStatus;
import org.scxgamer.api.control.TaskClass;
import org.scxgamer.api.control.Topology;
import org.scxgamer.api.control.Tunable;
import org.scxgamer.api.control.WhitelistRule;
import org.scxgamer.core.kernel.Contract;
import org.scxgamer.core.kernel.Kernel;
import org.scxgamer.core.kernel.RingReader;

/**
 * A kernel without BPF: injected events are classified (AUTO rules by event type), counted like the
 * BPF side counts them, and written into bounded in-memory "rings" that a {@link RingReader} drains.
 */
final class FakeKernel implements Kernel {
    final EnumMap<Part, PartStatus> parts = new EnumMap<>(Part.class);
    final long[] stats = new long[Contract.STAT_COUNT];
    final int ringCapacity;
    final boolean schedExt;
    final ConcurrentLinkedQueue<long[]> ring = new ConcurrentLinkedQueue<>();
    final java.util.concurrent.atomic.AtomicInteger ringSize = new java.util.concurrent.atomic.AtomicInteger();
    final Semaphore dataOrWakeup = new Semaphore(0);
    volatile boolean paused;
    volatile List<WhitelistRule> rules = List.of();
    final List<Map<Tunable, Long>> tunableWrites = new ArrayList<>();
    volatile boolean attached;
    volatile ExitInfo lastExit;
    volatile String lastExitDump = "";
    volatile int attachCalls;
    volatile boolean attachFails;
    /** The kernel ejects every attach while enabling it, as with an error that recurs at once. */
    volatile boolean ejectOnAttach;
    volatile boolean closed;
    final Map<Integer, TaskClass> classes = new ConcurrentHashMap<>();
    volatile int foreground;
    volatile int readerTid;

    FakeKernel(int ringCapacity, PartState hook, PartState scheduler) {
        this.ringCapacity = ringCapacity;
        this.schedExt = scheduler != PartState.UNAVAILABLE;
        parts.put(Part.BUFFERS, new PartStatus(Part.BUFFERS, PartState.ACTIVE, ""));
        parts.put(Part.INJECTOR, new PartStatus(Part.INJECTOR, PartState.ACTIVE, ""));
        parts.put(Part.INPUT_HOOK, new PartStatus(Part.INPUT_HOOK, hook,
                hook == PartState.UNAVAILABLE ? "kernel refuses tracing programs: EPERM" : ""));
        parts.put(Part.SCHEDULER, new PartStatus(Part.SCHEDULER, scheduler,
                scheduler == PartState.UNAVAILABLE ? "no sched_ext in this kernel" : ""));
    }

    /** The scheduler leaves the kernel (ejection or scx_bpf_error). */
    void eject(ExitInfo exit) {
        lastExit = exit;
        attached = false;
        // Like LibbpfKernel: an ejection stays visible as FAILED with the exit reason.
        parts.put(Part.SCHEDULER, new PartStatus(Part.SCHEDULER, PartState.FAILED, "the kernel stopped it: " + exit.reason()));
    }

    @Override
    public List<PartStatus> parts() {
        return List.copyOf(parts.values());
    }

    /** What topology() answers. */
    volatile Topology topology = Topology.unreadable("fake kernel");

    @Override
    public Topology topology() {
        return topology;
    }

    @Override
    public Map<String, String> facts() {
        return Map.of("kernel.release", "fake");
    }

    @Override
    public RingReader rings() {
        return new RingReader() {
            private final UnsafeBuffer buf = new UnsafeBuffer(new byte[Contract.EVENT_SIZE]);

            @Override
            public int drain(RecordHandler handler) {
                if (paused) {
                    return 0;
                }
                int n = 0;
                long[] e;
                while ((e = ring.poll()) != null) {
                    ringSize.decrementAndGet();
                    buf.putLong(Contract.EVENT_TIMESTAMP_NS, e[0]);
                    buf.putInt(Contract.EVENT_DEVICE_ID, (int) e[1]);
                    buf.putShort(Contract.EVENT_TYPE, (short) e[2]);
                    buf.putShort(Contract.EVENT_CODE, (short) e[3]);
                    buf.putInt(Contract.EVENT_VALUE, (int) e[4]);
                    buf.putShort(Contract.EVENT_CPU, (short) 0);
                    buf.putByte(Contract.EVENT_LANE, (byte) e[5]);
                    buf.putByte(Contract.EVENT_FLAGS, (byte) 2);
                    handler.onRecord(buf, 0, 0);
                    n++;
                }
                return n;
            }

            @Override
            public boolean await(long timeoutMillis) {
                try {
                    if (timeoutMillis < 0) {
                        dataOrWakeup.acquire();
                        return true;
                    }
                    return dataOrWakeup.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }

            @Override
            public void wakeup() {
                dataOrWakeup.release();
            }

            @Override
            public long pending(int r) {
                return (long) ringSize.get() * Contract.RING_RECORD_SIZE;
            }
        };
    }

    // ---- InputMaps

    @Override
    public synchronized long[] inputStats() {
        return stats.clone();
    }

    /** What the fake reports as hook recursion misses. */
    volatile long hookMisses;

    @Override
    public long hookMisses() {
        return hookMisses;
    }

    // ---- Injector

    @Override
    public synchronized InjectResult inject(List<InjectedEvent> events, int repeat, boolean valueSequence) {
        long submitted = 0, dropped = 0, filtered = 0;
        for (int i = 0; i < repeat; i++) {
            for (InjectedEvent e : events) {
                stats[Contract.STAT_SEEN]++;
                stats[Contract.STAT_INJECTED]++;
                int lane = switch (e.type()) {
                    case 1 -> Contract.LANE_KEYBOARD;
                    case 2 -> Contract.LANE_MOUSE;
                    case 3 -> Contract.LANE_CONTROLLER;
                    default -> Contract.LANE_NONE;
                };
                if (rules.isEmpty() || lane == Contract.LANE_NONE) {
                    stats[Contract.STAT_FILTERED]++;
                    filtered++;
                    continue;
                }
                stats[Contract.STAT_LANE_MOUSE + lane - 1]++;
                if (ringSize.get() >= ringCapacity) {
                    stats[Contract.STAT_DROPPED]++;
                    stats[Contract.STAT_RING_DROP_BASE]++;
                    dropped++;
                    continue;
                }
                ringSize.incrementAndGet();
                ring.add(new long[] {System.nanoTime(), 1, e.type(), e.code(), e.value() + (valueSequence ? i : 0), lane});
                stats[Contract.STAT_SUBMITTED]++;
                submitted++;
            }
        }
        dataOrWakeup.release();
        return new InjectResult(submitted, dropped, filtered);
    }

    @Override
    public void injectDevice(long deviceKey, int bus, int vendor, int product, boolean connect) {
        throw new UnsupportedOperationException("the fake kernel has no device cache");
    }

    // ---- InputMaps (whitelist and devices)

    @Override
    public void setRules(List<WhitelistRule> r) {
        rules = List.copyOf(r);
    }

    @Override
    public List<DeviceInfo> devices() {
        return List.of(new DeviceInfo(2, "fake mouse", 3, 0x5358, 1, "auto", stats[Contract.STAT_SEEN], 1, 5_000_000_000L, 0,
                "registration"));
    }

    @Override
    public List<DeviceInfo> deviceHistory() {
        return List.of(new DeviceInfo(1, "fake pad", 3, 0x5358, 2, "controller", 42, 0, 1_000_000_000L, 3_500_000_000L,
                "first-event"));
    }

    @Override
    public Map<String, Long> inputState() {
        return Map.of("held_keys", 2L);
    }

    // ---- TunableSlots

    @Override
    public synchronized void writeTunables(Map<Tunable, Long> values) {
        tunableWrites.add(Map.copyOf(values));
    }

    @Override
    public synchronized Map<Tunable, Long> readTunables() {
        return tunableWrites.isEmpty() ? Map.of() : tunableWrites.get(tunableWrites.size() - 1);
    }

    // ---- SchedulerLink

    @Override
    public void attachScheduler() {
        // Like LibbpfKernel: refusals go to the part status, nothing is thrown.
        attachCalls++;
        if (!schedExt) {
            return;
        }
        if (attachFails) {
            parts.put(Part.SCHEDULER, new PartStatus(Part.SCHEDULER, PartState.UNAVAILABLE,
                    "another sched_ext scheduler is active: other"));
            return;
        }
        if (ejectOnAttach) {
            eject(new ExitInfo(java.time.Instant.now(), 1025, 0, "scx_bpf_error", "ejected while enabling, attach " + attachCalls));
            return;
        }
        parts.put(Part.SCHEDULER, new PartStatus(Part.SCHEDULER, PartState.ACTIVE, ""));
        attached = true;
    }

    /** Runs at the start of each detachScheduler(): lets a test see what happened before the link was dropped. */
    volatile Runnable beforeDetach = () -> { };

    @Override
    public void detachScheduler() {
        beforeDetach.run();
        if (attached) {
            parts.put(Part.SCHEDULER, new PartStatus(Part.SCHEDULER, PartState.DISABLED, "detached"));
        }
        attached = false;
    }

    @Override
    public boolean schedulerAttached() {
        return attached;
    }

    @Override
    public ExitInfo lastExit() {
        return lastExit;
    }

    @Override
    public String lastExitDump() {
        return lastExitDump;
    }

    @Override
    public long[] schedStats() {
        long[] s = new long[Contract.SCHED_STAT_COUNT];
        s[Contract.SCHED_STAT_ENQUEUED] = 42;
        return s;
    }

    @Override
    public void setTaskClass(int tid, TaskClass taskClass) {
        if (taskClass == TaskClass.DEFAULT) {
            classes.remove(tid);
        } else {
            classes.put(tid, taskClass);
        }
    }

    @Override
    public Map<Integer, TaskClass> taskClasses() {
        return Map.copyOf(classes);
    }

    @Override
    public void setForeground(int tgid) {
        foreground = tgid;
    }

    @Override
    public int foreground() {
        return foreground;
    }

    @Override
    public void setReaderThread(int tid) {
        readerTid = tid;
    }

    // ---- lifecycle

    @Override
    public void close() {
        attached = false;
        closed = true;
    }
}
