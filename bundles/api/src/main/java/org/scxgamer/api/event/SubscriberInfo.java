package org.scxgamer.api.event;

/**
 * Delivery accounting for one listener: every event that matched its filters was either delivered
 * or dropped (queue full), and failures counts exceptions it threw.
 *
 * @param onReaderThread the listener is called on the ring reader's thread ({@link InputEventListener#NON_BLOCKING}
 *                       and not demoted) (since 1.1)
 * @param demoted        it declared itself non-blocking but threw or was slow, and was moved to a delivery thread of
 *                       its own (since 1.1)
 */
public record SubscriberInfo(long serviceId, String bundle, String name, int queueCapacity,
                             long matched, long delivered, long dropped, long failures, int queued,
                             boolean onReaderThread, boolean demoted) {

    /** A listener on a delivery thread of its own, as in version 1.0. */
    public SubscriberInfo(long serviceId, String bundle, String name, int queueCapacity,
                          long matched, long delivered, long dropped, long failures, int queued) {
        this(serviceId, bundle, name, queueCapacity, matched, delivered, dropped, failures, queued, false, false);
    }
}
