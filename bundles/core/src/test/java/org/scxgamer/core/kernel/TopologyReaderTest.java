package org.scxgamer.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scxgamer.api.control.Topology;

/** The sysfs reader against fake /sys/devices/system/cpu trees. */
class TopologyReaderTest {
    @TempDir
    Path root;

    /** cpuN with its SMT sibling list, an L1d and an L3 shared by llc, the L3's size, and an optional capacity file. */
    private void cpu(int n, String siblings, String llc, String llcSize, String capacityFile, String capacity) throws IOException {
        Path d = root.resolve("cpu" + n);
        write(d.resolve("topology/thread_siblings_list"), siblings);
        write(d.resolve("cache/index0/level"), "1");
        write(d.resolve("cache/index0/type"), "Data");
        write(d.resolve("cache/index0/shared_cpu_list"), siblings);
        write(d.resolve("cache/index0/size"), "32K");
        write(d.resolve("cache/index1/level"), "3");
        write(d.resolve("cache/index1/type"), "Unified");
        write(d.resolve("cache/index1/shared_cpu_list"), llc);
        write(d.resolve("cache/index1/size"), llcSize);
        Files.createDirectories(d.resolve("node0"));
        if (capacityFile != null) {
            write(d.resolve(capacityFile), capacity);
        }
    }

