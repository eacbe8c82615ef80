package org.scxgamer.web.internal;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.HdrHistogram.Histogram;
import org.scxgamer.api.control.DeviceInfo;
import org.scxgamer.api.control.ExitInfo;
import org.scxgamer.api.control.PartStatus;
import org.scxgamer.api.control.SchedulerStatus;
import org.scxgamer.api.event.SubscriberInfo;
import org.scxgamer.api.stats.FramePacing;
import org.scxgamer.common.json.Json;

/** The JSON the page polls (GET /scxgamer/api/status). */
final class StatusDocument {
    static final Pattern RING_DROPPED = Pattern.compile("ring\\.(\\d+)\\.dropped");
    /** Frame intervals per CRTC the page plots. */
    static final int FRAME_PLOT = 600;

    private StatusDocument() {
    }

    static String build(Monitor m) {
        Json j = new Json().object();
        j.put("time", System.currentTimeMillis());
        j.put("core", m.coreAvailable());

        j.key("parts").array();
        for (PartStatus p : m.parts()) {
            j.object().put("part", p.part().name()).put("state", p.state().name()).put("reason", p.reason()).end();
        }
        j.endArray();
        j.key("contributions").array();
        m.contributions().forEach((name, status) -> j.object().put("name", name).put("status", status).end());
        j.endArray();

        SchedulerStatus s = m.scheduler();
        j.key("scheduler");
        if (s == null) {
            j.value((String) null);
        } else {
            j.object().put("kernelState", s.kernelState()).put("opsName", s.opsName()).put("enableSeq", s.enableSeq())
                    .put("attached", s.attached()).put("restarts", s.restarts());
            j.key("exits").array();
            for (ExitInfo e : Monitor.exits(s)) {
                j.object().put("at", e.at() == null ? null : e.at().toString()).put("kind", e.kind())
                        .put("exitCode", e.exitCode()).put("reason", e.reason()).put("message", e.message()).end();
            }
            j.endArray().end();
        }

        int n = m.rateCount();
        long[] times = new long[n];
        double[][] rates = m.rateHistory(times);
        j.key("rates").object();
        j.key("times").array();
        for (int k = 0; k < Math.min(n, rates[0].length); k++) {
            j.value(times[k]);
        }
        j.endArray();
        for (int i = 0; i < Monitor.INPUT_LANES.length; i++) {
            j.key(Monitor.laneName(Monitor.INPUT_LANES[i])).array();
            for (double r : rates[i]) {
                j.value(Math.round(r * 10) / 10.0);
            }
            j.endArray();
        }
        j.end();

        Histogram w = m.latencyWindow();
        Histogram t = m.latencyTotal();
        j.key("latency").object().put("windowSeconds", Monitor.WINDOW_SECONDS).put("count", w.getTotalCount())
                .put("p50us", us(w, 50)).put("p90us", us(w, 90)).put("p99us", us(w, 99)).put("p999us", us(w, 99.9))
                .put("maxUs", w.getTotalCount() == 0 ? 0 : Math.round(w.getMaxValue() / 100.0) / 10.0)
                .put("totalCount", t.getTotalCount()).put("totalP99us", us(t, 99)).end();

        Map<String, Long> counters = new TreeMap<>(m.counters());
        j.key("rings").array();
        for (Map.Entry<String, Long> e : counters.entrySet()) {
            Matcher r = RING_DROPPED.matcher(e.getKey());
            if (r.matches()) {
                j.object().put("ring", Integer.parseInt(r.group(1))).put("dropped", e.getValue()).end();
            }
        }
        j.endArray();
        j.key("counters").object();
        counters.forEach(j::put);
        j.end();

        j.key("devices").array();
        m.devices().forEach(d -> device(j, d));
        j.endArray();
        j.key("deviceHistory").array();
        m.deviceHistory().forEach(d -> device(j, d));
        j.endArray();

        List<FramePacing.Crtc> frames = m.frames();
        j.key("frames");
        if (frames == null) {
            j.value((String) null);
        } else {
            j.array();
            frames.forEach(c -> crtc(j, c));
            j.endArray();
        }

        j.key("subscribers").array();
        for (SubscriberInfo i : m.subscribers()) {
            j.object().put("name", i.name()).put("bundle", i.bundle()).put("serviceId", i.serviceId())
                    .put("queueCapacity", i.queueCapacity()).put("queued", i.queued()).put("matched", i.matched())
                    .put("delivered", i.delivered()).put("dropped", i.dropped()).put("failures", i.failures()).end();
        }
        j.endArray();

        j.key("plugins").array();
        for (Monitor.Plugin p : m.plugins()) {
            j.object().put("bundle", p.bundle()).put("version", p.version()).put("state", p.state())
                    .put("dropIn", p.dropIn()).put("location", p.location()).end();
        }
        j.endArray();
        j.put("profile", m.activeProfile());
        return j.end().toString();
    }

    /** Intervals in ms (0.01 ms steps), the last {@link #FRAME_PLOT} for the plot. */
    private static void crtc(Json j, FramePacing.Crtc c) {
        j.object().put("id", c.id()).put("name", c.name()).put("pipe", c.pipe()).put("flips", c.flips())
                .put("intervals", c.intervals()).put("pauses", c.pauses())
                .put("fps", Math.round(c.fps() * 10) / 10.0).put("low1", Math.round(c.low1PercentFps() * 10) / 10.0)
                .put("p50ms", ms(c.p50Nanos())).put("p90ms", ms(c.p90Nanos())).put("p99ms", ms(c.p99Nanos()))
                .put("p999ms", ms(c.p999Nanos())).put("maxMs", ms(c.maxNanos()));
        j.key("recentMs").array();
        long[] recent = c.recentNanos();
        for (int i = Math.max(0, recent.length - FRAME_PLOT); i < recent.length; i++) {
            j.value(ms(recent[i]));
        }
        j.endArray().end();
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 1e4) / 100.0;
    }

    private static void device(Json j, DeviceInfo d) {
        j.object().put("id", d.id()).put("name", d.name())
                .put("ids", String.format("%04x:%04x:%04x", d.bus(), d.vendor(), d.product()))
                .put("classification", d.classification()).put("events", d.events()).put("heldKeys", d.heldKeys())
                .put("learned", d.learned())
                .put("seconds", Math.round(((d.connected() ? System.nanoTime() : d.disconnectedNanos()) - d.connectedNanos()) / 1e8) / 10.0)
                .end();
    }

    private static double us(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : Math.round(h.getValueAtPercentile(percentile) / 100.0) / 10.0;
    }
}
