package org.scxgamer.systest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The foreground Gogo shell of the runtime. */
class ShellTest {
    /** A console line in the console's log format (conf/logback.xml), e.g. "20:05:48.924 INFO  o.s.core - ...". */
    private static final Pattern CONSOLE_RECORD = Pattern.compile("(?m)^(g! )*\\d{2}:\\d{2}:\\d{2}\\.\\d{3} +(TRACE|DEBUG|INFO|WARN|ERROR) ");

    /**
     * Commands piped in before the platform is up wait for it (the login profile holds the prompt in
     * console:await) and then run; the console shows the banner, the parts' states and the commands' output,
     * no log records, no java.util.logging notes; the framework stops at the end of input without a stack trace.
     */
    @Test
    void pipedCommandsRunOnceThePlatformIsUpOnAQuietConsole() throws Exception {
        try (RuntimeProcess rt = RuntimeProcess.prepare("piped")) {
            rt.start(false, List.of());
            rt.shell("scx:status");
            rt.shell("scx:stats");
            rt.shell("log:display -n 500 -l INFO");
            rt.process().getOutputStream().close();
            assertThat(rt.process().waitFor(90, java.util.concurrent.TimeUnit.SECONDS)).as("the runtime stops at the end of its input; console:\n%s",
                    rt.log()).isTrue();
            String console = rt.log();
            assertThat(console).as("console").contains("scxgamer shell (Apache Felix Gogo)")
                    .containsPattern("(?m)^buffers +ACTIVE")
                    .contains("mode: ")                       // scx:status
                    .contains("events.seen: ")                // scx:stats
                    .contains("Loading the kernel objects")   // log:display, from the log file
                    .doesNotContain("CommandNotFoundException").doesNotContain("Exception").doesNotContain("\tat ")
                    .doesNotContain("Registered provider").doesNotContain("WARNING").doesNotContain("ERROR");
            Matcher record = CONSOLE_RECORD.matcher(console);
            assertThat(record.find()).as("a log record on the console: %s", record.find(0) ? console.substring(record.start()).lines().findFirst().orElse("") : "")
                    .isFalse();
            // 117: the bnd launcher's STOPPED, the framework was stopped from inside (by Gogo, at the end of input).
            assertThat(rt.process().exitValue()).as("exit status; console:\n%s", console).isEqualTo(117);
            assertThat(rt.logFile()).as("log file").contains("Core stopped").doesNotContain("Exception");
        }
    }

    /** With the recorder and stats plugins in deploy/. */
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
