package org.scxgamer.core.events;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.scxgamer.api.event.InputEventListener;
import org.scxgamer.api.event.SubscriberInfo;
import org.scxgamer.core.kernel.ThreadPriority;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;

/**
 * One listener consuming a shared {@link Fanout} ring on a delivery thread of its own, through the
 * {@link Fanout.Cursor} the ring handed it: the thread
 * waits on the ring's barrier, copies a batch out of the ring, advances its cursor past it, calls the
 * listener, contains its exceptions and reports drops through {@code onDropped}. The reader thread never
 * waits for it (see {@link Fanout}).
 *
 * <p>A listener that declared itself non-blocking starts on the reader thread instead: the hub hands it
 * each batch the reader collected ({@link #deliverOnReader}), with no ring, cursor or thread. If it throws, or
 * overruns its budget in most of its recent batches (below), it is demoted for good: it joins the ring (its events
 * start at the reader's next write) and its delivery thread starts. The budget is {@link #READER_BUDGET_NANOS}, and
 * {@link #WARMUP_BUDGET_NANOS} for its first {@link #WARMUP_EVENTS} events, which run interpreted or in code still
 * being compiled (in one cold JVM, 32 events of a counting listener took 1.4 ms).
 *
 * <p>An overrun is judged by what the listener's typical event costs, not by the batch's clock alone: a reader
 * preempted inside a call (a busy machine, a virtual CPU the host did not run) looks slow by the clock while its
 * listener is not, and so does a reader whose thread CPU time is inflated (under single-threaded emulation a guest
 * thread's CPU time also counts the time spent emulating the other vCPUs; that demoted the page's one-line counting
 * listener in the benchmarks, "5216 µs of CPU for 21 events"). The clock is read around every batch; once a batch takes
 * longer than the budget by the clock, each call of the next {@link #STRIKE_WINDOW} batches is timed as well, and the
 * batch is charged its calls without the slowest {@link #TRIMMED_SHARE} of them, scaled back to all of them: a
 * pause or an inflated reading lands in one call or a few, a slow listener is slow in most. A listener is demoted when
 * {@link #OVERRUNS} of the last {@link #JUDGED} batches so measured were over the budget, or when {@link #STALL_STRIKES}
 * batches within {@link #STRIKE_WINDOW} held the reader longer than {@link #STALL_NANOS} ({@link #WARMUP_STALL_NANOS}
 * during the warm-up) by the clock whatever the cause (a listener that blocks).
 *
 * <p>Accounting, exact whenever the delivery thread is not inside a call:
 * matched = delivered + dropped + queued (the event a listener is stuck in counts as queued).
 * The reader counts matched and dropped (in the cursor), the delivery thread delivered; queued is the rest.
 * On the reader thread nothing waits and nothing is dropped: every matching event is delivered.
 */
