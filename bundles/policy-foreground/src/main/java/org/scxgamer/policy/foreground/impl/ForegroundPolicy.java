package org.scxgamer.policy.foreground.impl;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.scxgamer.api.control.ScxControl;
import org.scxgamer.api.control.TaskClass;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Foreground policy: scans /proc for the game, tells the core its tgid ({@link ScxControl#setForeground})
 * and puts its input-handler threads in {@link TaskClass#INPUT}; the sound servers' threads and the game's
 * audio threads go in {@link TaskClass#AUDIO}, and the compositors' threads in {@link TaskClass#RENDER}, game or not. It only ever sets the foreground and
 * classes — never tunables — so it cannot fight the profiles policy. Everything it set is put back
 * (classes to DEFAULT, foreground cleared) when the game or a thread exits, another process takes over,
 * or the bundle stops.
 */
@Component(service = ForegroundPolicy.class, immediate = true, configurationPid = ForegroundPolicy.PID,
        property = {"osgi.command.scope=policy", "osgi.command.function=foreground"})
@Designate(ocd = ForegroundConfig.class)
public class ForegroundPolicy {
    static final String PID = "scxgamer.policy.foreground";
    private static final Logger LOG = LoggerFactory.getLogger(ForegroundPolicy.class);

    private final ScxControl control;

    private Settings settings = Settings.DEFAULTS;
    private Detector detector;
    private ScheduledExecutorService executor;
    private ScheduledFuture<?> task;
    // Guarded by this.
    private int explicitPid;
    private Detector.Target current;
    private boolean foregroundSet;
    private final Map<Integer, String> classified = new HashMap<>();
    private final Map<Integer, String> audio = new HashMap<>();
    private final Map<Integer, String> render = new HashMap<>();
    private final Set<String> reported = new HashSet<>();

    @Activate
    public ForegroundPolicy(@Reference ScxControl control, Map<String, Object> props) {
        this.control = control;
        apply(props, true);
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "scxgamer-foreground");
            t.setDaemon(true);
            return t;
        });
        schedule();
    }

    /** For tests: no scan thread; call {@link #scan()} directly. */
    ForegroundPolicy(ScxControl control, Settings settings) {
        this.control = control;
        this.settings = settings;
        this.detector = new Detector(new ProcFs(settings.procRoot()), settings);
    }

    @Modified
    synchronized void modified(Map<String, Object> props) {
        long before = settings.scanMs();
        apply(props, false);
        if (settings.scanMs() != before) {
            task.cancel(false);
            schedule();
        }
    }

    private void schedule() {
        task = executor.scheduleWithFixedDelay(this::scan, 0, settings.scanMs(), TimeUnit.MILLISECONDS);
    }

    private void apply(Map<String, ?> props, boolean first) {
        try {
            settings = Settings.from(props);
            detector = new Detector(new ProcFs(settings.procRoot()), settings);
        } catch (IllegalArgumentException e) {
            LOG.error("{}; keeping the {} configuration", e.getMessage(), first ? "default" : "previous");
            if (detector == null) {
                detector = new Detector(new ProcFs(settings.procRoot()), settings);
            }
        }
    }

    @Deactivate
    void deactivate() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                    LOG.warn("foreground scan did not end within 5 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            release("policy stopped");
            for (Map<Integer, String> owned : List.of(audio, render)) {
                for (Integer tid : Set.copyOf(owned.keySet())) {
                    call(() -> control.classify(tid, TaskClass.DEFAULT));
                    owned.remove(tid);
                }
            }
        }
    }

    /** One pass: find the target, follow a change or an exit, bring its input-thread classes up to date. */
    synchronized void scan() {
        try {
            Detector.Target t = detector.detect(explicitPid);
            if (explicitPid > 0 && t == null) {
                LOG.info("foreground pid {} set by command has exited; back to the rules", explicitPid);
                explicitPid = 0;
                t = detector.detect(0);
            }
            if (current != null && (t == null || t.pid() != current.pid() || t.startTime() != current.startTime())) {
                release(detector.alive(current.pid(), current.startTime()) ? "replaced by " + (t == null ? "nothing" : t.pid()) : "exited");
            }
            if (t != null && current == null) {
                current = t;
                LOG.info("foreground: pid {} ({}) by {}", t.pid(), t.name(), t.reason());
            }
            if (current != null) {
                if (!foregroundSet) {
                    foregroundSet = call(() -> control.setForeground(current.pid()));
                }
                syncThreads();
            }
            int game = current == null ? 0 : current.pid();
            syncServers(audio, detector.audioThreads(game), TaskClass.AUDIO);
            syncServers(render, detector.renderThreads(game), TaskClass.RENDER);
        } catch (RuntimeException e) {
            report("foreground scan failed: " + e);
        }
    }

    private void syncThreads() {
        Map<Integer, String> want = detector.inputThreads(current.pid());
        for (Map.Entry<Integer, String> e : Map.copyOf(classified).entrySet()) {
            if (!want.containsKey(e.getKey()) && call(() -> control.classify(e.getKey(), TaskClass.DEFAULT))) {
                classified.remove(e.getKey());
            }
        }
        for (Map.Entry<Integer, String> e : want.entrySet()) {
            if (!classified.containsKey(e.getKey()) && call(() -> control.classify(e.getKey(), TaskClass.INPUT))) {
                classified.put(e.getKey(), e.getValue());
                LOG.info("input thread {} ({}) of pid {} classed INPUT", e.getKey(), e.getValue(), current.pid());
            }
        }
    }

    /**
     * Threads the rules want in cls (sound servers' and the game's audio threads: AUDIO; compositors': RENDER)
     * into it; those of owned gone from the rules back to DEFAULT.
     */
    private void syncServers(Map<Integer, String> owned, Map<Integer, String> want, TaskClass cls) {
        for (Map.Entry<Integer, String> e : Map.copyOf(owned).entrySet()) {
            if (!want.containsKey(e.getKey()) && call(() -> control.classify(e.getKey(), TaskClass.DEFAULT))) {
                owned.remove(e.getKey());
            }
        }
        for (Map.Entry<Integer, String> e : want.entrySet()) {
            if (!owned.containsKey(e.getKey()) && call(() -> control.classify(e.getKey(), cls))) {
                owned.put(e.getKey(), e.getValue());
                LOG.info("{} thread {} {} classed {}", cls.name().toLowerCase(java.util.Locale.ROOT), e.getKey(), e.getValue(), cls);
            }
        }
    }

    /** Puts back what this policy set: its threads to DEFAULT, the foreground to none if it is still ours. */
    private void release(String why) {
        for (Integer tid : Set.copyOf(classified.keySet())) {
            call(() -> control.classify(tid, TaskClass.DEFAULT));
            classified.remove(tid);
        }
        if (current != null && foregroundSet) {
            int pid = current.pid();
            call(() -> {
                if (control.foreground() == pid) {
                    control.setForeground(0);
                }
            });
            LOG.info("foreground pid {} released: {}", pid, why);
        }
        current = null;
        foregroundSet = false;
    }

    /** Runs a core call; a failure (part not active, core going away) is reported once per message. */
    private boolean call(Runnable r) {
        try {
            r.run();
            return true;
        } catch (RuntimeException e) {
            report("core refused: " + e.getMessage());
            return false;
        }
    }

    private void report(String message) {
        if (reported.size() < 100 && reported.add(message)) {
            LOG.warn(message);
        }
    }

    @Descriptor("Show the foreground process, set it explicitly, or go back to detecting it by the rules")
    public String foreground(@Descriptor("[PID | auto] (no argument: show; auto or 0: detect by the rules again)") String... args) {
        if (args.length > 1) {
            throw new IllegalArgumentException("usage: policy:foreground [PID|auto]");
        }
        synchronized (this) {
            if (args.length == 1) {
                if (args[0].equals("auto") || args[0].equals("0")) {
                    explicitPid = 0;
                } else {
                    int pid;
                    try {
                        pid = Integer.parseInt(args[0]);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("'" + args[0] + "' is not a pid; usage: policy:foreground [PID|auto]");
                    }
                    if (pid <= 0 || new ProcFs(settings.procRoot()).startTime(pid) < 0) {
                        throw new IllegalArgumentException("no process " + pid + " in " + settings.procRoot());
                    }
                    explicitPid = pid;
                }
                scan();
            }
            return status();
        }
    }

    private String status() {
        StringBuilder sb = new StringBuilder();
        if (current == null) {
            sb.append("foreground: none (no process matches the rules)");
        } else {
            sb.append("foreground: pid ").append(current.pid()).append(" (").append(current.name()).append(") by ").append(current.reason())
                    .append(foregroundSet ? "" : " - not yet accepted by the core");
        }
        sb.append("\nexplicit: ").append(explicitPid == 0 ? "none (rules decide)" : Integer.toString(explicitPid));
        sb.append("\ninput threads:");
        if (classified.isEmpty()) {
            sb.append(" none");
        }
        new TreeMap<>(classified).forEach((tid, name) -> sb.append("\n  ").append(tid).append(' ').append(name).append(" INPUT"));
        sb.append("\naudio threads:");
        if (audio.isEmpty()) {
            sb.append(" none");
        }
        new TreeMap<>(audio).forEach((tid, name) -> sb.append("\n  ").append(tid).append(' ').append(name).append(" AUDIO"));
        sb.append("\nrender threads:");
        if (render.isEmpty()) {
            sb.append(" none");
        }
        new TreeMap<>(render).forEach((tid, name) -> sb.append("\n  ").append(tid).append(' ').append(name).append(" RENDER"));
        sb.append("\nrules: patterns ").append(settings.processPatterns()).append(", wine markers ").append(settings.wineMarkers())
                .append(", pid file ").append(settings.pidFile() == null ? "none" : settings.pidFile())
                .append(", input threads ").append(settings.inputThreadPatterns()).append(", sound servers ").append(settings.audioProcessPatterns())
                .append(", audio threads ").append(settings.audioThreadPatterns())
                .append(", compositors ").append(settings.renderProcessPatterns()).append(", every ").append(settings.scanMs()).append(" ms");
        return sb.toString();
    }
}
