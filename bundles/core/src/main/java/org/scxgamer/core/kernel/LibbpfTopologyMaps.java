package org.scxgamer.core.kernel;

import java.util.List;

import org.scxgamer.api.control.Topology;

import com.sun.jna.Memory;

/**
 * Writes the CPU topology into the shared maps {@code topology} and {@code cpu_topo} for the scheduler,
 * which reads them when it attaches (ops.init). An entry for every possible CPU id: one the topology does
 * not list (not present) gets a core and LLC of its own is never idle, so placement never picks it.
 * An unreadable topology, or one the scheduler cannot take (more LLCs than SCXG_MAX_LLCS), is written as
 * not valid: the scheduler then keeps one queue and the kernel's default idle-CPU pick.
 */
final class LibbpfTopologyMaps {
    private LibbpfTopologyMaps() {
    }

    /** Whether the scheduler will place by the topology (false: not written, or written as not valid). */
    static boolean publish(BpfObjects objects, Topology topology) {
        BpfMap summary = objects.find(Contract.TOPOLOGY_MAP), perCpu = objects.find(Contract.CPU_TOPO_MAP);
        if (summary == null || perCpu == null) {
            return false;
        }
        int possible = objects.possibleCpus();
        boolean valid = usable(topology, possible) == null;
        Memory key = new Memory(4), value = new Memory(Contract.CPU_TOPO_SIZE);
        if (valid) {
            List<Topology.Cpu> cpus = topology.cpus();
            int spare = (int) topology.cores();
            for (int id = 0; id < possible; id++) {
                final int cpu = id;
                Topology.Cpu c = cpus.stream().filter(x -> x.cpu() == cpu).findFirst().orElse(null);
                value.clear();
                value.setInt(Contract.CPU_TOPO_CORE, c == null ? spare++ : c.core());
                value.setInt(Contract.CPU_TOPO_LLC, c == null ? 0 : c.llc());
                value.setShort(Contract.CPU_TOPO_NODE, (short) (c == null ? 0 : c.node()));
                value.setShort(Contract.CPU_TOPO_CAPACITY, (short) (c == null ? 1 : c.capacity()));
                value.setInt(Contract.CPU_TOPO_FLAGS, c == null ? 0 : (c.cache() ? Contract.CPU_CACHE : 0) | (c.fast() ? Contract.CPU_FAST : 0));
                key.setInt(0, id);
                perCpu.update(key, value);
            }
        }
        Memory s = new Memory(Contract.TOPOLOGY_SIZE);
        s.clear();
        s.setInt(Contract.TOPOLOGY_FLAGS, valid ? Contract.TOPO_VALID | (topology.smt() ? Contract.TOPO_SMT : 0) : 0);
        s.setInt(Contract.TOPOLOGY_NR_CPUS, possible);
        s.setInt(Contract.TOPOLOGY_NR_LLCS, valid ? (int) topology.llcs() : 1);
        s.setInt(Contract.TOPOLOGY_NR_CORES, valid ? (int) topology.cores() : 0);
        key.setInt(0, 0);
        summary.update(key, s);
        return valid;
    }

    /** Why the scheduler cannot place by this topology, or null when it can. */
    static String usable(Topology topology, int possibleCpus) {
        if (!topology.readable()) {
            return topology.reason();
        }
        if (topology.llcs() > Contract.TOPO_MAX_LLCS) {
            return topology.llcs() + " LLCs: the scheduler takes at most " + Contract.TOPO_MAX_LLCS;
        }
        if (possibleCpus > Contract.TOPO_MAX_CPUS || topology.cpus().stream().anyMatch(c -> c.cpu() >= possibleCpus)) {
            return "CPU ids beyond the " + Math.min(possibleCpus, Contract.TOPO_MAX_CPUS) + " the scheduler covers";
        }
        return null;
    }

    /** The status line: what the scheduler does with this topology. */
    static String placement(Topology topology, boolean published) {
        if (!published) {
            String why = usable(topology, Integer.MAX_VALUE);
            return "off (" + (why != null ? why : "the topology maps were not written") + "): one queue and the kernel's default idle-CPU pick";
        }
        if (!topology.placement()) {
            return "flat (one LLC, no SMT, no cache or fast domain): one queue and the kernel's default idle-CPU pick";
        }
        return "on: " + topology.llcs() + " LLC queue(s); idle whole cores first" + (topology.smt() ? "" : " (no SMT)")
                + "; cache domain: " + topology.cacheSource() + "; fast domain: " + topology.fastSource();
    }
}
