package org.scxgamer.bench;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/** Pins the calling thread: the injector writes to ring (cpu % 16), and the C reference pins the same way. */
final class Affinity {
    private static final int CPU_SET_SIZE = 128;
    /**
     * Read once, before any pinning: availableProcessors() follows the calling thread's affinity, so after a pin it
     * says 1 and "unpinning" would pin to CPU 0 for good (and every thread started afterwards would inherit that).
     */
    private static final int CPUS = Runtime.getRuntime().availableProcessors();

    static {
        Native.register(Affinity.class, NativeLibrary.getInstance("c"));
    }

    private static native int sched_setaffinity(int pid, long size, Memory mask);

    static int cpus() {
        return CPUS;
    }

    /** Pins the calling thread to {@code cpu}, or lets it run anywhere when {@code cpu < 0}. */
    static void pin(int cpu) {
        Memory mask = new Memory(CPU_SET_SIZE);
        mask.clear();
        if (cpu < 0) {
            for (int c = 0; c < cpus(); c++) {
                mask.setByte(c / 8, (byte) (mask.getByte(c / 8) | (1 << (c % 8))));
            }
        } else {
            mask.setByte(cpu / 8, (byte) (1 << (cpu % 8)));
        }
        if (sched_setaffinity(0, CPU_SET_SIZE, mask) != 0) {
            throw new IllegalStateException("sched_setaffinity(" + cpu + "): errno " + Native.getLastError());
        }
    }

    private Affinity() {
    }
}
