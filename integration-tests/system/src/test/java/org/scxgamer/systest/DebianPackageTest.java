package org.scxgamer.systest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Debian package the build makes (packaging/deb): lintian finds no error; installed into a scratch root
 * (dpkg --root), its files are where they belong, the runtime starts from the installed paths, an upgrade
 * keeps a changed conffile, a purge leaves nothing behind.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebianPackageTest {
    static final Path DEB = RuntimeProcess.ROOT.resolve("packaging/deb/target/scxgamer_"
            + System.getProperty("scxgamer.deb.version", "0.1.0-SNAPSHOT").replace("-SNAPSHOT", "~snapshot") + "_amd64.deb");
    static Path root;

    @BeforeAll
    static void scratchRoot() throws Exception {
        assertThat(DEB).as("the package (built by packaging/deb)").exists();
        Files.createDirectories(RuntimeProcess.ARTIFACTS); // also when this class runs alone (-Dtest=)
        root = Files.createTempDirectory("scxgamer-dpkg-root-");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(root.resolve("var/lib/dpkg/info"));
        Files.createDirectories(root.resolve("var/lib/dpkg/updates"));
        Files.createFile(root.resolve("var/lib/dpkg/status"));
    }

    @AfterAll
    static void cleanUp() throws Exception {
        run("rm", "-rf", root.toString());
    }

    @Test
    @Order(1)
    void lintianFindsNoError() throws Exception {
        Result r = run("lintian", "--no-cfg", DEB.toString());
        Files.writeString(RuntimeProcess.ARTIFACTS.resolve("lintian.txt"), r.out());
        assertThat(r.out().lines().filter(l -> l.startsWith("E: ")).toList()).as("lintian errors").isEmpty();
        assertThat(r.exit()).as("lintian exit status; output:\n%s", r.out()).isZero();
    }

    @Test
    @Order(2)
    void installsWithItsFilesWhereTheyBelongAndStartsFromThem() throws Exception {
        Result install = dpkg("-i", DEB.toString());
        assertThat(install.exit()).as(install.out()).isZero();
        List<String> files = dpkg("-L", "scxgamer").out().lines().toList();
        assertThat(files).contains("/usr/lib/scxgamer/bin/scxgamer", "/usr/lib/scxgamer/lib/scxgamer.jar", "/usr/sbin/scxgamer",
                "/usr/lib/scxgamer/deploy/org.scxgamer.dbus.jar", "/etc/scxgamer/scxgamer.dbus.cfg",
                "/lib/systemd/system/scxgamer.service", "/usr/share/dbus-1/system.d/org.scxgamer.conf",
                "/usr/share/man/man8/scxgamer.8.gz", "/usr/share/doc/scxgamer/copyright");
        assertThat(run("dpkg-query", "--root=" + root, "-W", "-f=${Conffiles}", "scxgamer").out())
                .contains("/etc/scxgamer/scxgamer.dbus.cfg");
        // Debian has no group wheel: the bus policy and the bundle's own check name sudo, its administrators' group
        assertThat(Files.readString(root.resolve("usr/share/dbus-1/system.d/org.scxgamer.conf")))
                .contains("<policy group=\"sudo\">").doesNotContain("wheel");
        assertThat(Files.readString(root.resolve("etc/scxgamer/scxgamer.dbus.cfg"))).containsPattern("(?m)^control\\.groups = sudo$");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("var/lib/scxgamer"))))
                .as("the state folder made by postinst").isEqualTo("rwx------");
        assertThat(root.resolve("var/log/scxgamer")).isDirectory();
        assertThat(run(root.resolve("usr/lib/scxgamer/bin/scxgamer").toString(), "--help").out()).contains("SCXGAMER_ETC");
        // systemd accepts the installed unit (its paths moved into the scratch root)
        Path unitDir = Files.createDirectories(root.resolve("tmp-unit"));
        Path unit = unitDir.resolve("scxgamer.service");
        Files.writeString(unit, Files.readString(root.resolve("lib/systemd/system/scxgamer.service"))
                .replace("/usr/lib/scxgamer", root + "/usr/lib/scxgamer"));
        Result verify = run("systemd-analyze", "verify", "--man=no", unit.toString());
        assertThat(verify.out()).as("systemd-analyze verify output").isEmpty();
        assertThat(verify.exit()).isZero();
        run("rm", "-rf", unitDir.toString());

        // Start the installed runtime as the unit does (SCXGAMER_HOME, SCXGAMER_ETC), its /var folders those of the
        // scratch root (a private mount namespace); no web listeners (the other system tests own the ports), no
        // system bus (the host's, if it has one, is not the test's to take names on).
        Files.writeString(root.resolve("etc/scxgamer/scxgamer.web.cfg"), "enabled = false\nmetrics.enabled = false\n");
        Path noBus = root.resolve("no-bus");
        Files.writeString(root.resolve("etc/scxgamer/scxgamer.dbus.cfg"), "bus.address = unix:path=" + noBus + "\n");
        Path console = RuntimeProcess.ARTIFACTS.resolve("deb-runtime.log");
        Process p = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount -t tmpfs tmpfs /var/lib && mkdir /var/lib/scxgamer && mount --bind \"$0/var/lib/scxgamer\" /var/lib/scxgamer"
                        + " && mount -t tmpfs tmpfs /var/log && mkdir /var/log/scxgamer && mount --bind \"$0/var/log/scxgamer\" /var/log/scxgamer"
                        + " && SCXGAMER_HOME=\"$0/usr/lib/scxgamer\" SCXGAMER_ETC=\"$0/etc/scxgamer\" exec \"$0/usr/lib/scxgamer/bin/scxgamer\" --headless",
                root.toString()).redirectErrorStream(true).redirectOutput(console.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        Path log = root.resolve("var/log/scxgamer/scxgamer.log");
        try {
            RuntimeProcess.awaitTrue(Duration.ofSeconds(60), () -> read(log).contains("dbus: unavailable")
                    && read(log).contains("Ring reader reading"), "the installed runtime's core and D-Bus control in " + log);
            assertThat(read(log)).contains("Ring reader reading")
                    .contains("dbus: unavailable: no usable bus at unix:path=" + noBus)
                    .doesNotContain("refusing to load");
            assertThat(root.resolve("var/lib/scxgamer/felix-cache")).as("the framework's cache in the state folder").isDirectory();
        } finally {
            p.destroy();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("the runtime stops on SIGTERM").isTrue();
            Files.delete(root.resolve("etc/scxgamer/scxgamer.web.cfg")); // the test's, not the package's
        }
    }

    @Test
    @Order(3)
    void anUpgradeKeepsAChangedConffileAndAPurgeLeavesNothing() throws Exception {
        Path cfg = root.resolve("etc/scxgamer/scxgamer.dbus.cfg");
        Files.writeString(cfg, "power.follow = true\n");
        Result again = dpkg("-i", DEB.toString());
        assertThat(again.exit()).as(again.out()).isZero();
        assertThat(Files.readString(cfg)).as("the user's conffile after the upgrade").isEqualTo("power.follow = true\n");

        Result purge = dpkg("--purge", "scxgamer");
        assertThat(purge.exit()).as(purge.out()).isZero();
        List<String> left = new ArrayList<>();
        try (Stream<Path> all = Files.walk(root)) {
            all.map(f -> root.relativize(f).toString()).filter(f -> f.contains("scxgamer") && !f.startsWith("var/lib/dpkg"))
                    .forEach(left::add);
        }
        assertThat(left).as("files of the package after the purge").isEmpty();
    }

    record Result(int exit, String out) {
    }

    static Result dpkg(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("dpkg", "--root=" + root, "--force-depends", "--force-script-chrootless"));
        cmd.addAll(List.of(args));
        return run(cmd.toArray(String[]::new));
    }

    static Result run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", List.of(cmd)).isTrue();
        return new Result(p.exitValue(), out);
    }

    static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
