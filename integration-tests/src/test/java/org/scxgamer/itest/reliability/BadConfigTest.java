package org.scxgamer.itest.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.scxgamer.itest.Poll.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.scxgamer.api.control.InjectedEvent;
import org.scxgamer.api.control.Part;
import org.scxgamer.api.control.PartState;
import org.scxgamer.api.control.ScxControl;
import org.scxgamer.api.control.Tunable;
import org.scxgamer.api.control.WhitelistRule;

/**
 * Scenario 1: malformed and hostile .cfg files dropped into the etc/ folder FileInstall watches. Each
 * must give one clear log line naming the file and the key, leave the previous configuration in force
 * (read back through ScxControl), and leave the platform running (an injected event still arrives at
 * the kernel).
 */
class BadConfigTest {
    static final Path DIR = Path.of(System.getProperty("scxgamer.itest.dir"));
    static final Path ETC = DIR.resolve("etc");
    static final Path LOG = DIR.resolve("itest.log");
    static final String CORE = "scxgamer.core.cfg";
    static final String BASELINE = """
            whitelist = usb:*:*=auto, bluetooth:*:*=auto, virtual:dead:beef=mouse
            boost.mouse.us = 7777
            slice.us = 4321
            """;
    /** The longest log line a hostile value may cause. */
    static final int MAX_LINE = 2_000;

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    ScxControl control;

    @InjectService
    org.osgi.service.cm.ConfigurationAdmin configAdmin;

