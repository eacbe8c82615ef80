package org.scxgamer.recorder.format;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of {@link RecordingReader} with Jazzer: any input, read with its size known
 * and unknown, must end in clean blocks and either a clean end or a {@link RecordingFormatException};
 * anything else that escapes (a runtime exception, an error, a hang, an allocation beyond the caps) is a
 * finding. Seeds: the files under RecordingReaderFuzzTestInputs/ (valid recordings). CI runs it for
 * the maxDuration below; scripts/fuzz-recordings.sh runs the same target as long as wanted.
 */
public class RecordingReaderFuzzTest {
    static final AtomicLong INPUTS = new AtomicLong();
    static final AtomicLong HEADERS = new AtomicLong();
    static final AtomicLong BLOCKS = new AtomicLong();
    static final AtomicLong ENTRIES = new AtomicLong();
    static final AtomicLong FORMAT_ERRORS = new AtomicLong();

    /** How the fuzz test ended, as JUnit saw it: null until it ended; "passed", or what failed or why it did not run. */
    static final AtomicReference<String> OUTCOME = new AtomicReference<>();

    @RegisterExtension
    static final TestWatcher WATCHER = new TestWatcher() {
        @Override
        public void testSuccessful(ExtensionContext context) {
            OUTCOME.compareAndSet(null, "passed");
        }

        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            OUTCOME.set("FAILED: " + cause);
        }

        @Override
        public void testAborted(ExtensionContext context, Throwable cause) {
            OUTCOME.set("aborted: " + cause);
        }

        @Override
        public void testDisabled(ExtensionContext context, Optional<String> reason) {
            OUTCOME.set("disabled" + reason.map(r -> ": " + r).orElse(""));
        }
    };

    @FuzzTest(maxDuration = "45s")
    void readAnything(byte[] data) {
        fuzzerTestOneInput(data);
    }

    /** The entry point of the Jazzer command line (the long run). */
    public static void fuzzerTestOneInput(byte[] data) {
        INPUTS.incrementAndGet();
        read(data, data.length);
        read(data, -1);
    }

    private static void read(byte[] data, long size) {
        try (RecordingReader r = new RecordingReader(new ByteArrayInputStream(data), size)) {
            HEADERS.incrementAndGet();
            long expected = 0;
            for (RecordingReader.Block b = r.next(); b != null; b = r.next()) {
                check(b.sequence() == expected, "block sequence " + b.sequence() + ", expected " + expected);
                check(b.offset() >= Format.PRELUDE_BYTES && b.offset() < data.length, "block offset " + b.offset());
                expected++;
                BLOCKS.incrementAndGet();
                ENTRIES.addAndGet(b.entries().size());
            }
            check(r.offset() == data.length, "clean end at offset " + r.offset() + " of " + data.length);
        } catch (RecordingFormatException e) {
            check(e.getMessage() != null && !e.getMessage().isBlank(), "format error without a message");
            FORMAT_ERRORS.incrementAndGet();
        } catch (IOException e) {
            throw new AssertionError("only format errors may come from an in-memory stream", e);
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError("reader invariant broken: " + what);
        }
    }

    @AfterAll
    static void report() throws IOException {
        Path dir = Path.of(System.getProperty("scxgamer.reliability.dir", "target/reliability"));
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("3-recording-fuzz.md"), summary(OUTCOME.get()), StandardCharsets.UTF_8);
    }

    /** The fragment: what was tried, and what held only when the fuzz test passed. */
    static String summary(String outcome) {
        String tried = "<!-- written by: " + RecordingReaderFuzzTest.class.getName() + "#readAnything -->\n"
                + "Tried coverage-guided fuzzing (Jazzer, libFuzzer engine, seeded with valid recordings) of the recording reader, "
                + "each input read with its size known and unknown: " + INPUTS.get() + " inputs (" + HEADERS.get()
                + " reads got past the header, " + BLOCKS.get() + " blocks and " + ENTRIES.get() + " entries decoded, "
                + FORMAT_ERRORS.get() + " format errors). ";
        if ("passed".equals(outcome)) {
            return tried + "Held: every read ended in whole blocks followed by a clean end or a format error naming the place; "
                    + "no other exception or error escaped.\n";
        }
        return tried + "**Did not hold**: the fuzz test " + (outcome == null ? "did not end" : outcome.split("\n", 2)[0])
                + " (a finding: an input broke an invariant or let another exception escape; the test's report names it).\n";
    }
}
