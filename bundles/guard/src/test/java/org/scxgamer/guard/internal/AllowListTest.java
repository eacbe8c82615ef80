package org.scxgamer.guard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AllowListTest {

    static Path bundle(Path dir, String bsn) throws IOException {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().putValue("Bundle-SymbolicName", bsn + ";singleton:=true");
        Path jar = dir.resolve(bsn + ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf)) {
            out.flush();
        }
        return jar;
    }

    @Test
    void withoutTheFileOrTheKeyEverythingMayLoad(@TempDir Path tmp) throws Exception {
        Path jar = bundle(tmp, "com.example.any");
        assertThat(new AllowList(null).problem(jar)).isNull();
        assertThat(new AllowList(tmp.resolve("absent.cfg")).problem(jar)).isNull();
        Path cfg = Files.writeString(tmp.resolve("scxgamer.guard.cfg"), "other = 1\n");
        assertThat(new AllowList(cfg).problem(jar)).isNull();
    }

    @Test
    void onlyListedNamesAndWildcardsMayLoad(@TempDir Path tmp) throws Exception {
        Path cfg = Files.writeString(tmp.resolve("scxgamer.guard.cfg"), "plugins.allow = org.scxgamer.*, com.example.overlay\n");
        AllowList list = new AllowList(cfg);
        assertThat(list.problem(bundle(tmp, "org.scxgamer.stats"))).isNull();
        assertThat(list.problem(bundle(tmp, "com.example.overlay"))).isNull();
        Path evil = bundle(tmp, "com.example.overlayx");
        assertThat(list.problem(evil)).isEqualTo(evil + " holds bundle com.example.overlayx, which is not in plugins.allow "
                + "(org.scxgamer.*, com.example.overlay) of " + cfg + ": add it there if it is trusted");
        assertThat(list.problem(Files.writeString(tmp.resolve("x.cfg"), "a=1"))).as("configs are not bundles").isNull();
    }
}
