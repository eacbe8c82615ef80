package org.scxgamer.stats.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.scxgamer.api.event.InputEvent;
import org.scxgamer.api.event.Lane;
import org.scxgamer.common.json.Json;

class StatsCollectorTest {
    private static final long BASE = 1_000_000_000_000L;
    private final AtomicLong now = new AtomicLong(BASE);
    private final StatsCollector stats = new StatsCollector(now::get);

    private static InputEvent event(long ts, int device, int type, Lane lane, int value, int flags) {
        return new InputEvent.Snapshot(ts, device, type, 30, value, 0, lane, flags, 0, ts);
    }

    @Test
    void latencyPercentilesMatchAKnownUniformDistribution() {
        stats.apply(Map.of(), true);
        // Latencies 1 us .. 10 ms in 1 us steps: the p-th percentile is p% of 10 ms.
        for (int i = 1; i <= 10_000; i++) {
            long delivered = now.get();
            stats.onEvent(event(delivered - i * 1_000L, 1, 1, Lane.KEYBOARD, 1, 0));
        }
        @SuppressWarnings("unchecked")
        Map<String, Number> d = (Map<String, Number>) stats.latency().get("delivery");
        assertThat(d.get("count").longValue()).isEqualTo(10_000);
        assertThat(d.get("p50").doubleValue()).isCloseTo(5_000_000, within(5_000_000 * 0.002));
        assertThat(d.get("p90").doubleValue()).isCloseTo(9_000_000, within(9_000_000 * 0.002));
        assertThat(d.get("p99").doubleValue()).isCloseTo(9_900_000, within(9_900_000 * 0.002));
        assertThat(d.get("p99.9").doubleValue()).isCloseTo(9_990_000, within(9_990_000 * 0.002));
        assertThat(d.get("max").doubleValue()).isCloseTo(10_000_000, within(10_000_000 * 0.002));
        assertThat(d.get("min").doubleValue()).isCloseTo(1_000, within(2.0));
    }

    @Test
    void wakeToRunComesFromSchedSamplesOnly() {
        stats.apply(Map.of(), true);
        for (int i = 1; i <= 1000; i++) {
            stats.onEvent(event(now.get() - 10, 42, InputEvent.TYPE_SCHED_WAKE, Lane.SCHED, i * 100, 0));
            // Same value on an input lane: not a wake sample.
            stats.onEvent(event(now.get() - 10, 42, InputEvent.TYPE_SCHED_WAKE, Lane.MOUSE, 1_000_000, 0));
        }
        @SuppressWarnings("unchecked")
        Map<String, Number> w = (Map<String, Number>) stats.latency().get("wake");
        assertThat(w.get("count").longValue()).isEqualTo(1000);
        assertThat(w.get("max").doubleValue()).isCloseTo(100_000, within(100.0));
        assertThat(w.get("p50").doubleValue()).isCloseTo(50_000, within(100.0));
    }

