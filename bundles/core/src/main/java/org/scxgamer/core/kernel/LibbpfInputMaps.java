package org.scxgamer.core.kernel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.scxgamer.api.control.DeviceInfo;
import org.scxgamer.api.control.WhitelistRule;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * {@link InputMaps} on libbpf: the whitelist (device_rules, with the rules generation bumped in the
 * mapped input_state), the device cache and history, the input state and the input counters. Not
 * thread-safe: used under {@link LibbpfKernel}'s lock.
 */
final class LibbpfInputMaps implements InputMaps {
    private static final VarHandle INT_ATOMIC = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    private final BpfObjects objects;
    private final InputHook hook;
    /** input_state mapped (when the map is BPF_F_MMAPABLE): the rules generation is bumped atomically. */
    private Pointer inputStateMapping;

    LibbpfInputMaps(BpfObjects objects, InputHook hook) {
        this.objects = objects;
        this.hook = hook;
    }

    /** Maps input_state so the rules generation can be bumped atomically beside the BPF writers. */
    void mapInputState() {
        BpfMap state = objects.find(Contract.INPUT_STATE_MAP);
        if (state == null || (state.flags() & Libbpf.BPF_F_MMAPABLE) == 0) {
            return; // setRules() explains
        }
        Pointer p = LibC.mmap(null, LibC.sysconf(LibC.SC_PAGESIZE), LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, state.fd(), 0);
        if (Pointer.nativeValue(p) == LibC.MAP_FAILED) {
            throw new LibbpfException("mmap of map " + Contract.INPUT_STATE_MAP, Native.getLastError(), List.of());
        }
        inputStateMapping = p;
    }

    void unmap() {
        if (inputStateMapping != null) {
            LibC.munmap(inputStateMapping, LibC.sysconf(LibC.SC_PAGESIZE));
            inputStateMapping = null;
        }
    }

    @Override
    public long[] inputStats() {
        return objects.percpuSum(Contract.INPUT_STATS_MAP);
    }

    @Override
    public long hookMisses() {
        return hook.misses();
    }

    @Override
    public void setRules(List<WhitelistRule> rules) {
        BpfMap map = objects.map(Contract.DEVICE_RULES_MAP);
        objects.map(Contract.INPUT_STATE_MAP);
        if (inputStateMapping == null) {
            throw new IllegalStateException("map " + Contract.INPUT_STATE_MAP + " is not BPF_F_MMAPABLE: the BPF objects are out of date");
        }
        Map<Long, WhitelistRule> wanted = new LinkedHashMap<>();
        for (WhitelistRule rule : rules) {
            WhitelistRule before = wanted.put(ruleKey(rule), rule);
            if (before != null) {
                throw new IllegalArgumentException("whitelist rules " + before + " and " + rule + " match the same devices");
            }
        }
        if (wanted.size() > map.maxEntries()) {
            throw new IllegalArgumentException("whitelist has " + wanted.size() + " rules; the kernel map holds at most " + map.maxEntries());
        }
        // New rules first, then the stale ones out: a device is never without its rule in between.
        Memory key = new Memory(Contract.DEVICE_KEY_SIZE);
        Memory value = new Memory(1);
        for (Map.Entry<Long, WhitelistRule> e : wanted.entrySet()) {
            key.setLong(0, e.getKey());
            value.setByte(0, (byte) ruleAction(e.getValue().action()));
            map.update(key, value);
        }
        for (Memory old : map.keys(Contract.DEVICE_KEY_SIZE)) {
            if (!wanted.containsKey(old.getLong(0))) {
                map.delete(old);
            }
        }
        bumpRulesGeneration();
    }

    /** struct scxg_device_key packed into a little-endian u64. */
    private static long ruleKey(WhitelistRule rule) {
        return field(rule.bus()) << (Contract.DEVICE_KEY_BUSTYPE * 8)
                | field(rule.vendor()) << (Contract.DEVICE_KEY_VENDOR * 8)
                | field(rule.product()) << (Contract.DEVICE_KEY_PRODUCT * 8);
    }

    private static long field(int id) {
        return id == WhitelistRule.ANY ? Contract.ANY : id;
    }

    private static int ruleAction(WhitelistRule.Action action) {
        return switch (action) {
            case MOUSE -> Contract.LANE_MOUSE;
            case KEYBOARD -> Contract.LANE_KEYBOARD;
            case CONTROLLER -> Contract.LANE_CONTROLLER;
            case AUTO -> Contract.RULE_AUTO;
            case IGNORE -> Contract.RULE_IGNORE;
        };
    }

    /**
     * An atomic add in the mapped value: rewriting the whole value through the map API would lose what
     * BPF writes meanwhile (held keys, device ids).
     */
    private void bumpRulesGeneration() {
        ByteBuffer state = inputStateMapping.getByteBuffer(0, Contract.INPUT_STATE_SIZE).order(ByteOrder.nativeOrder());
        INT_ATOMIC.getAndAdd(state, Contract.INPUT_STATE_RULES_GENERATION, 1);
    }

    /** The whitelist as the kernel holds it. */
    private List<Map.Entry<Long, Integer>> ruleEntries() {
        BpfMap map = objects.map(Contract.DEVICE_RULES_MAP);
        List<Map.Entry<Long, Integer>> entries = new ArrayList<>();
        Memory value = new Memory(1);
        for (Memory key : map.keys(Contract.DEVICE_KEY_SIZE)) {
            if (map.read(key, value)) {
                entries.add(Map.entry(key.getLong(0), value.getByte(0) & 0xff));
            }
        }
        return entries;
    }

