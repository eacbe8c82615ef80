package org.scxgamer.core.internal;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.scxgamer.api.control.DeviceInfo;
import org.scxgamer.api.control.ExitInfo;
import org.scxgamer.api.control.InjectResult;
import org.scxgamer.api.control.InjectedEvent;
import org.scxgamer.api.control.Part;
import org.scxgamer.api.control.PartState;
import org.scxgamer.api.control.PartStatus;
import org.scxgamer.api.control.SchedulerStatus;
import org.scxgamer.api.control.ScxControl;
import org.scxgamer.api.control.TaskClass;
import org.scxgamer.api.control.Topics;
import org.scxgamer.api.control.Tunable;
import org.scxgamer.api.control.WhitelistRule;
import org.scxgamer.api.event.InputEventService;
import org.scxgamer.api.event.SubscriberInfo;
import org.scxgamer.core.events.EventHub;
import org.scxgamer.core.events.RingPump;
import org.scxgamer.core.kernel.Contract;
import org.scxgamer.core.kernel.Kernel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core's state machine, free of OSGi so it can be tested against a fake kernel: owns the kernel
 * (open, reload, close), the ring reader, the tunables and whitelist, and the scheduler monitor
 * ({@link #tick()}, called every {@link #tickMillis()} ms). Control-plane changes are serialised by
 * one lock; the event path (reader → subscribers) never takes it.
 */
final class CoreRuntime implements ScxControl, InputEventService {
    private static final Logger LOG = LoggerFactory.getLogger(CoreRuntime.class);
    /** Monitor period while a scheduler is attached or a restart is due: its exit is noticed within this. */
    static final long TICK_MILLIS = 200;
    /** Monitor period otherwise (part changes, overflow reports): fewer wake-ups of an idle daemon. */
    static final long IDLE_TICK_MILLIS = 1_000;
    /** At most one overflow report (log line + Event Admin burst) per this period. */
    static final long OVERFLOW_REPORT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** A scheduler that stays attached this long gets its restart attempts back. */
    static final long STABLE_NANOS = TimeUnit.SECONDS.toNanos(60);
    static final int EXIT_HISTORY = 32;

    /** Called when the event service should (dis)appear: it is published while the reader runs. */
    interface ServicePublisher {
        void eventService(boolean available);
    }

    private final KernelOpener opener;
    private final SchedExtSysfs sysfs;
    private final EventSink events;
    private final ServicePublisher publisher;
    private final EventHub hub;
    private final TunableStore tunables = new TunableStore(LOG::warn);
    private final ReentrantLock lock = new ReentrantLock();

    private volatile CoreSettings settings;
    private volatile Kernel kernel;
    private volatile String openFailure;
    private volatile List<WhitelistRule> whitelist;
    private final RingPump pump;
    /** Kernel input counters of closed kernels, so counters stay monotonic across reloads. */
    private final long[] carriedStats = new long[Contract.STAT_COUNT];
    private long carriedHookMisses;

    // Monitor state (under lock).
    private List<PartStatus> lastParts = List.of();
    private final long[] lastRingDrops = new long[Contract.RING_COUNT];
    private final long[] pendingRingDrops = new long[Contract.RING_COUNT];
    private long lastOverflowReport = System.nanoTime() - OVERFLOW_REPORT_NANOS;
    private volatile boolean schedulerExpected;
    private long attachedSince;
    private int attempts;
    private long restartAt = -1;
    private volatile int restarts;
    private final Deque<ExitInfo> exits = new ArrayDeque<>();
    /** The kernel's exit info last put into {@link #exits}, so one exit is never reported twice. */
    private ExitInfo lastReported;

    CoreRuntime(KernelOpener opener, SchedExtSysfs sysfs, EventSink events, ServicePublisher publisher, EventHub hub) {
        this.opener = opener;
        this.sysfs = sysfs;
        this.events = events;
        this.publisher = publisher;
        this.hub = hub;
        this.pump = new RingPump(hub);
    }

    // ---- lifecycle ------------------------------------------------------------------------------

    /**
     * Opens the kernel with these settings, starts the reader and attaches the scheduler if enabled.
     * @param explicit the tunables the configuration names (they get {@code source} as their setter)
     */
    void start(CoreSettings s, Map<Tunable, Long> explicit, String source) {
        lock.lock();
        try {
            settings = s;
            whitelist = s.whitelist();
            tunables.set(s.tunables(), "built-in defaults", null);
            tunables.forget();
            tunables.set(explicit, "config " + source, null);
            open();
        } finally {
            lock.unlock();
        }
    }

    /** Closes the kernel side and ends the reader thread. */
    void stop() {
        lock.lock();
        try {
            close();
            pump.stop();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Applies a new, valid configuration: live where possible (whitelist, tunables, wait mode), with a
     * kernel reload for load-time settings. {@code previous} tunable values decide what changed, so a
     * configuration edit does not undo what policies set for keys the edit did not touch.
     */
    void apply(CoreSettings next, String source) {
        lock.lock();
        try {
            CoreSettings prev = settings;
            Map<Tunable, Long> tunableChanges = new EnumMap<>(Tunable.class);
            next.tunables().forEach((t, v) -> {
                if (!v.equals(prev.tunables().get(t))) {
                    tunableChanges.put(t, v);
                }
            });
            if (!tunableChanges.isEmpty()) {
                // First, as it can fail (map update): then nothing of this configuration is in force yet.
                setTunablesLocked(tunableChanges, "config " + source, false);
            }
            settings = next;
            if (prev.needsKernelReload(next)) {
                LOG.info("Configuration from {}: {} changed; reloading the kernel objects (reader and scheduler restart)",
                        source, reloadReasons(prev, next));
                whitelist = next.whitelist();
                close();
                open();
                return;
            }
            if (!prev.whitelist().equals(next.whitelist())) {
                whitelist = next.whitelist();
                Kernel k = kernel;
                if (k != null && state(Part.BUFFERS) == PartState.ACTIVE) {
                    k.setRules(whitelist);
                }
                LOG.info("Configuration from {}: whitelist applied live ({} rules)", source, whitelist.size());
            }
            if (prev.busyPoll() != next.busyPoll()) {
                LOG.info("Configuration from {}: reader wait mode now {}", source, next.busyPoll() ? "busy-poll" : "blocking");
                pump.busyPoll(next.busyPoll());
            }
        } finally {
            lock.unlock();
        }
    }

    private static String reloadReasons(CoreSettings a, CoreSettings b) {
        List<String> r = new ArrayList<>();
        if (a.ringSizeKiB() != b.ringSizeKiB()) {
            r.add(CoreSettings.RING_SIZE_KIB + " " + a.ringSizeKiB() + " → " + b.ringSizeKiB());
        }
        if (a.hookEnabled() != b.hookEnabled()) {
            r.add(CoreSettings.HOOK_ENABLED + " → " + b.hookEnabled());
        }
        if (a.schedulerEnabled() != b.schedulerEnabled()) {
            r.add(CoreSettings.SCHEDULER_ENABLED + " → " + b.schedulerEnabled());
        }
        if (a.injectorEnabled() != b.injectorEnabled()) {
            r.add(CoreSettings.INJECTOR_ENABLED + " → " + b.injectorEnabled());
        }
        return String.join(", ", r);
    }

    private void open() {
        CoreSettings s = settings;
        // One line per load: a start should show exactly one (the runtime's start levels hand etc/ to
        // ConfigAdmin before the core activates); more mean reloads, each a reader and scheduler restart.
        LOG.info("Loading the kernel objects: rings of {} KiB; input hook {}, scheduler {}, injector {}", s.ringSizeKiB(),
                onOff(s.hookEnabled()), onOff(s.schedulerEnabled()), onOff(s.injectorEnabled()));
        Kernel k;
        try {
            k = opener.open(s);
        } catch (RuntimeException | LinkageError e) {
            openFailure = "the BPF objects could not be opened: " + e.getMessage();
            LOG.error("Kernel side unavailable, {}", openFailure, e);
            return;
        }
        openFailure = null;
        kernel = k;
        if (state(Part.BUFFERS) == PartState.ACTIVE) {
            try {
                k.setRules(whitelist);
                k.writeTunables(tunables.values());
            } catch (RuntimeException e) {
                LOG.error("Could not write the whitelist or tunables to the kernel: {}", e.getMessage(), e);
            }
            startPump();
        }
        reportParts(k.parts());
        PartState sched = state(Part.SCHEDULER);
        if (s.schedulerEnabled() && sched != PartState.UNAVAILABLE && sched != PartState.DISABLED && sched != PartState.FAILED) {
            attach("start");
        }
    }

    private static String onOff(boolean on) {
        return on ? "on" : "off";
    }

    private void close() {
        Kernel k = kernel;
        if (k == null) {
            return;
        }
        if (!stopPump()) {
            // Unmapping rings the reader still touches would crash the JVM: leave them mapped.
            LOG.error("Kernel objects left open: the ring reader still holds the rings");
            kernel = null;
            return;
        }
        if (schedulerExpected) {
            schedulerExpected = false;
            k.detachScheduler();
        }
        restartAt = -1;
        try {
            long[] last = k.inputStats();
            for (int i = 0; i < carriedStats.length && i < last.length; i++) {
                carriedStats[i] += last[i];
            }
            carriedHookMisses += k.hookMisses();
            for (int r = 0; r < Contract.RING_COUNT; r++) {
                lastRingDrops[r] = 0;
            }
        } catch (RuntimeException e) {
            // BUFFERS was not active: no counters to carry over.
        }
        kernel = null;
        k.close();
    }

    private void startPump() {
        Kernel k = kernel;
        if (k == null || pump.reading()) {
            return;
        }
        pump.attach(k.rings(), settings.busyPoll());
        publisher.eventService(true);
        favourReader(k);
    }

    /**
     * The reader is part of the input path: the scheduler runs it as an input handler (without
     * sampling it), so a saturated machine does not starve it into ring drops.
     */
    private void favourReader(Kernel k) {
        int tid = pump.tid();
        if (tid <= 0) {
            return;
        }
        try {
            k.setReaderThread(tid);
        } catch (RuntimeException e) {
            LOG.warn("Ring reader thread {} not named to the scheduler, it competes as an ordinary thread: {}", tid, e.getMessage());
        }
    }

    /** @return whether the reader let go of the rings (they may be closed) */
    private boolean stopPump() {
        if (!pump.reading()) {
            return true;
        }
        publisher.eventService(false);
        return pump.detach();
    }

    // ---- scheduler monitor ----------------------------------------------------------------------

    /** Delay before the next monitor round. */
    long tickMillis() {
        lock.lock();
        try {
            return schedulerExpected || restartAt >= 0 ? TICK_MILLIS : IDLE_TICK_MILLIS;
        } finally {
            lock.unlock();
        }
    }

    /** One monitor round: part changes, kernel overflow, scheduler exit detection and restarts. */
    void tick() {
        lock.lock();
        try {
            Kernel k = kernel;
            if (k == null) {
                return;
            }
            reportParts(k.parts());
            if (state(Part.BUFFERS) == PartState.ACTIVE) {
                checkOverflow(k.inputStats());
            }
            long now = System.nanoTime();
            if (schedulerExpected) {
                if (!k.schedulerAttached()) {
                    schedulerLeft(k);
                } else if (attempts > 0 && now - attachedSince >= STABLE_NANOS) {
                    attempts = 0;
                }
            }
            if (restartAt >= 0 && now >= restartAt) {
                restartAt = -1;
                if (attach("restart attempt " + attempts)) {
                    restarts++;
                } else {
                    scheduleRestart(exits.peekLast());
                }
            }
        } catch (RuntimeException e) {
            LOG.error("Monitor round failed: {}", e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Logs and posts the parts whose state or reason changed since the last report (all of them the first time). */
    private void reportParts(List<PartStatus> parts) {
        for (PartStatus p : parts) {
            PartStatus before = lastParts.stream().filter(o -> o.part() == p.part()).findFirst().orElse(null);
            if (before == null || before.state() != p.state() || !before.reason().equals(p.reason())) {
                LOG.info("Part {}: {}{}", p.part(), p.state(), p.reason().isEmpty() ? "" : " (" + p.reason() + ")");
                events.post(Topics.PART_CHANGED, Map.of(Topics.PART, p.part().name(), Topics.STATE, p.state().name(),
                        Topics.REASON, p.reason()));
            }
        }
        lastParts = parts;
    }

    private void checkOverflow(long[] stats) {
        boolean any = false;
        for (int r = 0; r < Contract.RING_COUNT; r++) {
            long d = stats[Contract.STAT_RING_DROP_BASE + r];
            if (d > lastRingDrops[r]) {
                pendingRingDrops[r] += d - lastRingDrops[r];
            }
            lastRingDrops[r] = d;
            any |= pendingRingDrops[r] > 0;
        }
        long now = System.nanoTime();
        if (!any || now - lastOverflowReport < OVERFLOW_REPORT_NANOS) {
            return;
        }
        lastOverflowReport = now;
        StringBuilder line = new StringBuilder();
        for (int r = 0; r < Contract.RING_COUNT; r++) {
            if (pendingRingDrops[r] > 0) {
                events.post(Topics.BUFFER_OVERFLOW, Map.of(Topics.RING, r, Topics.COUNT, pendingRingDrops[r]));
                line.append(line.length() == 0 ? "" : ", ").append("ring ").append(r).append(": ").append(pendingRingDrops[r]);
                pendingRingDrops[r] = 0;
            }
        }
        LOG.warn("Kernel dropped events on full ring buffers (reader too slow or rings too small, see {}): {}",
                CoreSettings.RING_SIZE_KIB, line);
    }

    /** Attaches (the kernel facade reports refusals through the SCHEDULER part status, not by throwing). */
    private boolean attach(String why) {
        Kernel k = kernel;
        try {
            k.attachScheduler();
        } catch (RuntimeException e) {
            LOG.warn("Scheduler not attached ({}): {}", why, e.getMessage());
            return false;
        }
        if (!k.schedulerAttached()) {
            LOG.warn("Scheduler not attached ({}): {}", why, status(Part.SCHEDULER).reason());
            // Ejected while enabling (e.g. the error recurs at once): an exit like any other.
            ExitInfo exit = k.lastExit();
            if (exit != null && !exit.equals(lastReported)) {
                reportExit(exit);
            }
            return false;
        }
        schedulerExpected = true;
        attachedSince = System.nanoTime();
        SchedExtSysfs.View v = sysfs.read();
        LOG.info("Scheduler attached ({}): sched_ext state {}, ops {}, enable_seq {}", why, v.state(), v.ops(), v.enableSeq());
        events.post(Topics.SCHEDULER_ATTACHED, Map.of(Topics.STATE, v.state(), Topics.REASON, why));
        return true;
    }

    private void schedulerLeft(Kernel k) {
        schedulerExpected = false;
        ExitInfo exit = k.lastExit();
        if (exit == null || exit.equals(lastReported)) {
            exit = new ExitInfo(Instant.now(), 0, 0, "unknown", "the scheduler is no longer attached and left no exit info");
        }
        // Our link is stale now: drop it so a later attach starts clean.
        k.detachScheduler();
        reportExit(exit);
        scheduleRestart(exit);
    }

    /** Exit history, log and Event Admin. */
    private void reportExit(ExitInfo exit) {
        lastReported = exit;
        exits.addLast(exit);
        while (exits.size() > EXIT_HISTORY) {
            exits.removeFirst();
        }
        LOG.warn("Scheduler left the kernel: kind {} ({}), code {}, reason: {}{}", exit.kind(), exitKindName(exit.kind()),
                "0x" + Long.toHexString(exit.exitCode()), exit.reason(), exit.message().isEmpty() ? "" : ", message: " + exit.message());
        events.post(Topics.SCHEDULER_EXITED, Map.of(Topics.EXIT_KIND, exit.kind(), Topics.EXIT_CODE, exit.exitCode(),
                Topics.REASON, exit.reason(), Topics.MESSAGE, exit.message()));
    }

    private void scheduleRestart(ExitInfo exit) {
        CoreSettings s = settings;
        attempts++;
        long delay = s.restartPolicy().delayMillis(exit, attempts, s.restartMaxAttempts(), s.restartBackoffMs());
        if (delay < 0) {
            String why = s.restartPolicy() == RestartPolicy.NEVER ? "policy never"
                    : attempts > s.restartMaxAttempts() ? "gave up after " + s.restartMaxAttempts() + " attempt(s)"
                    : "the exit does not ask for a restart (policy on-request)";
            LOG.warn("Scheduler not restarted: {}; use scx:restart to attach it again", why);
            return;
        }
        restartAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
        LOG.info("Scheduler restart attempt {} of {} in {} ms (policy {})", attempts, s.restartMaxAttempts(), delay,
                s.restartPolicy().text());
    }

    static String exitKindName(int kind) {
        return switch (kind) {
            case 0 -> "none";
            case 1 -> "done";
            case 64 -> "unregistered";
            case 65 -> "unregistered by BPF";
            case 66 -> "unregistered by the kernel";
            case 67 -> "sysrq";
            case 68, 69 -> "parent";
            case 1024 -> "error";
            case 1025 -> "error from BPF (scx_bpf_error)";
            case 1026 -> "runnable task stall (watchdog)";
            default -> kind >= 1024 ? "error" : "other";
        };
    }

    // ---- ScxControl -----------------------------------------------------------------------------

    private Kernel kernel(Part part) {
        Kernel k = kernel;
        if (k == null) {
            throw new IllegalStateException(part.name().toLowerCase() + " unavailable: "
                    + (openFailure != null ? openFailure : "the core is not running"));
        }
        return k;
    }

    private PartState state(Part part) {
        return status(part).state();
    }

    private PartStatus status(Part part) {
        for (PartStatus p : parts()) {
            if (p.part() == part) {
                return p;
            }
        }
        return new PartStatus(part, PartState.UNAVAILABLE, "not reported by the kernel side");
    }

    @Override
    public List<PartStatus> parts() {
        Kernel k = kernel;
        if (k != null) {
            return k.parts();
        }
        List<PartStatus> out = new ArrayList<>();
        for (Part p : Part.values()) {
            out.add(new PartStatus(p, PartState.FAILED, openFailure != null ? openFailure : "the core is not running"));
        }
        return out;
    }

    @Override
    public Map<String, String> kernelFacts() {
        Map<String, String> facts = new LinkedHashMap<>();
        Kernel k = kernel;
        if (k != null) {
            facts.putAll(k.facts());
        }
        SchedExtSysfs.View v = sysfs.read();
        facts.put("sched_ext.state", v.state());
        if (v.present()) {
            facts.put("sched_ext.ops", v.ops().isEmpty() ? "-" : v.ops());
            facts.put("sched_ext.enable_seq", Long.toString(v.enableSeq()));
        }
        CoreSettings s = settings;
        if (s != null) {
            facts.put(CoreSettings.RING_SIZE_KIB, Integer.toString(s.ringSizeKiB()));
            facts.put(CoreSettings.READER_WAIT, s.busyPoll() ? "busy-poll" : "blocking");
        }
        return facts;
    }

    @Override
    public Map<String, Long> counters() {
        // Under the lock: a reload moves the closing kernel's counters into carriedStats.
        lock.lock();
        try {
            return countersLocked();
        } finally {
            lock.unlock();
        }
    }

    private Map<String, Long> countersLocked() {
        long[] st = carriedStats.clone();
        long hookMisses = carriedHookMisses;
        Kernel k = kernel;
        Map<String, Long> inputState = Map.of();
        if (k != null && state(Part.BUFFERS) == PartState.ACTIVE) {
            long[] now = k.inputStats();
            for (int i = 0; i < st.length && i < now.length; i++) {
                st[i] += now[i];
            }
            inputState = k.inputState();
            hookMisses += k.hookMisses();
        }
        long[] t = hub.totals();
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("events.seen", st[Contract.STAT_SEEN]);
        c.put("events.hook", st[Contract.STAT_FROM_HOOK]);
        c.put("events.missed.hook", hookMisses);
        c.put("events.injected", st[Contract.STAT_INJECTED]);
        c.put("events.submitted", st[Contract.STAT_SUBMITTED]);
        c.put("events.filtered", st[Contract.STAT_FILTERED]);
        c.put("events.dropped.kernel", st[Contract.STAT_DROPPED]);
        c.put("events.read", hub.read());
        c.put("events.matched", t[0]);
        c.put("events.delivered", t[1]);
        c.put("events.dropped.subscribers", t[2]);
        c.put("listener.failures", t[3]);
        c.put("lane.mouse", st[Contract.STAT_LANE_MOUSE]);
        c.put("lane.keyboard", st[Contract.STAT_LANE_KEYBOARD]);
        c.put("lane.controller", st[Contract.STAT_LANE_CONTROLLER]);
        c.put("keys.pressed", st[Contract.STAT_KEY_PRESS]);
        c.put("keys.released", st[Contract.STAT_KEY_RELEASE]);
        c.put("keys.repeated", st[Contract.STAT_KEY_REPEAT]);
        c.put("keys.held", inputState.getOrDefault("held_keys", 0L));
        c.put("boosts", st[Contract.STAT_BOOSTS]);
        c.put("continuous.on", st[Contract.STAT_CONTINUOUS_ON]);
        c.put("device.cache.miss", st[Contract.STAT_DEVICE_CACHE_MISS]);
        for (int r = 0; r < Contract.RING_COUNT; r++) {
            c.put("ring." + r + ".dropped", st[Contract.STAT_RING_DROP_BASE + r]);
        }
        c.put("scheduler.restarts", (long) restarts);
        long[] sched = k != null && k.schedulerAttached() ? k.schedStats() : new long[Contract.SCHED_STAT_COUNT];
        if (sched.length >= Contract.SCHED_STAT_COUNT) {
            c.put("sched.enqueued", sched[Contract.SCHED_STAT_ENQUEUED]);
            c.put("sched.dispatched.direct", sched[Contract.SCHED_STAT_DIRECT_DISPATCHED]);
            c.put("sched.dispatched.shared", sched[Contract.SCHED_STAT_SHARED_DISPATCHED]);
            c.put("sched.boosted", sched[Contract.SCHED_STAT_BOOSTED]);
            c.put("sched.preempt.kicks", sched[Contract.SCHED_STAT_PREEMPT_KICKS]);
            c.put("sched.behaviour.classified", sched[Contract.SCHED_STAT_BEHAVIOUR_CLASSIFIED]);
            c.put("sched.wake.samples", sched[Contract.SCHED_STAT_WAKE_SAMPLES]);
            c.put("sched.wake.samples.dropped", sched[Contract.SCHED_STAT_WAKE_SAMPLES_DROPPED]);
            c.put("sched.wake.samples.throttled", sched[Contract.SCHED_STAT_WAKE_SAMPLES_THROTTLED]);
            c.put("sched.reader.wakeups", sched[Contract.SCHED_STAT_READER_WAKEUPS]);
            c.put("sched.reader.wake.ns", sched[Contract.SCHED_STAT_READER_WAKE_NS]);
            c.put("sched.reader.wake.slow", sched[Contract.SCHED_STAT_READER_WAKE_SLOW]);
            c.put("sched.preempt.lower", sched[Contract.SCHED_STAT_PREEMPT_LOWER]);
        }
        return c;
    }

    @Override
    public List<DeviceInfo> devices() {
        return kernel(Part.BUFFERS).devices();
    }

    @Override
    public List<WhitelistRule> whitelist() {
        List<WhitelistRule> w = whitelist;
        return w == null ? List.of() : w;
    }

    @Override
    public void setWhitelist(List<WhitelistRule> rules) {
        lock.lock();
        try {
            List<WhitelistRule> copy = List.copyOf(rules);
            kernel(Part.BUFFERS).setRules(copy);
            whitelist = copy;
            LOG.info("Whitelist replaced through the control service ({} rules); a configuration edit replaces it again", copy.size());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Map<Tunable, Long> tunables() {
        return tunables.values();
    }

    @Override
    public void setTunables(Map<Tunable, Long> values, String source) {
        lock.lock();
        try {
            setTunablesLocked(values, source == null || source.isBlank() ? "unnamed source" : source, true);
        } finally {
            lock.unlock();
        }
    }

    /**
     * @param requireKernel true for API callers (fail when the kernel side is down); configuration
     *                      values are kept and written when the kernel comes back
     */
    private void setTunablesLocked(Map<Tunable, Long> values, String source, boolean requireKernel) {
        Kernel k = kernel;
        boolean live = k != null && state(Part.BUFFERS) == PartState.ACTIVE;
        if (requireKernel && !live) {
            kernel(Part.BUFFERS);
            throw new IllegalStateException("tunables cannot be written: buffers are " + state(Part.BUFFERS));
        }
        Map<Tunable, Long> changed = tunables.set(values, source, live ? k::writeTunables : null);
        if (!changed.isEmpty()) {
            Map<String, Object> props = new HashMap<>();
            props.put(Topics.SOURCE, source);
            changed.forEach((t, v) -> props.put(t.key(), v));
            events.post(Topics.TUNABLES_CHANGED, props);
            LOG.info("Tunables set by {}{}: {}", source, live ? "" : " (kept until the kernel side is back)", changed);
        }
    }

    @Override
    public InjectResult inject(List<InjectedEvent> list, int repeat, boolean valueSequence) {
        return kernel(Part.INJECTOR).inject(list, repeat, valueSequence);
    }

    @Override
    public SchedulerStatus scheduler() {
        SchedExtSysfs.View v = sysfs.read();
        Kernel k = kernel;
        List<ExitInfo> history;
        lock.lock();
        try {
            history = List.copyOf(exits);
        } finally {
            lock.unlock();
        }
        return new SchedulerStatus(v.state(), v.ops(), v.enableSeq(), k != null && k.schedulerAttached(), restarts, history);
    }

    @Override
    public void restartScheduler() {
        lock.lock();
        try {
            if (!settings.schedulerEnabled()) {
                throw new IllegalStateException("scheduler is disabled by configuration (" + CoreSettings.SCHEDULER_ENABLED + " = false)");
            }
            Kernel k = kernel(Part.SCHEDULER);
            schedulerExpected = false;
            k.detachScheduler();
            restartAt = -1;
            attempts = 0;
            try {
                k.attachScheduler();
            } catch (RuntimeException e) {
                throw new IllegalStateException("scheduler could not be attached: " + e.getMessage(), e);
            }
            if (!k.schedulerAttached()) {
                throw new IllegalStateException("scheduler could not be attached: " + status(Part.SCHEDULER).state() + ", "
                        + status(Part.SCHEDULER).reason());
            }
            schedulerExpected = true;
            attachedSince = System.nanoTime();
            restarts++;
            LOG.info("Scheduler restarted on request");
            events.post(Topics.SCHEDULER_ATTACHED, Map.of(Topics.REASON, "restart on request"));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void classify(int tid, TaskClass taskClass) {
        if (tid <= 0) {
            throw new IllegalArgumentException("thread id " + tid + " is not a thread id (> 0)");
        }
        kernel(Part.SCHEDULER).setTaskClass(tid, taskClass);
    }

    @Override
    public Map<Integer, TaskClass> classes() {
        return kernel(Part.SCHEDULER).taskClasses();
    }

    @Override
    public void setForeground(int tgid) {
        if (tgid < 0) {
            throw new IllegalArgumentException("process id " + tgid + " is negative; 0 clears the foreground process");
        }
        kernel(Part.SCHEDULER).setForeground(tgid);
    }

    @Override
    public int foreground() {
        return kernel(Part.SCHEDULER).foreground();
    }

    // ---- InputEventService ----------------------------------------------------------------------

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
        CoreSettings s = settings;
        return s != null && s.busyPoll();
    }
}
