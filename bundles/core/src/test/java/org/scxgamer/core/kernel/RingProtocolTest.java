package org.scxgamer.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The record walk of {@link MappedRings} on buffers laid out like a kernel ring (data mapped twice). */
class RingProtocolTest {
    private static final int SIZE = 256;
    private ByteBuffer cons;
    private ByteBuffer prod;
    private ByteBuffer data;
    private final List<Integer> values = new ArrayList<>();
    private final RingReader.RecordHandler handler = (d, offset, ring) -> values.add(d.getInt(offset + Contract.EVENT_VALUE));

    @BeforeEach
    void rings() {
        cons = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
        prod = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
        data = ByteBuffer.allocateDirect(2 * SIZE).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Writes a record at pos (in both copies of the data area) and returns the next position. */
    private long put(long pos, int headerBits, int value) {
        for (int copy = 0; copy < 2; copy++) {
            int at = (int) (pos & (SIZE - 1)) + copy * SIZE;
            if (at + Contract.RING_RECORD_SIZE > 2 * SIZE) {
                continue;
            }
            data.putInt(at, Contract.EVENT_SIZE | headerBits);
            data.putInt(at + Contract.RING_HEADER_SIZE + Contract.EVENT_VALUE, value);
        }
        return pos + Contract.RING_RECORD_SIZE;
    }

    private int drain() {
        return MappedRings.drainRing(new UnsafeBuffer(cons), new UnsafeBuffer(prod), new UnsafeBuffer(data), SIZE - 1, 0, handler);
    }

    @Test
    void discardedRecordsAreSkippedAndBusyStops() {
        long p = put(0, 0, 1);
        p = put(p, Contract.RING_DISCARD_BIT, 2);
        p = put(p, 0, 3);
        long busyAt = p;
        p = put(p, Contract.RING_BUSY_BIT, 4);
        put(p, 0, 5);
        prod.putLong(0, p + Contract.RING_RECORD_SIZE);
        assertThat(drain()).isEqualTo(2);
        assertThat(values).containsExactly(1, 3);
        assertThat(cons.getLong(0)).as("consumer stops at the busy record").isEqualTo(busyAt);

        put(busyAt, 0, 4); // committed now
        assertThat(drain()).isEqualTo(2);
        assertThat(values).containsExactly(1, 3, 4, 5);
        assertThat(cons.getLong(0)).isEqualTo(prod.getLong(0));
        assertThat(drain()).isZero();
    }

    @Test
    void recordsWrapAroundTheRingEnd() {
        // Free-running positions far past the ring size; one record straddles the end and reads from the second copy.
        long start = 5L * SIZE - Contract.RING_RECORD_SIZE / 2;
        cons.putLong(0, start);
        long p = start;
        for (int v = 10; v < 14; v++) {
            p = put(p, 0, v);
        }
        prod.putLong(0, p);
        assertThat(drain()).isEqualTo(4);
        assertThat(values).containsExactly(10, 11, 12, 13);
        assertThat(cons.getLong(0)).isEqualTo(p);
    }

    /** Headers are read without a bounds check, so the data area must be mapped twice as the mask says. */
    @Test
    void aDataAreaSmallerThanTwiceTheRingIsRefused() {
        UnsafeBuffer once = new UnsafeBuffer(ByteBuffer.allocateDirect(SIZE));
        assertThatThrownBy(() -> MappedRings.drainRing(new UnsafeBuffer(cons), new UnsafeBuffer(prod), once, SIZE - 1, 0, handler))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(SIZE + " bytes").hasMessageContaining("" + 2 * SIZE);
    }
}