    @Override
    public List<DeviceInfo> devices() {
        BpfMap map = objects.map(Contract.DEVICE_CACHE_MAP);
        Map<Long, Integer> rules = ruleMap();
        List<DeviceInfo> devices = new ArrayList<>();
        Memory value = new Memory(map.valueSize());
        for (Memory key : map.keys(8)) {
            if (!map.read(key, value)) {
                continue; // unregistered meanwhile
            }
            DeviceInfo d = device(value, 0, 0, rules);
            if (d.id() != 0) {
                devices.add(d); // 0: inserted this instant, its id not yet written
            }
        }
        devices.sort(Comparator.comparingInt(DeviceInfo::id));
        return devices;
    }

    /** The device_history slots in use, oldest first (a slot being rewritten this instant is left out). */
    @Override
    public List<DeviceInfo> deviceHistory() {
        BpfMap map = objects.map(Contract.DEVICE_HISTORY_MAP);
        Map<Long, Integer> rules = ruleMap();
        TreeMap<Long, DeviceInfo> bySeq = new TreeMap<>();
        Memory key = new Memory(4);
        Memory value = new Memory(map.valueSize());
        for (int slot = 0; slot < map.maxEntries(); slot++) {
            key.setInt(0, slot);
            map.lookup(key, value);
            long seq = value.getLong(Contract.DEVICE_GONE_SEQ);
            if (seq != 0) {
                bySeq.put(seq, device(value, Contract.DEVICE_GONE_DEVICE, value.getLong(Contract.DEVICE_GONE_DISCONNECTED_NS), rules));
            }
        }
        return List.copyOf(bySeq.values());
    }

    private Map<Long, Integer> ruleMap() {
        Map<Long, Integer> rules = new HashMap<>();
        for (Map.Entry<Long, Integer> e : ruleEntries()) {
            rules.put(e.getKey(), e.getValue());
        }
        return rules;
    }

    /** A struct scxg_device at offset {@code at} of {@code m}. */
    private static DeviceInfo device(Memory m, long at, long disconnectedNanos, Map<Long, Integer> rules) {
        int bus = m.getShort(at + Contract.DEVICE_BUSTYPE) & 0xffff;
        int vendor = m.getShort(at + Contract.DEVICE_VENDOR) & 0xffff;
        int product = m.getShort(at + Contract.DEVICE_PRODUCT) & 0xffff;
        String learned = switch (m.getByte(at + Contract.DEVICE_LEARNED)) {
            case Contract.LEARNED_REGISTER -> "registration";
            case Contract.LEARNED_EVENT -> "first-event";
            default -> "uncached";
        };
        return new DeviceInfo(m.getInt(at + Contract.DEVICE_ID), BpfMap.cString(m, at + Contract.DEVICE_NAME, Contract.DEVICE_NAME_LEN),
                bus, vendor, product, classification(m.getByte(at + Contract.DEVICE_ACTION) & 0xff, bus, vendor, product, rules),
                m.getLong(at + Contract.DEVICE_EVENTS), Math.max(0, m.getInt(at + Contract.DEVICE_HELD_KEYS)),
                m.getLong(at + Contract.DEVICE_CONNECTED_NS), disconnectedNanos, learned);
    }

    /** Action 0 means both "ignored by a rule" and "unlisted": the rules tell which. */
    private static String classification(int action, int bus, int vendor, int product, Map<Long, Integer> rules) {
        return switch (action) {
            case Contract.LANE_MOUSE -> "mouse";
            case Contract.LANE_KEYBOARD -> "keyboard";
            case Contract.LANE_CONTROLLER -> "controller";
            case Contract.RULE_AUTO -> "auto";
            case Contract.RULE_IGNORE -> matchesIgnore(bus, vendor, product, rules) ? "ignored" : "unlisted";
            default -> "unknown action " + action;
        };
    }

    private static boolean matchesIgnore(int bus, int vendor, int product, Map<Long, Integer> rules) {
        int any = WhitelistRule.ANY;
        int[][] order = {{bus, vendor, product}, {bus, vendor, any}, {bus, any, any}, {any, any, any}};
        for (int[] k : order) {
            Integer action = rules.get(field(k[0]) | field(k[1]) << 16 | field(k[2]) << 32);
            if (action != null) {
                return action == Contract.RULE_IGNORE;
            }
        }
        return false;
    }

    /** Keys are the struct scxg_input_state field names; lane_until_ns.LANE per lane (mouse, keyboard, …). */
    @Override
    public Map<String, Long> inputState() {
        Memory v = objects.map(Contract.INPUT_STATE_MAP).first();
        Map<String, Long> state = new LinkedHashMap<>();
        state.put("input_window_until_ns", v.getLong(Contract.INPUT_STATE_WINDOW_UNTIL_NS));
        String[] lanes = {"none", "mouse", "keyboard", "controller", "sched"};
        for (int lane = 0; lane < Contract.LANE_COUNT; lane++) {
            state.put("lane_until_ns." + lanes[lane], v.getLong(Contract.INPUT_STATE_LANE_UNTIL_NS + lane * 8L));
        }
        state.put("last_event_ns", v.getLong(Contract.INPUT_STATE_LAST_EVENT_NS));
        state.put("rate_ema", v.getLong(Contract.INPUT_STATE_RATE_EMA));
        state.put("held_keys", (long) v.getInt(Contract.INPUT_STATE_HELD_KEYS));
        state.put("continuous", v.getInt(Contract.INPUT_STATE_CONTINUOUS) & 0xffffffffL);
        state.put("rules_generation", v.getInt(Contract.INPUT_STATE_RULES_GENERATION) & 0xffffffffL);
        state.put("next_device_id", v.getInt(Contract.INPUT_STATE_NEXT_DEVICE_ID) & 0xffffffffL);
        state.put("device_history_seq", v.getLong(Contract.INPUT_STATE_DEVICE_HISTORY_SEQ));
        return state;
    }
}
