package org.scxgamer.web.internal;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.scxgamer.api.control.DeviceInfo;
import org.scxgamer.api.control.ExitInfo;
import org.scxgamer.api.control.PartStatus;
import org.scxgamer.api.control.SchedulerStatus;
import org.scxgamer.api.control.ScxControl;
import org.scxgamer.api.control.StatusContributor;
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
 * What the page and the metrics show, gathered through the public API only: the control service
 * (parts, counters, scheduler), the event service (subscribers) and, as a subscriber itself, the
 * kernel→plugin latency of every input event (HdrHistogram). While the page is open (it asks for its data
 * twice a second) the lane rates are sampled once a second from the kernel's per-lane counters, and the latency
 * of the last seconds is kept; {@link #SAMPLE_IDLE_SECONDS} after its last request the sampling stops, so an
 * idle runtime without a page open has no sampler waking. The latency since start counts every event whether
 * or not anyone sampled (it is brought up to date when read). Frame pacing per CRTC comes from the stats plugin,
 * when it runs.
 */
@Component(service = {Monitor.class, InputEventListener.class, EventHandler.class},
        property = {InputEventListener.QUEUE_CAPACITY + ":Integer=65536",
                // onEvent records into a single-writer histogram (wait-free): called on the ring reader's thread.
                InputEventListener.NON_BLOCKING + ":Boolean=true",
                // input lanes only: the scheduler's wake samples (lane SCHED) are not input latency
                InputEventListener.LANES + "=MOUSE", InputEventListener.LANES + "=KEYBOARD",
                InputEventListener.LANES + "=CONTROLLER",
                EventConstants.EVENT_TOPIC + "=" + Topics.TUNABLES_CHANGED})
public class Monitor implements InputEventListener, EventHandler {
    /** The profiles policy sets tunables with this source prefix followed by the profile's name. */
    static final String PROFILE_SOURCE = "profile:";
    static final Lane[] INPUT_LANES = {Lane.MOUSE, Lane.KEYBOARD, Lane.CONTROLLER};
    static final int HISTORY = 120;
    static final int WINDOW_SECONDS = 10;
    /** Sampling stops this long after the page's last request (it asks every 0.5 s while open). */
    static final long SAMPLE_IDLE_SECONDS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(Monitor.class);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ScxControl control;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile InputEventService events;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile FramePacing framePacing;

    /** Status lines of other bundles (whiteboard, e.g. the D-Bus control's bus and power profile). */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    final List<StatusContributor> contributors = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final BundleContext context;
    private final List<Path> deployDirs = new ArrayList<>();
    private final ScheduledExecutorService sampler;
    private final long sampleIdleNanos;

    // Written only by the thread that delivers to this listener; read with plain gets by the sampler/metrics.
    private final SingleWriterRecorder recorder = new SingleWriterRecorder(3);
    private final AtomicLong latencySumNanos = new AtomicLong();

    // Guarded by this (sampler thread and HTTP threads; never the event path).
    private final Histogram total = new Histogram(3);
    /** What the recorder handed over since the last sample, for the window; null while not sampling. */
    private Histogram sinceSample;
    private Histogram interval;
    private final ArrayDeque<Histogram> window = new ArrayDeque<>();
    private ScheduledFuture<?> sampling;
    private long lastAskedNanos;
    private final double[][] rates = new double[INPUT_LANES.length][HISTORY];
    private final long[] rateTimes = new long[HISTORY];
    private int rateHead;
    private int rateCount;
    private long[] lastLaneCounts;
    private long lastSampleNanos;
    private volatile String profile;

    @Activate
    public Monitor(BundleContext context) {
        this(context, TimeUnit.SECONDS.toNanos(SAMPLE_IDLE_SECONDS));
    }

    Monitor(BundleContext context, long sampleIdleNanos) {
        this.context = context;
        this.sampleIdleNanos = sampleIdleNanos;
        String dirs = context.getProperty("felix.fileinstall.dir");
        if (dirs != null) {
            for (String d : dirs.split(",")) {
                if (!d.isBlank()) {
                    deployDirs.add(Path.of(d.trim()).toAbsolutePath().normalize());
                }
            }
        }
        sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "scxgamer-web-sampler");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The page asked for its data: sampling runs (from now, if it had stopped: the rate history and the
     * latency window start afresh) until {@link #SAMPLE_IDLE_SECONDS} after the last call.
     */
    synchronized void pageAsked() {
        lastAskedNanos = System.nanoTime();
        if (sampling == null && !sampler.isShutdown()) {
            fold();
            window.clear();
            sinceSample = new Histogram(3);
            rateHead = 0;
            rateCount = 0;
            lastLaneCounts = null;
            sampling = sampler.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
        }
    }

    /** Whether the page's sampling runs. */
    synchronized boolean sampling() {
        return sampling != null;
    }

    @Deactivate
    void deactivate() {
        sampler.shutdownNow();
    }

    @Override
    public void onEvent(InputEvent event) {
        long latency = Math.max(0, System.nanoTime() - event.timestampNanos());
        recorder.recordValue(latency);
        latencySumNanos.lazySet(latencySumNanos.get() + latency);
    }

    /** Moves what the recorder holds into the total (and, while sampling, into the next window slice). */
    private void fold() {
        interval = recorder.getIntervalHistogram(interval);
        total.add(interval);
        if (sinceSample != null) {
            sinceSample.add(interval);
        }
    }

    private void sample() {
        try {
            synchronized (this) {
                if (System.nanoTime() - lastAskedNanos > sampleIdleNanos) {
                    sampling.cancel(false);
                    sampling = null;
                    sinceSample = null;
                    return;
                }
                fold();
                window.addLast(sinceSample);
                Histogram next = window.size() > WINDOW_SECONDS ? window.removeFirst() : null;
                if (next != null) {
                    next.reset();
                }
                sinceSample = next != null ? next : new Histogram(3);
                sampleRates();
            }
        } catch (RuntimeException e) {
            // The sampler must keep running whatever the core does; the page shows the core's state.
            LOG.debug("web: sampling failed", e);
        }
    }

    private void sampleRates() {
        ScxControl c = control;
        long now = System.nanoTime();
        long[] counts = null;
        if (c != null) {
            Map<String, Long> counters = c.counters();
            counts = new long[INPUT_LANES.length];
            for (int i = 0; i < INPUT_LANES.length; i++) {
                counts[i] = counters.getOrDefault("lane." + laneName(INPUT_LANES[i]), 0L);
            }
        }
        double seconds = (now - lastSampleNanos) / 1e9;
        for (int i = 0; i < INPUT_LANES.length; i++) {
            boolean known = counts != null && lastLaneCounts != null && counts[i] >= lastLaneCounts[i];
            rates[i][rateHead] = known ? (counts[i] - lastLaneCounts[i]) / seconds : 0;
        }
        rateTimes[rateHead] = System.currentTimeMillis();
        rateHead = (rateHead + 1) % HISTORY;
        rateCount = Math.min(rateCount + 1, HISTORY);
        lastLaneCounts = counts;
        lastSampleNanos = now;
    }

    static String laneName(Lane lane) {
        return lane.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Cumulative latency histogram (ns) since start, up to this call. */
    synchronized Histogram latencyTotal() {
        fold();
        return total.copy();
    }

    long latencySumNanos() {
        return latencySumNanos.get();
    }

    /** Latency histogram (ns) of the last {@link #WINDOW_SECONDS} seconds sampled (empty while not sampling). */
    synchronized Histogram latencyWindow() {
        Histogram h = new Histogram(3);
        for (Histogram part : window) {
            h.add(part);
        }
        return h;
    }

    /** Per-lane rates (events/s), oldest first, with their sample times (epoch ms). */
    synchronized double[][] rateHistory(long[] timesOut) {
        double[][] out = new double[INPUT_LANES.length][rateCount];
        int start = (rateHead - rateCount + HISTORY) % HISTORY;
        for (int k = 0; k < rateCount; k++) {
            int idx = (start + k) % HISTORY;
            for (int i = 0; i < INPUT_LANES.length; i++) {
                out[i][k] = rates[i][idx];
            }
            if (timesOut != null && k < timesOut.length) {
                timesOut[k] = rateTimes[idx];
            }
        }
        return out;
    }

    synchronized int rateCount() {
        return rateCount;
    }

    /** A bundle the page lists: a drop-in from deploy/ or one of the platform's own. */
    record Plugin(String bundle, String version, String state, boolean dropIn, String location) {
    }

    List<Plugin> plugins() {
        List<Plugin> out = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            String bsn = b.getSymbolicName();
            Path path = locationPath(b.getLocation());
            boolean dropIn = path != null && deployDirs.stream().anyMatch(path::startsWith);
            if (dropIn || (bsn != null && bsn.startsWith("org.scxgamer."))) {
                out.add(new Plugin(bsn, b.getVersion().toString(), state(b.getState()), dropIn,
                        path != null ? path.toString() : b.getLocation()));
            }
        }
        return out;
    }

    private static Path locationPath(String location) {
        try {
            return location != null && location.startsWith("file:") ? Path.of(URI.create(location)).normalize() : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static String state(int s) {
        return switch (s) {
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            default -> "UNINSTALLED";
        };
    }

    /** The last tunables change made by a profile names the active profile. */
    @Override
    public void handleEvent(Event event) {
        Object source = event.getProperty(Topics.SOURCE);
        if (source instanceof String s && s.startsWith(PROFILE_SOURCE)) {
            profile = s.substring(PROFILE_SOURCE.length());
        }
    }

    /** Name of the profile the profiles policy last applied since this bundle started, else null. */
    String activeProfile() {
        return profile;
    }

    /** name → status line of each contributing bundle. */
    Map<String, String> contributions() {
        Map<String, String> m = new java.util.TreeMap<>();
        for (StatusContributor c : contributors) {
            try {
                m.put(c.name(), c.status());
            } catch (RuntimeException e) {
                m.put(c.name(), "status failed: " + e);
            }
        }
        return m;
    }

    List<PartStatus> parts() {
        ScxControl c = control;
        return c == null ? List.of() : c.parts();
    }

    Map<String, Long> counters() {
        ScxControl c = control;
        return c == null ? Map.of() : c.counters();
    }

    /** Connected input devices; empty while the core or its buffers are not running. */
    List<DeviceInfo> devices() {
        ScxControl c = control;
        try {
            return c == null ? List.of() : c.devices();
        } catch (IllegalStateException e) {
            return List.of(); // part BUFFERS is not active: no device cache to read
        }
    }

    /** Recently disconnected input devices, oldest first; empty like {@link #devices()}. */
    List<DeviceInfo> deviceHistory() {
        ScxControl c = control;
        try {
            return c == null ? List.of() : c.deviceHistory();
        } catch (IllegalStateException e) {
            return List.of();
        }
    }

    SchedulerStatus scheduler() {
        ScxControl c = control;
        return c == null ? null : c.scheduler();
    }

    List<SubscriberInfo> subscribers() {
        InputEventService e = events;
        return e == null ? List.of() : e.subscribers();
    }

    /** Frame pacing per CRTC; null without the stats plugin. */
    List<FramePacing.Crtc> frames() {
        FramePacing f = framePacing;
        return f == null ? null : f.crtcs();
    }

    boolean coreAvailable() {
        return control != null;
    }

    static List<ExitInfo> exits(SchedulerStatus s) {
        return s == null || s.exits() == null ? Collections.emptyList() : s.exits();
    }
}
