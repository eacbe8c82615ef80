package org.scxgamer.core.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.function.Consumer;

import org.scxgamer.api.control.DeviceInfo;
import org.scxgamer.api.control.ExitInfo;
import org.scxgamer.api.control.InjectResult;
import org.scxgamer.api.control.InjectedEvent;
import org.scxgamer.api.control.Part;
import org.scxgamer.api.control.PartState;
import org.scxgamer.api.control.PartStatus;
import org.scxgamer.api.control.TaskClass;
import org.scxgamer.api.control.Topology;
import org.scxgamer.api.control.Tunable;
import org.scxgamer.api.control.WhitelistRule;

import com.sun.jna.Pointer;

/**
 * The kernel facade on libbpf: the loader's story, top to bottom in {@link #start} — the events object
 * (shared maps, rings, injector), then the hook object ({@link InputHook}), the render hook's
 * ({@link RenderHook}), the rings, the default
 * tunables, and the scheduler ({@link LibbpfSchedulerLink}). Four objects load separately
 * ({@link BpfObjects}), so one failing never takes the others down; each part's state says why
 * ({@link PartStates}). Every concern lives in its own class: {@link LibbpfInputMaps},
 * {@link LibbpfInjector}, {@link LibbpfTunableSlots}, {@link LibbpfSchedulerLink}; this class holds
 * the lock they run under.
 */
public final class LibbpfKernel implements Kernel {

    /** Reads an object by file name (e.g. {@code scxgamer_events.bpf.o}); null when there is none. */
    @FunctionalInterface
    public interface ObjectSource {
        byte[] read(String objectName) throws IOException;
    }

    /**
     * What to load.
     * @param ringBytes data size of each of the 16 rings: a power of two, a page multiple, at most 512 MiB
     * @param inputHook attach the fentry input hook
     * @param scheduler load and attach the sched_ext scheduler
     * @param injector load the SEC("syscall") injector
     * @param deviceCache input devices the kernel side caches at once (connected devices; one beyond it is
     *                    handled uncached), 1 to {@link #MAX_DEVICE_CACHE}
     * @param objects where the BPF objects come from
     * @param topology the CPU topology the scheduler places by (written to maps topology and cpu_topo)
     */
    public record Options(int ringBytes, boolean inputHook, boolean scheduler, boolean injector, int deviceCache,
                          ObjectSource objects, Topology topology) {
        public static final int DEFAULT_RING_BYTES = 256 * 1024;
        public static final int MAX_RING_BYTES = 512 * 1024 * 1024;
        public static final int DEFAULT_DEVICE_CACHE = 256;
        public static final int MAX_DEVICE_CACHE = 65536;

        public Options {
            long page = 4096;
            if (ringBytes < page || ringBytes > MAX_RING_BYTES || Integer.bitCount(ringBytes) != 1) {
                throw new IllegalArgumentException("ring size " + ringBytes + " bytes: must be a power of two from "
                        + page + " (the page size) to " + MAX_RING_BYTES);
            }
            if (deviceCache < 1 || deviceCache > MAX_DEVICE_CACHE) {
                throw new IllegalArgumentException("device cache of " + deviceCache + " entries: must be 1 to " + MAX_DEVICE_CACHE);
            }
            if (objects == null) {
                throw new IllegalArgumentException("no BPF object source");
            }
            if (topology == null) {
                throw new IllegalArgumentException("no CPU topology (Topology.unreadable(reason) when there is none)");
            }
        }

        /**
         * Everything enabled, default ring and device cache sizes, objects from this bundle's /bpf/ folder, the
         * topology read from sysfs with no configured domains.
         */
        public static Options defaults() {
            return new Options(DEFAULT_RING_BYTES, true, true, true, DEFAULT_DEVICE_CACHE, LibbpfKernel::bundledObject,
                    TopologyReader.read(TopologyReader.SYSFS_CPU, Set.of(), Set.of()));
        }

        public Options withRingBytes(int bytes) {
            return new Options(bytes, inputHook, scheduler, injector, deviceCache, objects, topology);
        }

        public Options withParts(boolean hook, boolean sched, boolean inject) {
            return new Options(ringBytes, hook, sched, inject, deviceCache, objects, topology);
        }

        public Options withDeviceCache(int entries) {
            return new Options(ringBytes, inputHook, scheduler, injector, entries, objects, topology);
        }

        public Options withObjects(ObjectSource source) {
            return new Options(ringBytes, inputHook, scheduler, injector, deviceCache, source, topology);
        }

        public Options withTopology(Topology cpus) {
            return new Options(ringBytes, inputHook, scheduler, injector, deviceCache, objects, cpus);
        }
    }

