package org.scxgamer.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.scxgamer.itest.FileInstallTest.DIR;
import static org.scxgamer.itest.Poll.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.scxgamer.api.control.InjectResult;
import org.scxgamer.api.control.InjectedEvent;
import org.scxgamer.api.control.Part;
import org.scxgamer.api.control.PartState;
import org.scxgamer.api.control.ScxControl;
import org.scxgamer.api.control.Tunable;
import org.scxgamer.api.event.InputEvent;
import org.scxgamer.api.event.InputEventListener;
import org.scxgamer.api.event.InputEventService;

/**
 * The consumer bundles (stats, recorder, policies) dropped into deploy/, used through the Gogo shell,
 * updated and removed while events flow — with the real core and its injector on this host.
 */
class PluginsTest {
    static final int EV_REL = 2;
    static final int REL_X = 0;
    static final int BUS_USB = 0x03;
    static final Path BUNDLES = Path.of(System.getProperty("scxgamer.itest.bundles"));
    static final Map<String, String> MODULES = Map.of("org.scxgamer.stats", "stats", "org.scxgamer.recorder", "recorder",
            "org.scxgamer.policy.foreground", "policy-foreground", "org.scxgamer.policy.profiles", "policy-profiles");

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    ScxControl control;

    @InjectService(timeout = 10_000)
    InputEventService events;

    @InjectService(timeout = 10_000)
    CommandProcessor shell;

    final List<Path> etcFiles = new ArrayList<>();
    final List<ServiceRegistration<?>> listeners = new ArrayList<>();

    @BeforeEach
    @AfterEach
    void removePlugins() throws Exception {
        Files.createDirectories(DIR.resolve("deploy"));
        Files.createDirectories(DIR.resolve("etc"));
        for (ServiceRegistration<?> r : listeners) {
            r.unregister();
        }
        listeners.clear();
        for (Path p : etcFiles) {
            Files.deleteIfExists(p);
        }
        etcFiles.clear();
        for (String bsn : MODULES.keySet()) {
            if (Files.deleteIfExists(DIR.resolve("deploy/" + bsn + ".jar"))) {
                await(bsn + " uninstalled", 5_000, () -> find(bsn).isEmpty() ? Boolean.TRUE : null);
            }
        }
    }

    @Test
    void everyPluginInstallsWorksUpdatesAndUninstallsWhileEventsFlow() throws Exception {
        Capture all = capture();
        Set<String> threadsBefore = threadNames();
        List<PartStatusSnapshot> partsBefore = parts();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong submitted = new AtomicLong();
        Thread injector = new Thread(() -> {
            while (running.get()) {
                submitted.addAndGet(inject(sequence(0x61, 256, 1)).submitted());
                sleep(2);
            }
        }, "itest-injector");
        injector.start();
        try {
            for (Map.Entry<String, String> e : Map.of(
                    "org.scxgamer.stats", "stats:show --json",
                    "org.scxgamer.recorder", "rec:list",
                    "org.scxgamer.policy.foreground", "policy:foreground",
                    "org.scxgamer.policy.profiles", "policy:profiles").entrySet()) {
                String bsn = e.getKey();
                Bundle b = deploy(bsn);
                assertThat(awaitCommand(e.getValue())).as(e.getValue()).isNotBlank();
                long before = b.getLastModified();
                try (InputStream in = Files.newInputStream(jar(bsn))) {
                    b.update(in);
                }
                await(bsn + " active again after update", 10_000, () -> b.getState() == Bundle.ACTIVE ? Boolean.TRUE : null);
                assertThat(b.getLastModified()).isGreaterThanOrEqualTo(before);
                assertThat(awaitCommand(e.getValue())).as(e.getValue() + " after update").isNotBlank();
                undeploy(bsn);
            }
        } finally {
            running.set(false);
            injector.join();
        }
        long n = submitted.get();
        assertThat(n).isGreaterThan(0);
        await("every injected event at the steady subscriber", 15_000, () -> all.count() == n ? Boolean.TRUE : null);
        assertThat(parts()).as("core parts undisturbed").isEqualTo(partsBefore);
        assertThat(events.subscribers()).noneMatch(s -> s.bundle().contains("stats") || s.bundle().contains("recorder"));
        await("no plugin threads left behind", 10_000, () -> {
            Set<String> extra = threadNames();
            extra.removeAll(threadsBefore);
            return extra.stream().noneMatch(t -> t.startsWith("scxgamer-recorder") || t.startsWith("scxgamer-foreground")
                    || t.startsWith("scxgamer-replay")) ? Boolean.TRUE : null;
        });
    }

