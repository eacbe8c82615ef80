package org.scxgamer.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.scxgamer.api.stats.FramePacing;

/** Frame pacing from the stats plugin in the metrics and the page's status document, and absent without it. */
class FrameMetricsTest {
    private static final FramePacing.Crtc CRTC = new FramePacing.Crtc(35, 0, 35, 0, 1002, 1000, 1, 16_959_000_000L,
            16_600_000, 16_650_000, 16_700_000, 70_000_000, 75_000_000, 58.97, 19.05, new long[] {16_600_000, 75_000_000});

    private static Monitor monitor() {
        BundleContext context = (BundleContext) Proxy.newProxyInstance(FrameMetricsTest.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (p, m, a) -> m.getName().equals("getBundles") ? new Bundle[0] : null);
        return new Monitor(context);
    }

    @Test
    void framePacingPerCrtcIsASummaryAndTwoGauges() throws Exception {
        Monitor m = monitor();
        try {
            assertThat(Metrics.render(m)).doesNotContain("scxgamer_frame_");
            assertThat(StatusDocument.build(m)).contains("\"frames\":null");
            m.framePacing = () -> List.of(CRTC);
            String metrics = Metrics.render(m);
            assertThat(metrics).contains("# TYPE scxgamer_frame_interval_seconds summary",
                    "scxgamer_frame_interval_seconds{crtc=\"card0-crtc35\",quantile=\"0.5\"} 0.0166\n",
                    "scxgamer_frame_interval_seconds{crtc=\"card0-crtc35\",quantile=\"0.999\"} 0.07\n",
                    "scxgamer_frame_interval_seconds_sum{crtc=\"card0-crtc35\"} 16.959\n",
                    "scxgamer_frame_interval_seconds_count{crtc=\"card0-crtc35\"} 1000\n",
                    "scxgamer_frame_rate_fps{crtc=\"card0-crtc35\"} 58.97\n",
                    "scxgamer_frame_low_1pct_fps{crtc=\"card0-crtc35\"} 19.05\n",
                    "scxgamer_frame_pauses_total{crtc=\"card0-crtc35\"} 1\n");
            assertThat(StatusDocument.build(m)).contains("\"name\":\"card0 crtc 35\"", "\"low1\":19.1", "\"p99ms\":16.7",
                    "\"recentMs\":[16.6,75.0]");
            if (new java.io.File("/usr/bin/promtool").canExecute()) {
                Process p = new ProcessBuilder("/usr/bin/promtool", "check", "metrics").redirectErrorStream(true).start();
                p.getOutputStream().write(metrics.getBytes(StandardCharsets.UTF_8));
                p.getOutputStream().close();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.waitFor()).as("promtool check metrics: %s", out).isZero();
            }
        } finally {
            m.deactivate();
        }
    }
}
