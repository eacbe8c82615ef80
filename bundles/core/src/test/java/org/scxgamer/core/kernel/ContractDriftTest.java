package org.scxgamer.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.scxgamer.core.kernel.Contract.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Compares {@link Contract} with the BTF of the compiled objects: every struct size, member offset and
 * size, every enum constant, and the ring maps. A contract type missing from an object that defines the
 * shared maps fails too: the BPF side must keep it in its BTF.
 */
class ContractDriftTest {

    private record M(String name, int offset, int size) {
    }

    private record S(String name, int size, List<M> members) {
    }

    private static M m(String name, int offset, int size) {
        return new M(name, offset, size);
    }

    private static S s(String name, int size, M... members) {
        return new S(name, size, List.of(members));
    }

    private static final List<S> STRUCTS = List.of(
            s("scxg_event", EVENT_SIZE, m("timestamp_ns", EVENT_TIMESTAMP_NS, 8), m("device_id", EVENT_DEVICE_ID, 4),
                    m("type", EVENT_TYPE, 2), m("code", EVENT_CODE, 2), m("value", EVENT_VALUE, 4), m("cpu", EVENT_CPU, 2),
                    m("lane", EVENT_LANE, 1), m("flags", EVENT_FLAGS, 1)),
            s("scxg_device_key", DEVICE_KEY_SIZE, m("bustype", DEVICE_KEY_BUSTYPE, 2), m("vendor", DEVICE_KEY_VENDOR, 2),
                    m("product", DEVICE_KEY_PRODUCT, 2), m("reserved", DEVICE_KEY_RESERVED, 2)),
            s("scxg_device", DEVICE_SIZE, m("events", DEVICE_EVENTS, 8), m("connected_ns", DEVICE_CONNECTED_NS, 8),
                    m("id", DEVICE_ID, 4), m("rules_generation", DEVICE_RULES_GENERATION, 4),
                    m("held_keys", DEVICE_HELD_KEYS, 4), m("bustype", DEVICE_BUSTYPE, 2),
                    m("vendor", DEVICE_VENDOR, 2), m("product", DEVICE_PRODUCT, 2), m("action", DEVICE_ACTION, 1),
                    m("last_lane", DEVICE_LAST_LANE, 1), m("learned", DEVICE_LEARNED, 1), m("reserved", DEVICE_RESERVED, 3),
                    m("name", DEVICE_NAME, DEVICE_NAME_LEN)),
            s("scxg_device_gone", DEVICE_GONE_SIZE, m("device", DEVICE_GONE_DEVICE, DEVICE_SIZE),
                    m("disconnected_ns", DEVICE_GONE_DISCONNECTED_NS, 8), m("seq", DEVICE_GONE_SEQ, 8)),
            s("scxg_input_state", INPUT_STATE_SIZE, m("input_window_until_ns", INPUT_STATE_WINDOW_UNTIL_NS, 8),
                    m("lane_until_ns", INPUT_STATE_LANE_UNTIL_NS, 8 * LANE_COUNT), m("last_event_ns", INPUT_STATE_LAST_EVENT_NS, 8),
                    m("rate_ema", INPUT_STATE_RATE_EMA, 8), m("held_keys", INPUT_STATE_HELD_KEYS, 4),
                    m("continuous", INPUT_STATE_CONTINUOUS, 4), m("rules_generation", INPUT_STATE_RULES_GENERATION, 4),
                    m("next_device_id", INPUT_STATE_NEXT_DEVICE_ID, 4),
                    m("device_history_seq", INPUT_STATE_DEVICE_HISTORY_SEQ, 8)),
            s("scxg_tunables", TUNABLES_SIZE, m("seq", TUNABLES_SEQ, 8), m("input_window_ns", TUNABLES_INPUT_WINDOW_NS, 8),
                    m("lane_boost_ns", TUNABLES_LANE_BOOST_NS, 8 * LANE_COUNT), m("slice_ns", TUNABLES_SLICE_NS, 8),
                    m("boosted_slice_ns", TUNABLES_BOOSTED_SLICE_NS, 8), m("lag_cap_ns", TUNABLES_LAG_CAP_NS, 8),
                    m("continuous_on_rate", TUNABLES_CONTINUOUS_ON_RATE, 4), m("continuous_off_rate", TUNABLES_CONTINUOUS_OFF_RATE, 4),
                    m("class_boost_shift", TUNABLES_CLASS_BOOST_SHIFT, 4 * CLASS_SLOTS), m("preempt", TUNABLES_PREEMPT, 4),
                    m("behaviour_classify", TUNABLES_BEHAVIOUR_CLASSIFY, 4), m("audio_classify", TUNABLES_AUDIO_CLASSIFY, 4),
                    m("topo_prefer", TUNABLES_TOPO_PREFER, 4),
                    m("render_classify", TUNABLES_RENDER_CLASSIFY, 4), m("render_hold_ms", TUNABLES_RENDER_HOLD_MS, 4),
                    m("futex_boost", TUNABLES_FUTEX_BOOST, 4),
                    m("futex_boost_shift", TUNABLES_FUTEX_BOOST_SHIFT, 4), m("ntsync_boost", TUNABLES_NTSYNC_BOOST, 4),
                    m("ntsync_boost_shift", TUNABLES_NTSYNC_BOOST_SHIFT, 4), m("debug_error", TUNABLES_DEBUG_ERROR, 4),
                    m("seq_end", TUNABLES_SEQ_END, 8)),
            s("scxg_exit_info", EXIT_INFO_SIZE, m("seq", EXIT_INFO_SEQ, 8), m("exit_code", EXIT_INFO_EXIT_CODE, 8),
                    m("kind", EXIT_INFO_KIND, 4), m("reserved", EXIT_INFO_RESERVED, 4), m("reason", EXIT_INFO_REASON, EXIT_REASON_LEN),
                    m("msg", EXIT_INFO_MSG, EXIT_MSG_LEN)),
            s("scxg_exit_dump", EXIT_DUMP_LEN, m("text", EXIT_DUMP_TEXT, EXIT_DUMP_LEN)),
            s("scxg_inject_event", INJECT_EVENT_SIZE, m("dev_key", INJECT_EVENT_DEV_KEY, 8), m("bustype", INJECT_EVENT_BUSTYPE, 2),
                    m("vendor", INJECT_EVENT_VENDOR, 2), m("product", INJECT_EVENT_PRODUCT, 2), m("type", INJECT_EVENT_TYPE, 2),
                    m("code", INJECT_EVENT_CODE, 2), m("op", INJECT_EVENT_OP, 2), m("value", INJECT_EVENT_VALUE, 4)),
            s("scxg_inject_args", INJECT_ARGS_SIZE, m("count", INJECT_ARGS_COUNT, 4), m("repeat", INJECT_ARGS_REPEAT, 4),
                    m("flags", INJECT_ARGS_FLAGS, 4), m("reserved", INJECT_ARGS_RESERVED, 4), m("submitted", INJECT_ARGS_SUBMITTED, 8),
                    m("dropped", INJECT_ARGS_DROPPED, 8), m("filtered", INJECT_ARGS_FILTERED, 8),
                    m("events", INJECT_ARGS_EVENTS, INJECT_MAX * INJECT_EVENT_SIZE)),
            s("scxg_sched_hints", SCHED_HINTS_SIZE, m("foreground_tgid", SCHED_HINTS_FOREGROUND_TGID, 4),
                    m("reader_tid", SCHED_HINTS_READER_TID, 4)),
            s("scxg_topology", TOPOLOGY_SIZE, m("flags", TOPOLOGY_FLAGS, 4), m("nr_cpus", TOPOLOGY_NR_CPUS, 4),
                    m("nr_llcs", TOPOLOGY_NR_LLCS, 4), m("nr_cores", TOPOLOGY_NR_CORES, 4)),
            s("scxg_cpu_topo", CPU_TOPO_SIZE, m("core", CPU_TOPO_CORE, 4), m("llc", CPU_TOPO_LLC, 4), m("node", CPU_TOPO_NODE, 2),
                    m("capacity", CPU_TOPO_CAPACITY, 2), m("flags", CPU_TOPO_FLAGS, 4)),
            s("scxg_render_task", RENDER_TASK_SIZE, m("last_commit_ns", RENDER_TASK_LAST_COMMIT_NS, 8),
                    m("commits", RENDER_TASK_COMMITS, 8)),

            s("scxg_waker_state", WAKER_STATE_SIZE, m("pcm_task", WAKER_STATE_PCM_TASK, 8),
                    m("futex_task", WAKER_STATE_FUTEX_TASK, 8), m("ntsync_task", WAKER_STATE_NTSYNC_TASK, 8)));

