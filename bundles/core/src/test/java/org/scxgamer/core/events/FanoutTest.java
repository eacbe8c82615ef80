package org.scxgamer.core.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.scxgamer.api.event.InputEventListener;
import org.scxgamer.api.event.Lane;

/**
 * The shared ring's drop-oldest protocol, step by step on one thread (no delivery thread started): the
 * reader never overwrites an event a subscriber has not taken without first moving the subscriber's
 * sequence past it, so a delivery thread whose copy went stale always fails to take it, and everything
 * the reader dropped is counted.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a ring still gated by a subscriber would make the reader wait: fail, not hang
class FanoutTest {
    private static final int CAPACITY = 64;
    private final ByteBuffer record = Records.buffer(1);
    private final Fanout ring = new Fanout(CAPACITY, 1, TimeUnit.SECONDS);
    private final InputEventListener ignore = e -> { };

    private Subscriber subscriber(Object types) {
        Subscriber s = new Subscriber(1, "test", "s", ignore, SubscriberFilter.of(null, types, CAPACITY), ring);
        ring.members = new Subscriber[] {s};
        return s;
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
        Subscriber s = subscriber(null);
        write(0, 2);
        ring.publish();
        long last = s.consumed.get();
        assertThat(last).isEqualTo(-1);
        long[] copy = new long[EventSlot.WORDS];
        ring.copy(last + 1, 1, copy); // the delivery thread copied event 0 and has not advanced yet
        for (int v = 1; v <= CAPACITY; v++) {
            write(v, 2); // the reader laps it: event 0's slot now holds event 64
        }
        ring.publish();
        assertThat(s.consumed.compareAndSet(last, last + 1)).as("advance past a copy the reader overwrote").isFalse();
        long dropped = s.consumed.get() + 1;
        assertThat(dropped).isPositive();
        assertThat(s.dropped()).isEqualTo(dropped);
        assertThat(s.matched()).isEqualTo(CAPACITY + 1);
        assertThat(s.matched() - s.dropped()).as("left for the subscriber").isEqualTo(CAPACITY);
        // What is left is intact: the oldest event not dropped is still in its slot.
        assertThat(s.take(s.consumed.get(), 1)).isTrue();
        ring.copy(dropped, 1, copy);
        assertThat(value(copy)).isEqualTo((int) dropped);
    }

    @Test
    void aTakenEventIsNeverDroppedAndAFullQueueLosesOnlyItsOldest() {
        Subscriber s = subscriber(null);
        write(0, 2);
        ring.publish();
        assertThat(s.take(-1, 1)).isTrue(); // event 0 is now in the listener's hands
        for (int v = 1; v <= 3 * CAPACITY; v++) {
            write(v, 2);
        }
        ring.publish();
        // 3 * CAPACITY written after the taken one, CAPACITY of them fit: the oldest 2 * CAPACITY are dropped.
        assertThat(s.dropped()).isEqualTo(2L * CAPACITY);
        assertThat(s.consumed.get()).isEqualTo(2L * CAPACITY);
        long[] copy = new long[EventSlot.WORDS];
        ring.copy(s.consumed.get() + 1, 1, copy);
        assertThat(value(copy)).as("oldest event left").isEqualTo(2 * CAPACITY + 1);
    }

    @Test
    void aFilteredSubscriberIsChargedOnlyForMatchingEventsDropped() {
        Subscriber s = subscriber(new int[] {1});
        for (int v = 0; v <= 2 * CAPACITY; v++) {
            write(v, v % 4 == 0 ? 1 : 2);
        }
        long droppedEvents = s.consumed.get() + 1;
        assertThat(droppedEvents).isEqualTo(CAPACITY + 1);
        assertThat(s.dropped()).isEqualTo((droppedEvents + 3) / 4);
        assertThat(s.matched()).isEqualTo((2 * CAPACITY) / 4 + 1);
    }

    @Test
    void aSubscriberThatLeavesNoLongerGatesTheRing() {
        Subscriber s = subscriber(null);
        write(0, 2);
        ring.members = new Subscriber[0];
        for (int v = 1; v <= 2 * CAPACITY; v++) {
            write(v, 2);
        }
        assertThat(s.dropped()).as("nothing counted against a removed subscriber").isZero();
        assertThat(s.matched()).isEqualTo(1);
    }
}
