package org.scxgamer.systest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** SIGTERM (what systemd sends) stops the framework cleanly and the process within 5 s. */
class ShutdownTest {

    @Test
    void sigtermStopsTheFrameworkCleanlyWithinFiveSeconds() throws Exception {
        try (RuntimeProcess rt = RuntimeProcess.prepare("sigterm").start().awaitWeb()) {
            Process p = rt.process();
            long t0 = System.nanoTime();
            p.destroy(); // SIGTERM
            boolean exited = p.waitFor(5, TimeUnit.SECONDS);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(exited).as("exited within 5 s of SIGTERM; console:\n%s", rt.log()).isTrue();
            System.out.printf("SIGTERM to exit: %d ms (exit status %d)%n", ms, p.exitValue());
            assertThat(p.exitValue()).as("JVM exit status after SIGTERM").isEqualTo(143);
            String fileLog = Files.readString(rt.home.resolve("log/scxgamer.log"));
            for (String log : new String[] {rt.log(), fileLog}) {
                assertThat(log).contains("scxgamer: shutdown requested (SIGTERM or exit): stopping the framework")
                        .containsPattern("scxgamer: clean shutdown: framework stopped in \\d+ ms")
                        .doesNotContain("did not stop within");
            }
            // the core's own account of its stop: the scheduler is detached, the kernel objects closed
            assertThat(fileLog).contains("Core stopped: reader stopped, scheduler detached, kernel objects closed");
        }
    }
}
