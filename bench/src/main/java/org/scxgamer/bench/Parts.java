package org.scxgamer.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.scxgamer.api.control.InjectResult;
import org.scxgamer.api.event.SubscriberInfo;
import org.scxgamer.core.events.EventHub;
import org.scxgamer.core.kernel.Contract;

/** Benchmark parts 1–6: each measures the core's Java path and, where there is one, the C reference in the same run. */
final class Parts {
    static final int BIG_RING = 32 << 20;        // as the C reference's default: one ring holds a whole batch
    static final int LATENCY_RING = 1 << 20;
    static final int OVERLOAD_RING = 16 << 10;   // small, so an overload also overflows in the kernel
    static final int QUEUE = 1 << 18;            // subscriber queue for throughput runs: a whole batch fits
    private static final long WAIT = TimeUnit.SECONDS.toNanos(60);

    private Parts() {
    }

    // ---- 1. drain throughput

    /** Wall and thread-CPU ns per event of both readers; CPU time is what other load on the machine distorts least. */
    record Drain(Summary javaNs, Summary cNs, Summary ratio, Summary javaCpuNs, Summary cCpuNs, Summary cpuRatio,
                 Summary cInjectNs, Summary cInjectCpuNs, long javaEvents, long javaReceived, long javaBad, long cEvents,
                 long cReceived) {
    }

    static Drain drain(Rig rig, CReference c, int runs, long events) {
        Affinity.pin(0);
        try {
            for (int w = 0; w < 5; w++) {
                javaDrain(rig, Math.min(events, 600_000)); // JIT warm-up
            }
            double[] j = new double[runs], cn = new double[runs], ratio = new double[runs], ci = new double[runs];
            double[] jc = new double[runs], cc = new double[runs], cpuRatio = new double[runs], cic = new double[runs];
            long jEvents = 0, jReceived = 0, jBad = 0, cEvents = 0, cReceived = 0;
            for (int r = 0; r < runs; r++) {
                // Interleaved: the machine's noise hits both alike.
                CReference.Drain cr = c.drain(events, BIG_RING, 0);
                Rig.Checker check = new Rig.Checker();
                long[] jr = javaDrain(rig, events, check);
                j[r] = (double) jr[1] / check.received;
                cn[r] = cr.drainNsPerEvent();
                ci[r] = cr.injectNsPerEvent();
                ratio[r] = j[r] / cn[r];
                jc[r] = (double) jr[2] / check.received;
                cc[r] = cr.drainCpuNs();
                cpuRatio[r] = jc[r] / cc[r];
                cic[r] = cr.injectCpuNs();
                jEvents += jr[0];
                jReceived += check.received;
                jBad += check.bad + check.outOfOrder;
                cEvents += cr.injected();
                cReceived += cr.received();
            }
            return new Drain(Summary.of(j), Summary.of(cn), Summary.of(ratio), Summary.of(jc), Summary.of(cc), Summary.of(cpuRatio),
                    Summary.of(ci), Summary.of(cic), jEvents, jReceived, jBad, cEvents, cReceived);
        } finally {
            Affinity.pin(-1);
        }
    }

    private static long[] javaDrain(Rig rig, long events) {
        return javaDrain(rig, events, new Rig.Checker());
    }

    /** Inject a ring-full, drain it timed, repeat (as ring_consumer.c does). Returns {injected, drain ns, drain CPU ns}. */
    private static long[] javaDrain(Rig rig, long events, Rig.Checker check) {
        rig.drainAll();
        long injected = 0, drainNs = 0, drainCpu = 0;
        while (injected + Rig.FRAME_EVENTS <= events) {
            long n = Math.min(rig.ringEvents(), (events - injected) / Rig.FRAME_EVENTS * Rig.FRAME_EVENTS);
            InjectResult res = rig.frames(n);
            if (res.submitted() != n) {
                throw new IllegalStateException("injected " + n + " but the kernel submitted " + res);
            }
            injected += n;
            check.resetOrder();
            long c0 = Listeners.cpuHere();
            long t0 = System.nanoTime();
            rig.drainAll(check);
            drainNs += System.nanoTime() - t0;
            drainCpu += Listeners.cpuHere() - c0;
        }
        return new long[] {injected, drainNs, drainCpu};
    }

    // ---- 2. and 6. through the event hub

