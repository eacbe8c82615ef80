package org.scxgamer.commands.impl;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.scxgamer.api.control.DeviceInfo;
import org.scxgamer.api.control.ExitInfo;
import org.scxgamer.api.control.InjectResult;
import org.scxgamer.api.control.InjectedEvent;
import org.scxgamer.api.control.Part;
import org.scxgamer.api.control.PartState;
import org.scxgamer.api.control.PartStatus;
import org.scxgamer.api.control.SchedulerStatus;
import org.scxgamer.api.control.ScxControl;
import org.scxgamer.api.control.StatusContributor;
import org.scxgamer.api.control.TaskClass;
import org.scxgamer.api.control.Topology;
import org.scxgamer.api.control.Tunable;
import org.scxgamer.api.control.WhitelistRule;
import org.scxgamer.api.event.InputEventService;
import org.scxgamer.api.event.Lane;
import org.scxgamer.api.event.SubscriberInfo;

/**
 * Gogo commands, scope {@code scx}. Every command answers {@code help} (or {@code -h}) with its usage;
 * errors come back as one "error: …" line, never a stack trace. Plain osgi.command.* service
 * properties (no @GogoCommand, which would drag the shell into every resolution); the
 * {@link Descriptor} texts are read by Gogo's {@code help} when it is there (optional import).
 */
@Component(service = ScxCommands.class, property = {
        "osgi.command.scope=scx",
        "osgi.command.function=status", "osgi.command.function=stats", "osgi.command.function=devices",
        "osgi.command.function=whitelist", "osgi.command.function=tunables", "osgi.command.function=inject",
        "osgi.command.function=sched", "osgi.command.function=restart", "osgi.command.function=classify",
        "osgi.command.function=foreground", "osgi.command.function=subscribers", "osgi.command.function=topology"})
public class ScxCommands {
    static final String SOURCE = "gogo shell";
    private static final int EV_KEY = 1, EV_REL = 2, EV_ABS = 3, KEY_A = 30, BUS_USB = 3;
    /** Vendor id of the injector's synthetic devices ("SX"); product = lane id. */
    static final int INJECT_VENDOR = 0x5358;

    private final ScxControl control;
    private volatile InputEventService events;

    @org.osgi.service.component.annotations.Activate
    public ScxCommands(@Reference ScxControl control) {
        this.control = control;
    }

    /** Status lines of other bundles (whiteboard), shown after the parts. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    private final List<StatusContributor> contributors = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setEvents(InputEventService s) {
        events = s;
    }

    void unsetEvents(InputEventService s) {
        if (events == s) {
            events = null;
        }
    }

    @FunctionalInterface
    private interface Body {
        String run() throws Exception;
    }

    /** Runs a command body; bad input and unavailable parts become one clear line. */
    private static String guard(String usage, String[] args, Body body) {
        if (args != null && args.length == 1 && (args[0].equals("help") || args[0].equals("-h") || args[0].equals("--help"))) {
            return usage;
        }
        try {
            return body.run();
        } catch (UsageException e) {
            return "error: " + e.getMessage() + "\n" + usage;
        } catch (RuntimeException e) {
            return "error: " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
        } catch (Exception e) {
            return "error: " + e;
        }
    }

