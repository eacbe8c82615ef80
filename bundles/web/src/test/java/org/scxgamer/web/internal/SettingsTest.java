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
                .hasMessage("port = '70000' is out of range: accepted 1 .. 65535");
        assertThatThrownBy(() -> Settings.parse(Map.of("metrics.port", "http")))
                .hasMessage("metrics.port = 'http' is out of range: accepted 1 .. 65535");
        assertThatThrownBy(() -> Settings.parse(Map.of("host", "example.org")))
                .hasMessageStartingWith("host = 'example.org' is not an IP address: accepted a literal IPv4/IPv6 address");
        assertThatThrownBy(() -> Settings.parse(Map.of("host", "256.1.1.1"))).hasMessageStartingWith("host = '256.1.1.1'");
        assertThatThrownBy(() -> Settings.parse(Map.of("enabled", "yes")))
                .hasMessage("enabled = 'yes' is not a boolean: accepted true or false");
        assertThatThrownBy(() -> Settings.parse(Map.of("user", "a b")))
                .hasMessage("user = 'a b' is not accepted: 1 to 64 of A-Z a-z 0-9 . _ -");
        assertThatThrownBy(() -> Settings.parse(Map.of("port", "9000", "metrics.port", "9000")))
                .hasMessage("port and metrics.port are both 9000: the page and the metrics need different ports");
    }
}