    /**
     * nsPerEvent: wall time to drain and deliver; cpuNsPerEvent: CPU time of the reader and all delivery threads;
     * cNs/cCpuNs: the C drain of the same number of events run just before each Java run, rate/cpuRate: C ÷ Java per run
     * (null without a C reference).
     */
    /** demoted: subscribers declared non-blocking that the hub moved to threads of their own (slow or throwing). */
    record Delivery(int subscribers, boolean nonBlocking, long demoted, Summary nsPerEvent, Summary cpuNsPerEvent, Summary allocBytesPerEvent, long expected,
                    long delivered, long dropped, Summary cNs, Summary cCpuNs, Summary rate, Summary cpuRate) {
    }

    /**
     * Drain + delivery to {@code subscribers} counting listeners (declared non-blocking: on the reader thread), per
     * event (all delivered, none dropped), each run after a C drain.
     */
    static Delivery delivery(Rig rig, CReference c, int subscribers, boolean nonBlocking, int runs, long events) {
        List<Listeners.Counting> ls = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            ls.add(new Listeners.Counting(0, 0));
        }
        return deliver(rig, c, ls, List.of(), nonBlocking, runs, events, new ArrayList<>());
    }

    record Isolation(Summary soloNsPerEvent, Summary besideSleeperNsPerEvent, Summary rateRatio, Summary soloCpuNs,
                     Summary besideCpuNs, Summary cpuRateRatio, long sleeperDelivered,
                     long sleeperDropped, long healthyExpected, long healthyDelivered) {
    }

    /** A healthy listener alone, then beside one sleeping 10 ms per event; runs alternate. */
    static Isolation isolation(Rig rig, int runs, long events) {
        double[] solo = new double[runs], beside = new double[runs], ratio = new double[runs];
        double[] soloCpu = new double[runs], besideCpu = new double[runs], cpuRatio = new double[runs];
        long sleeperDelivered = 0, sleeperDropped = 0, expected = 0, delivered = 0;
        for (int r = 0; r < runs; r++) {
            Delivery s = deliver(rig, null, List.of(new Listeners.Counting(0, 0)), List.of(), false, 1, events, new ArrayList<>());
            Listeners.Counting sleeper = new Listeners.Counting(10, 0);
            List<SubscriberInfo> sleeperInfo = new ArrayList<>();
            Delivery b = deliver(rig, null, List.of(new Listeners.Counting(0, 0)), List.of(sleeper), false, 1, events, sleeperInfo);
            solo[r] = s.nsPerEvent().median();
            beside[r] = b.nsPerEvent().median();
            ratio[r] = solo[r] / beside[r];
            soloCpu[r] = s.cpuNsPerEvent().median();
            besideCpu[r] = b.cpuNsPerEvent().median();
            cpuRatio[r] = soloCpu[r] / besideCpu[r];
            expected += b.expected();
            delivered += b.delivered();
            sleeperDelivered += sleeperInfo.get(0).delivered();
            sleeperDropped += sleeperInfo.get(0).dropped();
        }
        return new Isolation(Summary.of(solo), Summary.of(beside), Summary.of(ratio), Summary.of(soloCpu), Summary.of(besideCpu),
                Summary.of(cpuRatio), sleeperDelivered, sleeperDropped, expected, delivered);
    }

    /**
     * The reader (this thread, pinned to CPU 0 like the C reference) drains pre-filled rings into an EventHub;
     * each batch's time runs from the first drain to the moment the last timed listener got its last event.
     * Allocation is read on the reader and on every delivery thread around the drain + delivery only.
     */
    private static Delivery deliver(Rig rig, CReference c, List<Listeners.Counting> timed, List<Listeners.Counting> others,
                                    boolean nonBlocking, int runs, long events, List<SubscriberInfo> othersInfo) {
        EventHub hub = new EventHub();
        for (Listeners.Counting l : timed) {
            hub.add(l, Listeners.props(QUEUE, nonBlocking), "bench");
        }
        for (Listeners.Counting l : others) {
            hub.add(l, Listeners.props(QUEUE), "bench");
        }
        int batch = Math.min(rig.ringEvents(), QUEUE - 1) / Rig.FRAME_EVENTS * Rig.FRAME_EVENTS;
        Affinity.pin(0);
        try {
            rig.drainAll();
            runBatches(rig, hub, timed, Math.min(events, 4L * batch), batch, null); // warm-up, learns the thread ids
            double[] ns = new double[runs], alloc = new double[runs], cpu = new double[runs];
            double[] cNs = new double[runs], cCpu = new double[runs], rate = new double[runs], cpuRate = new double[runs];
            long expected = 0;
            long[] before = new long[timed.size()];
            for (int i = 0; i < before.length; i++) {
                before[i] = timed.get(i).count();
            }
            for (int r = 0; r < runs; r++) {
                if (c != null) {
                    // Interleaved: the machine's noise hits both alike.
                    CReference.Drain cr = c.drain(events, BIG_RING, 0);
                    cNs[r] = cr.drainNsPerEvent();
                    cCpu[r] = cr.drainCpuNs();
                }
                long[] bytes = new long[2];
                long[] res = runBatches(rig, hub, timed, events, batch, bytes);
                ns[r] = (double) res[1] / res[0];
                alloc[r] = (double) bytes[0] / res[0];
                cpu[r] = (double) bytes[1] / res[0];
                rate[r] = cNs[r] / ns[r];
                cpuRate[r] = cCpu[r] / cpu[r];
                expected += res[0];
            }
            long delivered = 0, dropped = 0;
            List<SubscriberInfo> infos = hub.subscribers(); // in registration order: timed first
            for (int i = 0; i < timed.size(); i++) {
                delivered += timed.get(i).count() - before[i];
                dropped += infos.get(i).dropped();
            }
            othersInfo.addAll(infos.subList(timed.size(), infos.size()));
            long demoted = infos.subList(0, timed.size()).stream().filter(SubscriberInfo::demoted).count();
            return new Delivery(timed.size(), nonBlocking, demoted, Summary.of(ns), Summary.of(cpu), Summary.of(alloc), expected * timed.size(), delivered, dropped,
                    c == null ? null : Summary.of(cNs), c == null ? null : Summary.of(cCpu), c == null ? null : Summary.of(rate),
                    c == null ? null : Summary.of(cpuRate));
        } finally {
            Affinity.pin(-1);
            hub.removeAll();
        }
    }

    /**
     * Returns {events, ns}; adds the bytes allocated by the reader and the timed delivery threads to acc[0], their CPU
     * time to acc[1].
     */
    private static long[] runBatches(Rig rig, EventHub hub, List<Listeners.Counting> timed, long events, int batch, long[] acc) {
        long done = 0, ns = 0;
        while (done + Rig.FRAME_EVENTS <= events) {
            long n = Math.min(batch, (events - done) / Rig.FRAME_EVENTS * Rig.FRAME_EVENTS);
            InjectResult res = rig.frames(n);
            if (res.submitted() != n) {
                throw new IllegalStateException("injected " + n + " but the kernel submitted " + res);
            }
            for (Listeners.Counting l : timed) {
                l.target = l.count() + n;
            }
            long[] threads = deliveryThreads(timed);
            long allocBefore = acc == null ? 0 : allocated(threads);
            long cpuBefore = acc == null ? 0 : cpu(threads);
            long readerBefore = Listeners.allocatedHere();
            long readerCpu = Listeners.cpuHere();
            long t0 = System.nanoTime();
            rig.drainAll(hub);
            hub.flush();
            long end = t0;
            for (Listeners.Counting l : timed) {
                end = Math.max(end, l.awaitTarget(WAIT));
            }
            ns += end - t0;
            long readerAfter = Listeners.allocatedHere();
            if (acc != null) {
                acc[0] += readerAfter - readerBefore + allocated(threads) - allocBefore;
                acc[1] += Listeners.cpuHere() - readerCpu + cpu(threads) - cpuBefore;
            }
            done += n;
        }
        return new long[] {done, ns};
    }

    private static long[] deliveryThreads(List<Listeners.Counting> ls) {
        long[] ids = new long[ls.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = ls.get(i).threadId;
        }
        return ids;
    }

    /** Delivery threads' CPU time; a listener on the reader thread (this one) is in the reader's. */
    private static long cpu(long[] threadIds) {
        long sum = 0;
        for (long id : threadIds) {
            if (id >= 0 && id != Thread.currentThread().getId()) {
                sum += Listeners.cpu(id);
            }
        }
        return sum;
    }

    private static long allocated(long[] threadIds) {
        long sum = 0;
        for (long id : threadIds) {
            if (id >= 0 && id != Thread.currentThread().getId()) {
                sum += Listeners.allocated(id);
            }
        }
        return sum;
    }

    // ---- 3. latency

    /** readerP99/handoffP99: the Java latency's two stages (kernel → reader thread, reader → subscriber thread). */
    record Latency(int rateHz, boolean busy, Summary p50, Summary p99, Summary p999, Summary cP50, Summary cP99,
                   Summary cP999, Summary readerP50, Summary readerP99, Summary handoffP50, Summary handoffP99,
                   long injected, long delivered, long cInjected, long cReceived,
                   Summary nbP50, Summary nbP99, Summary nbP999, long nbInjected, long nbDelivered) {
    }

    /**
     * Where both sides' consuming threads run in part 3: CPU 0, the producer on CPU 1. Placement decides the
     * latency on a VM whose idle vCPUs halt: waking a thread on the other, idle CPU costs tens of µs, on the
     * producer's own CPU a few, and left unpinned each side lands wherever its history puts it.
     */
    static final int CONSUMER_CPU = 0;

    static Latency latency(Rig rig, CReference c, int rateHz, boolean busy, int runs, int seconds) {
        double[] p50 = new double[runs], p99 = new double[runs], p999 = new double[runs];
        double[] c50 = new double[runs], c99 = new double[runs], c999 = new double[runs];
        double[] r50 = new double[runs], r99 = new double[runs], h50 = new double[runs], h99 = new double[runs];
        double[] n50 = new double[runs], n99 = new double[runs], n999 = new double[runs];
        long injected = 0, delivered = 0, cInjected = 0, cReceived = 0, nbInjected = 0, nbDelivered = 0;
        int producerCpu = Affinity.cpus() > 1 ? 1 : 0;
        for (int r = 0; r < runs; r++) {
            CReference.Latency cl = c.latency(rateHz, seconds, busy, producerCpu, CONSUMER_CPU);
            c50[r] = cl.p50();
            c99[r] = cl.p99();
            c999[r] = cl.p999();
            cInjected += cl.injected();
            cReceived += cl.received();
            long[] counts = new long[2];
            Listeners.Latency l = javaLatency(rig, rateHz, busy, false, seconds, producerCpu, CONSUMER_CPU, counts);
            p50[r] = l.histogram.getValueAtPercentile(50);
            p99[r] = l.histogram.getValueAtPercentile(99);
            p999[r] = l.histogram.getValueAtPercentile(99.9);
            r50[r] = l.toReader.getValueAtPercentile(50);
            r99[r] = l.toReader.getValueAtPercentile(99);
            h50[r] = l.toSubscriber.getValueAtPercentile(50);
            h99[r] = l.toSubscriber.getValueAtPercentile(99);
            injected += counts[0];
            delivered += counts[1];
            Listeners.Latency nb = javaLatency(rig, rateHz, busy, true, seconds, producerCpu, CONSUMER_CPU, counts);
            n50[r] = nb.histogram.getValueAtPercentile(50);
            n99[r] = nb.histogram.getValueAtPercentile(99);
            n999[r] = nb.histogram.getValueAtPercentile(99.9);
            nbInjected += counts[0];
            nbDelivered += counts[1];
        }
        return new Latency(rateHz, busy, Summary.of(p50), Summary.of(p99), Summary.of(p999), Summary.of(c50), Summary.of(c99),
                Summary.of(c999), Summary.of(r50), Summary.of(r99), Summary.of(h50), Summary.of(h99), injected, delivered,
                cInjected, cReceived, Summary.of(n50), Summary.of(n99), Summary.of(n999), nbInjected, nbDelivered);
    }

    /** JIT warm-up of the reader/hub/subscriber path before timed latency runs. */
    static void latencyWarmup(Rig rig) {
        javaLatency(rig, 8000, false, false, 1, Affinity.cpus() > 1 ? 1 : 0, CONSUMER_CPU, new long[2]);
        javaLatency(rig, 8000, false, true, 1, Affinity.cpus() > 1 ? 1 : 0, CONSUMER_CPU, new long[2]);
    }

    /**
     * One event per period from a producer pinned to {@code producerCpu} (absolute deadlines, a missed one is
     * skipped), read by the core's RingPump (blocking epoll or busy-poll), delivered by the hub to one listener (on
     * the reader thread if it is declared non-blocking); the reader and delivery threads inherit {@code consumerCpu}
     * from this thread. counts = {injected, delivered}.
     */
    private static Listeners.Latency javaLatency(Rig rig, int rateHz, boolean busy, boolean nonBlocking, int seconds, int producerCpu,
                                                 int consumerCpu, long[] counts) {
        rig.drainAll();
        EventHub hub = new EventHub();
        Listeners.Latency l = new Listeners.Latency();
        Affinity.pin(consumerCpu);
        hub.add(l, Listeners.props(8192, nonBlocking), "bench");
        Pump pump = new Pump(rig.rings, hub, busy);
        long submitted = 0, injected = 0;
        Affinity.pin(producerCpu);
        try {
            long period = TimeUnit.SECONDS.toNanos(1) / rateHz;
            long next = System.nanoTime() + period;
            long end = next + TimeUnit.SECONDS.toNanos(seconds);
            while (next < end) {
                long wait;
                while ((wait = next - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                InjectResult res = rig.kernel.inject(Rig.ONE, 1, false);
                injected++;
                submitted += res.submitted();
                next += period;
                long now = System.nanoTime();
                if (now > next + period) {
                    next = now + period;
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (l.count() < submitted && System.nanoTime() < deadline) {
                LockSupport.parkNanos(1_000_000);
            }
        } finally {
            Affinity.pin(-1);
            pump.close();
            hub.removeAll();
        }
        counts[0] = injected;
        counts[1] = l.count();
        if (l.count() != submitted) {
            throw new IllegalStateException("latency run: submitted " + submitted + ", delivered " + l.count());
        }
        return l;
    }

    // ---- 4. BPF handling cost

    record Cost(Summary freeNs, Summary fullNs, Summary ratio, Summary freeCpuNs, Summary fullCpuNs, Summary cpuRatio, long freeEvents, long freeSubmitted, long fullEvents,
                long fullDropped) {
    }

    /** Wall time of injector runs of 65535 events on CPU 0 (syscall overhead amortized), rings free vs full. */
    static Cost injectCost(Rig rig, int runs, int callsPerRun) {
        double[] free = new double[runs], full = new double[runs], ratio = new double[runs];
        double[] freeCpu = new double[runs], fullCpu = new double[runs], cpuRatio = new double[runs];
        long freeEvents = 0, freeSubmitted = 0, fullEvents = 0, fullDropped = 0;
        try {
            for (int r = 0; r < runs; r++) {
                Affinity.pin(0);
                rig.drainAll();
                long ns = 0, cpu = 0;
                for (int k = 0; k < callsPerRun; k++) {
                    long c0 = Listeners.cpuHere();
                    long t0 = System.nanoTime();
                    InjectResult res = rig.frames(Rig.RUN_EVENTS);
                    ns += System.nanoTime() - t0;
                    cpu += Listeners.cpuHere() - c0;
                    freeEvents += Rig.RUN_EVENTS;
                    freeSubmitted += res.submitted();
                    rig.drainAll();
                }
                free[r] = (double) ns / ((long) callsPerRun * Rig.RUN_EVENTS);
                freeCpu[r] = (double) cpu / ((long) callsPerRun * Rig.RUN_EVENTS);
                fillRings(rig);
                Affinity.pin(0);
                ns = 0;
                cpu = 0;
                for (int k = 0; k < callsPerRun; k++) {
                    long c0 = Listeners.cpuHere();
                    long t0 = System.nanoTime();
                    InjectResult res = rig.frames(Rig.RUN_EVENTS);
                    ns += System.nanoTime() - t0;
                    cpu += Listeners.cpuHere() - c0;
                    fullEvents += Rig.RUN_EVENTS;
                    fullDropped += res.dropped();
                }
                full[r] = (double) ns / ((long) callsPerRun * Rig.RUN_EVENTS);
                ratio[r] = full[r] / free[r];
                fullCpu[r] = (double) cpu / ((long) callsPerRun * Rig.RUN_EVENTS);
                cpuRatio[r] = fullCpu[r] / freeCpu[r];
                rig.drainAll();
            }
        } finally {
            Affinity.pin(-1);
        }
        return new Cost(Summary.of(free), Summary.of(full), Summary.of(ratio), Summary.of(freeCpu), Summary.of(fullCpu),
                Summary.of(cpuRatio), freeEvents, freeSubmitted, fullEvents, fullDropped);
    }

    /** Fills the ring of every CPU (ring = cpu % 16) until the kernel drops. */
    private static void fillRings(Rig rig) {
        for (int cpu = 0; cpu < Affinity.cpus(); cpu++) {
            Affinity.pin(cpu);
            while (rig.frames(Rig.RUN_EVENTS).dropped() == 0) {
                // keep filling
            }
        }
    }

    // ---- 5. overload accounting

    record Overload(double seconds, long injected, long kernelSubmitted, long kernelDropped, long read, long delivered,
                    long subscriberDropped, long queuedAtEnd, double injectRate, double deliverRate, long statsInjected,
                    long statsDropped) {
        boolean exact() {
            return injected == delivered + kernelDropped + subscriberDropped && read == kernelSubmitted
                    && statsInjected == injected && statsDropped == kernelDropped && queuedAtEnd == 0;
        }
    }

    /**
     * A slow listener (parks 1 ms per event: a rate the injector beats 10× even on a loaded machine) defines the drain
     * rate; events are injected at 10× its measured rate in bursts every 10 ms into small rings and a small queue;
     * afterwards the pipeline settles and every event is either delivered or counted as dropped.
     */
    static Overload overload(Rig rig, int seconds) {
        rig.drainAll();
        EventHub hub = new EventHub();
        Listeners.Counting slow = new Listeners.Counting(0, 1_000_000);
        hub.add(slow, Listeners.props(1024), "bench");
        Pump pump = new Pump(rig.rings, hub, false);
        try {
            // Calibrate: the listener's rate when it always has work.
            long c0 = slow.count();
            long t0 = System.nanoTime();
            injectAt(rig, 20_000, TimeUnit.SECONDS.toNanos(1));
            double rate = (slow.count() - c0) * 1e9 / (System.nanoTime() - t0);
            settle(hub, rig);
            long[] s0 = rig.kernel.inputStats();
            SubscriberInfo i0 = hub.subscribers().get(0);
            long read0 = hub.read();
            long t1 = System.nanoTime();
            long[] inj = injectAt(rig, (long) (10 * rate), TimeUnit.SECONDS.toNanos(seconds));
            double injectSeconds = (System.nanoTime() - t1) / 1e9;
            long d1 = hub.subscribers().get(0).delivered();
            double deliverRate = (d1 - i0.delivered()) / injectSeconds;
            settle(hub, rig);
            long[] s1 = rig.kernel.inputStats();
            SubscriberInfo i1 = hub.subscribers().get(0);
            return new Overload(injectSeconds, inj[0], inj[1], inj[2], hub.read() - read0, i1.delivered() - i0.delivered(),
                    i1.dropped() - i0.dropped(), i1.queued(), inj[0] / injectSeconds, deliverRate,
                    s1[Contract.STAT_INJECTED] - s0[Contract.STAT_INJECTED], s1[Contract.STAT_DROPPED] - s0[Contract.STAT_DROPPED]);
        } finally {
            pump.close();
            hub.removeAll();
        }
    }

    /** Injects single events at {@code perSecond} in bursts every 10 ms for {@code nanos}; returns {injected, submitted, dropped}. */
    private static long[] injectAt(Rig rig, long perSecond, long nanos) {
        long burstPeriod = TimeUnit.MILLISECONDS.toNanos(10);
        long start = System.nanoTime(), next = start;
        long injected = 0, submitted = 0, dropped = 0;
        while (next - start < nanos) {
            long due = (next - start + burstPeriod) * perSecond / TimeUnit.SECONDS.toNanos(1) - injected;
            if (due > 0) {
                InjectResult res = rig.kernel.inject(Rig.ONE, (int) due, false);
                injected += due;
                submitted += res.submitted();
                dropped += res.dropped();
            }
            next += burstPeriod;
            long wait;
            while ((wait = next - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
        }
        return new long[] {injected, submitted, dropped};
    }

    /** Waits until the reader has read everything the kernel holds and the subscriber's queue is empty. */
    private static void settle(EventHub hub, Rig rig) {
        long deadline = System.nanoTime() + WAIT;
        while (System.nanoTime() < deadline) {
            boolean ringsEmpty = true;
            for (int r = 0; r < Contract.RING_COUNT; r++) {
                ringsEmpty &= rig.rings.pending(r) == 0;
            }
            if (ringsEmpty && hub.subscribers().get(0).queued() == 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // a last flush in flight
                if (hub.subscribers().get(0).queued() == 0) {
                    return;
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        throw new IllegalStateException("overload: the pipeline did not settle within 60 s");
    }
}