    private static final Map<String, Map<String, Long>> ENUMS = new LinkedHashMap<>();

    static {
        ENUMS.put("scxg_lane", Map.of("SCXG_LANE_NONE", (long) LANE_NONE, "SCXG_LANE_MOUSE", (long) LANE_MOUSE,
                "SCXG_LANE_KEYBOARD", (long) LANE_KEYBOARD, "SCXG_LANE_CONTROLLER", (long) LANE_CONTROLLER,
                "SCXG_LANE_SCHED", (long) LANE_SCHED, "SCXG_LANE_COUNT", (long) LANE_COUNT));
        ENUMS.put("scxg_rule_action", Map.of("SCXG_RULE_IGNORE", (long) RULE_IGNORE, "SCXG_RULE_AUTO", (long) RULE_AUTO));
        ENUMS.put("scxg_event_flags", Map.of("SCXG_FLAG_BOOSTED", (long) FLAG_BOOSTED, "SCXG_FLAG_INJECTED", (long) FLAG_INJECTED,
                "SCXG_FLAG_CONTINUOUS", (long) FLAG_CONTINUOUS));
        Map<String, Long> stats = new LinkedHashMap<>();
        String[] statNames = {"SEEN", "FROM_HOOK", "INJECTED", "SUBMITTED", "FILTERED", "LANE_MOUSE", "LANE_KEYBOARD",
                "LANE_CONTROLLER", "KEY_PRESS", "KEY_RELEASE", "KEY_REPEAT", "BOOSTS", "CONTINUOUS_ON", "DEVICE_CACHE_MISS",
                "DEVICE_CONNECTS", "DEVICE_DISCONNECTS", "DEVICE_UNCACHED", "DEVICE_GONE", "AUDIO_PERIODS", "RENDER_COMMITS",
                "RENDER_FLIPS", "FUTEX_WAKES", "NTSYNC_WAKES", "DROPPED", "RING_DROP_BASE", "COUNT"};
        int[] statValues = {STAT_SEEN, STAT_FROM_HOOK, STAT_INJECTED, STAT_SUBMITTED, STAT_FILTERED, STAT_LANE_MOUSE,
                STAT_LANE_KEYBOARD, STAT_LANE_CONTROLLER, STAT_KEY_PRESS, STAT_KEY_RELEASE, STAT_KEY_REPEAT, STAT_BOOSTS,
                STAT_CONTINUOUS_ON, STAT_DEVICE_CACHE_MISS, STAT_DEVICE_CONNECTS, STAT_DEVICE_DISCONNECTS, STAT_DEVICE_UNCACHED,
                STAT_DEVICE_GONE, STAT_AUDIO_PERIODS, STAT_RENDER_COMMITS, STAT_RENDER_FLIPS, STAT_FUTEX_WAKES, STAT_NTSYNC_WAKES, STAT_DROPPED, STAT_RING_DROP_BASE, STAT_COUNT};
        for (int i = 0; i < statNames.length; i++) {
            stats.put("SCXG_STAT_" + statNames[i], (long) statValues[i]);
        }
        ENUMS.put("scxg_stat", stats);
        ENUMS.put("scxg_task_class", Map.of("SCXG_CLASS_DEFAULT", (long) CLASS_DEFAULT, "SCXG_CLASS_INPUT", (long) CLASS_INPUT,
                "SCXG_CLASS_FOREGROUND", (long) CLASS_FOREGROUND, "SCXG_CLASS_BACKGROUND", (long) CLASS_BACKGROUND,
                "SCXG_CLASS_AUDIO", (long) CLASS_AUDIO, "SCXG_CLASS_RENDER", (long) CLASS_RENDER, "SCXG_CLASS_COUNT", (long) CLASS_COUNT));
        Map<String, Long> sched = new LinkedHashMap<>();
        String[] schedNames = {"ENQUEUED", "DIRECT_DISPATCHED", "SHARED_DISPATCHED", "BOOSTED", "PREEMPT_KICKS",
                "BEHAVIOUR_CLASSIFIED", "WAKE_SAMPLES", "WAKE_SAMPLES_DROPPED", "WAKE_SAMPLES_THROTTLED", "READER_WAKEUPS",
                "READER_WAKE_NS", "READER_WAKE_SLOW", "PREEMPT_LOWER", "AUDIO_CLASSIFIED", "AUDIO_BOOSTED",
                "PREEMPT_LOCAL", "PREEMPT_NONE", "PREEMPT_NONE_YOUNG", "PREEMPT_BEHIND", "TOPO_IDLE_CORE", "TOPO_IDLE_SIBLING", "TOPO_LLC_LOCAL", "TOPO_LLC_REMOTE", "TOPO_PREFERRED", "TOPO_STEALS",
                "RENDER_CLASSIFIED", "RENDER_BOOSTED", "AUDIO_WAKEUPS", "FUTEX_HANDOFFS",
                "FUTEX_BOOSTED", "NTSYNC_HANDOFFS", "NTSYNC_BOOSTED", "PREEMPT_DEFERRED", "PREEMPT_DEFERRED_KICKS", "STAT_COUNT"};
        int[] schedValues = {SCHED_STAT_ENQUEUED, SCHED_STAT_DIRECT_DISPATCHED, SCHED_STAT_SHARED_DISPATCHED, SCHED_STAT_BOOSTED,
                SCHED_STAT_PREEMPT_KICKS, SCHED_STAT_BEHAVIOUR_CLASSIFIED, SCHED_STAT_WAKE_SAMPLES,
                SCHED_STAT_WAKE_SAMPLES_DROPPED, SCHED_STAT_WAKE_SAMPLES_THROTTLED, SCHED_STAT_READER_WAKEUPS,
                SCHED_STAT_READER_WAKE_NS, SCHED_STAT_READER_WAKE_SLOW, SCHED_STAT_PREEMPT_LOWER,
                SCHED_STAT_AUDIO_CLASSIFIED, SCHED_STAT_AUDIO_BOOSTED, SCHED_STAT_PREEMPT_LOCAL, SCHED_STAT_PREEMPT_NONE,
                SCHED_STAT_PREEMPT_NONE_YOUNG, SCHED_STAT_PREEMPT_BEHIND, SCHED_STAT_TOPO_IDLE_CORE, SCHED_STAT_TOPO_IDLE_SIBLING,
                SCHED_STAT_TOPO_LLC_LOCAL, SCHED_STAT_TOPO_LLC_REMOTE, SCHED_STAT_TOPO_PREFERRED, SCHED_STAT_TOPO_STEALS,
                SCHED_STAT_RENDER_CLASSIFIED, SCHED_STAT_RENDER_BOOSTED, SCHED_STAT_AUDIO_WAKEUPS,
                SCHED_STAT_FUTEX_HANDOFFS, SCHED_STAT_FUTEX_BOOSTED, SCHED_STAT_NTSYNC_HANDOFFS,
                SCHED_STAT_NTSYNC_BOOSTED, SCHED_STAT_PREEMPT_DEFERRED, SCHED_STAT_PREEMPT_DEFERRED_KICKS, SCHED_STAT_COUNT};
        for (int i = 0; i < schedNames.length; i++) {
            sched.put("SCXG_SCHED_" + schedNames[i], (long) schedValues[i]);
        }
        ENUMS.put("scxg_sched_stat", sched);
        ENUMS.put("scxg_topo_flags", Map.of("SCXG_TOPO_VALID", (long) TOPO_VALID, "SCXG_TOPO_SMT", (long) TOPO_SMT));
        ENUMS.put("scxg_cpu_flags", Map.of("SCXG_CPU_CACHE", (long) CPU_CACHE, "SCXG_CPU_FAST", (long) CPU_FAST));
        ENUMS.put("scxg_topo_prefer", Map.of("SCXG_TOPO_PREFER_NONE", 0L, "SCXG_TOPO_PREFER_FAST", 1L, "SCXG_TOPO_PREFER_CACHE", 2L));
        ENUMS.put("scxg_record_type", Map.of("SCXG_TYPE_SCHED_WAKE", (long) TYPE_SCHED_WAKE, "SCXG_TYPE_FRAME", (long) TYPE_FRAME,
                "SCXG_TYPE_SCHED_EXIT", (long) TYPE_SCHED_EXIT));
        ENUMS.put("scxg_inject_flags", Map.of("SCXG_INJECT_VALUE_SEQ", (long) INJECT_VALUE_SEQ));
        ENUMS.put("scxg_inject_op", Map.of("SCXG_INJECT_EVENT", (long) INJECT_OP_EVENT, "SCXG_INJECT_CONNECT", (long) INJECT_OP_CONNECT,
                "SCXG_INJECT_DISCONNECT", (long) INJECT_OP_DISCONNECT));
        ENUMS.put("scxg_device_learned", Map.of("SCXG_LEARNED_NONE", (long) LEARNED_NONE, "SCXG_LEARNED_REGISTER", (long) LEARNED_REGISTER,
                "SCXG_LEARNED_EVENT", (long) LEARNED_EVENT));
    }

