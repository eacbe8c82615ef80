package org.scxgamer.core.kernel;

import java.util.List;

import org.scxgamer.api.control.InjectResult;
import org.scxgamer.api.control.InjectedEvent;

/** Pushes events and device (dis)connections through the code the input hook runs for real devices. */
public interface Injector {

    InjectResult inject(List<InjectedEvent> events, int repeat, boolean valueSequence);

    /**
     * Connects (as if it registered) or disconnects (as if it unregistered) an injected device under
     * {@code deviceKey}, through the code the input hook runs for real devices. Throws if INJECTOR is not ACTIVE.
     */
    void injectDevice(long deviceKey, int bus, int vendor, int product, boolean connect);
}
