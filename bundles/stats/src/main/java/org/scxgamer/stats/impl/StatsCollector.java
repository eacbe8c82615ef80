package org.scxgamer.stats.impl;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.Designate;
import org.scxgamer.api.control.ExitInfo;
import org.scxgamer.api.control.SchedulerStatus;
import org.scxgamer.api.control.ScxControl;
import org.scxgamer.api.control.Topics;
import org.scxgamer.api.event.InputEvent;
import org.scxgamer.api.event.InputEventListener;
import org.scxgamer.api.event.InputEventService;
import org.scxgamer.api.event.Lane;
import org.scxgamer.api.event.SubscriberInfo;
import org.scxgamer.api.stats.FramePacing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscribes to every event and keeps rates, totals and latency histograms, and frame pacing per CRTC
 * from the render hook's flips ({@link FramePacing}); listens to the core's scheduler and overflow topics.
 *
 * <p>Declared non-blocking: per event it only bumps counters and records into histograms (no I/O, no
 * lock, nothing allocated once a device's or CRTC's slot exists), so the core calls it on the ring
 * reader's thread. A thread of its own cost a hand-off per batch, which at 1 kHz input under emulation
 * was a fifth of a CPU. If it is ever slow the core moves it to a delivery thread of its own; either
 * way one thread at a time writes.
 */
@Component(service = {InputEventListener.class, EventHandler.class, StatsCollector.class, FramePacing.class},
        configurationPid = StatsCollector.PID,
        property = {
                InputEventListener.QUEUE_CAPACITY + ":Integer=65536",
                InputEventListener.NON_BLOCKING + ":Boolean=true",
                EventConstants.EVENT_TOPIC + "=" + Topics.SCHEDULER_EXITED,
                EventConstants.EVENT_TOPIC + "=" + Topics.SCHEDULER_ATTACHED,
                EventConstants.EVENT_TOPIC + "=" + Topics.BUFFER_OVERFLOW})
@Designate(ocd = StatsConfig.class)
public class StatsCollector implements InputEventListener, EventHandler, FramePacing {
    static final String PID = "scxgamer.stats";
    private static final Logger LOG = LoggerFactory.getLogger(StatsCollector.class);
    private static final int[] WINDOWS = {1, 10, 60};

    private final LongSupplier clock;
    private volatile Settings settings = Settings.DEFAULTS;
    private volatile Window window;
    private final ArrayDeque<Map<String, Object>> exits = new ArrayDeque<>();
    private final AtomicLong schedulerAttaches = new AtomicLong();
    private final AtomicLong overflowReports = new AtomicLong();
    private final AtomicLong overflowDropped = new AtomicLong();
    private final AtomicLong ownDropped = new AtomicLong();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile ScxControl control;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile InputEventService events;

    public StatsCollector() {
        this(System::nanoTime);
    }

    StatsCollector(LongSupplier clock) {
        this.clock = clock;
        this.window = new Window(Settings.DEFAULTS, Map.of());
    }

    /*
     * An activate method, not constructor injection: DS binds the dynamic control reference before
     * it, and the first window's baseline is the kernel counters at that moment.
     */
    @Activate
    void activate(Map<String, Object> props) {
        apply(props, true);
    }

    @Modified
    void modified(Map<String, Object> props) {
        apply(props, false);
    }

    /** Applies a configuration; an invalid one is reported and the previous one stays in force. */
    void apply(Map<String, ?> props, boolean first) {
        try {
            Settings s = Settings.from(props);
            if (first || !s.equals(settings)) {
                settings = s;
                window = new Window(s, kernelCounters());
            }
        } catch (IllegalArgumentException e) {
            LOG.error("{}; keeping the {} configuration", e.getMessage(), first ? "default" : "previous");
        }
    }

    /** Bound references are tested directly by unit tests. */
    void bind(ScxControl control, InputEventService events) {
        this.control = control;
        this.events = events;
    }

