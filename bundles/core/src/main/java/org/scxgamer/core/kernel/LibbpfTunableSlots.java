package org.scxgamer.core.kernel;

import java.util.EnumMap;
import java.util.Map;

import org.scxgamer.api.control.Tunable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.jna.Memory;

/**
 * {@link TunableSlots} on libbpf: the double-buffered tunables (map tunables, two slots, and
 * tunables_idx, the active one). A write fills the inactive slot with seq == seq_end == next generation,
 * then flips the index; BPF uses a slot only when both match (scxgamer_contract.h). Not thread-safe:
 * used under {@link LibbpfKernel}'s lock.
 */
final class LibbpfTunableSlots implements TunableSlots {
    private static final Logger LOG = LoggerFactory.getLogger(LibbpfTunableSlots.class);
    private static final long NS_PER_US = 1000;
    private final BpfObjects objects;

    LibbpfTunableSlots(BpfObjects objects) {
        this.objects = objects;
    }

    /** Before the first write BPF runs on its own built-in defaults; from here on on the ones Java shows. */
    void publishDefaults() {
        if (objects.find(Contract.TUNABLES_MAP) != null && objects.find(Contract.TUNABLES_IDX_MAP) != null) {
            try {
                if (generation() == 0) {
                    writeTunables(Map.of());
                }
            } catch (LibbpfException e) {
                LOG.warn("Could not publish the default tunables: {}", e.getMessage());
            }
        }
    }

    @Override
    public void writeTunables(Map<Tunable, Long> values) {
        for (Map.Entry<Tunable, Long> e : values.entrySet()) {
            e.getKey().check(e.getValue());
        }
        BpfMap slots = objects.map(Contract.TUNABLES_MAP);
        BpfMap idx = objects.map(Contract.TUNABLES_IDX_MAP);
        Map<Tunable, Long> all = readTunables();
        all.putAll(values);
        int active = activeSlot(idx);
        long next = slotSeq(slots, active) + 1;
        Memory slot = new Memory(slots.valueSize());
        slot.clear();
        slot.setLong(Contract.TUNABLES_SEQ, next);
        for (Map.Entry<Tunable, Long> e : all.entrySet()) {
            encode(slot, e.getKey(), e.getValue());
        }
        slot.setLong(Contract.TUNABLES_SEQ_END, next);
        Memory key = new Memory(4);
        key.setInt(0, 1 - active);
        slots.update(key, slot);
        Memory flip = new Memory(4);
        flip.setInt(0, 1 - active);
        key.setInt(0, 0);
        idx.update(key, flip);
    }

    @Override
    public Map<Tunable, Long> readTunables() {
        BpfMap slots = objects.map(Contract.TUNABLES_MAP);
        Memory slot = readSlot(slots, activeSlot(objects.map(Contract.TUNABLES_IDX_MAP)));
        Map<Tunable, Long> values = new EnumMap<>(Tunable.class);
        boolean written = slot.getLong(Contract.TUNABLES_SEQ) != 0;
        for (Tunable t : Tunable.values()) {
            values.put(t, written ? decode(slot, t) : t.defaultValue());
        }
        return values;
    }

    /** Generation of the active tunables slot: 0 before the first write, +1 per write. */
    long generation() {
        return slotSeq(objects.map(Contract.TUNABLES_MAP), activeSlot(objects.map(Contract.TUNABLES_IDX_MAP)));
    }

    private static int activeSlot(BpfMap idx) {
        return idx.first().getInt(0) == 1 ? 1 : 0;
    }

    private static long slotSeq(BpfMap slots, int slot) {
        return readSlot(slots, slot).getLong(Contract.TUNABLES_SEQ);
    }

    private static Memory readSlot(BpfMap slots, int slot) {
        Memory key = new Memory(4);
        key.setInt(0, slot);
        Memory value = new Memory(slots.valueSize());
        slots.lookup(key, value);
        return value;
    }