    private static final List<String> SHARED_MAPS = List.of(INPUT_STATS_MAP, DEVICE_RULES_MAP, DEVICE_CACHE_MAP, DEVICE_HISTORY_MAP,
            INPUT_STATE_MAP, TUNABLES_MAP, TUNABLES_IDX_MAP, TASK_CLASSES_MAP, SCHED_HINTS_MAP, SCHED_STATS_MAP, EXIT_INFO_MAP, EXIT_DUMP_MAP,
            TOPOLOGY_MAP, CPU_TOPO_MAP, RENDER_TASKS_MAP, WAKER_STATE_MAP);

    private static Btf btf(String object) throws IOException {
        byte[] bytes = LibbpfKernel.bundledObject(object);
        assertThat(bytes).as("BPF object /bpf/%s on the test class path (built by bpf/Makefile)", object).isNotNull();
        return Btf.of(bytes);
    }

    @Test
    void eventsObjectMatchesTheContract() throws IOException {
        assertMatches(Contract.EVENTS_OBJECT, btf(Contract.EVENTS_OBJECT), true);
    }

    @Test
    void hookObjectMatchesTheContract() throws IOException {
        assertMatches(Contract.HOOK_OBJECT, btf(Contract.HOOK_OBJECT), false);
    }

    @Test
    void renderObjectMatchesTheContract() throws IOException {
        assertMatches(Contract.RENDER_OBJECT, btf(Contract.RENDER_OBJECT), false);
    }

