package org.scxgamer.policy.foreground.impl;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Validated configuration of PID scxgamer.policy.foreground. */
record Settings(long scanMs, List<Pattern> processPatterns, boolean wineMarkers, List<Pattern> excludePatterns,
                Path pidFile, List<Pattern> inputThreadPatterns, Path procRoot) {
    static final int DEFAULT_SCAN_MS = 2000;
    static final String DEFAULT_EXCLUDE = "(?i)(wineserver|wine(64)?(-preloader)?|winedevice\\.exe|services\\.exe|explorer\\.exe"
            + "|plugplay\\.exe|svchost\\.exe|rpcss\\.exe|winedbg|conhost\\.exe|start\\.exe|tabtip\\.exe|steam|steam\\.exe"
            + "|steamwebhelper(\\.exe)?|steamerrorreporter.*|reaper|pressure-vessel.*|srt-bwrap|bwrap|proton|python3?|sh|bash"
            + "|gamescope.*|gamemoded|mangohud|.*launcher.*|.*crashhandler.*)";
    static final String DEFAULT_INPUT_THREADS = "(?i).*(input|hid|joy|gamepad|xinput|dinput|evdev).*";

    static final Settings DEFAULTS = from(Map.of());

    /** @throws IllegalArgumentException naming the first bad key, its value and what is accepted */
    static Settings from(Map<String, ?> p) {
        return new Settings(number(p, "scan.interval.ms", DEFAULT_SCAN_MS, 100, 60_000),
                patterns(p, "process.patterns", List.of()),
                bool(p, "wine.markers", true),
                patterns(p, "exclude.patterns", List.of(DEFAULT_EXCLUDE)),
                path(p, "pid.file", ""),
                patterns(p, "input.thread.patterns", List.of(DEFAULT_INPUT_THREADS)),
                path(p, "proc.root", "/proc"));
    }

    private static IllegalArgumentException invalid(String key, Object v, String accepted) {
        return new IllegalArgumentException(ForegroundPolicy.PID + ": " + key + " = '" + v + "' is invalid, accepted: " + accepted);
    }

    private static long number(Map<String, ?> p, String key, long def, long min, long max) {
        Object v = p.get(key);
        if (v == null || v.toString().isBlank()) {
            return def;
        }
        long n;
        try {
            n = v instanceof Number num ? num.longValue() : Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            throw invalid(key, v, "a whole number " + min + " .. " + max);
        }
        if (n < min || n > max) {
            throw invalid(key, v, min + " .. " + max);
        }
        return n;
    }

    private static boolean bool(Map<String, ?> p, String key, boolean def) {
        Object v = p.get(key);
        if (v == null || v.toString().isBlank()) {
            return def;
        }
        return switch (v.toString().trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(key, v, "true, false");
        };
    }

    private static Path path(Map<String, ?> p, String key, String def) {
        Object v = p.get(key);
        String s = v == null ? def : v.toString().trim();
        if (s.isEmpty()) {
            return null;
        }
        try {
            return Path.of(s);
        } catch (InvalidPathException e) {
            throw invalid(key, v, "a file system path (" + e.getReason() + ")");
        }
    }

    /** A String (one expression) or a String[] / collection (several); each must compile. */
    private static List<Pattern> patterns(Map<String, ?> p, String key, List<String> def) {
        Object v = p.get(key);
        List<String> items = new ArrayList<>();
        if (v == null) {
            items.addAll(def);
        } else if (v instanceof String[] a) {
            items.addAll(List.of(a));
        } else if (v instanceof Collection<?> c) {
            c.forEach(o -> items.add(String.valueOf(o)));
        } else {
            items.add(v.toString());
        }
        List<Pattern> out = new ArrayList<>();
        for (String s : items) {
            if (s.isBlank()) {
                continue;
            }
            try {
                out.add(Pattern.compile(s.trim()));
            } catch (PatternSyntaxException e) {
                throw invalid(key, s, "Java regular expressions (" + e.getDescription() + " at index " + e.getIndex() + ")");
            }
        }
        return List.copyOf(out);
    }
}
