package org.scxgamer.core.events;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

import org.scxgamer.api.event.InputEventListener;
import org.scxgamer.api.event.Lane;
import org.scxgamer.common.config.ConfigReader;

/**
 * What a listener asked for through its service properties ({@link InputEventListener#LANES},
 * {@link InputEventListener#TYPES}, {@link InputEventListener#QUEUE_CAPACITY},
 * {@link InputEventListener#NON_BLOCKING}). Matching is allocation-free: a lane bit mask and a type bit set.
 */
final class SubscriberFilter {
    static final int MIN_CAPACITY = 64;
    static final int MAX_CAPACITY = 1 << 20;

    private final int laneMask;   // 0 = every lane
    private final BitSet types;   // null = every type
    private final int capacity;
    private final boolean nonBlocking;
    private final String text;

    private SubscriberFilter(int laneMask, BitSet types, int capacity, boolean nonBlocking, String text) {
        this.laneMask = laneMask;
        this.types = types;
        this.capacity = capacity;
        this.nonBlocking = nonBlocking;
        this.text = text;
    }

    boolean matches(int laneId, int type) {
        return (laneMask == 0 || (laneMask & (1 << laneId)) != 0) && (types == null || types.get(type));
    }

    /** No lane or type filter: every event matches. */
    boolean matchesAll() {
        return laneMask == 0 && types == null;
    }

    int capacity() {
        return capacity;
    }

    /** The listener declared itself non-blocking: it asks to run on the reader thread. */
    boolean nonBlocking() {
        return nonBlocking;
    }

    /** E.g. "lanes=[MOUSE] types=[1, 2]" or "all events". */
    @Override
    public String toString() {
        return text;
    }

    /**
     * Reads the filter properties of a listener service.
     * @throws IllegalArgumentException naming the property, the bad value and what is accepted
     */
    static SubscriberFilter of(Object lanesProp, Object typesProp, Object capacityProp, Object nonBlockingProp) {
        int mask = 0;
        List<String> laneNames = new ArrayList<>();
        for (String s : ConfigReader.strings(lanesProp)) {
            Lane lane;
            try {
                lane = Lane.valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(InputEventListener.LANES + ": unknown lane '" + s
                        + "', accepted: MOUSE, KEYBOARD, CONTROLLER, SCHED, NONE");
            }
            mask |= 1 << lane.id();
            laneNames.add(lane.name());
        }
        BitSet types = null;
        List<Integer> typeList = new ArrayList<>();
        for (String s : ConfigReader.strings(typesProp)) {
            int t;
            try {
                t = Integer.decode(s.trim());
            } catch (NumberFormatException e) {
                t = -1;
            }
            if (t < 0 || t > 0xffff) {
                throw new IllegalArgumentException(InputEventListener.TYPES + ": '" + s
                        + "' is not an input event type, accepted: integers 0 .. 65535 (e.g. 1 for EV_KEY)");
            }
            if (types == null) {
                types = new BitSet(0x10000);
            }
            types.set(t);
            typeList.add(t);
        }
        int capacity = InputEventListener.DEFAULT_QUEUE_CAPACITY;
        if (capacityProp != null) {
            long c;
            try {
                c = capacityProp instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(capacityProp).trim());
            } catch (NumberFormatException e) {
                c = -1;
            }
            if (c < 1 || c > MAX_CAPACITY) {
                throw new IllegalArgumentException(InputEventListener.QUEUE_CAPACITY + ": '" + capacityProp
                        + "' is out of range, accepted: " + MIN_CAPACITY + " .. " + MAX_CAPACITY + " (rounded up to a power of two)");
            }
            int pow2 = Integer.highestOneBit((int) c);
            capacity = Math.max(MIN_CAPACITY, pow2 < c ? pow2 << 1 : pow2);
        }
        boolean nonBlocking = false;
        if (nonBlockingProp != null) {
            String v = String.valueOf(nonBlockingProp).trim().toLowerCase(Locale.ROOT);
            if (!v.equals("true") && !v.equals("false")) {
                throw new IllegalArgumentException(InputEventListener.NON_BLOCKING + ": '" + nonBlockingProp
                        + "' is not a boolean, accepted: true or false");
            }
            nonBlocking = v.equals("true");
        }
        String text = (mask == 0 ? "all lanes" : "lanes=" + laneNames) + " " + (types == null ? "all types" : "types=" + typeList);
        return new SubscriberFilter(mask, types, capacity, nonBlocking, text);
    }
}
