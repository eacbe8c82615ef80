package org.scxgamer.core.events;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.agrona.DirectBuffer;
import org.scxgamer.api.event.InputEventListener;
import org.scxgamer.api.event.SubscriberInfo;
import org.scxgamer.core.kernel.Contract;
import org.scxgamer.core.kernel.RingReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscriber registry and the reader's record handler: copies each record once into a shared
 * Disruptor ring ({@link Fanout}) per queue capacity in use (usually one), which every subscriber's
 * delivery thread consumes. Listeners that declared themselves non-blocking get the records on the reader
 * thread instead, in batches of up to {@link #BATCH} (the whole drain, or its last part, at {@link #flush}),
 * as Disruptor's BatchEventProcessor hands a batch to its handler; each batch is timed per listener
 * ({@link Subscriber#deliverOnReader}). Rings and subscribers are kept in copy-on-write arrays so the reader
 * never locks; the hub outlives kernel reloads so counters stay monotonic.
 */
public final class EventHub implements RingReader.RecordHandler {
    private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);
    private static final Fanout[] NO_RINGS = new Fanout[0];
    private static final Subscriber[] NONE = new Subscriber[0];
    /** How long removal waits for a listener to return before giving up on its thread. */
    static final long CLOSE_WAIT_MILLIS = 2_000;
    /**
     * Most records handed at once to the listeners on the reader thread: each batch costs every such listener
     * one clock read, and a listener that breaks its promise holds the reader up for at most one batch.
     */
    static final int BATCH = 32;

    private volatile Fanout[] rings = NO_RINGS;
    /** Every subscriber, in registration order (changed under the lock). */
    private volatile Subscriber[] subscribers = NONE;
    /** The subscribers that run on the reader thread (a demoted one is skipped until the next change). */
    private volatile Subscriber[] onReader = NONE;
    /**
     * Set by the reader from its first record to the end of {@link #flush}, when {@link #flushes} advances:
     * removal waits for that before it lets go of a listener the reader may be calling.
     */
    private volatile boolean draining;
    /** Called on the reader thread for each scheduler exit record; must not block. */
    private volatile Runnable onSchedulerExit = () -> { };
    private volatile long flushes;
    // Reader thread only: the batch for the listeners on the reader thread.
    private final long[] batch = new long[BATCH * EventSlot.WORDS];
    private final EventSlot batchEvent = new EventSlot(batch);
    private int batched;    private final AtomicLong read = new AtomicLong();           // reader thread writes
    /** readNanos is refreshed every this many records of a batch: the clock read costs as much as the decode. */
    static final int CLOCK_EVERY = 16;
    private int sinceClock;                                      // reader thread only
    private long now;                                            // reader thread only
    // Totals of removed subscribers, so the sums stay monotonic.
    private long retiredMatched;
    private long retiredDelivered;
    private long retiredDropped;
    private long retiredFailures;
    private long retiredDemotions;

    @Override
    public void onRecord(DirectBuffer data, int offset, int ring) {
        if (!draining) {
            draining = true;
        }
        if (sinceClock-- <= 0) {
            now = System.nanoTime();
            sinceClock = CLOCK_EVERY - 1;
        }
        read.setOpaque(read.getPlain() + 1);
        if (data.getShort(offset + Contract.EVENT_TYPE) == (short) Contract.TYPE_SCHED_EXIT
                && data.getByte(offset + Contract.EVENT_LANE) == Contract.LANE_SCHED) {
            onSchedulerExit.run();
        }
        for (Fanout f : rings) {
            f.write(data, offset, ring, now);
        }
        if (onReader.length > 0) {
            EventSlot.pack(data, offset, ring, now, batch, batched * EventSlot.WORDS);
            if (++batched == BATCH) {
                deliverBatch();
            }
        }
    }

    /**
     * What the reader does when it reads the record of a scheduler exit ({@link Contract#TYPE_SCHED_EXIT}), before
     * it passes the record on like any other: wake whoever reads the exit. Runs on the reader thread: must not block.
     */
    public void onSchedulerExit(Runnable action) {
        onSchedulerExit = action;
    }

    /** Reader thread: hands the batch to each listener on the reader thread, timing each. */
    private void deliverBatch() {
        long t = System.nanoTime();
        for (Subscriber s : onReader) {
            if (s.onReader()) {
                t = s.deliverOnReader(batch, batched, batchEvent, t);
            }
        }
        batched = 0;
    }

    /**
     * End of a drain: hands what is batched to the listeners on the reader thread and makes the events written
     * since the last call visible to the delivery threads.
     */
    public void flush() {
        if (batched > 0) {
            deliverBatch();
        }
        for (Fanout f : rings) {
            f.publish();
        }
        sinceClock = 0;
        if (draining) {
            flushes++; // the reader is the only writer
            draining = false;
        }
    }

    /**
     * Starts delivering to a listener service.
     * @param props its service properties (filters, service.id)
     * @throws IllegalArgumentException if a filter property is invalid (nothing is started then)
     */
    public synchronized void add(InputEventListener listener, Map<String, ?> props, String bundle) {
        long id = ((Number) props.get("service.id")).longValue();
        SubscriberFilter filter = SubscriberFilter.of(props.get(InputEventListener.LANES),
                props.get(InputEventListener.TYPES), props.get(InputEventListener.QUEUE_CAPACITY),
                props.get(InputEventListener.NON_BLOCKING));
        // DS components have a readable name; a lambda's class name is not.
        Object component = props.get("component.name");
        String name = component != null ? String.valueOf(component) : listener.getClass().getName();
        Fanout ring = null;
        for (Fanout f : rings) {
            if (f.capacity == filter.capacity()) {
                ring = f;
            }
        }
        if (ring == null) {
            ring = new Fanout(filter.capacity(), Subscriber.FAILURE_LOG_PERIOD_NANOS, TimeUnit.NANOSECONDS);
            rings = append(rings, ring);
        }
        Subscriber s = new Subscriber(id, bundle, name, listener, filter, ring);
        s.start();
        subscribers = append(subscribers, s);
        if (s.onReader()) {
            onReader = append(Arrays.stream(onReader).filter(Subscriber::onReader).toArray(Subscriber[]::new), s);
            LOG.info("Subscriber {} (service {}, bundle {}) added: {}, non-blocking: on the ring reader's thread", name, id,
                    bundle, filter);
        } else {
            LOG.info("Subscriber {} (service {}, bundle {}) added: {}, queue {}, thread {}", name, id,
                    bundle, filter, s.info().queueCapacity(), s.threadName());
        }
    }

    /** Stops delivering to the listener with this service id and ends its thread. */
    public void remove(long serviceId) {
        Subscriber gone = null;
        synchronized (this) {
            List<Subscriber> keep = new ArrayList<>();
            for (Subscriber s : subscribers) {
                if (s.serviceId() == serviceId) {
                    gone = s;
                } else {
                    keep.add(s);
                }
            }
            if (gone == null) {
                return;
            }
            subscribers = keep.toArray(NONE);
            Subscriber left = gone;
            onReader = Arrays.stream(onReader).filter(s -> s != left && s.onReader()).toArray(Subscriber[]::new);
        }
        awaitReaderLetGo();
        synchronized (this) {
            gone.leave();
            // A ring stays while a subscriber may still join it (one on the reader thread, when demoted).
            rings = Arrays.stream(rings).filter(f -> f.hasMembers() || uses(f)).toArray(Fanout[]::new);
        }
        gone.close(CLOSE_WAIT_MILLIS);
        SubscriberInfo i = gone.info();
        synchronized (this) {
            retiredMatched += i.matched();
            retiredDelivered += i.delivered();
            retiredDropped += i.dropped();
            retiredFailures += i.failures();
            retiredDemotions += i.demoted() ? 1 : 0;
        }
        LOG.info("Subscriber {} (service {}) removed: matched {}, delivered {}, dropped {}, failures {}, left in queue {}",
                i.name(), serviceId, i.matched(), i.delivered(), i.dropped(), i.failures(), i.queued());
    }

    private boolean uses(Fanout f) {
        for (Subscriber s : subscribers) {
            if (s.fanout() == f) {
                return true;
            }
        }
        return false;
    }

    /**
     * After a subscriber left the arrays: waits until the reader is past any drain that began before, so it no
     * longer calls (or demotes) that listener. The reader sets draining before it reads the arrays, removal reads
     * it after changing them (both volatile), so one of the two sees the other.
     */
    private void awaitReaderLetGo() {
        long f = flushes;
        if (!draining) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
        while (flushes == f && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
        }
    }

    private static <T> T[] append(T[] a, T x) {
        T[] next = Arrays.copyOf(a, a.length + 1);
        next[a.length] = x;
        return next;
    }

    /** Removes every subscriber (component deactivation). */
    public void removeAll() {
        for (Subscriber s : subscribers) {
            remove(s.serviceId());
        }
    }

    public List<SubscriberInfo> subscribers() {
        List<SubscriberInfo> out = new ArrayList<>();
        for (Subscriber s : subscribers) {
            out.add(s.info());
        }
        return out;
    }

    /** Records handed to this hub since it was created. */
    public long read() {
        return read.getOpaque();
    }

    /** Sums over current and removed subscribers: matched, delivered, dropped, failures, demotions. */
    public synchronized long[] totals() {
        long m = retiredMatched, d = retiredDelivered, x = retiredDropped, f = retiredFailures, o = retiredDemotions;
        for (Subscriber s : subscribers) {
            m += s.matched();
            d += s.delivered();
            x += s.dropped();
            f += s.failures();
            o += s.demoted() ? 1 : 0;
        }
        return new long[] {m, d, x, f, o};
    }
}