    /** A file content, the file it goes to, and what the log line must name besides the file. */
    record Case(String name, String file, byte[] content, List<String> mustName) {
        static Case core(String name, String content, String... mustName) {
            return new Case(name, CORE, content.getBytes(StandardCharsets.ISO_8859_1), List.of(mustName));
        }
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        // wrong types
        c.add(Case.core("text for a number", "ring.size.kib = abc\n", "ring.size.kib", "not a whole number"));
        c.add(Case.core("decimal for a whole number", "ring.size.kib = 256.0\n", "ring.size.kib", "not a whole number"));
        c.add(Case.core("hex for a decimal", "boost.mouse.us = 0x100\n", "boost.mouse.us", "not a whole number"));
        c.add(Case.core("unit suffix", "boost.mouse.us = 8ms\n", "boost.mouse.us", "not a whole number"));
        c.add(Case.core("yes for a boolean", "hook.enabled = yes\n", "hook.enabled", "accepted: true, false"));
        c.add(Case.core("1 for a boolean", "injector.enabled = 1\n", "injector.enabled", "accepted: true, false"));
        c.add(Case.core("unknown wait mode", "reader.wait = spin\n", "reader.wait", "blocking, busy-poll"));
        c.add(Case.core("unknown restart policy", "scheduler.restart = sometimes\n", "scheduler.restart", "on-request, always, never"));
        c.add(Case.core("boolean tunable out of range", "preempt = 2\n", "preempt", "0 .. 1"));
        // whitelist syntax
        c.add(Case.core("rule without action", "whitelist = usb:046d\n", "whitelist", "usb:046d"));
        c.add(Case.core("unknown action", "whitelist = usb:046d:*=turbo\n", "whitelist", "turbo"));
        c.add(Case.core("bad hex id", "whitelist = usb:zzzz:*=mouse\n", "whitelist", "zzzz"));
        c.add(Case.core("reserved id ffff", "whitelist = usb:ffff:*=mouse\n", "whitelist", "ffff"));
        c.add(Case.core("unknown bus", "whitelist = warp:*:*=mouse\n", "whitelist", "warp"));
        c.add(Case.core("two rules for the same devices", "whitelist = usb:*:*=mouse, usb:*:*=keyboard\n", "whitelist",
                "match the same devices"));
        c.add(Case.core("more rules than the kernel map holds", "whitelist = " + IntStreamRules.rules(300) + "\n",
                "whitelist", "300 rules"));
        // out of range
        c.add(Case.core("ring below minimum", "ring.size.kib = 2\n", "ring.size.kib", "out of range"));
        c.add(Case.core("ring above maximum", "ring.size.kib = 32768\n", "ring.size.kib", "out of range"));
        c.add(Case.core("ring not a power of two", "ring.size.kib = 300\n", "ring.size.kib", "power of two"));
        c.add(Case.core("slice below minimum", "slice.us = 50\n", "slice.us", "100 .. 100000"));
        c.add(Case.core("negative duration", "boost.keyboard.us = -1\n", "boost.keyboard.us", "out of range"));
        c.add(Case.core("restart attempts above maximum", "scheduler.restart.max.attempts = 101\n",
                "scheduler.restart.max.attempts", "0 .. 100"));
        c.add(Case.core("backoff below minimum", "scheduler.restart.backoff.ms = 10\n", "scheduler.restart.backoff.ms", "out of range"));
        c.add(Case.core("window above maximum", "input.window.us = 1000001\n", "input.window.us", "out of range"));
        c.add(Case.core("shift above maximum", "boost.input.shift = 17\n", "boost.input.shift", "0 .. 16"));
        c.add(Case.core("continuous-mode thresholds inverted", "continuous.on.rate = 100\ncontinuous.off.rate = 500\n",
                "continuous.off.rate", "continuous.on.rate"));
        // huge values
        c.add(Case.core("number beyond 64 bits", "ring.size.kib = 99999999999999999999999\n", "ring.size.kib", "not a whole number"));
        c.add(Case.core("Long.MAX_VALUE + 1", "boost.mouse.us = 9223372036854775808\n", "boost.mouse.us", "not a whole number"));
        c.add(Case.core("1 MiB value", "reader.wait = " + "x".repeat(1 << 20) + "\n", "reader.wait", "blocking, busy-poll"));
        // unknown keys
        c.add(Case.core("misspelt key", "boost.mouse.ua = 5000\n", "boost.mouse.ua", "boost.mouse.us"));
        c.add(Case.core("key from another PID", "port = 8477\n", "port", "unknown key"));
        // hostile bytes
        c.add(Case.core("terminal escape in a value", "reader.wait = \u001b[2J\u001b[31mpwned\n", "reader.wait", "\\u001b"));
        c.add(Case.core("newline escape forging a log line", "reader.wait = a\\nERROR forged line\n", "reader.wait", "\\n"));
        // garbage ConfigAdmin cannot take at all is refused by the guard: system tier, UnprivilegedRuntimeTest
        c.add(new Case("binary garbage (that FileInstall can load)", CORE, loadableGarbage(4096), List.of("unknown key")));
        c.add(Case.core("several problems at once", "ring.size.kib = 3\nslice.us = 1\nreader.wait = x\n", "ring.size.kib",
                "slice.us", "reader.wait"));
        c.add(Case.core("valid key repeated with a bad last value", "slice.us = 5000\nslice.us = 1\n", "slice.us", "out of range"));
        // wrong PID
        c.add(new Case("PID misspelt in the file name", "scxgamer.cor.cfg", "boost.mouse.us = 1\n".getBytes(StandardCharsets.UTF_8),
                List.of("scxgamer.cor", "scxgamer.core")));
        c.add(new Case("factory form of a singleton PID", "scxgamer.core-extra.cfg", "boost.mouse.us = 2\n".getBytes(StandardCharsets.UTF_8),
                List.of("scxgamer.core", "factory")));
        return c;
    }

    /** Distinct rules for one vendor, n products. */
    static final class IntStreamRules {
        static String rules(int n) {
            return java.util.stream.IntStream.range(1, n + 1).mapToObj(i -> String.format("usb:1234:%04x=mouse", i))
                    .collect(Collectors.joining(", "));
        }
    }

