package org.scxgamer.core.kernel;

import java.util.List;
import java.util.Map;

import org.scxgamer.api.control.DeviceInfo;
import org.scxgamer.api.control.ExitInfo;
import org.scxgamer.api.control.InjectResult;
import org.scxgamer.api.control.InjectedEvent;
import org.scxgamer.api.control.PartStatus;
import org.scxgamer.api.control.TaskClass;
import org.scxgamer.api.control.Tunable;
import org.scxgamer.api.control.WhitelistRule;

/**
 * Everything the core does with the kernel: the loaded BPF objects, their maps and links.
 * Thread-safe except where noted. Methods that need a part that is not ACTIVE throw
 * {@link IllegalStateException} naming the part and its reason.
 */
public interface Kernel extends AutoCloseable {

    /** One status per {@link org.scxgamer.api.control.Part}, in enum order. */
    List<PartStatus> parts();

    /** Kernel release, sched_ext presence/state, libbpf version, … for status output. */
    Map<String, String> facts();

    /** The ring reader; only one thread may use it. Throws if BUFFERS is not ACTIVE. */
    RingReader rings();

    /** Input counters summed over CPUs, indexed by {@link Contract} STAT_* indices. */
    long[] inputStats();

    /**
     * Events the kernel did not hand to the input hook because the hook was already running on that CPU
     * (the program's recursion_misses); 0 without an attached hook.
     */
    long hookMisses();

    InjectResult inject(List<InjectedEvent> events, int repeat, boolean valueSequence);

    /**
     * Connects (as if it registered) or disconnects (as if it unregistered) an injected device under
     * {@code deviceKey}, through the code the input hook runs for real devices. Throws if INJECTOR is not ACTIVE.
     */
    void injectDevice(long deviceKey, int bus, int vendor, int product, boolean connect);

    /** Replaces the whitelist map and bumps the rules generation. */
    void setRules(List<WhitelistRule> rules);

    /** Connected devices (device cache entries), by id. */
    List<DeviceInfo> devices();

    /** Disconnected devices the kernel keeps (device_history), oldest first. */
    List<DeviceInfo> deviceHistory();

    /**
     * Current input state (held keys, window, continuous mode) for status output. Keys are the
     * struct scxg_input_state field names (held_keys, rules_generation, …); lane_until_ns is split
     * into lane_until_ns.none/mouse/keyboard/controller/sched.
     */
    Map<String, Long> inputState();

    /** Writes a complete tunables set atomically (inactive slot, then flip). */
    void writeTunables(Map<Tunable, Long> values);

    Map<Tunable, Long> readTunables();

    /**
     * Loads (if needed) and attaches the scheduler; updates the SCHEDULER part status instead of
     * throwing when the kernel cannot take it. No-op while attached; after a detach or an ejection a
     * fresh object is loaded. Throws {@link IllegalStateException} only if disabled by configuration.
     */
    void attachScheduler();

    /** Destroys the struct_ops link (the kernel falls back to the default scheduler). Idempotent. */
    void detachScheduler();

    /** Whether our struct_ops link is still held and the kernel shows our ops enabled. */
    boolean schedulerAttached();

    /** The last exit info written by ops.exit, or null if none yet. */
    ExitInfo lastExit();

    /** Scheduler counters summed over CPUs, indexed by {@link Contract} SCHED_STAT_* indices. */
    long[] schedStats();

    void setTaskClass(int tid, TaskClass taskClass);

    Map<Integer, TaskClass> taskClasses();

    void setForeground(int tgid);

    int foreground();

    /**
     * Names the core's ring reader thread to the scheduler (0: none): it is scheduled as an input
     * handler and its wake-to-run is counted in the SCHED_STAT_READER_* counters instead of sampled.
     * The hint lives in a shared map: it holds whether the scheduler is attached or not.
     */
    void setReaderThread(int tid);

    /** Detaches and frees everything. Idempotent. Stop the ring reader thread first: the rings are unmapped. */
    @Override
    void close();
}
