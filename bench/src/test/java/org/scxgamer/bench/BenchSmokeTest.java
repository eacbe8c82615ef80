package org.scxgamer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A short run of benchmark parts 1–6 (about a second each) so the benchmarks cannot rot silently.
 * Asserts only that every part ran and that its counts add up — never a speed (that is the benchmark's job).
 * Needs root and BPF like the host tier; fails with the reason otherwise.
 */
class BenchSmokeTest {
    static Bench.Results r;

    @BeforeAll
    static void runOnce() {
        r = Bench.run(Bench.Config.smoke(Path.of(System.getProperty("scxgamer.bench.consumer"))), false);
    }

    static void sane(Summary s) {
        assertThat(s.runs()).isPositive();
        assertThat(s.median()).isFinite().isPositive();
        assertThat(s.min()).isLessThanOrEqualTo(s.median());
        assertThat(s.max()).isGreaterThanOrEqualTo(s.median());
    }

    @Test
    void drainCountsAddUpOnBothSides() {
        Parts.Drain d = r.drain();
        assertThat(d.javaReceived()).isEqualTo(d.javaEvents()).isPositive();
        assertThat(d.javaBad()).isZero();
        assertThat(d.cReceived()).isEqualTo(d.cEvents()).isPositive();
        sane(d.javaNs());
        sane(d.cNs());
        sane(d.cInjectNs());
        sane(d.javaCpuNs());
        sane(d.cCpuNs());
    }

    @Test
    void hubDeliversEveryEventToOneAndFourSubscribers() {
        assertThat(r.delivery()).extracting(Parts.Delivery::subscribers).containsExactly(1, 4, 1, 4);
        assertThat(r.delivery()).extracting(Parts.Delivery::nonBlocking).containsExactly(false, false, true, true);
        for (Parts.Delivery d : r.delivery()) {
            assertThat(d.delivered()).isEqualTo(d.expected()).isPositive();
            assertThat(d.dropped()).isZero();
            sane(d.nsPerEvent());
            sane(d.cpuNsPerEvent());
            assertThat(d.allocBytesPerEvent().min()).isNotNegative();
        }
    }

    @Test
    void latencyRunsDeliverWhatWasInjected() {
        assertThat(r.latency()).hasSize(4);
        for (Parts.Latency l : r.latency()) {
            assertThat(l.delivered()).isEqualTo(l.injected()).isPositive();
            assertThat(l.cReceived()).isEqualTo(l.cInjected()).isPositive();
            assertThat(l.nbDelivered()).isEqualTo(l.nbInjected()).isPositive();
            sane(l.p50());
            sane(l.cP50());
            sane(l.readerP50());
            sane(l.handoffP50());
            assertThat(l.p99().median()).isGreaterThanOrEqualTo(l.p50().median());
            assertThat(l.p999().median()).isGreaterThanOrEqualTo(l.p99().median());
        }
    }

    @Test
    void injectorCostIsMeasuredWithRingsFreeAndFull() {
        Parts.Cost k = r.cost();
        assertThat(k.freeSubmitted()).isEqualTo(k.freeEvents()).isPositive();
        assertThat(k.fullDropped()).isEqualTo(k.fullEvents()).isPositive();
        sane(k.freeNs());
        sane(k.fullNs());
        sane(k.freeCpuNs());
        sane(k.fullCpuNs());
    }

    @Test
    void overloadAccountsForEveryEvent() {
        Parts.Overload o = r.overload();
        assertThat(o.injected()).isPositive();
        assertThat(o.injected()).isEqualTo(o.delivered() + o.kernelDropped() + o.subscriberDropped());
        assertThat(o.read()).isEqualTo(o.kernelSubmitted());
        assertThat(o.statsInjected()).isEqualTo(o.injected());
        assertThat(o.statsDropped()).isEqualTo(o.kernelDropped());
        assertThat(o.queuedAtEnd()).isZero();
        assertThat(o.kernelDropped() + o.subscriberDropped()).as("10x overload drops something").isPositive();
    }

    @Test
    void healthySubscriberGetsEverythingBesideASleeper() {
        Parts.Isolation i = r.isolation();
        assertThat(i.healthyDelivered()).isEqualTo(i.healthyExpected()).isPositive();
        assertThat(i.sleeperDropped()).isPositive();
        sane(i.soloNsPerEvent());
        sane(i.besideSleeperNsPerEvent());
        sane(i.soloCpuNs());
        sane(i.besideCpuNs());
    }

    @Test
    void reportHasARowPerMeasurement() {
        String md = Bench.markdown(Bench.Config.smoke(Path.of("x")), r);
        assertThat(md).contains("| 1 | drain", "| 2 | drain + hub → 4 subscribers", "| 3 | latency 8000 Hz busy-poll p99",
                "| 4 | BPF handling, all rings full", "| 5 | overload", "| 6 | healthy subscriber");
    }
}
