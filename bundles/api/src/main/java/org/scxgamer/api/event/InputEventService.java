package org.scxgamer.api.event;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** The event service: published by the core while its ring reader runs. */
@ProviderType
public interface InputEventService {
    /** Listeners currently tracked, with their accounting. */
    List<SubscriberInfo> subscribers();

    /** Records read from the rings since start. */
    long eventsRead();

    /** Whether the reader waits with epoll (false) or busy-polls (true). */
    boolean busyPoll();
}
