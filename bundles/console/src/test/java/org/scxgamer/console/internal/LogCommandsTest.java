package org.scxgamer.console.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LogCommandsTest {
    @Test
    void optionsParseCountAndLevelAndNameBadInput() {
        assertThat(LogCommands.Options.parse(new String[0], 50, "u")).isEqualTo(new LogCommands.Options(50, null));
        assertThat(LogCommands.Options.parse(new String[] {"-n", "5", "-l", "warn"}, 50, "u"))
                .isEqualTo(new LogCommands.Options(5, "warn"));
        assertThat(LogCommands.Options.parse(new String[] {"help"}, 50, "u")).isNull();
        assertThatThrownBy(() -> LogCommands.Options.parse(new String[] {"-n", "0"}, 50, "u")).hasMessageContaining("-n 0: give a whole number");
        assertThatThrownBy(() -> LogCommands.Options.parse(new String[] {"-l", "loud"}, 50, "u")).hasMessageContaining("unknown level 'loud'");
        assertThatThrownBy(() -> LogCommands.Options.parse(new String[] {"extra"}, 50, "usage")).hasMessageContaining("unexpected 'extra'")
                .hasMessageContaining("usage");
    }

    @Test
    void badArgumentsAreOneErrorLine() {
        assertThat(new LogCommands().display("-n", "x")).startsWith("error: -n x: give a whole number");
        assertThat(new LogCommands().display("help")).isEqualTo(LogCommands.DISPLAY_USAGE);
    }
}
