package org.scxgamer.api.event;

/**
 * Delivery accounting for one listener: every event that matched its filters was either delivered
 * or dropped (queue full), and failures counts exceptions it threw.
 */
public record SubscriberInfo(long serviceId, String bundle, String name, int queueCapacity,
                             long matched, long delivered, long dropped, long failures, int queued) {
}
