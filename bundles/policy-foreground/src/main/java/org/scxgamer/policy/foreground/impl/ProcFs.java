package org.scxgamer.policy.foreground.impl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The few /proc reads the policy needs, below a configurable root so tests use a fake tree. Every read
 * is bounded and every failure (process gone, no permission) reads as "nothing there".
 */
final class ProcFs {
    private static final int MAX_READ = 256 << 10;
    private final Path root;

    ProcFs(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    List<Integer> pids() {
        return numericEntries(root);
    }

    List<Integer> tasks(int pid) {
        return numericEntries(root.resolve(Integer.toString(pid)).resolve("task"));
    }

    private static List<Integer> numericEntries(Path dir) {
        List<Integer> ids = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (!n.isEmpty() && n.length() <= 10 && n.chars().allMatch(Character::isDigit)) {
                    long v = Long.parseLong(n);
                    if (v > 0 && v <= Integer.MAX_VALUE) {
                        ids.add((int) v);
                    }
                }
            }
        } catch (IOException e) {
            // Gone or unreadable: no entries.
        }
        return ids;
    }

    String comm(int pid) {
        return text(root.resolve(Integer.toString(pid)).resolve("comm"));
    }

    String threadComm(int pid, int tid) {
        return text(root.resolve(Integer.toString(pid)).resolve("task").resolve(Integer.toString(tid)).resolve("comm"));
    }

    /** argv as the kernel shows it (NUL-separated); empty for kernel threads and vanished processes. */
    List<String> cmdline(int pid) {
        return nulSeparated(root.resolve(Integer.toString(pid)).resolve("cmdline"));
    }

    List<String> environ(int pid) {
        return nulSeparated(root.resolve(Integer.toString(pid)).resolve("environ"));
    }

    /** Target of the exe link, or "" when it cannot be read. */
    String exe(int pid) {
        try {
            return Files.readSymbolicLink(root.resolve(Integer.toString(pid)).resolve("exe")).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return "";
        }
    }

    /** Start time (clock ticks after boot, field 22 of stat): with the pid it identifies a process across pid reuse; -1 if gone. */
    long startTime(int pid) {
        return stat(pid).startTime();
    }

    /** What stat says about a process: its start time (-1 if gone) and comm, which an exec changes. */
    record Stat(long startTime, String comm) {
    }

    Stat stat(int pid) {
        String stat = text(root.resolve(Integer.toString(pid)).resolve("stat"));
        // comm (field 2) may hold spaces and parentheses: fields are counted after the last ')'.
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (open < 0 || close < open) {
            return new Stat(-1, "");
        }
        String comm = stat.substring(open + 1, close);
        String[] f = stat.substring(close + 1).trim().split("\\s+");
        // f[0] is field 3 (state), so field 22 is f[19].
        if (f.length < 20) {
            return new Stat(-1, comm);
        }
        try {
            return new Stat(Long.parseLong(f[19]), comm);
        } catch (NumberFormatException e) {
            return new Stat(-1, comm);
        }
    }

    private static String text(Path p) {
        byte[] b = read(p);
        return new String(b, StandardCharsets.UTF_8).strip();
    }

    private static List<String> nulSeparated(Path p) {
        byte[] b = read(p);
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= b.length; i++) {
            if (i == b.length || b[i] == 0) {
                if (i > start) {
                    parts.add(new String(b, start, i - start, StandardCharsets.UTF_8));
                }
                start = i + 1;
            }
        }
        return parts;
    }

    private static byte[] read(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            return in.readNBytes(MAX_READ);
        } catch (IOException | SecurityException e) {
            return new byte[0];
        }
    }
}
