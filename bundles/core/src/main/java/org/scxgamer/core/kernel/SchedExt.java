package org.scxgamer.core.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The kernel's view of sched_ext (/sys/kernel/sched_ext): the truth about which scheduler runs. */
final class SchedExt {
    static final Path ROOT = Path.of("/sys/kernel/sched_ext");

    static boolean present() {
        return Files.isDirectory(ROOT);
    }

    /** "enabled", "disabled", "enabling", "disabling", …, or null without sched_ext. */
    static String state() {
        return read(ROOT.resolve("state"));
    }

    /** Name of the active ops, or null when none is loaded (the file is absent or empty then). */
    static String ops() {
        String ops = read(ROOT.resolve("root/ops"));
        return ops == null || ops.isEmpty() ? null : ops;
    }

    static long enableSeq() {
        String seq = read(ROOT.resolve("enable_seq"));
        return seq == null ? -1 : Long.parseLong(seq);
    }

    /** Whether the kernel shows our ops enabled. */
    static boolean oursEnabled() {
        return "enabled".equals(state()) && Contract.SCHED_OPS_NAME.equals(ops());
    }

    /** Why a scheduler cannot be attached now, or null if it can. */
    static String unavailableReason() {
        if (!present()) {
            return "no sched_ext in this kernel (" + ROOT + " missing): needs CONFIG_SCHED_CLASS_EXT";
        }
        String state = state();
        if (!"disabled".equals(state)) {
            String ops = ops();
            return "another sched_ext scheduler is active: " + (ops == null ? "(unnamed)" : ops) + " (state " + state + ")";
        }
        return null;
    }

    static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return null;
        }
    }

    private SchedExt() {
    }
}
