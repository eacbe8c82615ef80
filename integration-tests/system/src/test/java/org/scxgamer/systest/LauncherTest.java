package org.scxgamer.systest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** What the launcher refuses before the JVM starts, and its class data archive. */
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

    /** The archives in data/cds/. */
    private static List<Path> archives(RuntimeProcess rt) throws Exception {
        try (Stream<Path> files = Files.list(rt.home.resolve("data/cds"))) {
            return files.toList();
        }
    }

    /**
     * Starts the runtime, waits until it is up, and returns whether its JVM mapped this archive; then stops it.
     * The JVM's class data messages (unified logging, "[warning][cds...]") stay off the console.
     */
    private static boolean startMapsArchive(RuntimeProcess rt, Path archive) throws Exception {
        rt.start().awaitWeb();
        boolean mapped = Files.readString(Path.of("/proc/" + rt.process().pid() + "/maps")).contains(archive.toString());
        rt.process().destroy();
        assertThat(rt.process().waitFor(30, TimeUnit.SECONDS)).as("stopped; console:\n%s", rt.log()).isTrue();
        assertThat(rt.log()).as("console").doesNotContain("][cds").doesNotContainIgnoringCase("shared archive");
        return mapped;
    }

    @Test
    void theFirstStartWritesAClassArchiveThatLaterStartsMapAndABrokenOneIsMadeAgain() throws Exception {
        RunningRuntimeTest.requireRoot();
        try (RuntimeProcess rt = RuntimeProcess.prepare("classdata")) {
            Path none = rt.home.resolve("data/cds/none.jsa");
            assertThat(startMapsArchive(rt, none)).isFalse();
            List<Path> written = archives(rt);
            assertThat(written).as("data/cds after the first stop").hasSize(1);
            Path archive = written.get(0);
            assertThat(archive.getFileName().toString()).matches("[0-9a-f]{16}\\.jsa");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(archive.getParent()))).isEqualTo("rwx------");

            assertThat(startMapsArchive(rt, archive)).as("the second start maps %s", archive).isTrue();
            assertThat(archives(rt)).containsExactly(archive);

            // a stop cut short leaves a file without a finished header: not used, made again
            Files.write(archive, new byte[4096]);
            assertThat(startMapsArchive(rt, archive)).as("a start with a broken archive maps it").isFalse();
            assertThat(startMapsArchive(rt, archive)).as("the start after that maps the archive made again").isTrue();
        }
    }
}
