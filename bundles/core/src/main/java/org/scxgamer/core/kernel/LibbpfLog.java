package org.scxgamer.core.kernel;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.jna.Memory;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * libbpf's print callback: captures the calling thread's warning and info lines (libbpf prints on the
 * thread that called it) so a failure can carry libbpf's own explanation, e.g. the verifier's last
 * lines; everything also goes to the log at debug level.
 */
final class LibbpfLog {
    private static final Logger LOG = LoggerFactory.getLogger("org.scxgamer.core.libbpf");
    private static final int KEEP_LINES = 400;
    /** Bytes of the va_list object behind the pointer: copying it is va_copy on these ABIs. */
    private static final int VA_LIST_SIZE = Platform.isARM() ? 32 : 24;
    private static final ThreadLocal<Deque<String>> CAPTURED = ThreadLocal.withInitial(ArrayDeque::new);
    /** Held strongly: libbpf keeps the native pointer. */
    private static final Libbpf.PrintFn PRINT = LibbpfLog::print;
    private static boolean installed;

    static synchronized void install() {
        if (!installed) {
            Libbpf.libbpf_set_print(PRINT);
            installed = true;
        }
    }

    /** Starts a fresh capture on this thread. */
    static void begin() {
        CAPTURED.get().clear();
    }

    /** Lines captured on this thread since {@link #begin()}. */
    static List<String> lines() {
        return new ArrayList<>(CAPTURED.get());
    }

    private static int print(int level, Pointer format, Pointer args) {
        if (level >= Libbpf.LIBBPF_DEBUG && !LOG.isDebugEnabled()) {
            return 0;
        }
        Memory copy = new Memory(VA_LIST_SIZE);
        copy.write(0, args.getByteArray(0, VA_LIST_SIZE), 0, VA_LIST_SIZE);
        int length = LibC.vsnprintf(null, 0, format, copy);
        if (length <= 0) {
            return 0;
        }
        Memory text = new Memory(length + 1L);
        LibC.vsnprintf(text, length + 1L, format, args);
        Deque<String> captured = CAPTURED.get();
        for (String line : new String(text.getByteArray(0, length), StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            LOG.debug("libbpf: {}", line);
            if (level <= Libbpf.LIBBPF_INFO) {
                if (captured.size() == KEEP_LINES) {
                    captured.removeFirst();
                }
                captured.addLast(line.strip());
            }
        }
        return 0;
    }

    private LibbpfLog() {
    }
}
