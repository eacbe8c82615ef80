/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The single source of truth for the data shared between the BPF programs and userspace.
 *
 * Java mirrors this file once, in org.scxgamer.core.kernel.Contract; ContractDriftTest compares
 * both against the compiled object's BTF, so any change here must be made there too.
 * Everything is fixed-size, little-endian, naturally aligned.
 */
#ifndef SCXGAMER_CONTRACT_H
#define SCXGAMER_CONTRACT_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s32 s32;
typedef __s64 s64;
#endif

/* Number of distributed ring buffers; an event goes to ring (cpu % SCXG_RING_COUNT). */
#define SCXG_RING_COUNT 16

/* Lanes: what kind of input a device (or record) belongs to. */
enum scxg_lane {
	SCXG_LANE_NONE = 0,       /* unclassified: filtered, never emitted */
	SCXG_LANE_MOUSE = 1,
	SCXG_LANE_KEYBOARD = 2,
	SCXG_LANE_CONTROLLER = 3,
	SCXG_LANE_SCHED = 4,      /* the kernel side's own records (scheduler wake-to-run samples, display flips), not input */
	SCXG_LANE_COUNT = 5,
};

/* Whitelist rule values: a lane, or one of these. */
enum scxg_rule_action {
	SCXG_RULE_IGNORE = 0,     /* device is known and deliberately ignored (counted as filtered) */
	SCXG_RULE_AUTO = 0xff,    /* lane chosen per event: EV_REL/BTN_* -> mouse, KEY_* -> keyboard, EV_ABS and
	                           * joystick/gamepad buttons -> controller; EV_SYN/EV_MSC/others follow the device's last lane */
};

/* Wildcard for a whitelist key field. */
#define SCXG_ANY 0xffff

/* Record flags. */
enum scxg_event_flags {
	SCXG_FLAG_BOOSTED = 1 << 0,    /* this event opened or extended a boost window */
	SCXG_FLAG_INJECTED = 1 << 1,   /* came from the SEC("syscall") injector, not the input hook */
	SCXG_FLAG_CONTINUOUS = 1 << 2, /* continuous-input mode was on */
};

/* Types of the kernel side's own records on SCXG_LANE_SCHED (input records carry the EV_* type). */
enum scxg_record_type {
	/* Scheduler samples, for threads classed SCXG_CLASS_INPUT in task_classes only: value = wake-to-run ns
	 * (clamped to S32_MAX), device_id = tid, code = task class, flags SCXG_FLAG_BOOSTED if the wakeup was
	 * boosted. */
	SCXG_TYPE_SCHED_WAKE = 0xf001,
	/* Display flips (the render hook; at most one per CRTC per refresh): timestamp_ns = the flip's vblank
	 * time, value = ns since the previous flip on that CRTC (clamped to S32_MAX; 0 for the first one seen),
	 * device_id = SCXG_RENDER_CRTC_ID(card, crtc object id), code = the CRTC's index (pipe) on its card. */
	SCXG_TYPE_FRAME = 0xf002,
	/* The scheduler's ops.exit ran (it was ejected or unregistered): value = exit_info's seq after the
	 * exit, code = the exit kind (low 16 bits), device_id = 0. Wakes the runtime, which reads exit_info at
	 * once instead of at its next monitor round; a dropped one is found at that round. */
	SCXG_TYPE_SCHED_EXIT = 0xf003,
};
#define SCXG_RENDER_CRTC_ID(card, crtc) (((u32)(card) << 16) | ((u32)(crtc) & 0xffff))

/* One ring-buffer record. */
struct scxg_event {
	u64 timestamp_ns;  /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	u32 device_id;     /* the device's id (struct scxg_device.id, one per connection); the tid for scheduler records */
	u16 type;          /* EV_* */
	u16 code;
	s32 value;
	u16 cpu;
	u8 lane;           /* enum scxg_lane */
	u8 flags;          /* enum scxg_event_flags */
};
#define SCXG_EVENT_SIZE 24
_Static_assert(sizeof(struct scxg_event) == SCXG_EVENT_SIZE, "scxg_event layout");