    @Test
    void statsCountWhatWasInjected() throws Exception {
        deploy("org.scxgamer.stats");
        awaitCommand("stats:show");
        Capture c = capture();
        await("stats subscribed", 5_000, () -> events.subscribers().stream()
                .anyMatch(s -> s.bundle().contains("stats")) ? Boolean.TRUE : null);
        sh("stats:reset");
        int n = 3000;
        assertThat(inject(sequence(0x62, n, 1)).submitted()).isEqualTo(n);
        await("events delivered", 10_000, () -> c.count() == n ? Boolean.TRUE : null);
        String json = await("stats saw every event", 10_000, () -> {
            String s = sh("stats:show --json");
            return s.contains("\"totals\":{\"events\":" + n + ",") ? s : null;
        });
        assertThat(json).contains("\"MOUSE\":{\"total\":" + n + ",").contains("\"EV_REL\":{\"total\":" + n + ",");
        assertThat(sh("stats:latency --json")).contains("\"delivery\":{\"count\":" + n + ",");
        assertThat(sh("stats:latency")).contains("delivery.p99.9: ", "delivery.max: ");
    }

    @Test
    void recordReplayAndExportThroughTheShell() throws Exception {
        Path folder = DIR.resolve("recordings");
        etc("scxgamer.recorder.cfg", "folder=" + folder + "\nflush.ms=100\nsync=false\n");
        deploy("org.scxgamer.recorder");
        await("recorder configured", 10_000, () -> sh("rec:list").contains(folder.toString()) ? Boolean.TRUE : null);
        Capture c = capture();

        String started = sh("rec:start itest");
        Matcher m = Pattern.compile("recording to (\\S+)").matcher(started);
        assertThat(m.find()).as(started).isTrue();
        Path file = Path.of(m.group(1));
        await("recorder subscribed", 5_000, () -> events.subscribers().stream()
                .anyMatch(s -> s.bundle().contains("recorder")) ? Boolean.TRUE : null);
        int n = 2000;
        assertThat(inject(sequence(0x63, n, 1)).submitted()).isEqualTo(n);
        await("events delivered", 10_000, () -> c.count() == n ? Boolean.TRUE : null);
        List<String> recorded = c.stream();
        await("recorder wrote every event", 10_000, () -> sh("rec:list").contains("(" + n + " events") ? Boolean.TRUE : null);
        assertThat(sh("rec:stop")).startsWith("recording stopped: " + n + " events");
        assertThat(sh("rec:info " + file)).contains("events: " + n, "status: closed cleanly (stopped by command)",
                "header.clock: CLOCK_MONOTONIC");

        c.clear();
        String replayed = sh("rec:replay " + file + " --max --wait");
        assertThat(replayed).startsWith("replayed " + n + " events").contains("submitted " + n);
        await("replayed events delivered", 10_000, () -> c.count() == n ? Boolean.TRUE : null);
        assertThat(c.stream()).as("the replayed stream is the recorded one").isEqualTo(recorded);

        String exported = sh("rec:export " + file + " --format chrome-trace");
        assertThat(exported).startsWith("wrote ").contains(n + " events");
        String json = Files.readString(Path.of(exported.substring(6, exported.indexOf(':'))));
        assertThat(json).startsWith("{\"displayTimeUnit\"").contains("\"process_name\"", "\"lanes\"", "\"devices\"").endsWith("]}\n");
        undeploy("org.scxgamer.recorder");
    }