    private static void write(Path p, String text) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, text + "\n");
    }

    /** QEMU's -smp 4,sockets=1,dies=2,cores=1,threads=2 (Skylake-Server): SMT pairs 0-1 and 2-3, one L3 per die. */
    private void twoDiesOfOneSmtCore() throws IOException {
        write(root.resolve("present"), "0-3");
        cpu(0, "0-1", "0-1", "16384K", null, null);
        cpu(1, "0-1", "0-1", "16384K", null, null);
        cpu(2, "2-3", "2-3", "16384K", null, null);
        cpu(3, "2-3", "2-3", "16384K", null, null);
    }

    @Test
    void twoLlcsWithSmtPairs() throws IOException {
        twoDiesOfOneSmtCore();
        Topology t = TopologyReader.read(root, Set.of(), Set.of());
        assertThat(t.readable()).as(t.reason()).isTrue();
        assertThat(t.cpus()).extracting(Topology.Cpu::core).containsExactly(0, 0, 1, 1);
        assertThat(t.cpus()).extracting(Topology.Cpu::llc).containsExactly(0, 0, 1, 1);
        assertThat(t.cpus()).extracting(Topology.Cpu::capacity).containsOnly(1024);
        assertThat(t.summary()).isEqualTo("4 CPUs, 2 cores (SMT), 2 LLCs, 1 NUMA node(s)");
        assertThat(t.placement()).isTrue();
        assertThat(t.cpus()).noneMatch(c -> c.cache() || c.fast());
        assertThat(t.cacheSource()).isEqualTo("none: every LLC is the same size");
        assertThat(t.fastSource()).startsWith("none: the kernel shows no capacity");
    }

    @Test
    void aFlatMachinePlacesNothing() throws IOException {
        write(root.resolve("present"), "0-1");
        cpu(0, "0", "0-1", "16384K", null, null);
        cpu(1, "1", "0-1", "16384K", null, null);
        Topology t = TopologyReader.read(root, Set.of(), Set.of());
        assertThat(t.readable()).isTrue();
        assertThat(t.smt()).isFalse();
        assertThat(t.placement()).as("one LLC, no SMT, no domain: as before").isFalse();
        assertThat(LibbpfTopologyMaps.placement(t, true)).startsWith("flat");
    }

    @Test
    void anX3dPartHasACacheDomainAndPreferredCoresAFastOne() throws IOException {
        write(root.resolve("present"), "0-3");
        cpu(0, "0", "0-1", "98304K", "acpi_cppc/highest_perf", "196");
        cpu(1, "1", "0-1", "98304K", "acpi_cppc/highest_perf", "196");
        cpu(2, "2", "2-3", "32768K", "acpi_cppc/highest_perf", "231");
        cpu(3, "3", "2-3", "32768K", "acpi_cppc/highest_perf", "226");
        Topology t = TopologyReader.read(root, Set.of(), Set.of());
        assertThat(t.cpus()).filteredOn(Topology.Cpu::cache).extracting(Topology.Cpu::cpu).containsExactly(0, 1);
        assertThat(t.cpus()).filteredOn(Topology.Cpu::fast).extracting(Topology.Cpu::cpu).containsExactly(2);
        assertThat(t.cpus()).extracting(Topology.Cpu::capacity).containsExactly(196 * 1024 / 231, 196 * 1024 / 231, 1024, 226 * 1024 / 231);
        assertThat(t.cacheSource()).isEqualTo("the largest LLC (98304 KiB)");
        assertThat(t.fastSource()).isEqualTo("the highest acpi_cppc/highest_perf");
    }

    @Test
    void configuredDomainsNameWhatTheKernelCannotTell() throws IOException {
        twoDiesOfOneSmtCore();
        Topology t = TopologyReader.read(root, Set.of(2, 3), Set.of(0));
        assertThat(t.cpus()).filteredOn(Topology.Cpu::cache).extracting(Topology.Cpu::cpu).containsExactly(2, 3);
        assertThat(t.cpus()).filteredOn(Topology.Cpu::fast).extracting(Topology.Cpu::cpu).containsExactly(0);
        assertThat(t.cacheSource()).isEqualTo("configured (topology.cache.cpus)");
        Topology all = TopologyReader.read(root, Set.of(0, 1, 2, 3), Set.of());
        assertThat(all.cpus()).noneMatch(Topology.Cpu::cache);
        assertThat(all.cacheSource()).isEqualTo("none: the domain named is every CPU");
    }

    @Test
    void noCacheInformationIsUnreadableAndSaysWhy() throws IOException {
        twoDiesOfOneSmtCore();
        for (String f : List.of("level", "type", "shared_cpu_list", "size")) {
            Files.delete(root.resolve("cpu2/cache/index0/" + f));
            Files.delete(root.resolve("cpu2/cache/index1/" + f));
        }
        Files.delete(root.resolve("cpu2/cache/index0"));
        Files.delete(root.resolve("cpu2/cache/index1"));
        Topology t = TopologyReader.read(root, Set.of(), Set.of());
        assertThat(t.readable()).isFalse();
        assertThat(t.reason()).startsWith("cpu2 shows no cache");
        assertThat(t.placement()).isFalse();
        assertThat(t.summary()).startsWith("not readable: cpu2 shows no cache");
        assertThat(LibbpfTopologyMaps.placement(t, false)).startsWith("off (cpu2 shows no cache")
                .endsWith("one queue and the kernel's default idle-CPU pick");
        assertThat(TopologyReader.read(root.resolve("nothing"), Set.of(), Set.of()).reason()).endsWith("present is not readable");
    }

    @Test
    void moreLlcsThanTheSchedulerTakesAreRefused() {
        List<Topology.Cpu> cpus = new java.util.ArrayList<>();
        for (int i = 0; i <= Contract.TOPO_MAX_LLCS; i++) {
            cpus.add(new Topology.Cpu(i, i, i, 0, 1024, 1024, false, false));
        }
        Topology t = new Topology(true, "", cpus, "", "");
        assertThat(LibbpfTopologyMaps.usable(t, cpus.size())).isEqualTo("65 LLCs: the scheduler takes at most 64");
        Topology few = new Topology(true, "", cpus.subList(0, 12), "", "");
        assertThat(LibbpfTopologyMaps.usable(few, 12)).isNull();
        assertThat(LibbpfTopologyMaps.usable(few, 10)).startsWith("CPU ids beyond the 10");
    }

    @Test
    void cpuLists() {
        assertThat(TopologyReader.parseCpuList("0-3,8, 10-11")).containsExactly(0, 1, 2, 3, 8, 10, 11);
        assertThat(TopologyReader.parseCpuList("")).isEmpty();
        assertThatThrownBy(() -> TopologyReader.parseCpuList("0-x")).hasMessageContaining("'0-x' is not a CPU or a range");
        assertThatThrownBy(() -> TopologyReader.parseCpuList("3-1")).hasMessageContaining("ranges low-high");
        assertThatThrownBy(() -> TopologyReader.parseCpuList("4096")).hasMessageContaining("CPUs are 0 to 1023");
        assertThat(TopologyReader.parseKiB("1M")).isEqualTo(1024);
    }
}
