package org.scxgamer.core.internal;

import java.util.Locale;

import org.scxgamer.api.control.ExitInfo;

/** When the scheduler is brought back after it left the kernel, and how long to wait first. */
enum RestartPolicy {
    /** Only when the exit code carries SCX_ECODE_ACT_RESTART (the scheduler or kernel asked for it). */
    ON_REQUEST,
    /** After any exit the platform did not cause itself. */
    ALWAYS,
    NEVER;

    /** sched_ext exit code layout: bits 48..63 are actions. */
    static final long ECODE_ACTION_MASK = 0xffffL << 48;
    static final long ECODE_ACT_RESTART = 1L << 48;
    static final long MAX_BACKOFF_MS = 30_000;

    String text() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static RestartPolicy parse(String s) {
        for (RestartPolicy p : values()) {
            if (p.text().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException(s);
    }

    static boolean exitAsksRestart(ExitInfo exit) {
        return exit != null && (exit.exitCode() & ECODE_ACTION_MASK) == ECODE_ACT_RESTART;
    }

    /**
     * The delay before restart attempt {@code attempt} (1-based), or -1 for no restart.
     * @param attempt the attempt this would be; more than {@code maxAttempts} means give up
     */
    long delayMillis(ExitInfo exit, int attempt, int maxAttempts, long backoffMs) {
        boolean wanted = switch (this) {
            case ALWAYS -> true;
            case ON_REQUEST -> exitAsksRestart(exit);
            case NEVER -> false;
        };
        if (!wanted || attempt < 1 || attempt > maxAttempts) {
            return -1;
        }
        int shift = Math.min(attempt - 1, 20);
        return Math.min(MAX_BACKOFF_MS, backoffMs << shift);
    }
}
