package org.scxgamer.systest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runtime started directly as nobody, past the launcher (which refuses this case itself, see
 * LauncherTest), so every BPF call fails with EPERM: scenario 4 (each part says why, the rest runs)
 * and, on the same process, what the guard refuses at run time that the other system tests do not
 * try: edits ConfigAdmin cannot take or that make a loaded file world-writable (scenarios 1 and 7), and
 * symbolic links or group-writable files in deploy/ and etc/ (scenario 7).
 */
class UnprivilegedRuntimeTest {
    static RuntimeProcess rt;
    static final Path REPORT = RuntimeProcess.ARTIFACTS.resolveSibling("reliability");

    @BeforeAll
    static void start() throws Exception {
        RunningRuntimeTest.requireRoot();
        rt = RuntimeProcess.prepare("nobody");
        UserPrincipal nobody = rt.home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        for (String dir : new String[] {"data", "log"}) {
            Files.createDirectories(rt.home.resolve(dir));
            Files.setOwner(rt.home.resolve(dir), nobody);
        }
        rt.startWithoutLauncher(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--inh-caps=-all"))
                .awaitWeb();
        Files.createDirectories(REPORT);
    }

    @AfterAll
    static void stop() throws Exception {
        rt.close();
    }

    /** A reliability fragment's first line: the test method calling this (the doc shows its result in the same run). */
    private static String writtenBy() {
        StackWalker.StackFrame caller = StackWalker.getInstance().walk(frames -> frames.skip(1).findFirst()).orElseThrow();
        return "<!-- written by: " + caller.getClassName() + "#" + caller.getMethodName() + " -->\n";
    }

    @Test
    void withEveryBpfCallRefusedEachPartSaysWhyAndTheRestRuns() throws Exception {
        rt.await(Duration.ofSeconds(30), () -> rt.log().contains("Part SCHEDULER:"), "the core's part report");
        String log = rt.log();
        assertThat(log)
                .containsPattern("Part BUFFERS: UNAVAILABLE \\(kernel refuses BPF[^:]*: EPERM")
                .containsPattern("Part INJECTOR: UNAVAILABLE \\(kernel refuses BPF[^:]*: EPERM")
                .containsPattern("Part INPUT_HOOK: UNAVAILABLE \\((kernel refuses (BPF|tracing programs)[^:]*: EPERM|kernel has no)")
                .containsPattern("Part SCHEDULER: UNAVAILABLE \\((no sched_ext in this kernel|kernel refuses)");
        // The page, its API and the metrics keep serving, each with what the parts say, and still only with the login.
        HttpResponse<String> page = Http.get(RuntimeProcess.PAGE + "/scxgamer/", rt.basicAuth());
        assertThat(page.statusCode()).as("the page").isEqualTo(200);
        assertThat(page.body()).as("the page").contains("<title>scxgamer</title>");
        HttpResponse<String> status = Http.get(RuntimeProcess.PAGE + "/scxgamer/api/status", rt.basicAuth());
        assertThat(status.statusCode()).as("the page's API").isEqualTo(200);
        assertThat(status.body()).as("the page's API").containsPattern("\"part\": ?\"BUFFERS\", ?\"state\": ?\"UNAVAILABLE\"");
        HttpResponse<String> metrics = Http.get(RuntimeProcess.METRICS, rt.basicAuth());
        assertThat(metrics.statusCode()).as("the metrics").isEqualTo(200);
        assertThat(metrics.body()).as("the metrics").contains("scxgamer_core_available").contains("scxgamer_part_state");
        for (String url : List.of(RuntimeProcess.PAGE + "/scxgamer/", RuntimeProcess.PAGE + "/scxgamer/api/status", RuntimeProcess.METRICS)) {
            assertThat(Http.get(url, null).statusCode()).as("still no access to %s without login", url).isEqualTo(401);
        }
        assertThat(rt.process().isAlive()).isTrue();
        List<String> parts = log.lines().filter(l -> l.contains("KernelReports") && l.contains("Part "))
                .map(l -> l.substring(l.indexOf("Part "))).distinct().toList();
        Files.writeString(REPORT.resolve("4-kernel-no-privileges.md"), writtenBy() + "Tried the runtime started directly as user nobody with no "
                + "capabilities (past the launcher, which refuses this itself), so every BPF call fails with EPERM. Held: each of the "
                + parts.size() + " part reports below gives a precise state and reason; the web page, API and metrics kept serving "
                + "(with login; 401 without); the process kept running.\n\n```\n" + String.join("\n", parts) + "\n```\n");
    }

    @Test
    void configurationFilesConfigAdminCannotTakeAreNamedAndThePreviousOneStays() throws Exception {
        Path cfg = rt.home.resolve("etc/scxgamer.core.cfg");
        write(cfg, "boost.mouse.us = 7100\n".getBytes(StandardCharsets.UTF_8));
        rt.await(Duration.ofSeconds(15), () -> rt.log().contains("Tunables set by config file:" + cfg), "the valid file applied");
        byte[] garbage = new byte[4096];
        new Random(1).nextBytes(garbage);
        List<String[]> cases = List.of(
                new String[] {"value without a key", "boost.mouse.us = 7200\n= 5\n", "has a value without a key"},
                new String[] {"keys differing only in case", "boost.mouse.us = 7300\nBOOST.MOUSE.US = 7400\n", "differ only in case"},
                new String[] {"broken \\u escape", "boost.mouse.us = \\uZZZZ\n", "cannot be read as a configuration file"},
                new String[] {"binary garbage", null, cfg + ""},
                new String[] {"world-writable edit with valid content", "boost.mouse.us = 7600\n", "writable by everyone"});
        StringBuilder rows = new StringBuilder("| case | logged (excerpt) |\n|---|---|\n");
        for (String[] c : cases) {
            // each case is an edit of the loaded file: FileInstall asks the installer that took the file, the guard
            int before = rt.log().length();
            write(cfg, c[1] == null ? garbage : c[1].getBytes(StandardCharsets.ISO_8859_1), c[0].startsWith("world-writable"));
            rt.await(Duration.ofSeconds(15), () -> rt.log().substring(before).contains("guard: refusing to load " + cfg),
                    "the guard's refusal of case '" + c[0] + "'");
            String line = rt.log().substring(before).lines().filter(l -> l.contains("guard: refusing to load " + cfg)).findFirst().orElseThrow();
            assertThat(line).as("case %s", c[0]).contains(c[2]).doesNotContainPattern("[\\x00-\\x08\\x0b-\\x1f\\x7f]");
            Thread.sleep(1500); // two FileInstall scans: nothing of the refused file may reach the core
            assertThat(rt.log().substring(before)).as("case %s", c[0]).doesNotContain("Tunables set by config file:" + cfg)
                    .doesNotContain("Configuration from file:" + cfg);
            rows.append("| ").append(c[0]).append(" | ").append(line.substring(line.indexOf(": refusing") + 2, Math.min(line.length(),
                    line.indexOf(": refusing") + 200)).replace("|", "\\|")).append(" |\n");
        }
        write(cfg, "boost.mouse.us = 7500\n".getBytes(StandardCharsets.UTF_8));
        rt.await(Duration.ofSeconds(15), () -> rt.log().lines().anyMatch(l -> l.contains("Tunables set by config file:" + cfg) && l.contains("MOUSE_BOOST_US=7500")),
                "a valid file after the refused ones");
        Files.writeString(REPORT.resolve("1-bad-configuration-unloadable.md"), writtenBy() + "Tried, in the real runtime (with the guard), "
                + cases.size() + " edits of a loaded scxgamer.core.cfg that ConfigAdmin cannot take at all (FileInstall used to drop "
                + "them without a word) or that made the file world-writable (FileInstall used to load them without asking the "
                + "guard). Held for all " + cases.size() + ": the guard refused the edit naming the file and the problem, nothing "
                + "of it reached the core (no configuration applied in two scans), and a valid edit afterwards applied.\n\n" + rows);
    }

    @Test
    void pluginConfigurationErrorsNameFileAndKeyAndThePreviousOneStays() throws Exception {
        Path cfg = rt.home.resolve("etc/scxgamer.web.cfg");
        List<String[]> cases = List.of(
                new String[] {"text for a number", "session.minutes = abc\n", "session.minutes = 'abc': not a whole number; accepted: 1 .. 10080 minutes"},
                new String[] {"port 0", "metrics.port = 0\n", "metrics.port = '0': out of range; accepted: 1 .. 65535"},
                new String[] {"maybe for a boolean", "enabled = maybe\n", "enabled = 'maybe': accepted: true, false"},
                new String[] {"newline escape forging a log line", "user = a\\nERROR forged\n", "user = 'a\\nERROR forged'"},
                new String[] {"1 MiB host", "host = " + "1".repeat(1 << 20) + "\n", "(1048576 characters)"});
        StringBuilder rows = new StringBuilder("| case | logged (excerpt) |\n|---|---|\n");
        try {
            for (String[] c : cases) {
                int before = rt.log().length();
                write(cfg, c[1].getBytes(StandardCharsets.ISO_8859_1));
                rt.await(Duration.ofSeconds(15), () -> rt.log().substring(before).contains("web: invalid configuration scxgamer.web (file:" + cfg),
                        "the web bundle's error for case '" + c[0] + "'");
                String line = rt.log().substring(before).lines().filter(l -> l.contains("web: invalid configuration scxgamer.web"))
                        .findFirst().orElseThrow();
                assertThat(line).as("case %s", c[0]).contains(c[2]).hasSizeLessThan(2_000);
                assertThat(rt.log().substring(before)).as("case %s: no forged line", c[0]).doesNotContain("\nERROR forged");
                assertThat(Http.get(RuntimeProcess.PAGE + "/scxgamer/api/status", rt.basicAuth()).statusCode())
                        .as("page still served as before, case %s", c[0]).isEqualTo(200);
                rows.append("| ").append(c[0]).append(" | ").append(line.substring(line.indexOf("web: invalid"), Math.min(line.length(),
                        line.indexOf("web: invalid") + 200)).replace("|", "\\|")).append(" |\n");
            }
        } finally {
            Files.deleteIfExists(cfg);
        }
        Files.writeString(REPORT.resolve("1-bad-configuration-plugin.md"), "Tried " + cases.size() + " malformed or hostile edits "
                + "of etc/scxgamer.web.cfg (plugin PID scxgamer.web) in the real runtime. Held for all " + cases.size() + ": one error "
                + "line naming the file and the key (escaped, under 2000 characters), the page and metrics kept serving with the "
                + "previous settings.\n\n" + rows);
    }

    @Test
    void symbolicLinksAndGroupWritableFilesAreRefusedAtRunTime() throws Exception {
        Path outside = Files.createTempFile("scxgamer-outside-", ".jar");
        RunningRuntimeTest.writeBundle(outside, "org.example.linked");
        Path link = rt.home.resolve("deploy/linked.jar");
        Files.createSymbolicLink(link, outside);
        Path groupWritable = rt.home.resolve("etc/scxgamer.groupwritable.cfg");
        Files.writeString(groupWritable, "a = 1\n");
        Files.setPosixFilePermissions(groupWritable, PosixFilePermissions.fromString("rw-rw-r--"));
        List<String> expected = new ArrayList<>(List.of(link + " is a symbolic link",
                groupWritable + " is writable by its group (rw-rw-r--): fix with: chmod go-w '" + groupWritable + "'"));
        try {
            rt.await(Duration.ofSeconds(15), () -> expected.stream().allMatch(e -> {
                try {
                    return rt.log().contains(e);
                } catch (IOException ex) {
                    return false;
                }
            }), "the guard's refusals");
            assertThat(Http.get(RuntimeProcess.PAGE + "/scxgamer/api/status", rt.basicAuth()).body())
                    .as("the linked bundle was never installed").doesNotContain("org.example.linked");
        } finally {
            Files.delete(link);
            Files.delete(groupWritable);
            Files.delete(outside);
        }
        Files.writeString(REPORT.resolve("7-permissions-runtime-extra.md"), "Tried, while the runtime ran: a bundle in deploy/ that is "
                + "a symbolic link to a jar elsewhere, and a group-writable .cfg in etc/. Held for both: refused by the guard with the "
                + "path and the fix; the linked bundle never installed.\n");
    }

    private static void write(Path file, byte[] content) throws IOException {
        write(file, content, false);
    }

    private static void write(Path file, byte[] content, boolean worldWritable) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.write(tmp, content);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(worldWritable ? "rw-rw-rw-" : "rw-r--r--"));
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
