package org.scxgamer.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.scxgamer.common.config.ConfigReader.InvalidConfigException;

class ConfigReaderTest {

    @Test
    void missingOrBlankValuesAreTheDefaults() {
        Map<String, Object> p = new HashMap<>();
        p.put("n", " ");
        ConfigReader c = new ConfigReader("pid", p);
        assertThat(c.number("n", 7, 1, 10, "")).isEqualTo(7);
        assertThat(c.number("absent", 8, 1, 10, "")).isEqualTo(8);
        assertThat(c.bool("absent", true)).isTrue();
        assertThat(c.oneOf("absent", "a", "a", "b")).isEqualTo("a");
        assertThat(c.path("absent", "/proc")).isEqualTo(Path.of("/proc"));
        assertThat(c.path("absent", "")).isNull();
        assertThat(c.list("absent", List.of("x"))).containsExactly("x");
        c.check();
    }

    @Test
    void stringsAndTypedValuesAreParsed() {
        ConfigReader c = new ConfigReader("pid", Map.of("a", " 4_2 ", "b", 5L, "t", " TRUE ", "f", false, "p", " /tmp/x ",
                "w", "Busy", "l", "x, y\nz", "arr", new String[] {"u", "v,w"}, "flag", "true"));
        assertThat(c.number("a", 0, 0, 100, "")).isEqualTo(42);
        assertThat(c.number("b", 0, 0, 100, "")).isEqualTo(5);
        assertThat(c.number("flag", 0, 0, 1, "bool")).isEqualTo(1);
        assertThat(c.bool("t", false)).isTrue();
        assertThat(c.bool("f", true)).isFalse();
        assertThat(c.path("p", "")).isEqualTo(Path.of("/tmp/x"));
        assertThat(c.oneOf("w", "idle", "idle", "busy")).isEqualTo("busy");
        assertThat(c.list("l", List.of())).containsExactly("x", "y", "z");
        assertThat(c.list("arr", List.of())).containsExactly("u", "v", "w");
        c.check();
    }

    @Test
    void everyProblemIsCollectedAndNamedWithFileKeyValueAndWhatIsAccepted() {
        ConfigReader c = new ConfigReader("scxgamer.x", Map.of("n", "many", "r", "0", "b", "yes", "p", "a\0b", "d", 1.5,
                "w", "spin", ConfigReader.FILENAME, "file:/etc/scxgamer.x.cfg"));
        assertThat(c.number("n", 1, 1, 9, "ms")).isEqualTo(1);
        assertThat(c.number("r", 2, 1, 9, "")).isEqualTo(2);
        assertThat(c.bool("b", true)).isTrue();
        assertThat(c.path("p", "")).isNull();
        c.number("d", 1, 1, 9, "");
        c.oneOf("w", "idle", "idle", "busy");
        assertThatThrownBy(c::check).isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("file:/etc/scxgamer.x.cfg: n = 'many': not a whole number; accepted: 1 .. 9 ms; ")
                .hasMessageContaining("r = '0': out of range; accepted: 1 .. 9; ")
                .hasMessageContaining("b = 'yes': accepted: true, false; ")
                .hasMessageContaining("p = 'a\\u0000b': not a file system path (")
                .hasMessageContaining("d = '1.5': (Double) not a whole number")
                .hasMessageContaining("w = 'spin': accepted: idle, busy")
                .satisfies(e -> assertThat(((InvalidConfigException) e).source()).isEqualTo("file:/etc/scxgamer.x.cfg"));
    }

    @Test
    void withoutAFileThePidIsNamed() {
        ConfigReader c = new ConfigReader("scxgamer.x", Map.of("n", "x"));
        c.number("n", 1, 1, 9, "");
        assertThatThrownBy(c::check).hasMessageStartingWith("configuration scxgamer.x: n = 'x'");
    }

    @Test
    void unknownKeysAreRefusedWithTheClosestKnownKeyButFrameworkKeysAreNot() {
        ConfigReader c = new ConfigReader("pid", Map.of("slice.usec", "1", "slice.us", "5", "zzz", "1", "service.pid", "pid",
                "component.name", "x", "felix.fileinstall.filename", "file:/x.cfg", "event.topics", "scxgamer/*",
                "scxgamer.event.queue.capacity", 65536));
        c.number("slice.us", 1, 1, 9, "");
        c.accept(List.of("name"));
        assertThatThrownBy(c::check).hasMessageContaining("unknown key 'slice.usec' (did you mean slice.us?)")
                .hasMessageContaining("unknown key 'zzz'; ").hasMessageContaining("known keys: name, slice.us")
                .hasMessageNotContaining("service.pid").hasMessageNotContaining("component.name")
                .hasMessageNotContaining("event.topics").hasMessageNotContaining("queue.capacity");
    }

    @Test
    void hostileValuesAreEscapedAndCutAndLongListsOfProblemsShortened() {
        Map<String, Object> p = new HashMap<>();
        for (int i = 0; i < 12; i++) {
            p.put("k" + i, "a\nERROR forged\u001b[2J" + "x".repeat(5000));
        }
        ConfigReader c = new ConfigReader("pid", p);
        for (int i = 0; i < 12; i++) {
            c.bool("k" + i, false);
        }
        assertThatThrownBy(c::check).hasMessageContaining("'a\\nERROR forged\\u001b[2J").hasMessageContaining("(5018 characters)")
                .hasMessageContaining("and 4 more problems").hasMessageNotContaining("\n").hasMessageNotContaining("\u001b");
    }

    @Test
    void parsedValuesReportTheParsersReason() {
        ConfigReader c = new ConfigReader("pid", Map.of("host", "example.org"));
        c.parsed("host", "127.0.0.1", s -> {
            throw new IllegalArgumentException("not an IP address");
        });
        assertThatThrownBy(c::check).hasMessageContaining("host = 'example.org': not an IP address");
    }
}