/* Whitelist map key; SCXG_ANY in a field matches anything. */
struct scxg_device_key {
	u16 bustype;
	u16 vendor;
	u16 product;
	u16 reserved;      /* must be 0 */
};
_Static_assert(sizeof(struct scxg_device_key) == 8, "scxg_device_key layout");

/*
 * Device cache value, one entry per connection (key: the input_dev pointer, or the injector's dev_key).
 * The entry lives as long as the device is registered: the hook creates it when the device registers
 * (or on its first event, for a device registered before the hook attached) and moves it to
 * device_history when the device unregisters, so a later device at a reused address never finds it.
 */
#define SCXG_DEVICE_NAME_LEN 32
struct scxg_device {
	u64 events;            /* events seen from this device */
	u64 connected_ns;      /* bpf_ktime_get_ns() when the entry was made */
	u32 id;                /* per connection, never reused while the maps live; 0: not cached (cache full) */
	u32 rules_generation;  /* whitelist generation this entry was classified under */
	s32 held_keys;         /* this device's share of input_state.held_keys */
	u16 bustype;
	u16 vendor;
	u16 product;
	u8 action;             /* lane, SCXG_RULE_IGNORE, SCXG_RULE_AUTO, or SCXG_LANE_NONE when unlisted */
	u8 last_lane;          /* lane of the device's last input event: EV_SYN/EV_MSC of AUTO devices follow it */
	u8 learned;            /* enum scxg_device_learned */
	u8 reserved[3];
	char name[SCXG_DEVICE_NAME_LEN];
};
_Static_assert(sizeof(struct scxg_device) == 72, "scxg_device layout");

/* How a device cache entry was made. */
enum scxg_device_learned {
	SCXG_LEARNED_NONE = 0,     /* not cached: the cache was full, the event was classified on the spot */
	SCXG_LEARNED_REGISTER = 1, /* seen registering (or connected through the injector) */
	SCXG_LEARNED_EVENT = 2,    /* on its first event: registered before the hook attached, or the cache was full then */
};

/* Disconnected devices, newest last: map device_history, slot (seq - 1) % SCXG_DEVICE_HISTORY. */
#define SCXG_DEVICE_HISTORY 32
struct scxg_device_gone {
	struct scxg_device device;   /* the entry as it was when the device unregistered */
	u64 disconnected_ns;
	u64 seq;                     /* 1, 2, ... in disconnection order; 0: slot never used */
};

/* Per-CPU counters: one u64 each, indices below. */
enum scxg_stat {
	/*
	 * Invariants: SEEN = FILTERED + LANE_MOUSE + LANE_KEYBOARD + LANE_CONTROLLER (every input event gets a lane
	 * or is filtered); records offered to the rings (input events with a lane + the records on
	 * SCXG_LANE_SCHED) = SUBMITTED + DROPPED. Scheduler samples are also counted in sched_stats.
	 */
	SCXG_STAT_SEEN = 0,          /* every event entering the handling code */
	SCXG_STAT_FROM_HOOK,
	SCXG_STAT_INJECTED,
	SCXG_STAT_SUBMITTED,         /* records written to a ring (input events and scheduler samples) */
	SCXG_STAT_FILTERED,          /* unlisted or ignored device */
	SCXG_STAT_LANE_MOUSE,
	SCXG_STAT_LANE_KEYBOARD,
	SCXG_STAT_LANE_CONTROLLER,
	SCXG_STAT_KEY_PRESS,
	SCXG_STAT_KEY_RELEASE,
	SCXG_STAT_KEY_REPEAT,
	SCXG_STAT_BOOSTS,            /* events that opened or extended a boost window (SCXG_FLAG_BOOSTED) */
	SCXG_STAT_CONTINUOUS_ON,     /* transitions into continuous-input mode */
	SCXG_STAT_DEVICE_CACHE_MISS, /* an event whose device had no entry classified under the current whitelist */
	SCXG_STAT_DEVICE_CONNECTS,   /* devices seen registering (and injector connects) */
	SCXG_STAT_DEVICE_DISCONNECTS, /* entries dropped because their device unregistered (or its address was registered again) */
	SCXG_STAT_DEVICE_UNCACHED,   /* events handled without a cache entry: the device cache was full */
	SCXG_STAT_DEVICE_GONE,       /* events of a device that was already unregistering: counted as filtered too */
	SCXG_STAT_AUDIO_PERIODS,     /* sound periods seen by the audio hook (snd_pcm_period_elapsed calls); not an input event */
	SCXG_STAT_RENDER_COMMITS,    /* KMS page flips and atomic commits (not test-only) requested, seen by the render hook */
	SCXG_STAT_RENDER_FLIPS,      /* flips completed (DRM_EVENT_FLIP_COMPLETE sent), seen by the render hook: one SCXG_TYPE_FRAME record each */
	SCXG_STAT_FUTEX_WAKES,       /* futex wake calls seen by the futex hook (futex_wake, futex_wake_op); not an input event */
	SCXG_STAT_NTSYNC_WAKES,      /* ntsync signalling ioctls seen by the ntsync hook (semaphore release, mutex unlock/kill, event set/pulse) */
	SCXG_STAT_DROPPED,           /* ring full (any record): sum of the per-ring counters below */
	SCXG_STAT_RING_DROP_BASE,    /* SCXG_RING_COUNT counters: drops per ring */
	SCXG_STAT_COUNT = SCXG_STAT_RING_DROP_BASE + SCXG_RING_COUNT,
};

