package org.scxgamer.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the C libbpf reference consumer (bench/c/ring_consumer.c) and reads its numbers. */
final class CReference {
    private final Path binary;

    CReference(Path binary) {
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("C reference consumer " + binary + " is missing: build it with 'make -C bpf bench' "
                    + "(or mvn package in bench/)");
        }
        this.binary = binary;
    }

    record Drain(double injectNsPerEvent, double drainNsPerEvent, double injectCpuNs, double drainCpuNs, long injected, long received) {
    }

    record Latency(long n, long p50, long p99, long p999, long max, long injected, long received) {
    }

    Drain drain(long events, int ringBytes, int cpu) {
        String out = run(List.of("--events", Long.toString(events), "--ring-size", Integer.toString(ringBytes), "--cpu", Integer.toString(cpu)));
        Matcher ev = find(out, "events: injected (\\d+) submitted \\d+ dropped \\d+ filtered \\d+ received (\\d+)");
        Matcher cpuLine = find(out, "cpu: inject ([0-9.]+) drain ([0-9.]+) ns/event");
        return new Drain(Double.parseDouble(find(out, "inject: ([0-9.]+) ns/event").group(1)),
                Double.parseDouble(find(out, "drain: ([0-9.]+) ns/event").group(1)),
                Double.parseDouble(cpuLine.group(1)), Double.parseDouble(cpuLine.group(2)),
                Long.parseLong(ev.group(1)), Long.parseLong(ev.group(2)));
    }

    Latency latency(int rateHz, int seconds, boolean busy, int producerCpu, int consumerCpu) {
        List<String> args = new ArrayList<>(List.of("--latency", Integer.toString(rateHz), "--seconds", Integer.toString(seconds),
                "--cpu", Integer.toString(consumerCpu), "--producer-cpu", Integer.toString(producerCpu), "--ring-size", Integer.toString(1 << 20)));
        if (busy) {
            args.add("--busy");
        }
        String out = run(args);
        Matcher ev = find(out, "events: injected (\\d+) submitted \\d+ dropped \\d+ filtered \\d+ received (\\d+)");
        Matcher m = find(out, "latency: n (\\d+) p50 (\\d+) p99 (\\d+) p999 (\\d+) max (\\d+) ns");
        return new Latency(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                Long.parseLong(m.group(4)), Long.parseLong(m.group(5)), Long.parseLong(ev.group(1)), Long.parseLong(ev.group(2)));
    }

    private String run(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.toString());
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + ": timed out");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "):\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + binary + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static Matcher find(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("C reference output lacks /" + regex + "/:\n" + out);
        }
        return m;
    }
}
