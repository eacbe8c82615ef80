package org.scxgamer.stats.impl;

import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.scxgamer.common.json.Json;

/** Gogo commands of scope {@code stats}; each accepts {@code --json} for scripts. */
@Component(service = StatsCommands.class, property = {
        "osgi.command.scope=stats",
        "osgi.command.function=show",
        "osgi.command.function=latency",
        "osgi.command.function=frames",
        "osgi.command.function=reset"})
public class StatsCommands {
    private final StatsCollector stats;

    @Activate
    public StatsCommands(@Reference StatsCollector stats) {
        this.stats = stats;
    }

    @Descriptor("Totals, rates (1 s / 10 s / 60 s) per lane, type and device, drops and scheduler state")
    public String show(@Descriptor("[--json] (JSON instead of 'name: value' lines)") String... args) {
        return render(stats.show(), json(args, "show"));
    }

    @Descriptor("Latency percentiles in ns: kernel timestamp to delivery, and wake-to-run")
    public String latency(@Descriptor("[--json] (JSON instead of 'name: value' lines)") String... args) {
        return render(stats.latency(), json(args, "latency"));
    }

    @Descriptor("Frame pacing per display CRTC (the render hook's flips): frame rate, 1 % low, interval percentiles in µs")
    public String frames(@Descriptor("[--json] (JSON instead of 'name: value' lines)") String... args) {
        boolean json = json(args, "frames");
        Map<String, Object> frames = stats.frames();
        return frames.isEmpty() && !json ? "no flips seen (part RENDER_HOOK: scx:status)" : render(frames, json);
    }

    @Descriptor("Clear rates, totals and histograms; kernel counters count from now")
    public String reset(@Descriptor("[--json] (answer as JSON)") String... args) {
        boolean json = json(args, "reset");
        stats.reset();
        return json ? "{\"reset\":true}" : "stats reset";
    }

    private static boolean json(String[] args, String command) {
        boolean json = false;
        for (String a : args) {
            if (a.equals("--json")) {
                json = true;
            } else {
                throw new IllegalArgumentException("stats:" + command + ": unknown argument '" + a + "'; usage: stats:" + command + " [--json]");
            }
        }
        return json;
    }

    private static String render(Map<String, Object> tree, boolean json) {
        if (json) {
            return Json.of(tree);
        }
        StringBuilder sb = new StringBuilder();
        lines(sb, "", tree);
        return sb.toString().stripTrailing();
    }

    /** Flattens the tree into "a.b.c: value" lines, the same shape scx:stats prints. */
    private static void lines(StringBuilder sb, String prefix, Object v) {
        if (v instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                lines(sb, prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey(), e.getValue());
            }
        } else if (v instanceof List<?> list) {
            if (list.isEmpty()) {
                sb.append(prefix).append(": (none)\n");
            }
            for (int i = 0; i < list.size(); i++) {
                lines(sb, prefix + "[" + i + "]", list.get(i));
            }
        } else if (v instanceof Double d) {
            sb.append(prefix).append(": ").append(String.format(java.util.Locale.ROOT, "%.1f", d)).append('\n');
        } else {
            sb.append(prefix).append(": ").append(v).append('\n');
        }
    }
}
