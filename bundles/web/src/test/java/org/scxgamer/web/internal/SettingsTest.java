package org.scxgamer.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void defaultsAreLoopbackOnly() {
        Settings s = Settings.parse(Map.of());
        assertThat(s).isEqualTo(Settings.DEFAULTS);
        assertThat(Settings.loopback(s.host())).isTrue();
        assertThat(Settings.loopback(s.metricsHost())).isTrue();
    }

    @Test
    void acceptsLiteralAddressesAndPorts() {
        Settings s = Settings.parse(Map.of("host", "::1", "port", "18080", "metrics.host", "192.168.1.20",
                "metrics.port", 19090, "metrics.enabled", "true", "user", "ops.team", "session.minutes", "30"));
        assertThat(s.host()).isEqualTo("::1");
        assertThat(s.port()).isEqualTo(18080);
        assertThat(s.metricsHost()).isEqualTo("192.168.1.20");
        assertThat(s.metricsPort()).isEqualTo(19090);
        assertThat(Settings.loopback(s.metricsHost())).isFalse();
    }

    @Test
    void badValuesNameTheKeyAndTheAcceptedRange() {
        assertThatThrownBy(() -> Settings.parse(Map.of("port", "70000")))
                .hasMessage("configuration scxgamer.web: port = '70000': out of range; accepted: 1 .. 65535");
        assertThatThrownBy(() -> Settings.parse(Map.of("metrics.port", "http")))
                .hasMessage("configuration scxgamer.web: metrics.port = 'http': not a whole number; accepted: 1 .. 65535");
        assertThatThrownBy(() -> Settings.parse(Map.of("host", "example.org")))
                .hasMessageContaining("host = 'example.org': not an IP address; accepted: a literal IPv4/IPv6 address");
        assertThatThrownBy(() -> Settings.parse(Map.of("host", "256.1.1.1"))).hasMessageContaining("host = '256.1.1.1'");
        assertThatThrownBy(() -> Settings.parse(Map.of("enabled", "yes")))
                .hasMessage("configuration scxgamer.web: enabled = 'yes': accepted: true, false");
        assertThatThrownBy(() -> Settings.parse(Map.of("user", "a b")))
                .hasMessage("configuration scxgamer.web: user = 'a b': accepted: 1 to 64 of A-Z a-z 0-9 . _ -");
        assertThatThrownBy(() -> Settings.parse(Map.of("port", "9000", "metrics.port", "9000")))
                .hasMessage("configuration scxgamer.web: port and metrics.port are both 9000: the page and the metrics need different ports");
        assertThatThrownBy(() -> Settings.parse(Map.of("metrics.hots", "::1")))
                .hasMessageContaining("unknown key 'metrics.hots' (did you mean metrics.host?)");
    }
}
