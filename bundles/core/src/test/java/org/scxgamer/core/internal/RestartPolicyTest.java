package org.scxgamer.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.scxgamer.api.control.ExitInfo;

class RestartPolicyTest {
    static final ExitInfo ASKS = new ExitInfo(Instant.EPOCH, 1024, RestartPolicy.ECODE_ACT_RESTART | 7, "error", "");
    static final ExitInfo HOTPLUG = new ExitInfo(Instant.EPOCH, 1024, 1L << 32, "cpu hotplug", "");
    static final ExitInfo PLAIN = new ExitInfo(Instant.EPOCH, 1025, 0, "scx_bpf_error", "");

    @Test
    void onRequestFollowsTheExitCodeActionBits() {
        assertThat(RestartPolicy.exitAsksRestart(ASKS)).isTrue();
        assertThat(RestartPolicy.exitAsksRestart(HOTPLUG)).isFalse();
        assertThat(RestartPolicy.exitAsksRestart(PLAIN)).isFalse();
        assertThat(RestartPolicy.exitAsksRestart(null)).isFalse();
        assertThat(RestartPolicy.ON_REQUEST.delayMillis(ASKS, 1, 5, 500)).isEqualTo(500);
        assertThat(RestartPolicy.ON_REQUEST.delayMillis(PLAIN, 1, 5, 500)).isEqualTo(-1);
    }

    @Test
    void backoffDoublesIsCappedAndAttemptsAreBounded() {
        long[] expected = {500, 1000, 2000, 4000, 8000, 16000, 30000, 30000};
        for (int a = 1; a <= expected.length; a++) {
            assertThat(RestartPolicy.ALWAYS.delayMillis(PLAIN, a, 8, 500)).as("attempt %d", a).isEqualTo(expected[a - 1]);
        }
        assertThat(RestartPolicy.ALWAYS.delayMillis(PLAIN, 9, 8, 500)).isEqualTo(-1);
        assertThat(RestartPolicy.ALWAYS.delayMillis(PLAIN, 1, 0, 500)).isEqualTo(-1);
        assertThat(RestartPolicy.ALWAYS.delayMillis(PLAIN, 100, 100, 30000)).isEqualTo(30000);
    }

    @Test
    void neverMeansNever() {
        assertThat(RestartPolicy.NEVER.delayMillis(ASKS, 1, 100, 100)).isEqualTo(-1);
    }

    @Test
    void textFormRoundTrips() {
        for (RestartPolicy p : RestartPolicy.values()) {
            assertThat(RestartPolicy.parse(p.text())).isEqualTo(p);
        }
        assertThat(RestartPolicy.parse(" On-Request ")).isEqualTo(RestartPolicy.ON_REQUEST);
    }
}
