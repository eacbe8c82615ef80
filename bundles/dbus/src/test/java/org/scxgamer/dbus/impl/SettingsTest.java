package org.scxgamer.dbus.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class SettingsTest {
    @Test
    void defaultsMapModesAndPowerProfilesToTheShippedProfiles() {
        Settings s = Settings.defaults();
        assertThat(s.busAddress()).isEqualTo("unix:path=/run/dbus/system_bus_socket");
        assertThat(s.modes()).containsEntry(Mode.AUTO, "default").containsEntry(Mode.GAMING, "esports")
                .containsEntry(Mode.POWERSAVE, "low-power").containsEntry(Mode.LOWLATENCY, "esports").containsEntry(Mode.SERVER, "casual");
        assertThat(s.power()).containsEntry("performance", "esports").containsEntry("balanced", "default")
                .containsEntry("power-saver", "low-power");
        assertThat(s.powerFollow()).isFalse();
        assertThat(s.controlGroups()).containsExactly("wheel");
    }

    @Test
    void aModeIsFoundByItsProfilePreferringTheOneAskedFor() {
        Settings s = Settings.defaults();
        assertThat(s.modeOf("esports", null)).isEqualTo(Mode.GAMING);
        assertThat(s.modeOf("esports", Mode.LOWLATENCY)).isEqualTo(Mode.LOWLATENCY);
        assertThat(s.modeOf("esports", Mode.SERVER)).isEqualTo(Mode.GAMING);
        assertThat(s.modeOf("streaming", null)).isNull();
    }

    @Test
    void everyBadValueAndUnknownKeyIsNamedAtOnce() {
        assertThatThrownBy(() -> Settings.parse(Map.of("bus.address", "tcp:host=example.org,port=1", "mode.gaming", "a b",
                "mode.default", "turbo", "control.groups", "Wheel!", "power.folow", "true")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bus.address = 'tcp:host=example.org,port=1': accepted: unix:path=/absolute/socket")
                .hasMessageContaining("mode.gaming = 'a b': not a profile name")
                .hasMessageContaining("mode.default = 'turbo': accepted: auto, gaming, powersave, lowlatency, server")
                .hasMessageContaining("control.groups = 'Wheel!': not a group name")
                .hasMessageContaining("power.folow");
    }

    @Test
    void modeNumbersOutsideScxLoadersAreRefusedNamingTheAcceptedOnes() {
        assertThat(Mode.of(4)).isEqualTo(Mode.SERVER);
        assertThatThrownBy(() -> Mode.of(5)).hasMessage("sched_mode 5 is not a mode; accepted: 0 (auto), 1 (gaming), "
                + "2 (powersave), 3 (lowlatency), 4 (server)");
        assertThatThrownBy(() -> Mode.of(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
