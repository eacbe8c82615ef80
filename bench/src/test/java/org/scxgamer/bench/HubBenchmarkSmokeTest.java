package org.scxgamer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * One short in-process iteration of {@link HubBenchmark} per subscriber count, so the JMH benchmark
 * cannot rot: it must run, deliver every event (its tear-down throws otherwise, which fails the run)
 * and produce a score. No speed is asserted.
 */
class HubBenchmarkSmokeTest {
    @Test
    void hubBenchmarkRunsAndDeliversEverything() throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include("^" + Pattern.quote(HubBenchmark.class.getName()) + "\\.")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(300))
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .build()).run();
        List<String> params = new ArrayList<>();
        for (RunResult r : results) {
            params.add(r.getParams().getParam("subscribers") + "/" + r.getParams().getParam("nonBlocking"));
            assertThat(r.getPrimaryResult().getScore()).as("ns per event").isFinite().isPositive();
            assertThat(r.getPrimaryResult().getScoreUnit()).isEqualTo("ns/op");
        }
        // every parameter combination ran once (JMH does not promise the order of its results)
        assertThat(params).containsExactlyInAnyOrder("1/false", "1/true", "4/false", "4/true");
    }
}
