package org.scxgamer.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scxgamer.api.control.ExitInfo;
import org.scxgamer.api.control.InjectResult;
import org.scxgamer.api.control.InjectedEvent;
import org.scxgamer.api.control.PartState;
import org.scxgamer.api.control.Topics;
import org.scxgamer.api.control.Tunable;
import org.scxgamer.api.event.InputEvent;
import org.scxgamer.api.event.InputEventListener;
import org.scxgamer.core.events.EventHub;

class CoreRuntimeTest {
    static final InjectedEvent MOUSE = new InjectedEvent(0x5c0001, 3, 0x5358, 1, 2, 0, 1);
    static final InjectedEvent UNKNOWN_TYPE = new InjectedEvent(0x5c0009, 3, 0x5358, 9, 0x15, 0, 1);

    @TempDir
    Path sys;
    final List<FakeKernel> opened = new CopyOnWriteArrayList<>();
    final List<Map.Entry<String, Map<String, Object>>> posted = new CopyOnWriteArrayList<>();
    volatile boolean eventServiceUp;
    PartState schedState = PartState.ACTIVE;
    final EventHub hub = new EventHub();
    CoreRuntime rt;

    @BeforeEach
    void setUp() throws Exception {
        Files.writeString(sys.resolve("state"), "disabled\n");
        Files.writeString(sys.resolve("enable_seq"), "3\n");
        Files.createDirectories(sys.resolve("root"));
        Files.writeString(sys.resolve("root/ops"), "scxgamer\n");
        rt = new CoreRuntime(s -> {
            FakeKernel k = new FakeKernel(s.ringSizeKiB() * 1024 / 32, PartState.UNAVAILABLE, schedState);
            opened.add(k);
            return k;
        }, new SchedExtSysfs(sys), (topic, props) -> posted.add(Map.entry(topic, props)), up -> eventServiceUp = up, hub);
    }

    @AfterEach
    void tearDown() {
        rt.stop();
        hub.removeAll();
    }

    static CoreSettings settings(Map<String, Object> props) throws Exception {
        return CoreSettings.parse(props).settings();
    }

    static Map<Tunable, Long> explicit(Map<String, Object> props) throws Exception {
        return CoreSettings.parse(props).explicitTunables();
    }

    void start(Map<String, Object> props) throws Exception {
        rt.start(settings(props), explicit(props), "etc/scxgamer.core.cfg");
    }

    FakeKernel kernel() {
        return opened.get(opened.size() - 1);
    }