    @Test
    void framePacingPerCrtcFromFlipRecords() {
        stats.apply(Map.of(), true);
        int crtc = 0 << 16 | 35;
        int other = 1 << 16 | 51;
        // CRTC 35: first flip (no interval), 990 frames at 16.6 ms, 10 hitches of 30, 35 .. 75 ms, one 2 s pause.
        stats.onEvent(new InputEvent.Snapshot(BASE, crtc, InputEvent.TYPE_FRAME, 0, 0, 0, Lane.SCHED, 0, 0, BASE));
        for (int i = 0; i < 1000; i++) {
            int interval = i % 100 == 99 ? 30_000_000 + i / 100 * 5_000_000 : 16_600_000;
            stats.onEvent(new InputEvent.Snapshot(BASE, crtc, InputEvent.TYPE_FRAME, 0, interval, 0, Lane.SCHED, 0, 0, BASE));
        }
        stats.onEvent(new InputEvent.Snapshot(BASE, crtc, InputEvent.TYPE_FRAME, 0, 2_000_000_000, 0, Lane.SCHED, 0, 0, BASE));
        // CRTC 51 on card 1, pipe 1: steady 144 Hz. A FRAME type on an input lane is not a flip.
        for (int i = 0; i < 100; i++) {
            stats.onEvent(new InputEvent.Snapshot(BASE, other, InputEvent.TYPE_FRAME, 1, 6_944_444, 0, Lane.SCHED, 0, 0, BASE));
            stats.onEvent(new InputEvent.Snapshot(BASE, other, InputEvent.TYPE_FRAME, 1, 1_000_000, 0, Lane.MOUSE, 0, 0, BASE));
        }
        List<org.scxgamer.api.stats.FramePacing.Crtc> crtcs = stats.crtcs();
        assertThat(crtcs).extracting(c -> c.name()).containsExactly("card0 crtc 35", "card1 crtc 51");
        org.scxgamer.api.stats.FramePacing.Crtc c = crtcs.get(0);
        assertThat(c.flips()).isEqualTo(1002);
        assertThat(c.intervals()).isEqualTo(1000);
        assertThat(c.pauses()).isEqualTo(1);
        assertThat(c.p50Nanos()).isCloseTo(16_600_000L, within(20_000L));
        assertThat(c.p99Nanos()).isCloseTo(16_600_000L, within(20_000L));
        assertThat(c.p999Nanos()).isCloseTo(70_000_000L, within(80_000L));
        assertThat(c.maxNanos()).isCloseTo(75_000_000L, within(80_000L));
        assertThat(c.fps()).as("1000 intervals in 16.9590 s").isCloseTo(1000 / 16.959, within(0.01));
        assertThat(c.low1PercentFps()).as("the slowest 1 %: the ten hitches, 52.5 ms on average").isCloseTo(1000 / 52.5, within(0.05));
        assertThat(c.recentNanos()).hasSize(1000).endsWith(75_000_000L);
        assertThat(crtcs.get(1)).extracting(x -> x.pipe(), x -> x.intervals()).containsExactly(1, 100L);
        assertThat(crtcs.get(1).low1PercentFps()).isCloseTo(144.0, within(0.2));
        assertThat(sub(stats.show(), "frames")).containsKeys("card0.crtc35", "card1.crtc51");
        assertThat(sub(stats.frames(), "card0.crtc35")).containsEntry("pauses", 1L).containsEntry("pipe", 0)
                .containsEntry("interval.mean.us", 16_959L).containsKey("low.1pct.fps");
        stats.reset();
        assertThat(stats.crtcs()).isEmpty();
    }

    @Test
    void ratesPerLaneTypeAndDeviceOverOneTenAndSixtySeconds() {
        stats.apply(Map.of(), true);
        // 60 seconds with 100 mouse events/s from device 7, plus 5 key events/s from device 9 in the last 10 s.
        for (int s = 0; s < 60; s++) {
            for (int i = 0; i < 100; i++) {
                now.set(BASE + s * 1_000_000_000L + i * 1_000_000L);
                stats.onEvent(event(now.get() - 1000, 7, 2, Lane.MOUSE, 1, InputEvent.FLAG_BOOSTED));
            }
            if (s >= 50) {
                for (int i = 0; i < 5; i++) {
                    stats.onEvent(event(now.get() - 1000, 9, 1, Lane.KEYBOARD, 1, 0));
                }
            }
        }
        now.set(BASE + 60 * 1_000_000_000L + 5);
        Map<String, Object> show = stats.show();
        Map<String, Object> mouse = sub(sub(show, "lanes"), "MOUSE");
        assertThat(mouse).containsEntry("total", 6000L).containsEntry("rate.1s", 100.0)
                .containsEntry("rate.10s", 100.0).containsEntry("rate.60s", 100.0);
        Map<String, Object> keys = sub(sub(show, "types"), "EV_KEY");
        assertThat(keys).containsEntry("total", 50L).containsEntry("rate.1s", 5.0)
                .containsEntry("rate.10s", 5.0);
        assertThat((Double) keys.get("rate.60s")).isCloseTo(50 / 60.0, within(1e-9));
        assertThat(sub(sub(show, "devices"), "9")).containsEntry("total", 50L);
        assertThat(sub(sub(show, "devices"), "7")).containsEntry("total", 6000L);
        assertThat(sub(show, "totals")).containsEntry("events", 6050L).containsEntry("boosted", 6000L);
    }

