package org.scxgamer.systest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The core's first activation uses etc/scxgamer.core.cfg: the kernel objects load once at start, with
 * the file's values, not first with the built-in defaults and then again when FileInstall delivers it.
 */
class CoreStartTest {
    static final String LOAD = "Loading the kernel objects: ";

    @Test
    void kernelObjectsLoadOnceWithTheFilesConfiguration() throws Exception {
        try (RuntimeProcess rt = RuntimeProcess.prepare("corecfg")) {
            // Both are load-time settings: applied after a start on the defaults, each forces a reload.
            Files.writeString(rt.home.resolve("etc/scxgamer.core.cfg"), "ring.size.kib = 512\ninjector.enabled = false\n");
            rt.start().awaitWeb();
            settle(rt);
            String log = rt.log();
            assertThat(count(log, LOAD)).as("kernel object loads at start; console:\n%s", log).isEqualTo(1);
            assertThat(log).contains(LOAD + "rings of 512 KiB; input hook on, scheduler on, injector off")
                    .doesNotContain("reloading the kernel objects");
        }
    }

    @Test
    void withoutAConfigFileTheCoreStartsOnceWithTheDefaults() throws Exception {
        try (RuntimeProcess rt = RuntimeProcess.prepare("nocorecfg")) {
            rt.start().awaitWeb();
            settle(rt);
            String log = rt.log();
            assertThat(count(log, LOAD)).as("kernel object loads at start; console:\n%s", log).isEqualTo(1);
            assertThat(log).contains(LOAD + "rings of 256 KiB; input hook on, scheduler on, injector on");
        }
    }

    /**
     * A configuration delivered after activation would show within FileInstall's poll interval (250 ms)
     * plus ConfigAdmin's asynchronous delivery: a later file is the marker that this time has passed.
     */
    private static void settle(RuntimeProcess rt) throws Exception {
        Files.writeString(rt.home.resolve("etc/scxgamer.web.cfg"), "port = 70000\n");
        rt.await(Duration.ofSeconds(10), () -> rt.log().contains("web: invalid configuration scxgamer.web"), "the marker configuration");
    }

    private static int count(String text, String what) {
        return (int) Pattern.compile(Pattern.quote(what)).matcher(text).results().count();
    }
}
