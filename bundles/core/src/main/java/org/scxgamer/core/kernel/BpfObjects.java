package org.scxgamer.core.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * Loads the BPF objects from memory, the way each needs it: rings and device cache sized from the
 * options, shared maps (scxgamer_maps.bpf.h) reused by fd when an earlier object created them, and the
 * shared maps an object creates kept by name ({@link #map}). Not thread-safe: used under
 * {@link LibbpfKernel}'s lock.
 */
final class BpfObjects {
    /**
     * The maps of scxgamer_maps.bpf.h. Anything else (per-task storage, scratch space) is private to
     * its object and starts fresh with it.
     */
    private static final Set<String> SHARED_MAPS = Set.of(Contract.INPUT_STATS_MAP, Contract.DEVICE_RULES_MAP,
            Contract.DEVICE_CACHE_MAP, Contract.DEVICE_HISTORY_MAP, Contract.INPUT_STATE_MAP, Contract.TUNABLES_MAP, Contract.TUNABLES_IDX_MAP,
            Contract.TASK_CLASSES_MAP, Contract.SCHED_HINTS_MAP, Contract.SCHED_STATS_MAP, Contract.EXIT_INFO_MAP, Contract.EXIT_DUMP_MAP,
            Contract.TOPOLOGY_MAP, Contract.CPU_TOPO_MAP, Contract.RENDER_TASKS_MAP,
            Contract.WAKER_STATE_MAP);

    /** An object plus the memory libbpf reads it from (kept for the object's lifetime). */
    static final class Loaded {
        final Pointer obj;
        private final Memory elf;
        private final Memory name;

        private Loaded(Pointer obj, Memory elf, Memory name) {
            this.obj = obj;
            this.elf = elf;
            this.name = name;
        }

        /** The program called name; throws if the object has none. */
        Pointer program(String programName) {
            return BpfObjects.program(obj, programName);
        }

        void close() {
            Libbpf.bpf_object__close(obj);
        }
    }

    private final LibbpfKernel.Options options;
    private final PartStates parts;
    /** Shared maps by name: fds dup'ed from the object that created them, so they outlive it. */
    private final Map<String, BpfMap> maps = new HashMap<>();
    private int possibleCpus;
    private boolean closed;
    /** Reused by {@link #percpuSum}: the core's monitor reads counters every tick. */
    private Memory percpuValues;
    private Memory zeroKey;

    BpfObjects(LibbpfKernel.Options options, PartStates parts) {
        this.options = options;
        this.parts = parts;
    }

    void possibleCpus(int n) {
        possibleCpus = n;
    }

    int possibleCpus() {
        return possibleCpus;
    }

    /**
     * Opens an object from memory, sizes the rings, reuses already created shared maps, lets
     * {@code beforeLoad} adjust programs, loads it and registers the shared maps it created.
     */
    Loaded load(String file, Consumer<Pointer> beforeLoad) {
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
        Loaded loaded = new Loaded(obj, elf, name);
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
                    check(Libbpf.bpf_map__reuse_fd(map, shared.fd()), "reusing map " + mapName + " in " + file);
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

    static boolean isShared(String mapName) {
        return SHARED_MAPS.contains(mapName) || mapName.matches(Contract.RING_MAP_PREFIX + "\\d+");
    }

    /** The shared map, or null if no loaded object created it. */
    BpfMap find(String name) {
        return closed ? null : maps.get(name);
    }

    /** The shared map; throws naming the parts' states if no loaded object created it. */
    BpfMap map(String name) {
        if (closed) {
            throw new IllegalStateException("the kernel facade is closed");
        }
        BpfMap map = maps.get(name);
        if (map == null) {
            throw new IllegalStateException("BPF map " + name + " is not loaded (" + parts.summary() + ")");
        }
        return map;
    }

    boolean closed() {
        return closed;
    }

    /** A per-CPU array map's entry 0 summed over CPUs, as u64 counters. */
    long[] percpuSum(String mapName) {
        BpfMap map = map(mapName);
        int stride = (map.valueSize() + 7) & ~7;
        long bytes = (long) stride * possibleCpus;
        if (percpuValues == null || percpuValues.size() < bytes) {
            percpuValues = new Memory(bytes);
            zeroKey = new Memory(4);
            zeroKey.setInt(0, 0);
        }
        Memory values = percpuValues;
        map.lookup(zeroKey, values);
        long[] sum = new long[map.valueSize() / 8];
        for (int cpu = 0; cpu < possibleCpus; cpu++) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += values.getLong((long) cpu * stride + i * 8L);
            }
        }
        return sum;
    }

    /** Closes our map fds (after the objects). */
    void close() {
        closed = true;
        Set<Integer> fds = new HashSet<>();
        for (BpfMap m : maps.values()) {
            fds.add(m.fd());
        }
        fds.forEach(LibC::close);
        maps.clear();
    }

    static void check(int rc, String what) {
        if (rc < 0) {
            throw new LibbpfException(what, -rc, LibbpfLog.lines());
        }
    }

    static Pointer program(Pointer obj, String name) {
        Pointer prog = Libbpf.bpf_object__find_program_by_name(obj, name);
        if (prog == null) {
            throw new IllegalStateException("BPF object has no program " + name);
        }
        return prog;
    }
}
