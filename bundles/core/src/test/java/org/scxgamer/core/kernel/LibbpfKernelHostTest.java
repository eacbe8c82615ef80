package org.scxgamer.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scxgamer.api.control.DeviceInfo;
import org.scxgamer.api.control.InjectResult;
import org.scxgamer.api.control.InjectedEvent;
import org.scxgamer.api.control.Part;
import org.scxgamer.api.control.PartState;
import org.scxgamer.api.control.PartStatus;
import org.scxgamer.api.control.TaskClass;
import org.scxgamer.api.control.Tunable;
import org.scxgamer.api.control.WhitelistRule;

/**
 * Tier 3 "host BPF": the real objects in the real kernel, events pushed through the injector and read
 * back from the mapped rings. Needs root; without it the tests fail and say so.
 */
class LibbpfKernelHostTest {
    static final int EV_KEY = 1, EV_REL = 2, EV_ABS = 3;
    static final int KEY_A = 30, BTN_LEFT = 0x110, REL_X = 0, REL_Y = 1, ABS_X = 0;
    static final int BUS_USB = 0x03, BUS_VIRTUAL = 0x06;
    static final int RING_BYTES = 1 << 20;

    static LibbpfKernel kernel;
    static RingReader rings;

    @BeforeAll
    static void open() {
        kernel = LibbpfKernel.open(LibbpfKernel.Options.defaults().withRingBytes(RING_BYTES));
        requireHostBpf(kernel);
        rings = kernel.rings();
    }

    /** Fails (never skips) when this machine cannot run the host BPF tier, saying why. */
    static void requireHostBpf(Kernel k) {
        for (Part p : List.of(Part.BUFFERS, Part.INJECTOR)) {
            PartStatus s = status(k, p);
            assertThat(s.state()).as("host BPF tier needs root and a BPF-capable kernel; %s is %s: %s", p, s.state(), s.reason())
                    .isEqualTo(PartState.ACTIVE);
        }
    }

    @AfterAll
    static void close() {
        if (kernel != null) {
            kernel.close();
        }
    }

    @BeforeEach
    void emptyRings() {
        Records.drainAll(rings);
    }

    static PartStatus status(Kernel k, Part part) {
        return k.parts().stream().filter(s -> s.part() == part).findFirst().orElseThrow();
    }

    static InjectedEvent ev(long key, int bus, int vendor, int product, int type, int code, int value) {
        return new InjectedEvent(key, bus, vendor, product, type, code, value);
    }

    @Test
    void partStatesOnThisHost() {
        assertThat(kernel.parts()).extracting(PartStatus::part).containsExactly(Part.values());
        PartStatus hook = status(kernel, Part.INPUT_HOOK);
        if (hook.state() != PartState.ACTIVE) {
            assertThat(hook.state()).as("hook: %s", hook.reason()).isEqualTo(PartState.UNAVAILABLE);
            assertThat(hook.reason()).matches("(kernel refuses tracing programs: E[A-Z]+ .*|kernel has no .*)");
        }
        PartStatus sched = status(kernel, Part.SCHEDULER);
        if (!Files.isDirectory(Path.of("/sys/kernel/sched_ext"))) {
            assertThat(sched.state()).isEqualTo(PartState.UNAVAILABLE);
            assertThat(sched.reason()).startsWith("no sched_ext in this kernel (/sys/kernel/sched_ext missing)");
            assertThat(kernel.schedulerAttached()).isFalse();
            assertThat(kernel.facts()).containsEntry("sched_ext", "missing");
        }
        assertThat(kernel.facts()).containsKeys("kernel.release", "libbpf.version", "cpus.possible")
                .containsEntry("topology", kernel.topology().summary());
    }

