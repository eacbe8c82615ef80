package org.scxgamer.systest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The D-Bus control (org.scxgamer.dbus) on a private dbus-daemon configured like the system bus (default
 * deny, holes punched by policy files) with the shipped policy file runtime/dbus/org.scxgamer.conf;
 * clients are busctl as root and as nobody.
 */
class DbusControlTest {
    static final Path SHIPPED_POLICY = RuntimeProcess.ROOT.resolve("runtime/dbus/org.scxgamer.conf");
    static final Path STANDIN = RuntimeProcess.ROOT.resolve("integration-tests/system/src/test/resources/power-profiles-standin.py");
    static final String LOADER = "org.scx.Loader";
    static final String OWN = "org.scxgamer.Scheduler";

    static Path dir;
    static String address;
    static Process daemon;
    static RuntimeProcess runtime;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("scxgamer-bus-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path policies = Files.createDirectories(dir.resolve("system.d"));
        Files.copy(SHIPPED_POLICY, policies.resolve("org.scxgamer.conf"));
        // the stand-in power-profiles-daemon may run as root, as the real one does
        Files.writeString(policies.resolve("standin.conf"), """
                <busconfig>
                  <policy user="root">
                    <allow own="net.hadess.PowerProfiles"/>
                    <allow send_destination="net.hadess.PowerProfiles"/>
                  </policy>
                </busconfig>
                """);
        address = "unix:path=" + dir.resolve("socket");
        // the default policy of Debian's /usr/share/dbus-1/system.conf
        Files.writeString(dir.resolve("bus.conf"), """
                <busconfig>
                  <type>system</type>
                  <listen>%s</listen>
                  <auth>EXTERNAL</auth>
                  <policy context="default">
                    <allow user="*"/>
                    <deny own="*"/>
                    <deny send_type="method_call"/>
                    <allow send_type="signal"/>
                    <allow send_requested_reply="true" send_type="method_return"/>
                    <allow send_requested_reply="true" send_type="error"/>
                    <allow receive_type="method_call"/>
                    <allow receive_type="method_return"/>
                    <allow receive_type="error"/>
                    <allow receive_type="signal"/>
                    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
                    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
                    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
                  </policy>
                  <includedir>system.d</includedir>
                </busconfig>
                """.formatted(address));
        daemon = new ProcessBuilder("dbus-daemon", "--config-file=" + dir.resolve("bus.conf"), "--nofork")
                .redirectErrorStream(true).redirectOutput(dir.resolve("daemon.log").toFile()).start();
        RuntimeProcess.awaitTrue(Duration.ofSeconds(10), () -> Files.exists(dir.resolve("socket")), "the private dbus-daemon's socket");

        runtime = RuntimeProcess.prepare("dbus");
        for (String plugin : List.of("org.scxgamer.dbus.jar", "org.scxgamer.policy.profiles.jar")) {
            Files.copy(RuntimeProcess.ROOT.resolve("runtime/target/plugins").resolve(plugin), runtime.home.resolve("deploy").resolve(plugin));
        }
        Files.writeString(runtime.home.resolve("etc/scxgamer.dbus.cfg"), "bus.address = " + address + "\npower.follow = true\n");
        runtime.start(false, List.of());
        runtime.await(Duration.ofSeconds(60), () -> runtime.logFile().contains("dbus: connected to " + address),
                "the D-Bus control's connection");
    }

