package org.scxgamer.recorder.format;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.scxgamer.api.control.Tunable;
import org.scxgamer.api.event.Lane;

/**
 * Writes a recording as Trace Event JSON (the "JSON Object Format" that Perfetto UI and
 * chrome://tracing open): each input event as an instant on its lane's track (process "lanes") and on
 * its device's track (process "devices"), boost windows as complete ("X") spans (process "boost
 * windows"), lifecycle news and drops as instants (process "recorder"). Times are µs from the first
 * record of the file.
 */
public final class ChromeTraceExporter {
    static final int PID_LANES = 1;
    static final int PID_DEVICES = 2;
    static final int PID_BOOST = 3;
    static final int PID_RECORDER = 4;
    private static final int TID_INPUT_WINDOW = 0;
    private static final int TID_LIFECYCLE = 1;
    private static final int TID_DROPS = 2;

    /** What was written; {@code error} is the reading problem that ended the export early, or null. */
    public record Result(long events, long spans, String error) {
    }

    private ChromeTraceExporter() {
    }

    public static Result export(Path recording, Writer out) throws IOException {
        long t0 = Long.MAX_VALUE;
        try (RecordingReader r = RecordingReader.open(recording)) {
            try {
                RecordingReader.Block b;
                while ((b = r.next()) != null) {
                    for (Entry e : b.entries()) {
                        if (e instanceof Entry.Event ev) {
                            t0 = Math.min(t0, ev.timestampNanos());
                        } else if (e instanceof Entry.Lifecycle l) {
                            t0 = Math.min(t0, l.nanos());
                        }
                    }
                }
            } catch (RecordingFormatException e) {
                // The second pass reports it, after writing everything before it.
            }
        }
        try (RecordingReader r = RecordingReader.open(recording)) {
            return new Pass(r, out, t0 == Long.MAX_VALUE ? 0 : t0).run();
        }
    }

    private static final class Pass {
        private final RecordingReader reader;
        private final Writer out;
        private final long t0;
        private final long windowNanos;
        private final long[] laneNanos = new long[Lane.values().length];
        private final long[] spanStart = new long[Lane.values().length + 1];
        private final long[] spanEnd = new long[Lane.values().length + 1];
        private final Set<Integer> lanesNamed = new HashSet<>();
        private final Map<Integer, Entry.Device> devices = new HashMap<>();
        private final Set<Integer> devicesNamed = new HashSet<>();
        private final StringBuilder sb = new StringBuilder(256);
        private boolean first = true;
        private long events;
        private long spans;

        Pass(RecordingReader reader, Writer out, long t0) {
            this.reader = reader;
            this.out = out;
            this.t0 = t0;
            Map<String, String> h = reader.header();
            windowNanos = tunable(h, Tunable.INPUT_WINDOW_US) * 1000;
            laneNanos[Lane.MOUSE.ordinal()] = tunable(h, Tunable.MOUSE_BOOST_US) * 1000;
            laneNanos[Lane.KEYBOARD.ordinal()] = tunable(h, Tunable.KEYBOARD_BOOST_US) * 1000;
            laneNanos[Lane.CONTROLLER.ordinal()] = tunable(h, Tunable.CONTROLLER_BOOST_US) * 1000;
            java.util.Arrays.fill(spanEnd, Long.MIN_VALUE);
        }

        /** The value in force when recording started (header config snapshot), else the built-in default. */
        private static long tunable(Map<String, String> header, Tunable t) {
            String v = header.get("config.tunables." + t.key());
            try {
                return v == null ? t.defaultValue() : t.check(Long.parseLong(v.trim()));
            } catch (IllegalArgumentException e) {
                return t.defaultValue();
            }
        }

        Result run() throws IOException {
            out.write("{\"displayTimeUnit\":\"ns\",\"otherData\":{");
            boolean firstMeta = true;
            for (Map.Entry<String, String> e : reader.header().entrySet()) {
                out.write(firstMeta ? "" : ",");
                firstMeta = false;
                sb.setLength(0);
                string(e.getKey());
                sb.append(':');
                string(e.getValue());
                out.append(sb);
            }
            out.write("},\"traceEvents\":[\n");
            meta(PID_LANES, -1, "process_name", "lanes");
            meta(PID_DEVICES, -1, "process_name", "devices");
            meta(PID_BOOST, -1, "process_name", "boost windows");
            meta(PID_BOOST, TID_INPUT_WINDOW, "thread_name", "input window");
            meta(PID_RECORDER, -1, "process_name", "recorder");
            meta(PID_RECORDER, TID_LIFECYCLE, "thread_name", "lifecycle");
            meta(PID_RECORDER, TID_DROPS, "thread_name", "drops");
            String error = null;
            try {
                RecordingReader.Block b;
                while ((b = reader.next()) != null) {
                    for (Entry e : b.entries()) {
                        entry(e);
                    }
                }
            } catch (RecordingFormatException e) {
                error = e.getMessage();
            }
            for (int i = 0; i < spanEnd.length; i++) {
                closeSpan(i);
            }
            out.write("\n]}\n");
            out.flush();
            return new Result(events, spans, error);
        }

