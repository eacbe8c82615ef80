package org.scxgamer.systest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The foreground Gogo shell of the runtime with the recorder and stats plugins in deploy/. */
class ShellTest {

    @Test
    void bareStartAndStopActOnBundlesWhileRecStartStillRecords() throws Exception {
        try (RuntimeProcess rt = RuntimeProcess.prepare("shell")) {
            for (String plugin : List.of("org.scxgamer.recorder.jar", "org.scxgamer.stats.jar")) {
                Files.copy(RuntimeProcess.ROOT.resolve("runtime/target/plugins").resolve(plugin), rt.home.resolve("deploy").resolve(plugin));
            }
            // The recorder's default folder is taken from the runtime folder (scxgamer.home).
            Path recordings = rt.home.resolve("data/recordings");
            rt.start(false, List.of());
            rt.await(Duration.ofSeconds(60), () -> rt.command("lb -s org.scxgamer.stats").contains("|Active"), "the stats plugin to be active");
            long id = bundleId(rt.command("lb -s org.scxgamer.stats"));

            // Both rec:stop and felix:stop exist: the bare name must stay the framework's command.
            rt.command("stop " + id);
            assertThat(rt.command("lb -s org.scxgamer.stats")).as("after 'stop %d'", id).contains(id + "|Resolved");
            rt.command("start " + id);
            assertThat(rt.command("lb -s org.scxgamer.stats")).as("after 'start %d'", id).contains(id + "|Active");

            assertThat(rt.command("rec:start systest")).contains("recording to " + recordings.resolve("systest-"));
            assertThat(rt.command("rec:stop")).contains("recording stopped:");
            try (var files = Files.list(recordings)) {
                assertThat(files.map(Path::getFileName).map(Path::toString)).anyMatch(f -> f.startsWith("systest-") && f.endsWith(".scxrec"));
            }
        }
    }

    private static long bundleId(String lb) {
        Matcher m = Pattern.compile("(?m)^\\s*(\\d+)\\|\\w+\\s*\\|.*org\\.scxgamer\\.stats").matcher(lb);
        assertThat(m.find()).as("a bundle line in:\n%s", lb).isTrue();
        return Long.parseLong(m.group(1));
    }
}
