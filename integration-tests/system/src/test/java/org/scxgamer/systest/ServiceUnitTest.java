package org.scxgamer.systest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** runtime/systemd/scxgamer.service is a unit systemd accepts, pointing at a real runtime folder. */
class ServiceUnitTest {

    @Test
    void systemdAcceptsTheUnit() throws Exception {
        String unit = Files.readString(RuntimeProcess.ROOT.resolve("runtime/systemd/scxgamer.service"));
        assertThat(unit).contains("ExecStart=/opt/scxgamer/bin/scxgamer --headless", "Restart=on-failure",
                "CapabilityBoundingSet=CAP_BPF CAP_PERFMON CAP_SYS_ADMIN", "SuccessExitStatus=143");
        try (RuntimeProcess rt = RuntimeProcess.prepare("unit")) {
            Path file = rt.home.resolve("scxgamer.service");
            Files.writeString(file, unit.replace("/opt/scxgamer", rt.home.toString()));
            Files.writeString(rt.console, "");
            Process p = new ProcessBuilder("systemd-analyze", "verify", "--man=no", file.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(out).as("systemd-analyze verify output").isEmpty();
            assertThat(p.exitValue()).isZero();
        }
    }
}
