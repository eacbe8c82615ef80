package org.scxgamer.systest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** What the launcher refuses before the JVM starts. */
class LauncherTest {

    @Test
    void insecureDeployAndEtcAreRefusedWithPathAndFix() throws Exception {
        RunningRuntimeTest.requireRoot();
        try (RuntimeProcess rt = RuntimeProcess.prepare("insecure")) {
            Path etc = rt.home.resolve("etc");
            Files.setPosixFilePermissions(etc, PosixFilePermissions.fromString("rwxrwxrwx"));
            Path jar = rt.home.resolve("deploy/plugin.jar");
            RunningRuntimeTest.writeBundle(jar, "org.example.plugin");
            Files.setOwner(jar, jar.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
            Process p = rt.start().process();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("exit status; console:\n%s", rt.log()).isEqualTo(78);
            assertThat(rt.log())
                    .contains("scxgamer: refusing to start: plugins and configuration would be loaded from paths others can change")
                    .contains(etc + " is group/world-writable (mode 777): fix with: chmod go-w '" + etc + "'")
                    .contains(jar + " is owned by uid 65534, not root: fix with: chown root:root '" + jar + "'");
        }
    }

    @Test
    void withoutPrivilegesTheLauncherNamesTheMissingCapabilities() throws Exception {
        RunningRuntimeTest.requireRoot();
        try (RuntimeProcess rt = RuntimeProcess.prepare("unprivileged")) {
            Process p = rt.start(true, List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                    "--inh-caps=-all")).process();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("exit status; console:\n%s", rt.log()).isEqualTo(77);
            assertThat(rt.log()).contains("scxgamer: needs BPF privileges: run as root, or grant CAP_BPF CAP_PERFMON CAP_SYS_ADMIN");
        }
        try (RuntimeProcess rt = RuntimeProcess.prepare("partly-privileged")) {
            // CAP_BPF alone (ambient, so it survives the exec of bash and java): the other two are named
            Process p = rt.start(true, List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                    "--inh-caps=-all,+bpf", "--ambient-caps=-all,+bpf")).process();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("exit status; console:\n%s", rt.log()).isEqualTo(77);
            assertThat(rt.log()).contains("grant CAP_PERFMON CAP_SYS_ADMIN (").doesNotContain("CAP_BPF CAP_PERFMON");
        }
    }
}
