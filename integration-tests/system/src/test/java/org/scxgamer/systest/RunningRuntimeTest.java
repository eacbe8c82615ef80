package org.scxgamer.systest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One headless runtime with the default configuration, checked from outside. */
class RunningRuntimeTest {
    static RuntimeProcess runtime;

    @BeforeAll
    static void start() throws Exception {
        runtime = RuntimeProcess.prepare("running").start().awaitWeb();
    }

    @AfterAll
    static void stop() throws Exception {
        runtime.close();
    }

    @Test
    void pageApiAndMetricsRefuseRequestsWithoutLogin() throws Exception {
        for (String url : List.of(RuntimeProcess.PAGE + "/scxgamer/", RuntimeProcess.PAGE + "/scxgamer/api/status",
                RuntimeProcess.PAGE + "/scxgamer/app.js", RuntimeProcess.METRICS)) {
            assertThat(Http.get(url, null).statusCode()).as("GET %s without login", url).isEqualTo(401);
            String wrong = "Basic " + java.util.Base64.getEncoder().encodeToString("scxgamer:admin".getBytes(StandardCharsets.UTF_8));
            assertThat(Http.get(url, wrong).statusCode()).as("GET %s with a wrong password", url).isEqualTo(401);
            assertThat(Http.get(url, runtime.basicAuth()).statusCode()).as("GET %s with the generated password", url)
                    .isEqualTo(200);
        }
        HttpResponse<String> api = Http.get(RuntimeProcess.METRICS, null);
        assertThat(api.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
    }

    @Test
    void passwordIsGeneratedOwnerOnlyAndNeverLogged() throws Exception {
        Path file = runtime.home.resolve("data/web/password");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(runtime.password()).hasSizeGreaterThanOrEqualTo(20);
        String log = runtime.log() + Files.readString(runtime.home.resolve("log/scxgamer.log"));
        assertThat(log).contains("generated the login password for user 'scxgamer' in " + file)
                .doesNotContain(runtime.password());
    }

    @Test
    void everyListenerIsOnLoopbackOnly() throws Exception {
        long pid = runtime.process().pid();
        Process ss = new ProcessBuilder("ss", "-H", "-ltnp").redirectErrorStream(true).start();
        String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ss.waitFor(10, TimeUnit.SECONDS)).isTrue();
        List<String> local = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.contains("pid=" + pid + ",")) {
                local.add(line.trim().split("\\s+")[3]);
            }
        }
        assertThat(local).as("TCP listeners of the runtime (pid %d)", pid)
                .contains("[::ffff:127.0.0.1]:8477", "[::ffff:127.0.0.1]:9477")
                .allSatisfy(a -> assertThat(a).matches("(127\\.\\d+\\.\\d+\\.\\d+|\\[::ffff:127\\.\\d+\\.\\d+\\.\\d+\\]|\\[::1\\]):\\d+"));
    }

    @Test
    void metricsParseWithThePrometheusParser() throws Exception {
        String text = Http.get(RuntimeProcess.METRICS, runtime.basicAuth()).body();
        Files.writeString(RuntimeProcess.ARTIFACTS.resolve("metrics.txt"), text);
        // prometheus_client's text parser (the Prometheus project's Python client; Debian python3-prometheus-client,
        // so Debian's interpreter, not whatever python3 comes first on PATH)
        String script = """
                import sys
                from prometheus_client.parser import text_string_to_metric_families
                for f in text_string_to_metric_families(sys.stdin.read()):
                    print('F', f.name, f.type, len(f.samples), f.documentation != '')
                    for s in f.samples:
                        print('S', s.name, ','.join(f'{k}={v}' for k, v in sorted(s.labels.items())), s.value)
                """;
        Process py = new ProcessBuilder("/usr/bin/python3", "-c", script).redirectErrorStream(true).start();
        py.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        py.getOutputStream().close();
        String parsed = new String(py.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(py.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(py.exitValue()).as("the parser rejected the exposition:\n%s\n--- text ---\n%s", parsed, text).isZero();
        List<String> families = parsed.lines().filter(l -> l.startsWith("F ")).toList();
        assertThat(families).isNotEmpty().allSatisfy(f -> {
            String[] p = f.split(" ");
            assertThat(p[1]).startsWith("scxgamer_");
            assertThat(p[4]).as("HELP text of %s", p[1]).isEqualTo("True");
        });
        assertThat(families).anyMatch(f -> f.startsWith("F scxgamer_input_latency_seconds histogram "))
                .anyMatch(f -> f.startsWith("F scxgamer_core_available gauge 1 "))
                // from the core's control and event services
                .anyMatch(f -> f.startsWith("F scxgamer_part_state gauge "))
                .anyMatch(f -> f.startsWith("F scxgamer_lane_events counter "))
                .anyMatch(f -> f.startsWith("F scxgamer_subscriber_delivered_events counter "))
                .anyMatch(f -> f.startsWith("F scxgamer_devices_connected gauge 1 "));
        assertThat(parsed).contains("S scxgamer_core_available  1.0")
                .contains("S scxgamer_part_state part=buffers,state=active 1.0")
                .contains("S scxgamer_subscriber_delivered_events_total bundle=org.scxgamer.web,");
        List<String> samples = parsed.lines().filter(l -> l.startsWith("S ")).toList();
        assertThat(samples).anyMatch(s -> s.startsWith("S scxgamer_input_latency_seconds_bucket le=+Inf "))
                .anyMatch(s -> s.startsWith("S scxgamer_input_latency_seconds_bucket le=0.001 "))
                .anyMatch(s -> s.startsWith("S scxgamer_input_latency_seconds_count "));
        List<String> typeLines = text.lines().filter(l -> l.startsWith("# TYPE ")).toList();
        assertThat(typeLines).as("each metric family once").doesNotHaveDuplicates();
        // counters carry _total, everything carries the prefix
        text.lines().filter(l -> l.startsWith("# TYPE ") && l.endsWith(" counter"))
                .forEach(l -> assertThat(l.split(" ")[2]).endsWith("_total"));
    }

    @Test
    void metricsPassPromtoolWithoutAFinding() throws Exception {
        String text = Http.get(RuntimeProcess.METRICS, runtime.basicAuth()).body();
        Path promtool = Path.of("/usr/bin/promtool");
        assertThat(promtool).as("Prometheus' promtool (Debian package prometheus; scripts/install-toolchain.sh installs it)")
                .isExecutable();
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String findings = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(findings).as("promtool check metrics findings (exit %d) on:\n%s", p.exitValue(), text).isEmpty();
        assertThat(p.exitValue()).as("promtool check metrics exit status").isZero();
        // the core's nanosecond counter in the base unit
        assertThat(text).contains("# TYPE scxgamer_sched_reader_wake_seconds_total counter");
    }

    @Test
    void invalidWebConfigurationIsReportedAndThePreviousOneStays() throws Exception {
        Path cfg = runtime.home.resolve("etc/scxgamer.web.cfg");
        Files.writeString(cfg, "port = 70000\nmetrics.host = example.org\n");
        try {
            runtime.await(Duration.ofSeconds(10), () -> runtime.log().contains("web: invalid configuration scxgamer.web"),
                    "the configuration error");
            assertThat(runtime.log()).contains("web: invalid configuration scxgamer.web (file:" + cfg + "): port = '70000': out of range; "
                    + "accepted: 1 .. 65535; metrics.host = 'example.org': not an IP address; ").contains("; the previous configuration stays in force");
            assertThat(Http.get(RuntimeProcess.METRICS, runtime.basicAuth()).statusCode()).isEqualTo(200);
            assertThat(Http.get(RuntimeProcess.PAGE + "/scxgamer/api/status", runtime.basicAuth()).statusCode()).isEqualTo(200);
        } finally {
            Files.delete(cfg);
        }
    }

    @Test
    void insecureFilesAppearingLaterAreRefusedWithTheFix() throws Exception {
        requireRoot();
        Path cfg = runtime.home.resolve("etc/scxgamer.insecure.cfg");
        Files.writeString(cfg, "a = 1\n");
        Files.setPosixFilePermissions(cfg, PosixFilePermissions.fromString("rw-rw-rw-"));
        Path jar = runtime.home.resolve("deploy/foreign.jar");
        writeBundle(jar, "org.example.foreign");
        UserPrincipalLookupService users = jar.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(jar, users.lookupPrincipalByName("nobody"));
        runtime.await(Duration.ofSeconds(10), () -> runtime.log().contains("refusing to load " + jar)
                && runtime.log().contains("refusing to load " + cfg), "the guard's refusals");
        assertThat(runtime.log())
                .contains(jar + " is owned by uid 65534, not root: fix with: chown root:root '" + jar + "'")
                .contains(cfg + " is writable by everyone (rw-rw-rw-): fix with: chmod go-w '" + cfg + "'");
        HttpResponse<String> status = Http.get(RuntimeProcess.PAGE + "/scxgamer/api/status", runtime.basicAuth());
        assertThat(status.body()).as("the refused bundle was never installed").doesNotContain("org.example.foreign");
        Files.delete(jar);
        Files.delete(cfg);
    }

    @Test
    void onlyAllowListedPluginsLoadWhenAnAllowListIsConfigured() throws Exception {
        Path cfg = runtime.home.resolve("etc/scxgamer.guard.cfg");
        Files.writeString(cfg, "plugins.allow = org.example.allowed.*\n");
        Path denied = runtime.home.resolve("deploy/denied.jar");
        Path allowed = runtime.home.resolve("deploy/allowed.jar");
        try {
            writeBundle(denied, "org.example.denied");
            writeBundle(allowed, "org.example.allowed.one");
            runtime.await(Duration.ofSeconds(30), () -> runtime.log().contains("refusing to load " + denied)
                    && Http.get(RuntimeProcess.PAGE + "/scxgamer/api/status", runtime.basicAuth()).body()
                            .contains("\"bundle\":\"org.example.allowed.one\",\"version\":\"1.0.0\",\"state\":\"ACTIVE\""),
                    "the allow-list decision (allowed bundle started)");
            assertThat(runtime.log()).contains(denied + " holds bundle org.example.denied, which is not in plugins.allow "
                    + "(org.example.allowed.*) of " + cfg + ": add it there if it is trusted");
            String status = Http.get(RuntimeProcess.PAGE + "/scxgamer/api/status", runtime.basicAuth()).body();
            assertThat(status).contains("\"bundle\":\"org.example.allowed.one\",\"version\":\"1.0.0\",\"state\":\"ACTIVE\",\"dropIn\":true")
                    .doesNotContain("org.example.denied");
        } finally {
            Files.deleteIfExists(denied);
            Files.deleteIfExists(allowed);
            Files.delete(cfg);
        }
    }

    /** A minimal valid bundle jar. */
    static void writeBundle(Path jar, String bsn) throws IOException {
        java.util.jar.Manifest mf = new java.util.jar.Manifest();
        mf.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        mf.getMainAttributes().putValue("Bundle-SymbolicName", bsn);
        mf.getMainAttributes().putValue("Bundle-Version", "1.0.0");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar), mf)) {
            out.flush();
        }
    }

    static void requireRoot() throws IOException {
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        assertThat(uid).as("this test changes file owners and must run as root (as CI does)").isZero();
    }
}