    @Test
    void injectedEventsArriveExactlyOnceAndIntact() throws Exception {
        kernel.setRules(List.of(WhitelistRule.parse("virtual:1234:*=auto")));
        List<InjectedEvent> batch = new ArrayList<>();
        for (int i = 0; i < 40; i++) { // more than one injector run holds
            batch.add(switch (i % 4) {
                case 0 -> ev(7, BUS_VIRTUAL, 0x1234, 0x1, EV_REL, REL_X, -i);
                case 1 -> ev(7, BUS_VIRTUAL, 0x1234, 0x1, EV_REL, REL_Y, i * 1000);
                case 2 -> ev(7, BUS_VIRTUAL, 0x1234, 0x1, EV_ABS, ABS_X, 1 << 20);
                default -> ev(7, BUS_VIRTUAL, 0x1234, 0x1, EV_KEY, BTN_LEFT, 1);
            });
        }
        int repeat = 100;
        long[] before = kernel.inputStats();
        InjectResult result = HostCpu.on(0, () -> kernel.inject(batch, repeat, true));
        long[] after = kernel.inputStats();
        int n = batch.size() * repeat;
        assertThat(result).isEqualTo(new InjectResult(n, 0, 0));
        assertThat(after[Contract.STAT_INJECTED] - before[Contract.STAT_INJECTED]).isEqualTo(n);
        assertThat(after[Contract.STAT_SUBMITTED] - before[Contract.STAT_SUBMITTED]).isEqualTo(n);

        List<Records.Rec> read = Records.drainAll(rings);
        assertThat(read).hasSize(n);
        int deviceId = kernel.devices().stream().filter(d -> d.bus() == BUS_VIRTUAL && d.vendor() == 0x1234).findFirst().orElseThrow().id();
        long lastTs = 0;
        for (int k = 0; k < n; k++) {
            InjectedEvent e = batch.get(k % batch.size());
            Records.Rec r = read.get(k);
            int lane = e.type() == EV_ABS ? Contract.LANE_CONTROLLER : Contract.LANE_MOUSE;
            assertThat(r).as("record %d", k).isEqualTo(new Records.Rec(0, r.timestamp(), deviceId, e.type(), e.code(),
                    e.value() + k / batch.size(), 0, lane, r.flags()));
            assertThat(r.flags() & Contract.FLAG_INJECTED).isNotZero();
            assertThat(r.flags() & ~(Contract.FLAG_INJECTED | Contract.FLAG_BOOSTED | Contract.FLAG_CONTINUOUS)).isZero();
            assertThat(r.timestamp()).isGreaterThanOrEqualTo(lastTs);
            lastTs = r.timestamp();
        }
        assertThat(rings.pending(0)).isZero();
    }

