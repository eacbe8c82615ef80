package org.scxgamer.core.events;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

import com.lmax.disruptor.Sequence;

/**
 * One shared ring for the subscribers that asked for the same queue capacity: the reader writes each
 * event once, every subscriber's delivery thread reads it from there with a sequence of its own.
 *
 * <p>Nothing a subscriber does can make the reader wait or slow down the others. A delivery thread
 * takes a batch by copying it out of the ring and then claiming it (compare-and-set of its claim
 * sequence, which fails if the reader took those slots meanwhile). A subscriber may hold at most
 * {@link #capacity} events (what it claimed and has not delivered plus the unclaimed slots behind the
 * reader); when it falls further behind, the reader claims the oldest unclaimed slots itself, in
 * chunks, and counts the matching ones as dropped for that subscriber. The reader overwrites a slot
 * only after every subscriber's claim has passed it, so a successful claim always covers an intact copy.
 *
 * <p>Reader-thread state is plain fields; the ring and the reader's claims need no lock.
 */
final class Fanout {
    final int capacity;
    /** Most slots one delivery thread claims at once. */
    final int batch;
    /** Slots the reader claims for a lagging subscriber beyond the minimum: one steal per chunk, not per event. */
    private final int stealExtra;
    private final int flushEvery;
    private final int mask;
    /** capacity entries of {@link EventSlot#WORDS} longs. */
    private final long[] entries;
    /** Highest published sequence: delivery threads read up to here. */
    private final Sequence cursor = new Sequence(-1);
    /** Slots written so far (reader thread writes; read by {@link Subscriber#matched()}). */
    private final AtomicLong written = new AtomicLong();
    /** Changed copy-on-write under the hub's lock; the reader adopts each new array on its next event. */
    volatile Subscriber[] members = new Subscriber[0];

    // Reader thread only.
    private Subscriber[] adopted = new Subscriber[0];
    private Subscriber[] filtered = new Subscriber[0];
    private long pendingLow = -1;
    /** Highest sequence that can be written without looking at the subscribers' claims. */
    private long safeUntil = Long.MAX_VALUE;

    Fanout(int capacity) {
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.batch = Math.max(1, Math.min(256, capacity / 64));
        this.stealExtra = capacity / 64 - 1;
        // Publishing wakes parked delivery threads: often enough that they work while the reader drains,
        // seldom enough that wake-ups stay rare per event.
        this.flushEvery = Math.max(1, Math.min(capacity / 4, 4096));
        this.entries = new long[capacity * EventSlot.WORDS];
    }

    /** Reader thread: copies one record into the next slot. */
    void write(ByteBuffer data, int offset, int ring, long now) {
        Subscriber[] m = members;
        if (m != adopted) {
            adopt(m);
        }
        long n = written.getPlain();
        if (n > safeUntil) {
            makeRoom(n);
        }
        int i = ((int) n & mask) * EventSlot.WORDS;
        EventSlot.pack(data, offset, ring, now, entries, i);
        if (filtered.length > 0) {
            int lane = EventSlot.lane(entries, i), type = EventSlot.type(entries, i);
            for (Subscriber s : filtered) {
                s.countIfMatches(lane, type);
            }
        }
        written.setOpaque(n + 1);
        if (pendingLow < 0) {
            pendingLow = n;
        }
        if (n - pendingLow + 1 >= flushEvery) {
            publish();
        }
    }

    /** Reader thread: makes what {@link #write} stored since the last call visible and wakes parked delivery threads. */
    void publish() {
        if (pendingLow < 0) {
            return;
        }
        pendingLow = -1;
        // A volatile store: ordered before the waiter reads below (a delivery thread announces itself,
        // then re-reads the cursor before it parks).
        cursor.setVolatile(written.getPlain() - 1);
        for (Subscriber s : adopted) {
            s.wake();
        }
    }

    /** New subscribers start at the next slot; removed ones stop counting. */
    private void adopt(Subscriber[] m) {
        long n = written.getPlain();
        for (Subscriber s : adopted) {
            if (!contains(m, s)) {
                s.retire(n);
            }
        }
        int f = 0;
        for (Subscriber s : m) {
            s.adopt(n);
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
        safeUntil = -1; // recomputed at the next write
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
     * Reader thread, before writing slot {@code n}: a subscriber may hold at most capacity events, the
     * ones it claimed and has not delivered plus the unclaimed slots behind the reader; this also keeps
     * slot n - capacity, about to be overwritten, behind every claim. Claims the oldest slots of a
     * subscriber that lags further, in chunks, and counts them as dropped.
     */
    private void makeRoom(long n) {
        long min = Long.MAX_VALUE;
        for (Subscriber s : adopted) {
            long e;
            long keepFrom;
            while ((e = s.claim.get()) < (keepFrom = n + 1 - capacity + s.held())) {
                long to = Math.min(n, keepFrom + stealExtra);
                if (s.claim.compareAndSet(e, to)) {
                    s.dropped(countMatching(s, e, to));
                    e = to;
                    break;
                }
            }
            min = Math.min(min, e);
        }
        // A subscriber holds at most batch claimed events: until then no claim needs a look.
        safeUntil = min == Long.MAX_VALUE ? Long.MAX_VALUE : min + capacity - batch - 1;
    }

    private long countMatching(Subscriber s, long from, long to) {
        if (s.filter().matchesAll()) {
            return to - from;
        }
        long c = 0;
        for (long q = from; q < to; q++) {
            int i = ((int) q & mask) * EventSlot.WORDS;
            if (s.filter().matches(EventSlot.lane(entries, i), EventSlot.type(entries, i))) {
                c++;
            }
        }
        return c;
    }

    /** Copies the entries of slots first .. first + n - 1 (n at most capacity) into {@code to} from index 0. */
    void copy(long first, int n, long[] to) {
        int from = (int) first & mask;
        int head = Math.min(n, capacity - from);
        System.arraycopy(entries, from * EventSlot.WORDS, to, 0, head * EventSlot.WORDS);
        if (head < n) {
            System.arraycopy(entries, 0, to, head * EventSlot.WORDS, (n - head) * EventSlot.WORDS);
        }
    }

    long published() {
        return cursor.get();
    }

    long written() {
        return written.getOpaque();
    }
}
