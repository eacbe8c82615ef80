package org.scxgamer.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * A ring buffer map that cannot be mapped into the process (ENOMEM under an address-space limit, in
 * a JVM of its own): BUFFERS is FAILED naming the ring, the errno and the size, everything mapped so far
 * is released, and the injector, the whitelist and the counters still work.
 */
class RingMmapFailureTest {

    @Test
    void ringThatCannotBeMappedFailsBuffersOnlyWithThePreciseReason() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:ReservedCodeCacheSize=32m", "-Xss512k", "-cp", System.getProperty("java.class.path"),
                RingMmapFailureChild.class.getName(), "72").redirectErrorStream(true);
        pb.environment().put("MALLOC_ARENA_MAX", "1"); // glibc would reserve 64 MiB of address space per thread arena
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("child output:\n%s", out).isZero();
        // each ring maps one page of producer position plus twice the data (16 MiB): 4096 + 2 * 16 MiB bytes
        assertThat(out).as("child output")
                .containsPattern("PART BUFFERS FAILED mmap of ring ([1-9]|1[0-5]) \\(33558528 bytes at offset 4096\\): ENOMEM")
                .contains("PART INJECTOR ACTIVE")
                .contains("INJECT 10 0 0")
                .contains("STATS injected 10")
                .containsPattern("RINGS BUFFERS is FAILED: mmap of ring")
                .contains("CLOSED");
    }
}