    @Test
    void schedObjectMatchesTheContract() throws IOException {
        Btf sched = btf(Contract.SCHED_OBJECT);
        assertMatches(Contract.SCHED_OBJECT, sched, false);
        assertThat(sched.datasecs.get(".struct_ops.link")).as("struct_ops maps of %s", Contract.SCHED_OBJECT)
                .containsExactly(SCHED_OPS_MAP);
    }

    @Test
    void ringMapsAreExactlyRingCount() throws IOException {
        List<String> maps = btf(Contract.EVENTS_OBJECT).datasecs.get(".maps");
        assertThat(maps).as(".maps of %s", Contract.EVENTS_OBJECT).isNotNull();
        List<String> rings = new ArrayList<>();
        for (String m : maps) {
            if (m.matches(RING_MAP_PREFIX + "\\d+")) {
                rings.add(m);
            }
        }
        List<String> expected = new ArrayList<>();
        for (int r = 0; r < RING_COUNT; r++) {
            expected.add(RING_MAP_PREFIX + r);
        }
        assertThat(rings).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(maps).containsAll(SHARED_MAPS);
    }

    /** A map the loader does not share is created again by every object: the hooks and the scheduler would not meet. */
    @Test
    void theLoaderSharesEveryMapOfTheEventsObject() throws IOException {
        List<String> maps = btf(Contract.EVENTS_OBJECT).datasecs.get(".maps");
        assertThat(maps).as(".maps of %s", Contract.EVENTS_OBJECT).isNotEmpty();
        assertThat(maps).as("maps of scxgamer_maps.bpf.h that BpfObjects does not reuse across objects")
                .filteredOn(m -> !BpfObjects.isShared(m)).isEmpty();
    }

