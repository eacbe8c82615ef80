package org.scxgamer.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Benchmark parts 1–6 (bench/run.sh adds 7 and 8): the core's ring reader and event hub on the real
 * BPF objects, the C libbpf reference consumer run interleaved in the same process tree. Prints a
 * Markdown table; speed targets are reported, never enforced.
 *
 * <pre>java -cp ... org.scxgamer.bench.Bench [--runs N] [--events N] [--latency-seconds S]
 *     [--overload-seconds S] [--parts 1,2,...] [--consumer PATH] [--out FILE]</pre>
 */
public final class Bench {

    /** What to run and how long. */
    record Config(int runs, long events, int latencySeconds, int overloadSeconds, int costCalls, Set<Integer> parts, Path consumer) {
        static Config defaults(Path consumer) {
            return new Config(5, 3_000_000, 5, 10, 20, Set.of(1, 2, 3, 4, 5, 6), consumer);
        }

        /** About a second per part: for the smoke test, which checks only that the numbers are sane. */
        static Config smoke(Path consumer) {
            return new Config(1, 300_000, 1, 1, 2, Set.of(1, 2, 3, 4, 5, 6), consumer);
        }
    }

    /** Everything measured; a part not run is null (lists empty). */
    record Results(Parts.Drain drain, List<Parts.Delivery> delivery, List<Parts.Latency> latency, Parts.Cost cost,
                   Parts.Overload overload, Parts.Isolation isolation) {
    }

