package org.scxgamer.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.scxgamer.itest.Poll.await;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogReaderService;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** Drop-in bundles (deploy/) and configuration files (etc/) through FileInstall. */
class FileInstallTest {

    static final Path DIR = Path.of(System.getProperty("scxgamer.itest.dir"));

    @InjectBundleContext
    BundleContext context;

    @InjectService
    ConfigurationAdmin configAdmin;

    @InjectService
    LogReaderService logReader;

    @Test
    void bundleDroppedIntoDeployStartsAndGoesAwayWhenRemoved() throws Exception {
        Path jar = DIR.resolve("deploy/dropin-probe.jar");
        Path tmp = DIR.resolve("dropin-probe.jar.tmp");
        writeBundle(tmp, "org.scxgamer.itest.dropin");
        Files.move(tmp, jar, StandardCopyOption.ATOMIC_MOVE);

        Bundle bundle = await("drop-in bundle ACTIVE", 10_000, () -> find("org.scxgamer.itest.dropin")
                .filter(b -> b.getState() == Bundle.ACTIVE).orElse(null));
        assertThat(bundle.getLocation()).contains("dropin-probe.jar");

        Files.delete(jar);
        await("drop-in bundle uninstalled", 10_000, () -> find("org.scxgamer.itest.dropin").isEmpty() ? Boolean.TRUE : null);
    }

    @Test
    void cfgFileReachesConfigAdmin() throws Exception {
        Path cfg = DIR.resolve("etc/org.scxgamer.itest.probe.cfg");
        Files.writeString(cfg, "greeting = hello\ncount = 3\n");
        try {
            Configuration c = await("configuration from etc/", 10_000, () -> {
                try {
                    Configuration conf = configAdmin.getConfiguration("org.scxgamer.itest.probe", "?");
                    return conf.getProperties() != null ? conf : null;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(c.getProperties().get("greeting")).isEqualTo("hello");
            assertThat(String.valueOf(c.getProperties().get("felix.fileinstall.filename"))).contains("org.scxgamer.itest.probe.cfg");
        } finally {
            Files.deleteIfExists(cfg);
        }
    }

    @Test
    void malformedCfgIsReportedAndNothingStops() throws Exception {
        Path bad = DIR.resolve("etc/org.scxgamer.itest.broken.cfg");
        Files.write(bad, "key = \\uZZZZ broken escape\n".getBytes(StandardCharsets.ISO_8859_1));
        Path good = DIR.resolve("etc/org.scxgamer.itest.after.cfg");
        try {
            LogEntry report = await("a log entry naming the malformed file", 10_000, () ->
                    Collections.list(logReader.getLog()).stream()
                            .filter(e -> String.valueOf(e.getMessage()).contains("org.scxgamer.itest.broken.cfg")
                                    || String.valueOf(e.getException()).contains("org.scxgamer.itest.broken.cfg"))
                            .findFirst().orElse(null));
            assertThat(report.getLogLevel().ordinal()).as("reported as warning or error").isLessThanOrEqualTo(2);

            // FileInstall keeps working: a later file still reaches ConfigAdmin, and every bundle still runs.
            Files.writeString(good, "ok = yes\n");
            await("configuration after the broken one", 10_000, () -> {
                try {
                    Configuration conf = configAdmin.getConfiguration("org.scxgamer.itest.after", "?");
                    return conf.getProperties() != null ? conf : null;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(Arrays.stream(context.getBundles()).filter(b -> b.getState() != Bundle.ACTIVE
                    && b.getHeaders().get("Fragment-Host") == null)).isEmpty();
        } finally {
            Files.deleteIfExists(bad);
            Files.deleteIfExists(good);
        }
    }

    private Optional<Bundle> find(String bsn) {
        return Arrays.stream(context.getBundles()).filter(b -> bsn.equals(b.getSymbolicName())).findFirst();
    }

    static void writeBundle(Path path, String bsn) throws IOException {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", bsn);
        a.putValue("Bundle-Version", "1.0.0");
        Files.createDirectories(path.getParent());
        try (OutputStream out = Files.newOutputStream(path); JarOutputStream jar = new JarOutputStream(out, mf)) {
            jar.flush();
        }
    }
}
