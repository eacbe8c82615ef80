package org.scxgamer.core.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;
import org.scxgamer.api.event.InputEventListener;
import org.scxgamer.api.event.Lane;

/**
 * The shared ring's claim protocol, step by step on one thread (no delivery thread started): the reader
 * never overwrites a slot at or after a subscriber's claim without first moving the claim past it, so a
 * delivery thread whose copy went stale always fails its claim, and everything taken from it is counted.
 */
class FanoutTest {
    private static final int CAPACITY = 64;
    private final ByteBuffer record = Records.buffer(1);
    private final Fanout ring = new Fanout(CAPACITY);
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

    @Test
    void aCopyOverwrittenMeanwhileCannotBeClaimedAndTheReaderCountsWhatItTook() {
        Subscriber s = subscriber(null);
        write(0, 2);
        ring.publish();
        long first = s.claim.get();
        assertThat(first).isZero();
        long[] copy = new long[EventSlot.WORDS];
        ring.copy(first, 1, copy); // the delivery thread copied slot 0 and has not claimed it yet
        for (int v = 1; v <= CAPACITY; v++) {
            write(v, 2); // the reader laps it: slot 0 is overwritten by event 64
        }
        ring.publish();
        assertThat(s.take(first, 1)).as("claim of a copy the reader overwrote").isFalse();
        long taken = s.claim.get();
        assertThat(taken).isPositive();
        assertThat(s.dropped()).isEqualTo(taken);
        assertThat(s.matched()).isEqualTo(CAPACITY + 1);
        assertThat(s.matched() - s.dropped()).as("left for the subscriber").isLessThanOrEqualTo(CAPACITY);
        // What is left is intact: the oldest slot not taken still holds its own event.
        ring.copy(taken, 1, copy);
        EventSlot e = new EventSlot(copy);
        e.at(0);
        assertThat(e.value()).isEqualTo((int) taken);
        assertThat(s.take(taken, 1)).isTrue();
    }

    @Test
    void aClaimedBatchCountsAgainstTheCapacityAndIsNeverTakenBack() {
        Subscriber s = subscriber(null);
        write(0, 2);
        ring.publish();
        assertThat(s.take(0, 1)).isTrue(); // claimed (batch is 1 at this capacity), now "in the listener"
        for (int v = 1; v <= 3 * CAPACITY; v++) {
            write(v, 2);
        }
        assertThat(s.claim.get()).as("the reader skips the claimed event, takes only unclaimed ones").isGreaterThan(1);
        // The claimed event is not counted as dropped: matched = delivered (0) + dropped + queued.
        assertThat(s.matched() - s.dropped()).as("queued incl. the claimed one").isLessThanOrEqualTo(CAPACITY)
                .isGreaterThanOrEqualTo(CAPACITY - 1);
    }

    @Test
    void aFilteredSubscriberIsChargedOnlyForMatchingEventsTaken() {
        Subscriber s = subscriber(new int[] {1});
        for (int v = 0; v <= 2 * CAPACITY; v++) {
            write(v, v % 4 == 0 ? 1 : 2);
        }
        long taken = s.claim.get();
        assertThat(taken).isPositive();
        assertThat(s.dropped()).isEqualTo((taken + 3) / 4);
        assertThat(s.matched()).isEqualTo((2 * CAPACITY) / 4 + 1);
    }
}
