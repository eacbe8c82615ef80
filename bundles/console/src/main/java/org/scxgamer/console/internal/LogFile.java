package org.scxgamer.console.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runtime's log file read as records: a line that starts with a time stamp and a level (the file
 * pattern of conf/logback.xml, {@code %d{ISO8601} %-5level ...}) starts a record; the lines below it
 * (a stack trace) belong to it. Lines above the first record are kept as they are.
 */
final class LogFile {
    /** The levels in order; a filter keeps its level and the ones after it. */
    static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
    private static final Pattern RECORD = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}:\\d{2}[,.]\\d{3} +(TRACE|DEBUG|INFO|WARN|ERROR) ");
    private static final int CHUNK = 64 * 1024;

    private final Path path;
    private final int minLevel;

    /** @param minLevel null for every record, else one of {@link #LEVELS} (any case) */
    LogFile(Path path, String minLevel) {
        this.path = path;
        this.minLevel = minLevel == null ? 0 : level(minLevel);
    }

    static int level(String name) {
        int i = LEVELS.indexOf(name.toUpperCase(Locale.ROOT));
        if (i < 0) {
            throw new IllegalArgumentException("unknown level '" + name + "': use one of " + String.join(", ", LEVELS));
        }
        return i;
    }

    Path path() {
        return path;
    }

    /** The last {@code count} records that pass the level filter, each with its continuation lines. */
    List<String> last(int count) throws IOException {
        return last(new String(bytes(), StandardCharsets.UTF_8), count);
    }

    private List<String> last(String text, int count) {
        Deque<String> kept = new ArrayDeque<>();
        StringBuilder record = null;
        boolean keep = true;
        for (String line : (Iterable<String>) text.lines()::iterator) {
            int level = levelOf(line);
            if (level >= 0) {
                if (record != null && keep) {
                    add(kept, record.toString(), count);
                }
                record = new StringBuilder(line);
                keep = level >= minLevel;
            } else if (record == null) {
                add(kept, line, count);
            } else {
                record.append('\n').append(line);
            }
        }
        if (record != null && keep) {
            add(kept, record.toString(), count);
        }
        return new ArrayList<>(kept);
    }

    private static void add(Deque<String> kept, String record, int count) {
        kept.addLast(record);
        if (kept.size() > count) {
            kept.removeFirst();
        }
    }

    private byte[] bytes() throws IOException {
        try {
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return new byte[0];
        }
    }

    /** The record's level index, or -1 when the line does not start a record. */
    static int levelOf(String line) {
        Matcher m = RECORD.matcher(line);
        return m.find() ? LEVELS.indexOf(m.group(1)) : -1;
    }

    /**
     * Prints the last {@code count} records, then what is appended to the file, until {@code stop} says
     * so or the thread is interrupted. A file that shrank or was replaced (rolled over) is read again from
     * its start. Polls every {@code pollMillis}.
     */
    void follow(int count, PrintStream out, BooleanSupplier stop, long pollMillis) throws IOException, InterruptedException {
        Object key = fileKey();
        byte[] start = bytes();
        for (String r : last(new String(start, StandardCharsets.UTF_8), count)) {
            out.println(r);
        }
        out.flush();
        long pos = start.length;
        StringBuilder partial = new StringBuilder();
        boolean keep = true;
        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        while (!stop.getAsBoolean()) {
            Object k = fileKey();
            long size = size();
            if (k != null && !k.equals(key) || size < pos) {
                key = k;
                pos = 0;
                partial.setLength(0);
            }
            if (size > pos) {
                try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                    ch.position(pos);
                    int n;
                    while ((n = ch.read(buf.clear())) > 0) {
                        pos += n;
                        partial.append(new String(buf.array(), 0, n, StandardCharsets.UTF_8));
                    }
                }
                int nl;
                while ((nl = partial.indexOf("\n")) >= 0) {
                    String line = partial.substring(0, nl);
                    partial.delete(0, nl + 1);
                    int level = levelOf(line);
                    if (level >= 0) {
                        keep = level >= minLevel;
                    }
                    if (keep) {
                        out.println(line);
                    }
                }
                out.flush();
            }
            Thread.sleep(pollMillis);
        }
    }

    private long size() throws IOException {
        try {
            return Files.size(path);
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    private Object fileKey() throws IOException {
        try {
            return Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** A stop condition: a line typed on (or piped into) the keyboard, which it consumes. */
    static BooleanSupplier lineTyped(InputStream keyboard) {
        return () -> {
            try {
                if (keyboard.available() <= 0) {
                    return false;
                }
                int c;
                while ((c = keyboard.read()) >= 0 && c != '\n') {
                    // the line only says stop
                }
                return true;
            } catch (IOException e) {
                return true;
            }
        };
    }
}
