package org.scxgamer.recorder.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChromeTraceExporterTest {
    private static final long T0 = 5_000_000_000L;

    @Test
    void exportIsTraceEventJsonWithLaneDeviceAndBoostTracks(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("s.scxrec");
        try (RecordingWriter w = new RecordingWriter(Files.newByteChannel(file, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE),
                Map.of("config.tunables.input.window.us", "1000", "config.tunables.boost.mouse.us", "2000",
                        "config.tunables.boost.keyboard.us", "500"), Format.MIN_BLOCK_BYTES, false)) {
            w.device(7, 3, 0x046d, 0xc08b, 1, "G502 \"mouse\"", "mouse");
            w.device(9, 3, 0x04d9, 0x0169, 2, "kbd", "keyboard");
            // Mouse: boosted at 0 and 1.5 ms (one merged 3.5 ms lane window), then at 10 ms (a second one).
            w.event(T0, T0 + 40_000, 7, 2, 0, 5, 0, 1, 1, 0);
            w.event(T0 + 1_500_000, T0 + 1_540_000, 7, 2, 1, -3, 1, 1, 1, 1);
            w.event(T0 + 10_000_000, T0 + 10_030_000, 7, 1, 272, 1, 0, 1, 1, 0);
            // Keyboard, not boosted.
            w.event(T0 + 12_000_000, T0 + 12_010_000, 9, 1, 30, 1, 1, 2, 0, 1);
            w.lifecycle(T0 + 11_000_000, "org/scxgamer/scheduler/EXITED", Map.of("reason", "unregistered"));
            w.dropped(T0 + 13_000_000, 4, Format.DROPPED_AT_RECORDER);
            w.finish(T0 + 14_000_000, "stopped");
        }
        StringWriter out = new StringWriter();
        ChromeTraceExporter.Result r = ChromeTraceExporter.export(file, out);
        assertThat(r.error()).isNull();
        assertThat(r.events()).isEqualTo(4);

        JsonNode root = new ObjectMapper().readTree(out.toString());
        assertThat(root.get("otherData").get("config.tunables.boost.mouse.us").asText()).isEqualTo("2000");
        JsonNode events = root.get("traceEvents");
        Set<String> processes = new HashSet<>();
        Set<String> threads = new HashSet<>();
        List<JsonNode> instants = new ArrayList<>();
        List<JsonNode> spans = new ArrayList<>();
        for (JsonNode e : events) {
            switch (e.get("ph").asText()) {
                case "M" -> {
                    if (e.get("name").asText().equals("process_name")) {
                        processes.add(e.get("pid").asInt() + ":" + e.get("args").get("name").asText());
                    } else {
                        threads.add(e.get("pid").asInt() + "/" + e.get("tid").asInt() + ":" + e.get("args").get("name").asText());
                    }
                }
                case "i" -> instants.add(e);
                case "X" -> spans.add(e);
                default -> throw new AssertionError("unexpected phase " + e);
            }
        }
        assertThat(processes).containsExactlyInAnyOrder("1:lanes", "2:devices", "3:boost windows", "4:recorder");
        assertThat(threads).contains("1/1:MOUSE", "1/2:KEYBOARD", "2/7:device 7: G502 \"mouse\" (mouse 0003:046d:c08b)",
                "2/9:device 9: kbd (keyboard 0003:04d9:0169)", "3/0:input window", "3/2:MOUSE boost");
        // Each input event on its lane track and its device track, plus the lifecycle and drop instants.
        assertThat(instants).hasSize(4 * 2 + 2);
        assertThat(instants).filteredOn(e -> e.get("pid").asInt() == 2 && e.get("tid").asInt() == 7).hasSize(3);
        JsonNode first = instants.stream().filter(e -> e.get("pid").asInt() == 1).findFirst().orElseThrow();
        assertThat(first.get("name").asText()).isEqualTo("EV_REL 0=5");
        assertThat(first.get("ts").asDouble()).isEqualTo(0.0);
        assertThat(first.get("args").get("delivery_ns").asLong()).isEqualTo(40_000);
        assertThat(instants).anyMatch(e -> e.get("name").asText().equals("org/scxgamer/scheduler/EXITED")
                && e.get("ts").asDouble() == 11_000.0 && e.get("args").get("reason").asText().equals("unregistered"));

        List<String> windows = new ArrayList<>();
        for (JsonNode s : spans) {
            windows.add(s.get("tid").asInt() + "@" + s.get("ts").asDouble() + "+" + s.get("dur").asDouble());
        }
        // Input window 1 ms: [0,1] and [1.5,2.5] are separate, [10,11] a third; mouse lane 2 ms: [0,3.5] merged and [10,12].
        assertThat(windows).containsExactlyInAnyOrder("0@0.0+1000.0", "0@1500.0+1000.0", "0@10000.0+1000.0",
                "2@0.0+3500.0", "2@10000.0+2000.0");
    }

    @Test
    void aBrokenRecordingStillExportsValidJsonUpToTheBreak(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("broken.scxrec");
        try (RecordingWriter w = new RecordingWriter(Files.newByteChannel(file, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE), Map.of(), Format.MIN_BLOCK_BYTES, false)) {
            w.event(T0, T0, 1, 1, 30, 1, 0, 2, 0, 0);
            w.flush();
            w.event(T0 + 1000, T0 + 1000, 1, 1, 30, 0, 0, 2, 0, 0);
            w.flush();
        }
        byte[] b = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(b, b.length - 3));
        StringWriter out = new StringWriter();
        ChromeTraceExporter.Result r = ChromeTraceExporter.export(file, out);
        assertThat(r.events()).isEqualTo(1);
        assertThat(r.error()).startsWith("block 1 at offset");
        assertThat(new ObjectMapper().readTree(out.toString()).get("traceEvents").isArray()).isTrue();
    }
}
