package org.scxgamer.core.kernel;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.jna.Memory;
import com.sun.jna.Native;

/** Runs work on a thread pinned to one CPU (the injector writes to ring cpu % 16). */
final class HostCpu {
    static <T> T on(int cpu, Callable<T> work) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                pin(cpu);
                result.set(work.call());
            } catch (Exception e) {
                failure.set(e);
            }
        }, "pinned-cpu" + cpu);
        t.start();
        t.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }

    /** Pins the calling thread. */
    static void pin(int cpu) {
        Memory mask = new Memory(LibC.CPU_SET_SIZE);
        mask.clear();
        mask.setByte(cpu / 8, (byte) (1 << (cpu % 8)));
        if (LibC.sched_setaffinity(0, LibC.CPU_SET_SIZE, mask) != 0) {
            throw new IllegalStateException("sched_setaffinity to CPU " + cpu + ": errno " + Native.getLastError());
        }
        if (LibC.sched_getcpu() != cpu) {
            throw new IllegalStateException("pinned to CPU " + cpu + " but running on " + LibC.sched_getcpu());
        }
    }

    private HostCpu() {
    }
}
