package org.scxgamer.policy.foreground.impl;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Applies the rules to a /proc tree: which process is the game, which of its threads handle input or
 * audio, and which processes are sound servers or compositors. Order: the explicit pid from the command, the pid file,
 * the name patterns, the Wine/Proton/Steam markers; among several processes matching the same rule the
 * newest one wins.
 */
final class Detector {
    /** A process, identified by pid and start time (so a reused pid is a different process). */
    record Target(int pid, long startTime, String name, String reason) {
    }

    private final ProcFs proc;
    private final Settings settings;
    /**
     * Verdicts per process, kept while the process lives and runs the same program: argv, exe and environment
     * rarely change. A new comm means an exec: a process judged between fork and exec (as its parent's
     * program) is judged again once it runs the game.
     */
    private final Map<Integer, Verdict> verdicts = new HashMap<>();

    /**
     * @param audio a sound server (audio process patterns)
     * @param render a compositor or display server (render process patterns)
     */
    private record Verdict(long startTime, String comm, String name, String rule, boolean audio, boolean render) {
    }

    Detector(ProcFs proc, Settings settings) {
        this.proc = proc;
        this.settings = settings;
    }

    /** The process running as (pid, startTime) still exists. */
    boolean alive(int pid, long startTime) {
        long s = proc.startTime(pid);
        return s >= 0 && s == startTime;
    }

    /**
     * Walks /proc (the sound servers are found on every call) and returns the game.
     * @param explicitPid pid set by the command, 0 for none
     */
    Target detect(int explicitPid) {
        Target byRules = walk();
        if (explicitPid > 0) {
            long s = proc.startTime(explicitPid);
            return s < 0 ? null : new Target(explicitPid, s, proc.comm(explicitPid), "command");
        }
        if (settings.pidFile() != null) {
            Target t = fromPidFile();
            if (t != null) {
                return t;
            }
        }
        return byRules;
    }

    private Target walk() {
        Target byPattern = null;
        Target byMarker = null;
        Map<Integer, Verdict> seen = new HashMap<>();
        for (int pid : proc.pids()) {
            ProcFs.Stat st = proc.stat(pid);
            long start = st.startTime();
            if (start < 0) {
                continue;
            }
            Verdict v = verdicts.get(pid);
            if (v == null || v.startTime() != start || !v.comm().equals(st.comm())) {
                v = judge(pid, start, st.comm());
            }
            seen.put(pid, v);
            if (v.rule() == null) {
                continue;
            }
            Target t = new Target(pid, start, v.name(), v.rule());
            if (v.rule().startsWith("pattern")) {
                byPattern = newer(byPattern, t);
            } else {
                byMarker = newer(byMarker, t);
            }
        }
        verdicts.clear();
        verdicts.putAll(seen);
        return byPattern != null ? byPattern : byMarker;
    }

    private static Target newer(Target a, Target b) {
        return a == null || b.startTime() > a.startTime() || (b.startTime() == a.startTime() && b.pid() > a.pid()) ? b : a;
    }

    private Target fromPidFile() {
        String text;
        try {
            text = Files.readString(settings.pidFile()).trim();
        } catch (IOException | SecurityException e) {
            return null;
        }
        int pid;
        try {
            pid = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return null;
        }
        long s = pid > 0 ? proc.startTime(pid) : -1;
        return s < 0 ? null : new Target(pid, s, proc.comm(pid), "pid file " + settings.pidFile());
    }

