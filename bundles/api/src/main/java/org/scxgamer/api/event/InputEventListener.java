package org.scxgamer.api.event;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard listener: register it as an OSGi service and the core starts delivering events to it
 * on a thread of its own, through a bounded queue. A listener that is slow, blocks or throws only
 * loses its own events (counted per subscriber, see {@link InputEventService#subscribers()}).
 *
 * <p>Optional service properties narrow what is delivered: {@link #LANES}, {@link #TYPES},
 * {@link #QUEUE_CAPACITY}; {@link #NON_BLOCKING} asks for delivery on the ring reader's thread.
 */
@ConsumerType
public interface InputEventListener {
    /** Service property: lane names (String or String[], e.g. "MOUSE") to receive; default all. */
    String LANES = "scxgamer.event.lanes";
    /** Service property: input event types (Integer or int[]/Integer[]/String[], e.g. 1 for EV_KEY); default all. */
    String TYPES = "scxgamer.event.types";
    /** Service property: queue capacity (rounded up to a power of two, 64 .. 1048576); default 8192. */
    String QUEUE_CAPACITY = "scxgamer.event.queue.capacity";
    int DEFAULT_QUEUE_CAPACITY = 8192;
    /**
     * Service property: {@code true} (Boolean or String) declares that {@link #onEvent} never blocks and returns
     * within a few microseconds (no I/O, no sleeping, no lock another thread holds for long). The core then calls
     * the listener on the ring reader's thread, in batches of the events one drain read, with no queue and no
     * thread hand-off. A listener that throws, exceeds the reader's budget for a batch (1 ms for up to 32 events;
     * 10 ms for its first events, while its code is still being compiled) in most of its recent batches, or blocks the
     * reader for more than 20 ms (100 ms in its first events) three times in a short while, is moved to a delivery
     * thread and queue of its own for good, logged and reported as {@link SubscriberInfo#demoted()}; until then it
     * may hold the reader up for a few batches. Default false.
     * @since 1.1
     */
    String NON_BLOCKING = "scxgamer.event.nonblocking";

    /**
     * Called on the listener's own delivery thread (on the reader's thread for a {@link #NON_BLOCKING} listener),
     * in ring order per ring. The event is reused after return.
     */
    void onEvent(InputEvent event);

    /**
     * Called when the core had to drop events for this listener because its queue was full: a listener
     * that falls behind by more than its queue loses its oldest waiting events, so it resumes with recent input.
     * @param count events dropped since the last call
     */
    default void onDropped(long count) {
    }
}
