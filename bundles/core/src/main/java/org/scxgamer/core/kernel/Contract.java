package org.scxgamer.core.kernel;

/**
 * Java mirror of {@code bpf/include/scxgamer_contract.h}: the only place Java knows the BPF data
 * layout. Offsets are byte offsets inside the named struct; everything is little-endian and naturally
 * aligned. {@code ContractDriftTest} compares every value here with the compiled objects' BTF.
 */
public final class Contract {

    public static final int RING_COUNT = 16;

    /** Ring buffer record framing (kernel ring buffer protocol): 8-byte header, payload rounded up to 8. */
    public static final int RING_HEADER_SIZE = 8;
    public static final int RING_BUSY_BIT = 1 << 31;
    public static final int RING_DISCARD_BIT = 1 << 30;
    /** Bytes one event occupies in a ring. */
    public static final int RING_RECORD_SIZE = RING_HEADER_SIZE + 24;

    // enum scxg_lane
    public static final int LANE_NONE = 0;
    public static final int LANE_MOUSE = 1;
    public static final int LANE_KEYBOARD = 2;
    public static final int LANE_CONTROLLER = 3;
    public static final int LANE_SCHED = 4;
    public static final int LANE_COUNT = 5;

    // enum scxg_rule_action (otherwise the rule value is a lane)
    public static final int RULE_IGNORE = 0;
    public static final int RULE_AUTO = 0xff;
    /** SCXG_ANY: wildcard in a whitelist key field. */
    public static final int ANY = 0xffff;

    // enum scxg_event_flags
    public static final int FLAG_BOOSTED = 1;
    public static final int FLAG_INJECTED = 1 << 1;
    public static final int FLAG_CONTINUOUS = 1 << 2;

    // enum scxg_record_type: the kernel side's own records on lane SCHED
    public static final int TYPE_SCHED_WAKE = 0xf001;
    /** SCXG_TYPE_FRAME: display flips on lane SCHED (the render hook). */
    public static final int TYPE_FRAME = 0xf002;
    /** SCXG_TYPE_SCHED_EXIT: the scheduler's ops.exit ran (value: exit_info's seq, code: the exit kind). */
    public static final int TYPE_SCHED_EXIT = 0xf003;

    // struct scxg_event
    public static final int EVENT_SIZE = 24;
    public static final int EVENT_TIMESTAMP_NS = 0;
    public static final int EVENT_DEVICE_ID = 8;
    public static final int EVENT_TYPE = 12;
    public static final int EVENT_CODE = 14;
    public static final int EVENT_VALUE = 16;
    public static final int EVENT_CPU = 20;
    public static final int EVENT_LANE = 22;
    public static final int EVENT_FLAGS = 23;

    // struct scxg_device_key
    public static final int DEVICE_KEY_SIZE = 8;
    public static final int DEVICE_KEY_BUSTYPE = 0;
    public static final int DEVICE_KEY_VENDOR = 2;
    public static final int DEVICE_KEY_PRODUCT = 4;
    public static final int DEVICE_KEY_RESERVED = 6;

    // struct scxg_device
    public static final int DEVICE_NAME_LEN = 32;
    public static final int DEVICE_SIZE = 72;
    public static final int DEVICE_EVENTS = 0;
    public static final int DEVICE_CONNECTED_NS = 8;
    public static final int DEVICE_ID = 16;
    public static final int DEVICE_RULES_GENERATION = 20;
    public static final int DEVICE_HELD_KEYS = 24;
    public static final int DEVICE_BUSTYPE = 28;
    public static final int DEVICE_VENDOR = 30;
    public static final int DEVICE_PRODUCT = 32;
    public static final int DEVICE_ACTION = 34;
    /** Lane of the device's last input event (EV_SYN/EV_MSC of AUTO devices follow it). */
    public static final int DEVICE_LAST_LANE = 35;
    public static final int DEVICE_LEARNED = 36;
    public static final int DEVICE_RESERVED = 37;
    public static final int DEVICE_NAME = 40;

