package org.scxgamer.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.scxgamer.itest.Poll.await;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.scxgamer.api.control.InjectResult;
import org.scxgamer.api.control.InjectedEvent;
import org.scxgamer.api.control.Part;
import org.scxgamer.api.control.PartState;
import org.scxgamer.api.control.ScxControl;
import org.scxgamer.api.event.InputEventListener;
import org.scxgamer.api.event.InputEventService;
import org.scxgamer.api.event.Lane;
import org.scxgamer.api.event.SubscriberInfo;
import org.scxgamer.itest.probe.ProbeSubscriber;

/** The event service in a real framework, on this host's kernel through the injector. */
class EventServiceTest {

    static final int EV_REL = 2;
    static final int REL_X = 0;
    static final int BUS_USB = 0x03;

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    ScxControl control;

    @InjectService(timeout = 10_000)
    InputEventService events;

    @InjectService
    ConfigurationAdmin configAdmin;

    final List<Configuration> probes = new ArrayList<>();

    @AfterEach
    void removeProbes() throws Exception {
        for (Configuration c : probes) {
            c.delete();
        }
    }

    /** Queue capacity of healthy probes that must get every event of a burst larger than the default queue. */
    private static final int BURST_QUEUE = 65_536;

    @Test
    void injectorIsActiveOnThisHost() {
        assertThat(control.parts()).anySatisfy(p -> {
            assertThat(p.part()).isEqualTo(Part.INJECTOR);
            assertThat(p.state()).isEqualTo(PartState.ACTIVE);
        });
    }

    @Test
    void healthySubscriberReceivesEveryInjectedEventIntactAndInOrder() throws Exception {
        // The whole burst is injected at once: a queue that holds it makes exact delivery independent of how
        // much CPU the delivery thread gets beside the (higher-priority) reader on a loaded machine.
        ProbeSubscriber probe = probe("healthy", "healthy", Map.of(InputEventListener.QUEUE_CAPACITY, BURST_QUEUE));
        long n = 20_000;
        InjectResult r = injectMouse(n);
        assertThat(r.dropped()).as("kernel drops").isZero();
        assertThat(r.submitted()).isEqualTo(n);

        await("all events at the probe", 10_000, () -> probe.received() == n ? Boolean.TRUE : null);
        assertThat(probe.received(Lane.MOUSE)).isEqualTo(n);
        assertThat(probe.orderViolations()).isZero();
        assertThat(probe.last().type()).isEqualTo(EV_REL);
        assertThat(probe.last().code()).isEqualTo(REL_X);
        assertThat(probe.last().lane()).isEqualTo(Lane.MOUSE);
        assertThat(probe.last().injected()).isTrue();
    }

    @Test
    void slowBlockedAndThrowingSubscribersNeverCostTheHealthyOneAnEvent() throws Exception {
        ProbeSubscriber healthy = probe("healthy", "healthy", Map.of(InputEventListener.QUEUE_CAPACITY, BURST_QUEUE));
        probe("sleeper", "sleep", Map.of(InputEventListener.QUEUE_CAPACITY, 64));
        probe("blocked", "block", Map.of(InputEventListener.QUEUE_CAPACITY, 64));
        probe("thrower", "throw", Map.of(InputEventListener.QUEUE_CAPACITY, BURST_QUEUE)); // every exception counted: no drops
        long n = 30_000;
        injectMouse(n);

        await("all events at the healthy probe", 15_000, () -> healthy.received() == n ? Boolean.TRUE : null);
        assertThat(healthy.orderViolations()).isZero();

        Map<String, SubscriberInfo> byName = await("subscriber accounting settles", 10_000, () -> {
            Map<String, SubscriberInfo> m = subscribersByProbe();
            boolean settled = m.size() >= 4 && m.values().stream()
                    .allMatch(s -> s.matched() == n && s.delivered() + s.dropped() + s.queued() == s.matched());
            return settled ? m : null;
        });
        assertThat(byName.get("blocked").dropped()).as("blocked subscriber loses its own events").isGreaterThan(0);
        assertThat(byName.get("sleeper").dropped()).as("sleeping subscriber loses its own events").isGreaterThan(0);
        assertThat(byName.get("thrower").failures()).as("every exception counted").isEqualTo(n);
        assertThat(byName.get("healthy").dropped()).isZero();
        Map<String, Long> counters = control.counters();
        assertThat(counters.get("events.dropped.subscribers")).isGreaterThan(0);
    }

