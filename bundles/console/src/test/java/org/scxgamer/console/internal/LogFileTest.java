package org.scxgamer.console.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFileTest {
    private static final String INFO1 = "2026-12-03 20:00:10,517 INFO  [main] o.s.core - Part BUFFERS: ACTIVE";
    private static final String WARN1 = "2026-12-03 20:00:11,000 WARN  [main] o.s.web - web: host = 0.0.0.0";
    private static final String ERROR1 = "2026-12-03 20:00:12,000 ERROR [cm] org.apache.felix.http - Exception while initializing Jetty";
    private static final String TRACE1 = "java.lang.IllegalStateException: Invalid BundleContext";
    private static final String TRACE2 = "\tat org.apache.felix.framework.BundleContextImpl.checkValidity(BundleContextImpl.java:511)";
    private static final String INFO2 = "2026-12-03 20:00:13,000 INFO  [main] o.s.core - Core stopped";

    @TempDir
    Path dir;

    private Path write(String... lines) throws Exception {
        Path f = dir.resolve("scxgamer.log");
        Files.write(f, java.util.List.of(lines), StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void lastRecordsKeepTheirStackTraceLines() throws Exception {
        LogFile log = new LogFile(write(INFO1, WARN1, ERROR1, TRACE1, TRACE2, INFO2), null);
        assertThat(log.last(2)).containsExactly(ERROR1 + "\n" + TRACE1 + "\n" + TRACE2, INFO2);
        assertThat(log.last(50)).hasSize(4).first().isEqualTo(INFO1);
    }

    @Test
    void levelFilterKeepsThatLevelAndAbove() throws Exception {
        LogFile log = new LogFile(write(INFO1, WARN1, ERROR1, TRACE1, TRACE2, INFO2), "warn");
        assertThat(log.last(50)).containsExactly(WARN1, ERROR1 + "\n" + TRACE1 + "\n" + TRACE2);
        assertThat(new LogFile(write(INFO1, WARN1, ERROR1, TRACE1, TRACE2, INFO2), "ERROR").last(50))
                .containsExactly(ERROR1 + "\n" + TRACE1 + "\n" + TRACE2);
    }

    @Test
    void missingFileHasNoRecordsAndUnknownLevelIsNamed() throws Exception {
        assertThat(new LogFile(dir.resolve("none.log"), null).last(5)).isEmpty();
        assertThatThrownBy(() -> new LogFile(dir.resolve("none.log"), "LOUD")).hasMessageContaining("unknown level 'LOUD'")
                .hasMessageContaining("WARN");
    }

    @Test
    void followPrintsTheTailThenAppendedRecordsThenRereadsARolledOverFile() throws Exception {
        Path f = write(INFO1, WARN1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        AtomicBoolean stop = new AtomicBoolean();
        LogFile log = new LogFile(f, "WARN");
        Thread follower = new Thread(() -> {
            try {
                log.follow(1, out, stop::get, 10);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        follower.start();
        awaitText(bytes, WARN1);
        Files.writeString(f, INFO2 + "\n" + ERROR1 + "\n" + TRACE1 + "\n", StandardOpenOption.APPEND);
        awaitText(bytes, TRACE1);
        // Rolled over: the file is renamed away and a new one begins.
        Files.move(f, dir.resolve("scxgamer.2026-12-03.0.log"));
        Files.writeString(f, WARN1.replace("20:00:11", "21:00:00") + "\n");
        awaitText(bytes, "21:00:00");
        stop.set(true);
        follower.join(5000);
        assertThat(follower.isAlive()).isFalse();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(String.join("\n", WARN1, ERROR1, TRACE1,
                WARN1.replace("20:00:11", "21:00:00")) + "\n").doesNotContain(INFO1).doesNotContain(INFO2);
    }

    @Test
    void aTypedLineStopsAndIsConsumed() {
        java.io.ByteArrayInputStream keyboard = new java.io.ByteArrayInputStream("\nnext\n".getBytes(StandardCharsets.UTF_8));
        assertThat(LogFile.lineTyped(keyboard).getAsBoolean()).isTrue();
        assertThat(new String(keyboard.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("next\n");
        assertThat(LogFile.lineTyped(new java.io.ByteArrayInputStream(new byte[0])).getAsBoolean()).isFalse();
    }

    private static void awaitText(ByteArrayOutputStream bytes, String text) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!bytes.toString(StandardCharsets.UTF_8).contains(text)) {
            assertThat(System.nanoTime()).as("'%s' printed within 10 s; printed: %s", text, bytes).isLessThan(end);
            Thread.sleep(5);
        }
    }
}
