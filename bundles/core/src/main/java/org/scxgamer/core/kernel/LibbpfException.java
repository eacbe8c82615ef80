package org.scxgamer.core.kernel;

import java.util.ArrayList;
import java.util.List;

import com.sun.jna.Memory;

/** A failed libbpf or kernel call: the errno, its name, and what libbpf printed about it. */
public final class LibbpfException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final int VERIFIER_TAIL = 10;

    private final int errno;
    private final String libbpfSays;
    private final String firstLine;

    LibbpfException(String what, int errno, List<String> libbpfLines) {
        this(what, errno, summary(libbpfLines), headline(errno, libbpfLines));
    }

    private LibbpfException(String what, int errno, String libbpfSays, String firstLine) {
        super(what + ": " + describe(errno) + (libbpfSays.isEmpty() ? "" : "; libbpf: " + libbpfSays));
        this.errno = errno;
        this.libbpfSays = libbpfSays;
        this.firstLine = firstLine;
    }

    /** Positive errno (or libbpf's own error number, 4000 and up). */
    public int errno() {
        return errno;
    }

    /** The errno's symbolic name, e.g. "EPERM". */
    public String errnoName() {
        return Errno.name(errno);
    }

    /** libbpf's explanation (its warnings, the verifier's last lines), possibly empty. */
    public String libbpfSays() {
        return libbpfSays;
    }

    /** libbpf's line naming the failure (the first that quotes the errno's text, else its first), possibly empty. */
    public String firstLine() {
        return firstLine;
    }

    private static String headline(int errno, List<String> lines) {
        String text = LibC.strerror(errno);
        for (String line : lines) {
            if (text != null && line.contains(text)) {
                return strip(line);
            }
        }
        return lines.isEmpty() ? "" : strip(lines.get(0));
    }

    private static String strip(String line) {
        return line.startsWith("libbpf: ") ? line.substring(8) : line;
    }

    /** "EPERM (Operation not permitted)", using libbpf's texts for its own error numbers. */
    static String describe(int errno) {
        Memory buf = new Memory(256);
        buf.clear();
        Libbpf.libbpf_strerror(errno, buf, buf.size());
        return Errno.name(errno) + " (" + buf.getString(0) + ")";
    }

    /** libbpf's warnings, with a verifier log reduced to its last lines (where the verifier says why). */
    static String summary(List<String> lines) {
        List<String> out = new ArrayList<>();
        List<String> verifier = null;
        for (String raw : lines) {
            String line = strip(raw);
            if (line.endsWith("-- BEGIN PROG LOAD LOG --")) {
                verifier = new ArrayList<>();
            } else if (verifier != null && line.endsWith("-- END PROG LOAD LOG --")) {
                List<String> tail = verifier.subList(Math.max(0, verifier.size() - VERIFIER_TAIL), verifier.size());
                out.add("verifier: " + String.join(" | ", tail));
                verifier = null;
            } else if (verifier != null) {
                if (!line.startsWith("processed ") && !line.startsWith("verification time")) {
                    verifier.add(line); // the statistics lines say nothing about the cause
                }
            } else {
                out.add(line);
            }
        }
        return String.join("; ", out);
    }
}
