package org.scxgamer.itest.probe;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.scxgamer.api.event.InputEvent;
import org.scxgamer.api.event.InputEventListener;
import org.scxgamer.api.event.Lane;

/**
 * A test subscriber, one per factory configuration {@code scxgamer.itest.probe~NAME}: counts what it
 * receives per lane and checks the per-ring order of injected value sequences (1, 2, 3 … per inject
 * call, which runs on one CPU and so fills one ring); in mode sleep, block or
 * throw it misbehaves on purpose. Filters (lanes, types, queue capacity) are passed through as the
 * whiteboard service properties.
 */
@Component(configurationPid = "scxgamer.itest.probe", configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {InputEventListener.class, ProbeSubscriber.class})
@Designate(ocd = ProbeSubscriber.Config.class, factory = true)
public class ProbeSubscriber implements InputEventListener {

    @ObjectClassDefinition(name = "scxgamer test probe")
    public @interface Config {
        String name() default "probe";

        /** healthy, sleep (sleep.ms per event), block (until deactivated), throw (every event). */
        String mode() default "healthy";

        long sleep_ms() default 10;
    }

    private final String name;
    private final String mode;
    private final long sleepMillis;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong droppedReported = new AtomicLong();
    private final AtomicLong orderViolations = new AtomicLong();
    private final AtomicLongArray perLane = new AtomicLongArray(Lane.values().length);
    private final Map<Integer, Long> lastValuePerRing = new ConcurrentHashMap<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile InputEvent.Snapshot last;

    @Activate
    public ProbeSubscriber(Config config) {
        this.name = config.name();
        this.mode = config.mode();
        this.sleepMillis = config.sleep_ms();
    }

    @Deactivate
    void deactivate() {
        released.countDown();
    }

    @Override
    public void onEvent(InputEvent event) {
        received.incrementAndGet();
        perLane.incrementAndGet(event.lane().ordinal());
        if (event.injected()) {
            Long previous = lastValuePerRing.put(event.ring(), (long) event.value());
            // Injected with a value sequence: each inject call counts 1, 2, 3 … on one ring.
            if (previous != null && event.value() != 1 && event.value() != previous + 1) {
                orderViolations.incrementAndGet();
            }
        }
        last = event.snapshot();
        switch (mode) {
            case "sleep" -> sleep(sleepMillis);
            case "block" -> {
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            case "throw" -> throw new IllegalStateException("probe " + name + " throws on purpose");
            default -> { }
        }
    }

    @Override
    public void onDropped(long count) {
        droppedReported.addAndGet(count);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public String name() { return name; }

    public long received() { return received.get(); }

    public long received(Lane lane) { return perLane.get(lane.ordinal()); }

    public long droppedReported() { return droppedReported.get(); }

    public long orderViolations() { return orderViolations.get(); }

    public InputEvent.Snapshot last() { return last; }

    public void reset() {
        received.set(0);
        droppedReported.set(0);
        orderViolations.set(0);
        lastValuePerRing.clear();
        for (int i = 0; i < perLane.length(); i++) {
            perLane.set(i, 0);
        }
    }

    String describe() {
        StringBuilder sb = new StringBuilder(name).append(": mode=").append(mode).append(" received=").append(received());
        for (Lane lane : Lane.values()) {
            sb.append(' ').append(lane.name().toLowerCase()).append('=').append(received(lane));
        }
        return sb.append(" dropped=").append(droppedReported()).append(" order.violations=").append(orderViolations()).toString();
    }
}
