package org.scxgamer.core.events;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.DirectBuffer;
import org.scxgamer.api.event.InputEventListener;
import org.scxgamer.api.event.SubscriberInfo;
import org.scxgamer.core.kernel.RingReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscriber registry and the reader's record handler: copies each record once into a shared
 * Disruptor ring ({@link Fanout}) per queue capacity in use (usually one), which every subscriber's
 * delivery thread consumes. Rings and subscribers are kept in copy-on-write arrays so the reader never locks; the
 * hub outlives kernel reloads so counters stay monotonic.
 */
public final class EventHub implements RingReader.RecordHandler {
    private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);
    private static final Fanout[] NO_RINGS = new Fanout[0];
    private static final Subscriber[] NONE = new Subscriber[0];
    /** How long removal waits for a listener to return before giving up on its thread. */
    static final long CLOSE_WAIT_MILLIS = 2_000;

    private volatile Fanout[] rings = NO_RINGS;
    /** Every subscriber, in registration order (changed under the lock). */
    private volatile Subscriber[] subscribers = NONE;
    private final AtomicLong read = new AtomicLong();           // reader thread writes
    /** readNanos is refreshed every this many records of a batch: the clock read costs as much as the decode. */
    static final int CLOCK_EVERY = 16;
    private int sinceClock;                                      // reader thread only
    private long now;                                            // reader thread only
    // Totals of removed subscribers, so the sums stay monotonic.
    private long retiredMatched;
    private long retiredDelivered;
    private long retiredDropped;
    private long retiredFailures;

    @Override
    public void onRecord(DirectBuffer data, int offset, int ring) {
        if (sinceClock-- <= 0) {
            now = System.nanoTime();
            sinceClock = CLOCK_EVERY - 1;
        }
        read.setOpaque(read.getPlain() + 1);
        for (Fanout f : rings) {
            f.write(data, offset, ring, now);
        }
    }

    /** End of a drain: makes the events written since the last call visible to the delivery threads. */
    public void flush() {
        for (Fanout f : rings) {
            f.publish();
        }
        sinceClock = 0;
    }

    /**
     * Starts delivering to a listener service.
     * @param props its service properties (filters, service.id)
     * @throws IllegalArgumentException if a filter property is invalid (nothing is started then)
     */
    public synchronized void add(InputEventListener listener, Map<String, ?> props, String bundle) {
        long id = ((Number) props.get("service.id")).longValue();
        SubscriberFilter filter = SubscriberFilter.of(props.get(InputEventListener.LANES),
                props.get(InputEventListener.TYPES), props.get(InputEventListener.QUEUE_CAPACITY));
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
        LOG.info("Subscriber {} (service {}, bundle {}) added: {}, queue {}, thread {}", name, id,
                bundle, filter, s.info().queueCapacity(), s.threadName());
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
            if (!gone.leave()) {
                rings = Arrays.stream(rings).filter(Fanout::hasMembers).toArray(Fanout[]::new);
            }
        }
        gone.close(CLOSE_WAIT_MILLIS);
        SubscriberInfo i = gone.info();
        synchronized (this) {
            retiredMatched += i.matched();
            retiredDelivered += i.delivered();
            retiredDropped += i.dropped();
            retiredFailures += i.failures();
        }
        LOG.info("Subscriber {} (service {}) removed: matched {}, delivered {}, dropped {}, failures {}, left in queue {}",
                i.name(), serviceId, i.matched(), i.delivered(), i.dropped(), i.failures(), i.queued());
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

    /** Sums over current and removed subscribers: matched, delivered, dropped, failures. */
    public synchronized long[] totals() {
        long m = retiredMatched, d = retiredDelivered, x = retiredDropped, f = retiredFailures;
        for (Subscriber s : subscribers) {
            m += s.matched();
            d += s.delivered();
            x += s.dropped();
            f += s.failures();
        }
        return new long[] {m, d, x, f};
    }
}