/* Shared input state (one entry). Written by the handling code, read by the scheduler and userspace. */
struct scxg_input_state {
	/* Written lock-free from any CPU: the max-style fields only move forward, the rate fields are approximate. */
	u64 input_window_until_ns;
	u64 lane_until_ns[SCXG_LANE_COUNT];
	u64 last_event_ns;
	u64 rate_ema;                /* events per second, EMA */
	s32 held_keys;               /* presses minus releases, never below 0 */
	u32 continuous;              /* 1 while in continuous-input mode */
	u32 rules_generation;        /* bumped by userspace after whitelist edits: invalidates the device cache */
	u32 next_device_id;
	u64 device_history_seq;      /* disconnections so far: device_history's last seq */
};

/* Task classes (task_classes map values, and behaviour classification). */
enum scxg_task_class {
	SCXG_CLASS_DEFAULT = 0,
	SCXG_CLASS_INPUT = 1,        /* input handler threads */
	SCXG_CLASS_FOREGROUND = 2,   /* threads of the foreground process */
	SCXG_CLASS_BACKGROUND = 3,   /* never boosted, longer deadlines */
	SCXG_CLASS_AUDIO = 4,        /* audio threads (policy names, or woken by the sound core's period callback): boosted on every wakeup */
	SCXG_CLASS_RENDER = 5,       /* compositor/KMS threads (policy names, or their own recent KMS commits): boosted on every wakeup */
	SCXG_CLASS_COUNT = 6,
};
/* Slots of scxg_tunables.class_boost_shift: a power of two, so a class id can be masked into range. */
#define SCXG_CLASS_SLOTS 8
_Static_assert(SCXG_CLASS_COUNT <= SCXG_CLASS_SLOTS, "class_boost_shift needs a slot per class");

