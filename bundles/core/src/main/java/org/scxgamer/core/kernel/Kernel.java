package org.scxgamer.core.kernel;

import java.util.List;
import java.util.Map;

import org.scxgamer.api.control.PartStatus;
import org.scxgamer.api.control.Topology;

/**
 * Everything the core does with the kernel, by concern: the {@link InputMaps}, the {@link Injector},
 * the {@link TunableSlots} and the {@link SchedulerLink}, plus the parts' states and the rings.
 * Thread-safe. Methods that need a part that is not ACTIVE throw {@link IllegalStateException} naming
 * the part and its reason.
 */
public interface Kernel extends InputMaps, Injector, TunableSlots, SchedulerLink, AutoCloseable {

    /** One status per {@link org.scxgamer.api.control.Part}, in enum order. */
    List<PartStatus> parts();

    /** The CPU topology the scheduler was given. */
    Topology topology();

    /** Kernel release, sched_ext presence/state, libbpf version, the topology, … for status output. */
    Map<String, String> facts();

    /** The ring reader; only one thread may use it. Throws if BUFFERS is not ACTIVE. */
    RingReader rings();

    /** Detaches and frees everything. Idempotent. Stop the ring reader thread first: the rings are unmapped. */
    @Override
    void close();
}
