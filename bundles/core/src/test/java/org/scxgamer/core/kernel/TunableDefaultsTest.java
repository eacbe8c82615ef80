package org.scxgamer.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.scxgamer.api.control.Tunable;

/**
 * The BPF side uses the header's SCXG_DEFAULT_* values until userspace publishes a tunables slot;
 * they must be the {@link Tunable} defaults, or behaviour would change at the moment of publishing.
 */
class TunableDefaultsTest {

    private static final Pattern DEFINE = Pattern.compile("^#define\\s+(SCXG_DEFAULT_\\w+)\\s+(\\d+)(ULL)?\\b", Pattern.MULTILINE);

    @Test
    void headerDefaultsAreTheTunableDefaults() throws Exception {
        String header = Files.readString(Path.of("../../bpf/include/scxgamer_contract.h"));
        Map<String, Long> defines = new HashMap<>();
        Matcher m = DEFINE.matcher(header);
        while (m.find()) {
            defines.put(m.group(1), Long.parseLong(m.group(2)));
        }
        Map<String, Tunable> mirror = Map.ofEntries(
                Map.entry("SCXG_DEFAULT_INPUT_WINDOW_NS", Tunable.INPUT_WINDOW_US),
                Map.entry("SCXG_DEFAULT_MOUSE_BOOST_NS", Tunable.MOUSE_BOOST_US),
                Map.entry("SCXG_DEFAULT_KEYBOARD_BOOST_NS", Tunable.KEYBOARD_BOOST_US),
                Map.entry("SCXG_DEFAULT_CONTROLLER_BOOST_NS", Tunable.CONTROLLER_BOOST_US),
                Map.entry("SCXG_DEFAULT_SLICE_NS", Tunable.SLICE_US),
                Map.entry("SCXG_DEFAULT_BOOSTED_SLICE_NS", Tunable.BOOSTED_SLICE_US),
                Map.entry("SCXG_DEFAULT_LAG_CAP_NS", Tunable.LAG_CAP_US),
                Map.entry("SCXG_DEFAULT_CONTINUOUS_ON_RATE", Tunable.CONTINUOUS_ON_RATE),
                Map.entry("SCXG_DEFAULT_CONTINUOUS_OFF_RATE", Tunable.CONTINUOUS_OFF_RATE),
                Map.entry("SCXG_DEFAULT_SHIFT_INPUT", Tunable.INPUT_BOOST_SHIFT),
                Map.entry("SCXG_DEFAULT_SHIFT_FOREGROUND", Tunable.FOREGROUND_BOOST_SHIFT),
                Map.entry("SCXG_DEFAULT_SHIFT_AUDIO", Tunable.AUDIO_BOOST_SHIFT),
                Map.entry("SCXG_DEFAULT_TOPO_PREFER", Tunable.TOPOLOGY_PREFER),
                Map.entry("SCXG_DEFAULT_SHIFT_RENDER", Tunable.RENDER_BOOST_SHIFT),
                Map.entry("SCXG_DEFAULT_RENDER_HOLD_MS", Tunable.RENDER_HOLD_MS),
                Map.entry("SCXG_DEFAULT_SHIFT_FUTEX", Tunable.FUTEX_BOOST_SHIFT),
                Map.entry("SCXG_DEFAULT_SHIFT_NTSYNC", Tunable.NTSYNC_BOOST_SHIFT));
        assertThat(defines.keySet()).as("SCXG_DEFAULT_* in the header").containsExactlyInAnyOrderElementsOf(mirror.keySet());
        mirror.forEach((define, tunable) -> {
            long expected = define.endsWith("_NS") ? tunable.defaultValue() * 1_000 : tunable.defaultValue();
            assertThat(defines.get(define)).as(define + " vs " + tunable.key()).isEqualTo(expected);
        });
    }
}
