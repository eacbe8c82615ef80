package org.scxgamer.recorder.impl;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.Designate;
import org.scxgamer.api.control.DeviceInfo;
import org.scxgamer.api.control.ScxControl;
import org.scxgamer.api.control.Tunable;
import org.scxgamer.api.control.WhitelistRule;
import org.scxgamer.api.event.InputEventListener;
import org.scxgamer.recorder.format.ChromeTraceExporter;
import org.scxgamer.recorder.format.Entry;
import org.scxgamer.recorder.format.RecordingInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recorder and its Gogo commands (scope {@code rec}). While a recording runs, its listener and
 * lifecycle handler are registered services; stopping unregisters them, so an idle recorder costs the
 * core nothing.
 */
@Component(service = RecorderComponent.class, immediate = true, configurationPid = RecorderComponent.PID,
        property = {
                "osgi.command.scope=rec",
                "osgi.command.function=start",
                "osgi.command.function=stop",
                "osgi.command.function=list",
                "osgi.command.function=info",
                "osgi.command.function=replay",
                "osgi.command.function=export"})
@Designate(ocd = RecorderConfig.class)
public class RecorderComponent {
    static final String PID = "scxgamer.recorder";
    static final String SUFFIX = ".scxrec";
    private static final Logger LOG = LoggerFactory.getLogger(RecorderComponent.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile ScxControl control;

    private final BundleContext context;
    private volatile Settings settings = Settings.DEFAULTS;
    private volatile Recording recording;
    /** Also emptied by the writer thread on failure, without the component's lock (stop() may hold it while joining that thread). */
    private final AtomicReference<List<ServiceRegistration<?>>> registrations = new AtomicReference<>(List.of());
    private Replayer replayer;
    private Thread replayThread;

    @Activate
    public RecorderComponent(BundleContext context, Map<String, Object> props) {
        this.context = context;
        apply(props, true);
    }

    /** For tests outside a framework: services are not registered. */
    RecorderComponent(Settings settings, ScxControl control) {
        this.context = null;
        this.settings = settings;
        this.control = control;
    }

    @Modified
    void modified(Map<String, Object> props) {
        apply(props, false);
    }

    private void apply(Map<String, ?> props, boolean first) {
        try {
            String home = context == null ? null : context.getProperty("scxgamer.home");
            settings = Settings.from(props, home == null || home.isBlank() ? null : Path.of(home));
            synchronized (this) {
                if (!first && recording != null) {
                    LOG.info("{}: new configuration applies from the next recording", PID);
                }
            }
        } catch (IllegalArgumentException e) {
            LOG.error("{}; keeping the {} configuration", e.getMessage(), first ? "default" : "previous");
        }
    }

    @Deactivate
    synchronized void deactivate() {
        stopReplay();
        if (recording != null) {
            endRecording("bundle stopped");
        }
    }

    @Descriptor("Start recording the event stream to a new file in the configured folder")
    public synchronized String start(@Descriptor("[NAME] file name prefix (default 'session'): 1-64 letters, digits, '.', '_', '-'")
            String... args) throws IOException {
        if (args.length > 1) {
            throw new IllegalArgumentException("usage: rec:start [name]");
        }
        String name = args.length == 1 ? args[0] : "session";
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("recording name '" + name + "' is invalid: use 1-64 letters, digits, '.', '_' or '-', not starting with '.' or '-'");
        }
        if (recording != null && recording.state() == Recording.State.RUNNING) {
            throw new IllegalStateException("already recording to " + recording.file() + "; rec:stop first");
        }
        Settings s = settings;
        Files.createDirectories(s.folder());
        Recording r = new Recording(s, name, header(s), this::device, System::nanoTime, Recording.Opener.FILES, this::failed);
        r.start();
        recording = r;
        registrations.set(register(r));
        LOG.info("recording to {}", r.file());
        return "recording to " + r.file();
    }

    private List<ServiceRegistration<?>> register(Recording r) {
        if (context == null) {
            return List.of();
        }
        Dictionary<String, Object> listener = new Hashtable<>();
        listener.put(InputEventListener.QUEUE_CAPACITY, settings.queueCapacity());
        listener.put("name", "recorder " + r.name());
        Dictionary<String, Object> handler = new Hashtable<>();
        handler.put(EventConstants.EVENT_TOPIC, "org/scxgamer/*");
        return List.of(context.registerService(InputEventListener.class, r, listener),
                context.registerService(EventHandler.class, r, handler));
    }

    /** Called on the writer thread when a write failed (disk full, I/O error). */
    private void failed(Recording r) {
        LOG.error(r.message());
        if (recording == r) {
            unregister();
        }
    }

    private void unregister() {
        for (ServiceRegistration<?> reg : registrations.getAndSet(List.of())) {
            try {
                reg.unregister();
            } catch (IllegalStateException alreadyGone) {
                // Unregistered by the framework when the bundle stopped.
            }
        }
    }

