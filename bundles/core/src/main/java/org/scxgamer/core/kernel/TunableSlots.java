package org.scxgamer.core.kernel;

import java.util.Map;

import org.scxgamer.api.control.Tunable;

/** The live tunables as BPF reads them: a double-buffered pair of slots, switched atomically. */
public interface TunableSlots {

    /** Writes a complete tunables set atomically (inactive slot, then flip). */
    void writeTunables(Map<Tunable, Long> values);

    Map<Tunable, Long> readTunables();
}