    @Test
    void profileSwitchIsVisibleInTheCoresTunablesAndUndoneOnRemoval() throws Exception {
        Map<Tunable, Long> baseline = control.tunables();
        etc("scxgamer.policy.profile-itest.cfg", "name=itest\nslice.us=4321\n");
        deploy("org.scxgamer.policy.profiles");
        await("configured profile offered", 10_000, () -> sh("policy:profiles").contains("itest (config") ? Boolean.TRUE : null);

        assertThat(sh("policy:profile esports")).startsWith("profile esports active:");
        assertThat(control.tunables()).containsEntry(Tunable.MOUSE_BOOST_US, 16_000L).containsEntry(Tunable.SLICE_US, 3_000L);
        assertThat(sh("policy:profile itest")).startsWith("profile itest active: slice.us=4321; back to the values before any profile: ")
                .contains("boost.mouse.us=" + baseline.get(Tunable.MOUSE_BOOST_US));
        assertThat(control.tunables()).containsEntry(Tunable.SLICE_US, 4_321L)
                .containsEntry(Tunable.MOUSE_BOOST_US, baseline.get(Tunable.MOUSE_BOOST_US));
        assertThat(sh("policy:profile nosuch")).contains("no profile 'nosuch'");

        undeploy("org.scxgamer.policy.profiles");
        assertThat(control.tunables()).isEqualTo(baseline);
    }

