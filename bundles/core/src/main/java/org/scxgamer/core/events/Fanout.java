package org.scxgamer.core.events;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SequenceBarrier;

/**
 * One Disruptor ring shared by the subscribers that asked for the same queue capacity: the reader is
 * its single producer and writes each event once; every subscriber is a consumer with a gating
 * sequence of its own ({@link Subscriber#consumed}).
 *
 * <p>Nothing a subscriber does can make the reader wait or slow down the others. In a plain Disruptor
 * the slowest consumer gates the producer; here, when the ring has no room because a subscriber lags
 * by its whole capacity, the reader moves that subscriber's sequence past its oldest events itself (in
 * chunks, compare-and-set) and counts the matching ones as dropped for it. A delivery thread therefore
 * takes a batch by copying it out of the ring first and then advancing its sequence with
 * compare-and-set, which fails if the reader took those events meanwhile: a successful advance proves
 * the copy was intact, because the reader overwrites a slot only once every gating sequence has passed it.
 *
 * <p>Reader-thread state is plain fields; the ring and the sequences need no lock.
 */
final class Fanout {
    final int capacity;
    /** Most events one delivery thread takes at once. */
    final int batch;
    /** Events the reader takes from a lagging subscriber at once: one compare-and-set per chunk, not per event. */
    private final int chunk;
    private final int flushEvery;
    /** Entries of {@link EventSlot#WORDS} longs, allocated once (primitive arrays: no GC write barrier per event). */
    private final RingBuffer<long[]> ring;
    private final ParkingWaitStrategy waiting;
    /** Events written so far (reader thread writes; read by {@link Subscriber#matched()}). */
    private final AtomicLong written = new AtomicLong();
    /** Changed copy-on-write under the hub's lock; the reader adopts each new array on its next event. */
    volatile Subscriber[] members = new Subscriber[0];

    // Reader thread only.
    private Subscriber[] adopted = new Subscriber[0];
    private Subscriber[] filtered = new Subscriber[0];
    private long pendingLow = -1;

    /**
     * @param capacity a power of two
     * @param idleTimeout how long a parked delivery thread waits before it returns to report drops and failures
     */
    Fanout(int capacity, long idleTimeout, TimeUnit unit) {
        this.capacity = capacity;
        this.batch = Math.max(1, Math.min(256, capacity / 64));
        this.chunk = Math.max(1, capacity / 64);
        // Publishing wakes parked delivery threads: often enough that they work while the reader drains,
        // seldom enough that wake-ups stay rare per event.
        this.flushEvery = Math.max(1, Math.min(capacity / 4, 4096));
        this.waiting = new ParkingWaitStrategy(idleTimeout, unit);
        this.ring = RingBuffer.createSingleProducer(() -> new long[EventSlot.WORDS], capacity, waiting);
    }

    /** Reader thread: copies one record into the next slot. */
    void write(ByteBuffer data, int offset, int ringIndex, long now) {
        Subscriber[] m = members;
        if (m != adopted) {
            adopt(m);
        }
        long seq;
        try {
            seq = ring.tryNext();
        } catch (InsufficientCapacityException full) {
            dropOldest(written.getPlain());
            seq = ring.next(); // every gating sequence is past the slot now: never waits
        }
        long[] entry = ring.get(seq);
        EventSlot.pack(data, offset, ringIndex, now, entry, 0);
        if (filtered.length > 0) {
            int lane = EventSlot.lane(entry, 0), type = EventSlot.type(entry, 0);
            for (Subscriber s : filtered) {
                s.countIfMatches(lane, type);
            }
        }
        written.setOpaque(seq + 1);
        if (pendingLow < 0) {
            pendingLow = seq;
        }
        if (seq - pendingLow + 1 >= flushEvery) {
            publish();
        }
    }

    /** Reader thread: makes what {@link #write} stored since the last call visible and wakes parked delivery threads. */
    void publish() {
        if (pendingLow >= 0) {
            pendingLow = -1;
            ring.publish(written.getPlain() - 1);
        }
    }

    /** Reader thread: new subscribers start at the next slot and gate the ring; removed ones stop. */
    private void adopt(Subscriber[] m) {
        publish(); // a new sequence starts at the cursor: nothing may be written and unpublished
        long next = written.getPlain();
        for (Subscriber s : adopted) {
            if (!contains(m, s)) {
                ring.removeGatingSequence(s.consumed);
                s.retire(next);
            }
        }
        int f = 0;
        for (Subscriber s : m) {
            if (!contains(adopted, s)) {
                s.adopt(next);
                ring.addGatingSequences(s.consumed);
            }
            if (!s.filter().matchesAll()) {
                f++;
            }
        }
        Subscriber[] fl = new Subscriber[f];
        f = 0;
        for (Subscriber s : m) {
            if (!s.filter().matchesAll()) {
                fl[f++] = s;
            }
        }
        adopted = m;
        filtered = fl;
    }

    private static boolean contains(Subscriber[] a, Subscriber s) {
        for (Subscriber x : a) {
            if (x == s) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reader thread, before writing sequence {@code n} into a full ring: every subscriber still holding
     * the event to be overwritten (n - capacity) loses its oldest chunk of events, counted as dropped.
     */
    private void dropOldest(long n) {
        long overwritten = n - capacity;
        for (Subscriber s : adopted) {
            long c;
            while ((c = s.consumed.get()) < overwritten) {
                long to = Math.min(n - 1, overwritten + chunk - 1);
                if (s.consumed.compareAndSet(c, to)) {
                    s.dropped(countMatching(s, c + 1, to));
                    break;
                }
            }
        }
    }

    /** Events of sequences from .. to (inclusive) that match the subscriber's filter. */
    private long countMatching(Subscriber s, long from, long to) {
        if (s.filter().matchesAll()) {
            return to - from + 1;
        }
        long c = 0;
        for (long q = from; q <= to; q++) {
            long[] e = ring.get(q);
            if (s.filter().matches(EventSlot.lane(e, 0), EventSlot.type(e, 0))) {
                c++;
            }
        }
        return c;
    }

    /** Copies the entries of sequences first .. first + n - 1 (n at most capacity) into {@code to} from index 0. */
    void copy(long first, int n, long[] to) {
        for (int k = 0, i = 0; k < n; k++, i += EventSlot.WORDS) {
            long[] e = ring.get(first + k);
            to[i] = e[0];
            to[i + 1] = e[1];
            to[i + 2] = e[2];
            to[i + 3] = e[3];
        }
    }

    /** A barrier for one delivery thread: waits (spin, then park) until the reader publishes past a sequence. */
    SequenceBarrier newBarrier() {
        return ring.newBarrier();
    }

    void register(Thread deliveryThread) {
        waiting.register(deliveryThread);
    }

    void unregister(Thread deliveryThread) {
        waiting.unregister(deliveryThread);
    }

    long written() {
        return written.getOpaque();
    }
}
