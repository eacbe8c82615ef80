package org.scxgamer.itest.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Scenario results for docs/RELIABILITY.md: each test appends what it tried and what held (with
 * counts) as Markdown to target/reliability/NAME.md; scripts/reliability-report.py assembles the doc.
 */
final class Report {
    static final Path DIR = Path.of(System.getProperty("scxgamer.itest.dir")).resolveSibling("reliability");

    private Report() {
    }

    static void write(String name, String markdown) throws IOException {
        Files.createDirectories(DIR);
        Files.writeString(DIR.resolve(name + ".md"), markdown, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }
}