    // enum scxg_device_learned
    public static final int LEARNED_NONE = 0;
    public static final int LEARNED_REGISTER = 1;
    public static final int LEARNED_EVENT = 2;

    // struct scxg_device_gone (map device_history; its size is read from the map)
    public static final int DEVICE_GONE_SIZE = 88;
    public static final int DEVICE_GONE_DEVICE = 0;
    public static final int DEVICE_GONE_DISCONNECTED_NS = 72;
    public static final int DEVICE_GONE_SEQ = 80;

    // enum scxg_stat
    public static final int STAT_SEEN = 0;
    public static final int STAT_FROM_HOOK = 1;
    public static final int STAT_INJECTED = 2;
    public static final int STAT_SUBMITTED = 3;
    public static final int STAT_FILTERED = 4;
    public static final int STAT_LANE_MOUSE = 5;
    public static final int STAT_LANE_KEYBOARD = 6;
    public static final int STAT_LANE_CONTROLLER = 7;
    public static final int STAT_KEY_PRESS = 8;
    public static final int STAT_KEY_RELEASE = 9;
    public static final int STAT_KEY_REPEAT = 10;
    public static final int STAT_BOOSTS = 11;
    public static final int STAT_CONTINUOUS_ON = 12;
    public static final int STAT_DEVICE_CACHE_MISS = 13;
    public static final int STAT_DEVICE_CONNECTS = 14;
    public static final int STAT_DEVICE_DISCONNECTS = 15;
    public static final int STAT_DEVICE_UNCACHED = 16;
    public static final int STAT_DEVICE_GONE = 17;
    public static final int STAT_AUDIO_PERIODS = 18;
    public static final int STAT_RENDER_COMMITS = 19;
    public static final int STAT_RENDER_FLIPS = 20;
    public static final int STAT_FUTEX_WAKES = 21;
    public static final int STAT_NTSYNC_WAKES = 22;
    public static final int STAT_DROPPED = 23;
    public static final int STAT_RING_DROP_BASE = 24;
    public static final int STAT_COUNT = STAT_RING_DROP_BASE + RING_COUNT;

    // struct scxg_input_state
    public static final int INPUT_STATE_SIZE = 88;
    public static final int INPUT_STATE_WINDOW_UNTIL_NS = 0;
    public static final int INPUT_STATE_LANE_UNTIL_NS = 8;
    public static final int INPUT_STATE_LAST_EVENT_NS = 48;
    public static final int INPUT_STATE_RATE_EMA = 56;
    public static final int INPUT_STATE_HELD_KEYS = 64;
    public static final int INPUT_STATE_CONTINUOUS = 68;
    public static final int INPUT_STATE_RULES_GENERATION = 72;
    public static final int INPUT_STATE_NEXT_DEVICE_ID = 76;
    public static final int INPUT_STATE_DEVICE_HISTORY_SEQ = 80;

    // enum scxg_task_class
    public static final int CLASS_DEFAULT = 0;
    public static final int CLASS_INPUT = 1;
    public static final int CLASS_FOREGROUND = 2;
    public static final int CLASS_BACKGROUND = 3;
    public static final int CLASS_AUDIO = 4;
    public static final int CLASS_RENDER = 5;
    public static final int CLASS_COUNT = 6;
    /** SCXG_CLASS_SLOTS: entries of scxg_tunables.class_boost_shift. */
    public static final int CLASS_SLOTS = 8;

