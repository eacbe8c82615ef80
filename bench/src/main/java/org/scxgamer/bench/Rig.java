package org.scxgamer.bench;

import java.util.List;

import org.agrona.DirectBuffer;
import org.scxgamer.api.control.InjectResult;
import org.scxgamer.api.control.InjectedEvent;
import org.scxgamer.api.control.Part;
import org.scxgamer.api.control.PartState;
import org.scxgamer.api.control.PartStatus;
import org.scxgamer.api.control.WhitelistRule;
import org.scxgamer.core.kernel.Contract;
import org.scxgamer.core.kernel.LibbpfKernel;
import org.scxgamer.core.kernel.RingReader;

/**
 * The core's real kernel side (events object, injector, 16 mapped rings; no hook, no scheduler), set
 * up like the C reference: every device AUTO, mouse frames (REL_X, REL_Y, SYN_REPORT) of one device.
 */
final class Rig implements AutoCloseable {
    static final int EV_SYN = 0, EV_REL = 2, REL_X = 0, REL_Y = 1;
    static final int FRAME_EVENTS = 3;
    /** Ring record: 24-byte event + 8-byte header. */
    static final int RECORD_BYTES = Contract.EVENT_SIZE + Contract.RING_HEADER_SIZE;
    /** Events per injector run (LibbpfKernel splits longer injections at 65536). */
    static final int RUN_EVENTS = 65535;
    static final List<InjectedEvent> FRAME = List.of(ev(EV_REL, REL_X), ev(EV_REL, REL_Y), ev(EV_SYN, 0));
    static final List<InjectedEvent> ONE = List.of(ev(EV_REL, REL_X));

    final LibbpfKernel kernel;
    final RingReader rings;
    final int ringBytes;

    private static InjectedEvent ev(int type, int code) {
        return new InjectedEvent(1, 0x03, 0x46d, 0xc077, type, code, 0);
    }

    Rig(int ringBytes) {
        this.ringBytes = ringBytes;
        kernel = LibbpfKernel.open(LibbpfKernel.Options.defaults().withRingBytes(ringBytes).withParts(false, false, true));
        for (PartStatus s : kernel.parts()) {
            if ((s.part() == Part.BUFFERS || s.part() == Part.INJECTOR) && s.state() != PartState.ACTIVE) {
                kernel.close();
                throw new IllegalStateException("benchmarks need the ring buffers and the injector (root, BPF); "
                        + s.part() + " is " + s.state() + ": " + s.reason());
            }
        }
        kernel.setRules(List.of(WhitelistRule.parse("*:*:*=auto")));
        rings = kernel.rings();
    }

    /** Frames one ring holds, in events. */
    int ringEvents() {
        return ringBytes / RECORD_BYTES / FRAME_EVENTS * FRAME_EVENTS;
    }

    /** Injects whole mouse frames on the calling thread's CPU; REL_X values count up from 0 within the call. */
    InjectResult frames(long events) {
        return kernel.inject(FRAME, (int) (events / FRAME_EVENTS), true);
    }

    /** Drains every ring until empty; returns the records handled. */
    long drainAll(RingReader.RecordHandler handler) {
        long total = 0;
        int n;
        while ((n = rings.drain(handler)) > 0) {
            total += n;
        }
        return total;
    }

    /** Empties the rings through a {@link Checker}: one handler type besides the hub keeps the reader's call site bimorphic (inlined) as in production. */
    long drainAll() {
        return drainAll(new Checker());
    }

    @Override
    public void close() {
        kernel.close();
    }

    /**
     * The same per-record work as the C reference's callback: check lane and flags, check REL_X order per ring.
     * Counts instead of throwing so the hot loop stays small.
     */
    static final class Checker implements RingReader.RecordHandler {
        long received;
        long bad;
        long outOfOrder;
        private final long[] lastX = new long[Contract.RING_COUNT];

        void resetOrder() {
            java.util.Arrays.fill(lastX, -1);
        }

        @Override
        public void onRecord(DirectBuffer data, int offset, int ring) {
            received++;
            if (data.getByte(offset + Contract.EVENT_LANE) != Contract.LANE_MOUSE
                    || (data.getByte(offset + Contract.EVENT_FLAGS) & Contract.FLAG_INJECTED) == 0) {
                bad++;
                return;
            }
            if (data.getShort(offset + Contract.EVENT_TYPE) == EV_REL && data.getShort(offset + Contract.EVENT_CODE) == REL_X) {
                int v = data.getInt(offset + Contract.EVENT_VALUE);
                if (v <= lastX[ring]) {
                    outOfOrder++;
                }
                lastX[ring] = v;
            }
        }
    }
}
