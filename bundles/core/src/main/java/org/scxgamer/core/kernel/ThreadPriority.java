package org.scxgamer.core.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.sun.jna.Native;

/**
 * Nice values of the core's own threads. Linux keeps the nice value per thread, and every scheduler
 * honours it (CFS/EEVDF and scxgamer, which charges virtual time by weight), so it is how the input
 * path gets a larger CPU share than the load it competes with, whether or not scxgamer is attached.
 */
public final class ThreadPriority {
    private static final int PRIO_PROCESS = 0;

    /**
     * Sets the calling thread's nice value (with who = 0, Linux applies PRIO_PROCESS to the calling thread only).
     * @return null on success, else why it failed (a lower nice value needs CAP_SYS_NICE)
     */
    public static String setCurrentThreadNice(int nice) {
        if (LibC.setpriority(PRIO_PROCESS, 0, nice) == 0) {
            return null;
        }
        int errno = Native.getLastError();
        return "setpriority(" + nice + ") failed: " + LibC.strerror(errno) + (errno == Errno.EPERM || errno == Errno.EACCES
                ? " (needs root or CAP_SYS_NICE)" : "");
    }

    /** The calling thread's nice value (field 19 of /proc/thread-self/stat), or 0 if it cannot be read. */
    public static int currentThreadNice() {
        try {
            String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(fields[16]); // fields from 3 (state) on: nice is the 19th
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private ThreadPriority() {
    }
}