/* Tunable defaults, used by BPF until userspace publishes a valid slot. */
#define SCXG_DEFAULT_INPUT_WINDOW_NS      5000000ULL     /* 5 ms */
#define SCXG_DEFAULT_MOUSE_BOOST_NS       8000000ULL     /* 8 ms */
#define SCXG_DEFAULT_KEYBOARD_BOOST_NS    1000000000ULL  /* 1 s */
#define SCXG_DEFAULT_CONTROLLER_BOOST_NS  500000000ULL   /* 500 ms */
#define SCXG_DEFAULT_SLICE_NS             5000000ULL     /* 5 ms */
#define SCXG_DEFAULT_BOOSTED_SLICE_NS     1000000ULL     /* 1 ms */
#define SCXG_DEFAULT_LAG_CAP_NS           20000000ULL    /* 20 ms */
#define SCXG_DEFAULT_CONTINUOUS_ON_RATE   150            /* events/s */
#define SCXG_DEFAULT_CONTINUOUS_OFF_RATE  75             /* events/s */
#define SCXG_DEFAULT_SHIFT_INPUT          4
#define SCXG_DEFAULT_SHIFT_FOREGROUND     2
#define SCXG_DEFAULT_SHIFT_AUDIO          3
#define SCXG_DEFAULT_TOPO_PREFER          1              /* SCXG_TOPO_PREFER_FAST */
#define SCXG_DEFAULT_SHIFT_RENDER         3
#define SCXG_DEFAULT_RENDER_HOLD_MS       1000           /* a KMS commit keeps its thread classed render this long */
#define SCXG_DEFAULT_SHIFT_FUTEX          3
#define SCXG_DEFAULT_SHIFT_NTSYNC         3
/* Bounds BPF clamps slices to, whatever a slot says. */
#define SCXG_MIN_SLICE_NS                 50000ULL       /* 50 us */
#define SCXG_MAX_SLICE_NS                 100000000ULL   /* 100 ms */

/*
 * Live tunables: a double-buffered pair of slots (map `tunables`) plus the active index (map `tunables_idx`).
 * Userspace writes the inactive slot with seq == seq_end == next generation (non-zero), then flips the index.
 * BPF reads seq_end, the fields, then seq of the active slot and uses it only when seq == seq_end != 0;
 * otherwise it tries the other slot, then falls back to the SCXG_DEFAULT_* values. Slices are clamped
 * to SCXG_MIN_SLICE_NS..SCXG_MAX_SLICE_NS (boosted_slice_ns to at most slice_ns).
 */
struct scxg_tunables {
	u64 seq;
	u64 input_window_ns;
	u64 lane_boost_ns[SCXG_LANE_COUNT];
	u64 slice_ns;                /* base slice */
	u64 boosted_slice_ns;        /* slice of boosted classes while a window is open */
	u64 lag_cap_ns;              /* max vtime credit a sleeper keeps */
	u32 continuous_on_rate;      /* events/s to enter continuous mode */
	u32 continuous_off_rate;     /* events/s to leave it */
	u32 class_boost_shift[SCXG_CLASS_SLOTS]; /* deadline = vtime + (slice >> shift) while boosted (indexed by class) */
	u32 preempt;                 /* 1: boosted wakeups may preempt a lower class when no CPU is idle */
	u32 behaviour_classify;      /* 1: classify input handlers by wake behaviour */
	u32 audio_classify;          /* 1: classify audio threads by wake behaviour (woken by the sound core's period callback) */
	u32 topo_prefer;             /* enum scxg_topo_prefer: the domain game-facing classes are placed in first */
	u32 render_classify;         /* 1: class threads that made a KMS commit within render_hold_ms as render threads */
	u32 render_hold_ms;          /* how long a KMS commit keeps its thread classed render */
	u32 futex_boost;             /* 1: a thread woken by a futex wake (a lock or event handed over) runs boosted */
	u32 futex_boost_shift;       /* its deadline = vtime + (slice >> shift) */
	u32 ntsync_boost;            /* 1: a thread woken by an ntsync object's signal (a Wine/Proton lock or event handed over) runs boosted */
	u32 ntsync_boost_shift;      /* its deadline = vtime + (slice >> shift) */
	u32 debug_error;             /* DEBUG ONLY (tests), 0 in production: 1 = call scx_bpf_error(), 2 = never run background-class tasks (watchdog stall) */
	u64 seq_end;
};

/* Scheduler hints from userspace (map `sched_hints`, one entry). */
struct scxg_sched_hints {
	u32 foreground_tgid;         /* 0: none; threads of this process are SCXG_CLASS_FOREGROUND */
	u32 reader_tid;              /* 0: none; the core's ring reader: scheduled as SCXG_CLASS_INPUT, never sampled
	                              * to the rings (its own samples would wake it again), counted in sched_stats */
};

