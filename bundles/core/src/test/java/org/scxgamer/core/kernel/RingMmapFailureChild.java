package org.scxgamer.core.kernel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.scxgamer.api.control.InjectResult;
import org.scxgamer.api.control.InjectedEvent;
import org.scxgamer.api.control.PartStatus;
import org.scxgamer.api.control.WhitelistRule;

import com.sun.jna.Native;

/**
 * Run by RingMmapFailureTest in its own JVM: caps the address space (RLIMIT_AS) a little above what
 * the JVM uses, so that mapping 16 rings of 16 MiB fails part way with ENOMEM, then reports what the
 * kernel facade made of it and whether the rest still works.
 */
public final class RingMmapFailureChild {
    static final int RLIMIT_AS = 9;
    static final int RING_BYTES = 16 << 20;

    static {
        Native.register("c");
    }

    static native int setrlimit(int resource, long[] limits);

    private RingMmapFailureChild() {
    }

    public static void main(String[] args) throws Exception {
        long vmKiB = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmSize:"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElseThrow();
        // Room for the first rings (each maps 2 x 16 MiB of data) and some JVM growth, not for all 16.
        long limit = (vmKiB << 10) + Long.parseLong(args[0]) * (1 << 20);
        if (setrlimit(RLIMIT_AS, new long[] {limit, limit}) != 0) {
            throw new IllegalStateException("setrlimit(RLIMIT_AS) failed: errno " + Native.getLastError());
        }
        try (LibbpfKernel k = LibbpfKernel.open(LibbpfKernel.Options.defaults().withRingBytes(RING_BYTES))) {
            for (PartStatus p : k.parts()) {
                System.out.println("PART " + p.part() + " " + p.state() + " " + p.reason());
            }
            k.setRules(List.of(WhitelistRule.parse("usb:046d:*=mouse")));
            InjectResult r = k.inject(List.of(new InjectedEvent(5, 0x03, 0x046d, 0x1, 2, 0, 1)), 10, true);
            System.out.println("INJECT " + r.submitted() + " " + r.dropped() + " " + r.filtered());
            System.out.println("STATS injected " + k.inputStats()[Contract.STAT_INJECTED]);
            try {
                k.rings();
                System.out.println("RINGS available");
            } catch (IllegalStateException e) {
                System.out.println("RINGS " + e.getMessage());
            }
        }
        System.out.println("CLOSED");
    }
}