    @Override
    public void onEvent(InputEvent e) {
        long now = clock.getAsLong();
        Window w = window;
        w.total.increment(now);
        Lane lane = e.lane();
        w.lanes[lane.ordinal()].increment(now);
        w.type(e.type()).increment(now);
        w.device(e.deviceId()).increment(now);
        if (e.boosted()) {
            w.boosted.incrementAndGet();
        }
        long ts = e.timestampNanos();
        if (ts > 0 && now >= ts) {
            w.delivery.record(now - ts);
        } else {
            w.latencyInvalid.incrementAndGet();
        }
        if (lane == Lane.SCHED) {
            if (e.type() == InputEvent.TYPE_SCHED_WAKE && e.value() > 0) {
                w.wake.record(e.value());
            } else if (e.type() == InputEvent.TYPE_FRAME) {
                w.crtc(e.deviceId(), e.code()).flip(e.value());
            }
        }
    }

    @Override
    public void onDropped(long count) {
        ownDropped.addAndGet(count);
    }

    @Override
    public void handleEvent(Event event) {
        switch (event.getTopic()) {
            case Topics.SCHEDULER_EXITED -> {
                Map<String, Object> exit = new LinkedHashMap<>();
                exit.put("at", Instant.now().toString());
                for (String key : new String[] {Topics.EXIT_KIND, Topics.EXIT_CODE, Topics.REASON, Topics.MESSAGE}) {
                    Object v = event.getProperty(key);
                    exit.put(key, v == null ? "" : v.toString());
                }
                synchronized (exits) {
                    exits.addLast(exit);
                    while (exits.size() > settings.exitsMax()) {
                        exits.removeFirst();
                    }
                }
            }
            case Topics.SCHEDULER_ATTACHED -> schedulerAttaches.incrementAndGet();
            case Topics.BUFFER_OVERFLOW -> {
                overflowReports.incrementAndGet();
                if (event.getProperty(Topics.COUNT) instanceof Number n) {
                    overflowDropped.addAndGet(n.longValue());
                }
            }
            default -> {
            }
        }
    }

    /** Clears rates, totals and histograms; kernel counters are shown relative to this moment. */
    void reset() {
        window = new Window(settings, kernelCounters());
    }

    private Map<String, Long> kernelCounters() {
        ScxControl c = control;
        if (c == null) {
            return Map.of();
        }
        try {
            return Map.copyOf(c.counters());
        } catch (RuntimeException e) {
            return Map.of();
        }
    }

    Map<String, Object> latency() {
        Window w = window;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("since", w.since.toString());
        m.put("delivery", w.delivery.summary());
        m.put("delivery.invalid", w.latencyInvalid.get());
        m.put("wake", w.wake.summary());
        return m;
    }

    @Override
    public List<Crtc> crtcs() {
        return window.frames.values().stream().map(CrtcFrames::snapshot).sorted(java.util.Comparator.comparingInt(Crtc::id)).toList();
    }