    // struct scxg_tunables
    public static final int TUNABLES_SIZE = 176;
    public static final int TUNABLES_SEQ = 0;
    public static final int TUNABLES_INPUT_WINDOW_NS = 8;
    public static final int TUNABLES_LANE_BOOST_NS = 16;
    public static final int TUNABLES_SLICE_NS = 56;
    public static final int TUNABLES_BOOSTED_SLICE_NS = 64;
    public static final int TUNABLES_LAG_CAP_NS = 72;
    public static final int TUNABLES_CONTINUOUS_ON_RATE = 80;
    public static final int TUNABLES_CONTINUOUS_OFF_RATE = 84;
    public static final int TUNABLES_CLASS_BOOST_SHIFT = 88;
    public static final int TUNABLES_PREEMPT = 120;
    public static final int TUNABLES_BEHAVIOUR_CLASSIFY = 124;
    public static final int TUNABLES_AUDIO_CLASSIFY = 128;
    public static final int TUNABLES_TOPO_PREFER = 132;
    public static final int TUNABLES_RENDER_CLASSIFY = 136;
    public static final int TUNABLES_RENDER_HOLD_MS = 140;
    public static final int TUNABLES_FUTEX_BOOST = 144;
    public static final int TUNABLES_FUTEX_BOOST_SHIFT = 148;
    public static final int TUNABLES_NTSYNC_BOOST = 152;
    public static final int TUNABLES_NTSYNC_BOOST_SHIFT = 156;
    public static final int TUNABLES_DEBUG_ERROR = 160;
    public static final int TUNABLES_SEQ_END = 168;
    /** Entries of the tunables map (double buffer). */
    public static final int TUNABLES_SLOTS = 2;

    // struct scxg_exit_info
    public static final int EXIT_REASON_LEN = 128;
    public static final int EXIT_MSG_LEN = 1024;
    public static final int EXIT_INFO_SIZE = 1176;
    public static final int EXIT_INFO_SEQ = 0;
    public static final int EXIT_INFO_EXIT_CODE = 8;
    public static final int EXIT_INFO_KIND = 16;
    public static final int EXIT_INFO_RESERVED = 20;
    public static final int EXIT_INFO_REASON = 24;
    public static final int EXIT_INFO_MSG = 152;

    // struct scxg_exit_dump
    public static final int EXIT_DUMP_LEN = 32768;
    public static final int EXIT_DUMP_TEXT = 0;

    // struct scxg_inject_event
    public static final int INJECT_EVENT_SIZE = 24;
    public static final int INJECT_EVENT_DEV_KEY = 0;
    public static final int INJECT_EVENT_BUSTYPE = 8;
    public static final int INJECT_EVENT_VENDOR = 10;
    public static final int INJECT_EVENT_PRODUCT = 12;
    public static final int INJECT_EVENT_TYPE = 14;
    public static final int INJECT_EVENT_CODE = 16;
    public static final int INJECT_EVENT_OP = 18;
    public static final int INJECT_EVENT_VALUE = 20;

    // enum scxg_inject_op
    public static final int INJECT_OP_EVENT = 0;
    public static final int INJECT_OP_CONNECT = 1;
    public static final int INJECT_OP_DISCONNECT = 2;

    // enum scxg_inject_flags
    public static final int INJECT_VALUE_SEQ = 1;

    // struct scxg_inject_args
    public static final int INJECT_MAX = 32;
    /** Largest repeat one injector run accepts (bpf_iter_num's limit). */
    public static final int INJECT_MAX_REPEAT = 1 << 23;
    public static final int INJECT_ARGS_SIZE = 808;
    public static final int INJECT_ARGS_COUNT = 0;
    public static final int INJECT_ARGS_REPEAT = 4;
    public static final int INJECT_ARGS_FLAGS = 8;
    public static final int INJECT_ARGS_RESERVED = 12;
    public static final int INJECT_ARGS_SUBMITTED = 16;
    public static final int INJECT_ARGS_DROPPED = 24;
    public static final int INJECT_ARGS_FILTERED = 32;
    public static final int INJECT_ARGS_EVENTS = 40;

    // struct scxg_sched_hints
    public static final int SCHED_HINTS_SIZE = 8;
    public static final int SCHED_HINTS_FOREGROUND_TGID = 0;
    public static final int SCHED_HINTS_READER_TID = 4;

