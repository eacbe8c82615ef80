package org.scxgamer.itest.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.scxgamer.itest.Poll.await;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.scxgamer.api.control.InjectResult;
import org.scxgamer.api.control.InjectedEvent;
import org.scxgamer.api.control.ScxControl;
import org.scxgamer.api.event.InputEventListener;
import org.scxgamer.api.event.InputEventService;
import org.scxgamer.api.event.SubscriberInfo;
import org.scxgamer.itest.probe.ProbeSubscriber;
import org.scxgamer.itest.reliability.faulty.FaultyPlugin;

/**
 * Scenario 2: plugin bundles that throw, block forever, sleep, allocate wildly, spawn threads or fail
 * in their activator, and 100 install/update/uninstall cycles while events flow. A healthy subscriber
 * beside them must keep its events (counted), and nothing of the plugins may stay behind.
 */
class FaultyPluginTest {
    static final List<InjectedEvent> MOUSE = List.of(new InjectedEvent(0x52, 0x03, 0x1234, 0x5678, 2, 0, 1));
    static final double KEEP = 0.95;

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    ScxControl control;

    @InjectService(timeout = 10_000)
    InputEventService events;

    @InjectService
    ConfigurationAdmin configAdmin;

    final List<Bundle> installed = new ArrayList<>();
    Configuration probeConfig;

    @AfterEach
    void cleanUp() throws Exception {
        for (Bundle b : installed) {
            if (b.getState() != Bundle.UNINSTALLED) {
                b.uninstall();
            }
        }
        if (probeConfig != null) {
            probeConfig.delete();
        }
    }

    @Test
    void faultyPluginsCostAHealthySubscriberNothing() throws Exception {
        ProbeSubscriber healthy = probe("reliability-healthy");
        int baseSubscribers = events.subscribers().size();
        List<String> modes = List.of("throw", "block", "sleep", "allocate", "spawn");
        for (String mode : modes) {
            Bundle b = install("faulty-" + mode, mode, "1.0.0");
            b.start();
        }
        Bundle failing = install("faulty-activator", "activator", "1.0.0");
        assertThatThrownBy(failing::start).isInstanceOf(BundleException.class)
                .hasStackTraceContaining("activator fails on purpose");
        assertThat(failing.getState()).isEqualTo(Bundle.RESOLVED);
        await("faulty subscribers tracked", 5_000, () -> events.subscribers().size() == baseSubscribers + modes.size() ? Boolean.TRUE : null);

        // about 16 000 events/s, twice an 8 kHz mouse: the healthy subscriber's 8192-event queue covers half a
        // second of stalls, which the allocating plugin's garbage collections cause
        InjectResult r = inject(20_000, 16);
        long reached = r.submitted(); // written to a ring; dropped and filtered never reached the reader
        SubscriberInfo h = settled("reliability-healthy", reached);
        double kept = (double) h.delivered() / h.matched();
        assertThat(kept).as("share of the %d events that reached the reader delivered to the healthy subscriber", reached)
                .isGreaterThanOrEqualTo(KEEP);
        assertThat(healthy.received()).isEqualTo(h.delivered());
        Map<String, SubscriberInfo> faulty = new java.util.TreeMap<>();
        for (SubscriberInfo s : events.subscribers()) {
            if (s.bundle().startsWith("org.scxgamer.itest.faulty.")) {
                faulty.put(s.bundle().substring("org.scxgamer.itest.faulty.".length()), s);
            }
        }
        assertThat(faulty).containsOnlyKeys("throw", "block", "sleep", "allocate", "spawn");
        assertThat(faulty.get("throw").failures()).as("every exception counted").isEqualTo(faulty.get("throw").delivered());
        assertThat(faulty.get("block").dropped()).as("the blocked plugin loses its own events").isGreaterThan(0);
        if (h.dropped() == 0) {
            assertThat(healthy.orderViolations()).as("per-ring order (defined when nothing was dropped)").isZero();
        }

        for (Bundle b : new ArrayList<>(installed)) {
            Thread t = new Thread(() -> {
                try {
                    b.uninstall();
                } catch (BundleException e) {
                    throw new IllegalStateException(e);
                }
            });
            t.start();
            t.join(30_000);
            assertThat(t.isAlive()).as("uninstall of %s returned", b.getSymbolicName()).isFalse();
        }
        installed.clear();
        await("faulty subscribers gone", 5_000, () -> events.subscribers().size() == baseSubscribers ? Boolean.TRUE : null);
        List<String> left = listenerThreads("org.scxgamer.itest.faulty.");
        assertThat(left).as("delivery threads left behind: only the one stuck in a listener that ignores interrupts")
                .allSatisfy(name -> assertThat(name).startsWith("scxgamer-listener-org.scxgamer.itest.faulty.block-")).hasSizeLessThanOrEqualTo(1);
        long after = healthy.received();
        InjectResult again = inject(1_000);
        await("events after the faulty plugins left", 5_000, () -> healthy.received() == after + again.submitted()
                ? Boolean.TRUE : null);

        StringBuilder md = new StringBuilder("Tried plugin bundles (written at run time) whose listener throws, blocks forever "
                + "ignoring interrupts, sleeps 5 ms, allocates 1 MiB per event, or starts a thread per event, plus one whose "
                + "activator throws, beside a healthy subscriber; " + r.submitted() + " events injected at about 16 000/s, " + reached
                + " reached the reader (" + r.dropped() + " dropped by the kernel on full rings while the CPU was busy).\n\n"
                + "| plugin | matched | delivered | dropped (own queue) | failures |\n|---|---|---|---|---|\n");
        faulty.forEach((mode, s) -> md.append("| ").append(mode).append(" | ").append(s.matched()).append(" | ").append(s.delivered())
                .append(" | ").append(s.dropped()).append(" | ").append(s.failures()).append(" |\n"));
        md.append("\nHeld: the healthy subscriber received ").append(h.delivered()).append(" of ").append(h.matched())
                .append(String.format(" (%.2f %%, required ≥ 95 %%)", kept * 100)).append(h.dropped() == 0 ? ", in order;" : ";").append(" the failing activator left its bundle RESOLVED with the exception "
                + "reported; every uninstall returned; the subscribers went away; ").append(left.size())
                .append(" delivery thread left behind (the listener that ignores interrupts, named in a warning).\n");
        Report.write("2-faulty-plugins", md.toString());
    }