    @Descriptor("Stop the recording and a running replay")
    public synchronized String stop(@Descriptor("none") String... args) {
        if (args.length > 0) {
            throw new IllegalArgumentException("usage: rec:stop");
        }
        List<String> done = new ArrayList<>();
        if (replayer != null && replayThread.isAlive()) {
            stopReplay();
            done.add("replay stopped");
        }
        if (recording != null && recording.state() == Recording.State.RUNNING) {
            done.add(endRecording("stopped by command"));
        } else if (recording != null && recording.state() == Recording.State.FAILED) {
            done.add(recording.message());
            recording = null;
        }
        return done.isEmpty() ? "nothing to stop" : String.join("\n", done);
    }

    private String endRecording(String reason) {
        Recording r = recording;
        unregister();
        r.stop(reason);
        recording = null;
        String msg = r.state() == Recording.State.FAILED ? r.message()
                : "recording stopped: " + r.events() + " events in " + (r.part() + 1) + " file(s), last " + r.file()
                + (r.dropped() > 0 ? "; " + r.dropped() + " events dropped (recorded in the file)" : "");
        LOG.info(msg);
        return msg;
    }

    @Descriptor("List the recordings in the folder, and what is recording or replaying now")
    public synchronized String list(@Descriptor("none") String... args) throws IOException {
        StringBuilder sb = new StringBuilder();
        Path folder = settings.folder();
        if (recording != null) {
            sb.append(recording.state() == Recording.State.RUNNING
                    ? "recording: " + recording.file() + " (" + recording.events() + " events, " + recording.bytes() + " bytes written)"
                    : recording.message()).append('\n');
        }
        if (replayer != null) {
            sb.append(replayThread.isAlive() ? "replaying: " + replayer.file() : "last replay: " + replayer.result().getNow(null))
                    .append('\n');
        }
        if (!Files.isDirectory(folder)) {
            return sb.append("no recordings: ").append(folder.toAbsolutePath()).append(" does not exist").toString();
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder, "*" + SUFFIX)) {
            ds.forEach(files::add);
        }
        files.sort(null);
        sb.append(files.size()).append(" recording(s) in ").append(folder.toAbsolutePath());
        for (Path f : files) {
            sb.append(String.format(Locale.ROOT, "%n%12d  %s  %s", Files.size(f), Files.getLastModifiedTime(f).toInstant(), f.getFileName()));
        }
        return sb.toString();
    }

    @Descriptor("Header, blocks, events and time span of a recording; whether it was closed cleanly or where it breaks")
    public String info(@Descriptor("FILE (a name in the folder, or a path)") String... args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: rec:info FILE");
        }
        RecordingInfo i = RecordingInfo.scan(resolve(args[0]));
        StringBuilder sb = new StringBuilder();
        sb.append("file: ").append(i.file()).append('\n');
        sb.append("size: ").append(i.fileSize()).append(" bytes, format version ").append(i.version()).append('\n');
        i.header().forEach((k, v) -> sb.append("header.").append(k).append(": ").append(v).append('\n'));
        sb.append("blocks: ").append(i.blocks()).append('\n');
        sb.append("events: ").append(i.events()).append('\n');
        sb.append("lifecycle: ").append(i.lifecycle()).append('\n');
        sb.append("devices: ").append(i.devices()).append('\n');
        sb.append("dropped: ").append(i.dropped()).append('\n');
        if (i.events() > 0) {
            sb.append("span.ms: ").append(String.format(Locale.ROOT, "%.3f", (i.lastNanos() - i.firstNanos()) / 1e6)).append('\n');
        }
        if (i.error() != null) {
            sb.append("status: readable up to block ").append(i.blocks()).append(", then: ").append(i.error());
        } else if (i.end() != null) {
            sb.append("status: closed cleanly (").append(i.end().reason()).append(')');
        } else {
            sb.append("status: not closed (recording running, or the process was killed); all whole blocks are readable");
        }
        return sb.toString();
    }

    @Descriptor("Replay a recording: inject its events through the core's kernel path")
    public String replay(@Descriptor("FILE [--speed X (0.01 .. 1000) | --max (no pauses)] [--wait (return when done)]")
            String... args) throws InterruptedException {
        if (args.length < 1) {
            throw new IllegalArgumentException("usage: rec:replay FILE [--speed X|--max] [--wait]");
        }
        double speed = 1;
        boolean wait = false;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--max" -> speed = 0;
                case "--wait" -> wait = true;
                case "--speed" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--speed needs a value, e.g. --speed 2");
                    }
                    speed = parseSpeed(args[++i]);
                }
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'; usage: rec:replay FILE [--speed X|--max] [--wait]");
            }
        }
        Replayer r = startReplay(resolve(args[0]), speed);
        if (!wait) {
            return "replaying " + r.file() + (speed == 0 ? " as fast as possible" : " at speed " + speed) + " (rec:stop ends it, rec:list shows the result)";
        }
        try {
            return r.result().get().toString();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    static double parseSpeed(String s) {
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (!(v >= 0.01 && v <= 1000)) {
            throw new IllegalArgumentException("--speed '" + s + "' is invalid, accepted: 0.01 .. 1000 (or --max)");
        }
        return v;
    }

    synchronized Replayer startReplay(Path file, double speed) {
        ScxControl c = control;
        if (c == null) {
            throw new IllegalStateException("the core's control service is not available: replay needs its injector");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such recording: " + file);
        }
        if (replayer != null && replayThread.isAlive()) {
            throw new IllegalStateException("a replay of " + replayer.file() + " is running; rec:stop ends it");
        }
        replayer = new Replayer(file, speed, c);
        replayThread = new Thread(replayer, "scxgamer-replay");
        replayThread.setDaemon(true);
        replayThread.start();
        return replayer;
    }

    private synchronized void stopReplay() {
        if (replayer == null) {
            return;
        }
        replayer.cancel();
        replayThread.interrupt();
        try {
            replayer.result().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("replay of {} did not end in time", replayer.file());
        }
    }

    @Descriptor("Export a recording as Trace Event JSON for Perfetto / chrome://tracing")
    public String export(@Descriptor("FILE --format chrome-trace [--out PATH] (default: next to FILE)") String... args) throws IOException {
        if (args.length < 1) {
            throw new IllegalArgumentException("usage: rec:export FILE --format chrome-trace [--out PATH]");
        }
        String format = null;
        Path out = null;
        for (int i = 1; i < args.length; i++) {
            if ((args[i].equals("--format") || args[i].equals("--out")) && i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--format" -> format = args[++i];
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'; usage: rec:export FILE --format chrome-trace [--out PATH]");
            }
        }
        if (!"chrome-trace".equals(format)) {
            throw new IllegalArgumentException("--format " + format + " is not supported; accepted: chrome-trace");
        }
        Path in = resolve(args[0]);
        if (out == null) {
            String n = in.getFileName().toString();
            out = in.resolveSibling((n.endsWith(SUFFIX) ? n.substring(0, n.length() - SUFFIX.length()) : n) + ".trace.json");
        }
        // Written beside the target and moved into place: a failed export never leaves a half file.
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        ChromeTraceExporter.Result r;
        try (Writer w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(tmp), StandardCharsets.UTF_8), 1 << 16)) {
            r = ChromeTraceExporter.export(in, w);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return "wrote " + out + ": " + r.events() + " events, " + r.spans() + " boost windows"
                + (r.error() == null ? "" : "; the recording ends early: " + r.error());
    }

    /** A bare name is looked up in the folder; anything with a path separator is taken as a path. */
    Path resolve(String arg) {
        if (arg.contains("/")) {
            return Path.of(arg);
        }
        Path p = settings.folder().resolve(arg);
        if (!Files.exists(p) && !arg.endsWith(SUFFIX) && Files.exists(settings.folder().resolve(arg + SUFFIX))) {
            return settings.folder().resolve(arg + SUFFIX);
        }
        return p;
    }

    private Entry.Device device(int id) {
        ScxControl c = control;
        if (c == null) {
            return null;
        }
        try {
            // A device can unplug before its first event reaches the recorder: it is in the history then.
            for (List<DeviceInfo> list : List.of(c.devices(), c.deviceHistory())) {
                for (DeviceInfo d : list) {
                    if (d.id() == id) {
                        return new Entry.Device(id, d.bus(), d.vendor(), d.product(), d.lane().id(), d.name(), d.classification());
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("device lookup failed", e);
        }
        return null;
    }

    /** Clock, host and kernel facts, and the configuration in force when the recording starts. */
    private Map<String, String> header(Settings s) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("recorder.started", Instant.now().toString());
        h.put("host.name", hostName());
        h.put("host.os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        h.put("host.java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        h.put("host.cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
        h.put("config.recorder.block.bytes", Integer.toString(s.blockBytes()));
        h.put("config.recorder.flush.ms", Integer.toString(s.flushMs()));
        h.put("config.recorder.rotate.bytes", Long.toString(s.rotateBytes()));
        h.put("config.recorder.rotate.seconds", Long.toString(s.rotateSeconds()));
        ScxControl c = control;
        if (c != null) {
            try {
                c.kernelFacts().forEach((k, v) -> h.put("kernel." + k, v));
                c.parts().forEach(p -> h.put("core.part." + p.part().name().toLowerCase(Locale.ROOT), p.state() + " " + p.reason()));
                for (Map.Entry<Tunable, Long> t : c.tunables().entrySet()) {
                    h.put("config.tunables." + t.getKey().key(), Long.toString(t.getValue()));
                }
                List<String> rules = new ArrayList<>();
                for (WhitelistRule r : c.whitelist()) {
                    rules.add(r.toString());
                }
                h.put("config.whitelist", String.join(",", rules));
            } catch (RuntimeException e) {
                h.put("core.error", String.valueOf(e.getMessage()));
            }
        } else {
            h.put("core.error", "control service not available");
        }
        return h;
    }

    private static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The running recording, for tests. */
    synchronized Recording recording() {
        return recording;
    }
}
