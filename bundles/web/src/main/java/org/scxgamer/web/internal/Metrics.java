package org.scxgamer.web.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.HdrHistogram.Histogram;
import org.scxgamer.api.control.DeviceInfo;
import org.scxgamer.api.control.PartState;
import org.scxgamer.api.control.PartStatus;
import org.scxgamer.api.control.SchedulerStatus;
import org.scxgamer.api.event.SubscriberInfo;
import org.scxgamer.api.stats.FramePacing;

/**
 * Prometheus text exposition format 0.0.4. Names carry the scxgamer_ prefix and their base unit
 * (_seconds, _events_total); every family has HELP and TYPE; label values are escaped. The whole
 * exposition passes {@code promtool check metrics} (checked in the system tier).
 */
final class Metrics {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** Latency bucket bounds in seconds: 5 µs … 1 s. */
    static final double[] LATENCY_BUCKETS = {5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2,
            2.5e-2, 5e-2, 0.1, 0.25, 0.5, 1};
    private static final Pattern LANE = Pattern.compile("lane\\.([a-z]+)");
    private static final Pattern GAUGES = Pattern.compile("keys\\.held");
    /** Core counters of nanoseconds (e.g. sched.reader.wake.ns): exposed in the base unit, seconds. */
    private static final Pattern NANOS = Pattern.compile("(.+)\\.ns");

    private final StringBuilder out = new StringBuilder(8192);
    private final java.util.Set<String> families = new java.util.HashSet<>();

    private Metrics() {
    }

    static String render(Monitor m) {
        Metrics w = new Metrics();
        w.write(m);
        return w.out.toString();
    }

    private void write(Monitor m) {
        family("scxgamer_core_available", "gauge", "1 if the core's control service is running");
        sample("scxgamer_core_available", Map.of(), m.coreAvailable() ? 1 : 0);

        List<PartStatus> parts = m.parts();
        if (!parts.isEmpty()) {
            family("scxgamer_part_state", "gauge", "State of each core part: 1 for its current state, 0 for the others");
            for (PartStatus p : parts) {
                for (PartState s : PartState.values()) {
                    sample("scxgamer_part_state", labels("part", lower(p.part().name()), "state", lower(s.name())),
                            p.state() == s ? 1 : 0);
                }
            }
        }

        SchedulerStatus s = m.scheduler();
        if (s != null) {
            family("scxgamer_scheduler_attached", "gauge", "1 while the scxgamer sched_ext scheduler is attached");
            sample("scxgamer_scheduler_attached", Map.of(), s.attached() ? 1 : 0);
            family("scxgamer_scheduler_restarts_total", "counter", "Scheduler restarts since the runtime started");
            sample("scxgamer_scheduler_restarts_total", Map.of(), s.restarts());
            family("scxgamer_scheduler_exits", "gauge", "Scheduler exits kept in the exit history");
            sample("scxgamer_scheduler_exits", Map.of(), Monitor.exits(s).size());
        }

        counters(new TreeMap<>(m.counters()));
        devices(m.devices());
        subscribers(m.subscribers());
        latency(m.latencyTotal(), m.latencySumNanos());
        List<FramePacing.Crtc> frames = m.frames();
        if (frames != null && !frames.isEmpty()) {
            frames(frames);
        }

        family("scxgamer_plugin_bundle_state", "gauge", "Drop-in plugin bundles from deploy/: 1 for the bundle's current state");
        for (Monitor.Plugin p : m.plugins()) {
            if (p.dropIn()) {
                sample("scxgamer_plugin_bundle_state", labels("bundle", String.valueOf(p.bundle()), "version", p.version(),
                        "state", lower(p.state())), 1);
            }
        }
        String profile = m.activeProfile();
        if (profile != null) {
            family("scxgamer_profile_active", "gauge", "The active scheduler profile (1 for its name)");
            sample("scxgamer_profile_active", labels("profile", profile), 1);
        }
    }

