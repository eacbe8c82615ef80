package org.scxgamer.guard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CfgContentCheckTest {
    @TempDir
    Path dir;

    private Path cfg(String name, byte[] content) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, content);
        return f;
    }

    @Test
    void ordinaryFilesPass() throws IOException {
        assertThat(CfgContentCheck.problems(cfg("a.cfg", "# comment\nslice.us = 5000\nwhitelist = usb:*:*=auto\n".getBytes(StandardCharsets.UTF_8))))
                .isEmpty();
        assertThat(CfgContentCheck.problems(cfg("empty.cfg", new byte[0]))).isEmpty();
        assertThat(CfgContentCheck.problems(cfg("plugin.jar", "= not a cfg".getBytes(StandardCharsets.UTF_8)))).isEmpty();
    }

    @Test
    void whatConfigAdminRefusesIsNamed() throws IOException {
        Path empty = cfg("k.cfg", "slice.us = 5000\n= 3\n".getBytes(StandardCharsets.UTF_8));
        assertThat(CfgContentCheck.problems(empty)).singleElement().asString().startsWith(empty + " has a value without a key");
        Path cased = cfg("c.cfg", "slice.us = 1\nSLICE.US = 2\n".getBytes(StandardCharsets.UTF_8));
        assertThat(CfgContentCheck.problems(cased)).singleElement().asString().contains("differ only in case");
        Path escape = cfg("e.cfg", "slice.us = \\uZZZZ\n".getBytes(StandardCharsets.UTF_8));
        assertThat(CfgContentCheck.problems(escape)).singleElement().asString().startsWith(escape + " cannot be read")
                .contains("Malformed");
    }

    @Test
    void binaryGarbageIsRefusedWithoutControlCharactersInTheMessage() throws IOException {
        byte[] garbage = new byte[4096];
        new Random(1).nextBytes(garbage);
        assertThat(CfgContentCheck.problems(cfg("g.cfg", garbage))).isNotEmpty()
                .allSatisfy(m -> assertThat(m).doesNotContainPattern("[\\x00-\\x1f\\x7f-\\x9f]"));
    }
}