    // enum scxg_sched_stat
    public static final int SCHED_STAT_ENQUEUED = 0;
    public static final int SCHED_STAT_DIRECT_DISPATCHED = 1;
    public static final int SCHED_STAT_SHARED_DISPATCHED = 2;
    public static final int SCHED_STAT_BOOSTED = 3;
    public static final int SCHED_STAT_PREEMPT_KICKS = 4;
    public static final int SCHED_STAT_BEHAVIOUR_CLASSIFIED = 5;
    public static final int SCHED_STAT_WAKE_SAMPLES = 6;
    public static final int SCHED_STAT_WAKE_SAMPLES_DROPPED = 7;
    public static final int SCHED_STAT_WAKE_SAMPLES_THROTTLED = 8;
    public static final int SCHED_STAT_READER_WAKEUPS = 9;
    public static final int SCHED_STAT_READER_WAKE_NS = 10;
    public static final int SCHED_STAT_READER_WAKE_SLOW = 11;
    public static final int SCHED_STAT_PREEMPT_LOWER = 12;
    public static final int SCHED_STAT_AUDIO_CLASSIFIED = 13;
    public static final int SCHED_STAT_AUDIO_BOOSTED = 14;
    public static final int SCHED_STAT_PREEMPT_LOCAL = 15;
    public static final int SCHED_STAT_PREEMPT_NONE = 16;
    public static final int SCHED_STAT_PREEMPT_NONE_YOUNG = 17;
    public static final int SCHED_STAT_PREEMPT_BEHIND = 18;
    public static final int SCHED_STAT_TOPO_IDLE_CORE = 19;
    public static final int SCHED_STAT_TOPO_IDLE_SIBLING = 20;
    public static final int SCHED_STAT_TOPO_LLC_LOCAL = 21;
    public static final int SCHED_STAT_TOPO_LLC_REMOTE = 22;
    public static final int SCHED_STAT_TOPO_PREFERRED = 23;
    public static final int SCHED_STAT_TOPO_STEALS = 24;
    public static final int SCHED_STAT_RENDER_CLASSIFIED = 25;
    public static final int SCHED_STAT_RENDER_BOOSTED = 26;
    public static final int SCHED_STAT_AUDIO_WAKEUPS = 27;
    public static final int SCHED_STAT_FUTEX_HANDOFFS = 28;
    public static final int SCHED_STAT_FUTEX_BOOSTED = 29;
    public static final int SCHED_STAT_NTSYNC_HANDOFFS = 30;
    public static final int SCHED_STAT_NTSYNC_BOOSTED = 31;
    public static final int SCHED_STAT_PREEMPT_DEFERRED = 32;
    public static final int SCHED_STAT_PREEMPT_DEFERRED_KICKS = 33;
    public static final int SCHED_STAT_COUNT = 34;

    // struct scxg_topology, enum scxg_topo_flags
    public static final int TOPO_MAX_CPUS = 1024;
    public static final int TOPO_MAX_LLCS = 64;
    public static final int TOPO_VALID = 1;
    public static final int TOPO_SMT = 2;
    public static final int TOPOLOGY_SIZE = 16;
    public static final int TOPOLOGY_FLAGS = 0;
    public static final int TOPOLOGY_NR_CPUS = 4;
    public static final int TOPOLOGY_NR_LLCS = 8;
    public static final int TOPOLOGY_NR_CORES = 12;

    // struct scxg_cpu_topo, enum scxg_cpu_flags
    public static final int CPU_TOPO_SIZE = 16;
    public static final int CPU_TOPO_CORE = 0;
    public static final int CPU_TOPO_LLC = 4;
    public static final int CPU_TOPO_NODE = 8;
    public static final int CPU_TOPO_CAPACITY = 10;
    public static final int CPU_TOPO_FLAGS = 12;
    public static final int CPU_CACHE = 1;
    public static final int CPU_FAST = 2;

    // struct scxg_waker_state (map waker_state: per CPU)
    public static final int WAKER_STATE_SIZE = 24;
    public static final int WAKER_STATE_PCM_TASK = 0;
    public static final int WAKER_STATE_FUTEX_TASK = 8;
    public static final int WAKER_STATE_NTSYNC_TASK = 16;

