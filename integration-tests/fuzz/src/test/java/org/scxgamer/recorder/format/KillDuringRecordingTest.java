package org.scxgamer.recorder.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a JVM recording through {@link RecordingWriter}, 20 times: every file must read cleanly to
 * its last whole block (at least as many blocks and events as the writer had reported written), events
 * consecutive, and anything after that last whole block named as a truncated block. Even runs kill at a
 * random moment; odd runs kill while a block is half written (the child writes half of it and waits), so
 * that the cut-block path is taken for sure: those files must read to exactly the blocks and events the
 * writer reported, then name the half block, whose bytes are all that follows.
 */
class KillDuringRecordingTest {
    static final int RUNS = 20;

    @TempDir
    Path dir;

    @Test
    void everyKilledRecordingReadsToItsLastWholeBlock() throws Exception {
        Random random = new Random(20261126);
        int cleanEnds = 0;
        int cutBlocks = 0;
        long totalBlocks = 0;
        long totalEvents = 0;
        int midBlockCuts = 0;
        StringBuilder rows = new StringBuilder("| run | block size | killed | blocks reported | blocks read | events read | tail |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (int run = 0; run < RUNS; run++) {
            boolean midBlock = run % 2 == 1;
            Path file = dir.resolve("run-" + run + ".scxrec");
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-cp", System.getProperty("java.class.path"), RecordingChild.class.getName(), file.toString(),
                    Long.toString(random.nextLong()), midBlock ? "mid-block" : "any-time").redirectError(ProcessBuilder.Redirect.INHERIT).start();
            AtomicLong reportedBlocks = new AtomicLong();
            AtomicLong reportedEvents = new AtomicLong();
            AtomicReference<String> started = new AtomicReference<>();
            AtomicReference<String> partial = new AtomicReference<>();
            Thread out = new Thread(() -> follow(child, started, partial, reportedBlocks, reportedEvents));
            out.start();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (started.get() == null && System.nanoTime() < until && child.isAlive()) {
                Thread.sleep(5);
            }
            assertThat(started.get()).as("the child started recording").isNotNull();
            String killed;
            if (midBlock) {
                until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (partial.get() == null && System.nanoTime() < until && child.isAlive()) {
                    Thread.sleep(5);
                }
                assertThat(partial.get()).as("the child wrote half a block (run %d)", run).isNotNull();
                killed = "mid-block";
            } else {
                int waitMillis = random.nextInt(1500);
                Thread.sleep(waitMillis);
                killed = "after " + waitMillis + " ms";
            }
            child.destroyForcibly(); // SIGKILL
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as("killed by signal 9").isEqualTo(128 + 9);
            out.join();

            long blocks = 0;
            long events = 0;
            String tail = "clean end";
            try (RecordingReader r = RecordingReader.open(file)) {
                assertThat(r.header()).containsEntry("recording.name", "kill-test");
                long size = Files.size(file);
                long blockStart = r.offset();
                try {
                    for (RecordingReader.Block b = r.next(); b != null; blockStart = r.offset(), b = r.next()) {
                        blocks++;
                        for (Entry e : b.entries()) {
                            if (e instanceof Entry.Event ev) {
                                assertThat(ev.value()).as("event %d in run %d", events, run).isEqualTo((int) events);
                                events++;
                            }
                            assertThat(e).as("no END entry: the process was killed").isNotInstanceOf(Entry.End.class);
                        }
                    }
                    cleanEnds++;
                } catch (RecordingFormatException e) {
                    // Only the block being written when the kill came may be cut, and it must be named as such.
                    assertThat(e.getMessage()).as("run %d", run).startsWith("block " + blocks + " at offset " + blockStart)
                            .contains("truncated");
                    assertThat(size - blockStart).as("bytes after the last whole block (run %d)", run)
                            .isLessThan(Format.FRAME_BYTES + Format.MAX_BLOCK_BYTES);
                    tail = "cut block named: " + e.getMessage().replace("|", "\\|");
                    cutBlocks++;
                    if (midBlock) {
                        // "PARTIAL BLOCK at OFFSET BYTES N": exactly the half block follows the last whole one.
                        String[] p = partial.get().split(" ");
                        assertThat(blockStart).as("the half block's offset (run %d)", run).isEqualTo(Long.parseLong(p[3]));
                        assertThat(size - blockStart).as("bytes after the last whole block (run %d)", run).isEqualTo(Long.parseLong(p[5]));
                        midBlockCuts++;
                    }
                }
            }
            if (midBlock) {
                assertThat(tail).as("run %d was killed inside a block: the reader must name the cut block", run).startsWith("cut block");
                assertThat(blocks).as("whole blocks read = blocks the writer reported (run %d)", run).isEqualTo(reportedBlocks.get());
                assertThat(events).as("events read = events the writer reported written (run %d)", run).isEqualTo(reportedEvents.get());
            }
            assertThat(blocks).as("whole blocks read vs blocks the writer reported (run %d)", run).isGreaterThanOrEqualTo(reportedBlocks.get());
            assertThat(events).as("events read vs events the writer reported written (run %d)", run).isGreaterThanOrEqualTo(reportedEvents.get());
            totalBlocks += blocks;
            totalEvents += events;
            rows.append("| ").append(run).append(" | ").append(started.get().replace("STARTED blockBytes ", "")).append(" | ")
                    .append(killed).append(" | ").append(reportedBlocks.get()).append(" | ").append(blocks).append(" | ")
                    .append(events).append(" | ").append(tail).append(" |\n");
            Files.delete(file);
        }
        assertThat(totalBlocks).as("the runs recorded something").isPositive();
        assertThat(midBlockCuts).as("runs killed inside a block that recovered to the last whole block").isEqualTo(RUNS / 2);
        Path report = Path.of(System.getProperty("scxgamer.reliability.dir", "target/reliability"));
        Files.createDirectories(report);
        Files.writeString(report.resolve("3-recording-kill.md"), "<!-- written by: " + KillDuringRecordingTest.class.getName()
                + "#everyKilledRecordingReadsToItsLastWholeBlock -->\n" + "Tried kill -9 (SIGKILL) of a JVM recording through the recorder's "
                + "writer, " + RUNS + " times, with block sizes of 32 KiB – 4 MiB: " + (RUNS - RUNS / 2) + " at a random moment 0–1.5 s "
                + "after it started, " + RUNS / 2 + " while a block was half written (the writer stopped in its middle). Held for all "
                + RUNS + ": the file read to its last whole block with every event in order (" + totalBlocks + " blocks, " + totalEvents
                + " events in total), never fewer than the writer had reported written; " + cleanEnds + " files ended exactly between "
                + "blocks, " + cutBlocks + " ended in a partly written block that the reader named as truncated, among them all "
                + midBlockCuts + " killed mid-block, which read to exactly the blocks and events the writer had reported, the half "
                + "block being all that followed.\n\n" + rows,
                StandardCharsets.UTF_8);
    }

    private static void follow(Process child, AtomicReference<String> started, AtomicReference<String> partial, AtomicLong blocks,
                               AtomicLong events) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("STARTED")) {
                    started.set(line);
                } else if (line.startsWith("PARTIAL")) {
                    partial.set(line);
                } else if (line.startsWith("BLOCKS")) {
                    String[] p = line.split(" ");
                    events.set(Long.parseLong(p[3]));
                    blocks.set(Long.parseLong(p[1]));
                }
            }
        } catch (IOException e) {
            // the child is gone
        }
    }
}
