package org.scxgamer.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ConfigValuesTest {

    @Test
    void missingOrBlankValuesAreTheDefaults() {
        Map<String, Object> p = new HashMap<>();
        p.put("n", " ");
        ConfigValues c = new ConfigValues("pid", p);
        assertThat(c.longIn("n", 7, 1, 10)).isEqualTo(7);
        assertThat(c.longIn("absent", 8, 1, 10)).isEqualTo(8);
        assertThat(c.bool("absent", true)).isTrue();
        assertThat(c.path("absent", "/proc")).isEqualTo(Path.of("/proc"));
        assertThat(c.path("absent", "")).isNull();
    }

    @Test
    void stringsAndTypedValuesAreParsed() {
        ConfigValues c = new ConfigValues("pid", Map.of("a", " 42 ", "b", 5L, "t", " TRUE ", "f", false, "p", " /tmp/x "));
        assertThat(c.longIn("a", 0, 0, 100)).isEqualTo(42);
        assertThat(c.longIn("b", 0, 0, 100)).isEqualTo(5);
        assertThat(c.bool("t", false)).isTrue();
        assertThat(c.bool("f", true)).isFalse();
        assertThat(c.path("p", "")).isEqualTo(Path.of("/tmp/x"));
    }

    @Test
    void badValuesNameThePidKeyValueAndWhatIsAccepted() {
        ConfigValues c = new ConfigValues("scxgamer.x", Map.of("n", "many", "r", "0", "b", "yes", "p", "a\0b"));
        assertThatThrownBy(() -> c.longIn("n", 1, 1, 9)).hasMessage("scxgamer.x: n = 'many' is invalid, accepted: a whole number 1 .. 9");
        assertThatThrownBy(() -> c.longIn("r", 1, 1, 9)).hasMessage("scxgamer.x: r = '0' is invalid, accepted: 1 .. 9");
        assertThatThrownBy(() -> c.bool("b", true)).hasMessage("scxgamer.x: b = 'yes' is invalid, accepted: true, false");
        assertThatThrownBy(() -> c.path("p", "")).hasMessageStartingWith("scxgamer.x: p = 'a\0b' is invalid, accepted: a file system path (");
    }
}