    // struct scxg_render_task (task storage map render_tasks)
    public static final int RENDER_TASK_SIZE = 16;
    public static final int RENDER_TASK_LAST_COMMIT_NS = 0;
    public static final int RENDER_TASK_COMMITS = 8;

    /** Object, program and map names (bpf/Makefile output, SEC names in bpf/src). */
    public static final String EVENTS_OBJECT = "scxgamer_events.bpf.o";
    public static final String HOOK_OBJECT = "scxgamer_hook.bpf.o";
    public static final String SCHED_OBJECT = "scxgamer_sched.bpf.o";
    /** The render hook's object (part RENDER_HOOK) and its programs. */
    public static final String RENDER_OBJECT = "scxgamer_render.bpf.o";
    public static final String RENDER_COMMIT_PROGRAM = "on_drm_ioctl";
    public static final String RENDER_FLIP_PROGRAM = "on_drm_event";
    public static final String INJECT_PROGRAM = "inject_events";
    public static final String HOOK_PROGRAM = "on_input_event";
    /** Device lifetime programs of the hook object (part DEVICES). */
    public static final String REGISTER_PROGRAM = "on_device_register";
    public static final String REGISTER_EXIT_PROGRAM = "on_device_register_exit";
    public static final String UNREGISTER_PROGRAM = "on_device_unregister";
    /** The audio hook program of the hook object (part AUDIO_HOOK). */
    public static final String AUDIO_PROGRAM = "on_pcm_period";
    /** Its exit program: the two mark the task inside the period callback (waker_state.pcm_task). */
    public static final String AUDIO_EXIT_PROGRAM = "on_pcm_period_exit";
    /** The futex hook's programs (part FUTEX_HOOK): entry and exit of futex_wake and futex_wake_op. */
    public static final String FUTEX_WAKE_PROGRAM = "on_futex_wake";
    public static final String FUTEX_WAKE_EXIT_PROGRAM = "on_futex_wake_exit";
    public static final String FUTEX_WAKE_OP_PROGRAM = "on_futex_wake_op";
    public static final String FUTEX_WAKE_OP_EXIT_PROGRAM = "on_futex_wake_op_exit";
    /** The ntsync hook's programs (part NTSYNC_HOOK): entry and exit of ntsync_obj_ioctl, in module ntsync. */
    public static final String NTSYNC_PROGRAM = "on_ntsync_ioctl";
    public static final String NTSYNC_EXIT_PROGRAM = "on_ntsync_ioctl_exit";
    public static final String SCHED_OPS_MAP = "scxgamer_ops";
    public static final String SCHED_OPS_NAME = "scxgamer";
    public static final String RING_MAP_PREFIX = "ring_";
    public static final String INPUT_STATS_MAP = "input_stats";
    public static final String DEVICE_RULES_MAP = "device_rules";
    public static final String DEVICE_CACHE_MAP = "device_cache";
    public static final String DEVICE_HISTORY_MAP = "device_history";
    public static final String INPUT_STATE_MAP = "input_state";
    public static final String TUNABLES_MAP = "tunables";
    public static final String TUNABLES_IDX_MAP = "tunables_idx";
    public static final String TASK_CLASSES_MAP = "task_classes";
    public static final String SCHED_HINTS_MAP = "sched_hints";
    public static final String SCHED_STATS_MAP = "sched_stats";
    public static final String EXIT_INFO_MAP = "exit_info";
    public static final String EXIT_DUMP_MAP = "exit_dump";
    public static final String WAKER_STATE_MAP = "waker_state";
    public static final String TOPOLOGY_MAP = "topology";
    public static final String CPU_TOPO_MAP = "cpu_topo";
    public static final String RENDER_TASKS_MAP = "render_tasks";

    /**
     * Events a ring of {@code ringBytes} holds when nobody reads: the kernel keeps the producer less
     * than a whole ring ahead of the consumer, so one record's worth of space always stays free.
     */
    public static long ringCapacity(long ringBytes) {
        return (ringBytes - 1) / RING_RECORD_SIZE;
    }

    private Contract() {
    }
}
