package org.scxgamer.core.internal;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;

import org.scxgamer.api.control.Tunable;

/**
 * The wanted tunables and who set each one last. Every change is written to the kernel as a complete
 * set (the kernel flips slots atomically), and only committed here once that write succeeded.
 */
final class TunableStore {
    /** Where complete sets go (the kernel's double-buffered tunables map). */
    interface Sink {
        void write(Map<Tunable, Long> complete);
    }

    private final EnumMap<Tunable, Long> values = new EnumMap<>(Tunable.class);
    private final EnumMap<Tunable, String> sources = new EnumMap<>(Tunable.class);
    private final Consumer<String> warn;

    TunableStore(Consumer<String> warn) {
        this.warn = warn;
        for (Tunable t : Tunable.values()) {
            values.put(t, t.defaultValue());
        }
    }

    /**
     * Sets some tunables: validates all, writes the complete new set to {@code sink} (if any), then
     * commits. A different source overriding a value wins and is warned about, naming both.
     * @return the entries that changed value
     * @throws IllegalArgumentException for a value out of range (nothing is written)
     */
    synchronized Map<Tunable, Long> set(Map<Tunable, Long> changes, String source, Sink sink) {
        for (Map.Entry<Tunable, Long> e : changes.entrySet()) {
            if (e.getValue() == null) {
                throw new IllegalArgumentException(e.getKey().key() + ": no value");
            }
            e.getKey().check(e.getValue());
        }
        EnumMap<Tunable, Long> next = new EnumMap<>(values);
        next.putAll(changes);
        if (sink != null) {
            sink.write(Collections.unmodifiableMap(next));
        }
        EnumMap<Tunable, Long> changed = new EnumMap<>(Tunable.class);
        for (Map.Entry<Tunable, Long> e : changes.entrySet()) {
            Tunable t = e.getKey();
            String previous = sources.get(t);
            if (previous != null && !previous.equals(source)) {
                warn.accept("Tunable " + t.key() + ": " + source + " sets " + e.getValue() + ", overriding " + values.get(t)
                        + " set by " + previous + " (last writer wins)");
            }
            if (!values.get(t).equals(e.getValue())) {
                changed.put(t, e.getValue());
            }
            sources.put(t, source);
        }
        values.putAll(changes);
        return changed;
    }

    /** Forgets who set what (the values stay): after loading the built-in defaults. */
    synchronized void forget() {
        sources.clear();
    }

    synchronized Map<Tunable, Long> values() {
        return Collections.unmodifiableMap(new EnumMap<>(values));
    }

    /** Who set the tunable last, or null for the built-in default. */
    synchronized String source(Tunable t) {
        return sources.get(t);
    }
}