    @Test
    void hundredInstallUpdateUninstallCyclesWhileEventsFlow() throws Exception {
        ProbeSubscriber healthy = probe("reliability-cycles");
        int baseSubscribers = events.subscribers().size();
        int baseListenerServices = context.getServiceReferences(InputEventListener.class, null).size();
        List<String> baseThreads = listenerThreads("");
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong submitted = new AtomicLong();
        AtomicLong kernelDropped = new AtomicLong();
        Thread injector = new Thread(() -> {
            while (running.get()) {
                InjectResult r = inject(256);
                submitted.addAndGet(r.submitted());
                kernelDropped.addAndGet(r.dropped());
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "reliability-injector");
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long heapAt10 = 0;
        int cycles = 100;
        injector.start();
        try {
            for (int i = 0; i < cycles; i++) {
                Bundle b = install("cycling", "healthy", "1.0." + i);
                b.start();
                b.update(new ByteArrayInputStream(jar("cycling", "healthy", "1.1." + i)));
                refresh(b); // as a management agent does after an update: the old revision goes away
                b.uninstall();
                refresh(b);
                installed.remove(b);
                if (i == 9) {
                    heapAt10 = usedAfterGc(memory);
                }
            }
        } finally {
            running.set(false);
            injector.join();
        }
        long heapAtEnd = usedAfterGc(memory);
        long total = submitted.get();
        SubscriberInfo h = settled("reliability-cycles", total);
        double kept = (double) h.delivered() / total;
        assertThat(kept).as("share of %d events that reached the reader delivered to the healthy subscriber", total)
                .isGreaterThanOrEqualTo(KEEP);
        await("subscribers back to the baseline", 5_000, () -> events.subscribers().size() == baseSubscribers ? Boolean.TRUE : null);
        assertThat(context.getServiceReferences(InputEventListener.class, null)).hasSize(baseListenerServices);
        assertThat(listenerThreads("")).as("delivery threads").containsExactlyInAnyOrderElementsOf(baseThreads);
        long growth = heapAtEnd - heapAt10;
        assertThat(growth).as("heap growth after GC from cycle 10 to cycle %d", cycles).isLessThan(32L << 20);

        Report.write("2-plugin-cycles", "Tried " + cycles + " cycles of install, start, update (new version), refresh, uninstall and refresh of a "
                + "plugin bundle with a listener while a thread injected events (64 per millisecond sleep). Held: the healthy subscriber "
                + "received " + h.delivered() + " of the " + total + " events that reached the reader (" + kernelDropped.get()
                + " dropped by the kernel; " + String.format("%.1f", kept * 100)
                + " %, required ≥ 95 %); subscribers, listener services and delivery threads back to their baseline; used heap "
                + "after GC changed by " + (growth >> 10) + " KiB from cycle 10 to cycle " + cycles + " (bound 32 MiB).\n");
    }

    /** Refreshes the bundle's wiring and waits until the framework is done with it. */
    private void refresh(Bundle b) throws InterruptedException {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        context.getBundle(0).adapt(org.osgi.framework.wiring.FrameworkWiring.class).refreshBundles(List.of(b), e -> done.countDown());
        assertThat(done.await(30, java.util.concurrent.TimeUnit.SECONDS)).as("refresh of %s done", b.getSymbolicName()).isTrue();
    }

    /** The probe's accounting once every event that reached the reader is delivered or dropped. */
    private SubscriberInfo settled(String name, long reached) throws InterruptedException {
        return await("the subscriber accounting of " + name + " to settle at " + reached + " events", 30_000, () -> {
            for (SubscriberInfo s : events.subscribers()) {
                if (s.bundle().contains("probe") && s.matched() >= reached && s.queued() == 0
                        && s.delivered() + s.dropped() == s.matched()) {
                    return s;
                }
            }
            return null;
        });
    }

    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            min = Math.min(min, memory.getHeapMemoryUsage().getUsed());
        }
        return min;
    }