    /** @param complete every contract type must be present (the object that owns the shared maps) */
    private static void assertMatches(String object, Btf btf, boolean complete) {
        List<String> problems = new ArrayList<>();
        for (S spec : STRUCTS) {
            Btf.Struct actual = btf.structs.get(spec.name);
            if (actual == null) {
                if (complete) {
                    problems.add("struct " + spec.name + " missing from the BTF (the BPF side must reference it)");
                }
                continue;
            }
            if (actual.size() != spec.size) {
                problems.add("struct " + spec.name + ": size " + actual.size() + " in BTF, " + spec.size + " in Contract");
            }
            for (M m : spec.members) {
                Btf.Member am = actual.member(m.name);
                if (am == null) {
                    problems.add(spec.name + "." + m.name + " missing in BTF");
                } else if (am.offset() != m.offset || am.size() != m.size) {
                    problems.add(spec.name + "." + m.name + ": offset/size " + am.offset() + "/" + am.size() + " in BTF, "
                            + m.offset + "/" + m.size + " in Contract");
                }
            }
            for (Btf.Member am : actual.members()) {
                if (spec.members.stream().noneMatch(m -> m.name.equals(am.name()))) {
                    problems.add(spec.name + "." + am.name() + " is in BTF but not in Contract");
                }
            }
        }
        for (Map.Entry<String, Map<String, Long>> spec : ENUMS.entrySet()) {
            Map<String, Long> actual = btf.enums.get(spec.getKey());
            if (actual == null) {
                if (complete) {
                    problems.add("enum " + spec.getKey() + " missing from the BTF (the BPF side must reference it)");
                }
                continue;
            }
            if (!actual.equals(spec.getValue())) {
                problems.add("enum " + spec.getKey() + ": " + actual + " in BTF, " + spec.getValue() + " in Contract");
            }
        }
        assertThat(problems).as("contract drift in %s", object).isEmpty();
    }
}