    @Test
    void foregroundPolicyTakesAnExplicitProcessAndLetsGo() throws Exception {
        deploy("org.scxgamer.policy.foreground");
        long pid = ProcessHandle.current().pid();
        String status = awaitCommand("policy:foreground " + pid);
        assertThat(status).startsWith("foreground: pid " + pid + " ").contains("by command");
        if (status.contains("not yet accepted by the core")) {
            // The core refuses (no sched_ext here): the policy says so and keeps trying.
            assertThat(control.parts()).noneMatch(p -> p.part() == Part.SCHEDULER && p.state() == PartState.ACTIVE);
        } else {
            assertThat(control.foreground()).isEqualTo(pid);
        }
        boolean accepted = !status.contains("not yet accepted by the core");
        assertThat(sh("policy:foreground nonsense")).contains("'nonsense' is not a pid");
        undeploy("org.scxgamer.policy.foreground");
        if (accepted) {
            assertThat(control.foreground()).isZero();
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** Events with distinct values (1..n), so two streams can be compared as sets and in order. */
    static List<InjectedEvent> sequence(long deviceKey, int n, int first) {
        List<InjectedEvent> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(new InjectedEvent(deviceKey, BUS_USB, 0x1234, 0x5678, EV_REL, REL_X, first + i));
        }
        return list;
    }

    InjectResult inject(List<InjectedEvent> list) {
        long s = 0, d = 0, f = 0;
        for (int i = 0; i < list.size(); i += 1024) {
            InjectResult r = control.inject(list.subList(i, Math.min(list.size(), i + 1024)), 1, false);
            s += r.submitted();
            d += r.dropped();
            f += r.filtered();
        }
        return new InjectResult(s, d, f);
    }

    /** A subscriber of this test: every event as "type code value lane", in arrival order. */
    static final class Capture implements InputEventListener {
        private final List<String> seen = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onEvent(InputEvent e) {
            seen.add(e.type() + " " + e.code() + " " + e.value() + " " + e.lane());
        }

        long count() {
            return seen.size();
        }

        void clear() {
            seen.clear();
        }

        /** Sorted: events of different inject calls may arrive through different rings in either order. */
        List<String> stream() {
            synchronized (seen) {
                return seen.stream().sorted().collect(Collectors.toList());
            }
        }
    }

    Capture capture() throws InterruptedException {
        Capture c = new Capture();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(InputEventListener.QUEUE_CAPACITY, 1 << 20);
        props.put("name", "itest capture");
        listeners.add(context.registerService(InputEventListener.class, c, props));
        await("capture tracked by the core", 5_000, () -> events.subscribers().stream()
                .anyMatch(s -> s.name().endsWith("PluginsTest$Capture")) ? Boolean.TRUE : null);
        return c;
    }

    record PartStatusSnapshot(Part part, PartState state) {
    }

    List<PartStatusSnapshot> parts() {
        return control.parts().stream().map(p -> new PartStatusSnapshot(p.part(), p.state())).collect(Collectors.toList());
    }

    void etc(String name, String content) throws IOException {
        Path p = DIR.resolve("etc/" + name);
        Path tmp = DIR.resolve(name + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        etcFiles.add(p);
    }

    static Path jar(String bsn) throws IOException {
        Path target = BUNDLES.resolve(MODULES.get(bsn)).resolve("target");
        try (Stream<Path> s = Files.list(target)) {
            return s.filter(p -> p.getFileName().toString().startsWith(bsn + "-") && p.toString().endsWith(".jar")
                            && !p.toString().endsWith("-sources.jar") && !p.toString().endsWith("-tests.jar"))
                    .max(Comparator.comparing(Path::toString))
                    .orElseThrow(() -> new AssertionError("no built jar of " + bsn + " in " + target));
        }
    }

    /** Drops the bundle into deploy/ the way a user does; FileInstall installs and starts it. */
    @Test
    void helpDescribesEveryCommandOfTheCoreAndThePluginsWithItsParameters() throws Exception {
        for (String bsn : MODULES.keySet()) {
            deploy(bsn);
        }
        // A bundle is ACTIVE before Declarative Services has registered all of its command components.
        Set<String> commands = await("25 commands registered", 10_000, () -> {
            Set<String> found = commands();
            return found.size() >= 25 ? found : null;
        });
        assertThat(commands).contains("scx:status", "stats:show", "rec:start", "rec:stop", "policy:foreground", "policy:profile")
                .hasSize(25);
        for (String cmd : commands) {
            String help = sh("help " + cmd);
            String fn = cmd.substring(cmd.indexOf(':') + 1);
            // Gogo's help: "NAME - DESCRIPTION", "   scope: S", "   parameters:", "      TYPE   DESCRIPTION"
            assertThat(help).as("help %s", cmd).containsPattern("(?m)^" + fn + " - \\S.{10,}$").contains("parameters:");
            List<String> params = help.substring(help.indexOf("parameters:")).lines().skip(1).filter(l -> !l.isBlank()).toList();
            assertThat(params).as("parameters in help %s:%n%s", cmd, help).isNotEmpty()
                    .allSatisfy(l -> assertThat(l.trim()).matches("\\S+ {3}\\S.*"));
        }
    }

    Set<String> commands() {
        Set<String> commands = new java.util.TreeSet<>();
        ServiceReference<?>[] refs;
        try {
            refs = context.getServiceReferences((String) null, "(|(osgi.command.scope=scx)(osgi.command.scope=stats)"
                    + "(osgi.command.scope=rec)(osgi.command.scope=policy))");
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        for (ServiceReference<?> r : refs == null ? new ServiceReference<?>[0] : refs) {
            Object f = r.getProperty("osgi.command.function");
            for (String fn : f instanceof String[] a ? a : new String[] {String.valueOf(f)}) {
                commands.add(r.getProperty("osgi.command.scope") + ":" + fn);
            }
        }
        return commands;
    }

    Bundle deploy(String bsn) throws Exception {
        Path tmp = DIR.resolve(bsn + ".jar.tmp");
        Files.copy(jar(bsn), tmp, StandardCopyOption.REPLACE_EXISTING);
        long dropped = System.nanoTime();
        Files.move(tmp, DIR.resolve("deploy/" + bsn + ".jar"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        // The bound is for a loaded CI machine, not a promise (README: at FileInstall's next scan, every 250 ms).
        Bundle b = await(bsn + " ACTIVE", 10_000, () -> find(bsn).filter(x -> x.getState() == Bundle.ACTIVE).orElse(null));
        System.out.printf("%s: dropped into deploy/ to ACTIVE in %d ms%n", bsn, (System.nanoTime() - dropped) / 1_000_000);
        return b;
    }

    void undeploy(String bsn) throws Exception {
        Files.delete(DIR.resolve("deploy/" + bsn + ".jar"));
        await(bsn + " uninstalled", 10_000, () -> find(bsn).isEmpty() ? Boolean.TRUE : null);
    }

    Optional<Bundle> find(String bsn) {
        return Arrays.stream(context.getBundles()).filter(b -> bsn.equals(b.getSymbolicName())).findFirst();
    }

    /** Runs a command line in a Gogo session; a command's exception comes back as its message. */
    String sh(String line) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        CommandSession s = shell.createSession(InputStream.nullInputStream(), ps, ps);
        try {
            Object r = s.execute(line);
            // The session also captures System.out (log lines) while the command runs: use the result when there is one.
            return r != null ? String.valueOf(r) : out.toString(StandardCharsets.UTF_8);
        } catch (Exception e) {
            return "ERROR " + e;
        } finally {
            s.close();
        }
    }

    String awaitCommand(String line) throws InterruptedException {
        return await("command " + line, 10_000, () -> {
            String r = sh(line);
            return r.startsWith("ERROR") ? null : r;
        });
    }

    static Set<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).collect(Collectors.toSet());
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