    private static void encode(Memory slot, Tunable t, long value) {
        switch (t) {
            case INPUT_WINDOW_US -> slot.setLong(Contract.TUNABLES_INPUT_WINDOW_NS, value * NS_PER_US);
            case MOUSE_BOOST_US -> slot.setLong(laneBoost(Contract.LANE_MOUSE), value * NS_PER_US);
            case KEYBOARD_BOOST_US -> slot.setLong(laneBoost(Contract.LANE_KEYBOARD), value * NS_PER_US);
            case CONTROLLER_BOOST_US -> slot.setLong(laneBoost(Contract.LANE_CONTROLLER), value * NS_PER_US);
            case SLICE_US -> slot.setLong(Contract.TUNABLES_SLICE_NS, value * NS_PER_US);
            case BOOSTED_SLICE_US -> slot.setLong(Contract.TUNABLES_BOOSTED_SLICE_NS, value * NS_PER_US);
            case LAG_CAP_US -> slot.setLong(Contract.TUNABLES_LAG_CAP_NS, value * NS_PER_US);
            case CONTINUOUS_ON_RATE -> slot.setInt(Contract.TUNABLES_CONTINUOUS_ON_RATE, (int) value);
            case CONTINUOUS_OFF_RATE -> slot.setInt(Contract.TUNABLES_CONTINUOUS_OFF_RATE, (int) value);
            case INPUT_BOOST_SHIFT -> slot.setInt(classShift(Contract.CLASS_INPUT), (int) value);
            case FOREGROUND_BOOST_SHIFT -> slot.setInt(classShift(Contract.CLASS_FOREGROUND), (int) value);
            case PREEMPT -> slot.setInt(Contract.TUNABLES_PREEMPT, (int) value);
            case BEHAVIOUR_CLASSIFY -> slot.setInt(Contract.TUNABLES_BEHAVIOUR_CLASSIFY, (int) value);
            case AUDIO_BOOST_SHIFT -> slot.setInt(classShift(Contract.CLASS_AUDIO), (int) value);
            case AUDIO_CLASSIFY -> slot.setInt(Contract.TUNABLES_AUDIO_CLASSIFY, (int) value);
            case TOPOLOGY_PREFER -> slot.setInt(Contract.TUNABLES_TOPO_PREFER, (int) value);
            case RENDER_BOOST_SHIFT -> slot.setInt(classShift(Contract.CLASS_RENDER), (int) value);
            case RENDER_CLASSIFY -> slot.setInt(Contract.TUNABLES_RENDER_CLASSIFY, (int) value);
            case RENDER_HOLD_MS -> slot.setInt(Contract.TUNABLES_RENDER_HOLD_MS, (int) value);
            case FUTEX_BOOST -> slot.setInt(Contract.TUNABLES_FUTEX_BOOST, (int) value);
            case FUTEX_BOOST_SHIFT -> slot.setInt(Contract.TUNABLES_FUTEX_BOOST_SHIFT, (int) value);
            case NTSYNC_BOOST -> slot.setInt(Contract.TUNABLES_NTSYNC_BOOST, (int) value);
            case NTSYNC_BOOST_SHIFT -> slot.setInt(Contract.TUNABLES_NTSYNC_BOOST_SHIFT, (int) value);
            case DEBUG_ERROR -> slot.setInt(Contract.TUNABLES_DEBUG_ERROR, (int) value);
        }
    }

    private static long decode(Memory slot, Tunable t) {
        return switch (t) {
            case INPUT_WINDOW_US -> slot.getLong(Contract.TUNABLES_INPUT_WINDOW_NS) / NS_PER_US;
            case MOUSE_BOOST_US -> slot.getLong(laneBoost(Contract.LANE_MOUSE)) / NS_PER_US;
            case KEYBOARD_BOOST_US -> slot.getLong(laneBoost(Contract.LANE_KEYBOARD)) / NS_PER_US;
            case CONTROLLER_BOOST_US -> slot.getLong(laneBoost(Contract.LANE_CONTROLLER)) / NS_PER_US;
            case SLICE_US -> slot.getLong(Contract.TUNABLES_SLICE_NS) / NS_PER_US;
            case BOOSTED_SLICE_US -> slot.getLong(Contract.TUNABLES_BOOSTED_SLICE_NS) / NS_PER_US;
            case LAG_CAP_US -> slot.getLong(Contract.TUNABLES_LAG_CAP_NS) / NS_PER_US;
            case CONTINUOUS_ON_RATE -> slot.getInt(Contract.TUNABLES_CONTINUOUS_ON_RATE) & 0xffffffffL;
            case CONTINUOUS_OFF_RATE -> slot.getInt(Contract.TUNABLES_CONTINUOUS_OFF_RATE) & 0xffffffffL;
            case INPUT_BOOST_SHIFT -> slot.getInt(classShift(Contract.CLASS_INPUT)) & 0xffffffffL;
            case FOREGROUND_BOOST_SHIFT -> slot.getInt(classShift(Contract.CLASS_FOREGROUND)) & 0xffffffffL;
            case PREEMPT -> slot.getInt(Contract.TUNABLES_PREEMPT) & 0xffffffffL;
            case BEHAVIOUR_CLASSIFY -> slot.getInt(Contract.TUNABLES_BEHAVIOUR_CLASSIFY) & 0xffffffffL;
            case AUDIO_BOOST_SHIFT -> slot.getInt(classShift(Contract.CLASS_AUDIO)) & 0xffffffffL;
            case AUDIO_CLASSIFY -> slot.getInt(Contract.TUNABLES_AUDIO_CLASSIFY) & 0xffffffffL;
            case TOPOLOGY_PREFER -> slot.getInt(Contract.TUNABLES_TOPO_PREFER) & 0xffffffffL;
            case RENDER_BOOST_SHIFT -> slot.getInt(classShift(Contract.CLASS_RENDER)) & 0xffffffffL;
            case RENDER_CLASSIFY -> slot.getInt(Contract.TUNABLES_RENDER_CLASSIFY) & 0xffffffffL;
            case RENDER_HOLD_MS -> slot.getInt(Contract.TUNABLES_RENDER_HOLD_MS) & 0xffffffffL;
            case FUTEX_BOOST -> slot.getInt(Contract.TUNABLES_FUTEX_BOOST) & 0xffffffffL;
            case FUTEX_BOOST_SHIFT -> slot.getInt(Contract.TUNABLES_FUTEX_BOOST_SHIFT) & 0xffffffffL;
            case NTSYNC_BOOST -> slot.getInt(Contract.TUNABLES_NTSYNC_BOOST) & 0xffffffffL;
            case NTSYNC_BOOST_SHIFT -> slot.getInt(Contract.TUNABLES_NTSYNC_BOOST_SHIFT) & 0xffffffffL;
            case DEBUG_ERROR -> slot.getInt(Contract.TUNABLES_DEBUG_ERROR) & 0xffffffffL;
        };
    }

    private static long laneBoost(int lane) {
        return Contract.TUNABLES_LANE_BOOST_NS + lane * 8L;
    }

    private static long classShift(int taskClass) {
        return Contract.TUNABLES_CLASS_BOOST_SHIFT + taskClass * 4L;
    }
}