    @AfterAll
    static void stop() throws Exception {
        if (runtime != null) {
            runtime.close();
        }
        if (daemon != null) {
            daemon.destroy();
            daemon.waitFor(10, TimeUnit.SECONDS);
            Files.copy(dir.resolve("daemon.log"), RuntimeProcess.ARTIFACTS.resolve("dbus-daemon.log"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        if (dir != null) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            assertThat(dir).as("the bus's temporary folder after the test").doesNotExist();
        }
    }

    @Test
    void scxLoaderClientsReadTheStateAndSwitchModesWhichSwitchTheLiveTunables() throws Exception {
        assertThat(busctl("get-property", LOADER, "/org/scx/Loader", LOADER, "SupportedSchedulers").out())
                .isEqualTo("as 1 \"scx_gamer\"");
        assertThat(busctl("get-property", LOADER, "/org/scx/Loader", LOADER, "CurrentScheduler").out())
                .as("the host has no sched_ext: no scheduler runs").isEqualTo("s \"unknown\"");
        assertThat(busctl("call", LOADER, "/org/scx/Loader", LOADER, "SchedulerModeArgs", "s", "scx_gamer").out())
                .isEqualTo("a(uas) 5 0 2 \"--profile\" \"default\" 1 2 \"--profile\" \"esports\" 2 2 \"--profile\" \"low-power\" "
                        + "3 2 \"--profile\" \"esports\" 4 2 \"--profile\" \"casual\"");
        // mode 1 (Gaming) → esports, then mode 2 (PowerSave) → low-power: the core's tunables follow each time
        for (String[] step : new String[][] {{"1", "esports"}, {"2", "low-power"}}) {
            Result r = busctl("call", LOADER, "/org/scx/Loader", LOADER, "SwitchScheduler", "su", "scx_gamer", step[0]);
            assertThat(r.exit()).as("SwitchScheduler mode %s: %s", step[0], r.out()).isZero();
            assertThat(busctl("get-property", OWN, "/org/scxgamer/Scheduler", "org.scxgamer.Scheduler1", "ActiveProfile").out())
                    .isEqualTo("s \"" + step[1] + "\"");
            assertThat(tunables()).as("scx:tunables after mode %s", step[0]).containsAllEntriesOf(profile(step[1]));
        }
        Result args = busctl("call", LOADER, "/org/scx/Loader", LOADER, "SwitchSchedulerWithArgs", "sas", "scx_gamer", "2",
                "--", "--profile", "casual");
        assertThat(args.exit()).as(args.out()).isZero();
        assertThat(tunables()).containsAllEntriesOf(profile("casual"));
        assertThat(runtime.logFile()).contains("(dbus org.scx.Loader.SwitchSchedulerWithArgs)");
    }

    @Test
    void badArgumentsGetErrorsNamingWhatIsAccepted() throws Exception {
        assertThat(busctl("call", LOADER, "/org/scx/Loader", LOADER, "SwitchScheduler", "su", "scx_rusty", "1").out())
                .isEqualTo("Call failed: scx_name 'scx_rusty' is not supported here; accepted: scx_gamer (SupportedSchedulers)");
        assertThat(busctl("call", LOADER, "/org/scx/Loader", LOADER, "StartScheduler", "su", "scx_gamer", "7").out())
                .isEqualTo("Call failed: sched_mode 7 is not a mode; accepted: 0 (auto), 1 (gaming), 2 (powersave), 3 (lowlatency), 4 (server)");
        assertThat(busctl("call", LOADER, "/org/scx/Loader", LOADER, "StartSchedulerWithArgs", "sas", "scx_gamer", "1", "--", "-k").out())
                .isEqualTo("Call failed: scx_args for scx_gamer: accepted exactly [\"--profile\", NAME] "
                        + "(org.scxgamer.Scheduler1.Profiles lists the names); got [\"-k\"]");
        assertThat(busctl("call", OWN, "/org/scxgamer/Scheduler", "org.scxgamer.Scheduler1", "SetProfile", "s", "no/such").out())
                .startsWith("Call failed: 'no/such': not a profile name;");
        assertThat(busctl("call", OWN, "/org/scxgamer/Scheduler", "org.scxgamer.Scheduler1", "SetProfile", "s", "nosuch").out())
                .isEqualTo("Call failed: no profile 'nosuch'; known: default, esports, casual, low-power");
        assertThat(busctl("call", LOADER, "/org/scx/Loader", LOADER, "StopScheduler").out())
                .startsWith("Call failed: scx_gamer runs as long as the scxgamer service: stop the service");
        assertThat(busctl("set-property", LOADER, "/org/scx/Loader", LOADER, "SchedulerMode", "u", "1").out())
                .contains("read-only");
    }

    @Test
    void anUnprivilegedCallerReadsButIsRefusedChanges() throws Exception {
        String before = busctl("get-property", OWN, "/org/scxgamer/Scheduler", "org.scxgamer.Scheduler1", "ActiveProfile").out();
        Result read = busctlAsNobody("get-property", LOADER, "/org/scx/Loader", LOADER, "SupportedSchedulers");
        assertThat(read.exit()).as(read.out()).isZero();
        assertThat(read.out()).isEqualTo("as 1 \"scx_gamer\"");
        for (List<String> call : List.of(
                List.of(LOADER, "/org/scx/Loader", LOADER, "SwitchScheduler", "su", "scx_gamer", "3"),
                List.of(LOADER, "/org/scx/Loader", LOADER, "RestartScheduler"),
                List.of(OWN, "/org/scxgamer/Scheduler", "org.scxgamer.Scheduler1", "SetProfile", "s", "esports"))) {
            List<String> args = new ArrayList<>(List.of("call"));
            args.addAll(call);
            Result r = busctlAsNobody(args.toArray(String[]::new));
            assertThat(r.exit()).as("%s as nobody", call).isNotZero();
            assertThat(r.out()).as("%s as nobody", call).isEqualTo("Call failed: Access denied");
        }
        assertThat(busctl("get-property", OWN, "/org/scxgamer/Scheduler", "org.scxgamer.Scheduler1", "ActiveProfile").out())
                .as("the active profile after the refused calls").isEqualTo(before);
    }

    /**
     * Where the bus lets everyone call org.scx.Loader (scx_loader's policy file does, relying on polkit; here it
     * stands in for ours), the bundle refuses the change itself, by the caller's uid.
     */
    @Test
    void anUnprivilegedCallerIsRefusedByTheBundleItselfWhereThePolicyLetsEveryoneThrough() throws Exception {
        Path shipped = dir.resolve("system.d/org.scxgamer.conf");
        Path aside = dir.resolve("org.scxgamer.conf");
        Path open = dir.resolve("system.d/open.conf");
        Files.move(shipped, aside);
        Files.writeString(open, """
                <busconfig>
                  <policy context="default">
                    <allow send_destination="org.scx.Loader"/>
                  </policy>
                </busconfig>
                """);
        try {
            assertThat(busctl("call", "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "ReloadConfig").exit())
                    .isZero();
            Result r = busctlAsNobody("call", LOADER, "/org/scx/Loader", LOADER, "SwitchScheduler", "su", "scx_gamer", "3");
            assertThat(r.out()).isEqualTo("Call failed: SwitchScheduler changes the scheduler: only root and members of wheel "
                    + "(control.groups) may call it; caller uid 65534");
            assertThat(r.exit()).isNotZero();
        } finally {
            Files.delete(open);
            Files.move(aside, shipped);
            busctl("call", "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "ReloadConfig");
        }
    }

    @Test
    void followsThePowerProfileWithinASecond() throws Exception {
        Process standin = new ProcessBuilder("/usr/bin/python3", STANDIN.toString(), address).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(standin.getInputStream(), StandardCharsets.UTF_8));
             OutputStream in = standin.getOutputStream()) {
            assertThat(out.readLine()).isEqualTo("ready");
            // the stand-in starts at "balanced"; then flips
            awaitProfile("balanced", "default", System.nanoTime());
            for (String[] flip : new String[][] {{"performance", "esports"}, {"power-saver", "low-power"}, {"balanced", "default"}}) {
                in.write((flip[0] + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
                assertThat(out.readLine()).isEqualTo("set " + flip[0]);
                awaitProfile(flip[0], flip[1], System.nanoTime());
            }
            assertThat(runtime.command("scx:status")).containsPattern("(?m)^(g! )?dbus +connected to .*; power profile: balanced → profile default$");
            // the page's status document (its "plugin" table)
            runtime.awaitWeb();
            assertThat(Http.get(RuntimeProcess.PAGE + "/scxgamer/api/status", runtime.basicAuth()).body())
                    .containsPattern("\\{\"name\":\"dbus\",\"status\":\"connected to [^\"]*; power profile: balanced → profile default\"\\}");
        } finally {
            standin.destroy();
            standin.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void statusSaysWhenOrgScxLoaderIsTakenAndWhenThereIsNoBus() throws Exception {
        Path cfg = runtime.home.resolve("etc/scxgamer.dbus.cfg");
        String original = Files.readString(cfg);
        Process squatter = null;
        try {
            // the control lets go of its names while off; another process (as scx_loader would) takes org.scx.Loader
            Files.writeString(cfg, original + "enabled = false\n");
            runtime.await(Duration.ofSeconds(10), () -> runtime.command("scx:status").contains("disabled (enabled = false"),
                    "the control off");
            squatter = new ProcessBuilder("/usr/bin/python3", STANDIN.toString(), address, LOADER).redirectErrorStream(true).start();
            assertThat(new BufferedReader(new InputStreamReader(squatter.getInputStream(), StandardCharsets.UTF_8)).readLine())
                    .isEqualTo("ready");
            Files.writeString(cfg, original);
            runtime.await(Duration.ofSeconds(10), () -> runtime.command("scx:status").contains(LOADER + " is owned by another process"),
                    "the status line about org.scx.Loader");
            assertThat(runtime.command("scx:status")).containsPattern("(?m)^dbus +connected to " + Pattern.quote(address)
                    + " as :[0-9.]+, owning " + Pattern.quote(OWN) + "; " + Pattern.quote(LOADER)
                    + " is owned by another process \\(:[0-9.]+, scx_loader\\?\\): offering only " + Pattern.quote(OWN));
            assertThat(busctl("get-property", OWN, "/org/scxgamer/Scheduler", "org.scxgamer.Scheduler1", "SchedulerAttached").out())
                    .isEqualTo("b false");
            // no bus at all: a status line, and the platform keeps running
            Path nothing = dir.resolve("nothing-here");
            Files.writeString(cfg, "bus.address = unix:path=" + nothing + "\n");
            runtime.await(Duration.ofSeconds(10), () -> runtime.command("scx:status").contains("unavailable: no usable bus"),
                    "the status line without a bus");
            assertThat(runtime.command("scx:status")).containsPattern("(?m)^dbus +unavailable: no usable bus at unix:path="
                    + Pattern.quote(nothing.toString()) + " \\(.+\\); trying again every 10 s; set bus.address "
                    + "or enabled = false in etc/scxgamer.dbus.cfg$").containsPattern("(?m)^(g! )?buffers +ACTIVE");
        } finally {
            if (squatter != null) {
                squatter.destroy();
                squatter.waitFor(10, TimeUnit.SECONDS);
            }
            Files.writeString(cfg, original);
            runtime.await(Duration.ofSeconds(30), () -> busctl("get-property", LOADER, "/org/scx/Loader", LOADER,
                    "SupportedSchedulers").exit() == 0, "org.scx.Loader back with scxgamer");
        }
    }

    private void awaitProfile(String power, String profile, long since) throws Exception {
        runtime.await(Duration.ofSeconds(5), () -> busctl("get-property", OWN, "/org/scxgamer/Scheduler", "org.scxgamer.Scheduler1",
                "ActiveProfile").out().equals("s \"" + profile + "\""), "profile " + profile + " for power profile " + power);
        long ms = (System.nanoTime() - since) / 1_000_000;
        assertThat(ms).as("ms from power profile %s to profile %s", power, profile).isLessThan(1000);
        assertThat(busctl("get-property", OWN, "/org/scxgamer/Scheduler", "org.scxgamer.Scheduler1", "PowerProfile").out())
                .isEqualTo("s \"" + power + "\"");
        assertThat(tunables()).containsAllEntriesOf(profile(profile));
    }

    record Result(int exit, String out) {
    }

    static Result busctl(String... args) throws Exception {
        return run(List.of(), args);
    }

    static Result busctlAsNobody(String... args) throws Exception {
        return run(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"), args);
    }

    private static Result run(List<String> prefix, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add("busctl");
        cmd.add("--address=" + address);
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("%s finished", cmd).isTrue();
        return new Result(p.exitValue(), out);
    }

    /** scx:tunables as key → value. */
    static Map<String, Long> tunables() throws Exception {
        Map<String, Long> m = new LinkedHashMap<>();
        Matcher t = Pattern.compile("(?m)^(?:g! )?([a-z][a-z.]+) += (-?\\d+) ").matcher(runtime.command("scx:tunables"));
        while (t.find()) {
            m.put(t.group(1), Long.parseLong(t.group(2)));
        }
        assertThat(m).as("scx:tunables").isNotEmpty();
        return m;
    }

    /** A profile's values as policy:profiles lists them. */
    static Map<String, Long> profile(String name) throws Exception {
        String out = runtime.command("policy:profiles");
        Matcher p = Pattern.compile("(?m)^(?:g! )?[* ] " + Pattern.quote(name) + " \\(.*\\n\\s+(.+)$").matcher(out);
        assertThat(p.find()).as("profile %s in policy:profiles:\n%s", name, out).isTrue();
        Map<String, Long> m = new LinkedHashMap<>();
        for (String kv : p.group(1).trim().split(" ")) {
            String[] f = kv.split("=");
            m.put(f[0], Long.parseLong(f[1]));
        }
        return m;
    }
}