    static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(5);
        }
    }

    List<Map<String, Object>> postedOn(String topic) {
        return posted.stream().filter(e -> e.getKey().equals(topic)).map(Map.Entry::getValue).toList();
    }

    @Test
    void everyInjectedEventIsReadFilteredOrDroppedAndCounted() throws Exception {
        start(Map.of(CoreSettings.RING_SIZE_KIB, 4));
        assertThat(eventServiceUp).isTrue();
        AtomicLong got = new AtomicLong();
        hub.add((InputEventListener) e -> got.incrementAndGet(), Map.of("service.id", 1L), "test");

        InjectResult r = rt.inject(List.of(MOUSE, UNKNOWN_TYPE), 100, true);
        assertThat(r.submitted()).isEqualTo(100);
        assertThat(r.filtered()).isEqualTo(100);
        await("delivered", () -> got.get() == 100);

        // Reader paused: the 128-record fake ring overflows and the kernel counts the drops.
        kernel().paused = true;
        r = rt.inject(List.of(MOUSE), 500, false);
        assertThat(r.dropped()).isEqualTo(500 - 128);
        rt.tick();
        List<Map<String, Object>> overflow = postedOn(Topics.BUFFER_OVERFLOW);
        assertThat(overflow).hasSize(1);
        assertThat(overflow.get(0)).containsEntry(Topics.RING, 0).containsEntry(Topics.COUNT, 372L);
        kernel().paused = false;
        kernel().dataOrWakeup.release();
        await("rest delivered", () -> got.get() == 228);

        Map<String, Long> c = rt.counters();
        assertThat(c.get("events.injected")).isEqualTo(700);
        assertThat(c.get("events.injected"))
                .isEqualTo(c.get("events.read") + c.get("events.dropped.kernel") + c.get("events.filtered"));
        assertThat(c.get("events.read")).isEqualTo(228);
        assertThat(c.get("events.delivered")).isEqualTo(228);
        assertThat(c.get("events.dropped.subscribers")).isZero();
        assertThat(c.get("ring.0.dropped")).isEqualTo(372);
        assertThat(c.get("lane.mouse")).isEqualTo(600);
    }

    @Test
    void configurationEditsChangeOnlyWhatTheyTouchAndLeavePolicyValues() throws Exception {
        Map<String, Object> props = new HashMap<>(Map.of(Tunable.SLICE_US.key(), "4000"));
        start(props);
        FakeKernel k = kernel();
        assertThat(k.readTunables()).containsEntry(Tunable.SLICE_US, 4000L).hasSize(Tunable.values().length);

        rt.setTunables(Map.of(Tunable.MOUSE_BOOST_US, 1234L), "policy-a");
        assertThat(k.readTunables()).containsEntry(Tunable.MOUSE_BOOST_US, 1234L).containsEntry(Tunable.SLICE_US, 4000L);
        assertThat(postedOn(Topics.TUNABLES_CHANGED)).last().satisfies(p ->
                assertThat(p).containsEntry(Topics.SOURCE, "policy-a").containsEntry(Tunable.MOUSE_BOOST_US.key(), 1234L));

        props.put(CoreSettings.WHITELIST, "usb:046d:*=mouse");
        rt.apply(settings(props), "etc/scxgamer.core.cfg");
        assertThat(opened).as("whitelist edits apply live").hasSize(1);
        assertThat(k.rules).extracting(Object::toString).containsExactly("0003:046d:*=mouse");
        assertThat(k.readTunables()).containsEntry(Tunable.MOUSE_BOOST_US, 1234L);

        props.put(Tunable.SLICE_US.key(), "6000");
        rt.apply(settings(props), "etc/scxgamer.core.cfg");
        assertThat(k.readTunables()).containsEntry(Tunable.SLICE_US, 6000L).containsEntry(Tunable.MOUSE_BOOST_US, 1234L);
        assertThat(rt.tunables()).containsEntry(Tunable.SLICE_US, 6000L);

        assertThatThrownBy(() -> rt.setTunables(Map.of(Tunable.SLICE_US, 1L), "policy-b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slice.us").hasMessageContaining("100 .. 100000");
        assertThat(k.readTunables()).containsEntry(Tunable.SLICE_US, 6000L);
    }

    @Test
    void loadTimeSettingsReloadTheKernelAndCountersStayMonotonic() throws Exception {
        Map<String, Object> props = new HashMap<>();
        start(props);
        AtomicLong got = new AtomicLong();
        hub.add((InputEventListener) e -> got.incrementAndGet(), Map.of("service.id", 3L), "test");
        kernel().paused = true;
        rt.inject(List.of(MOUSE), 10, false);
        FakeKernel first = kernel();
        first.paused = false;
        props.put(CoreSettings.RING_SIZE_KIB, 512);
        rt.apply(settings(props), "etc/scxgamer.core.cfg");
        assertThat(opened).hasSize(2);
        assertThat(first.closed).isTrue();
        assertThat(kernel().closed).isFalse();
        assertThat(kernel().rules).isNotEmpty();
        assertThat(rt.counters().get("events.injected")).isEqualTo(10);
        rt.inject(List.of(MOUSE), 5, false);
        assertThat(rt.counters().get("events.injected")).isEqualTo(15);
        assertThat(eventServiceUp).isTrue();
        // The events written before the reload were drained before the old rings were let go, and the
        // same reader thread feeds the subscriber queues afterwards (single-producer rings).
        await("all 15 delivered", () -> got.get() == 15);
        assertThat(rt.counters().get("events.read")).isEqualTo(15);
        assertThat(readerThreads()).hasSize(1);
        // Each kernel's scheduler hint names that same reader thread by its Linux thread id.
        assertThat(first.readerTid).isPositive().isEqualTo(kernel().readerTid);
        assertThat(Files.readString(Path.of("/proc/self/task/" + first.readerTid + "/comm")).strip()).isEqualTo("scxgamer-ring-r");
    }

    @Test
    void schedulerExitIsPublishedAndRestartedWhenItAsksForIt() throws Exception {
        start(Map.of(CoreSettings.RESTART_BACKOFF_MS, 100));
        FakeKernel k = kernel();
        assertThat(k.attached).isTrue();
        AtomicLong reportedAtDetach = new AtomicLong(-1);
        k.beforeDetach = () -> reportedAtDetach.compareAndSet(-1, postedOn(Topics.SCHEDULER_EXITED).size());
        k.eject(new ExitInfo(Instant.now(), 1025, RestartPolicy.ECODE_ACT_RESTART, "scx_bpf_error", "debug.error set"));
        rt.tick();
        // Dropping the stale link waits for the kernel to finish disabling: the exit is reported first.
        assertThat(reportedAtDetach.get()).as("exits reported when the stale link was dropped").isEqualTo(1);
        assertThat(postedOn(Topics.SCHEDULER_EXITED)).singleElement().satisfies(p -> assertThat(p)
                .containsEntry(Topics.REASON, "scx_bpf_error").containsEntry(Topics.EXIT_KIND, 1025));
        assertThat(rt.scheduler().exits()).hasSize(1);
        assertThat(k.attached).isFalse();
        await("restarted", () -> {
            rt.tick();
            return k.attached;
        });
        assertThat(rt.scheduler().restarts()).isEqualTo(1);
        assertThat(rt.scheduler().attached()).isTrue();
    }

    @Test
    void exitWithoutRestartRequestStaysDownUnderOnRequest() throws Exception {
        start(Map.of(CoreSettings.RESTART_BACKOFF_MS, 100));
        FakeKernel k = kernel();
        k.eject(new ExitInfo(Instant.now(), 1026, 0, "runnable task stall", ""));
        rt.tick();
        Thread.sleep(300);
        rt.tick();
        assertThat(k.attached).isFalse();
        assertThat(k.attachCalls).isEqualTo(1);
        assertThat(rt.scheduler().exits()).extracting(ExitInfo::reason).containsExactly("runnable task stall");
    }

    @Test
    void restartAttemptsAreBounded() throws Exception {
        start(Map.of(CoreSettings.SCHEDULER_RESTART, "always", CoreSettings.RESTART_MAX_ATTEMPTS, 2,
                CoreSettings.RESTART_BACKOFF_MS, 100));
        FakeKernel k = kernel();
        k.attachFails = true;
        k.eject(new ExitInfo(Instant.now(), 1024, 0, "error", ""));
        long end = System.nanoTime() + Duration.ofMillis(1500).toNanos();
        while (System.nanoTime() < end) {
            rt.tick();
            Thread.sleep(20);
        }
        assertThat(k.attachCalls).as("one attach at start, then exactly max attempts").isEqualTo(1 + 2);
        assertThat(k.attached).isFalse();
        assertThatThrownBy(() -> rt.restartScheduler()).hasMessageContaining("another sched_ext scheduler is active: other");
        k.attachFails = false;
        rt.restartScheduler();
        assertThat(k.attached).isTrue();
    }

    @Test
    void ejectionsWhileRestartingAreReportedAsExitsAndTheAttemptsStayBounded() throws Exception {
        start(Map.of(CoreSettings.SCHEDULER_RESTART, "always", CoreSettings.RESTART_MAX_ATTEMPTS, 3,
                CoreSettings.RESTART_BACKOFF_MS, 100));
        FakeKernel k = kernel();
        k.ejectOnAttach = true;
        k.eject(new ExitInfo(Instant.now(), 1025, 0, "scx_bpf_error", "first"));
        long end = System.nanoTime() + Duration.ofMillis(1500).toNanos(); // backoff 100 + 200 + 400 ms
        while (System.nanoTime() < end) {
            rt.tick();
            Thread.sleep(20);
        }
        assertThat(k.attachCalls).as("one attach at start, then exactly max attempts").isEqualTo(1 + 3);
        assertThat(rt.scheduler().exits()).extracting(ExitInfo::message)
                .containsExactly("first", "ejected while enabling, attach 2", "ejected while enabling, attach 3",
                        "ejected while enabling, attach 4");
        assertThat(postedOn(Topics.SCHEDULER_EXITED)).hasSize(4);
        assertThat(rt.scheduler().restarts()).isZero();
        rt.tick();
        assertThat(rt.scheduler().exits()).as("no exit reported twice").hasSize(4);
    }

    @Test
    void stopDetachesTheSchedulerAndClosesTheKernel() throws Exception {
        start(Map.of());
        FakeKernel k = kernel();
        assertThat(k.attached).isTrue();
        rt.stop();
        assertThat(k.attached).isFalse();
        assertThat(k.closed).isTrue();
        assertThat(eventServiceUp).isFalse();
        assertThat(rt.parts()).allSatisfy(p -> assertThat(p.state()).isEqualTo(PartState.FAILED));
        assertThatThrownBy(() -> rt.inject(List.of(MOUSE), 1, false)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("injector");
    }

    @Test
    void unavailableSchedulerIsNotAttached() throws Exception {
        schedState = PartState.UNAVAILABLE;
        start(Map.of());
        assertThat(kernel().attachCalls).isZero();
        assertThatThrownBy(() -> rt.restartScheduler()).hasMessageContaining("no sched_ext");
    }

    @Test
    void partChangesArePostedAtStartAndWhenTheyHappen() throws Exception {
        start(Map.of());
        assertThat(postedOn(Topics.PART_CHANGED)).extracting(p -> p.get(Topics.PART))
                .containsExactlyInAnyOrder("BUFFERS", "INJECTOR", "INPUT_HOOK", "SCHEDULER");
        posted.clear();
        rt.tick();
        assertThat(postedOn(Topics.PART_CHANGED)).isEmpty();
        kernel().eject(new ExitInfo(Instant.now(), 1026, 0, "runnable task stall", ""));
        rt.tick();
        rt.tick();
        assertThat(postedOn(Topics.PART_CHANGED)).singleElement().satisfies(p -> assertThat(p)
                .containsEntry(Topics.PART, "SCHEDULER").containsEntry(Topics.STATE, "FAILED")
                .containsEntry(Topics.REASON, "the kernel stopped it: runnable task stall"));
    }

    @Test
    void schedulerDisabledByConfigurationIsNotAttachedAndRestartSaysWhy() throws Exception {
        start(Map.of(CoreSettings.SCHEDULER_ENABLED, "false"));
        assertThat(kernel().attachCalls).isZero();
        assertThatThrownBy(() -> rt.restartScheduler()).hasMessageContaining("scheduler.enabled = false");
    }

    @Test
    void waitModeChangesLiveByRestartingOnlyTheReader() throws Exception {
        Map<String, Object> props = new HashMap<>(Map.of(CoreSettings.READER_WAIT, "busy-poll"));
        start(props);
        assertThat(rt.eventService().busyPoll()).isTrue();
        AtomicLong got = new AtomicLong();
        hub.add((InputEventListener) e -> got.incrementAndGet(), Map.of("service.id", 9L), "test");
        rt.inject(List.of(MOUSE), 50, false);
        await("busy-poll delivery", () -> got.get() == 50);
        assertThat(readerThreads()).hasSize(1);

        props.put(CoreSettings.READER_WAIT, "blocking");
        rt.apply(settings(props), "etc/scxgamer.core.cfg");
        assertThat(opened).as("no kernel reload").hasSize(1);
        assertThat(rt.eventService().busyPoll()).isFalse();
        assertThat(readerThreads()).hasSize(1);
        rt.inject(List.of(MOUSE), 50, false);
        await("blocking delivery", () -> got.get() == 100);
        assertThat(rt.counters().get("events.read")).isEqualTo(100);
    }

    static List<String> readerThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter("scxgamer-ring-reader"::equals).toList();
    }

    @Test
    void listenerGetsIntactEvents() throws Exception {
        start(Map.of());
        List<InputEvent.Snapshot> got = new CopyOnWriteArrayList<>();
        hub.add((InputEventListener) e -> got.add(e.snapshot()), Map.of("service.id", 5L), "test");
        rt.inject(List.of(new InjectedEvent(0x5c0002, 3, 0x5358, 2, 1, 30, 1)), 3, true);
        await("3 events", () -> got.size() == 3);
        assertThat(got).extracting(InputEvent::value).containsExactly(1, 2, 3);
        assertThat(got).allSatisfy(e -> {
            assertThat(e.type()).isEqualTo(1);
            assertThat(e.code()).isEqualTo(30);
            assertThat(e.lane()).isEqualTo(org.scxgamer.api.event.Lane.KEYBOARD);
            assertThat(e.injected()).isTrue();
        });
    }
}