    @Test
    void devicesBeyondTheLimitCountAsOther() {
        stats.apply(Map.of("devices.max", "2"), true);
        for (int d = 1; d <= 5; d++) {
            stats.onEvent(event(now.get() - 1, d, 1, Lane.KEYBOARD, 1, 0));
        }
        Map<String, Object> devices = sub(stats.show(), "devices");
        assertThat(devices).containsOnlyKeys("1", "2", "other");
        assertThat(sub(devices, "other")).containsEntry("total", 3L);
    }

    @Test
    void resetClearsHistogramsAndTotals() {
        stats.apply(Map.of(), true);
        stats.onEvent(event(now.get() - 5000, 1, 1, Lane.KEYBOARD, 1, 0));
        stats.reset();
        stats.onEvent(event(now.get() - 7000, 1, 1, Lane.KEYBOARD, 1, 0));
        @SuppressWarnings("unchecked")
        Map<String, Number> d = (Map<String, Number>) stats.latency().get("delivery");
        assertThat(d.get("count").longValue()).isEqualTo(1);
        assertThat(d.get("max").doubleValue()).isCloseTo(7000, within(10.0));
        assertThat(sub(stats.show(), "totals")).containsEntry("events", 1L);
    }

    @Test
    void eventsFromTheFutureCountAsInvalidLatency() {
        stats.apply(Map.of(), true);
        stats.onEvent(event(now.get() + 1_000_000, 1, 1, Lane.KEYBOARD, 1, 0));
        assertThat(stats.latency()).containsEntry("delivery.invalid", 1L);
    }

    @Test
    void invalidConfigurationNamesTheKeyAndKeepsThePreviousOne() {
        assertThatThrownBy(() -> Settings.from(Map.of("latency.digits", "9")))
                .hasMessage("configuration scxgamer.stats: latency.digits = '9': out of range; accepted: 1 .. 5 digits");
        assertThatThrownBy(() -> Settings.from(Map.of("devices.max", "many")))
                .hasMessageContaining("devices.max = 'many': not a whole number; accepted: 1 .. 4096 devices");
        assertThatThrownBy(() -> Settings.from(Map.of("device.max", "5")))
                .hasMessageContaining("unknown key 'device.max' (did you mean devices.max?)");
        stats.apply(Map.of("devices.max", "1"), true);
        stats.apply(Map.of("devices.max", "0"), false);
        for (int d = 1; d <= 3; d++) {
            stats.onEvent(event(now.get() - 1, d, 1, Lane.KEYBOARD, 1, 0));
        }
        assertThat(sub(stats.show(), "devices")).containsOnlyKeys("1", "other");
    }

    @Test
    void commandsPrintLinesOrJsonAndRejectUnknownArguments() {
        stats.apply(Map.of(), true);
        stats.onEvent(event(now.get() - 1000, 3, 1, Lane.KEYBOARD, 1, 0));
        StatsCommands commands = new StatsCommands(stats);
        assertThat(commands.show()).contains("totals.events: 1", "lanes.KEYBOARD.total: 1", "devices.3.total: 1");
        assertThat(commands.latency("--json")).startsWith("{\"since\":").contains("\"delivery\":{\"count\":1,");
        assertThat(commands.show("--json")).contains("\"kernel\":{\"available\":false}");
        assertThatThrownBy(() -> commands.reset("--jsn")).hasMessageContaining("unknown argument '--jsn'");
        assertThat(commands.reset()).isEqualTo("stats reset");
        assertThat(commands.show()).contains("totals.events: 0");
    }

    @Test
    void jsonEscapesAndRendersNestedValues() {
        assertThat(Json.of(Map.of("a\"b", List.of(1, 2.5, true, "x\ny")))).isEqualTo("{\"a\\\"b\":[1,2.500,true,\"x\\ny\"]}");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> sub(Map<String, Object> m, String key) {
        assertThat(m).containsKey(key);
        return (Map<String, Object>) m.get(key);
    }
}