        private void entry(Entry e) throws IOException {
            if (e instanceof Entry.Event ev) {
                event(ev);
            } else if (e instanceof Entry.Device d) {
                devices.put(d.id(), d);
            } else if (e instanceof Entry.Lifecycle l) {
                sb.setLength(0);
                sb.append("{\"name\":");
                string(l.topic());
                sb.append(",\"ph\":\"i\",\"s\":\"g\",\"pid\":").append(PID_RECORDER).append(",\"tid\":").append(TID_LIFECYCLE)
                        .append(",\"ts\":");
                micros(l.nanos() - t0);
                sb.append(",\"args\":{");
                boolean f = true;
                for (Map.Entry<String, String> p : l.properties().entrySet()) {
                    sb.append(f ? "" : ",");
                    f = false;
                    string(p.getKey());
                    sb.append(':');
                    string(p.getValue());
                }
                sb.append("}}");
                emit();
            } else if (e instanceof Entry.Dropped d) {
                sb.setLength(0);
                sb.append("{\"name\":\"dropped ").append(d.count())
                        .append(d.where() == Format.DROPPED_AT_RECORDER ? " (recorder queue)" : " (subscriber queue)")
                        .append("\",\"ph\":\"i\",\"s\":\"t\",\"pid\":").append(PID_RECORDER).append(",\"tid\":").append(TID_DROPS)
                        .append(",\"ts\":");
                micros(Math.max(0, d.nanos() - t0));
                sb.append('}');
                emit();
            }
        }

        private void event(Entry.Event ev) throws IOException {
            events++;
            Lane lane = Lane.ofId(ev.lane());
            if (lanesNamed.add(lane.id())) {
                meta(PID_LANES, lane.id(), "thread_name", lane.name());
                if (laneNanos[lane.ordinal()] > 0) {
                    meta(PID_BOOST, lane.id() + 1, "thread_name", lane.name() + " boost");
                }
            }
            if (devicesNamed.add(ev.deviceId())) {
                Entry.Device d = devices.get(ev.deviceId());
                meta(PID_DEVICES, ev.deviceId(), "thread_name", d == null ? "device " + ev.deviceId()
                        : "device " + d.id() + ": " + d.name() + " (" + d.classification() + String.format(" %04x:%04x:%04x)", d.bus(), d.vendor(), d.product()));
            }
            instant(ev, PID_LANES, lane.id());
            instant(ev, PID_DEVICES, ev.deviceId());
            if ((ev.flags() & 1) != 0) {
                boost(0, ev.timestampNanos(), windowNanos);
                if (laneNanos[lane.ordinal()] > 0) {
                    boost(lane.id() + 1, ev.timestampNanos(), laneNanos[lane.ordinal()]);
                }
            }
        }

        private void instant(Entry.Event ev, int pid, int tid) throws IOException {
            sb.setLength(0);
            sb.append("{\"name\":\"").append(typeName(ev.type())).append(' ').append(ev.code()).append('=').append(ev.value())
                    .append("\",\"ph\":\"i\",\"s\":\"t\",\"pid\":").append(pid).append(",\"tid\":").append(tid).append(",\"ts\":");
            micros(ev.timestampNanos() - t0);
            sb.append(",\"args\":{\"device\":").append(ev.deviceId()).append(",\"type\":").append(ev.type())
                    .append(",\"code\":").append(ev.code()).append(",\"value\":").append(ev.value())
                    .append(",\"cpu\":").append(ev.cpu()).append(",\"flags\":").append(ev.flags())
                    .append(",\"delivery_ns\":").append(ev.readNanos() - ev.timestampNanos()).append("}}");
            emit();
        }

        /** A boosting event opens a window or extends the open one; a window is emitted when it closes. */
        private void boost(int track, long at, long length) throws IOException {
            if (at > spanEnd[track]) {
                closeSpan(track);
                spanStart[track] = at;
            }
            spanEnd[track] = Math.max(spanEnd[track], at + length);
        }

        private void closeSpan(int track) throws IOException {
            if (spanEnd[track] == Long.MIN_VALUE) {
                return;
            }
            sb.setLength(0);
            sb.append("{\"name\":\"").append(track == 0 ? "input window" : Lane.ofId(track - 1).name() + " boost")
                    .append("\",\"ph\":\"X\",\"pid\":").append(PID_BOOST).append(",\"tid\":").append(track).append(",\"ts\":");
            micros(spanStart[track] - t0);
            sb.append(",\"dur\":");
            micros(spanEnd[track] - spanStart[track]);
            sb.append('}');
            emit();
            spans++;
            spanEnd[track] = Long.MIN_VALUE;
        }

        private void meta(int pid, int tid, String name, String value) throws IOException {
            sb.setLength(0);
            sb.append("{\"name\":\"").append(name).append("\",\"ph\":\"M\",\"pid\":").append(pid);
            if (tid >= 0 || name.equals("thread_name")) {
                sb.append(",\"tid\":").append(tid);
            }
            sb.append(",\"args\":{\"name\":");
            string(value);
            sb.append("}}");
            emit();
        }

        private void emit() throws IOException {
            if (!first) {
                out.write(",\n");
            }
            first = false;
            out.append(sb);
        }

        private void micros(long nanos) {
            if (nanos < 0) {
                sb.append('-');
                nanos = -nanos;
            }
            long frac = nanos % 1000;
            sb.append(nanos / 1000).append('.');
            if (frac < 100) {
                sb.append('0');
            }
            if (frac < 10) {
                sb.append('0');
            }
            sb.append(frac);
        }

        private void string(String s) {
            sb.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') {
                    sb.append('\\').append(c);
                } else if (c < 0x20) {
                    sb.append(String.format("\\u%04x", (int) c));
                } else {
                    sb.append(c);
                }
            }
            sb.append('"');
        }
    }

    static String typeName(int type) {
        return switch (type) {
            case 0 -> "EV_SYN";
            case 1 -> "EV_KEY";
            case 2 -> "EV_REL";
            case 3 -> "EV_ABS";
            case 4 -> "EV_MSC";
            case 0xf001 -> "SCHED_WAKE";
            case 0xf002 -> "FRAME";
            case 0xf003 -> "SCHED_EXIT";
            default -> "type " + type;
        };
    }
}