    public static void main(String[] args) throws IOException {
        Config c = Config.defaults(Path.of(System.getProperty("scxgamer.bench.consumer", "bench/target/bpf/ring_consumer")));
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--runs" -> c = new Config(Integer.parseInt(v), c.events(), c.latencySeconds(), c.overloadSeconds(), c.costCalls(), c.parts(), c.consumer());
                case "--events" -> c = new Config(c.runs(), Long.parseLong(v), c.latencySeconds(), c.overloadSeconds(), c.costCalls(), c.parts(), c.consumer());
                case "--latency-seconds" -> c = new Config(c.runs(), c.events(), Integer.parseInt(v), c.overloadSeconds(), c.costCalls(), c.parts(), c.consumer());
                case "--overload-seconds" -> c = new Config(c.runs(), c.events(), c.latencySeconds(), Integer.parseInt(v), c.costCalls(), c.parts(), c.consumer());
                case "--parts" -> {
                    Set<Integer> p = new LinkedHashSet<>();
                    for (String s : v.split(",")) {
                        p.add(Integer.parseInt(s.trim()));
                    }
                    c = new Config(c.runs(), c.events(), c.latencySeconds(), c.overloadSeconds(), c.costCalls(), p, c.consumer());
                }
                case "--consumer" -> c = new Config(c.runs(), c.events(), c.latencySeconds(), c.overloadSeconds(), c.costCalls(), c.parts(), Path.of(v));
                case "--out" -> out = Path.of(v);
                default -> {
                    System.err.println("usage: Bench [--runs N] [--events N] [--latency-seconds S] [--overload-seconds S] "
                            + "[--parts 1,2,3,4,5,6] [--consumer PATH] [--out FILE]");
                    System.exit(2);
                }
            }
            i++;
        }
        Results r = run(c, true);
        String md = markdown(c, r);
        System.out.print(md);
        if (out != null) {
            Files.writeString(out, md);
        }
    }

    static Results run(Config c, boolean progress) {
        CReference ref = new CReference(c.consumer());
        Parts.Drain drain = null;
        List<Parts.Delivery> delivery = new ArrayList<>();
        List<Parts.Latency> latency = new ArrayList<>();
        Parts.Cost cost = null;
        Parts.Overload overload = null;
        Parts.Isolation isolation = null;
        if (c.parts().contains(1) || c.parts().contains(2) || c.parts().contains(4) || c.parts().contains(6)) {
            try (Rig rig = new Rig(Parts.BIG_RING)) {
                if (c.parts().contains(1)) {
                    say(progress, "1. drain throughput: Java MappedRings vs C ring_buffer__consume, " + c.runs() + " runs");
                    drain = Parts.drain(rig, ref, c.runs(), c.events());
                }
                if (c.parts().contains(2)) {
                    for (boolean nonBlocking : new boolean[] {false, true}) {
                        for (int subs : new int[] {1, 4}) {
                            say(progress, "2. through the event hub to " + subs + (nonBlocking ? " non-blocking" : "") + " subscriber(s)");
                            delivery.add(Parts.delivery(rig, ref, subs, nonBlocking, c.runs(), c.events()));
                        }
                    }
                }
                if (c.parts().contains(4)) {
                    say(progress, "4. BPF handling cost, rings free vs full");
                    cost = Parts.injectCost(rig, c.runs(), c.costCalls());
                }
                if (c.parts().contains(6)) {
                    say(progress, "6. isolation: healthy subscriber alone vs beside one sleeping 10 ms per event");
                    isolation = Parts.isolation(rig, c.runs(), c.events());
                }
            }
        }
        if (c.parts().contains(3)) {
            try (Rig rig = new Rig(Parts.LATENCY_RING)) {
                Parts.latencyWarmup(rig);
                for (boolean busy : new boolean[] {false, true}) {
                    for (int rate : new int[] {1000, 8000}) {
                        say(progress, "3. latency at " + rate + " Hz, " + (busy ? "busy-poll" : "blocking") + ", " + c.runs() + " x "
                                + c.latencySeconds() + " s each side");
                        latency.add(Parts.latency(rig, ref, rate, busy, c.runs(), c.latencySeconds()));
                    }
                }
            }
        }
        if (c.parts().contains(5)) {
            try (Rig rig = new Rig(Parts.OVERLOAD_RING)) {
                say(progress, "5. overload: 10x the drain rate for " + c.overloadSeconds() + " s");
                overload = Parts.overload(rig, c.overloadSeconds());
            }
        }
        return new Results(drain, delivery, latency, cost, overload, isolation);
    }

    private static void say(boolean progress, String what) {
        if (progress) {
            System.err.println("bench: " + what);
        }
    }

    private static String f(String fmt, Object... args) {
        return String.format(Locale.ROOT, fmt, args);
    }

    private static String met(boolean ok) {
        return ok ? "met" : "**missed**";
    }

    /** The table rows for parts 1–6 plus the raw counts. */
    static String markdown(Config c, Results r) {
        StringBuilder t = new StringBuilder();
        t.append(f("Parts 1–6: %d runs each (median [min–max]); %d events per drain run; latency runs %d s; overload %d s.%n%n",
                c.runs(), c.events(), c.latencySeconds(), c.overloadSeconds()));
        t.append("| # | measurement | scxgamer (Java) | reference | ratio | target | |\n");
        t.append("| --- | --- | --- | --- | --- | --- | --- |\n");
        StringBuilder notes = new StringBuilder();
        if (r.drain() != null) {
            Parts.Drain d = r.drain();
            t.append(f("| 1 | drain, wall ns/event | %s | C ring_buffer__consume %s | Java ÷ C %s | ≤ 1.0 | (wall) |%n",
                    d.javaNs().format("%.2f"), d.cNs().format("%.2f"), d.ratio().format("%.2f")));
            t.append(f("| 1 | drain, thread CPU ns/event | %s | C ring_buffer__consume %s | Java ÷ C %s | ≤ 1.0 | %s |%n",
                    d.javaCpuNs().format("%.2f"), d.cCpuNs().format("%.2f"), d.cpuRatio().format("%.2f"),
                    met(d.cpuRatio().median() <= 1.0)));
            notes.append(f("- 1: Java drained %d of %d injected (bad or out of order: %d); C %d of %d.%n",
                    d.javaReceived(), d.javaEvents(), d.javaBad(), d.cReceived(), d.cEvents()));
        }
        for (Parts.Delivery d : r.delivery()) {
            boolean four = d.subscribers() == 4;
            String subs = d.subscribers() + (d.nonBlocking() ? " non-blocking" : "") + " subscriber" + (d.subscribers() > 1 ? "s" : "")
                    + (d.nonBlocking() ? " (reader thread)" : "");
            String target = four ? "≥ 0.5× C" : "≥ 0.6× C";
            t.append(f("| 2 | drain + hub → %s, wall ns/event | %s | C drain %s | rate %s× C | %s | (wall) |%n",
                    subs, d.nsPerEvent().format("%.1f"), d.cNs().format("%.2f"), d.rate().format("%.2f"), target));
            t.append(f("| 2 | drain + hub → %s, CPU ns/event (reader + delivery threads) | %s | C drain %s | rate %s× C | %s | %s |%n",
                    subs, d.cpuNsPerEvent().format("%.1f"), d.cCpuNs().format("%.2f"), d.cpuRate().format("%.2f"), target,
                    met(d.cpuRate().median() >= (four ? 0.5 : 0.6))));
            t.append(f("| 2 | allocation → %s, bytes/event (reader + delivery threads) | %s | – | – | 0 | %s |%n",
                    subs, d.allocBytesPerEvent().format("%.4f"), met(d.allocBytesPerEvent().max() < 0.01)));
            notes.append(f("- 2: %s: %d of %d events delivered, %d dropped%s.%n", subs, d.delivered(), d.expected(), d.dropped(),
                    d.nonBlocking() ? f(", %d demoted to a thread of its own", d.demoted()) : ""));
        }
        for (Parts.Latency l : r.latency()) {
            String mode = l.busy() ? "busy-poll" : "blocking";
            t.append(f("| 3 | latency %d Hz %s p50, µs | %s | C %s | %.2f | – | – |%n", l.rateHz(), mode,
                    us(l.p50()), us(l.cP50()), l.p50().median() / l.cP50().median()));
            boolean ok = l.busy() ? l.p99().median() <= 2000 : l.p99().median() <= 1.2 * l.cP99().median();
            t.append(f("| 3 | latency %d Hz %s p99, µs | %s | C %s | %.2f | %s | %s |%n", l.rateHz(), mode,
                    us(l.p99()), us(l.cP99()), l.p99().median() / l.cP99().median(), l.busy() ? "≤ 2 µs" : "≤ 1.2× C", met(ok)));
            t.append(f("| 3 | latency %d Hz %s p99.9, µs | %s | C %s | %.2f | – | – |%n", l.rateHz(), mode,
                    us(l.p999()), us(l.cP999()), l.p999().median() / l.cP999().median()));
            t.append(f("| 3 | latency %d Hz %s, non-blocking subscriber (reader thread) p50, µs | %s | C %s | %.2f | – | – |%n",
                    l.rateHz(), mode, us(l.nbP50()), us(l.cP50()), l.nbP50().median() / l.cP50().median()));
            boolean nbOk = l.busy() ? l.nbP99().median() <= 2000 : l.nbP99().median() <= 1.2 * l.cP99().median();
            t.append(f("| 3 | latency %d Hz %s, non-blocking subscriber (reader thread) p99, µs | %s | C %s | %.2f | %s | %s |%n",
                    l.rateHz(), mode, us(l.nbP99()), us(l.cP99()), l.nbP99().median() / l.cP99().median(),
                    l.busy() ? "≤ 2 µs" : "≤ 1.2× C", met(nbOk)));
            t.append(f("| 3 | latency %d Hz %s, non-blocking subscriber (reader thread) p99.9, µs | %s | C %s | %.2f | – | – |%n",
                    l.rateHz(), mode, us(l.nbP999()), us(l.cP999()), l.nbP999().median() / l.cP999().median()));
            notes.append(f("- 3: %d Hz %s: Java %d injected, %d delivered; C %d injected, %d received. Java stages, µs: "
                            + "kernel → reader thread p50 %s p99 %s; reader → subscriber thread p50 %s p99 %s; "
                            + "non-blocking subscriber %d injected, %d delivered.%n", l.rateHz(), mode,
                    l.injected(), l.delivered(), l.cInjected(), l.cReceived(), us(l.readerP50()), us(l.readerP99()),
                    us(l.handoffP50()), us(l.handoffP99()), l.nbInjected(), l.nbDelivered()));
        }
        if (r.cost() != null) {
            Parts.Cost k = r.cost();
            String cInject = r.drain() != null ? "C test_run " + r.drain().cInjectCpuNs().format("%.0f") : "–";
            t.append(f("| 4 | BPF handling, rings free, wall ns/event | %s | – | – | ≤ 100 | (wall) |%n", k.freeNs().format("%.0f")));
            t.append(f("| 4 | BPF handling, rings free, CPU ns/event | %s | %s | – | ≤ 100 | %s |%n", k.freeCpuNs().format("%.0f"),
                    cInject, met(k.freeCpuNs().median() <= 100)));
            t.append(f("| 4 | BPF handling, all rings full, CPU ns/event | %s | free %.0f | full ÷ free %s | ≤ 1.0 | %s |%n",
                    k.fullCpuNs().format("%.0f"), k.freeCpuNs().median(), k.cpuRatio().format("%.2f"),
                    met(k.cpuRatio().median() <= 1.0)));
            notes.append(f("- 4: free: %d injected, %d submitted; full: %d injected, %d dropped; wall full ÷ free %s.%n",
                    k.freeEvents(), k.freeSubmitted(), k.fullEvents(), k.fullDropped(), k.ratio().format("%.2f")));
        }
        if (r.overload() != null) {
            Parts.Overload o = r.overload();
            t.append(f("| 5 | overload %.0f s at %.1f× drain rate: injected = delivered + dropped | %d = %d + %d (kernel) + %d (subscriber) "
                            + "| – | – | exact | %s |%n", o.seconds(), o.injectRate() / o.deliverRate(), o.injected(), o.delivered(),
                    o.kernelDropped(), o.subscriberDropped(), met(o.exact())));
            notes.append(f("- 5: injected %.0f/s, delivered %.0f/s; reader read %d = kernel submitted %d; kernel counters: "
                            + "injected %d, dropped %d; queued at the end %d.%n", o.injectRate(), o.deliverRate(), o.read(),
                    o.kernelSubmitted(), o.statsInjected(), o.statsDropped(), o.queuedAtEnd()));
        }
        if (r.isolation() != null) {
            Parts.Isolation i = r.isolation();
            t.append(f("| 6 | healthy subscriber beside a 10 ms sleeper, wall ns/event | %s | alone %s | rate %s of solo | ≥ 95 %% | (wall) |%n",
                    i.besideSleeperNsPerEvent().format("%.1f"), i.soloNsPerEvent().format("%.1f"), i.rateRatio().format("%.2f")));
            t.append(f("| 6 | healthy subscriber beside a 10 ms sleeper, CPU ns/event | %s | alone %s | rate %s of solo | ≥ 95 %% | %s |%n",
                    i.besideCpuNs().format("%.1f"), i.soloCpuNs().format("%.1f"), i.cpuRateRatio().format("%.2f"),
                    met(i.cpuRateRatio().median() >= 0.95)));
            notes.append(f("- 6: healthy %d of %d delivered; sleeper delivered %d, dropped %d.%n", i.healthyDelivered(),
                    i.healthyExpected(), i.sleeperDelivered(), i.sleeperDropped()));
        }
        return t + "\nCounts:\n\n" + notes;
    }

    private static String us(Summary s) {
        return new Summary(s.median() / 1000, s.min() / 1000, s.max() / 1000, s.runs()).format("%.1f");
    }

    private Bench() {
    }
}