    private static List<String> listenerThreads(String bundlePrefix) {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("scxgamer-listener-" + bundlePrefix)) {
                names.add(t.getName());
            }
        }
        Collections.sort(names);
        return names;
    }

    private InjectResult inject(long n) {
        return inject(n, 64);
    }

    /** Injects n events, perChunk at a time with a millisecond's sleep between (a paced source, not a flood). */
    private InjectResult inject(long n, int perChunk) {
        long submitted = 0;
        long dropped = 0;
        long filtered = 0;
        while (n > 0) {
            int chunk = (int) Math.min(n, perChunk);
            InjectResult r = control.inject(MOUSE, chunk, true);
            try {
                Thread.sleep(1); // a paced source: the test is about plugins, not about ring sizes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            submitted += r.submitted();
            dropped += r.dropped();
            filtered += r.filtered();
            n -= chunk;
        }
        return new InjectResult(submitted, dropped, filtered);
    }

    private Bundle install(String name, String mode, String version) throws Exception {
        Bundle b = context.installBundle("reliability:" + name, new ByteArrayInputStream(jar(name, mode, version)));
        installed.add(b);
        return b;
    }

    /** A plugin bundle: the faulty package of this test bundle plus a manifest that picks the mode. */
    static byte[] jar(String name, String mode, String version) throws IOException {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", "org.scxgamer.itest.faulty." + name.replace("faulty-", ""));
        a.putValue("Bundle-Version", version);
        a.putValue("Bundle-Activator", FaultyPlugin.class.getName());
        a.putValue("Import-Package", "org.osgi.framework,org.scxgamer.api.event");
        a.putValue(FaultyPlugin.HEADER, mode);
        Bundle self = FrameworkUtil.getBundle(FaultyPluginTest.class);
        String dir = FaultyPlugin.class.getPackageName().replace('.', '/');
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, mf)) {
            for (URL u : Collections.list(self.findEntries(dir, "*.class", false))) {
                jar.putNextEntry(new JarEntry(dir + u.getPath().substring(u.getPath().lastIndexOf('/'))));
                try (InputStream in = u.openStream()) {
                    in.transferTo(jar);
                }
                jar.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private ProbeSubscriber probe(String name) throws Exception {
        probeConfig = configAdmin.getFactoryConfiguration("scxgamer.itest.probe", name, "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("name", name);
        props.put("mode", "healthy");
        probeConfig.update(props);
        ProbeSubscriber p = await("probe " + name, 5_000, () -> {
            try {
                var refs = context.getServiceReferences(ProbeSubscriber.class, "(name=" + name + ")");
                return refs.isEmpty() ? null : context.getService(refs.iterator().next());
            } catch (Exception e) {
                return null;
            }
        });
        await("probe tracked", 5_000, () -> events.subscribers().stream().anyMatch(s -> s.bundle().contains("probe")) ? Boolean.TRUE : null);
        return p;
    }
}