/* Scheduler per-CPU counters (map `sched_stats`): one u64 each. */
enum scxg_sched_stat {
	SCXG_SCHED_ENQUEUED = 0,         /* ops.enqueue calls */
	SCXG_SCHED_DIRECT_DISPATCHED,    /* inserted straight into a local DSQ: an idle CPU's, or a preempted one's */
	SCXG_SCHED_SHARED_DISPATCHED,    /* inserted into the shared vtime DSQ */
	SCXG_SCHED_BOOSTED,              /* enqueues that got an input boost (earlier deadline, boosted slice) */
	SCXG_SCHED_PREEMPT_KICKS,        /* preemptions: a boosted task inserted with SCX_ENQ_PREEMPT on a CPU running a lower class,
	                                  * or SCX_KICK_PREEMPT sent because a waking task's deadline was far ahead */
	SCXG_SCHED_BEHAVIOUR_CLASSIFIED, /* tasks that became SCXG_CLASS_INPUT by their wake behaviour */
	SCXG_SCHED_WAKE_SAMPLES,         /* wake-to-run samples written to a ring */
	SCXG_SCHED_WAKE_SAMPLES_DROPPED, /* wake-to-run samples dropped: ring full */
	SCXG_SCHED_WAKE_SAMPLES_THROTTLED, /* wake-to-run samples not offered: over this CPU's sample budget */
	SCXG_SCHED_READER_WAKEUPS,       /* wakeups of the ring reader (sched_hints.reader_tid) that reached a CPU */
	SCXG_SCHED_READER_WAKE_NS,       /* their wake-to-run time, summed (ns) */
	SCXG_SCHED_READER_WAKE_SLOW,     /* those that waited longer than SCXG_READER_WAKE_SLOW_NS */
	SCXG_SCHED_PREEMPT_LOWER,        /* a boosted task put on the CPU of a running lower class (preempt tunable on) */
	SCXG_SCHED_AUDIO_CLASSIFIED,     /* tasks that became SCXG_CLASS_AUDIO by their wake behaviour */
	SCXG_SCHED_AUDIO_BOOSTED,        /* enqueues of SCXG_CLASS_AUDIO tasks (always boosted; not in SCXG_SCHED_BOOSTED) */
	SCXG_SCHED_PREEMPT_LOCAL,        /* deadline preemptions of the CPU the wakeup ran on (no IPI) */
	SCXG_SCHED_PREEMPT_NONE,         /* wakeups that found no idle CPU and no fair victim (every deadline earlier, boosted or of a higher class) */
	SCXG_SCHED_PREEMPT_NONE_YOUNG,   /* wakeups that found no victim only because the later deadlines had not run PREEMPT_MIN_RUN_NS
					  * (SCXG_SCHED_PREEMPT_DEFERRED: the latest of them is preempted when it has) */
	SCXG_SCHED_PREEMPT_BEHIND,       /* deadline preemptions for a task queued behind an earlier deadline: the freed CPU runs that one first */
	/* Topology placement (counted only where it places: SMT, several LLCs or a preferred domain; see topology). */
	SCXG_SCHED_TOPO_IDLE_CORE,       /* wakeups placed on an idle CPU whose whole core was idle */
	SCXG_SCHED_TOPO_IDLE_SIBLING,    /* wakeups placed on an idle CPU whose SMT sibling was busy (no whole core was idle) */
	SCXG_SCHED_TOPO_LLC_LOCAL,       /* wakeups placed in the LLC of their waker (sync wakeups) or of their previous CPU */
	SCXG_SCHED_TOPO_LLC_REMOTE,      /* placements in another LLC: no idle CPU in it, or its queue was the longer one */
	SCXG_SCHED_TOPO_PREFERRED,       /* game-facing wakeups placed in the preferred domain (tunable topo_prefer) */
	SCXG_SCHED_TOPO_STEALS,          /* tasks a CPU took from another LLC's queue, its own being empty */
	SCXG_SCHED_RENDER_CLASSIFIED,    /* tasks that became SCXG_CLASS_RENDER by their own KMS commits (again after render_hold_ms without one) */
	SCXG_SCHED_RENDER_BOOSTED,       /* enqueues of SCXG_CLASS_RENDER tasks (always boosted; not in SCXG_SCHED_BOOSTED) */
	SCXG_SCHED_AUDIO_WAKEUPS,        /* wakeups made by the sound core inside a period callback (waker_state.pcm_task) */
	SCXG_SCHED_FUTEX_HANDOFFS,       /* wakeups made inside a futex wake call (waker_state.futex_task): a waiter handed a lock or event */
	SCXG_SCHED_FUTEX_BOOSTED,        /* enqueues boosted as a futex hand-off (futex_boost; not in SCXG_SCHED_BOOSTED) */
	SCXG_SCHED_NTSYNC_HANDOFFS,      /* wakeups made inside an ntsync object ioctl (waker_state.ntsync_task): a waiter handed a semaphore count, mutex or event */
	SCXG_SCHED_NTSYNC_BOOSTED,       /* enqueues boosted as an ntsync hand-off (ntsync_boost; not in SCXG_SCHED_BOOSTED) */
	SCXG_SCHED_PREEMPT_DEFERRED,     /* preemption timers armed for a victim that had not run PREEMPT_MIN_RUN_NS yet */
	SCXG_SCHED_PREEMPT_DEFERRED_KICKS, /* of those, timers that found that run still on and an earlier deadline queued: kicked */
	SCXG_SCHED_STAT_COUNT,
};