    /** The objects the bundle carries under /bpf/. */
    public static byte[] bundledObject(String name) throws IOException {
        try (InputStream in = LibbpfKernel.class.getResourceAsStream("/bpf/" + name)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    static final Path VMLINUX_BTF = Path.of("/sys/kernel/btf/vmlinux");

    private final Options options;
    private final PartStates parts = new PartStates();
    private final BpfObjects objects;
    private final InputHook hook;
    private final RenderHook render;
    private final LibbpfInputMaps input;
    private final LibbpfTunableSlots tunables;
    private final LibbpfSchedulerLink scheduler;
    private BpfObjects.Loaded events;
    private LibbpfInjector injector;
    private MappedRings rings;
    private boolean closed;
    /** Whether the scheduler finds the topology in its maps (false: it places as on a flat machine). */
    private boolean topologyPublished;

    private LibbpfKernel(Options options) {
        this.options = options;
        this.objects = new BpfObjects(options, parts);
        this.hook = new InputHook(objects, parts);
        this.render = new RenderHook(objects, parts);
        this.input = new LibbpfInputMaps(objects, hook);
        this.tunables = new LibbpfTunableSlots(objects);
        this.scheduler = new LibbpfSchedulerLink(objects, parts, options.scheduler());
    }

    /**
     * Loads what the options enable and reports each part's state; never throws for a part that fails
     * (its status says why). The scheduler is attached right away when enabled and possible.
     */
    public static LibbpfKernel open(Options options) {
        LibbpfKernel kernel = new LibbpfKernel(options);
        try {
            kernel.start();
        } catch (RuntimeException | Error e) {
            kernel.close();
            throw e;
        }
        return kernel;
    }

    private synchronized void start() {
        try {
            LibbpfLog.install();
            objects.possibleCpus(Libbpf.libbpf_num_possible_cpus());
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
            String reason = Libbpf.LIBRARY + " cannot be loaded (" + causes(e) + "): install libbpf 1.4 or newer";
            for (Part p : Part.values()) {
                parts.set(p, PartState.UNAVAILABLE, reason);
            }
            return;
        }
        startEvents();
        topologyPublished = LibbpfTopologyMaps.publish(objects, options.topology());
        hook.start(options.inputHook());
        render.start(options.inputHook());
        startBuffers();
        input.mapInputState();
        tunables.publishDefaults();
        if (options.scheduler()) {
            scheduler.attachScheduler();
            tunables.publishDefaults(); // in case only the scheduler object could create the maps
        } else {
            parts.set(Part.SCHEDULER, PartState.DISABLED, "disabled by configuration");
        }
    }

    /**
     * What went wrong, down the cause chain: a failed class initializer (ExceptionInInitializerError) has
     * no message of its own, only its cause (e.g. JNA unable to unpack or load its native library).
     */
    public static String causes(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null && text.length() < 600; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() == null && t.getCause() != null) {
                continue;
            }
            text.append(text.length() == 0 ? "" : "; caused by ").append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                text.append(": ").append(t.getMessage());
            }
        }
        return text.toString();
    }

    private void startEvents() {
        Consumer<Pointer> noInjector = obj -> Libbpf.bpf_program__set_autoload(BpfObjects.program(obj, Contract.INJECT_PROGRAM), (byte) 0);
        if (!options.injector()) {
            parts.set(Part.INJECTOR, PartState.DISABLED, "disabled by configuration");
        }
        try {
            events = objects.load(Contract.EVENTS_OBJECT, options.injector() ? obj -> { } : noInjector);
        } catch (LibbpfException | IllegalStateException first) {
            if (!options.injector()) {
                parts.failed(Part.BUFFERS, first);
                return;
            }
            // The injector program may be what failed: the maps are still worth having without it.
            try {
                events = objects.load(Contract.EVENTS_OBJECT, noInjector);
                parts.failed(Part.INJECTOR, first);
            } catch (LibbpfException | IllegalStateException second) {
                parts.failed(Part.BUFFERS, second);
                parts.failed(Part.INJECTOR, first);
            }
            return;
        }
        if (options.injector()) {
            injector = new LibbpfInjector(Libbpf.bpf_program__fd(events.program(Contract.INJECT_PROGRAM)));
            parts.set(Part.INJECTOR, PartState.ACTIVE, "");
        }
    }

    private void startBuffers() {
        if (parts.reported(Part.BUFFERS)) {
            return; // the events object failed
        }
        int[] fds = new int[Contract.RING_COUNT];
        for (int r = 0; r < fds.length; r++) {
            BpfMap ring = objects.find(Contract.RING_MAP_PREFIX + r);
            if (ring == null) {
                parts.set(Part.BUFFERS, PartState.FAILED, "no object defines map " + Contract.RING_MAP_PREFIX + r);
                return;
            }
            fds[r] = ring.fd();
        }
        try {
            rings = new MappedRings(fds, options.ringBytes());
            parts.set(Part.BUFFERS, PartState.ACTIVE, Contract.RING_COUNT + " rings of " + options.ringBytes() + " bytes");
        } catch (LibbpfException e) {
            parts.set(Part.BUFFERS, PartState.FAILED, e.getMessage());
        }
    }

    private void require(Part part) {
        if (closed) {
            throw new IllegalStateException("the kernel facade is closed");
        }
        parts.require(part);
    }

    // ---- status

    @Override
    public synchronized List<PartStatus> parts() {
        scheduler.refreshStatus();
        return parts.all();
    }

    @Override
    public synchronized Map<String, String> facts() {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("kernel.release", String.valueOf(SchedExt.read(Path.of("/proc/sys/kernel/osrelease"))));
        try {
            facts.put("libbpf.version", Libbpf.libbpf_version_string());
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            facts.put("libbpf.version", "not loadable");
        }
        facts.put("btf.vmlinux", Files.exists(VMLINUX_BTF) ? "present" : "missing");
        facts.put("sched_ext", SchedExt.present() ? "present" : "missing");
        if (SchedExt.present()) {
            facts.put("sched_ext.state", String.valueOf(SchedExt.state()));
            facts.put("sched_ext.ops", SchedExt.ops() == null ? "none" : SchedExt.ops());
            facts.put("sched_ext.enable_seq", String.valueOf(SchedExt.enableSeq()));
        }
        facts.put("cpus.possible", String.valueOf(objects.possibleCpus()));
        facts.put("topology", options.topology().summary());
        facts.put("topology.placement", LibbpfTopologyMaps.placement(options.topology(), topologyPublished));
        facts.put("ring.bytes", String.valueOf(options.ringBytes()));
        facts.put("ring.capacity.events", String.valueOf(Contract.ringCapacity(options.ringBytes())));
        return facts;
    }

    @Override
    public Topology topology() {
        return options.topology();
    }

    @Override
    public synchronized RingReader rings() {
        require(Part.BUFFERS);
        return rings;
    }

    // ---- input maps

    @Override
    public synchronized long[] inputStats() {
        return input.inputStats();
    }

    @Override
    public synchronized long hookMisses() {
        return input.hookMisses();
    }

    @Override
    public synchronized void setRules(List<WhitelistRule> rules) {
        input.setRules(rules);
    }

    @Override
    public synchronized List<DeviceInfo> devices() {
        return input.devices();
    }

    @Override
    public synchronized List<DeviceInfo> deviceHistory() {
        return input.deviceHistory();
    }

    @Override
    public synchronized Map<String, Long> inputState() {
        return input.inputState();
    }

    // ---- injector: the test runs take no lock (they can be long)

    @Override
    public InjectResult inject(List<InjectedEvent> events, int repeat, boolean valueSequence) {
        return injector().inject(events, repeat, valueSequence);
    }

    @Override
    public void injectDevice(long deviceKey, int bus, int vendor, int product, boolean connect) {
        injector().injectDevice(deviceKey, bus, vendor, product, connect);
    }

    private synchronized LibbpfInjector injector() {
        require(Part.INJECTOR);
        return injector;
    }

    // ---- tunables

    @Override
    public synchronized void writeTunables(Map<Tunable, Long> values) {
        tunables.writeTunables(values);
    }

    @Override
    public synchronized Map<Tunable, Long> readTunables() {
        return tunables.readTunables();
    }

    /** Generation of the active tunables slot: 0 before the first write, +1 per write. */
    synchronized long tunablesGeneration() {
        return tunables.generation();
    }

    // ---- scheduler link

    @Override
    public synchronized void attachScheduler() {
        scheduler.attachScheduler();
    }

    @Override
    public synchronized void detachScheduler() {
        scheduler.detachScheduler();
    }

    @Override
    public synchronized boolean schedulerAttached() {
        return scheduler.schedulerAttached();
    }

    @Override
    public synchronized ExitInfo lastExit() {
        return closed ? null : scheduler.lastExit();
    }

    @Override
    public synchronized String lastExitDump() {
        return closed ? "" : scheduler.lastExitDump();
    }

    @Override
    public synchronized long[] schedStats() {
        return scheduler.schedStats();
    }

    @Override
    public synchronized void setTaskClass(int tid, TaskClass taskClass) {
        scheduler.setTaskClass(tid, taskClass);
    }

    @Override
    public synchronized Map<Integer, TaskClass> taskClasses() {
        return scheduler.taskClasses();
    }

    @Override
    public synchronized void setForeground(int tgid) {
        scheduler.setForeground(tgid);
    }

    @Override
    public synchronized int foreground() {
        return scheduler.foreground();
    }

    @Override
    public synchronized void setReaderThread(int tid) {
        scheduler.setReaderThread(tid);
    }

    // ---- lifecycle

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        scheduler.close();
        hook.close();
        render.close();
        if (rings != null) {
            rings.close();
        }
        input.unmap();
        if (events != null) {
            events.close();
            events = null;
        }
        objects.close();
    }
}
