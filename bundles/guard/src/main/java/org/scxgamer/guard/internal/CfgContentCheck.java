package org.scxgamer.guard.internal;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * A .cfg file that ConfigAdmin cannot take (an empty key, keys that differ only in case, a broken
 * escape) is dropped by FileInstall without a word in the log, and the file's author never learns
 * why the edit had no effect. Refuse such a file here, naming it and the problem.
 */
final class CfgContentCheck {
    /** Binary files are cut short in messages. */
    private static final int SHOWN = 40;

    private CfgContentCheck() {
    }

    static List<String> problems(Path file) {
        List<String> out = new ArrayList<>();
        if (!file.getFileName().toString().endsWith(".cfg") || !Files.isRegularFile(file)) {
            return out;
        }
        Properties p = new Properties();
        try {
            // FileInstall reads .cfg files as ISO-8859-1 properties
            p.load(new StringReader(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)));
        } catch (IOException | IllegalArgumentException e) {
            out.add(file + " cannot be read as a configuration file: " + e.getMessage());
            return out;
        }
        Map<String, String> lower = new HashMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.isEmpty()) {
                out.add(file + " has a value without a key (a line starting with '=' or ':', or binary content): "
                        + "every line must be key = value");
                continue;
            }
            String before = lower.put(key.toLowerCase(Locale.ROOT), key);
            if (before != null) {
                out.add(file + ": keys '" + shown(before) + "' and '" + shown(key)
                        + "' differ only in case; configuration keys are case-insensitive: keep one");
            }
        }
        return out;
    }

    private static String shown(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (b.length() >= SHOWN) {
                return b + "…";
            }
            b.append(Character.isISOControl(c) || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }
}