/* Wake-to-run samples: at most SCXG_WAKE_SAMPLE_BUDGET per CPU per SCXG_WAKE_SAMPLE_WINDOW_NS (throttled beyond). */
#define SCXG_WAKE_SAMPLE_WINDOW_NS  10000000ULL   /* 10 ms */
#define SCXG_WAKE_SAMPLE_BUDGET     20            /* 2000 samples/s per CPU */
/* A ring reader wakeup waiting longer than this counts as slow (SCXG_SCHED_READER_WAKE_SLOW). */
#define SCXG_READER_WAKE_SLOW_NS    1000000ULL    /* 1 ms */

/*
 * CPU topology, written by userspace once the shared maps exist and before the scheduler attaches (map
 * `topology`, one entry; map `cpu_topo`, one entry per CPU id). The scheduler reads it in ops.init: with
 * SCXG_TOPO_VALID unset (userspace could not read the machine's topology) it keeps one queue and the
 * kernel's default idle-CPU pick.
 */
#define SCXG_MAX_LLCS 64
enum scxg_topo_flags {
	SCXG_TOPO_VALID = 1 << 0,    /* the entries below describe this machine */
	SCXG_TOPO_SMT = 1 << 1,      /* some core has more than one CPU */
};
struct scxg_topology {
	u32 flags;                   /* enum scxg_topo_flags */
	u32 nr_cpus;                 /* cpu_topo entries written */
	u32 nr_llcs;                 /* LLC ids are 0 .. nr_llcs - 1, at most SCXG_MAX_LLCS */
	u32 nr_cores;
};

/* Which of a CPU's domains it belongs to (scxg_cpu_topo.flags). */
enum scxg_cpu_flags {
	SCXG_CPU_CACHE = 1 << 0,     /* in the cache-rich domain (the largest LLC, e.g. an X3D CCD, or as configured) */
	SCXG_CPU_FAST = 1 << 1,      /* in the fast domain (highest capacity, preferred-core priority or max frequency) */
};
struct scxg_cpu_topo {
	u32 core;                    /* dense core id: CPUs with the same id are SMT siblings */
	u32 llc;                     /* dense LLC id */
	u16 node;                    /* NUMA node */
	u16 capacity;                /* 1 .. 1024: relative speed (1024: the fastest CPU) */
	u32 flags;                   /* enum scxg_cpu_flags */
};
_Static_assert(sizeof(struct scxg_cpu_topo) == 16, "scxg_cpu_topo layout");

/* Tunable topo_prefer: the domain the game-facing classes (input, audio, foreground) are placed in first. */
enum scxg_topo_prefer {
	SCXG_TOPO_PREFER_NONE = 0,
	SCXG_TOPO_PREFER_FAST = 1,
	SCXG_TOPO_PREFER_CACHE = 2,
};