    @Test
    void bothCpusAtOnceEveryEventOnceInOrder() throws Exception {
        kernel.setRules(List.of(WhitelistRule.parse("usb:*:*=mouse")));
        int perCpu = 30_000;
        int chunk = 1_000;
        Map<Integer, List<Records.Rec>> byCpu = new HashMap<>();
        AtomicBoolean injecting = new AtomicBoolean(true);
        Records sink = new Records();
        Thread reader = new Thread(() -> {
            while (injecting.get()) {
                if (rings.drain(sink) == 0) {
                    rings.await(50);
                }
            }
        }, "ring-reader");
        reader.start();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> producers = new ArrayList<>();
        List<InjectResult> results = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int cpu = 0; cpu < 2; cpu++) {
            int c = cpu;
            Thread t = new Thread(() -> {
                HostCpu.pin(c);
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int base = 0; base < perCpu; base += chunk) {
                    results.add(kernel.inject(List.of(ev(100 + c, BUS_USB, 0x0100, 0x0200 + c, EV_REL, REL_X, base)), chunk, true));
                }
            }, "inject-cpu" + cpu);
            t.start();
            producers.add(t);
        }
        start.countDown();
        for (Thread t : producers) {
            t.join();
        }
        injecting.set(false);
        rings.wakeup();
        reader.join();
        sink.list.addAll(Records.drainAll(rings));

        assertThat(results.stream().mapToLong(InjectResult::submitted).sum()).isEqualTo(2L * perCpu);
        assertThat(results.stream().mapToLong(InjectResult::dropped).sum()).isZero();
        for (Records.Rec r : sink.list) {
            byCpu.computeIfAbsent(r.cpu(), c -> new ArrayList<>()).add(r);
        }
        assertThat(byCpu.keySet()).containsExactlyInAnyOrder(0, 1);
        for (int cpu = 0; cpu < 2; cpu++) {
            List<Records.Rec> recs = byCpu.get(cpu);
            assertThat(recs).as("records from CPU %d", cpu).hasSize(perCpu);
            for (int i = 0; i < perCpu; i++) {
                Records.Rec r = recs.get(i);
                assertThat(r.ring()).isEqualTo(cpu % Contract.RING_COUNT);
                assertThat(r.value()).as("CPU %d record %d", cpu, i).isEqualTo(i);
            }
        }
    }

    @Test
    void fullRingDropsAndCountsExactly() throws Exception {
        kernel.setRules(List.of(WhitelistRule.parse("usb:*:*=mouse")));
        long capacity = Contract.ringCapacity(RING_BYTES);
        int extra = 1_000;
        long[] before = kernel.inputStats();
        InjectResult result = HostCpu.on(1, () -> kernel.inject(List.of(ev(9, BUS_USB, 0x0300, 0x1, EV_REL, REL_Y, 0)),
                (int) capacity + extra, true));
        long[] after = kernel.inputStats();
        assertThat(result).isEqualTo(new InjectResult(capacity, extra, 0));
        assertThat(after[Contract.STAT_DROPPED] - before[Contract.STAT_DROPPED]).isEqualTo(extra);
        for (int r = 0; r < Contract.RING_COUNT; r++) {
            assertThat(after[Contract.STAT_RING_DROP_BASE + r] - before[Contract.STAT_RING_DROP_BASE + r]).as("drops of ring %d", r)
                    .isEqualTo(r == 1 ? extra : 0);
        }
        assertThat(rings.pending(1)).isEqualTo(capacity * Contract.RING_RECORD_SIZE);
        List<Records.Rec> read = Records.drainAll(rings);
        assertThat(read).hasSize((int) capacity);
        for (int i = 0; i < capacity; i++) {
            assertThat(read.get(i).value()).isEqualTo(i);
        }
        InjectResult again = HostCpu.on(1, () -> kernel.inject(List.of(ev(9, BUS_USB, 0x0300, 0x1, EV_REL, REL_Y, 0)), 10, false));
        assertThat(again).isEqualTo(new InjectResult(10, 0, 0));
        assertThat(Records.drainAll(rings)).hasSize(10);
    }

    @Test
    void whitelistFiltersIgnoresChoosesLanesAndReclassifies() throws Exception {
        kernel.setRules(List.of(WhitelistRule.parse("usb:046d:*=mouse"), WhitelistRule.parse("usb:1234:5678=ignore"),
                WhitelistRule.parse("virtual:*:*=auto")));
        InjectedEvent mouse = ev(21, BUS_USB, 0x046d, 0xc077, EV_REL, REL_X, 5);
        InjectedEvent ignored = ev(22, BUS_USB, 0x1234, 0x5678, EV_REL, REL_X, 5);
        InjectedEvent unlisted = ev(23, BUS_USB, 0x9999, 0x0001, EV_KEY, KEY_A, 1);
        InjectedEvent autoKey = ev(24, BUS_VIRTUAL, 0x0001, 0x0001, EV_KEY, KEY_A, 2);
        InjectedEvent autoRel = ev(24, BUS_VIRTUAL, 0x0001, 0x0001, EV_REL, REL_Y, 3);
        InjectedEvent autoAbs = ev(24, BUS_VIRTUAL, 0x0001, 0x0001, EV_ABS, ABS_X, 4);
        InjectResult r1 = HostCpu.on(0, () -> kernel.inject(List.of(mouse, ignored, unlisted, autoKey, autoRel, autoAbs), 1, false));
        assertThat(r1).isEqualTo(new InjectResult(4, 0, 2));
        assertThat(Records.drainAll(rings)).extracting(Records.Rec::type, Records.Rec::lane).containsExactly(
                org.assertj.core.groups.Tuple.tuple(EV_REL, Contract.LANE_MOUSE),
                org.assertj.core.groups.Tuple.tuple(EV_KEY, Contract.LANE_KEYBOARD),
                org.assertj.core.groups.Tuple.tuple(EV_REL, Contract.LANE_MOUSE),
                org.assertj.core.groups.Tuple.tuple(EV_ABS, Contract.LANE_CONTROLLER));
        Map<Integer, String> classes = new HashMap<>();
        for (DeviceInfo d : kernel.devices()) {
            classes.put(d.vendor(), d.classification());
        }
        assertThat(classes).containsEntry(0x046d, "mouse").containsEntry(0x1234, "ignored").containsEntry(0x9999, "unlisted")
                .containsEntry(0x0001, "auto");

        // New rules: cached classifications are redone on the next event.
        kernel.setRules(List.of(WhitelistRule.parse("usb:9999:*=keyboard")));
        InjectResult r2 = HostCpu.on(0, () -> kernel.inject(List.of(mouse, unlisted), 1, false));
        assertThat(r2).isEqualTo(new InjectResult(1, 0, 1));
        assertThat(Records.drainAll(rings)).extracting(Records.Rec::type, Records.Rec::lane)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(EV_KEY, Contract.LANE_KEYBOARD));
        for (DeviceInfo d : kernel.devices()) {
            classes.put(d.vendor(), d.classification());
        }
        assertThat(classes).containsEntry(0x9999, "keyboard").containsEntry(0x046d, "unlisted");
    }

    @Test
    void heldKeysNeverGoBelowZero() throws Exception {
        kernel.setRules(List.of(WhitelistRule.parse("usb:4444:*=keyboard")));
        long held = kernel.inputState().get("held_keys");
        InjectedEvent press = ev(31, BUS_USB, 0x4444, 0x1, EV_KEY, KEY_A, 1);
        InjectedEvent release = ev(31, BUS_USB, 0x4444, 0x1, EV_KEY, KEY_A, 0);
        HostCpu.on(0, () -> kernel.inject(List.of(release), (int) held + 3, false));
        assertThat(kernel.inputState()).containsEntry("held_keys", 0L);
        HostCpu.on(0, () -> kernel.inject(List.of(press, press), 1, false));
        assertThat(kernel.inputState()).containsEntry("held_keys", 2L);
        HostCpu.on(0, () -> kernel.inject(List.of(release), 5, false));
        assertThat(kernel.inputState()).containsEntry("held_keys", 0L);
    }

    @Test
    void tunablesRoundTripWithGeneration() {
        long generation = kernel.tunablesGeneration();
        assertThat(generation).as("defaults are written at open").isPositive();
        Map<Tunable, Long> change = new EnumMap<>(Tunable.class);
        change.put(Tunable.INPUT_WINDOW_US, 7_000L);
        change.put(Tunable.PREEMPT, 0L);
        change.put(Tunable.FOREGROUND_BOOST_SHIFT, 3L);
        change.put(Tunable.KEYBOARD_BOOST_US, 123_456L);
        Map<Tunable, Long> expected = kernel.readTunables();
        expected.putAll(change);
        kernel.writeTunables(change);
        assertThat(kernel.readTunables()).isEqualTo(expected);
        assertThat(kernel.tunablesGeneration()).isEqualTo(generation + 1);

        assertThatThrownBy(() -> kernel.writeTunables(Map.of(Tunable.SLICE_US, 1L, Tunable.PREEMPT, 1L)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slice.us");
        assertThat(kernel.readTunables()).isEqualTo(expected);
        assertThat(kernel.tunablesGeneration()).isEqualTo(generation + 1);
    }

    @Test
    void taskClassesSetAndCleared() {
        kernel.setTaskClass(424242, TaskClass.INPUT);
        kernel.setTaskClass(424243, TaskClass.BACKGROUND);
        assertThat(kernel.taskClasses()).containsEntry(424242, TaskClass.INPUT).containsEntry(424243, TaskClass.BACKGROUND);
        kernel.setTaskClass(424242, TaskClass.DEFAULT);
        kernel.setTaskClass(424243, TaskClass.DEFAULT);
        assertThat(kernel.taskClasses()).doesNotContainKeys(424242, 424243);
    }

    static long sink;

    @Test
    void drainAllocatesNothingPerRecord() throws Exception {
        kernel.setRules(List.of(WhitelistRule.parse("usb:*:*=mouse")));
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        RingReader.RecordHandler handler = (data, offset, ring) -> sink += data.getInt(offset + Contract.EVENT_VALUE);
        int n = 20_000;
        long allocated = -1;
        for (int round = 0; round < 8; round++) { // the first rounds warm up the JIT
            HostCpu.on(0, () -> kernel.inject(List.of(ev(51, BUS_USB, 1, 1, EV_REL, REL_X, 1)), n, false));
            long before = threads.getCurrentThreadAllocatedBytes();
            int read = 0;
            for (int got; (got = rings.drain(handler)) > 0; ) {
                read += got;
            }
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat(read).isEqualTo(n);
        }
        assertThat(allocated).as("bytes allocated while draining %d records", n).isLessThan(1024);
    }

    @Test
    void awaitWakesOnDataAndOnWakeup() throws Exception {
        kernel.setRules(List.of(WhitelistRule.parse("usb:*:*=mouse")));
        assertThat(rings.await(0)).isFalse();
        HostCpu.on(1, () -> kernel.inject(List.of(ev(41, BUS_USB, 1, 1, EV_REL, REL_X, 1)), 1, false));
        assertThat(rings.await(1000)).isTrue();
        assertThat(Records.drainAll(rings)).hasSize(1);
        rings.wakeup();
        long t0 = System.nanoTime();
        assertThat(rings.await(10_000)).isFalse();
        assertThat(System.nanoTime() - t0).isLessThan(5_000_000_000L);
    }
}
