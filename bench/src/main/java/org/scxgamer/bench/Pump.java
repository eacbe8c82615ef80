package org.scxgamer.bench;

import org.scxgamer.core.events.EventHub;
import org.scxgamer.core.events.RingPump;
import org.scxgamer.core.kernel.RingReader;

/** The core's own reader thread (RingPump) on a rig's rings: the production wait path (epoll or busy-poll). */
final class Pump implements AutoCloseable {
    private final RingPump pump;

    Pump(RingReader rings, EventHub hub, boolean busyPoll) {
        pump = new RingPump(hub);
        pump.attach(rings, busyPoll);
    }

    @Override
    public void close() {
        pump.stop();
    }
}
