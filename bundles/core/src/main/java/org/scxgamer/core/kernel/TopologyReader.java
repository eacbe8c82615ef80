package org.scxgamer.core.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.scxgamer.api.control.Topology;

/**
 * Reads the CPU topology from sysfs ({@code /sys/devices/system/cpu}): per CPU its SMT siblings
 * ({@code topology/thread_siblings_list}), its last-level cache (the highest-level data or unified
 * {@code cache/indexN}: {@code shared_cpu_list}, {@code size}), its NUMA node ({@code nodeN} link) and its
 * capacity from the first source every CPU has: {@code cpu_capacity} (asymmetric Arm and hybrid x86),
 * {@code acpi_cppc/highest_perf} (preferred-core priority, ITMT / AMD preferred core),
 * {@code cpufreq/cpuinfo_max_freq}. A CPU without cache information makes the topology unreadable: the
 * scheduler then places as on a flat machine. Configured CPU lists name the cache or fast domain where the
 * kernel cannot tell (e.g. an X3D part whose LLC sizes sysfs does not show apart).
 */
public final class TopologyReader {
    public static final Path SYSFS_CPU = Path.of("/sys/devices/system/cpu");
    private static final String[] CAPACITY_SOURCES = {"cpu_capacity", "acpi_cppc/highest_perf", "cpufreq/cpuinfo_max_freq"};

    private TopologyReader() {
    }

    /**
     * @param cacheCpus the cache domain as configured (empty: find it, the largest LLC)
     * @param fastCpus the fast domain as configured (empty: find it, the highest capacity)
     */
    public static Topology read(Path root, Set<Integer> cacheCpus, Set<Integer> fastCpus) {
        try {
            return readOrThrow(root, cacheCpus, fastCpus);
        } catch (IOException | RuntimeException e) {
            return Topology.unreadable(e.getMessage() != null ? e.getMessage() : e.toString());
        }
    }

    private static Topology readOrThrow(Path root, Set<Integer> cacheCpus, Set<Integer> fastCpus) throws IOException {
        Path presentFile = root.resolve("present");
        if (!Files.isReadable(presentFile)) {
            throw new IOException(presentFile + " is not readable");
        }
        Set<Integer> present = parseCpuList(Files.readString(presentFile).trim());
        Map<String, Integer> coreIds = new LinkedHashMap<>(), llcIds = new LinkedHashMap<>();
        String capacitySource = capacitySource(root, present);
        List<long[]> raw = new ArrayList<>(); // cpu, core, llc, node, capacity, llc KiB
        long maxCapacity = 1;
        for (int cpu : present) {
            Path dir = root.resolve("cpu" + cpu);
            String siblings = read(dir.resolve("topology/thread_siblings_list"));
            String[] llc = lastLevelCache(dir, cpu);
            long capacity = capacitySource == null ? 1024 : Long.parseLong(read(dir.resolve(capacitySource)));
            maxCapacity = Math.max(maxCapacity, capacity);
            raw.add(new long[] {cpu, coreIds.computeIfAbsent(siblings, k -> coreIds.size()),
                    llcIds.computeIfAbsent(llc[0], k -> llcIds.size()), node(dir), capacity, parseKiB(llc[1])});
        }
        if (raw.isEmpty()) {
            throw new IOException(presentFile + " lists no CPU");
        }
        long largestLlc = raw.stream().mapToLong(r -> r[5]).max().orElse(0);
        boolean llcsDiffer = raw.stream().anyMatch(r -> r[5] != largestLlc);
        long fastest = maxCapacity;
        boolean capacitiesDiffer = raw.stream().anyMatch(r -> r[4] != fastest);
        List<Topology.Cpu> cpus = new ArrayList<>();
        for (long[] r : raw) {
            int cpu = (int) r[0];
            boolean cache = cacheCpus.isEmpty() ? llcsDiffer && r[5] == largestLlc : cacheCpus.contains(cpu);
            boolean fast = fastCpus.isEmpty() ? capacitiesDiffer && r[4] == fastest : fastCpus.contains(cpu);
            cpus.add(new Topology.Cpu(cpu, (int) r[1], (int) r[2], (int) r[3], (int) Math.max(1, r[4] * 1024 / maxCapacity), r[5],
                    cache, fast));
        }
        String cacheSource = !cacheCpus.isEmpty() ? "configured (topology.cache.cpus)"
                : llcsDiffer ? "the largest LLC (" + largestLlc + " KiB)" : "none: every LLC is the same size";
        String fastSource = !fastCpus.isEmpty() ? "configured (topology.fast.cpus)"
                : capacitiesDiffer ? "the highest " + capacitySource : capacitySource == null
                        ? "none: the kernel shows no capacity, preferred-core priority or maximum frequency" : "none: every CPU has the same " + capacitySource;
        return wholeDomains(new Topology(true, "", cpus, cacheSource, fastSource));
    }

