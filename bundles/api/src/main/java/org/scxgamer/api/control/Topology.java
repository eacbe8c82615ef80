package org.scxgamer.api.control;

import java.util.List;

/**
 * The machine's CPU topology as the core read it when it loaded the kernel side (sysfs), and as the
 * scheduler places by it: SMT siblings share a core, CPUs share a last-level cache (LLC), NUMA nodes,
 * each CPU's relative capacity, and two domains a game may be placed in first (tunable
 * {@link Tunable#TOPOLOGY_PREFER}): the cache-rich one (the largest LLC, e.g. an X3D CCD) and the fast one
 * (highest capacity, preferred-core priority or maximum frequency). A domain is empty when every CPU
 * would be in it (nothing to prefer).
 *
 * @param readable false when the core could not read it (see reason): the scheduler then keeps one
 *                 queue and the kernel's default idle-CPU pick
 * @param reason why it is not readable; empty when it is
 * @param cpus the CPUs the kernel shows, by id
 * @param cacheSource how the cache domain was found (e.g. "largest LLC", "configured"), or why it is empty
 * @param fastSource how the fast domain was found (e.g. "acpi_cppc highest_perf"), or why it is empty
 */
public record Topology(boolean readable, String reason, List<Cpu> cpus, String cacheSource, String fastSource) {

    /**
     * One CPU.
     * @param core dense core id (SMT siblings share it)
     * @param llc dense last-level cache id
     * @param capacity relative speed, 1 .. 1024 (1024: the fastest CPU)
     * @param llcKiB size of its last-level cache
     * @param cache in the cache-rich domain
     * @param fast in the fast domain
     */
    public record Cpu(int cpu, int core, int llc, int node, int capacity, long llcKiB, boolean cache, boolean fast) {
    }

    public Topology {
        cpus = List.copyOf(cpus);
    }

    /** A topology that could not be read. */
    public static Topology unreadable(String reason) {
        return new Topology(false, reason, List.of(), "", "");
    }

    public long cores() {
        return cpus.stream().mapToInt(Cpu::core).distinct().count();
    }

    public long llcs() {
        return cpus.stream().mapToInt(Cpu::llc).distinct().count();
    }

    public long nodes() {
        return cpus.stream().mapToInt(Cpu::node).distinct().count();
    }

    /** Some core has more than one CPU. */
    public boolean smt() {
        return cores() < cpus.size();
    }

    /** Whether the scheduler places by it: SMT, several LLCs or a cache or fast domain; else as on a flat machine. */
    public boolean placement() {
        return readable && (smt() || llcs() > 1 || cpus.stream().anyMatch(c -> c.cache() || c.fast()));
    }

    /** One line: "4 CPUs, 2 cores (SMT), 2 LLCs, 1 NUMA node(s)", or "not readable: REASON". */
    public String summary() {
        if (!readable) {
            return "not readable: " + reason;
        }
        return cpus.size() + " CPUs, " + cores() + " cores" + (smt() ? " (SMT)" : "") + ", " + llcs() + " LLCs, "
                + nodes() + " NUMA node(s)";
    }
}
