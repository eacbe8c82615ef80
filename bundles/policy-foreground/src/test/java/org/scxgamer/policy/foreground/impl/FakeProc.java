package org.scxgamer.policy.foreground.impl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A fake /proc tree with just the files the policy reads. */
final class FakeProc {
    final Path root;

    FakeProc(Path root) {
        this.root = root;
    }

    /** Adds a process; env entries are "KEY=value". */
    FakeProc process(int pid, long start, String comm, String[] argv, String exe, String... env) {
        try {
            Path d = root.resolve(Integer.toString(pid));
            Files.createDirectories(d.resolve("task"));
            Files.writeString(d.resolve("comm"), comm + "\n");
            Files.write(d.resolve("cmdline"), nul(argv));
            Files.write(d.resolve("environ"), nul(env));
            StringBuilder stat = new StringBuilder(pid + " (" + comm + ") S 1");
            for (int f = 5; f <= 52; f++) {
                stat.append(' ').append(f == 22 ? start : 0);
            }
            Files.writeString(d.resolve("stat"), stat + "\n");
            if (exe != null) {
                // Relative link text: its file name is all the policy reads, and it stays inside the temp dir.
                Files.createSymbolicLink(d.resolve("exe"), Path.of(exe.substring(1)));
            }
            thread(pid, pid, comm);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    FakeProc thread(int pid, int tid, String name) {
        try {
            Path t = root.resolve(Integer.toString(pid)).resolve("task").resolve(Integer.toString(tid));
            Files.createDirectories(t);
            Files.writeString(t.resolve("comm"), name + "\n");
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void remove(int pid, Integer... tid) {
        Path p = root.resolve(Integer.toString(pid));
        if (tid.length > 0) {
            p = p.resolve("task").resolve(Integer.toString(tid[0]));
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] nul(String[] parts) {
        StringBuilder sb = new StringBuilder();
        for (String s : parts) {
            sb.append(s).append('\0');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
