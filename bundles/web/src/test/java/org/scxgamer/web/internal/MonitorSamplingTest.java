package org.scxgamer.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.scxgamer.api.event.InputEvent;

/**
 * The page's sampling runs only while the page asks for its data, so an idle runtime has no sampler thread
 * waking; the latency since start counts every event either way.
 */
class MonitorSamplingTest {
    private static final InputEvent EVENT = (InputEvent) Proxy.newProxyInstance(MonitorSamplingTest.class.getClassLoader(),
            new Class<?>[] {InputEvent.class}, (p, m, a) -> m.getName().equals("timestampNanos") ? System.nanoTime() - 50_000 : null);

    private static Monitor monitor(long idleMillis) {
        BundleContext context = (BundleContext) Proxy.newProxyInstance(MonitorSamplingTest.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (p, m, a) -> m.getName().equals("getBundles") ? new Bundle[0] : null);
        return new Monitor(context, TimeUnit.MILLISECONDS.toNanos(idleMillis));
    }

    private static boolean samplerThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("scxgamer-web-sampler"));
    }

    private static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!cond.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting for: %s", what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static boolean pageAsks(Monitor m) {
        m.pageAsked();
        return true;
    }

    @Test
    void samplesOnlyWhileThePageAsksAndCountsEveryEventAnyway() throws Exception {
        Monitor m = monitor(1500);
        try {
            for (int i = 0; i < 100; i++) {
                m.onEvent(EVENT);
            }
            Thread.sleep(1200);
            assertThat(m.sampling()).as("sampling before the page asked").isFalse();
            assertThat(samplerThreadAlive()).as("a sampler thread before the page asked").isFalse();
            assertThat(m.latencyTotal().getTotalCount()).as("latency count since start, nobody sampling").isEqualTo(100);

            m.pageAsked();
            assertThat(m.sampling()).isTrue();
            // the page asks while it is open (every 0.5 s)
            await("two rate samples", () -> pageAsks(m) && m.rateCount() >= 2);
            for (int i = 0; i < 50; i++) {
                m.onEvent(EVENT);
            }
            await("the 50 new events in the window", () -> pageAsks(m) && m.latencyWindow().getTotalCount() == 50);

            // no request for longer than the idle time: sampling stops, the count stays exact
            await("sampling stopped", () -> !m.sampling());
            for (int i = 0; i < 25; i++) {
                m.onEvent(EVENT);
            }
            assertThat(m.latencyTotal().getTotalCount()).isEqualTo(175);
            m.pageAsked();
            assertThat(m.rateCount()).as("rate history after sampling started again").isLessThanOrEqualTo(1);
            assertThat(m.latencyWindow().getTotalCount()).as("window after sampling started again").isZero();
        } finally {
            m.deactivate();
        }
    }
}