    private void counters(Map<String, Long> counters) {
        Map<String, Long> rings = new TreeMap<>();
        Map<String, Long> lanes = new TreeMap<>();
        Map<String, Long> other = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : counters.entrySet()) {
            Matcher r = StatusDocument.RING_DROPPED.matcher(e.getKey());
            Matcher l = LANE.matcher(e.getKey());
            if (r.matches()) {
                rings.put(r.group(1), e.getValue());
            } else if (l.matches()) {
                lanes.put(l.group(1), e.getValue());
            } else {
                other.put(e.getKey(), e.getValue());
            }
        }
        if (!rings.isEmpty()) {
            family("scxgamer_ring_dropped_events_total", "counter", "Events the kernel dropped because this ring buffer was full");
            rings.forEach((ring, v) -> sample("scxgamer_ring_dropped_events_total", labels("ring", ring), v));
        }
        if (!lanes.isEmpty()) {
            family("scxgamer_lane_events_total", "counter", "Input events the kernel classified into each lane");
            lanes.forEach((lane, v) -> sample("scxgamer_lane_events_total", labels("lane", lane), v));
        }
        for (Map.Entry<String, Long> e : other.entrySet()) {
            String base = "scxgamer_" + e.getKey().replaceAll("[^a-zA-Z0-9]+", "_").toLowerCase(Locale.ROOT);
            if (families.contains(base) || families.contains(base + "_total")) {
                continue; // already exposed under its own family above (e.g. scheduler.restarts)
            }
            Matcher ns = NANOS.matcher(e.getKey());
            if (ns.matches()) {
                String name = "scxgamer_" + ns.group(1).replaceAll("[^a-zA-Z0-9]+", "_").toLowerCase(Locale.ROOT) + "_seconds_total";
                family(name, "counter", "Core counter " + e.getKey() + " (scx:stats, nanoseconds) in seconds");
                sampleDouble(name, Map.of(), e.getValue() / 1e9);
            } else if (GAUGES.matcher(e.getKey()).matches()) {
                family(base, "gauge", "Core value " + e.getKey() + " (scx:stats)");
                sample(base, Map.of(), e.getValue());
            } else {
                family(base + "_total", "counter", "Core counter " + e.getKey() + " (scx:stats)");
                sample(base + "_total", Map.of(), e.getValue());
            }
        }
    }

    /** Connected devices only: a device that unplugs leaves (each connection is its own series, by id). */
    private void devices(List<DeviceInfo> devices) {
        family("scxgamer_devices_connected", "gauge", "Input devices connected now (scx:devices)");
        sample("scxgamer_devices_connected", Map.of(), devices.size());
        if (devices.isEmpty()) {
            return;
        }
        family("scxgamer_device_events_total", "counter", "Events of each connected input device, per connection");
        for (DeviceInfo d : devices) {
            sample("scxgamer_device_events_total", labels("id", Integer.toString(d.id()), "name", d.name(),
                    "ids", String.format("%04x:%04x:%04x", d.bus(), d.vendor(), d.product()), "class", d.classification()), d.events());
        }
    }

    private void subscribers(List<SubscriberInfo> subs) {
        if (subs.isEmpty()) {
            return;
        }
        String[][] counters = {
                {"matched", "Events that matched the subscriber's filters"},
                {"delivered", "Events delivered to the subscriber"},
                {"dropped", "Events dropped for the subscriber because its queue was full"},
                {"failures", "Exceptions the subscriber threw"}};
        for (String[] c : counters) {
            String name = "scxgamer_subscriber_" + c[0] + (c[0].equals("failures") ? "_total" : "_events_total");
            family(name, "counter", c[1]);
            for (SubscriberInfo i : subs) {
                long v = switch (c[0]) {
                    case "matched" -> i.matched();
                    case "delivered" -> i.delivered();
                    case "dropped" -> i.dropped();
                    default -> i.failures();
                };
                sample(name, subscriberLabels(i), v);
            }
        }
        family("scxgamer_subscriber_queued_events", "gauge", "Events waiting in the subscriber's queue");
        subs.forEach(i -> sample("scxgamer_subscriber_queued_events", subscriberLabels(i), i.queued()));
        family("scxgamer_subscriber_queue_capacity_events", "gauge", "Capacity of the subscriber's queue");
        subs.forEach(i -> sample("scxgamer_subscriber_queue_capacity_events", subscriberLabels(i), i.queueCapacity()));
    }

    private static Map<String, String> subscriberLabels(SubscriberInfo i) {
        return labels("subscriber", String.valueOf(i.name()), "bundle", String.valueOf(i.bundle()),
                "service_id", Long.toString(i.serviceId()));
    }

    private void latency(Histogram h, long sumNanos) {
        String name = "scxgamer_input_latency_seconds";
        family(name, "histogram", "Kernel to plugin latency of input events: from the kernel's timestamp to "
                + "delivery to a subscriber on the web bundle's listener thread");
        for (double le : LATENCY_BUCKETS) {
            long bound = (long) Math.floor(le * 1e9);
            long count = h.getTotalCount() == 0 ? 0 : h.getCountBetweenValues(0, bound);
            sample(name + "_bucket", labels("le", format(le)), count);
        }
        sample(name + "_bucket", labels("le", "+Inf"), h.getTotalCount());
        sampleDouble(name + "_sum", Map.of(), sumNanos / 1e9);
        sample(name + "_count", Map.of(), h.getTotalCount());
    }

    /** Frame pacing per CRTC from the stats plugin: a summary of the frame intervals, frame rate and 1 % low. */
    private void frames(List<FramePacing.Crtc> crtcs) {
        String name = "scxgamer_frame_interval_seconds";
        family(name, "summary", "Intervals between completed page flips per display CRTC (stats plugin; gaps of 1 s or more are pauses, left out)");
        for (FramePacing.Crtc c : crtcs) {
            String crtc = crtcLabel(c);
            long[][] quantiles = {{500, c.p50Nanos()}, {900, c.p90Nanos()}, {990, c.p99Nanos()}, {999, c.p999Nanos()}};
            for (long[] q : quantiles) {
                sampleDouble(name, labels("crtc", crtc, "quantile", format(q[0] / 1000.0)), q[1] / 1e9);
            }
            sampleDouble(name + "_sum", labels("crtc", crtc), c.sumNanos() / 1e9);
            sample(name + "_count", labels("crtc", crtc), c.intervals());
        }
        family("scxgamer_frame_rate_fps", "gauge", "Frames per second per display CRTC: 1 / the mean frame interval (stats plugin)");
        crtcs.forEach(c -> sampleDouble("scxgamer_frame_rate_fps", labels("crtc", crtcLabel(c)), c.fps()));
        family("scxgamer_frame_low_1pct_fps", "gauge", "The 1 % low per display CRTC: 1 / the mean of the slowest 1 % of frame intervals (stats plugin)");
        crtcs.forEach(c -> sampleDouble("scxgamer_frame_low_1pct_fps", labels("crtc", crtcLabel(c)), c.low1PercentFps()));
        family("scxgamer_frame_pauses_total", "counter", "Gaps of 1 s or more between flips per display CRTC (stats plugin)");
        crtcs.forEach(c -> sample("scxgamer_frame_pauses_total", labels("crtc", crtcLabel(c)), c.pauses()));
    }

    private static String crtcLabel(FramePacing.Crtc c) {
        return "card" + c.card() + "-crtc" + c.crtc();
    }

    private static String format(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private static Map<String, String> labels(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private void family(String name, String type, String help) {
        if (!families.add(name)) {
            throw new IllegalStateException("metric family " + name + " written twice");
        }
        out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private void sample(String name, Map<String, String> labels, long value) {
        head(name, labels);
        out.append(value).append('\n');
    }

    private void sampleDouble(String name, Map<String, String> labels, double value) {
        head(name, labels);
        out.append(value).append('\n');
    }

    private void head(String name, Map<String, String> labels) {
        out.append(name);
        if (!labels.isEmpty()) {
            List<String> parts = new ArrayList<>();
            labels.forEach((k, v) -> parts.add(k + "=\"" + v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\""));
            out.append('{').append(String.join(",", parts)).append('}');
        }
        out.append(' ');
    }
}
