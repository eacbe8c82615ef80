package org.scxgamer.core.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.scxgamer.api.control.DeviceInfo;
import org.scxgamer.api.control.ExitInfo;
import org.scxgamer.api.control.InjectResult;
import org.scxgamer.api.control.InjectedEvent;
import org.scxgamer.api.control.Part;
import org.scxgamer.api.control.PartState;
import org.scxgamer.api.control.PartStatus;
import org.scxgamer.api.control.TaskClass;
import org.scxgamer.api.control.Tunable;
import org.scxgamer.api.control.WhitelistRule;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The kernel facade on libbpf. Three objects load separately, so one failing never takes the others
 * down: the events object (shared maps, rings, injector), then the hook and scheduler objects, which
 * reuse the shared maps by name.
 *
 * <p>Part states: UNAVAILABLE when the kernel or its policy does not offer what a part needs, so the
 * same object would work on a capable kernel — EPERM (lockdown, missing capabilities), ENOTSUPP /
 * EOPNOTSUPP / ENOSYS, no BTF or no traced function, no sched_ext, another sched_ext scheduler active.
 * FAILED for everything else, in particular the verifier or libbpf rejecting an object (EACCES, EINVAL,
 * ELF/BTF errors): that is a defect of the object, and the reason carries libbpf's message.
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
     */
    public record Options(int ringBytes, boolean inputHook, boolean scheduler, boolean injector, int deviceCache,
                          ObjectSource objects) {
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
        }

        /** Everything enabled, default ring and device cache sizes, objects from this bundle's /bpf/ folder. */
        public static Options defaults() {
            return new Options(DEFAULT_RING_BYTES, true, true, true, DEFAULT_DEVICE_CACHE, LibbpfKernel::bundledObject);
        }

        public Options withRingBytes(int bytes) {
            return new Options(bytes, inputHook, scheduler, injector, deviceCache, objects);
        }

        public Options withParts(boolean hook, boolean sched, boolean inject) {
            return new Options(ringBytes, hook, sched, inject, deviceCache, objects);
        }

        public Options withDeviceCache(int entries) {
            return new Options(ringBytes, inputHook, scheduler, injector, entries, objects);
        }

        public Options withObjects(ObjectSource source) {
            return new Options(ringBytes, inputHook, scheduler, injector, deviceCache, source);
        }
    }

    /** The objects the bundle carries under /bpf/. */
    public static byte[] bundledObject(String name) throws IOException {
        try (InputStream in = LibbpfKernel.class.getResourceAsStream("/bpf/" + name)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(LibbpfKernel.class);
    /** Events handled per injector run at most, so one run stays short (it runs with migration disabled). */
    private static final int MAX_HANDLED_PER_RUN = 1 << 16;
    private static final long SCHED_ENABLE_WAIT_MS = 1000;
    private static final Path VMLINUX_BTF = Path.of("/sys/kernel/btf/vmlinux");
    /**
     * The input hook's attach point: the input core calls it for every event with the device's event lock
     * held and interrupts off, so the hook cannot be preempted there and re-entered on its CPU (a re-entered
     * fentry program is skipped by the kernel: the event would be missed).
     */
    static final String HOOK_TARGET = "input_handle_event";
    /** For kernels where {@link #HOOK_TARGET} is not traceable: every driver event passes here too, preemptibly. */
    static final String HOOK_FALLBACK_TARGET = "input_event";
    /** Where every input device registers (part DEVICES). */
    static final String REGISTER_TARGET = "input_register_device";
    /** The unregistration of plain and devm-managed devices alike. */
    static final String UNREGISTER_TARGET = "__input_unregister_device";
    /** Exported, but devm-managed devices unregister without passing it. */
    static final String UNREGISTER_FALLBACK_TARGET = "input_unregister_device";

    private final Options options;
    private final Map<Part, PartStatus> parts = new EnumMap<>(Part.class);
    /** Shared maps by name: fds dup'ed from the object that created them, so they outlive it. */
    private final Map<String, BpfMap> maps = new HashMap<>();
    private final Map<Long, Instant> exitSeen = new HashMap<>();
    private int possibleCpus;
    private LoadedObject events;
    private LoadedObject hook;
    private LoadedObject sched;
    private boolean schedUsed;
    private Pointer hookLink;
    private int hookFd = -1;
    /** The device lifetime programs' links (part DEVICES). */
    private final List<Pointer> deviceLinks = new ArrayList<>();
    private Pointer schedLink;
    private int injectFd = -1;
    private MappedRings rings;
    /** input_state mapped (when the map is BPF_F_MMAPABLE): the rules generation is bumped atomically. */
    private Pointer inputStateMapping;
    private boolean closed;

    private LibbpfKernel(Options options) {
        this.options = options;
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
            possibleCpus = Libbpf.libbpf_num_possible_cpus();
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
            String reason = Libbpf.LIBRARY + " cannot be loaded (" + e.getMessage() + "): install libbpf 1.4 or newer";
            for (Part p : Part.values()) {
                set(p, PartState.UNAVAILABLE, reason);
            }
            return;
        }
        startEvents();
        startHook();
        startBuffers();
        mapInputState();
        publishDefaultTunables();
        if (options.scheduler()) {
            attachScheduler();
            publishDefaultTunables(); // in case only the scheduler object could create the maps
        } else {
            set(Part.SCHEDULER, PartState.DISABLED, "disabled by configuration");
        }
    }

    /** Before the first write BPF runs on its own built-in defaults; from here on on the ones Java shows. */
    private void publishDefaultTunables() {
        if (maps.containsKey(Contract.TUNABLES_MAP) && maps.containsKey(Contract.TUNABLES_IDX_MAP)) {
            try {
                if (tunablesGeneration() == 0) {
                    writeTunables(Map.of());
                }
            } catch (LibbpfException e) {
                LOG.warn("Could not publish the default tunables: {}", e.getMessage());
            }
        }
    }

    private void startEvents() {
        Consumer<Pointer> noInjector = obj -> Libbpf.bpf_program__set_autoload(program(obj, Contract.INJECT_PROGRAM), (byte) 0);
        if (!options.injector()) {
            set(Part.INJECTOR, PartState.DISABLED, "disabled by configuration");
        }
        try {
            events = load(Contract.EVENTS_OBJECT, options.injector() ? obj -> { } : noInjector);
        } catch (LibbpfException | IllegalStateException first) {
            if (!options.injector()) {
                set(Part.BUFFERS, loadFailure(first), reason(first));
                return;
            }
            // The injector program may be what failed: the maps are still worth having without it.
            try {
                events = load(Contract.EVENTS_OBJECT, noInjector);
                set(Part.INJECTOR, loadFailure(first), reason(first));
            } catch (LibbpfException | IllegalStateException second) {
                set(Part.BUFFERS, loadFailure(second), reason(second));
                set(Part.INJECTOR, loadFailure(first), reason(first));
            }
            return;
        }
        if (options.injector()) {
            injectFd = Libbpf.bpf_program__fd(program(events.obj, Contract.INJECT_PROGRAM));
            set(Part.INJECTOR, PartState.ACTIVE, "");
        }
    }

    private void startHook() {
        if (!options.inputHook()) {
            set(Part.INPUT_HOOK, PartState.DISABLED, "disabled by configuration");
            set(Part.DEVICES, PartState.DISABLED, "the input hook is disabled by configuration");
            return;
        }
        if (!Files.exists(VMLINUX_BTF)) {
            set(Part.INPUT_HOOK, PartState.UNAVAILABLE, "kernel has no BTF (" + VMLINUX_BTF
                    + " missing): the fentry input hook needs CONFIG_DEBUG_INFO_BTF");
            set(Part.DEVICES, PartState.UNAVAILABLE, "needs the input hook");
            return;
        }
        HookPlan plan = new HookPlan();
        try {
            while (true) {
                try {
                    hook = load(Contract.HOOK_OBJECT, plan::apply);
                    break;
                } catch (LibbpfException e) {
                    if (!plan.withoutMissing(e)) {
                        throw e;
                    }
                }
            }
            LibbpfLog.begin();
            Pointer link = Libbpf.bpf_program__attach(program(hook.obj, Contract.HOOK_PROGRAM));
            if (link == null) {
                throw new LibbpfException("attaching " + Contract.HOOK_PROGRAM + " to " + plan.eventTarget, Native.getLastError(), LibbpfLog.lines());
            }
            hookLink = link;
            hookFd = Libbpf.bpf_program__fd(program(hook.obj, Contract.HOOK_PROGRAM));
            set(Part.INPUT_HOOK, PartState.ACTIVE, "attached to " + plan.eventTarget);
        } catch (LibbpfException | IllegalStateException e) {
            set(Part.INPUT_HOOK, loadFailure(e), hookReason(e));
            set(Part.DEVICES, loadFailure(e), "needs the input hook");
            return;
        }
        startDeviceTracking(plan);
    }

    /** Attaches the device lifetime programs the plan kept; part DEVICES says what the kernel lets us see. */
    private void startDeviceTracking(HookPlan plan) {
        List<String> seen = new ArrayList<>();
        try {
            if (plan.register) {
                attachDeviceProgram(Contract.REGISTER_PROGRAM, REGISTER_TARGET);
                attachDeviceProgram(Contract.REGISTER_EXIT_PROGRAM, REGISTER_TARGET);
                seen.add("registrations (" + REGISTER_TARGET + ")");
            }
            if (plan.unregisterTarget != null) {
                attachDeviceProgram(Contract.UNREGISTER_PROGRAM, plan.unregisterTarget);
                seen.add("unregistrations (" + plan.unregisterTarget + ")");
            }
        } catch (LibbpfException e) {
            set(Part.DEVICES, PartState.FAILED, e.getMessage() + ": devices are learned on their first event");
            return;
        }
        List<String> reason = new ArrayList<>();
        if (!seen.isEmpty()) {
            reason.add("tracing " + String.join(" and ", seen));
        }
        reason.addAll(plan.lost);
        set(Part.DEVICES, seen.isEmpty() ? PartState.UNAVAILABLE : PartState.ACTIVE, String.join("; ", reason));
    }

    private void attachDeviceProgram(String name, String target) {
        LibbpfLog.begin();
        Pointer link = Libbpf.bpf_program__attach(program(hook.obj, name));
        if (link == null) {
            throw new LibbpfException("attaching " + name + " to " + target, Native.getLastError(), LibbpfLog.lines());
        }
        deviceLinks.add(link);
    }

    /**
     * The hook object's attach targets, adjusted one missing kernel function at a time (libbpf resolves
     * every target before it loads, so one missing function fails the whole object). What a missing
     * function costs is said in {@link #lost}, for part DEVICES.
     */
    static final class HookPlan {
        String eventTarget = HOOK_TARGET;
        boolean register = true;
        /** null: unregistrations are not traced. */
        String unregisterTarget = UNREGISTER_TARGET;
        final List<String> lost = new ArrayList<>();

        void apply(Pointer obj) {
            if (!HOOK_TARGET.equals(eventTarget)) {
                check(Libbpf.bpf_program__set_attach_target(program(obj, Contract.HOOK_PROGRAM), 0, eventTarget),
                        "retargeting the input hook to " + eventTarget);
            }
            if (!register) {
                Libbpf.bpf_program__set_autoload(program(obj, Contract.REGISTER_PROGRAM), (byte) 0);
                Libbpf.bpf_program__set_autoload(program(obj, Contract.REGISTER_EXIT_PROGRAM), (byte) 0);
            }
            if (unregisterTarget == null) {
                Libbpf.bpf_program__set_autoload(program(obj, Contract.UNREGISTER_PROGRAM), (byte) 0);
            } else if (!UNREGISTER_TARGET.equals(unregisterTarget)) {
                check(Libbpf.bpf_program__set_attach_target(program(obj, Contract.UNREGISTER_PROGRAM), 0, unregisterTarget),
                        "retargeting " + Contract.UNREGISTER_PROGRAM + " to " + unregisterTarget);
            }
        }

        /**
         * Retargets or leaves out the program whose function libbpf did not find; false when the failure is
         * something else, or the event hook has no target left.
         */
        boolean withoutMissing(LibbpfException e) {
            if (HOOK_TARGET.equals(eventTarget) && missingFunction(e, HOOK_TARGET)) {
                LOG.warn("Kernel has no traceable {}: hooking {} instead, where an event that arrives while the hook is "
                        + "preempted on the same CPU is missed by the kernel (counted in events.missed.hook)", HOOK_TARGET, HOOK_FALLBACK_TARGET);
                eventTarget = HOOK_FALLBACK_TARGET;
                return true;
            }
            if (register && missingFunction(e, REGISTER_TARGET)) {
                register = false;
                return lose("kernel has no traceable " + REGISTER_TARGET
                        + ": devices are classified on their first event, not when they connect");
            }
            if (UNREGISTER_TARGET.equals(unregisterTarget) && missingFunction(e, UNREGISTER_TARGET)) {
                unregisterTarget = UNREGISTER_FALLBACK_TARGET;
                return lose("kernel has no traceable " + UNREGISTER_TARGET + ": devm-managed devices stay listed after they"
                        + " unplug, until another device registers at their address");
            }
            if (UNREGISTER_FALLBACK_TARGET.equals(unregisterTarget) && missingFunction(e, UNREGISTER_FALLBACK_TARGET)) {
                unregisterTarget = null;
                lost.removeIf(l -> l.contains(UNREGISTER_TARGET + ":"));
                return lose("kernel has neither " + UNREGISTER_TARGET + " nor " + UNREGISTER_FALLBACK_TARGET
                        + " to trace: unplugged devices stay listed until another device registers at their address"
                        + (register ? "" : ", and one allocated where an unplugged device was may be taken for it"));
            }
            return false;
        }

        private boolean lose(String what) {
            LOG.warn("Input device tracking: {}", what);
            lost.add(what);
            return true;
        }
    }

    /** libbpf could not find this function among the kernel's traceable ones (its message quotes the name). */
    static boolean missingFunction(LibbpfException e, String function) {
        return (e.errno() == Errno.ESRCH || e.errno() == Errno.ENOENT) && e.libbpfSays().contains("'" + function + "'");
    }

    private static String hookReason(RuntimeException e) {
        if (e instanceof LibbpfException le && missingFunction(le, HOOK_FALLBACK_TARGET)) {
            return "kernel has neither " + HOOK_TARGET + " nor " + HOOK_FALLBACK_TARGET + " to hook (" + le.getMessage() + ")";
        }
        return reason(e);
    }

    private void startBuffers() {
        if (parts.containsKey(Part.BUFFERS)) {
            return; // the events object failed
        }
        int[] fds = new int[Contract.RING_COUNT];
        for (int r = 0; r < fds.length; r++) {
            BpfMap ring = maps.get(Contract.RING_MAP_PREFIX + r);
            if (ring == null) {
                set(Part.BUFFERS, PartState.FAILED, "no object defines map " + Contract.RING_MAP_PREFIX + r);
                return;
            }
            fds[r] = ring.fd;
        }
        try {
            rings = new MappedRings(fds, options.ringBytes());
            set(Part.BUFFERS, PartState.ACTIVE, Contract.RING_COUNT + " rings of " + options.ringBytes() + " bytes");
        } catch (LibbpfException e) {
            set(Part.BUFFERS, PartState.FAILED, e.getMessage());
        }
    }

    /** Maps input_state so the rules generation can be bumped atomically beside the BPF writers. */
    private void mapInputState() {
        BpfMap state = maps.get(Contract.INPUT_STATE_MAP);
        if (state == null || (state.flags & Libbpf.BPF_F_MMAPABLE) == 0) {
            return; // setRules() explains
        }
        Pointer p = LibC.mmap(null, LibC.sysconf(LibC.SC_PAGESIZE), LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, state.fd, 0);
        if (Pointer.nativeValue(p) == LibC.MAP_FAILED) {
            throw new LibbpfException("mmap of map " + Contract.INPUT_STATE_MAP, Native.getLastError(), List.of());
        }
        inputStateMapping = p;
    }

    /** UNAVAILABLE for refusals by the kernel or its policy, FAILED for defects (see the class comment). */
    private static PartState loadFailure(RuntimeException e) {
        if (e instanceof LibbpfException le) {
            switch (le.errno()) {
                case Errno.EPERM, Errno.ENOTSUPP, Errno.EOPNOTSUPP, Errno.ENOSYS:
                    return PartState.UNAVAILABLE;
                case Errno.ESRCH, Errno.ENOENT:
                    // libbpf: the traced function or kernel BTF type is missing
                    return le.libbpfSays().contains("BTF") ? PartState.UNAVAILABLE : PartState.FAILED;
                default:
                    return PartState.FAILED;
            }
        }
        return PartState.FAILED;
    }

    private static String reason(RuntimeException e) {
        if (e instanceof LibbpfException le) {
            return switch (le.errno()) {
                case Errno.EPERM -> refusalPrefix(le) + le.errnoName() + (le.firstLine().isEmpty() ? "" : " (libbpf: " + le.firstLine() + ")");
                case Errno.ENOTSUPP, Errno.EOPNOTSUPP, Errno.ENOSYS -> "kernel does not support it: " + le.getMessage();
                default -> le.getMessage();
            };
        }
        return e.getMessage();
    }

    private static String refusalPrefix(LibbpfException e) {
        String what = e.getMessage();
        if (what.contains(Contract.HOOK_OBJECT)) {
            return "kernel refuses tracing programs: ";
        }
        if (what.contains(Contract.SCHED_OBJECT)) {
            return "kernel refuses struct_ops programs: ";
        }
        return "kernel refuses BPF (needs root, or CAP_BPF and CAP_PERFMON): ";
    }

    /** An object plus the memory libbpf reads it from (kept for the object's lifetime). */
    private static final class LoadedObject {
        final Pointer obj;
        final Memory elf;
        final Memory name;

        LoadedObject(Pointer obj, Memory elf, Memory name) {
            this.obj = obj;
            this.elf = elf;
            this.name = name;
        }

        void close() {
            Libbpf.bpf_object__close(obj);
        }
    }

    /** A shared map: our own fd and the definition's sizes. */
    private record BpfMap(String name, int fd, int valueSize, int maxEntries, int flags) {
    }

    /**
     * Opens an object from memory, sizes the rings, reuses already created shared maps, loads it and
     * registers the maps it created.
     */
    private LoadedObject load(String file, Consumer<Pointer> beforeLoad) {
        byte[] bytes;
        try {
            bytes = options.objects().read(file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read BPF object " + file + ": " + e.getMessage(), e);
        }
        if (bytes == null || bytes.length == 0) {
            throw new IllegalStateException("BPF object " + file + " is missing from the bundle (/bpf/" + file + ")");
        }
        Memory elf = new Memory(bytes.length);
        elf.write(0, bytes, 0, bytes.length);
        String objectName = file.replace(".bpf.o", "");
        Memory name = new Memory(objectName.length() + 1L);
        name.setString(0, objectName, StandardCharsets.US_ASCII.name());
        Memory opts = new Memory(Libbpf.OPEN_OPTS_SIZE);
        opts.setLong(0, Libbpf.OPEN_OPTS_SIZE);
        opts.setPointer(8, name);
        LibbpfLog.begin();
        Pointer obj = Libbpf.bpf_object__open_mem(elf, bytes.length, opts);
        if (obj == null) {
            throw new LibbpfException("opening " + file, Native.getLastError(), LibbpfLog.lines());
        }
        LoadedObject loaded = new LoadedObject(obj, elf, name);
        try {
            for (Pointer map = Libbpf.bpf_object__next_map(obj, null); map != null; map = Libbpf.bpf_object__next_map(obj, map)) {
                if (Libbpf.bpf_map__is_internal(map) != 0) {
                    continue;
                }
                String mapName = Libbpf.bpf_map__name(map);
                if (mapName.startsWith(Contract.RING_MAP_PREFIX)) {
                    check(Libbpf.bpf_map__set_max_entries(map, options.ringBytes()), "sizing map " + mapName + " of " + file);
                } else if (mapName.equals(Contract.DEVICE_CACHE_MAP)) {
                    check(Libbpf.bpf_map__set_max_entries(map, options.deviceCache()), "sizing map " + mapName + " of " + file);
                }
                BpfMap shared = maps.get(mapName);
                if (shared != null) {
                    check(Libbpf.bpf_map__reuse_fd(map, shared.fd), "reusing map " + mapName + " in " + file);
                }
            }
            beforeLoad.accept(obj);
            LibbpfLog.begin();
            check(Libbpf.bpf_object__load(obj), "loading " + file);
            for (Pointer map = Libbpf.bpf_object__next_map(obj, null); map != null; map = Libbpf.bpf_object__next_map(obj, map)) {
                String mapName = Libbpf.bpf_map__name(map);
                if (isShared(mapName) && !maps.containsKey(mapName)) {
                    int fd = LibC.dup(Libbpf.bpf_map__fd(map));
                    if (fd < 0) {
                        throw new LibbpfException("dup of map " + mapName, Native.getLastError(), List.of());
                    }
                    maps.put(mapName, new BpfMap(mapName, fd, Libbpf.bpf_map__value_size(map),
                            Libbpf.bpf_map__max_entries(map), Libbpf.bpf_map__map_flags(map)));
                }
            }
            return loaded;
        } catch (RuntimeException e) {
            loaded.close();
            throw e;
        }
    }

    /**
     * The maps of scxgamer_maps.bpf.h. Anything else (per-task storage, scratch space) is private to
     * its object and starts fresh with it.
     */
    private static final Set<String> SHARED_MAPS = Set.of(Contract.INPUT_STATS_MAP, Contract.DEVICE_RULES_MAP,
            Contract.DEVICE_CACHE_MAP, Contract.DEVICE_HISTORY_MAP, Contract.INPUT_STATE_MAP, Contract.TUNABLES_MAP, Contract.TUNABLES_IDX_MAP,
            Contract.TASK_CLASSES_MAP, Contract.SCHED_HINTS_MAP, Contract.SCHED_STATS_MAP, Contract.EXIT_INFO_MAP);

    private static boolean isShared(String mapName) {
        return SHARED_MAPS.contains(mapName) || mapName.matches(Contract.RING_MAP_PREFIX + "\\d+");
    }

    private static void check(int rc, String what) {
        if (rc < 0) {
            throw new LibbpfException(what, -rc, LibbpfLog.lines());
        }
    }

    private static Pointer program(Pointer obj, String name) {
        Pointer prog = Libbpf.bpf_object__find_program_by_name(obj, name);
        if (prog == null) {
            throw new IllegalStateException("BPF object has no program " + name);
        }
        return prog;
    }

    private void set(Part part, PartState state, String reason) {
        parts.put(part, new PartStatus(part, state, reason));
    }

    // ---- status

    @Override
    public synchronized List<PartStatus> parts() {
        if (schedLink != null && !SchedExt.oursEnabled()) {
            set(Part.SCHEDULER, PartState.FAILED, stoppedReason());
        }
        return List.copyOf(parts.values());
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
        facts.put("cpus.possible", String.valueOf(possibleCpus));
        facts.put("ring.bytes", String.valueOf(options.ringBytes()));
        facts.put("ring.capacity.events", String.valueOf(Contract.ringCapacity(options.ringBytes())));
        return facts;
    }

    private void require(Part part) {
        if (closed) {
            throw new IllegalStateException("the kernel facade is closed");
        }
        PartStatus status = parts.get(part);
        if (status == null || status.state() != PartState.ACTIVE) {
            throw new IllegalStateException(part + " is " + (status == null ? "not loaded"
                    : status.state() + (status.reason().isEmpty() ? "" : ": " + status.reason())));
        }
    }

    private BpfMap map(String name) {
        if (closed) {
            throw new IllegalStateException("the kernel facade is closed");
        }
        BpfMap map = maps.get(name);
        if (map == null) {
            throw new IllegalStateException("BPF map " + name + " is not loaded (" + summary() + ")");
        }
        return map;
    }

    private String summary() {
        StringBuilder sb = new StringBuilder();
        for (PartStatus s : parts.values()) {
            sb.append(sb.length() == 0 ? "" : "; ").append(s.part()).append(' ').append(s.state());
            if (!s.reason().isEmpty()) {
                sb.append(": ").append(s.reason());
            }
        }
        return sb.toString();
    }

    // ---- rings and counters

    @Override
    public synchronized RingReader rings() {
        require(Part.BUFFERS);
        return rings;
    }

    @Override
    public long[] inputStats() {
        return percpuSum(Contract.INPUT_STATS_MAP);
    }

    @Override
    public synchronized long hookMisses() {
        if (hookFd < 0) {
            return 0;
        }
        Memory info = new Memory(Libbpf.PROG_INFO_SIZE);
        info.clear();
        Memory length = new Memory(4);
        length.setInt(0, Libbpf.PROG_INFO_SIZE);
        LibbpfLog.begin();
        check(Libbpf.bpf_prog_get_info_by_fd(hookFd, info, length), "reading the input hook's program info");
        return info.getLong(Libbpf.PROG_INFO_RECURSION_MISSES);
    }

    @Override
    public long[] schedStats() {
        return percpuSum(Contract.SCHED_STATS_MAP);
    }

    /** Reused by {@link #percpuSum} (under this object's lock): the core's monitor reads counters every tick. */
    private Memory percpuValues;
    private Memory zeroKey;

    private synchronized long[] percpuSum(String mapName) {
        BpfMap map = map(mapName);
        int stride = (map.valueSize + 7) & ~7;
        long bytes = (long) stride * possibleCpus;
        if (percpuValues == null || percpuValues.size() < bytes) {
            percpuValues = new Memory(bytes);
            zeroKey = new Memory(4);
            zeroKey.setInt(0, 0);
        }
        Memory values = percpuValues;
        lookup(map, zeroKey, values);
        long[] sum = new long[map.valueSize / 8];
        for (int cpu = 0; cpu < possibleCpus; cpu++) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += values.getLong((long) cpu * stride + i * 8L);
            }
        }
        return sum;
    }

    private static void lookup(BpfMap map, Pointer key, Pointer value) {
        int rc = Libbpf.bpf_map_lookup_elem(map.fd, key, value);
        if (rc < 0) {
            throw new LibbpfException("lookup in map " + map.name, -rc, List.of());
        }
    }

    private static void update(BpfMap map, Pointer key, Pointer value) {
        int rc = Libbpf.bpf_map_update_elem(map.fd, key, value, Libbpf.BPF_ANY);
        if (rc < 0) {
            throw new LibbpfException("update of map " + map.name, -rc, List.of());
        }
    }

    /** Every key of a hash map (a snapshot: entries may come and go meanwhile). */
    private static List<Memory> keys(BpfMap map, int keySize) {
        List<Memory> keys = new ArrayList<>();
        Memory prev = null;
        while (true) {
            Memory next = new Memory(keySize);
            int rc = Libbpf.bpf_map_get_next_key(map.fd, prev, next);
            if (rc == -Errno.ENOENT) {
                return keys;
            }
            if (rc < 0) {
                throw new LibbpfException("iterating map " + map.name, -rc, List.of());
            }
            keys.add(next);
            prev = next;
        }
    }

    // ---- injector

    @Override
    public InjectResult inject(List<InjectedEvent> events, int repeat, boolean valueSequence) {
        int fd;
        synchronized (this) {
            require(Part.INJECTOR);
            fd = injectFd;
        }
        if (events.isEmpty() || repeat < 1) {
            throw new IllegalArgumentException("inject needs at least one event and repeat >= 1 (got "
                    + events.size() + " events, repeat " + repeat + ")");
        }
        Memory args = new Memory(Contract.INJECT_ARGS_SIZE);
        Memory opts = new Memory(Libbpf.TEST_RUN_OPTS_SIZE);
        long[] totals = new long[3];
        int n = events.size();
        if (n <= Contract.INJECT_MAX) {
            // One batch repeated in the kernel; split only to keep each run short.
            int perRun = Math.max(1, MAX_HANDLED_PER_RUN / n);
            for (int done = 0; done < repeat; done += perRun) {
                int times = Math.min(perRun, repeat - done);
                run(fd, args, opts, events, 0, n, times, valueSequence ? done : 0,
                        valueSequence ? Contract.INJECT_VALUE_SEQ : 0, totals);
            }
        } else {
            // The batch does not fit one run: repeat it here, in order, adding the repeat index ourselves.
            for (int r = 0; r < repeat; r++) {
                for (int from = 0; from < n; from += Contract.INJECT_MAX) {
                    run(fd, args, opts, events, from, Math.min(n, from + Contract.INJECT_MAX), 1, valueSequence ? r : 0, 0, totals);
                }
            }
        }
        return new InjectResult(totals[0], totals[1], totals[2]);
    }

    @Override
    public void injectDevice(long deviceKey, int bus, int vendor, int product, boolean connect) {
        int fd;
        synchronized (this) {
            require(Part.INJECTOR);
            fd = injectFd;
        }
        Memory args = new Memory(Contract.INJECT_ARGS_SIZE);
        args.clear();
        args.setInt(Contract.INJECT_ARGS_COUNT, 1);
        args.setInt(Contract.INJECT_ARGS_REPEAT, 1);
        long at = Contract.INJECT_ARGS_EVENTS;
        args.setLong(at + Contract.INJECT_EVENT_DEV_KEY, deviceKey);
        args.setShort(at + Contract.INJECT_EVENT_BUSTYPE, (short) bus);
        args.setShort(at + Contract.INJECT_EVENT_VENDOR, (short) vendor);
        args.setShort(at + Contract.INJECT_EVENT_PRODUCT, (short) product);
        args.setShort(at + Contract.INJECT_EVENT_OP, (short) (connect ? Contract.INJECT_OP_CONNECT : Contract.INJECT_OP_DISCONNECT));
        testRun(fd, args, new Memory(Libbpf.TEST_RUN_OPTS_SIZE));
    }

    private static void run(int fd, Memory args, Memory opts, List<InjectedEvent> events, int from, int to,
                            int repeat, int valueOffset, int flags, long[] totals) {
        args.clear();
        args.setInt(Contract.INJECT_ARGS_COUNT, to - from);
        args.setInt(Contract.INJECT_ARGS_REPEAT, repeat);
        args.setInt(Contract.INJECT_ARGS_FLAGS, flags);
        for (int i = from; i < to; i++) {
            InjectedEvent e = events.get(i);
            long at = Contract.INJECT_ARGS_EVENTS + (long) (i - from) * Contract.INJECT_EVENT_SIZE;
            args.setLong(at + Contract.INJECT_EVENT_DEV_KEY, e.deviceKey());
            args.setShort(at + Contract.INJECT_EVENT_BUSTYPE, (short) e.bus());
            args.setShort(at + Contract.INJECT_EVENT_VENDOR, (short) e.vendor());
            args.setShort(at + Contract.INJECT_EVENT_PRODUCT, (short) e.product());
            args.setShort(at + Contract.INJECT_EVENT_TYPE, (short) e.type());
            args.setShort(at + Contract.INJECT_EVENT_CODE, (short) e.code());
            args.setShort(at + Contract.INJECT_EVENT_OP, (short) Contract.INJECT_OP_EVENT);
            args.setInt(at + Contract.INJECT_EVENT_VALUE, e.value() + valueOffset);
        }
        testRun(fd, args, opts);
        totals[0] += args.getLong(Contract.INJECT_ARGS_SUBMITTED);
        totals[1] += args.getLong(Contract.INJECT_ARGS_DROPPED);
        totals[2] += args.getLong(Contract.INJECT_ARGS_FILTERED);
    }

    private static void testRun(int fd, Memory args, Memory opts) {
        // SEC("syscall") test runs take ctx_in only and copy the context back into it; ctx_out is refused.
        opts.clear();
        opts.setLong(0, Libbpf.TEST_RUN_OPTS_SIZE);
        opts.setPointer(Libbpf.TEST_RUN_OPTS_CTX_IN, args);
        opts.setInt(Libbpf.TEST_RUN_OPTS_CTX_SIZE_IN, Contract.INJECT_ARGS_SIZE);
        int rc = Libbpf.bpf_prog_test_run_opts(fd, opts);
        if (rc < 0) {
            throw new LibbpfException("running " + Contract.INJECT_PROGRAM, -rc, List.of());
        }
        int retval = opts.getInt(Libbpf.TEST_RUN_OPTS_RETVAL);
        if (retval != 0) {
            throw new IllegalStateException(Contract.INJECT_PROGRAM + " refused the batch: returned " + retval);
        }
    }

    // ---- whitelist and devices

    @Override
    public synchronized void setRules(List<WhitelistRule> rules) {
        BpfMap map = map(Contract.DEVICE_RULES_MAP);
        map(Contract.INPUT_STATE_MAP);
        if (inputStateMapping == null) {
            throw new IllegalStateException("map " + Contract.INPUT_STATE_MAP + " is not BPF_F_MMAPABLE: the BPF objects are out of date");
        }
        Map<Long, WhitelistRule> wanted = new LinkedHashMap<>();
        for (WhitelistRule rule : rules) {
            WhitelistRule before = wanted.put(ruleKey(rule), rule);
            if (before != null) {
                throw new IllegalArgumentException("whitelist rules " + before + " and " + rule + " match the same devices");
            }
        }
        if (wanted.size() > map.maxEntries) {
            throw new IllegalArgumentException("whitelist has " + wanted.size() + " rules; the kernel map holds at most " + map.maxEntries);
        }
        // New rules first, then the stale ones out: a device is never without its rule in between.
        Memory key = new Memory(Contract.DEVICE_KEY_SIZE);
        Memory value = new Memory(1);
        for (Map.Entry<Long, WhitelistRule> e : wanted.entrySet()) {
            key.setLong(0, e.getKey());
            value.setByte(0, (byte) ruleAction(e.getValue().action()));
            update(map, key, value);
        }
        for (Memory old : keys(map, Contract.DEVICE_KEY_SIZE)) {
            if (!wanted.containsKey(old.getLong(0))) {
                int rc = Libbpf.bpf_map_delete_elem(map.fd, old);
                if (rc < 0 && rc != -Errno.ENOENT) {
                    throw new LibbpfException("delete from map " + map.name, -rc, List.of());
                }
            }
        }
        bumpRulesGeneration();
    }

    /** struct scxg_device_key packed into a little-endian u64. */
    private static long ruleKey(WhitelistRule rule) {
        return field(rule.bus()) << (Contract.DEVICE_KEY_BUSTYPE * 8)
                | field(rule.vendor()) << (Contract.DEVICE_KEY_VENDOR * 8)
                | field(rule.product()) << (Contract.DEVICE_KEY_PRODUCT * 8);
    }

    private static long field(int id) {
        return id == WhitelistRule.ANY ? Contract.ANY : id;
    }

    private static int ruleAction(WhitelistRule.Action action) {
        return switch (action) {
            case MOUSE -> Contract.LANE_MOUSE;
            case KEYBOARD -> Contract.LANE_KEYBOARD;
            case CONTROLLER -> Contract.LANE_CONTROLLER;
            case AUTO -> Contract.RULE_AUTO;
            case IGNORE -> Contract.RULE_IGNORE;
        };
    }

    /**
     * An atomic add in the mapped value: rewriting the whole value through the map API would lose what
     * BPF writes meanwhile (held keys, device ids).
     */
    private void bumpRulesGeneration() {
        ByteBuffer state = inputStateMapping.getByteBuffer(0, Contract.INPUT_STATE_SIZE).order(ByteOrder.nativeOrder());
        INT_ATOMIC.getAndAdd(state, Contract.INPUT_STATE_RULES_GENERATION, 1);
    }

    private static final VarHandle INT_ATOMIC = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    /** The whitelist as the kernel holds it. */
    private List<Map.Entry<Long, Integer>> ruleEntries() {
        BpfMap map = map(Contract.DEVICE_RULES_MAP);
        List<Map.Entry<Long, Integer>> entries = new ArrayList<>();
        Memory value = new Memory(1);
        for (Memory key : keys(map, Contract.DEVICE_KEY_SIZE)) {
            if (Libbpf.bpf_map_lookup_elem(map.fd, key, value) == 0) {
                entries.add(Map.entry(key.getLong(0), value.getByte(0) & 0xff));
            }
        }
        return entries;
    }

    @Override
    public synchronized List<DeviceInfo> devices() {
        BpfMap map = map(Contract.DEVICE_CACHE_MAP);
        Map<Long, Integer> rules = ruleMap();
        List<DeviceInfo> devices = new ArrayList<>();
        Memory value = new Memory(map.valueSize);
        for (Memory key : keys(map, 8)) {
            if (Libbpf.bpf_map_lookup_elem(map.fd, key, value) != 0) {
                continue; // unregistered meanwhile
            }
            DeviceInfo d = device(value, 0, 0, rules);
            if (d.id() != 0) {
                devices.add(d); // 0: inserted this instant, its id not yet written
            }
        }
        devices.sort(Comparator.comparingInt(DeviceInfo::id));
        return devices;
    }

    /** The device_history slots in use, oldest first (a slot being rewritten this instant is left out). */
    @Override
    public synchronized List<DeviceInfo> deviceHistory() {
        BpfMap map = map(Contract.DEVICE_HISTORY_MAP);
        Map<Long, Integer> rules = ruleMap();
        TreeMap<Long, DeviceInfo> bySeq = new TreeMap<>();
        Memory key = new Memory(4);
        Memory value = new Memory(map.valueSize);
        for (int slot = 0; slot < map.maxEntries; slot++) {
            key.setInt(0, slot);
            lookup(map, key, value);
            long seq = value.getLong(Contract.DEVICE_GONE_SEQ);
            if (seq != 0) {
                bySeq.put(seq, device(value, Contract.DEVICE_GONE_DEVICE, value.getLong(Contract.DEVICE_GONE_DISCONNECTED_NS), rules));
            }
        }
        return List.copyOf(bySeq.values());
    }

    private Map<Long, Integer> ruleMap() {
        Map<Long, Integer> rules = new HashMap<>();
        for (Map.Entry<Long, Integer> e : ruleEntries()) {
            rules.put(e.getKey(), e.getValue());
        }
        return rules;
    }

    /** A struct scxg_device at offset {@code at} of {@code m}. */
    private static DeviceInfo device(Memory m, long at, long disconnectedNanos, Map<Long, Integer> rules) {
        int bus = m.getShort(at + Contract.DEVICE_BUSTYPE) & 0xffff;
        int vendor = m.getShort(at + Contract.DEVICE_VENDOR) & 0xffff;
        int product = m.getShort(at + Contract.DEVICE_PRODUCT) & 0xffff;
        String learned = switch (m.getByte(at + Contract.DEVICE_LEARNED)) {
            case Contract.LEARNED_REGISTER -> "registration";
            case Contract.LEARNED_EVENT -> "first-event";
            default -> "uncached";
        };
        return new DeviceInfo(m.getInt(at + Contract.DEVICE_ID), cString(m, at + Contract.DEVICE_NAME, Contract.DEVICE_NAME_LEN),
                bus, vendor, product, classification(m.getByte(at + Contract.DEVICE_ACTION) & 0xff, bus, vendor, product, rules),
                m.getLong(at + Contract.DEVICE_EVENTS), Math.max(0, m.getInt(at + Contract.DEVICE_HELD_KEYS)),
                m.getLong(at + Contract.DEVICE_CONNECTED_NS), disconnectedNanos, learned);
    }

    /** Action 0 means both "ignored by a rule" and "unlisted": the rules tell which. */
    private static String classification(int action, int bus, int vendor, int product, Map<Long, Integer> rules) {
        return switch (action) {
            case Contract.LANE_MOUSE -> "mouse";
            case Contract.LANE_KEYBOARD -> "keyboard";
            case Contract.LANE_CONTROLLER -> "controller";
            case Contract.RULE_AUTO -> "auto";
            case Contract.RULE_IGNORE -> matchesIgnore(bus, vendor, product, rules) ? "ignored" : "unlisted";
            default -> "unknown action " + action;
        };
    }

    private static boolean matchesIgnore(int bus, int vendor, int product, Map<Long, Integer> rules) {
        int any = WhitelistRule.ANY;
        int[][] order = {{bus, vendor, product}, {bus, vendor, any}, {bus, any, any}, {any, any, any}};
        for (int[] k : order) {
            Integer action = rules.get(field(k[0]) | field(k[1]) << 16 | field(k[2]) << 32);
            if (action != null) {
                return action == Contract.RULE_IGNORE;
            }
        }
        return false;
    }

    /** Keys are the struct scxg_input_state field names; lane_until_ns.LANE per lane (mouse, keyboard, …). */
    @Override
    public synchronized Map<String, Long> inputState() {
        BpfMap map = map(Contract.INPUT_STATE_MAP);
        Memory key = new Memory(4);
        key.setInt(0, 0);
        Memory v = new Memory(map.valueSize);
        lookup(map, key, v);
        Map<String, Long> state = new LinkedHashMap<>();
        state.put("input_window_until_ns", v.getLong(Contract.INPUT_STATE_WINDOW_UNTIL_NS));
        String[] lanes = {"none", "mouse", "keyboard", "controller", "sched"};
        for (int lane = 0; lane < Contract.LANE_COUNT; lane++) {
            state.put("lane_until_ns." + lanes[lane], v.getLong(Contract.INPUT_STATE_LANE_UNTIL_NS + lane * 8L));
        }
        state.put("last_event_ns", v.getLong(Contract.INPUT_STATE_LAST_EVENT_NS));
        state.put("rate_ema", v.getLong(Contract.INPUT_STATE_RATE_EMA));
        state.put("held_keys", (long) v.getInt(Contract.INPUT_STATE_HELD_KEYS));
        state.put("continuous", v.getInt(Contract.INPUT_STATE_CONTINUOUS) & 0xffffffffL);
        state.put("rules_generation", v.getInt(Contract.INPUT_STATE_RULES_GENERATION) & 0xffffffffL);
        state.put("next_device_id", v.getInt(Contract.INPUT_STATE_NEXT_DEVICE_ID) & 0xffffffffL);
        state.put("device_history_seq", v.getLong(Contract.INPUT_STATE_DEVICE_HISTORY_SEQ));
        return state;
    }

    // ---- tunables

    @Override
    public synchronized void writeTunables(Map<Tunable, Long> values) {
        for (Map.Entry<Tunable, Long> e : values.entrySet()) {
            e.getKey().check(e.getValue());
        }
        BpfMap slots = map(Contract.TUNABLES_MAP);
        BpfMap idx = map(Contract.TUNABLES_IDX_MAP);
        Map<Tunable, Long> all = readTunables();
        all.putAll(values);
        int active = activeSlot(idx);
        long next = slotSeq(slots, active) + 1;
        Memory slot = new Memory(slots.valueSize);
        slot.clear();
        slot.setLong(Contract.TUNABLES_SEQ, next);
        for (Map.Entry<Tunable, Long> e : all.entrySet()) {
            encode(slot, e.getKey(), e.getValue());
        }
        slot.setLong(Contract.TUNABLES_SEQ_END, next);
        Memory key = new Memory(4);
        key.setInt(0, 1 - active);
        update(slots, key, slot);
        Memory flip = new Memory(4);
        flip.setInt(0, 1 - active);
        key.setInt(0, 0);
        update(idx, key, flip);
    }

    @Override
    public synchronized Map<Tunable, Long> readTunables() {
        BpfMap slots = map(Contract.TUNABLES_MAP);
        Memory slot = readSlot(slots, activeSlot(map(Contract.TUNABLES_IDX_MAP)));
        Map<Tunable, Long> values = new EnumMap<>(Tunable.class);
        boolean written = slot.getLong(Contract.TUNABLES_SEQ) != 0;
        for (Tunable t : Tunable.values()) {
            values.put(t, written ? decode(slot, t) : t.defaultValue());
        }
        return values;
    }

    /** Generation of the active tunables slot: 0 before the first write, +1 per write. */
    synchronized long tunablesGeneration() {
        return slotSeq(map(Contract.TUNABLES_MAP), activeSlot(map(Contract.TUNABLES_IDX_MAP)));
    }

    private static int activeSlot(BpfMap idx) {
        Memory key = new Memory(4);
        key.setInt(0, 0);
        Memory value = new Memory(4);
        lookup(idx, key, value);
        return value.getInt(0) == 1 ? 1 : 0;
    }

    private static long slotSeq(BpfMap slots, int slot) {
        return readSlot(slots, slot).getLong(Contract.TUNABLES_SEQ);
    }

    private static Memory readSlot(BpfMap slots, int slot) {
        Memory key = new Memory(4);
        key.setInt(0, slot);
        Memory value = new Memory(slots.valueSize);
        lookup(slots, key, value);
        return value;
    }

    private static final long NS_PER_US = 1000;

    private static void encode(Memory slot, Tunable t, long value) {
        switch (t) {
            case INPUT_WINDOW_US -> slot.setLong(Contract.TUNABLES_INPUT_WINDOW_NS, value * NS_PER_US);
            case MOUSE_BOOST_US -> slot.setLong(laneBoost(Contract.LANE_MOUSE), value * NS_PER_US);
            case KEYBOARD_BOOST_US -> slot.setLong(laneBoost(Contract.LANE_KEYBOARD), value * NS_PER_US);
            case CONTROLLER_BOOST_US -> slot.setLong(laneBoost(Contract.LANE_CONTROLLER), value * NS_PER_US);
            case SLICE_US -> slot.setLong(Contract.TUNABLES_SLICE_NS, value * NS_PER_US);
            case BOOSTED_SLICE_US -> slot.setLong(Contract.TUNABLES_BOOSTED_SLICE_NS, value * NS_PER_US);
            case LAG_CAP_US -> slot.setLong(Contract.TUNABLES_LAG_CAP_NS, value * NS_PER_US);
            case CONTINUOUS_ON_RATE -> slot.setInt(Contract.TUNABLES_CONTINUOUS_ON_RATE, (int) value);
            case CONTINUOUS_OFF_RATE -> slot.setInt(Contract.TUNABLES_CONTINUOUS_OFF_RATE, (int) value);
            case INPUT_BOOST_SHIFT -> slot.setInt(classShift(Contract.CLASS_INPUT), (int) value);
            case FOREGROUND_BOOST_SHIFT -> slot.setInt(classShift(Contract.CLASS_FOREGROUND), (int) value);
            case PREEMPT -> slot.setInt(Contract.TUNABLES_PREEMPT, (int) value);
            case BEHAVIOUR_CLASSIFY -> slot.setInt(Contract.TUNABLES_BEHAVIOUR_CLASSIFY, (int) value);
            case DEBUG_ERROR -> slot.setInt(Contract.TUNABLES_DEBUG_ERROR, (int) value);
        }
    }

    private static long decode(Memory slot, Tunable t) {
        return switch (t) {
            case INPUT_WINDOW_US -> slot.getLong(Contract.TUNABLES_INPUT_WINDOW_NS) / NS_PER_US;
            case MOUSE_BOOST_US -> slot.getLong(laneBoost(Contract.LANE_MOUSE)) / NS_PER_US;
            case KEYBOARD_BOOST_US -> slot.getLong(laneBoost(Contract.LANE_KEYBOARD)) / NS_PER_US;
            case CONTROLLER_BOOST_US -> slot.getLong(laneBoost(Contract.LANE_CONTROLLER)) / NS_PER_US;
            case SLICE_US -> slot.getLong(Contract.TUNABLES_SLICE_NS) / NS_PER_US;
            case BOOSTED_SLICE_US -> slot.getLong(Contract.TUNABLES_BOOSTED_SLICE_NS) / NS_PER_US;
            case LAG_CAP_US -> slot.getLong(Contract.TUNABLES_LAG_CAP_NS) / NS_PER_US;
            case CONTINUOUS_ON_RATE -> slot.getInt(Contract.TUNABLES_CONTINUOUS_ON_RATE) & 0xffffffffL;
            case CONTINUOUS_OFF_RATE -> slot.getInt(Contract.TUNABLES_CONTINUOUS_OFF_RATE) & 0xffffffffL;
            case INPUT_BOOST_SHIFT -> slot.getInt(classShift(Contract.CLASS_INPUT)) & 0xffffffffL;
            case FOREGROUND_BOOST_SHIFT -> slot.getInt(classShift(Contract.CLASS_FOREGROUND)) & 0xffffffffL;
            case PREEMPT -> slot.getInt(Contract.TUNABLES_PREEMPT) & 0xffffffffL;
            case BEHAVIOUR_CLASSIFY -> slot.getInt(Contract.TUNABLES_BEHAVIOUR_CLASSIFY) & 0xffffffffL;
            case DEBUG_ERROR -> slot.getInt(Contract.TUNABLES_DEBUG_ERROR) & 0xffffffffL;
        };
    }

    private static long laneBoost(int lane) {
        return Contract.TUNABLES_LANE_BOOST_NS + lane * 8L;
    }

    private static long classShift(int taskClass) {
        return Contract.TUNABLES_CLASS_BOOST_SHIFT + taskClass * 4L;
    }

    // ---- scheduler

    @Override
    public synchronized void attachScheduler() {
        if (!options.scheduler()) {
            throw new IllegalStateException("SCHEDULER is disabled by configuration");
        }
        if (schedulerAttached()) {
            return;
        }
        releaseSchedLink();
        awaitOursGone();
        String unavailable = SchedExt.unavailableReason();
        if (unavailable != null) {
            set(Part.SCHEDULER, PartState.UNAVAILABLE, unavailable);
            return;
        }
        try {
            if (sched != null && schedUsed) {
                // A struct_ops map that was attached once is not reused: load a fresh object.
                sched.close();
                sched = null;
            }
            if (sched == null) {
                sched = load(Contract.SCHED_OBJECT, obj -> { });
                schedUsed = false;
            }
            Pointer ops = Libbpf.bpf_object__find_map_by_name(sched.obj, Contract.SCHED_OPS_MAP);
            if (ops == null) {
                throw new IllegalStateException(Contract.SCHED_OBJECT + " has no struct_ops map " + Contract.SCHED_OPS_MAP);
            }
            LibbpfLog.begin();
            Pointer link = Libbpf.bpf_map__attach_struct_ops(ops);
            schedUsed = true;
            if (link == null) {
                int errno = Native.getLastError();
                if (errno == Errno.EBUSY || errno == Errno.EEXIST) {
                    set(Part.SCHEDULER, PartState.UNAVAILABLE, "another sched_ext scheduler is active: " + SchedExt.ops());
                    return;
                }
                throw new LibbpfException("attaching struct_ops " + Contract.SCHED_OPS_NAME, errno, LibbpfLog.lines());
            }
            schedLink = link;
        } catch (LibbpfException | IllegalStateException e) {
            set(Part.SCHEDULER, loadFailure(e), reason(e));
            return;
        }
        long deadline = System.currentTimeMillis() + SCHED_ENABLE_WAIT_MS;
        while (!SchedExt.oursEnabled() && System.currentTimeMillis() < deadline && !Thread.currentThread().isInterrupted()) {
            sleep(5);
        }
        if (SchedExt.oursEnabled()) {
            set(Part.SCHEDULER, PartState.ACTIVE, "attached (enable_seq " + SchedExt.enableSeq() + ")");
        } else {
            set(Part.SCHEDULER, PartState.FAILED, "attached, but the kernel shows state " + SchedExt.state()
                    + " and ops " + SchedExt.ops());
        }
    }

    /** Keeps an ejection visible: after the kernel stopped it, the status stays FAILED with the exit reason. */
    @Override
    public synchronized void detachScheduler() {
        if (schedLink != null) {
            boolean ejected = !SchedExt.oursEnabled();
            releaseSchedLink();
            if (ejected) {
                set(Part.SCHEDULER, PartState.FAILED, stoppedReason());
            } else {
                set(Part.SCHEDULER, PartState.DISABLED, "detached");
            }
        }
    }

    private String stoppedReason() {
        ExitInfo exit = lastExit();
        return "the kernel stopped it" + (exit == null ? ""
                : ": " + exit.reason() + (exit.message().isEmpty() ? "" : " (" + exit.message() + ")"));
    }

    /** After a detach or an ejection the kernel takes a moment to get back to "disabled". */
    private static void awaitOursGone() {
        long deadline = System.currentTimeMillis() + SCHED_ENABLE_WAIT_MS;
        while (System.currentTimeMillis() < deadline) {
            String state = SchedExt.state();
            if (state == null || "disabled".equals(state)
                    || !"disabling".equals(state) && !Contract.SCHED_OPS_NAME.equals(SchedExt.ops())) {
                return;
            }
            sleep(5);
        }
    }

    private static void awaitNotDisabling() {
        long deadline = System.currentTimeMillis() + SCHED_ENABLE_WAIT_MS;
        while ("disabling".equals(SchedExt.state()) && System.currentTimeMillis() < deadline) {
            sleep(5);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void releaseSchedLink() {
        if (schedLink != null) {
            Libbpf.bpf_link__destroy(schedLink);
            schedLink = null;
        }
    }

    @Override
    public synchronized boolean schedulerAttached() {
        return schedLink != null && SchedExt.oursEnabled();
    }

    @Override
    public synchronized ExitInfo lastExit() {
        BpfMap map = maps.get(Contract.EXIT_INFO_MAP);
        if (map == null || closed) {
            return null;
        }
        if (schedLink != null) {
            awaitNotDisabling(); // ops.exit writes the exit info while the kernel is disabling
        }
        Memory key = new Memory(4);
        key.setInt(0, 0);
        Memory v = new Memory(map.valueSize);
        lookup(map, key, v);
        long seq = v.getLong(Contract.EXIT_INFO_SEQ);
        if (seq == 0) {
            return null;
        }
        // The kernel records no time: the first time we see this exit stands in for it.
        Instant at = exitSeen.computeIfAbsent(seq, s -> Instant.now());
        return new ExitInfo(at, v.getInt(Contract.EXIT_INFO_KIND), v.getLong(Contract.EXIT_INFO_EXIT_CODE),
                cString(v, Contract.EXIT_INFO_REASON, Contract.EXIT_REASON_LEN), cString(v, Contract.EXIT_INFO_MSG, Contract.EXIT_MSG_LEN));
    }

    private static String cString(Pointer m, long offset, int max) {
        byte[] bytes = m.getByteArray(offset, max);
        int len = 0;
        while (len < max && bytes[len] != 0) {
            len++;
        }
        return new String(bytes, 0, len, StandardCharsets.UTF_8);
    }

    // ---- task classes and hints

    @Override
    public synchronized void setTaskClass(int tid, TaskClass taskClass) {
        BpfMap map = map(Contract.TASK_CLASSES_MAP);
        if (tid <= 0) {
            throw new IllegalArgumentException("thread id " + tid + " is not a valid tid");
        }
        Memory key = new Memory(4);
        key.setInt(0, tid);
        if (taskClass == TaskClass.DEFAULT) {
            int rc = Libbpf.bpf_map_delete_elem(map.fd, key);
            if (rc < 0 && rc != -Errno.ENOENT) {
                throw new LibbpfException("delete from map " + map.name, -rc, List.of());
            }
            return;
        }
        Memory value = new Memory(1);
        value.setByte(0, (byte) taskClass.id());
        update(map, key, value);
    }

    @Override
    public synchronized Map<Integer, TaskClass> taskClasses() {
        BpfMap map = map(Contract.TASK_CLASSES_MAP);
        Map<Integer, TaskClass> classes = new TreeMap<>();
        Memory value = new Memory(1);
        for (Memory key : keys(map, 4)) {
            if (Libbpf.bpf_map_lookup_elem(map.fd, key, value) == 0) {
                classes.put(key.getInt(0), TaskClass.ofId(value.getByte(0) & 0xff));
            }
        }
        return classes;
    }

    @Override
    public synchronized void setForeground(int tgid) {
        if (tgid < 0) {
            throw new IllegalArgumentException("process id " + tgid + " is not valid (0 clears the foreground)");
        }
        setHint(Contract.SCHED_HINTS_FOREGROUND_TGID, tgid);
    }

    @Override
    public synchronized void setReaderThread(int tid) {
        if (tid < 0) {
            throw new IllegalArgumentException("thread id " + tid + " is not valid (0 clears the reader thread)");
        }
        setHint(Contract.SCHED_HINTS_READER_TID, tid);
    }

    /** Read-modify-write of one sched_hints field (callers hold the monitor: no lost update between fields). */
    private void setHint(int offset, int value) {
        BpfMap map = map(Contract.SCHED_HINTS_MAP);
        Memory key = new Memory(4);
        key.setInt(0, 0);
        Memory hints = new Memory(map.valueSize);
        lookup(map, key, hints);
        hints.setInt(offset, value);
        update(map, key, hints);
    }

    @Override
    public synchronized int foreground() {
        BpfMap map = map(Contract.SCHED_HINTS_MAP);
        Memory key = new Memory(4);
        key.setInt(0, 0);
        Memory value = new Memory(map.valueSize);
        lookup(map, key, value);
        return value.getInt(Contract.SCHED_HINTS_FOREGROUND_TGID);
    }

    // ---- lifecycle

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        releaseSchedLink();
        if (hookLink != null) {
            Libbpf.bpf_link__destroy(hookLink);
            hookLink = null;
            hookFd = -1;
        }
        deviceLinks.forEach(Libbpf::bpf_link__destroy);
        deviceLinks.clear();
        if (rings != null) {
            rings.close();
        }
        if (inputStateMapping != null) {
            LibC.munmap(inputStateMapping, LibC.sysconf(LibC.SC_PAGESIZE));
            inputStateMapping = null;
        }
        for (LoadedObject o : new LoadedObject[] {sched, hook, events}) {
            if (o != null) {
                o.close();
            }
        }
        sched = hook = events = null;
        Set<Integer> fds = new HashSet<>();
        for (BpfMap m : maps.values()) {
            fds.add(m.fd);
        }
        fds.forEach(LibC::close);
        maps.clear();
    }
}
