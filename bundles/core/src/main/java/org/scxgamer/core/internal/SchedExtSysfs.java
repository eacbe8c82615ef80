package org.scxgamer.core.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The kernel's view of sched_ext: /sys/kernel/sched_ext/{state, enable_seq, root/ops}. */
final class SchedExtSysfs {
    static final Path DEFAULT = Path.of("/sys/kernel/sched_ext");

    /** state is "absent" when the kernel has no sched_ext; ops is empty when no scheduler is loaded. */
    record View(String state, String ops, long enableSeq) {
        boolean present() {
            return !state.equals("absent");
        }
    }

    private final Path base;

    SchedExtSysfs(Path base) {
        this.base = base;
    }

    View read() {
        if (!Files.isDirectory(base)) {
            return new View("absent", "", -1);
        }
        String state = read("state", "unknown");
        String ops = read("root/ops", "");
        long seq;
        try {
            seq = Long.parseLong(read("enable_seq", "-1"));
        } catch (NumberFormatException e) {
            seq = -1;
        }
        return new View(state, ops, seq);
    }

    private String read(String file, String missing) {
        try {
            return Files.readString(base.resolve(file)).trim();
        } catch (IOException e) {
            return missing;
        }
    }
}
