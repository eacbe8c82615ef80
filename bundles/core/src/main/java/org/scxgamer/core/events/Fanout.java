package org.scxgamer.core.events;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.agrona.DirectBuffer;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;

/**
 * One Disruptor ring shared by the subscribers that asked for the same queue capacity: the reader is
 * its single producer and writes each event once. A consumer {@link #join joins} and gets a
 * {@link Cursor}: its gating sequence plus the matched and dropped counts the reader keeps for it;
 * it {@link #leave leaves} with the same cursor. The ring knows consumers only by their cursors.
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
    /** Events written so far (reader thread writes; read by {@link Cursor#matched()}). */
    private final AtomicLong written = new AtomicLong();
    /** Changed copy-on-write by join and leave; the reader adopts each new array on its next event. */
    private volatile Cursor[] members = NONE;

    // Reader thread only.
    private Cursor[] adopted = NONE;
    private Cursor[] filtered = NONE;
    private long pendingLow = -1;

    private static final Cursor[] NONE = new Cursor[0];

    /**
     * One consumer's place in the ring. The sequence is the last event it took: advanced by the consumer
     * when it takes a batch ({@link #advance}) and by the reader when it drops events the consumer lags on.
     * The reader counts the consumer's matched (filtered consumers) and dropped events here.
     */
    final class Cursor {
        private final Sequence sequence = new Sequence();
        private final SubscriberFilter filter;
        private final Thread owner;
        /** Sequence the reader adopted this cursor at, -1 before. Reader thread writes. */
        private volatile long start = -1;
        /** Events written when the reader saw the cursor leave, -1 before. Reader thread writes. */
        private volatile long end = -1;
        /** Matched events of a filtered consumer (an unfiltered one matches every event since start). */
        private final AtomicLong matchedFiltered = new AtomicLong();
        private final AtomicLong dropped = new AtomicLong();

        private Cursor(SubscriberFilter filter, Thread owner) {
            this.filter = filter;
            this.owner = owner;
        }

        /** Whether the reader has adopted the cursor: events from then on are the consumer's. */
        boolean started() {
            return start >= 0;
        }

        /** The last sequence taken. */
        long last() {
            return sequence.get();
        }

        /**
         * Consumer: moves past the {@code n} events after {@code last}, which it has copied already.
         * @return false if the reader took events after last meanwhile (the copy may be stale)
         */
        boolean advance(long last, int n) {
            return sequence.compareAndSet(last, last + n);
        }

        long matched() {
            long s = start;
            if (s < 0) {
                return 0;
            }
            if (!filter.matchesAll()) {
                return matchedFiltered.getOpaque();
            }
            long e = end;
            return (e >= 0 ? e : written()) - s;
        }

        long dropped() {
            return dropped.getOpaque();
        }

        /** Reader thread: it took {@code n} matching events from this consumer. */
        private void drop(long n) {
            if (n > 0) {
                dropped.setOpaque(dropped.getPlain() + n);
            }
        }
    }

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

    /**
     * Adds a consumer. Its events start at the reader's next write, which also unparks {@code owner}
     * (the thread that waits for {@link Cursor#started()}).
     */
    synchronized Cursor join(SubscriberFilter filter, Thread owner) {
        Cursor c = new Cursor(filter, owner);
        Cursor[] next = Arrays.copyOf(members, members.length + 1);
        next[members.length] = c;
        members = next;
        return c;
    }

    /**
     * Removes a consumer; the reader stops gating on it and counting for it at its next write.
     * @return whether consumers remain
     */
    synchronized boolean leave(Cursor c) {
        members = Arrays.stream(members).filter(x -> x != c).toArray(Cursor[]::new);
        return members.length > 0;
    }

    boolean hasMembers() {
        return members.length > 0;
    }

    /** Reader thread: copies one record into the next slot. */
    void write(DirectBuffer data, int offset, int ringIndex, long now) {
        Cursor[] m = members;
        if (m != adopted) {
            adopt(m);
        }
        if (m.length == 0) {
            return; // kept for listeners on the reader thread, which join when they are demoted
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
            for (Cursor c : filtered) {
                if (c.filter.matches(lane, type)) {
                    c.matchedFiltered.setOpaque(c.matchedFiltered.getPlain() + 1);
                }
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

    /** Reader thread: new cursors start at the next slot and gate the ring; removed ones stop. */
    private void adopt(Cursor[] m) {
        publish(); // a new sequence starts at the cursor: nothing may be written and unpublished
        long next = written.getPlain();
        for (Cursor c : adopted) {
            if (!contains(m, c)) {
                ring.removeGatingSequence(c.sequence);
                if (c.start >= 0) {
                    c.end = next;
                }
            }
        }
        for (Cursor c : m) {
            if (!contains(adopted, c)) {
                c.start = next;
                ring.addGatingSequences(c.sequence); // sets it to the last published sequence, next - 1
                LockSupport.unpark(c.owner);
            }
        }
        adopted = m;
        filtered = Arrays.stream(m).filter(c -> !c.filter.matchesAll()).toArray(Cursor[]::new);
    }

    private static boolean contains(Cursor[] a, Cursor c) {
        for (Cursor x : a) {
            if (x == c) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reader thread, before writing sequence {@code n} into a full ring: every cursor still holding
     * the event to be overwritten (n - capacity) loses its oldest chunk of events, counted as dropped.
     */
    private void dropOldest(long n) {
        long overwritten = n - capacity;
        for (Cursor c : adopted) {
            long at;
            while ((at = c.sequence.get()) < overwritten) {
                long to = Math.min(n - 1, overwritten + chunk - 1);
                if (c.sequence.compareAndSet(at, to)) {
                    c.drop(countMatching(c.filter, at + 1, to));
                    break;
                }
            }
        }
    }

    /** Events of sequences from .. to (inclusive) that match the filter. */
    private long countMatching(SubscriberFilter filter, long from, long to) {
        if (filter.matchesAll()) {
            return to - from + 1;
        }
        long c = 0;
        for (long q = from; q <= to; q++) {
            long[] e = ring.get(q);
            if (filter.matches(EventSlot.lane(e, 0), EventSlot.type(e, 0))) {
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
