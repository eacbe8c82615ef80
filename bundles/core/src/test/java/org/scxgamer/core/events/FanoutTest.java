package org.scxgamer.core.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.scxgamer.api.event.Lane;

/**
 * The shared ring's drop-oldest protocol, step by step on one thread through cursors alone (no
 * subscriber, no delivery thread): the reader never overwrites an event a consumer has not taken
 * without first moving the consumer's cursor past it, so a consumer whose copy went stale always fails
 * to advance, and everything the reader dropped is counted in the cursor.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a ring still gated by a subscriber would make the reader wait: fail, not hang
class FanoutTest {
    private static final int CAPACITY = 64;
    private final UnsafeBuffer record = Records.buffer(1);
    private final Fanout ring = new Fanout(CAPACITY, 1, TimeUnit.SECONDS);

    private Fanout.Cursor join(Object types) {
        return ring.join(SubscriberFilter.of(null, types, CAPACITY, null), Thread.currentThread());
    }

    /** What a delivery thread does: copy first, then advance. */
    private boolean take(Fanout.Cursor c, long last, int n) {
        ring.copy(last + 1, n, new long[n * EventSlot.WORDS]);
        return c.advance(last, n);
    }

    private void write(int value, int type) {
        Records.put(record, 0, value, value, type, 0, value, 0, Lane.MOUSE.id(), 0);
        ring.write(record, 0, 0, 0);
    }

    private static int value(long[] copy) {
        EventSlot e = new EventSlot(copy);
        e.at(0);
        return e.value();
    }

    @Test
    void aCopyOverwrittenMeanwhileCannotBeTakenAndTheReaderCountsWhatItDropped() {
        Fanout.Cursor s = join(null);
        write(0, 2);
        ring.publish();
        long last = s.last();
        assertThat(last).isEqualTo(-1);
        long[] copy = new long[EventSlot.WORDS];
        ring.copy(last + 1, 1, copy); // the delivery thread copied event 0 and has not advanced yet
        for (int v = 1; v <= CAPACITY; v++) {
            write(v, 2); // the reader laps it: event 0's slot now holds event 64
        }
        ring.publish();
        assertThat(s.advance(last, 1)).as("advance past a copy the reader overwrote").isFalse();
        long dropped = s.last() + 1;
        assertThat(dropped).isPositive();
        assertThat(s.dropped()).isEqualTo(dropped);
        assertThat(s.matched()).isEqualTo(CAPACITY + 1);
        assertThat(s.matched() - s.dropped()).as("left for the consumer").isEqualTo(CAPACITY);
        // What is left is intact: the oldest event not dropped is still in its slot.
        assertThat(take(s, s.last(), 1)).isTrue();
        ring.copy(dropped, 1, copy);
        assertThat(value(copy)).isEqualTo((int) dropped);
    }

    @Test
    void aTakenEventIsNeverDroppedAndAFullQueueLosesOnlyItsOldest() {
        Fanout.Cursor s = join(null);
        write(0, 2);
        ring.publish();
        assertThat(take(s, -1, 1)).isTrue(); // event 0 is now in the listener's hands
        for (int v = 1; v <= 3 * CAPACITY; v++) {
            write(v, 2);
        }
        ring.publish();
        // 3 * CAPACITY written after the taken one, CAPACITY of them fit: the oldest 2 * CAPACITY are dropped.
        assertThat(s.dropped()).isEqualTo(2L * CAPACITY);
        assertThat(s.last()).isEqualTo(2L * CAPACITY);
        long[] copy = new long[EventSlot.WORDS];
        ring.copy(s.last() + 1, 1, copy);
        assertThat(value(copy)).as("oldest event left").isEqualTo(2 * CAPACITY + 1);
    }

    @Test
    void aFilteredCursorIsChargedOnlyForMatchingEventsDropped() {
        Fanout.Cursor s = join(new int[] {1});
        for (int v = 0; v <= 2 * CAPACITY; v++) {
            write(v, v % 4 == 0 ? 1 : 2);
        }
        long droppedEvents = s.last() + 1;
        assertThat(droppedEvents).isEqualTo(CAPACITY + 1);
        assertThat(s.dropped()).isEqualTo((droppedEvents + 3) / 4);
        assertThat(s.matched()).isEqualTo((2 * CAPACITY) / 4 + 1);
    }

    @Test
    void aCursorThatLeavesNoLongerGatesTheRing() {
        Fanout.Cursor s = join(null);
        write(0, 2);
        assertThat(ring.leave(s)).as("no consumers remain").isFalse();
        for (int v = 1; v <= 2 * CAPACITY; v++) {
            write(v, 2);
        }
        assertThat(s.dropped()).as("nothing counted against a cursor that left").isZero();
        assertThat(s.matched()).isEqualTo(1);
    }
}