    /** Frame pacing per CRTC (stats:frames): intervals in µs, frame rates. */
    Map<String, Object> frames() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Crtc c : crtcs()) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("pipe", c.pipe());
            f.put("flips", c.flips());
            f.put("intervals", c.intervals());
            f.put("pauses", c.pauses());
            f.put("fps", c.fps());
            f.put("low.1pct.fps", c.low1PercentFps());
            f.put("interval.mean.us", c.intervals() == 0 ? 0 : c.sumNanos() / c.intervals() / 1000);
            f.put("interval.p50.us", c.p50Nanos() / 1000);
            f.put("interval.p90.us", c.p90Nanos() / 1000);
            f.put("interval.p99.us", c.p99Nanos() / 1000);
            f.put("interval.p99.9.us", c.p999Nanos() / 1000);
            f.put("interval.max.us", c.maxNanos() / 1000);
            m.put("card" + c.card() + ".crtc" + c.crtc(), f);
        }
        return m;
    }

    /** Everything stats:show prints, as an ordered tree. */
    Map<String, Object> show() {
        Window w = window;
        long now = clock.getAsLong();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("since", w.since.toString());
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("events", w.total.total());
        totals.put("boosted", w.boosted.get());
        totals.put("dropped.here", ownDropped.get());
        m.put("totals", totals);
        m.put("rates", rates(w.total, now));
        Map<String, Object> lanes = new LinkedHashMap<>();
        for (Lane lane : Lane.values()) {
            RateCounter r = w.lanes[lane.ordinal()];
            if (r.total() > 0) {
                lanes.put(lane.name(), rates(r, now));
            }
        }
        m.put("lanes", lanes);
        Map<String, Object> types = new LinkedHashMap<>();
        w.types.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> types.put(typeName(e.getKey()), rates(e.getValue(), now)));
        m.put("types", types);
        Map<String, Object> devices = new LinkedHashMap<>();
        w.devices.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> devices.put(Integer.toString(e.getKey()), rates(e.getValue(), now)));
        if (w.otherDevices.total() > 0) {
            devices.put("other", rates(w.otherDevices, now));
        }
        m.put("devices", devices);
        m.put("frames", frames());
        m.put("kernel", kernel(w));
        m.put("subscribers", subscribers());
        m.put("scheduler", scheduler());
        return m;
    }

    private static Map<String, Object> rates(RateCounter r, long now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("total", r.total());
        for (int s : WINDOWS) {
            m.put("rate." + s + "s", r.rate(now, s));
        }
        return m;
    }

    private Map<String, Object> kernel(Window w) {
        Map<String, Object> m = new LinkedHashMap<>();
        ScxControl c = control;
        if (c == null) {
            m.put("available", false);
            return m;
        }
        Map<String, Long> now;
        try {
            now = c.counters();
        } catch (RuntimeException e) {
            m.put("available", false);
            m.put("error", String.valueOf(e.getMessage()));
            return m;
        }
        m.put("available", true);
        m.put("dropped", delta(now, w.baseline, "events.dropped.kernel"));
        m.put("dropped.subscribers", delta(now, w.baseline, "events.dropped.subscribers"));
        m.put("boosts", delta(now, w.baseline, "boosts"));
        m.put("injected", delta(now, w.baseline, "events.injected"));
        m.put("delivered", delta(now, w.baseline, "events.delivered"));
        Map<String, Object> rings = new LinkedHashMap<>();
        for (int i = 0; i < 16; i++) {
            long d = delta(now, w.baseline, "ring." + i + ".dropped");
            if (d != 0) {
                rings.put(Integer.toString(i), d);
            }
        }
        m.put("ring.dropped", rings);
        m.put("overflow.reports", overflowReports.get());
        m.put("overflow.reported.dropped", overflowDropped.get());
        return m;
    }

    private static long delta(Map<String, Long> now, Map<String, Long> base, String key) {
        return now.getOrDefault(key, 0L) - base.getOrDefault(key, 0L);
    }

    private List<Map<String, Object>> subscribers() {
        InputEventService s = events;
        List<Map<String, Object>> list = new ArrayList<>();
        if (s == null) {
            return list;
        }
        for (SubscriberInfo i : s.subscribers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("service.id", i.serviceId());
            m.put("bundle", i.bundle());
            m.put("name", i.name());
            m.put("queue.capacity", i.queueCapacity());
            m.put("matched", i.matched());
            m.put("delivered", i.delivered());
            m.put("dropped", i.dropped());
            m.put("failures", i.failures());
            m.put("queued", i.queued());
            m.put("reader.thread", i.onReaderThread());
            m.put("demoted", i.demoted());
            list.add(m);
        }
        return list;
    }

    private Map<String, Object> scheduler() {
        Map<String, Object> m = new LinkedHashMap<>();
        ScxControl c = control;
        if (c != null) {
            try {
                SchedulerStatus s = c.scheduler();
                m.put("state", s.kernelState());
                m.put("ops", s.opsName());
                m.put("enable.seq", s.enableSeq());
                m.put("attached", s.attached());
                m.put("restarts", s.restarts());
                List<Map<String, Object>> history = new ArrayList<>();
                for (ExitInfo x : s.exits()) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("at", String.valueOf(x.at()));
                    e.put(Topics.EXIT_KIND, x.kind());
                    e.put(Topics.EXIT_CODE, x.exitCode());
                    e.put(Topics.REASON, x.reason());
                    e.put(Topics.MESSAGE, x.message());
                    history.add(e);
                }
                m.put("exits", history);
            } catch (RuntimeException e) {
                m.put("error", String.valueOf(e.getMessage()));
            }
        }
        m.put("attaches.seen", schedulerAttaches.get());
        synchronized (exits) {
            m.put("exits.seen", new ArrayList<>(exits));
        }
        return m;
    }

    static String typeName(int type) {
        String name = switch (type) {
            case 0 -> "EV_SYN";
            case 1 -> "EV_KEY";
            case 2 -> "EV_REL";
            case 3 -> "EV_ABS";
            case 4 -> "EV_MSC";
            case 5 -> "EV_SW";
            case 0x11 -> "EV_LED";
            case 0x14 -> "EV_REP";
            case 0x15 -> "EV_FF";
            case InputEvent.TYPE_SCHED_WAKE -> "SCHED_WAKE";
            case InputEvent.TYPE_FRAME -> "FRAME";
            case InputEvent.TYPE_SCHED_EXIT -> "SCHED_EXIT";
            default -> null;
        };
        return name == null ? "type." + type : name;
    }

    /** Counters since the last reset; swapped whole so the writer never sees a half-reset state. */
    static final class Window {
        final Instant since = Instant.now();
        final Map<String, Long> baseline;
        final RateCounter total = new RateCounter();
        final RateCounter[] lanes = new RateCounter[Lane.values().length];
        final Map<Integer, RateCounter> types = new ConcurrentHashMap<>();
        final Map<Integer, RateCounter> devices = new ConcurrentHashMap<>();
        final Map<Integer, CrtcFrames> frames = new ConcurrentHashMap<>();
        final RateCounter otherDevices = new RateCounter();
        final AtomicLong boosted = new AtomicLong();
        final AtomicLong latencyInvalid = new AtomicLong();
        final LatencyHistogram delivery;
        final LatencyHistogram wake;
        private final int devicesMax;
        private final int digits;
        // Writer-thread caches: consecutive events mostly share type and device, so no map lookup.
        private int lastType = -1;
        private RateCounter lastTypeCounter;
        private int lastDevice = Integer.MIN_VALUE;
        private RateCounter lastDeviceCounter;

        Window(Settings s, Map<String, Long> baseline) {
            this.baseline = baseline;
            for (int i = 0; i < lanes.length; i++) {
                lanes[i] = new RateCounter();
            }
            long highest = s.latencyMaxMs() * 1_000_000L;
            delivery = new LatencyHistogram(highest, s.latencyDigits());
            wake = new LatencyHistogram(highest, s.latencyDigits());
            devicesMax = s.devicesMax();
            digits = s.latencyDigits();
        }

        /** The CRTC's frames (a display has a handful of CRTCs: no bound needed). */
        CrtcFrames crtc(int id, int pipe) {
            CrtcFrames f = frames.get(id);
            if (f == null) {
                f = new CrtcFrames(id, pipe, digits);
                frames.put(id, f);
            }
            return f;
        }

        RateCounter type(int type) {
            if (type != lastType) {
                RateCounter r = types.get(type);
                if (r == null) {
                    r = new RateCounter();
                    types.put(type, r);
                }
                lastType = type;
                lastTypeCounter = r;
            }
            return lastTypeCounter;
        }

        RateCounter device(int device) {
            if (device != lastDevice) {
                RateCounter r = devices.get(device);
                if (r == null) {
                    if (devices.size() >= devicesMax) {
                        r = otherDevices;
                    } else {
                        r = new RateCounter();
                        devices.put(device, r);
                    }
                }
                lastDevice = device;
                lastDeviceCounter = r;
            }
            return lastDeviceCounter;
        }
    }
}
