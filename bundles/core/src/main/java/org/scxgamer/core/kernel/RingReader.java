package org.scxgamer.core.kernel;

import org.agrona.DirectBuffer;

/**
 * Reads the 16 mmapped ring buffers directly (no native call per record). Single consumer thread.
 */
public interface RingReader {

    /** Receives one record; the payload is valid only during the call. */
    @FunctionalInterface
    interface RecordHandler {
        /**
         * @param data   the ring's data area, native (little-endian) order; read only (the mapping is read-only:
         *               a write would crash the JVM)
         * @param offset payload offset of a {@link Contract#EVENT_SIZE}-byte scxg_event
         * @param ring   ring index 0..15
         */
        void onRecord(DirectBuffer data, int offset, int ring);
    }

    /** Drains every ring once, publishing the consumer position after each record. Returns records handled. */
    int drain(RecordHandler handler);

    /**
     * Waits with epoll until a ring has data, {@link #wakeup()} is called, or the timeout passes.
     * @param timeoutMillis negative: no timeout
     * @return true if data may be available
     */
    boolean await(long timeoutMillis);

    /** Makes a concurrent or the next {@link #await} return at once (shutdown). */
    void wakeup();

    /** Bytes of data waiting in ring {@code ring} (producer - consumer position). */
    long pending(int ring);
}
