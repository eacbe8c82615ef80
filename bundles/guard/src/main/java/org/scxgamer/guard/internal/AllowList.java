package org.scxgamer.guard.internal;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.regex.Pattern;

/**
 * Optional allow-list of plugin bundle symbolic names: key {@code plugins.allow} of
 * {@code etc/scxgamer.guard.cfg}, comma-separated, {@code *} as wildcard (e.g.
 * {@code org.scxgamer.*, com.example.overlay}). Without the file or the key every bundle that passes
 * the file checks may load. Read from the file at each check rather than through ConfigAdmin: the
 * decision must be made synchronously when FileInstall offers the jar, and FileInstall may offer a
 * jar from deploy/ before it has delivered the configuration from etc/.
 */
final class AllowList {
    static final String KEY = "plugins.allow";
    private final Path file;

    AllowList(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** Why {@code jar} may not load, or null if it may. */
    String problem(Path jar) {
        if (file == null || !Files.isRegularFile(file) || !jar.getFileName().toString().endsWith(".jar")) {
            return null;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            return file + " cannot be read (" + e.getMessage() + "): fix it so that " + KEY + " can be checked";
        }
        String allow = p.getProperty(KEY);
        if (allow == null) {
            return null;
        }
        String bsn;
        try (JarFile j = new JarFile(jar.toFile())) {
            String header = j.getManifest() == null ? null : j.getManifest().getMainAttributes().getValue("Bundle-SymbolicName");
            bsn = header == null ? null : header.split(";")[0].trim();
        } catch (IOException e) {
            return jar + " is not a readable jar (" + e.getMessage() + ")";
        }
        if (bsn == null) {
            return jar + " has no Bundle-SymbolicName, so it cannot match " + KEY + " in " + file;
        }
        for (String pattern : allow.split(",")) {
            String glob = pattern.trim();
            if (!glob.isEmpty() && Pattern.matches(("\\Q" + glob + "\\E").replace("*", "\\E.*\\Q"), bsn)) {
                return null;
            }
        }
        return jar + " holds bundle " + bsn + ", which is not in " + KEY + " (" + allow.trim() + ") of " + file
                + ": add it there if it is trusted";
    }
}
