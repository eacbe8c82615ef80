package org.scxgamer.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scxgamer.api.control.PartState;
import org.scxgamer.api.control.Topology;
import org.scxgamer.api.control.Tunable;
import org.scxgamer.core.events.EventHub;
import org.scxgamer.commands.impl.ScxCommands;

/** The scx commands through a real Gogo command processor, against the runtime on a fake kernel. */
class ScxCommandsTest {
    final EventHub hub = new EventHub();
    CoreRuntime rt;
    ThreadIOImpl tio;
    CommandProcessorImpl processor;
    CommandSession session;
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws Exception {
        tio = new ThreadIOImpl();
        tio.start();
        open(new FakeKernel(1024, PartState.UNAVAILABLE, PartState.UNAVAILABLE));
    }

    /** The runtime on kernel k, and a shell session with its commands. */
    void open(FakeKernel k) {
        rt = new CoreRuntime(s -> k, new SchedExtSysfs(Path.of("/nonexistent/sched_ext")), (t, p) -> { }, up -> { }, hub);
        rt.start(CoreSettings.defaults(), Map.of(), "test");
        processor = new CommandProcessorImpl(tio);
        processor.addCommand("scx", new ScxCommands(rt));
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(), err);
    }

    @AfterEach
    void tearDown() {
        session.close();
        processor.stop();
        tio.stop();
        rt.stop();
        hub.removeAll();
    }

    String run(String line) throws Exception {
        Object out = session.execute(line);
        return String.valueOf(out);
    }

    @Test
    void statusNamesEveryPartAndTheInjectorOnlyMode() throws Exception {
        String out = run("scx:status");
        assertThat(out).contains("buffers     ACTIVE").contains("input_hook  UNAVAILABLE kernel refuses tracing programs: EPERM")
                .contains("scheduler   UNAVAILABLE no sched_ext in this kernel")
                .contains("mode: injector-only").contains("sched_ext.state: absent").contains("kernel.release: fake");
    }

    @Test
    void topologyShowsEachCpuItsDomainsAndThePlacementCounters() throws Exception {
        assertThat(run("scx:topology")).isEqualTo("topology: not readable: fake kernel\nplacement: -");
        session.close();
        processor.stop();
        rt.stop();
        FakeKernel k = new FakeKernel(1024, PartState.UNAVAILABLE, PartState.UNAVAILABLE);
        k.topology = new Topology(true, "", List.of(new Topology.Cpu(0, 0, 0, 0, 1024, 98304, true, false),
                new Topology.Cpu(1, 0, 0, 0, 1024, 98304, true, false), new Topology.Cpu(2, 1, 1, 0, 1024, 32768, false, true),
                new Topology.Cpu(3, 1, 1, 0, 900, 32768, false, false)), "the largest LLC (98304 KiB)", "the highest acpi_cppc/highest_perf");
        open(k);
        String[] lines = run("scx:topology").split("\n");
        assertThat(lines[0]).isEqualTo("topology: 4 CPUs, 2 cores (SMT), 2 LLCs, 1 NUMA node(s)");
        assertThat(lines[2]).isEqualTo("cache domain: 0,1 (the largest LLC (98304 KiB))");
        assertThat(lines[3]).isEqualTo("fast domain: 2 (the highest acpi_cppc/highest_perf)");
        assertThat(lines[4]).isEqualTo("game placed first in: fast (topology.prefer = 1)");
        assertThat(lines[5].split(" +")).containsExactly("cpu", "core", "llc", "node", "capacity", "llc.kib", "domains");
        assertThat(lines[6].split(" +")).containsExactly("0", "0", "0", "0", "1024", "98304", "cache");
        assertThat(lines[8].split(" +")).containsExactly("2", "1", "1", "0", "1024", "32768", "fast");
        assertThat(lines[9].split(" +")).containsExactly("3", "1", "1", "0", "900", "32768", "-");
        assertThat(lines).contains("sched.topo.idle.core: 0", "sched.topo.steals: 0");
    }

    @Test
    void injectThenStatsShowTheCounts() throws Exception {
        assertThat(run("scx:inject --lane keyboard --seq 25")).startsWith("injected 25: submitted 25, dropped 0, filtered 0");
        assertThat(run("scx:inject --type 0x15 3")).contains("filtered 3");
        String stats = run("scx:stats");
        assertThat(stats).contains("events.injected: 28\n").contains("lane.keyboard: 25\n").contains("events.filtered: 3\n")
                .contains("events.dropped.kernel: 0\n").contains("events.dropped.subscribers: 0\n").contains("events.delivered: 0\n")
                .contains("ring.15.dropped: 0").contains("keys.held: 2\n");
    }

    @Test
    void devicesListsTheConnectedThenTheDisconnected() throws Exception {
        String[] lines = run("scx:devices").split("\n");
        assertThat(lines[0]).isEqualTo("connected: 1");
        assertThat(lines[1].split(" +")).containsExactly("id", "bus:vendor:prod", "class", "events", "held", "age", "learned", "name");
        assertThat(lines[2]).matches("2 +0003:5358:0001 +auto +0 +1 +[0-9.]+s +registration +fake mouse");
        assertThat(lines[3]).isEqualTo("disconnected (last 1, newest last):");
        assertThat(lines[5]).matches("1 +0003:5358:0002 +controller +42 +- +2\\.5s +first-event +fake pad");
        assertThat(lines).hasSize(6);
    }

    @Test
    void badInputGivesOneClearLineAndNoStackTrace() throws Exception {
        assertThat(run("scx:inject --lane touchpad 3")).isEqualTo("error: --lane 'touchpad': accepted: mouse, keyboard, controller");
        assertThat(run("scx:inject")).startsWith("error: COUNT is missing").contains("--seq");
        assertThat(run("scx:inject --bogus 1 3")).startsWith("error: unknown option --bogus");
        assertThat(run("scx:tunables slice.us 1")).isEqualTo("error: slice.us = 1 is out of range: accepted 100 .. 100000 us");
        assertThat(run("scx:tunables nope 1")).startsWith("error: unknown tunable 'nope'");
        assertThat(run("scx:whitelist add usb:zz:any=mouse")).startsWith("error: whitelist rule 'usb:zz:*=mouse'");
        assertThat(run("scx:restart")).isEqualTo("error: scheduler could not be attached: UNAVAILABLE, no sched_ext in this kernel");
        assertThat(run("scx:classify 12 nice")).startsWith("error: CLASS 'nice': accepted");
        assertThat(run("scx:status extra")).startsWith("error: no arguments expected");
        assertThat(err.toString()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void everyCommandAnswersHelp() throws Exception {
        for (String c : new String[] {"status", "stats", "devices", "whitelist", "tunables", "inject", "sched", "restart",
                "classify", "foreground", "subscribers"}) {
            assertThat(run("scx:" + c + " help")).as(c).startsWith("scx:" + c);
        }
    }

    @Test
    void tunablesAndWhitelistChangeThroughTheShell() throws Exception {
        assertThat(run("scx:tunables slice.us 3000 preempt 0")).isEqualTo("slice.us = 3000\npreempt = 0");
        assertThat(rt.tunables()).containsEntry(Tunable.SLICE_US, 3000L).containsEntry(Tunable.PREEMPT, 0L);
        assertThat(run("scx:tunables")).contains("slice.us               = 3000");
        assertThat(run("scx:whitelist add usb:046d:any=mouse")).isEqualTo("whitelist now has 5 rule(s)");
        assertThat(run("scx:whitelist")).contains("0003:046d:*=mouse");
        assertThat(run("scx:whitelist remove 'usb:046d:*=mouse'")).isEqualTo("whitelist now has 4 rule(s)");
        assertThat(run("scx:whitelist remove usb:046d:any=mouse")).isEqualTo("error: rule 0003:046d:*=mouse is not in the whitelist");
        assertThat(run("scx:whitelist set usb:any:any=mouse")).isEqualTo("whitelist now has 1 rule(s)");
        assertThat(rt.whitelist()).extracting(Object::toString).containsExactly("0003:*:*=mouse");
    }

    @Test
    void schedShowsTheKernelView() throws Exception {
        assertThat(run("scx:sched")).contains("state: absent").contains("attached: false").contains("exits: none");
        assertThat(run("scx:subscribers")).startsWith("error: the event service is not running");
    }
}