    /** Random bytes from the first seed whose properties ConfigAdmin accepts (no empty key, no keys differing in case). */
    static byte[] loadableGarbage(int n) {
        for (long seed = 1; ; seed++) {
            byte[] b = new byte[n];
            new Random(seed).nextBytes(b);
            java.util.Properties p = new java.util.Properties();
            try {
                p.load(new java.io.StringReader(new String(b, StandardCharsets.ISO_8859_1)));
            } catch (IOException | IllegalArgumentException e) {
                continue;
            }
            if (p.stringPropertyNames().stream().noneMatch(String::isEmpty) && p.stringPropertyNames().stream()
                    .map(k -> k.toLowerCase(java.util.Locale.ROOT)).distinct().count() == p.size()) {
                return b;
            }
        }
    }

    @AfterAll
    static void removeFiles() throws IOException {
        Files.createDirectories(ETC);
        try (var files = Files.list(ETC)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (p.getFileName().toString().startsWith("scxgamer.cor")) {
                    Files.delete(p);
                }
            }
        }
    }

    @Test
    void everyBadFileIsNamedWithItsKeyAndThePreviousConfigurationStays() throws Exception {
        List<WhitelistRule> baselineRules = List.of(WhitelistRule.parse("usb:*:*=auto"), WhitelistRule.parse("bluetooth:*:*=auto"),
                WhitelistRule.parse("virtual:dead:beef=mouse"));
        put(CORE, BASELINE.getBytes(StandardCharsets.UTF_8));
        await("baseline configuration applied", 5_000, () -> control.tunables().get(Tunable.MOUSE_BOOST_US) == 7777
                && control.whitelist().equals(baselineRules) ? Boolean.TRUE : null);
        Map<Tunable, Long> tunables = control.tunables();
        long injectedBefore = control.counters().get("events.injected");

        StringBuilder table = new StringBuilder("| # | case | file | logged (excerpt) |\n|---|---|---|---|\n");
        List<Case> cases = cases();
        int n = 0;
        for (Case c : cases) {
            n++;
            long offset = Files.size(LOG);
            put(c.file(), c.content());
            String line;
            try {
                line = await("a log line naming " + c.file() + " and " + c.mustName() + " (case '" + c.name() + "')", 6_000,
                        () -> logLine(offset, c));
            } catch (AssertionError e) {
                String log = Files.readString(LOG, StandardCharsets.UTF_8);
                throw new AssertionError(e.getMessage() + "; log since the file was written:\n" + log.substring((int) Math.min(offset, log.length()))
                        + "\nconfiguration now: " + configAdmin.getConfiguration("scxgamer.core", "?").getProperties(), e);
            }
            assertThat(line.length()).as("log line length for case '%s'", c.name()).isLessThanOrEqualTo(MAX_LINE);
            assertThat(line).as("no raw control characters (case '%s')", c.name()).doesNotContainPattern("[\\x00-\\x08\\x0b-\\x1f\\x7f]");
            assertThat(control.tunables()).as("tunables after case '%s'", c.name()).isEqualTo(tunables);
            assertThat(control.whitelist()).as("whitelist after case '%s'", c.name()).isEqualTo(baselineRules);
            assertStillRunning(c.name());
            table.append("| ").append(n).append(" | ").append(c.name().replace("|", "\\|")).append(" | `").append(c.file())
                    .append("` | ").append(excerpt(line)).append(" |\n");
            if (!c.file().equals(CORE)) {
                Files.delete(ETC.resolve(c.file()));
            }
        }
        assertThat(control.counters().get("events.injected")).isEqualTo(injectedBefore + cases.size());

        // The core still takes a valid edit after all that.
        put(CORE, BASELINE.replace("7777", "7000").getBytes(StandardCharsets.UTF_8));
        await("a valid edit applied after the bad ones", 5_000, () -> control.tunables().get(Tunable.MOUSE_BOOST_US) == 7000 ? Boolean.TRUE : null);

        Report.write("1-bad-configuration", "Tried " + cases.size() + " malformed or hostile files in etc/ (FileInstall), one after "
                + "the other over a valid configuration. Held for all " + cases.size() + ": one log line (≤ " + MAX_LINE
                + " characters, no raw control characters) naming the file and the key; tunables and whitelist unchanged "
                + "(ScxControl); core ACTIVE and the injector still accepting events; a valid edit afterwards applied.\n\n"
                + table);
    }

    @Test
    void filesAppearingAndDisappearingQuicklyEndInTheLastState() throws Exception {
        Path core = ETC.resolve(CORE);
        int cycles = 40;
        Random random = new Random(7);
        for (int i = 0; i < cycles; i++) {
            byte[] content = (i % 3 == 0 ? "slice.us = 1\n" : "boost.mouse.us = " + (6000 + i) + "\n").getBytes(StandardCharsets.UTF_8);
            put(CORE, content);
            Thread.sleep(random.nextInt(400));
            Files.deleteIfExists(core);
            Thread.sleep(random.nextInt(100));
        }
        put(CORE, "boost.mouse.us = 6543\nslice.us = 3456\n".getBytes(StandardCharsets.UTF_8));
        await("the last file's values", 5_000, () -> control.tunables().get(Tunable.MOUSE_BOOST_US) == 6543
                && control.tunables().get(Tunable.SLICE_US) == 3456 ? Boolean.TRUE : null);
        assertStillRunning("rapid create/delete");
        Files.delete(core);
        await("defaults once the file is gone", 5_000, () -> control.tunables().get(Tunable.MOUSE_BOOST_US)
                == Tunable.MOUSE_BOOST_US.defaultValue() ? Boolean.TRUE : null);
        Report.write("1-bad-configuration-churn", "Tried " + cycles + " cycles of writing " + CORE + " (every third one invalid) and "
                + "deleting it again after 0–400 ms, then a final valid file. Held: the final file's values in force, core ACTIVE, "
                + "injector working; deleting the file brought back the built-in defaults.\n");
    }

    private void assertStillRunning(String what) {
        Bundle core = Arrays.stream(context.getBundles()).filter(b -> "org.scxgamer.core".equals(b.getSymbolicName())).findFirst().orElseThrow();
        assertThat(core.getState()).as("core bundle state after %s", what).isEqualTo(Bundle.ACTIVE);
        assertThat(control.parts()).as("injector after %s", what)
                .anySatisfy(p -> assertThat(p.part() == Part.INJECTOR && p.state() == PartState.ACTIVE).isTrue());
        assertThat(control.inject(List.of(new InjectedEvent(0x77, 0x03, 0x1234, 0x1, 2, 0, 1)), 1, false).submitted())
                .as("an injected event after %s", what).isEqualTo(1);
    }

    /** Writes the file at once (FileInstall never sees it half written). */
    static void put(String name, byte[] content) throws IOException {
        Files.createDirectories(ETC);
        Path tmp = DIR.resolve(name + ".tmp");
        Files.write(tmp, content);
        Files.move(tmp, ETC.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The first WARN/ERROR line written after offset that names the file and everything the case asks for. */
    static String logLine(long offset, Case c) {
        try {
            byte[] all = Files.readAllBytes(LOG);
            String text = new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset), StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                if ((line.contains(" WARN ") || line.contains(" ERROR ")) && line.contains(c.file())
                        && c.mustName().stream().allMatch(line::contains)) {
                    return line;
                }
            }
            return null;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String excerpt(String line) {
        String msg = line.substring(line.indexOf(" - ") + 3).replace("invalid configuration, nothing of it applied, the previous "
                + "configuration stays in force: ", "");
        int cut = msg.indexOf(".cfg");
        String s = cut > 0 ? msg.substring(cut + 4) : msg;
        s = s.replaceFirst("^[:,]\\s*", "");
        return (s.length() > 160 ? s.substring(0, 160) + "…" : s).replace("|", "\\|");
    }
}
