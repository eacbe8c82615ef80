package org.scxgamer.core.internal;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.scxgamer.api.control.Topology;
import org.scxgamer.api.control.Tunable;
import org.scxgamer.api.control.WhitelistRule;
import org.scxgamer.api.event.InputEventService;
import org.scxgamer.core.events.EventHub;
import org.scxgamer.core.events.EventService;
import org.scxgamer.core.events.RingPump;
import org.scxgamer.core.kernel.Contract;
import org.scxgamer.core.kernel.Kernel;
import org.scxgamer.core.kernel.LibbpfKernel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core's lifecycle and control service, free of OSGi so it can be tested against a fake kernel:
 * owns the kernel (open, reload, close), the ring reader, the tunables and whitelist, and runs the
 * monitor rounds ({@link #tick()}, every {@link #tickMillis()} ms: part changes, ring overflow, and the
 * {@link SchedulerMonitor}). Counters live in {@link CoreCounters}, the event service's face in
 * {@link EventService}. Control-plane changes are serialised by one lock; the event path (reader →
 * subscribers) never takes it. (About 500 lines because it is also the {@link ScxControl} service: two
 * dozen short methods that each check a part and call the kernel under that same lock.)
 */
final class CoreRuntime implements ScxControl {
    private static final Logger LOG = LoggerFactory.getLogger(CoreRuntime.class);
    /** Monitor period while a restart is due: the restart's time is kept within this. */
    static final long TICK_MILLIS = 200;
    /**
     * Monitor period otherwise (part changes, overflow reports, and an exit whose record the rings dropped): an
     * exit's record on the rings wakes the monitor at once ({@link EventHub#onSchedulerExit}), so an idle daemon
     * with the scheduler attached wakes once a second, not five times.
     */
    static final long IDLE_TICK_MILLIS = 1_000;

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
    private final EventService eventService;
    private final CoreCounters counters = new CoreCounters();
    private final SchedulerMonitor scheduler;

    private final KernelReports reports;

    CoreRuntime(KernelOpener opener, SchedExtSysfs sysfs, EventSink events, ServicePublisher publisher, EventHub hub) {
        this.opener = opener;
        this.sysfs = sysfs;
        this.events = events;
        this.publisher = publisher;
        this.hub = hub;
        this.pump = new RingPump(hub);
        this.eventService = new EventService(hub, pump);
        this.scheduler = new SchedulerMonitor(sysfs, events);
        this.reports = new KernelReports(events);
    }

    /** The event service, published while the reader runs. */
    InputEventService eventService() {
        return eventService;
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
                        source, prev.reloadReasons(next));
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
            if (prev.readerBatchUs() != next.readerBatchUs()) {
                LOG.info("Configuration from {}: reader batching now {} us", source, next.readerBatchUs());
                pump.batchMicros(next.readerBatchUs());
            }
        } finally {
            lock.unlock();
        }
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
            openFailure = "the BPF objects could not be opened: " + LibbpfKernel.causes(e);
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
        reports.parts(k.parts());
        PartState sched = state(Part.SCHEDULER);
        if (s.schedulerEnabled() && sched != PartState.UNAVAILABLE && sched != PartState.DISABLED && sched != PartState.FAILED) {
            scheduler.attach(k, "start");
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
        scheduler.detach(k);
        try {
            counters.carry(k);
            reports.kernelClosed();
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
        pump.batchMicros(settings.readerBatchUs());
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
            return scheduler.restartDue() ? TICK_MILLIS : IDLE_TICK_MILLIS;
        } finally {
            lock.unlock();
        }
    }

    /** One monitor round: part changes, kernel overflow, then the scheduler's (exit detection, restarts). */
    void tick() {
        lock.lock();
        try {
            Kernel k = kernel;
            if (k == null) {
                return;
            }
            reports.parts(k.parts());
            if (state(Part.BUFFERS) == PartState.ACTIVE) {
                reports.overflow(k.inputStats());
            }
            scheduler.tick(k, settings);
        } catch (RuntimeException e) {
            LOG.error("Monitor round failed: {}", e.getMessage(), e);
        } finally {
            lock.unlock();
        }
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
    public Topology topology() {
        Kernel k = kernel;
        return k != null ? k.topology() : Topology.unreadable(openFailure != null ? openFailure : "the core is not running");
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
            facts.put(CoreSettings.READER_BATCH_US, Integer.toString(s.readerBatchUs()));
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
        Kernel k = kernel;
        boolean live = k != null && state(Part.BUFFERS) == PartState.ACTIVE;
        long[] sched = k != null && k.schedulerAttached() ? k.schedStats() : new long[Contract.SCHED_STAT_COUNT];
        return counters.snapshot(live ? k : null, sched, hub, scheduler.restarts());
    }

    @Override
    public List<DeviceInfo> devices() {
        return kernel(Part.BUFFERS).devices();
    }

    @Override
    public List<DeviceInfo> deviceHistory() {
        return kernel(Part.BUFFERS).deviceHistory();
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
            history = scheduler.exits();
        } finally {
            lock.unlock();
        }
        return new SchedulerStatus(v.state(), v.ops(), v.enableSeq(), k != null && k.schedulerAttached(), scheduler.restarts(), history);
    }

    @Override
    public void restartScheduler() {
        lock.lock();
        try {
            if (!settings.schedulerEnabled()) {
                throw new IllegalStateException("scheduler is disabled by configuration (" + CoreSettings.SCHEDULER_ENABLED + " = false)");
            }
            scheduler.restartOnRequest(kernel(Part.SCHEDULER));
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
}
