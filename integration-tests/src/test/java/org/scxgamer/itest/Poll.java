package org.scxgamer.itest;

import java.util.function.Supplier;

/** Waiting in tests without fixed sleeps. */
public final class Poll {
    private Poll() {
    }

    /** Polls until probe gives a value; fails naming what it waited for. */
    public static <T> T await(String what, long millis, Supplier<T> probe) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (true) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + millis + " ms waiting for " + what);
            }
            Thread.sleep(25);
        }
    }
}