    private Verdict judge(int pid, long start, String comm) {
        List<String> argv = proc.cmdline(pid);
        if (argv.isEmpty()) {
            // Kernel threads and zombies have no argv: never a game, nor a sound server.
            return new Verdict(start, comm, comm, null, false, false);
        }
        String arg0 = baseName(argv.get(0));
        boolean audio = any(settings.audioProcessPatterns(), comm) || any(settings.audioProcessPatterns(), arg0);
        boolean render = !audio && (any(settings.renderProcessPatterns(), comm) || any(settings.renderProcessPatterns(), arg0));
        String exe = baseName(proc.exe(pid));
        List<String> names = new ArrayList<>(List.of(comm, arg0));
        if (!exe.isEmpty()) {
            names.add(exe);
        }
        String display = arg0.isEmpty() ? comm : arg0;
        // Exclusions look at comm and argv[0] only: a game under Wine has exe wine64-preloader.
        for (String n : List.of(comm, arg0)) {
            if (any(settings.excludePatterns(), n)) {
                return new Verdict(start, comm, display, null, audio, render);
            }
        }
        for (String n : names) {
            for (Pattern p : settings.processPatterns()) {
                if (p.matcher(n).matches()) {
                    return new Verdict(start, comm, display, "pattern " + p.pattern(), audio, render);
                }
            }
        }
        if (settings.wineMarkers()) {
            String marker = marker(pid, arg0, exe);
            if (marker != null) {
                return new Verdict(start, comm, display, marker, audio, render);
            }
        }
        return new Verdict(start, comm, display, null, audio, render);
    }

    private String marker(int pid, String arg0, String exe) {
        if (arg0.toLowerCase(java.util.Locale.ROOT).endsWith(".exe")) {
            return "marker: Windows executable " + arg0;
        }
        if (exe.startsWith("wine")) {
            return "marker: runs under " + exe;
        }
        for (String e : proc.environ(pid)) {
            int eq = e.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String k = e.substring(0, eq);
            String v = e.substring(eq + 1);
            if ((k.equals("SteamGameId") || k.equals("SteamAppId") || k.equals("STEAM_COMPAT_APP_ID")) && !v.isEmpty() && !v.equals("0")) {
                return "marker: Steam game " + v;
            }
        }
        return null;
    }

    /** Thread id → name of the target's threads whose names match the input-thread patterns. */
    Map<Integer, String> inputThreads(int pid) {
        Map<Integer, String> m = new HashMap<>();
        for (int tid : proc.tasks(pid)) {
            String name = proc.threadComm(pid, tid);
            if (!name.isEmpty() && any(settings.inputThreadPatterns(), name)) {
                m.put(tid, name);
            }
        }
        return m;
    }

    /**
     * Thread id → "thread name (process)" of the audio threads: every thread of the sound servers found by the
     * last {@link #detect}, and the game's threads matching the audio thread patterns but not the input ones.
     * @param game the game's pid, 0 for none
     */
    Map<Integer, String> audioThreads(int game) {
        Map<Integer, String> m = serverThreads(game, Verdict::audio);
        if (game > 0) {
            for (int tid : proc.tasks(game)) {
                String name = proc.threadComm(game, tid);
                if (!name.isEmpty() && any(settings.audioThreadPatterns(), name) && !any(settings.inputThreadPatterns(), name)) {
                    m.put(tid, name + " (" + proc.comm(game) + ")");
                }
            }
        }
        return m;
    }

    /**
     * Thread id → "thread name (process)" of every thread of the compositors and display servers found by the
     * last {@link #detect} (a sound server is never one).
     * @param game the game's pid, 0 for none: never classed render here
     */
    Map<Integer, String> renderThreads(int game) {
        return serverThreads(game, Verdict::render);
    }

    private Map<Integer, String> serverThreads(int game, java.util.function.Predicate<Verdict> kind) {
        Map<Integer, String> m = new HashMap<>();
        verdicts.forEach((pid, v) -> {
            if (kind.test(v) && pid != game) {
                for (int tid : proc.tasks(pid)) {
                    m.put(tid, proc.threadComm(pid, tid) + " (" + v.name() + ")");
                }
            }
        });
        return m;
    }

    private static boolean any(List<Pattern> patterns, String s) {
        for (Pattern p : patterns) {
            if (p.matcher(s).matches()) {
                return true;
            }
        }
        return false;
    }

    /** File name of a Unix or Windows path (Wine shows argv[0] as C:\...\game.exe). */
    static String baseName(String path) {
        int i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
        return path.substring(i + 1);
    }
}
