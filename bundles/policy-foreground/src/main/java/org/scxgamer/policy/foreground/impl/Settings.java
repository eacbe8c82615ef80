package org.scxgamer.policy.foreground.impl;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.scxgamer.common.config.ConfigReader;

/** Validated configuration of PID scxgamer.policy.foreground. */
record Settings(long scanMs, List<Pattern> processPatterns, boolean wineMarkers, List<Pattern> excludePatterns,
                Path pidFile, List<Pattern> inputThreadPatterns, List<Pattern> audioProcessPatterns,
                List<Pattern> audioThreadPatterns, List<Pattern> renderProcessPatterns, Path procRoot) {
    static final int DEFAULT_SCAN_MS = 2000;
    static final String DEFAULT_EXCLUDE = "(?i)(wineserver|wine(64)?(-preloader)?|winedevice\\.exe|services\\.exe|explorer\\.exe"
            + "|plugplay\\.exe|svchost\\.exe|rpcss\\.exe|winedbg|conhost\\.exe|start\\.exe|tabtip\\.exe|steam|steam\\.exe"
            + "|steamwebhelper(\\.exe)?|steamerrorreporter.*|reaper|pressure-vessel.*|srt-bwrap|bwrap|proton|python3?|sh|bash"
            + "|gamescope.*|gamemoded|mangohud|.*launcher.*|.*crashhandler.*)";
    static final String DEFAULT_INPUT_THREADS = "(?i).*(input|hid|joy|gamepad|xinput|dinput|evdev).*";
    /** Sound servers: every thread of theirs is an audio thread. */
    static final String DEFAULT_AUDIO_PROCESSES = "pipewire(-pulse)?|pulseaudio|jackd(bus)?";
    /** The game's own audio threads: a PipeWire or PulseAudio client's loop, SDL's, engines' mixers. */
    static final String DEFAULT_AUDIO_THREADS = "(?i)(data-loop.*|threaded-ml|.*audio.*|.*mixer.*)";
    /** Compositors and the X server of a Wayland desktop (KWin, Mutter/GNOME Shell, gamescope, Xwayland): every thread is a render thread. */
    static final String DEFAULT_RENDER_PROCESSES = "kwin_wayland|kwin_x11|gnome-shell|mutter|gamescope|Xwayland";

    static final Settings DEFAULTS = from(Map.of());

    /** @throws IllegalArgumentException naming the file (or PID), every bad or unknown key, its value and what is accepted */
    static Settings from(Map<String, ?> p) {
        ConfigReader c = new ConfigReader(ForegroundPolicy.PID, p);
        Settings s = new Settings(c.number("scan.interval.ms", DEFAULT_SCAN_MS, 100, 60_000, "ms"),
                patterns(c, "process.patterns", List.of()),
                c.bool("wine.markers", true),
                patterns(c, "exclude.patterns", List.of(DEFAULT_EXCLUDE)),
                c.path("pid.file", ""),
                patterns(c, "input.thread.patterns", List.of(DEFAULT_INPUT_THREADS)),
                patterns(c, "audio.process.patterns", List.of(DEFAULT_AUDIO_PROCESSES)),
                patterns(c, "audio.thread.patterns", List.of(DEFAULT_AUDIO_THREADS)),
                patterns(c, "render.process.patterns", List.of(DEFAULT_RENDER_PROCESSES)),
                c.path("proc.root", "/proc"));
        c.check();
        return s;
    }

    /** A String (one expression: expressions contain commas) or a String[] / collection (several); each must compile. */
    private static List<Pattern> patterns(ConfigReader c, String key, List<String> def) {
        Object v = c.raw(key);
        List<String> items = new ArrayList<>();
        if (v == null) {
            items.addAll(def);
        } else if (v instanceof String[] a) {
            items.addAll(List.of(a));
        } else if (v instanceof Collection<?> col) {
            col.forEach(o -> items.add(String.valueOf(o)));
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
                c.problem(key, s, "not a Java regular expression (" + e.getDescription() + " at index " + e.getIndex() + ")", null);
            }
        }
        return List.copyOf(out);
    }
}
