package org.scxgamer.console.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class StartupGateTest {
    /** A clock that moves 1 s each time it is read. */
    private static final class Clock {
        final AtomicLong nanos = new AtomicLong();

        long read() {
            return nanos.getAndAdd(1_000_000_000L);
        }
    }

    @Test
    void quickStartPrintsNothing() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int[] calls = {0};
        boolean up = StartupGate.awaitUp(() -> ++calls[0] < 2 ? "the core is loading the kernel objects" : null,
                new Clock()::read, new PrintStream(bytes, true, StandardCharsets.UTF_8), 300_000);
        assertThat(up).isTrue();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void slowStartSaysWhatItWaitsForThenOpens() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int[] calls = {0};
        boolean up = StartupGate.awaitUp(() -> ++calls[0] < 40 ? "framework at start level 4 of 6" : null,
                new Clock()::read, new PrintStream(bytes, true, StandardCharsets.UTF_8), 300_000);
        assertThat(up).isTrue();
        String printed = bytes.toString(StandardCharsets.UTF_8);
        // 3 s: the first notice; 33 s: the second; nothing else.
        assertThat(printed.lines()).hasSize(2).allMatch(l -> l.startsWith("scxgamer: starting, ")
                && l.contains("framework at start level 4 of 6") && l.contains("typed commands wait"));
        assertThat(printed).contains("starting, 3 s so far").contains("starting, 33 s so far");
    }

    @Test
    void givesUpAfterTheLimitNamingWhatIsMissing() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean up = StartupGate.awaitUp(() -> "the core is loading the kernel objects", new Clock()::read,
                new PrintStream(bytes, true, StandardCharsets.UTF_8), 10_000);
        assertThat(up).isFalse();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("scxgamer: not up after 10 s (the core is loading the kernel objects); "
                + "the shell opens anyway");
    }

    @Test
    void partsAreOneLineEach() {
        assertThat(StartupGate.parts(java.util.List.of(
                new org.scxgamer.api.control.PartStatus(org.scxgamer.api.control.Part.BUFFERS, org.scxgamer.api.control.PartState.ACTIVE, "16 rings"),
                new org.scxgamer.api.control.PartStatus(org.scxgamer.api.control.Part.INJECTOR, org.scxgamer.api.control.PartState.ACTIVE, ""))))
                .isEqualTo("buffers     ACTIVE      16 rings\ninjector    ACTIVE");
    }
}