    @Test
    void subscriberBundleComesAndGoesWhileEventsFlow() throws Exception {
        ProbeSubscriber steady = probe("steady", "healthy", Map.of());
        Bundle probeBundle = FrameworkUtil.getBundle(ProbeSubscriber.class);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong injected = new AtomicLong();
        Set<String> threadsBefore = threadNames();
        Thread injector = new Thread(() -> {
            while (running.get()) {
                injected.addAndGet(injectMouse(500).submitted());
            }
        }, "itest-injector");
        injector.start();
        try {
            for (int i = 0; i < 5; i++) {
                probeBundle.stop();
                Thread.sleep(50);
                probeBundle.start();
                Thread.sleep(50);
            }
        } finally {
            running.set(false);
            injector.join();
        }
        // The probe bundle restarted: its components are new; the configuration brings one back.
        ProbeSubscriber again = await("probe back after restarts", 5_000, () -> findProbe("steady"));
        assertThat(again).isNotSameAs(steady);
        long before = again.received();
        injectMouse(1_000);
        await("events reach the re-registered probe", 5_000, () -> again.received() >= before + 1_000 ? Boolean.TRUE : null);
        await("no subscriber threads left behind", 5_000, () -> {
            Set<String> extra = threadNames();
            extra.removeAll(threadsBefore);
            return extra.stream().filter(t -> t.contains("probe")).count() <= 1 ? Boolean.TRUE : null;
        });
        assertThat(events.subscribers().stream().filter(s -> s.bundle().contains("probe"))).hasSize(1);
    }

    private Set<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).collect(Collectors.toSet());
    }

    private Map<String, SubscriberInfo> subscribersByProbe() {
        return events.subscribers().stream().filter(s -> s.bundle().contains("probe"))
                .collect(Collectors.toMap(s -> probeName(s.serviceId()), s -> s, (a, b) -> a));
    }

    private String probeName(long serviceId) {
        try {
            var refs = context.getServiceReferences(ProbeSubscriber.class, "(service.id=" + serviceId + ")");
            return refs.isEmpty() ? "?" : String.valueOf(refs.iterator().next().getProperty("name"));
        } catch (Exception e) {
            return "?";
        }
    }

    /**
     * Injects n mouse events in chunks, waiting after each until the reader has taken them, so the
     * 8192-record ring of the injecting CPU never fills: kernel drops here would be a bug.
     * Each chunk carries values 1..chunk (value sequence), so per-ring order can be checked.
     */
    private InjectResult injectMouse(long n) {
        long submitted = 0;
        long dropped = 0;
        long filtered = 0;
        List<InjectedEvent> batch = List.of(new InjectedEvent(0x51, BUS_USB, 0x1234, 0x5678, EV_REL, REL_X, 1));
        while (n > 0) {
            int chunk = (int) Math.min(n, 1024);
            long readBefore = events.eventsRead();
            InjectResult r = control.inject(batch, chunk, true);
            submitted += r.submitted();
            dropped += r.dropped();
            filtered += r.filtered();
            n -= chunk;
            long target = readBefore + r.submitted();
            try {
                await("reader takes the chunk", 5_000, () -> events.eventsRead() >= target ? Boolean.TRUE : null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return new InjectResult(submitted, dropped, filtered);
    }

    private ProbeSubscriber probe(String name, String mode, Map<String, Object> extra) throws Exception {
        Configuration c = configAdmin.getFactoryConfiguration("scxgamer.itest.probe", name, "?");
        Hashtable<String, Object> props = new Hashtable<>(extra);
        props.put("name", name);
        props.put("mode", mode);
        c.update(props);
        probes.add(c);
        ProbeSubscriber p = await("probe " + name + " registered", 5_000, () -> findProbe(name));
        await("probe " + name + " tracked by the core", 5_000, () ->
                subscribersByProbe().containsKey(name) ? Boolean.TRUE : null);
        return p;
    }

    private ProbeSubscriber findProbe(String name) {
        try {
            var refs = context.getServiceReferences(ProbeSubscriber.class, "(name=" + name + ")");
            return refs.isEmpty() ? null : context.getService(refs.iterator().next());
        } catch (Exception e) {
            return null;
        }
    }
}