/*
 * Who is inside a hooked kernel path that wakes threads, per CPU (map waker_state, a per-CPU array of one
 * entry): the hooks set a field on entry to the path and clear it on exit, the scheduler compares it with the
 * current task when a wakeup reaches it (ops.runnable runs in the waker's context), and so knows the wakeup
 * came from that path. A task pointer, not a flag: a wakeup made on this CPU by anything else cannot match.
 */
struct scxg_waker_state {
	u64 pcm_task;                /* task on this CPU inside snd_pcm_period_elapsed() (the interrupted one, when
	                              * the sound driver calls it from an interrupt or timer); 0: none */
	u64 futex_task;              /* task on this CPU inside futex_wake() or futex_wake_op(); 0: none */
	u64 ntsync_task;             /* task on this CPU inside a signalling ntsync_obj_ioctl(); 0: none */
};

/* KMS commits of one thread (task storage map render_tasks): written by the render hook, read by the scheduler. */
struct scxg_render_task {
	u64 last_commit_ns;          /* bpf_ktime_get_ns() at its last page flip or atomic commit ioctl */
	u64 commits;
};

/* Scheduler exit information (one entry), copied from ops.exit's scx_exit_info. */
#define SCXG_EXIT_REASON_LEN 128
#define SCXG_EXIT_MSG_LEN 1024
struct scxg_exit_info {
	u64 seq;                     /* bumped on every exit */
	s64 exit_code;
	s32 kind;
	u32 reserved;
	char reason[SCXG_EXIT_REASON_LEN];
	char msg[SCXG_EXIT_MSG_LEN];
};

/*
 * The kernel's debug dump at an error exit (ops.exit's ei->dump: each CPU's runqueue, the runnable tasks, what
 * they wait in; empty for an unregistration), as the upstream tools print it. Its own map: the exit info
 * stays small to read, and this is read once per exit.
 */
#define SCXG_EXIT_DUMP_LEN 32768
struct scxg_exit_dump {
	char text[SCXG_EXIT_DUMP_LEN];
};

/* Injector program input (ctx of SEC("syscall") inject_events), results written back. */
#define SCXG_INJECT_MAX 32
#define SCXG_INJECT_MAX_REPEAT (1 << 23)  /* bpf_iter_num's limit; larger repeat -> -E2BIG */
struct scxg_inject_event {
	u64 dev_key;                 /* stands in for the input_dev pointer: device cache key */
	u16 bustype;
	u16 vendor;
	u16 product;
	u16 type;
	u16 code;
	u16 op;                      /* enum scxg_inject_op */
	s32 value;
};
_Static_assert(sizeof(struct scxg_inject_event) == 24, "scxg_inject_event layout");

/* What an injected slot does: an event, or a device connecting or disconnecting under dev_key (with the
 * same code the hook runs when a real device registers or unregisters; type, code and value unused). */
enum scxg_inject_op {
	SCXG_INJECT_EVENT = 0,
	SCXG_INJECT_CONNECT = 1,
	SCXG_INJECT_DISCONNECT = 2,
};

enum scxg_inject_flags {
	SCXG_INJECT_VALUE_SEQ = 1 << 0, /* repeat i adds i to the value (ordering and exactly-once checks) */
};

/* Pass the whole struct as ctx (ctx_size_in = sizeof): the program reads events[] at fixed offsets.
 * Returns (test-run retval) 0, -EINVAL for count outside 1..SCXG_INJECT_MAX, -E2BIG for a too large repeat. */
struct scxg_inject_args {
	u32 count;                   /* events[] used, 1..SCXG_INJECT_MAX */
	u32 repeat;                  /* the events[] batch is handled this many times */
	u32 flags;
	u32 reserved;
	u64 submitted;               /* out */
	u64 dropped;                 /* out */
	u64 filtered;                /* out */
	struct scxg_inject_event events[SCXG_INJECT_MAX];
};

#endif /* SCXGAMER_CONTRACT_H */