    /** A domain every CPU is in prefers nothing: it is emptied, as the scheduler expects. */
    private static Topology wholeDomains(Topology t) {
        boolean allCache = t.cpus().stream().allMatch(Topology.Cpu::cache), allFast = t.cpus().stream().allMatch(Topology.Cpu::fast);
        if (!allCache && !allFast) {
            return t;
        }
        List<Topology.Cpu> cpus = t.cpus().stream().map(c -> new Topology.Cpu(c.cpu(), c.core(), c.llc(), c.node(), c.capacity(),
                c.llcKiB(), c.cache() && !allCache, c.fast() && !allFast)).toList();
        return new Topology(true, "", cpus, allCache ? "none: the domain named is every CPU" : t.cacheSource(),
                allFast ? "none: the domain named is every CPU" : t.fastSource());
    }

    /** The first capacity source every present CPU has, or null. */
    private static String capacitySource(Path root, Set<Integer> present) {
        for (String source : CAPACITY_SOURCES) {
            if (present.stream().allMatch(cpu -> Files.isReadable(root.resolve("cpu" + cpu).resolve(source)))) {
                return source;
            }
        }
        return null;
    }

    /** {shared_cpu_list, size} of the highest-level data or unified cache of a CPU. */
    private static String[] lastLevelCache(Path dir, int cpu) throws IOException {
        Path cache = dir.resolve("cache");
        String[] best = null;
        int bestLevel = -1;
        if (Files.isDirectory(cache)) {
            try (Stream<Path> entries = Files.list(cache)) {
                for (Path index : entries.filter(p -> p.getFileName().toString().matches("index\\d+")).sorted().toList()) {
                    String type = read(index.resolve("type"));
                    int level = Integer.parseInt(read(index.resolve("level")));
                    if (!type.equals("Instruction") && level > bestLevel) {
                        bestLevel = level;
                        best = new String[] {read(index.resolve("shared_cpu_list")), read(index.resolve("size"))};
                    }
                }
            }
        }
        if (best == null) {
            throw new IOException("cpu" + cpu + " shows no cache (" + cache + "): its last-level cache is unknown");
        }
        return best;
    }

    private static int node(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.matches("node\\d+"))
                    .mapToInt(n -> Integer.parseInt(n.substring(4))).min().orElse(0);
        }
    }

    /** "32768K", "1M" or a plain number of bytes, in KiB. */
    static long parseKiB(String size) {
        if (size.endsWith("K")) {
            return Long.parseLong(size.substring(0, size.length() - 1));
        }
        if (size.endsWith("M")) {
            return Long.parseLong(size.substring(0, size.length() - 1)) * 1024;
        }
        return Long.parseLong(size) / 1024;
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p).trim();
    }

    /** The kernel's CPU list syntax: "0-3,8,10-11". */
    public static Set<Integer> parseCpuList(String list) {
        Set<Integer> cpus = new TreeSet<>();
        if (list.isBlank()) {
            return cpus;
        }
        for (String part : list.trim().split(",")) {
            String[] range = part.trim().split("-", -1);
            if (range.length > 2) {
                throw new IllegalArgumentException("'" + part + "' is not a CPU or a range of CPUs (e.g. 0-3,8)");
            }
            try {
                int from = Integer.parseInt(range[0].trim()), to = Integer.parseInt(range[range.length - 1].trim());
                if (from < 0 || to < from || to >= Contract.TOPO_MAX_CPUS) {
                    throw new IllegalArgumentException("'" + part + "': CPUs are 0 to " + (Contract.TOPO_MAX_CPUS - 1) + ", ranges low-high");
                }
                for (int c = from; c <= to; c++) {
                    cpus.add(c);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + part + "' is not a CPU or a range of CPUs (e.g. 0-3,8)");
            }
        }
        return cpus;
    }
}