final class Subscriber implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Subscriber.class);
    /** At most one log line about a listener's exceptions per this period; also how long an idle thread parks. */
    static final long FAILURE_LOG_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(10);
    /**
     * Nice value of delivery threads: weight ~3x a default thread's, below the ring reader's. A healthy
     * listener keeps up while every CPU is busy; all listeners get the same, so none gains on another.
     */
    static final int DELIVERY_NICE = -5;
    /**
     * How long a listener on the reader thread may take for one batch (at most {@link EventHub#BATCH} events): about
     * 30 µs per event, below the 125 µs between reports of an 8 kHz device (the rings hold about a second of input).
     * 250 µs demoted a healthy counting listener under the benchmarks (reader preempted on a shared VM).
     */
    static final long READER_BUDGET_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Batches a stall is remembered for, and batches whose calls are timed after one over budget by the clock. */
    static final int STRIKE_WINDOW = 64;
    /** Stalls within {@link #STRIKE_WINDOW} batches that demote. */
    static final int STALL_STRIKES = 3;
    /** The last timed batches that are judged together (at most 64: one bit each). */
    static final int JUDGED = 8;
    /** Batches of the last {@link #JUDGED} timed over the budget that demote: a majority. */
    static final int OVERRUNS = 5;
    /** The share of a timed batch's calls, the slowest, left out of its charge (at least one call of two or more). */
    static final double TRIMMED_SHARE = 0.25;
    /** Events a listener gets on the reader thread with the larger, warm-up budget. */
    static final long WARMUP_EVENTS = 20_000;
    static final long WARMUP_BUDGET_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** A batch holding the reader this long by the clock overruns whatever its calls took: the listener blocked. */
    static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /**
     * {@link #STALL_NANOS} for the first {@link #WARMUP_EVENTS} events: their code is still being loaded and compiled,
     * and under emulation the JIT's safepoints held a cold reader over 20 ms three times within 64 batches of the
     * page's counting listener.
     */
    static final long WARMUP_STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final long serviceId;
    private final String bundle;
    private final String name;
    private final InputEventListener listener;
    private final SubscriberFilter filter;
    private final Fanout fanout;
    private final SequenceBarrier barrier;
    private final Thread thread;
    /** Null while the listener runs on the reader thread. */
    private volatile Fanout.Cursor cursor;
    /** Runs on the reader thread: declared non-blocking and not demoted (the reader clears it). */
    private volatile boolean onReader;
    private volatile boolean demoted;
    /** Events delivered on the reader thread before the demotion (matched = delivered there). */
    private volatile long deliveredOnReader;
    /** Reader thread: STRIKE_WINDOW per stall, less one per batch. */
    private int strikes;
    /** Reader thread: one bit per timed batch, newest lowest, set when it was over the budget. */
    private long overruns;
    /** Reader thread: batches left whose calls are timed (STRIKE_WINDOW after one over budget by the clock). */
    private int timed;
    /** Reader thread: the clock around each call of a timed batch, then each call's time. */
    private final long[] callNanos;
    // Written by the delivery thread only.
    /** The batch taken, copied out of the ring ({@link EventSlot#WORDS} longs per event). */
    private final long[] batch;
    private final EventSlot event;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private long dropsReported;
    private long lastFailureLog = System.nanoTime() - FAILURE_LOG_PERIOD_NANOS;
    private long failuresLogged;
    /** Cleared by {@link #close}. */
    private volatile boolean running = true;

    Subscriber(long serviceId, String bundle, String name, InputEventListener listener, SubscriberFilter filter, Fanout fanout) {
        this.serviceId = serviceId;
        this.bundle = bundle;
        this.name = name;
        this.listener = listener;
        this.filter = filter;
        this.fanout = fanout;
        this.barrier = fanout.newBarrier();
        this.batch = new long[fanout.batch * EventSlot.WORDS];
        this.callNanos = new long[EventHub.BATCH + 1];
        this.event = new EventSlot(batch);
        this.thread = new Thread(this, "scxgamer-listener-" + bundle + "-" + serviceId);
        thread.setDaemon(true);
        this.onReader = filter.nonBlocking();
        if (!onReader) {
            fanout.register(thread);
            this.cursor = fanout.join(filter, thread);
        }
    }

    /** Starts the delivery thread, unless the listener runs on the reader thread. */
    void start() {
        if (!onReader) {
            thread.start();
        }
    }

    boolean onReader() {
        return onReader;
    }

    /**
     * Reader thread: delivers events {@code 0 .. n-1} of a batch ({@link EventSlot#WORDS} longs each, {@code e} views it)
     * and demotes the listener if it threw or took longer than its budget. The caller read the clock at {@code start}.
     * @return the clock after the batch
     */
    long deliverOnReader(long[] b, int n, EventSlot e, long start) {
        boolean all = filter.matchesAll();
        boolean timing = timed > 0;
        Throwable thrown = null;
        long d = delivered.getPlain();
        int calls = 0;
        if (timing) {
            callNanos[0] = start;
        }
        for (int i = 0; i < n * EventSlot.WORDS; i += EventSlot.WORDS) {
            if (all || filter.matches(EventSlot.lane(b, i), EventSlot.type(b, i))) {
                e.at(i);
                try {
                    listener.onEvent(e);
                } catch (Throwable t) {
                    failed(t, "onEvent");
                    thrown = t;
                }
                delivered.setOpaque(++d);
                if (timing) {
                    callNanos[++calls] = System.nanoTime();
                }
            }
        }
        long end = timing && calls > 0 ? callNanos[calls] : System.nanoTime();
        if (strikes > 0) {
            strikes--;
        }
        if (thrown != null) {
            demote("threw " + thrown);
            return end;
        }
        boolean warm = d > WARMUP_EVENTS;
        long budget = warm ? READER_BUDGET_NANOS : WARMUP_BUDGET_NANOS;
        long stall = warm ? STALL_NANOS : WARMUP_STALL_NANOS;
        long wall = end - start;
        long charged = -1;
        if (timing) {
            timed--;
            charged = trimmedCharge(calls);
            overruns = overruns << 1 | (charged > budget ? 1 : 0);
        }
        if (wall <= budget) {
            return end;
        }
        if (!timing && wall <= stall) {
            // Over budget by the clock only: the times of the next batches' calls tell a slow listener from a slow reader.
            timed = STRIKE_WINDOW;
            overruns = 0;
            return end;
        }
        timed = STRIKE_WINDOW;
        String took = "took " + TimeUnit.NANOSECONDS.toMicros(wall) + " µs" + (charged >= 0 ? " (" + TimeUnit.NANOSECONDS.toMicros(charged)
                + " µs without its slowest calls)" : "") + " for " + n + " events";
        if (wall > stall && (strikes += STRIKE_WINDOW) > (STALL_STRIKES - 1) * STRIKE_WINDOW) {
            demote(took + ", the " + STALL_STRIKES + "rd time within " + STRIKE_WINDOW + " batches that it held the reader over "
                    + TimeUnit.NANOSECONDS.toMillis(stall) + " ms");
        } else {
            int over = Long.bitCount(overruns & ((1L << JUDGED) - 1));
            if (over >= OVERRUNS) {
                demote(took + ", over its budget of " + TimeUnit.NANOSECONDS.toMicros(budget) + " µs in " + over
                        + " of its last " + JUDGED + " timed batches");
            }
        }
        return end;
    }

    /**
     * What a timed batch of {@code calls} calls is charged: the calls' times (from {@link #callNanos}) without the
     * slowest {@link #TRIMMED_SHARE} of them, scaled back to all of them.
     */
    private long trimmedCharge(int calls) {
        if (calls == 0) {
            return 0;
        }
        long[] t = callNanos;
        for (int i = calls; i > 0; i--) {
            t[i] -= t[i - 1];
        }
        int kept = calls == 1 ? 1 : calls - Math.max(1, (int) (calls * TRIMMED_SHARE));
        Arrays.sort(t, 1, calls + 1);
        long sum = 0;
        for (int i = 1; i <= kept; i++) {
            sum += t[i];
        }
        return sum * calls / kept;
    }

    /** Reader thread: moves the listener to a delivery thread of its own; its events start at the reader's next write. */
    private void demote(String why) {
        deliveredOnReader = delivered.getPlain();
        fanout.register(thread);
        cursor = fanout.join(filter, thread);
        demoted = true;
        onReader = false;
        thread.start();
        LOG.warn("Listener {} (service {}, bundle {}) declared itself non-blocking ({}) but {}: moved off the ring reader's thread "
                + "to delivery thread {} for good", name, serviceId, bundle, InputEventListener.NON_BLOCKING, why, thread.getName());
    }

    @Override
    public void run() {
        String failed = ThreadPriority.setCurrentThreadNice(DELIVERY_NICE);
        if (failed != null) {
            LOG.warn("Delivery thread {} keeps the default priority: {}", thread.getName(), failed);
        }
        while (running && !cursor.started()) {
            LockSupport.parkNanos(this, FAILURE_LOG_PERIOD_NANOS); // the reader adopts at its next event, then unparks
            Thread.interrupted();
        }
        boolean all = filter.matchesAll();
        long[] b = batch;
        int most = fanout.batch;
        EventSlot e = event;
        while (running) {
            long last = cursor.last();
            long available;
            try {
                available = barrier.waitFor(last + 1);
            } catch (TimeoutException idle) {
                reportDrops();
                logSuppressedFailuresIfDue();
                continue;
            } catch (AlertException | InterruptedException closing) {
                break;
            }
            int n = (int) Math.min(available - last, most);
            if (!take(last, n)) {
                continue; // the reader dropped them for lagging, and counted that
            }
            for (int i = 0; i < n * EventSlot.WORDS && running; i += EventSlot.WORDS) {
                if (all || filter.matches(EventSlot.lane(b, i), EventSlot.type(b, i))) {
                    e.at(i);
                    try {
                        listener.onEvent(e);
                    } catch (Throwable t) {
                        failed(t, "onEvent");
                    }
                    delivered.setOpaque(delivered.getPlain() + 1);
                }
            }
            reportDrops();
        }
    }

    /**
     * Delivery thread: copies the {@code n} events after {@code last} into the batch, then advances
     * the cursor past them. Copy first: an advance that succeeds proves the reader did not take
     * (and so did not overwrite) them meanwhile.
     * @return false if the reader took events after last meanwhile (the copy may be stale)
     */
    boolean take(long last, int n) {
        fanout.copy(last + 1, n, batch);
        return cursor.advance(last, n);
    }

    /**
     * Leaves the ring: the reader stops writing events for this subscriber at its next write.
     * @return whether the ring still has other consumers
     */
    boolean leave() {
        Fanout.Cursor c = cursor;
        return c != null && fanout.leave(c);
    }

    /**
     * Stops the delivery thread (after {@link #leave}): ask, then interrupt a listener that does not return.
     * @return true if the thread ended
     */
    boolean close(long waitMillis) {
        running = false;
        barrier.alert();
        LockSupport.unpark(thread);
        try {
            thread.join(Math.min(waitMillis, 200));
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(waitMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        logSuppressedFailures();
        fanout.unregister(thread);
        if (thread.isAlive()) {
            LOG.warn("Listener {} (service {}, bundle {}) did not return within {} ms of its removal, not even when interrupted; "
                    + "its delivery thread {} is left as a daemon", name, serviceId, bundle, waitMillis, thread.getName());
            return false;
        }
        return true;
    }

    long serviceId() { return serviceId; }

    Fanout fanout() { return fanout; }

    long matched() {
        Fanout.Cursor c = cursor;
        return c == null ? delivered() : deliveredOnReader + c.matched();
    }

    long dropped() {
        Fanout.Cursor c = cursor;
        return c == null ? 0 : c.dropped();
    }

    boolean demoted() { return demoted; }

    long delivered() { return delivered.getOpaque(); }

    long failures() { return failures.getOpaque(); }

    /** Matched and neither delivered nor dropped: waiting in the ring, taken, or in the listener's hands. */
    int queued() {
        long d = delivered();
        long x = dropped();
        return (int) Math.max(0, matched() - d - x);
    }

    String threadName() { return thread.getName(); }

    SubscriberInfo info() {
        // Consumer side first: a concurrent write can then only make matched look larger.
        long d = delivered();
        long x = dropped();
        long m = matched();
        return new SubscriberInfo(serviceId, bundle, name, fanout.capacity, m, d, x, failures(), (int) Math.max(0, m - d - x),
                onReader, demoted);
    }

    private void failed(Throwable t, String call) {
        if (t instanceof VirtualMachineError vme) {
            throw vme;
        }
        failures.setOpaque(failures.getPlain() + 1);
        long now = System.nanoTime();
        if (now - lastFailureLog >= FAILURE_LOG_PERIOD_NANOS) {
            long total = failures.getPlain();
            long since = total - failuresLogged;
            failuresLogged = total;
            lastFailureLog = now;
            LOG.warn("Listener {} (service {}, bundle {}) threw from {}: {} exception(s) since the last report, {} in total; "
                    + "the events stay counted as delivered. Latest:", name, serviceId, bundle, call, since, total, t);
        }
    }

    private void logSuppressedFailures() {
        long total = failures.getOpaque();
        if (total > failuresLogged) {
            LOG.warn("Listener {} (service {}, bundle {}) threw {} more exception(s) before its removal; {} in total",
                    name, serviceId, bundle, total - failuresLogged, total);
            failuresLogged = total;
        }
    }

    private void logSuppressedFailuresIfDue() {
        if (failures.getPlain() > failuresLogged && System.nanoTime() - lastFailureLog >= FAILURE_LOG_PERIOD_NANOS) {
            lastFailureLog = System.nanoTime();
            logSuppressedFailures();
        }
    }

    private void reportDrops() {
        long d = cursor.dropped();
        if (d != dropsReported) {
            long n = d - dropsReported;
            dropsReported = d;
            try {
                listener.onDropped(n);
            } catch (Throwable t) {
                failed(t, "onDropped");
            }
        }
    }
}
