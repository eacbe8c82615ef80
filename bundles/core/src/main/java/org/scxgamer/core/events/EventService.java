package org.scxgamer.core.events;

import java.util.List;

import org.scxgamer.api.event.InputEventService;
import org.scxgamer.api.event.SubscriberInfo;

/** The event service's face: what the hub and the ring reader say about the event path. */
public final class EventService implements InputEventService {
    private final EventHub hub;
    private final RingPump pump;

    public EventService(EventHub hub, RingPump pump) {
        this.hub = hub;
        this.pump = pump;
    }

    @Override
    public List<SubscriberInfo> subscribers() {
        return hub.subscribers();
    }

    @Override
    public long eventsRead() {
        return hub.read();
    }

    @Override
    public boolean busyPoll() {
        return pump.busyPoll();
    }
}
