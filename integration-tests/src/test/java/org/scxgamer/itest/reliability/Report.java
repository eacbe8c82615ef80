package org.scxgamer.itest.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Scenario results for docs/RELIABILITY.md: each test appends what it tried and what held (with
 * counts) as Markdown to target/reliability/NAME.md; scripts/reliability-report.py assembles the doc.
 * The first line names the test that wrote it ({@code <!-- written by: CLASS#METHOD -->}, the calling
 * test method), so that the doc can show whether that test passed in the same run.
 */
final class Report {
    static final Path DIR = Path.of(System.getProperty("scxgamer.itest.dir")).resolveSibling("reliability");

    private Report() {
    }

    static void write(String name, String markdown) throws IOException {
        StackWalker.StackFrame test = StackWalker.getInstance().walk(frames -> frames
                .filter(f -> f.getClassName().endsWith("Test")).findFirst())
                .orElseThrow(() -> new IllegalStateException("Report.write must be called from a test class (*Test)"));
        Files.createDirectories(DIR);
        Files.writeString(DIR.resolve(name + ".md"), "<!-- written by: " + test.getClassName() + "#" + test.getMethodName() + " -->\n"
                + markdown, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