    private static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String m) {
            super(m);
        }
    }

    // ---- status / stats -------------------------------------------------------------------------

    static final String STATUS_USAGE = "scx:status — one line per part (state and reason), one per contributing bundle "
            + "(e.g. dbus), the running mode and kernel facts";

    @Descriptor("Part states with reasons, the running mode, and kernel facts")
    public String status(@Descriptor("'help' for usage") String... args) {
        return guard(STATUS_USAGE, args, () -> {
            noArgs(args);
            List<PartStatus> parts = control.parts();
            StringBuilder sb = new StringBuilder();
            for (PartStatus p : parts) {
                sb.append(String.format("%-11s %-11s %s%n", p.part().name().toLowerCase(Locale.ROOT), p.state(), p.reason()));
            }
            for (StatusContributor c : contributors) {
                String line;
                try {
                    line = c.status();
                } catch (RuntimeException e) {
                    line = "status failed: " + e;
                }
                sb.append(String.format("%-11s %s%n", c.name(), line));
            }
            sb.append("mode: ").append(mode(parts)).append('\n');
            control.kernelFacts().forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
            return sb.toString().stripTrailing();
        });
    }

    static String mode(List<PartStatus> parts) {
        Map<Part, PartStatus> by = new EnumMap<>(Part.class);
        parts.forEach(p -> by.put(p.part(), p));
        boolean buffers = active(by, Part.BUFFERS), hook = active(by, Part.INPUT_HOOK), sched = active(by, Part.SCHEDULER),
                injector = active(by, Part.INJECTOR);
        if (!buffers) {
            return "down (buffers " + state(by, Part.BUFFERS) + ")";
        }
        if (hook && sched) {
            return "full (input hook and scheduler active)";
        }
        if (hook) {
            return "input-only (scheduler " + state(by, Part.SCHEDULER) + ")";
        }
        String hookState = "input hook " + state(by, Part.INPUT_HOOK);
        if (sched) {
            return "scheduler without real input (" + hookState + (injector ? "; injected events only)" : ")");
        }
        return injector ? "injector-only (" + hookState + ", scheduler " + state(by, Part.SCHEDULER) + ")"
                : "buffers-only (" + hookState + ", injector " + state(by, Part.INJECTOR) + ", scheduler " + state(by, Part.SCHEDULER) + ")";
    }

    private static boolean active(Map<Part, PartStatus> by, Part p) {
        return by.containsKey(p) && by.get(p).state() == PartState.ACTIVE;
    }

    /** Just the state: the part lines above carry the reasons. */
    private static String state(Map<Part, PartStatus> by, Part p) {
        PartStatus s = by.get(p);
        return s == null ? "unknown" : s.state().name();
    }

    static final String STATS_USAGE = "scx:stats — counters as 'name: value' lines (events.*, lane.*, keys.*, ring.N.dropped, …)";

    @Descriptor("Counters as 'name: value' lines")
    public String stats(@Descriptor("'help' for usage") String... args) {
        return guard(STATS_USAGE, args, () -> {
            noArgs(args);
            StringBuilder sb = new StringBuilder();
            control.counters().forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
            return sb.toString().stripTrailing();
        });
    }

    // ---- devices / whitelist --------------------------------------------------------------------

    static final String DEVICES_USAGE = """
            scx:devices — the input devices connected now (one id per connection, counts of this connection only),
            then the last disconnected ones the kernel side keeps, newest last. learned: registration (seen
            connecting), first-event (connected before the hook attached), uncached (the device cache is full).""";

    private static final String DEVICE_ROW = "%-6s %-16s %-10s %10s %4s %8s  %-12s %s%n";

    @Descriptor("Input devices connected now, with whitelist classification, then the recently disconnected")
    public String devices(@Descriptor("'help' for usage") String... args) {
        return guard(DEVICES_USAGE, args, () -> {
            noArgs(args);
            List<DeviceInfo> connected = control.devices();
            List<DeviceInfo> gone = control.deviceHistory();
            long now = System.nanoTime(); // CLOCK_MONOTONIC, like the kernel's times
            StringBuilder sb = new StringBuilder("connected: " + connected.size() + "\n");
            if (!connected.isEmpty()) {
                sb.append(String.format(DEVICE_ROW, "id", "bus:vendor:prod", "class", "events", "held", "age", "learned", "name"));
                for (DeviceInfo d : connected) {
                    sb.append(deviceRow(d, d.heldKeys(), now - d.connectedNanos()));
                }
            }
            sb.append("disconnected (last ").append(gone.size()).append(", newest last):\n");
            if (!gone.isEmpty()) {
                sb.append(String.format(DEVICE_ROW, "id", "bus:vendor:prod", "class", "events", "held", "lasted", "learned", "name"));
                for (DeviceInfo d : gone) {
                    sb.append(deviceRow(d, null, d.disconnectedNanos() - d.connectedNanos()));
                }
            }
            return sb.toString().stripTrailing();
        });
    }

    private static String deviceRow(DeviceInfo d, Integer held, long nanos) {
        return String.format(DEVICE_ROW, d.id(), String.format("%04x:%04x:%04x", d.bus(), d.vendor(), d.product()),
                d.classification(), d.events(), held == null ? "-" : held, String.format("%.1fs", Math.max(0, nanos) / 1e9),
                d.learned(), d.name());
    }

    static final String WHITELIST_USAGE = """
            scx:whitelist                 show the rules
            scx:whitelist add RULE...     add rules
            scx:whitelist remove RULE...  remove rules
            scx:whitelist set RULE...     replace all rules
            RULE: bus:vendor:product=action (hex ids or *, bus also usb, bluetooth, i8042, virtual;
                  action mouse, keyboard, controller, auto, ignore), e.g. usb:046d:any=mouse.
                  Gogo expands a bare * as a file name: write any instead, or quote the rule.
            Changes last until the next configuration edit (whitelist in scxgamer.core.cfg).""";

    @Descriptor("Show or change the device whitelist (add/remove/set RULE...)")
    public String whitelist(@Descriptor("[add|remove|set RULE...] or 'help'") String... args) {
        return guard(WHITELIST_USAGE, args, () -> {
            if (args == null || args.length == 0) {
                List<WhitelistRule> rules = control.whitelist();
                if (rules.isEmpty()) {
                    return "whitelist is empty: every device is filtered";
                }
                StringBuilder sb = new StringBuilder();
                rules.forEach(r -> sb.append(r).append('\n'));
                return sb.toString().stripTrailing();
            }
            if (args.length < 2) {
                throw new UsageException("'" + args[0] + "' needs at least one RULE");
            }
            List<WhitelistRule> given = new ArrayList<>();
            for (int i = 1; i < args.length; i++) {
                given.add(rule(args[i]));
            }
            List<WhitelistRule> next = new ArrayList<>(control.whitelist());
            switch (args[0]) {
                case "add" -> given.stream().filter(r -> !next.contains(r)).forEach(next::add);
                case "remove" -> {
                    for (WhitelistRule r : given) {
                        if (!next.remove(r)) {
                            throw new IllegalArgumentException("rule " + r + " is not in the whitelist");
                        }
                    }
                }
                case "set" -> {
                    next.clear();
                    next.addAll(given);
                }
                default -> throw new UsageException("unknown subcommand '" + args[0] + "'");
            }
            control.setWhitelist(next);
            return "whitelist now has " + next.size() + " rule(s)";
        });
    }

    /** A rule as typed in the shell, where "any" stands for the * that Gogo would glob. */
    static WhitelistRule rule(String text) {
        int eq = text.indexOf('=');
        if (eq < 0) {
            return WhitelistRule.parse(text);
        }
        String[] ids = text.substring(0, eq).split(":", -1);
        for (int i = 0; i < ids.length; i++) {
            if (ids[i].trim().equalsIgnoreCase("any")) {
                ids[i] = "*";
            }
        }
        return WhitelistRule.parse(String.join(":", ids) + text.substring(eq));
    }

    // ---- tunables -------------------------------------------------------------------------------

    static final String TUNABLES_USAGE = """
            scx:tunables                      show every tunable: value, unit, range, meaning
            scx:tunables KEY VALUE [KEY VALUE]...  set atomically (all or nothing)""";

    @Descriptor("Show tunables, or set some: KEY VALUE [KEY VALUE]...")
    public String tunables(@Descriptor("[KEY VALUE]... or 'help'") String... args) {
        return guard(TUNABLES_USAGE, args, () -> {
            if (args == null || args.length == 0) {
                Map<Tunable, Long> values = control.tunables();
                StringBuilder sb = new StringBuilder();
                for (Tunable t : Tunable.values()) {
                    sb.append(String.format("%-22s = %-9d %-8s [%d .. %d]  %s%n", t.key(), values.get(t), t.unit(), t.min(), t.max(),
                            t.description()));
                }
                return sb.toString().stripTrailing();
            }
            if (args.length % 2 != 0) {
                throw new UsageException("expected KEY VALUE pairs, got " + args.length + " argument(s)");
            }
            Map<Tunable, Long> set = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i += 2) {
                Tunable t = Tunable.ofKey(args[i]);
                if (t == null) {
                    throw new IllegalArgumentException("unknown tunable '" + args[i] + "'; known: "
                            + String.join(", ", java.util.Arrays.stream(Tunable.values()).map(Tunable::key).toList()));
                }
                set.put(t, t.check(parseLong(args[i + 1], t.key())));
            }
            control.setTunables(set, SOURCE);
            StringBuilder sb = new StringBuilder();
            set.forEach((t, v) -> sb.append(t.key()).append(" = ").append(v).append('\n'));
            return sb.toString().stripTrailing();
        });
    }

    // ---- inject ---------------------------------------------------------------------------------

    static final String INJECT_USAGE = """
            scx:inject [options] COUNT — push COUNT events through the kernel's real handling code
              --lane mouse|keyboard|controller  picks type/code/value defaults and a synthetic USB device (default mouse)
              --type N --code N --value N       the input event (decimal or 0x hex)
              --device KEY                      device cache key (default: one per lane)
              --bus B --vendor V --product P    ids the whitelist sees (hex; default usb:5358:<lane>)
              --seq                             add the repeat index to the value (ordering checks)""";

    @Descriptor("Inject COUNT events through the kernel handling code (options: --lane --type --code --value --device --bus --vendor --product --seq)")
    public String inject(@Descriptor("[options] COUNT, or 'help'") String... args) {
        return guard(INJECT_USAGE, args, () -> {
            Lane lane = Lane.MOUSE;
            Integer type = null, code = null, value = null, bus = null, vendor = null, product = null;
            Long device = null;
            boolean seq = false;
            Long count = null;
            for (int i = 0; i < (args == null ? 0 : args.length); i++) {
                String a = args[i];
                if (a.equals("--seq")) {
                    seq = true;
                    continue;
                }
                if (a.startsWith("--")) {
                    if (i + 1 >= args.length) {
                        throw new UsageException(a + " needs a value");
                    }
                    String v = args[++i];
                    switch (a) {
                        case "--lane" -> lane = lane(v);
                        case "--type" -> type = (int) range(parseLong(v, a), 0, 0xffff, a);
                        case "--code" -> code = (int) range(parseLong(v, a), 0, 0xffff, a);
                        case "--value" -> value = (int) range(parseLong(v, a), Integer.MIN_VALUE, Integer.MAX_VALUE, a);
                        case "--device" -> device = parseLong(v, a);
                        case "--bus" -> bus = (int) range(parseHex(v, a), 0, 0xfffe, a);
                        case "--vendor" -> vendor = (int) range(parseHex(v, a), 0, 0xfffe, a);
                        case "--product" -> product = (int) range(parseHex(v, a), 0, 0xfffe, a);
                        default -> throw new UsageException("unknown option " + a);
                    }
                } else if (count == null) {
                    count = range(parseLong(a, "COUNT"), 1, 100_000_000, "COUNT");
                } else {
                    throw new UsageException("unexpected argument '" + a + "'");
                }
            }
            if (count == null) {
                throw new UsageException("COUNT is missing");
            }
            int dType = switch (lane) {
                case KEYBOARD -> EV_KEY;
                case CONTROLLER -> EV_ABS;
                default -> EV_REL;
            };
            int dCode = lane == Lane.KEYBOARD ? KEY_A : 0;
            int dValue = lane == Lane.CONTROLLER ? 100 : 1;
            InjectedEvent e = new InjectedEvent(device != null ? device : 0x5c0000L + lane.id(), bus != null ? bus : BUS_USB,
                    vendor != null ? vendor : INJECT_VENDOR, product != null ? product : lane.id(),
                    type != null ? type : dType, code != null ? code : dCode, value != null ? value : dValue);
            long t0 = System.nanoTime();
            InjectResult r = control.inject(List.of(e), (int) (long) count, seq);
            long ns = System.nanoTime() - t0;
            return String.format("injected %d: submitted %d, dropped %d, filtered %d (%.1f ms)", count, r.submitted(), r.dropped(),
                    r.filtered(), ns / 1e6);
        });
    }

    private static Lane lane(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "mouse" -> Lane.MOUSE;
            case "keyboard" -> Lane.KEYBOARD;
            case "controller" -> Lane.CONTROLLER;
            default -> throw new IllegalArgumentException("--lane '" + v + "': accepted: mouse, keyboard, controller");
        };
    }

    // ---- scheduler ------------------------------------------------------------------------------

    static final String SCHED_USAGE = "scx:sched — sched_ext state, ops name, enable_seq, attachment, restarts and exit history";

    @Descriptor("Scheduler state, ops name, enable_seq, restarts and exit history")
    public String sched(@Descriptor("'help' for usage") String... args) {
        return guard(SCHED_USAGE, args, () -> {
            noArgs(args);
            SchedulerStatus s = control.scheduler();
            StringBuilder sb = new StringBuilder();
            sb.append("state: ").append(s.kernelState()).append('\n');
            sb.append("ops: ").append(s.opsName().isEmpty() ? "-" : s.opsName()).append('\n');
            sb.append("enable_seq: ").append(s.enableSeq() < 0 ? "-" : Long.toString(s.enableSeq())).append('\n');
            sb.append("attached: ").append(s.attached()).append('\n');
            sb.append("restarts: ").append(s.restarts()).append('\n');
            if (s.exits().isEmpty()) {
                sb.append("exits: none");
            }
            for (ExitInfo e : s.exits()) {
                sb.append(String.format("exit: %s kind %d code 0x%x reason: %s%s%n", e.at(), e.kind(), e.exitCode(), e.reason(),
                        e.message().isEmpty() ? "" : " message: " + e.message()));
            }
            return sb.toString().stripTrailing();
        });
    }

    static final String TOPOLOGY_USAGE = "scx:topology — the CPU topology the scheduler places by: a summary, what placement does with it, "
            + "its domains, the preferred one (topology.prefer), one line per CPU (core, LLC, node, capacity, domains), the placement counters";
    private static final String[] PREFER = {"none", "fast", "cache"};

    @Descriptor("The CPU topology the scheduler places by, per CPU, with the placement counters")
    public String topology(@Descriptor("'help' for usage") String... args) {
        return guard(TOPOLOGY_USAGE, args, () -> {
            noArgs(args);
            Topology t = control.topology();
            Map<String, String> facts = control.kernelFacts();
            StringBuilder sb = new StringBuilder();
            sb.append("topology: ").append(t.summary()).append('\n');
            sb.append("placement: ").append(facts.getOrDefault("topology.placement", "-")).append('\n');
            if (!t.readable()) {
                return sb.toString().stripTrailing();
            }
            long prefer = control.tunables().getOrDefault(Tunable.TOPOLOGY_PREFER, Tunable.TOPOLOGY_PREFER.defaultValue());
            sb.append("cache domain: ").append(cpus(t, Topology.Cpu::cache)).append(" (").append(t.cacheSource()).append(")\n");
            sb.append("fast domain: ").append(cpus(t, Topology.Cpu::fast)).append(" (").append(t.fastSource()).append(")\n");
            sb.append("game placed first in: ").append(prefer >= 0 && prefer < PREFER.length ? PREFER[(int) prefer] : prefer)
                    .append(" (").append(Tunable.TOPOLOGY_PREFER.key()).append(" = ").append(prefer).append(")\n");
            sb.append(String.format("%-5s %-5s %-4s %-5s %-9s %-9s %s%n", "cpu", "core", "llc", "node", "capacity", "llc.kib", "domains"));
            for (Topology.Cpu c : t.cpus()) {
                String domains = (c.cache() ? "cache " : "") + (c.fast() ? "fast" : "");
                sb.append(String.format("%-5d %-5d %-4d %-5d %-9d %-9d %s%n", c.cpu(), c.core(), c.llc(), c.node(), c.capacity(), c.llcKiB(),
                        domains.isBlank() ? "-" : domains.strip()));
            }
            control.counters().forEach((k, v) -> {
                if (k.startsWith("sched.topo.")) {
                    sb.append(k).append(": ").append(v).append('\n');
                }
            });
            return sb.toString().stripTrailing();
        });
    }

    /** The CPUs of a domain as ids, or "none". */
    private static String cpus(Topology t, java.util.function.Predicate<Topology.Cpu> in) {
        List<String> ids = t.cpus().stream().filter(in).map(c -> Integer.toString(c.cpu())).toList();
        return ids.isEmpty() ? "none" : String.join(",", ids);
    }

    static final String RESTART_USAGE = "scx:restart — detach the scheduler and attach it again";

    @Descriptor("Detach the scheduler and attach it again")
    public String restart(@Descriptor("'help' for usage") String... args) {
        return guard(RESTART_USAGE, args, () -> {
            noArgs(args);
            control.restartScheduler();
            SchedulerStatus s = control.scheduler();
            return "scheduler restarted: state " + s.kernelState() + ", ops " + (s.opsName().isEmpty() ? "-" : s.opsName());
        });
    }

    static final String CLASSIFY_USAGE = "scx:classify TID CLASS — put a thread in a class: default, input, foreground, background, audio, render\n"
            + "scx:classify — list classified threads";

    @Descriptor("Put a thread into a scheduler class (TID CLASS), or list the classes")
    public String classify(@Descriptor("TID CLASS (default|input|foreground|background|audio|render), or 'help'") String... args) {
        return guard(CLASSIFY_USAGE, args, () -> {
            if (args == null || args.length == 0) {
                Map<Integer, TaskClass> classes = control.classes();
                if (classes.isEmpty()) {
                    return "no classified threads";
                }
                StringBuilder sb = new StringBuilder();
                classes.forEach((tid, c) -> sb.append(tid).append(": ").append(c.name().toLowerCase(Locale.ROOT)).append('\n'));
                return sb.toString().stripTrailing();
            }
            if (args.length != 2) {
                throw new UsageException("expected TID CLASS");
            }
            int tid = (int) range(parseLong(args[0], "TID"), 1, Integer.MAX_VALUE, "TID");
            TaskClass c;
            try {
                c = TaskClass.valueOf(args[1].toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("CLASS '" + args[1] + "': accepted: default, input, foreground, background, audio, render");
            }
            control.classify(tid, c);
            return "thread " + tid + ": " + c.name().toLowerCase(Locale.ROOT);
        });
    }

    static final String FOREGROUND_USAGE = "scx:foreground PID — set the foreground process (0 clears it)\n"
            + "scx:foreground — show it";

    @Descriptor("Set (PID, 0 clears) or show the foreground process")
    public String foreground(@Descriptor("[PID] or 'help'") String... args) {
        return guard(FOREGROUND_USAGE, args, () -> {
            if (args == null || args.length == 0) {
                int pid = control.foreground();
                return pid == 0 ? "no foreground process" : "foreground process: " + pid;
            }
            if (args.length != 1) {
                throw new UsageException("expected one PID");
            }
            int pid = (int) range(parseLong(args[0], "PID"), 0, Integer.MAX_VALUE, "PID");
            control.setForeground(pid);
            return pid == 0 ? "foreground process cleared" : "foreground process: " + pid;
        });
    }

    // ---- subscribers ----------------------------------------------------------------------------

    static final String SUBSCRIBERS_USAGE = "scx:subscribers — event listeners with their queue and accounting "
            + "(matched = delivered + dropped + queued)";

    @Descriptor("Event listeners with queue capacity and delivery accounting")
    public String subscribers(@Descriptor("'help' for usage") String... args) {
        return guard(SUBSCRIBERS_USAGE, args, () -> {
            noArgs(args);
            InputEventService s = events;
            if (s == null) {
                return "error: the event service is not running (see scx:status, part buffers)";
            }
            List<SubscriberInfo> list = s.subscribers();
            StringBuilder sb = new StringBuilder("events read: " + s.eventsRead() + ", reader " + (s.busyPoll() ? "busy-poll" : "blocking") + "\n");
            if (list.isEmpty()) {
                sb.append("no subscribers");
            }
            for (SubscriberInfo i : list) {
                sb.append(String.format("service %d %s (%s): queue %d, matched %d, delivered %d, dropped %d, queued %d, failures %d%s%n",
                        i.serviceId(), i.name(), i.bundle(), i.queueCapacity(), i.matched(), i.delivered(), i.dropped(), i.queued(),
                        i.failures(), i.onReaderThread() ? ", on the reader thread (non-blocking)"
                                : i.demoted() ? ", demoted from the reader thread (threw or was slow)" : ""));
            }
            return sb.toString().stripTrailing();
        });
    }

    // ---- parsing helpers ------------------------------------------------------------------------

    private static void noArgs(String[] args) {
        if (args != null && args.length > 0) {
            throw new UsageException("no arguments expected, got '" + String.join(" ", args) + "'");
        }
    }

    private static long parseLong(String s, String what) {
        try {
            return Long.decode(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + s + "' is not a number (decimal, or hex with 0x)");
        }
    }

    private static long parseHex(String s, String what) {
        try {
            String t = s.trim().toLowerCase(Locale.ROOT);
            return Long.parseLong(t.startsWith("0x") ? t.substring(2) : t, 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + s + "' is not a hex id");
        }
    }

    private static long range(long v, long min, long max, String what) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(what + " " + v + " is out of range: accepted " + min + " .. " + max);
        }
        return v;
    }
}
