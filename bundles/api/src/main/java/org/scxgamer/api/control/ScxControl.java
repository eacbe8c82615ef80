package org.scxgamer.api.control;

import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The core's control service. Methods that change the kernel side throw {@link IllegalStateException}
 * naming the part when it is not active, and {@link IllegalArgumentException} for bad values.
 */
@ProviderType
public interface ScxControl {
    List<PartStatus> parts();

    /** The CPU topology the scheduler places by, as read when the kernel side loaded. */
    Topology topology();

    /** Kernel facts: release, sched_ext presence and state, BPF capabilities seen at load. */
    Map<String, String> kernelFacts();

    /**
     * Named counters, at least: events.seen, events.injected, events.hook, events.missed.hook (events the
     * kernel did not hand to the hook because it was already running on that CPU), events.submitted,
     * events.filtered, events.read, events.delivered, events.dropped.kernel, events.dropped.subscribers,
     * lane.mouse, lane.keyboard, lane.controller, keys.pressed, keys.released, keys.held, boosts,
     * ring.N.dropped.
     */
    Map<String, Long> counters();

    /** The input devices connected now (each connection its own id), by id. */
    List<DeviceInfo> devices();

    /** Devices that disconnected, oldest first: the last few the kernel side keeps (a bounded history). */
    List<DeviceInfo> deviceHistory();

    List<WhitelistRule> whitelist();

    /** Replaces the whitelist; cached device classifications are redone on their next event. */
    void setWhitelist(List<WhitelistRule> rules);

    Map<Tunable, Long> tunables();

    /**
     * Sets some tunables atomically (the kernel sees all or none of the change). Policies that set the
     * same tunable: the last writer wins and the core logs a warning naming both sources.
     * @param source who sets them (shown in logs and {@link Topics#TUNABLES_CHANGED})
     */
    void setTunables(Map<Tunable, Long> values, String source);

    /**
     * Pushes events through the kernel handling code ({@code repeat} times; valueSequence adds the repeat index).
     * An injected device (one per deviceKey) is learned on its first event, like a device connected before the
     * input hook, and stays in {@link #devices()} until the kernel objects reload: injected devices never unplug.
     */
    InjectResult inject(List<InjectedEvent> events, int repeat, boolean valueSequence);

    SchedulerStatus scheduler();

    /** Detaches and attaches the scheduler again. */
    void restartScheduler();

    /** Puts a thread in a class (DEFAULT removes it from the class map). */
    void classify(int tid, TaskClass taskClass);

    Map<Integer, TaskClass> classes();

    /** Sets the foreground process (0 for none). */
    void setForeground(int tgid);

    int foreground();
}
