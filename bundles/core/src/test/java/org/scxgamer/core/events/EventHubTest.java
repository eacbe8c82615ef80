package org.scxgamer.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.scxgamer.api.event.InputEvent;
import org.scxgamer.api.event.InputEventListener;
import org.scxgamer.api.event.Lane;
import org.scxgamer.api.event.SubscriberInfo;

class EventHubTest {
    private static final int EV_KEY = 1, EV_REL = 2;
    private final EventHub hub = new EventHub();
    private final UnsafeBuffer one = Records.buffer(1);
    private long nextId = 100;

    @AfterEach
    void tearDown() {
        hub.removeAll();
    }

    private long add(InputEventListener l, Object... props) {
        long id = nextId++;
        Map<String, Object> p = new java.util.HashMap<>();
        p.put("service.id", id);
        for (int i = 0; i < props.length; i += 2) {
            p.put((String) props[i], props[i + 1]);
        }
        hub.add(l, p, "test.bundle");
        return id;
    }

    private void feed(int type, int value, Lane lane) {
        Records.put(one, 0, System.nanoTime(), 7, type, 0, value, 1, lane.id(), 0);
        hub.onRecord(one, 0, 1);
        hub.flush();
    }

    private static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(5);
        }
    }

    private SubscriberInfo info(long id) {
        return hub.subscribers().stream().filter(s -> s.serviceId() == id).findFirst().orElseThrow();
    }

    private static void assertAccounted(SubscriberInfo i) {
        assertThat(i.matched()).as("matched = delivered + dropped + queued for %s", i.name())
                .isEqualTo(i.delivered() + i.dropped() + i.queued());
    }

    /** Records every value it gets; checks they arrive in order. */
    static class Healthy implements InputEventListener {
        final List<Integer> values = new CopyOnWriteArrayList<>();
        final AtomicLong droppedReported = new AtomicLong();

        @Override
        public void onEvent(InputEvent e) {
            values.add(e.value());
        }

        @Override
        public void onDropped(long count) {
            droppedReported.addAndGet(count);
        }
    }

    @Test
    void slowBlockingAndThrowingSubscribersLoseOnlyTheirOwnEvents() throws Exception {
        int n = 20_000;
        Healthy healthy = new Healthy();
        Healthy slow = new Healthy() {
            @Override
            public void onEvent(InputEvent e) {
                super.onEvent(e);
                try {
                    Thread.sleep(1);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch blockedInside = new CountDownLatch(1);
        InputEventListener blocking = e -> {
            blockedInside.countDown();
            try {
                never.await();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        };
        AtomicLong thrown = new AtomicLong();
        InputEventListener throwing = e -> {
            thrown.incrementAndGet();
            throw new IllegalStateException("listener bug " + e.value());
        };
        long h = add(healthy, InputEventListener.QUEUE_CAPACITY, 32768);
        long s = add(slow, InputEventListener.QUEUE_CAPACITY, 64);
        long b = add(blocking, InputEventListener.QUEUE_CAPACITY, 64);
        long t = add(throwing, InputEventListener.QUEUE_CAPACITY, 32768);

        for (int i = 0; i < n; i++) {
            feed(EV_REL, i, Lane.MOUSE);
        }
        assertThat(hub.read()).isEqualTo(n);

        await("healthy got everything", () -> info(h).delivered() == n);
        assertThat(healthy.values).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(healthy.values.get(i)).isEqualTo(i);
        }
        assertThat(info(h).dropped()).isZero();

        await("throwing listener called for every event", () -> info(t).delivered() == n);
        assertThat(info(t).failures()).isEqualTo(n).isEqualTo(thrown.get());

        await("slow listener drained", () -> info(s).queued() == 0 && slow.droppedReported.get() == info(s).dropped());
        SubscriberInfo si = info(s);
        assertThat(si.dropped()).as("slow listener must lose events").isPositive();
        assertThat(slow.values).hasSize((int) si.delivered());

        blockedInside.await();
        SubscriberInfo bi = info(b);
        assertThat(bi.delivered()).isZero();
        // A full queue (64 waiting) plus the event the listener is stuck in (taken from the ring, not delivered).
        assertThat(bi.queued()).isEqualTo(64 + 1);
        assertThat(bi.dropped()).isEqualTo(n - 64 - 1);

        for (long id : new long[] {h, s, b, t}) {
            SubscriberInfo i = info(id);
            assertThat(i.matched()).isEqualTo(n);
            assertAccounted(i);
        }
        long[] totals = hub.totals();
        assertThat(totals[0]).isEqualTo(4L * n);
        assertThat(totals[1] + totals[2]).isEqualTo(4L * n - bi.queued());

        hub.remove(b);
        assertThat(listenerThreads()).noneMatch(name -> name.endsWith("-" + b));
        assertThat(hub.totals()[0]).as("removed subscribers stay in the totals").isEqualTo(4L * n);
    }

    /** Counts the calls it gets on the thread that feeds the hub (the reader in these tests) and elsewhere. */
    static class ThreadNoting extends Healthy {
        final Thread reader = Thread.currentThread();
        final AtomicLong onReader = new AtomicLong();
        final AtomicLong elsewhere = new AtomicLong();

        @Override
        public void onEvent(InputEvent e) {
            super.onEvent(e);
            (Thread.currentThread() == reader ? onReader : elsewhere).incrementAndGet();
        }
    }

    @Test
    void nonBlockingListenersGetBatchesOnTheReaderThread() throws Exception {
        ThreadNoting l = new ThreadNoting();
        ThreadNoting keys = new ThreadNoting();
        long id = add(l, InputEventListener.NON_BLOCKING, true);
        long k = add(keys, InputEventListener.NON_BLOCKING, "true", InputEventListener.TYPES, EV_KEY);
        int n = EventHub.BATCH + 8;
        for (int i = 0; i < n; i++) {
            Records.put(one, 0, i, 7, i % 2 == 0 ? EV_REL : EV_KEY, 0, i, 1, Lane.MOUSE.id(), 0);
            hub.onRecord(one, 0, 1);
        }
        assertThat(l.values).as("one whole batch before the drain ends").hasSize(EventHub.BATCH);
        hub.flush();
        assertThat(l.values).as("the rest at its end").hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(l.values.get(i)).isEqualTo(i);
        }
        assertThat(keys.values).hasSize(n / 2).allMatch(v -> v % 2 == 1);
        assertThat(l.elsewhere.get() + keys.elsewhere.get()).isZero();
        assertThat(listenerThreads()).isEmpty();
        for (long s : new long[] {id, k}) {
            SubscriberInfo i = info(s);
            assertThat(i.onReaderThread()).isTrue();
            assertThat(i.demoted()).isFalse();
            assertThat(i.dropped()).isZero();
            assertAccounted(i);
        }
        assertThat(info(k).matched()).isEqualTo(n / 2);
        hub.remove(id);
        feed(EV_REL, n, Lane.MOUSE);
        assertThat(l.values).as("nothing after removal").hasSize(n);
        assertThat(hub.totals()[0]).isEqualTo(n + n / 2);
    }

    /** Feeds n events, values 0 .. n-1, in drains of {@code perDrain}. */
    private void feedDrains(int n, int perDrain) {
        for (int i = 0; i < n; i++) {
            Records.put(one, 0, System.nanoTime(), 7, EV_REL, 0, i, 1, Lane.MOUSE.id(), 0);
            hub.onRecord(one, 0, 1);
            if ((i + 1) % perDrain == 0 || i == n - 1) {
                hub.flush();
            }
        }
    }

    /**
     * The guard: a listener that declared itself non-blocking but sleeps is called on the reader thread for six
     * batches (over even the warm-up budget), one that throws for one, then each moves to a thread of its own; the
     * healthy ones beside them, on the reader thread and on a thread of its own, get every event.
     */
    @Test
    void aSlowOrThrowingNonBlockingListenerIsDemoted() throws Exception {
        int n = 2_000;
        ThreadNoting healthyOnReader = new ThreadNoting();
        ThreadNoting healthyThreaded = new ThreadNoting();
        ThreadNoting slow = new ThreadNoting() {
            @Override
            public void onEvent(InputEvent e) {
                super.onEvent(e);
                try {
                    Thread.sleep(1);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        AtomicLong thrownOnReader = new AtomicLong();
        Thread reader = Thread.currentThread();
        InputEventListener throwing = e -> {
            if (Thread.currentThread() == reader) {
                thrownOnReader.incrementAndGet();
            }
            throw new IllegalStateException("listener bug " + e.value());
        };
        long h = add(healthyOnReader, InputEventListener.NON_BLOCKING, true);
        long ht = add(healthyThreaded, InputEventListener.QUEUE_CAPACITY, 4096);
        long s = add(slow, InputEventListener.NON_BLOCKING, true, InputEventListener.QUEUE_CAPACITY, 64);
        long t = add(throwing, InputEventListener.NON_BLOCKING, true, InputEventListener.QUEUE_CAPACITY, 4096);

        long start = System.nanoTime();
        feedDrains(n, EventHub.BATCH);
        long fedMillis = (System.nanoTime() - start) / 1_000_000;

        // In its warm-up a batch of 32 ms is no stall (WARMUP_STALL_NANOS): the first batch over the budget starts the
        // timing, and OVERRUNS timed batches over it demote.
        assertThat(slow.onReader.get()).as("slow listener's calls on the reader thread").isEqualTo((1 + Subscriber.OVERRUNS) * EventHub.BATCH);
        assertThat(thrownOnReader.get()).as("throwing listener's calls on the reader thread").isEqualTo(EventHub.BATCH);
        assertThat(fedMillis).as("the reader was held up by six slow batches, not by every event").isLessThan(n / 2);
        await("healthy listeners got everything", () -> info(h).delivered() == n && info(ht).delivered() == n);
        assertThat(healthyOnReader.values).hasSize(n);
        assertThat(healthyThreaded.values).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(healthyOnReader.values.get(i)).isEqualTo(i);
            assertThat(healthyThreaded.values.get(i)).isEqualTo(i);
        }
        assertThat(healthyOnReader.elsewhere.get()).isZero();
        await("throwing listener called for every event", () -> info(t).delivered() == n);
        assertThat(info(t).failures()).isEqualTo(n);
        await("slow listener drained", () -> info(s).queued() == 0);
        assertThat(info(s).dropped()).as("the slow listener loses its own events once on its own queue").isPositive();
        assertThat(slow.elsewhere.get()).isEqualTo(info(s).delivered() - (1 + Subscriber.OVERRUNS) * EventHub.BATCH);

        assertThat(info(h).onReaderThread()).isTrue();
        for (long id : new long[] {s, t}) {
            SubscriberInfo i = info(id);
            assertThat(i.demoted()).isTrue();
            assertThat(i.onReaderThread()).isFalse();
            assertThat(listenerThreads()).anyMatch(name -> name.endsWith("-" + id));
        }
        for (long id : new long[] {h, ht, s, t}) {
            SubscriberInfo i = info(id);
            assertThat(i.matched()).isEqualTo(n);
            assertAccounted(i);
        }
        assertThat(hub.totals()[4]).as("demotions").isEqualTo(2);
        hub.remove(s);
        assertThat(hub.totals()[4]).as("removed subscribers stay in the totals").isEqualTo(2);
    }

    /** Uses this thread's CPU for {@code nanos} (a listener that computes, not one that waits). */
    static void burnCpu(long nanos) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long end = threads.getCurrentThreadCpuTime() + nanos;
        while (threads.getCurrentThreadCpuTime() < end) {
            Thread.onSpinWait();
        }
    }

    /**
     * After its warm-up a listener has the reader's short budget: one call per drain that uses more CPU is over it.
     * The first slow batch only starts the CPU-time measurement; the next ones are judged, and a majority of
     * slow ones among the last judged demotes.
     */
    @Test
    void aListenerThatTurnsSlowAfterItsWarmUpIsDemotedAfterThreeSlowBatches() throws Exception {
        int fast = (int) Subscriber.WARMUP_EVENTS + EventHub.BATCH;
        Thread reader = Thread.currentThread();
        AtomicLong slowOnReader = new AtomicLong();
        InputEventListener turning = e -> {
            if (e.value() >= fast) {
                if (Thread.currentThread() == reader) {
                    slowOnReader.incrementAndGet();
                }
                burnCpu(2 * Subscriber.READER_BUDGET_NANOS);
            }
        };
        long id = add(turning, InputEventListener.NON_BLOCKING, true);
        feedDrains(fast, EventHub.BATCH);
        feedDrains(20, 1); // values 0 .. 19 again, one per drain: fast ones
        assertThat(info(id).onReaderThread()).as("fast through its warm-up and after").isTrue();
        for (int i = 0; i < 100; i++) {
            feed(EV_REL, fast + i, Lane.MOUSE);
        }
        assertThat(slowOnReader.get()).as("slow calls on the reader thread").isEqualTo(Subscriber.OVERRUNS + 1);
        await("delivered", () -> info(id).delivered() == fast + 20 + 100);
        assertThat(info(id).demoted()).isTrue();
        assertThat(info(id).dropped()).isZero();
        assertAccounted(info(id));
    }

    /**
     * A reader that is off its CPU inside a call (preempted, or a virtual CPU the host did not run) is slow by the
     * clock only: a listener that pauses off-CPU for more than its budget, but less than a stall, in every batch stays
     * on the reader thread. (By the clock alone, the first three such batches demoted it.)
     */
    @Test
    void aListenerOffTheCpuForLessThanAStallIsNotDemoted() throws Exception {
        long pause = (Subscriber.WARMUP_BUDGET_NANOS + Subscriber.STALL_NANOS) / 2;
        AtomicLong calls = new AtomicLong();
        InputEventListener pausing = e -> {
            if (calls.getAndIncrement() % EventHub.BATCH == 0) {
                LockSupport.parkNanos(pause);
            }
        };
        long id = add(pausing, InputEventListener.NON_BLOCKING, true);
        int batches = 4 * Subscriber.JUDGED;
        feedDrains(batches * EventHub.BATCH, EventHub.BATCH);
        assertThat(calls.get()).isEqualTo((long) batches * EventHub.BATCH);
        assertThat(info(id).demoted()).as("demoted after %d batches each %d ms off the CPU", batches, pause / 1_000_000).isFalse();
        assertThat(info(id).onReaderThread()).isTrue();
    }

    /**
     * A reader whose CPU time is inflated now and then (under single-threaded emulation it also counts the other
     * vCPUs' emulation) makes a healthy listener look slow in scattered batches only: one batch in four over the CPU
     * budget, for many batches, does not demote it. (With three overruns within 64 batches, the rule before, it did.)
     */
    @Test
    void aListenerOverItsCpuBudgetInScatteredBatchesIsNotDemoted() throws Exception {
        int fast = (int) Subscriber.WARMUP_EVENTS + EventHub.BATCH;
        AtomicLong slowCalls = new AtomicLong();
        InputEventListener scattered = e -> {
            if (e.value() >= fast && (e.value() - fast) % 4 == 0) {
                slowCalls.incrementAndGet();
                burnCpu(2 * Subscriber.READER_BUDGET_NANOS);
            }
        };
        long id = add(scattered, InputEventListener.NON_BLOCKING, true);
        feedDrains(fast, EventHub.BATCH);
        int batches = 3 * Subscriber.STRIKE_WINDOW;
        for (int i = 0; i < batches; i++) {
            feed(EV_REL, fast + i, Lane.MOUSE);
        }
        assertThat(slowCalls.get()).isEqualTo(batches / 4);
        await("delivered", () -> info(id).delivered() == fast + batches);
        assertThat(info(id).demoted()).as("demoted with one batch in four over its CPU budget").isFalse();
        assertThat(info(id).onReaderThread()).isTrue();
    }

    /**
     * A listener that blocks in one call of each batch for longer than a stall is demoted after three such batches
     * once it is warm; in its warm-up (code still loading and compiling: the JIT's safepoints held a cold reader over
     * 20 ms under emulation) the same pauses are not stalls.
     */
    @Test
    void blockingOnceABatchIsAStallOnlyAfterTheWarmUp() throws Exception {
        long pause = (Subscriber.STALL_NANOS + Subscriber.WARMUP_STALL_NANOS) / 2;
        AtomicBoolean pausing = new AtomicBoolean(true);
        AtomicLong pausedOnReader = new AtomicLong();
        Thread reader = Thread.currentThread();
        InputEventListener blocking = e -> {
            if (pausing.get() && e.value() % EventHub.BATCH == 0 && Thread.currentThread() == reader) {
                pausedOnReader.incrementAndGet();
                long end = System.nanoTime() + pause;
                while (System.nanoTime() < end) {
                    LockSupport.parkNanos(end - System.nanoTime());
                }
            }
        };
        long id = add(blocking, InputEventListener.NON_BLOCKING, true);
        int warmBatches = 2 * Subscriber.STALL_STRIKES;
        feedDrains(warmBatches * EventHub.BATCH, EventHub.BATCH);
        assertThat(pausedOnReader.get()).isEqualTo(warmBatches);
        assertThat(info(id).demoted()).as("demoted for %d ms pauses in its warm-up", pause / 1_000_000).isFalse();
        pausing.set(false);
        feedDrains((int) Subscriber.WARMUP_EVENTS, EventHub.BATCH);
        pausing.set(true);
        feedDrains(4 * EventHub.BATCH, EventHub.BATCH);
        assertThat(info(id).demoted()).as("demoted for %d ms pauses once warm", pause / 1_000_000).isTrue();
        assertThat(pausedOnReader.get() - warmBatches).as("warm batches with a pause on the reader").isEqualTo(Subscriber.STALL_STRIKES);
        await("delivered", () -> info(id).delivered() == warmBatches * EventHub.BATCH + Subscriber.WARMUP_EVENTS + 4 * EventHub.BATCH);
        assertAccounted(info(id));
    }

    /**
     * Under single-threaded emulation a reader that is behind drains full batches, and a call in each of them can
     * look slow by the clock and by the thread's CPU time alike (the emulator ran the other vCPUs meanwhile): a
     * healthy listener with one call over the budget in every batch stays on the reader (the CPU-time rule before
     * demoted the page's counting listener so, "5216 µs of CPU for 21 events"), while a listener slow in every
     * call of the same batches is demoted.
     */
    @Test
    void oneSlowCallPerBatchIsNotHeldAgainstAListenerButSlowCallsThroughoutAre() throws Exception {
        int fast = (int) Subscriber.WARMUP_EVENTS + EventHub.BATCH;
        InputEventListener oneSlowPerBatch = e -> {
            if (e.value() >= fast && e.value() % EventHub.BATCH == 0) {
                burnCpu(2 * Subscriber.READER_BUDGET_NANOS);
            }
        };
        long perCall = 2 * Subscriber.READER_BUDGET_NANOS / EventHub.BATCH;
        InputEventListener slowThroughout = e -> {
            if (e.value() >= fast) {
                burnCpu(perCall);
            }
        };
        long healthy = add(oneSlowPerBatch, InputEventListener.NON_BLOCKING, true);
        long slow = add(slowThroughout, InputEventListener.NON_BLOCKING, true);
        int batches = 2 * Subscriber.JUDGED;
        feedDrains(fast + batches * EventHub.BATCH, EventHub.BATCH);
        await("delivered", () -> info(slow).delivered() == fast + batches * EventHub.BATCH);
        assertThat(info(healthy).demoted()).as("demoted for one slow call in each of %d full batches", batches).isFalse();
        assertThat(info(healthy).onReaderThread()).isTrue();
        assertThat(info(healthy).delivered()).isEqualTo(fast + batches * EventHub.BATCH);
        assertThat(info(slow).demoted()).as("demoted with every call taking %d µs in full batches", perCall / 1000).isTrue();
        assertAccounted(info(slow));
    }

    /**
     * The scheduler's exit record wakes whoever reads exits, on the reader thread, and is then passed on like any
     * other record; input records and the scheduler's other records on lane SCHED (same type on another lane, another
     * type on lane SCHED) do not.
     */
    @Test
    void theSchedulersExitRecordRunsTheExitActionAndIsDeliveredLikeAnyOther() throws Exception {
        AtomicLong exits = new AtomicLong();
        Thread reader = Thread.currentThread();
        AtomicLong elsewhere = new AtomicLong();
        hub.onSchedulerExit(() -> (Thread.currentThread() == reader ? exits : elsewhere).incrementAndGet());
        Healthy all = new Healthy();
        long id = add(all);
        feed(InputEvent.TYPE_SCHED_WAKE, 1, Lane.SCHED);
        feed(InputEvent.TYPE_SCHED_EXIT, 1, Lane.MOUSE);
        feed(EV_REL, 1, Lane.MOUSE);
        assertThat(exits.get()).as("exit actions for records that are not exits").isZero();
        feed(InputEvent.TYPE_SCHED_EXIT, 2, Lane.SCHED);
        assertThat(exits.get()).as("exit actions on the reader thread").isEqualTo(1);
        assertThat(elsewhere.get()).isZero();
        await("delivered", () -> info(id).delivered() == 4);
        assertThat(all.values).containsExactly(1, 1, 1, 2);
    }

    @Test
    void aNonBooleanNonBlockingPropertyIsRejected() {
        assertThatThrownBy(() -> add(new Healthy(), InputEventListener.NON_BLOCKING, "yes"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(InputEventListener.NON_BLOCKING).hasMessageContaining("'yes'").hasMessageContaining("true or false");
        assertThat(hub.subscribers()).isEmpty();
    }

    /**
     * The shared ring under contention: delivery threads that stall at random while the reader overwrites the ring
     * many times over. Every delivered event must be whole (its fields written together) and newer than the one
     * before, and every event must end up delivered or dropped, counted once.
     */
    @Test
    void laggingSubscribersGetWholeEventsInOrderAndEveryEventIsCountedOnce() throws Exception {
        int n = 300_000;
        class Checking implements InputEventListener {
            final boolean stalls;
            final AtomicLong got = new AtomicLong();
            final AtomicLong bad = new AtomicLong();
            final AtomicLong reported = new AtomicLong();
            long last = -1;

            Checking(boolean stalls) {
                this.stalls = stalls;
            }

            @Override
            public void onEvent(InputEvent e) {
                long v = e.value();
                if (e.timestampNanos() != v || e.deviceId() != v || e.code() != (v & 0xffff) || v <= last) {
                    bad.incrementAndGet();
                }
                last = v;
                got.incrementAndGet();
                if (stalls && v % 100 == 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(50_000);
                }
            }

            @Override
            public void onDropped(long count) {
                reported.addAndGet(count);
            }
        }
        Checking fast = new Checking(false), stalling = new Checking(true), keys = new Checking(true);
        long f = add(fast, InputEventListener.QUEUE_CAPACITY, 1 << 20);
        long s = add(stalling, InputEventListener.QUEUE_CAPACITY, 64);
        long k = add(keys, InputEventListener.QUEUE_CAPACITY, 256, InputEventListener.TYPES, "1");
        UnsafeBuffer batch = Records.buffer(100);
        for (int i = 0; i < n; i += 100) {
            for (int j = 0; j < 100; j++) {
                int v = i + j;
                Records.put(batch, j * 24, v, v, v % 3 == 0 ? EV_KEY : EV_REL, v & 0xffff, v, 0, Lane.MOUSE.id(), 0);
                hub.onRecord(batch, j * 24, 0);
            }
            hub.flush();
        }
        for (long id : new long[] {f, s, k}) {
            await("subscriber " + id + " settled", () -> info(id).queued() == 0);
        }
        assertThat(fast.got.get()).isEqualTo(n);
        assertThat(info(s).dropped()).as("the stalling subscriber lagged more than its queue").isPositive();
        assertThat(info(k).matched()).isEqualTo(n / 3);
        for (Checking c : List.of(fast, stalling, keys)) {
            assertThat(c.bad.get()).as("torn, repeated or reordered events").isZero();
        }
        for (long id : new long[] {f, s, k}) {
            SubscriberInfo i = info(id);
            assertAccounted(i);
            assertThat(i.delivered() + i.dropped()).isEqualTo(i.matched());
        }
        assertThat(info(s).delivered()).isEqualTo(stalling.got.get());
        assertThat(info(k).delivered()).isEqualTo(keys.got.get());
        await("drops reported", () -> stalling.reported.get() == info(s).dropped() && keys.reported.get() == info(k).dropped());
    }

    @Test
    void filtersSelectLanesAndTypes() throws Exception {
        Healthy mice = new Healthy(), keys = new Healthy(), mouseKeys = new Healthy(), all = new Healthy();
        long m = add(mice, InputEventListener.LANES, "MOUSE");
        long k = add(keys, InputEventListener.TYPES, new int[] {EV_KEY});
        long mk = add(mouseKeys, InputEventListener.LANES, new String[] {"mouse"}, InputEventListener.TYPES, "1");
        long a = add(all);
        feed(EV_REL, 1, Lane.MOUSE);
        feed(EV_KEY, 2, Lane.MOUSE);
        feed(EV_KEY, 3, Lane.KEYBOARD);
        feed(3, 4, Lane.CONTROLLER);
        await("all delivered", () -> info(a).delivered() == 4);
        await("filtered delivered", () -> info(m).delivered() == 2 && info(k).delivered() == 2 && info(mk).delivered() == 1);
        assertThat(mice.values).containsExactly(1, 2);
        assertThat(keys.values).containsExactly(2, 3);
        assertThat(mouseKeys.values).containsExactly(2);
        assertThat(all.values).containsExactly(1, 2, 3, 4);
        assertThat(info(m).matched()).isEqualTo(2);
    }

    @Test
    void invalidFilterPropertiesAreRejectedWithTheReason() {
        assertThatThrownBy(() -> add(new Healthy(), InputEventListener.LANES, "TOUCHPAD"))
                .hasMessageContaining(InputEventListener.LANES).hasMessageContaining("TOUCHPAD").hasMessageContaining("MOUSE");
        assertThatThrownBy(() -> add(new Healthy(), InputEventListener.TYPES, "70000"))
                .hasMessageContaining(InputEventListener.TYPES).hasMessageContaining("0 .. 65535");
        assertThatThrownBy(() -> add(new Healthy(), InputEventListener.QUEUE_CAPACITY, "lots"))
                .hasMessageContaining(InputEventListener.QUEUE_CAPACITY).hasMessageContaining("64 .. 1048576");
        assertThat(hub.subscribers()).isEmpty();
        assertThat(listenerThreads()).isEmpty();
    }

    @Test
    void queueCapacityIsRoundedUpToAPowerOfTwoWithinBounds() {
        assertThat(SubscriberFilter.of(null, null, 100, null).capacity()).isEqualTo(128);
        assertThat(SubscriberFilter.of(null, null, 1, null).capacity()).isEqualTo(64);
        assertThat(SubscriberFilter.of(null, null, "4096", null).capacity()).isEqualTo(4096);
        assertThat(SubscriberFilter.of(null, null, null, null).capacity()).isEqualTo(InputEventListener.DEFAULT_QUEUE_CAPACITY);
    }

    @Test
    void removingSubscribersEndsTheirThreads() throws Exception {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(add(new Healthy()));
        }
        feed(EV_REL, 1, Lane.MOUSE);
        assertThat(listenerThreads()).hasSize(20);
        for (long id : ids) {
            hub.remove(id);
        }
        assertThat(hub.subscribers()).isEmpty();
        await("listener threads gone", () -> listenerThreads().isEmpty());
        assertThat(hub.totals()[0]).isEqualTo(20);
    }

    @Test
    void dropsAreReportedToTheListenerWhileItIsIdle() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong reported = new AtomicLong();
        InputEventListener gated = new InputEventListener() {
            @Override
            public void onEvent(InputEvent e) {
                try {
                    release.await();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void onDropped(long count) {
                reported.addAndGet(count);
            }
        };
        long id = add(gated, InputEventListener.QUEUE_CAPACITY, 64);
        for (int i = 0; i < 1000; i++) {
            feed(EV_REL, i, Lane.MOUSE);
        }
        release.countDown();
        await("drops reported", () -> reported.get() == info(id).dropped() && info(id).queued() == 0);
        assertThat(reported.get()).isGreaterThanOrEqualTo(1000 - 65);
        assertAccounted(info(id));
    }

    @Test
    void eventsBecomeVisibleAtTheEndOfADrainBatch() throws Exception {
        Healthy l = new Healthy();
        long id = add(l, "component.name", "org.example.Recorder");
        Records.put(one, 0, 1, 7, EV_REL, 0, 41, 1, Lane.MOUSE.id(), 0);
        hub.onRecord(one, 0, 1);
        Records.put(one, 0, 2, 7, EV_REL, 0, 42, 1, Lane.MOUSE.id(), 0);
        hub.onRecord(one, 0, 1);
        Thread.sleep(50);
        assertThat(l.values).as("nothing published before the batch ends").isEmpty();
        assertThat(info(id).matched()).isEqualTo(2);
        hub.flush();
        await("batch delivered", () -> l.values.size() == 2);
        assertThat(l.values).containsExactly(41, 42);
        assertThat(info(id).name()).isEqualTo("org.example.Recorder");
        assertAccounted(info(id));
    }

    static List<String> listenerThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("scxgamer-listener-")).toList();
    }
}
