/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scxgamer: a vtime/deadline sched_ext scheduler that favours what the player is touching.
 *
 * Every task accrues virtual time for the CPU it uses, scaled by its weight; the shared DSQs (one
 * per LLC, scxgamer_topology.bpf.h) are ordered by a deadline = vruntime + an offset derived from the
 * slice. Sleepers keep at most lag_cap of credit, so nothing can hoard CPU, and low-weight tasks lead the
 * clock (vtime_fair) by a bounded amount, so nothing starves. A
 * waking task goes straight to an idle CPU's local DSQ when there is one, chosen by the machine's
 * topology (idle whole cores, the task's or its waker's LLC, the preferred domain).
 *
 * While the input window or a lane expiry (set by the input path) is open, input-handler and
 * foreground tasks get a shorter deadline offset and the boosted slice, and with no idle CPU
 * they may preempt a CPU running a lower class. Input handlers come from task_classes (policy
 * bundles), or from behaviour: most of their wakeups follow an input event closely and they run
 * briefly. Audio threads (SCXG_CLASS_AUDIO) are boosted on every wakeup, with their own deadline
 * offset; they come from policies too, or from behaviour: most of their wakeups are made by the sound
 * core inside its period callback (marked by the audio hook on snd_pcm_period_elapsed) and they run
 * briefly. Render threads
 * (SCXG_CLASS_RENDER: compositors, whatever flips frames onto the display) are boosted on every
 * wakeup too; they come from policies, or from the render hook, which marks a thread when it asks the
 * kernel for a page flip or atomic commit (render_tasks): it is classed render while that was less
 * than render_hold_ms ago. A wakeup made inside a futex wake call (the futex hook) or an ntsync object's
 * signalling ioctl (the ntsync hook) is a lock or event handed over: it is boosted once (futex_boost,
 * ntsync_boost). All knobs are live in the tunables map.
 */
#include "scxgamer_common.bpf.h"
#include "scxgamer_compat.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define SCXG_MAX_CPUS SCXG_TOPO_MAX_CPUS
#define SCXG_WEIGHT_DFL 100

/*
 * Debug only, not product behaviour: the debug_error tunable (0 in production) lets tests make the
 * scheduler fail on purpose. DEBUG_ERROR_FORCE calls scx_bpf_error(); DEBUG_ERROR_STALL parks
 * background-class tasks on DEBUG_STALL_DSQ, which nothing consumes, so the watchdog fires.
 */
#define DEBUG_ERROR_FORCE 1
#define DEBUG_ERROR_STALL 2
#define DEBUG_STALL_DSQ 1

/* Behaviour classification: judge a task over this many wakeups. */
#define BEHAVIOUR_WAKEUPS 20
/* An input handler has at least this share of wakeups right after an input event... */
#define BEHAVIOUR_INPUT_PCT 60
/* ...where "right after" means within this time of the last input event... */
#define BEHAVIOUR_INPUT_WAKE_NS (250 * NSEC_PER_USEC)
/* ...and runs less than this per wakeup on average. */
#define BEHAVIOUR_MAX_RUN_NS (1 * NSEC_PER_MSEC)

/*
 * A task runs at least this long before a deadline preemption: no preemption ping-pong. A wakeup that finds
 * only younger victims has the latest of them preempted when it has run this long (preempt_later()).
 */
#define PREEMPT_MIN_RUN_NS (500 * NSEC_PER_USEC)
/* A waking task preempts a running one whose deadline is at least this much later (EEVDF-like). */
#define PREEMPT_MARGIN_NS (100 * NSEC_PER_USEC)
/* A low-weight task's vruntime may lead vtime_fair by at most this many lag caps (vtime_lead()). */
#define LOW_WEIGHT_LEAD_CAPS 4
/* Preemption looks at no more CPUs than this per enqueue: a bounded cost on big machines. */
#define PREEMPT_SCAN_CPUS 64

#define S32_MAX 0x7fffffff

/* What a boosted hand-off was handed through (task_ctx.handoff). */
enum handoff {
	HANDOFF_NONE = 0,
	HANDOFF_FUTEX = 1,
	HANDOFF_NTSYNC = 2,
};

struct task_ctx {
	u64 vruntime;        /* weighted CPU time, the fairness clock */
	u64 run_start_ns;    /* when it last started running */
	u64 wake_ns;         /* when it last woke up; 0 once the wake-to-run sample is taken */
	u64 window_run_ns;   /* CPU time within the current behaviour window */
	u64 deadline;        /* as of the last enqueue or direct dispatch */
	u32 window_wakeups;
	u32 window_input_wakeups;
	u32 window_audio_wakeups;
	u8 cls;              /* enum scxg_task_class, as of the last enqueue */
	u8 boosted;          /* the last enqueue was boosted */
	u8 behaviour_input;  /* classified as an input handler by behaviour */
	u8 behaviour_audio;  /* classified as an audio thread by behaviour */
	u8 render;           /* classed render by its own recent KMS commits, as of the last classification */
	u8 handoff;          /* enum handoff: the last enqueue was boosted as a futex or ntsync hand-off */
	u8 reader;           /* the core's ring reader (sched_hints.reader_tid), as of the last enqueue */
	u8 sampled;          /* classed SCXG_CLASS_INPUT in task_classes: its wake-to-run goes to the rings */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_ctx);
} task_ctx SEC(".maps");

/* What each CPU runs, for choosing a preemption victim. Written by that CPU only. */
struct cpu_state {
	u64 deadline;        /* of the running task */
	u64 started_ns;      /* when it started running */
	u64 sample_window_ns; /* start of the current wake-sample budget window */
	u32 samples;          /* wake samples offered in that window */
	u8 busy;
	u8 rank;
	u8 boosted;
};
static struct cpu_state cpu_states[SCXG_MAX_CPUS];
_Static_assert((SCXG_MAX_CPUS & (SCXG_MAX_CPUS - 1)) == 0, "the mask in cpu_state_of() needs a power of two");

/*
 * The clock: the latest vruntime of a running task of default weight or more, where a task getting its
 * fair share is. Sleepers are placed against it (at most lag_cap behind), new tasks start on it, and a
 * vruntime may lead it by at most vtime_lead(). Low-weight tasks do not move it: their vruntime leads by
 * design, and a clock that followed them was ratcheted forward by each of their runs (a nice 19 task
 * placed at its ceiling, clock + lead, moved the clock there when it ran). Beside the game, two nice 19
 * hogs pushed that clock 7 s past the nice 0 tasks' vruntime, a nice 19 task queued at its ceiling
 * waited until the watchdog ejected the scheduler ('stress-ng failed to run for 6.0 s'), and sleepers
 * placed against it tied with the running nice 0 hogs instead of preempting them (cyclictest).
 */
static u64 vtime_fair;
static u32 nr_cpus;

static __always_inline void sched_add(u32 idx, u64 v)
{
	u32 zero = 0;
	u64 *counters = bpf_map_lookup_elem(&sched_stats, &zero);

	if (counters)
		__atomic_fetch_add(&counters[idx], v, __ATOMIC_RELAXED);
}

static __always_inline void sched_count(u32 idx)
{
	sched_add(idx, 1);
}

#include "scxgamer_topology.bpf.h"

static __always_inline struct cpu_state *cpu_state_of(u32 cpu)
{
	if (cpu >= SCXG_MAX_CPUS)
		return NULL;
	/* Hide the check from the compiler so the mask survives: the verifier needs a visible bound. */
	barrier_var(cpu);
	return &cpu_states[cpu & (SCXG_MAX_CPUS - 1)];
}

static __always_inline struct task_ctx *lookup_task_ctx(struct task_struct *p)
{
	return bpf_task_storage_get(&task_ctx, p, 0, 0);
}

static __always_inline bool vtime_before(u64 a, u64 b)
{
	return (s64)(a - b) < 0;
}

/* Preemption order: input handlers over audio over render over foreground over default over background. */
static __always_inline u8 class_rank(u8 cls)
{
	switch (cls) {
	case SCXG_CLASS_INPUT: return 5;
	case SCXG_CLASS_AUDIO: return 4;
	case SCXG_CLASS_RENDER: return 3;
	case SCXG_CLASS_FOREGROUND: return 2;
	case SCXG_CLASS_BACKGROUND: return 0;
	default: return 1;
	}
}

/* p asked for a page flip or atomic commit less than render_hold_ms ago (the render hook's mark). */
static __always_inline bool render_recent(struct task_struct *p, const struct scxg_tunables *t)
{
	struct scxg_render_task *rt;

	if (!t->render_classify)
		return false;
	rt = bpf_task_storage_get(&render_tasks, p, 0, 0);
	return rt && bpf_ktime_get_ns() - READ_ONCE(rt->last_commit_ns) < t->render_hold_ms * NSEC_PER_MSEC;
}

/*
 * The core's ring reader is part of the input path: an input handler whatever a policy says, so a
 * saturated machine cannot starve it into ring drops. Then explicit classes from policy bundles;
 * then the foreground process; then behaviour (input, then render by its KMS commits, then audio).
 * Sets tctx->reader, tctx->sampled and tctx->render.
 *
 * Only explicitly classed input handlers are sampled: a thread woken by records (the reader, the
 * core's delivery threads, which behaviour may well class as input handlers) would otherwise
 * produce a record per wakeup and wake itself again through the rings.
 */
static __always_inline u8 task_class(struct task_struct *p, struct task_ctx *tctx, const struct scxg_tunables *t)
{
	u32 tid = p->pid, zero = 0;
	struct scxg_sched_hints *hints = bpf_map_lookup_elem(&sched_hints, &zero);
	bool render;
	u8 *cls;

	tctx->reader = hints && hints->reader_tid && hints->reader_tid == tid;
	tctx->sampled = 0;
	if (tctx->reader)
		return SCXG_CLASS_INPUT;
	cls = bpf_map_lookup_elem(&task_classes, &tid);
	if (cls && *cls < SCXG_CLASS_COUNT) {
		tctx->sampled = *cls == SCXG_CLASS_INPUT;
		return *cls;
	}
	if (hints && hints->foreground_tgid && hints->foreground_tgid == (u32)p->tgid)
		return SCXG_CLASS_FOREGROUND;
	if (tctx->behaviour_input)
		return SCXG_CLASS_INPUT;
	render = render_recent(p, t);
	if (render && !tctx->render)
		sched_count(SCXG_SCHED_RENDER_CLASSIFIED);
	tctx->render = render;
	if (render)
		return SCXG_CLASS_RENDER;
	return tctx->behaviour_audio ? SCXG_CLASS_AUDIO : SCXG_CLASS_DEFAULT;
}

/*
 * True when the wakeup being handled is made by the sound core inside its period callback: ops.runnable
 * runs in the waker's context, and the audio hook marks the task that runs the callback on this CPU.
 */
static __always_inline bool woken_by_sound_core(void)
{
	struct scxg_waker_state *w = scxg_waker_state();

	return w && READ_ONCE(w->pcm_task) == bpf_get_current_task();
}

/* The same for a futex wake call (the futex hook's mark): the wakee was handed a lock or an event. */
static __always_inline bool woken_by_futex(void)
{
	struct scxg_waker_state *w = scxg_waker_state();

	return w && READ_ONCE(w->futex_task) == bpf_get_current_task();
}

/* The same for a signalling ntsync object ioctl (the ntsync hook's mark). */
static __always_inline bool woken_by_ntsync(void)
{
	struct scxg_waker_state *w = scxg_waker_state();

	return w && READ_ONCE(w->ntsync_task) == bpf_get_current_task();
}

/* The hand-off this wakeup is, among those whose boost is on. */
static __always_inline u8 handoff_of_wakeup(const struct scxg_tunables *t)
{
	if (t->futex_boost && woken_by_futex())
		return HANDOFF_FUTEX;
	if (t->ntsync_boost && woken_by_ntsync())
		return HANDOFF_NTSYNC;
	return HANDOFF_NONE;
}

/* True while the input window or any lane's boost is open. */
static __always_inline bool input_active(u64 now)
{
	struct scxg_input_state *st = scxg_input_state();

	if (!st)
		return false;
	return now < READ_ONCE(st->input_window_until_ns) ||
	       now < READ_ONCE(st->lane_until_ns[SCXG_LANE_MOUSE]) ||
	       now < READ_ONCE(st->lane_until_ns[SCXG_LANE_KEYBOARD]) ||
	       now < READ_ONCE(st->lane_until_ns[SCXG_LANE_CONTROLLER]);
}

/*
 * Classifies p, decides whether it runs boosted now (audio and render: always; input and foreground:
 * while input is active; any class but background when this wakeup is a futex or ntsync hand-off whose
 * boost is on)
 * and returns its slice. The slice shrinks as the queues fill (slice * cpus / (cpus + queued)) so
 * waiting tasks get a turn sooner.
 *
 * A hand-off boosts this one enqueue: the waiter runs its boosted slice soon and, boosted, is not
 * preempted in it, so a lock just handed over is not held by a thread waiting for a CPU. Only a wakeup
 * counts: a task preempted inside futex_wake() or ntsync_obj_ioctl() is re-enqueued in its own context,
 * under its own mark.
 */
static __always_inline u64 task_prepare(struct task_struct *p, struct task_ctx *tctx, const struct scxg_tunables *t,
					bool wakeup)
{
	s32 queued = topo_nr_queued();
	u64 slice;

	tctx->cls = task_class(p, tctx, t);
	if (tctx->cls == SCXG_CLASS_AUDIO) {
		tctx->boosted = 1;
		sched_count(SCXG_SCHED_AUDIO_BOOSTED);
	} else if (tctx->cls == SCXG_CLASS_RENDER) {
		tctx->boosted = 1;
		sched_count(SCXG_SCHED_RENDER_BOOSTED);
	} else {
		tctx->boosted = (tctx->cls == SCXG_CLASS_INPUT || tctx->cls == SCXG_CLASS_FOREGROUND) &&
				input_active(bpf_ktime_get_ns());
		if (tctx->boosted)
			sched_count(SCXG_SCHED_BOOSTED);
	}
	tctx->handoff = !tctx->boosted && wakeup && tctx->cls != SCXG_CLASS_BACKGROUND ? handoff_of_wakeup(t) : HANDOFF_NONE;
	if (tctx->handoff != HANDOFF_NONE) {
		tctx->boosted = 1;
		sched_count(tctx->handoff == HANDOFF_FUTEX ? SCXG_SCHED_FUTEX_BOOSTED : SCXG_SCHED_NTSYNC_BOOSTED);
	}
	slice = tctx->boosted ? t->boosted_slice_ns : t->slice_ns;
	if (queued > 0 && nr_cpus)
		slice = slice * nr_cpus / (nr_cpus + queued);
	return scxg_max(slice, SCXG_MIN_SLICE_NS);
}

/*
 * How far ahead of vtime_fair p's vruntime may be: lag_cap for a task of default weight or more,
 * LOW_WEIGHT_LEAD_CAPS lag caps for any lower weight. A nice 19 task (weight 1 on sched_ext's scale)
 * charges 100x its runtime: at its ceiling it waits for the clock to catch up, about lead x runnable
 * tasks / CPUs of wall time (80 ms x 60 tasks per CPU = 5 s, the watchdog's timeout), and gets a slice.
 * One lead for every low weight: when only low-weight tasks run the clock stands still, they all reach
 * the same ceiling and take turns (equal deadlines are served in order); with leads by weight a nice 5
 * hog, always ahead of a nice 19 one, would starve it.
 */
static __always_inline u64 vtime_lead(struct task_struct *p, const struct scxg_tunables *t)
{
	return p->scx.weight >= SCXG_WEIGHT_DFL ? t->lag_cap_ns : t->lag_cap_ns * LOW_WEIGHT_LEAD_CAPS;
}

/* The deadline shortening of a boosted enqueue: the hand-off's, or the class's. */
static __always_inline u32 boost_shift(const struct task_ctx *tctx, const struct scxg_tunables *t)
{
	if (tctx->handoff == HANDOFF_FUTEX)
		return t->futex_boost_shift;
	if (tctx->handoff == HANDOFF_NTSYNC)
		return t->ntsync_boost_shift;
	return t->class_boost_shift[tctx->cls & (SCXG_CLASS_SLOTS - 1)];
}

/*
 * Deadline in the shared DSQs: vruntime plus an offset; boosting shrinks the offset. The vruntime is
 * kept near the clock on both sides: at most lag_cap behind vtime_fair, so sleepers cannot hoard
 * credit; at most vtime_lead() ahead of it, so a low-weight task waits its share but is never starved
 * into the watchdog.
 */
static __always_inline u64 task_deadline(struct task_struct *p, struct task_ctx *tctx, const struct scxg_tunables *t)
{
	u64 vtime = tctx->vruntime, floor = vtime_fair - t->lag_cap_ns, ceiling = vtime_fair + vtime_lead(p, t);
	u32 shift;

	if (vtime_before(vtime, floor))
		vtime = floor;
	else if (vtime_before(ceiling, vtime))
		vtime = ceiling;
	tctx->vruntime = vtime;
	if (tctx->cls == SCXG_CLASS_BACKGROUND) {
		tctx->deadline = vtime + (t->slice_ns << 1);
	} else if (!tctx->boosted) {
		tctx->deadline = vtime + t->slice_ns;
	} else {
		shift = boost_shift(tctx, t);
		tctx->deadline = vtime + (t->slice_ns >> (shift < 32 ? shift : 31));
	}
	return tctx->deadline;
}

/* Debug only (DEBUG_ERROR_STALL): background-class tasks are never run, a safe way to trigger the watchdog. */
static __always_inline bool debug_stalled(struct task_struct *p, struct task_ctx *tctx, const struct scxg_tunables *t)
{
	return t->debug_error == DEBUG_ERROR_STALL && tctx && task_class(p, tctx, t) == SCXG_CLASS_BACKGROUND;
}

/* cs runs a task p may take the CPU from: busy, not boosted, not of a higher class than rank. */
static __always_inline bool preemptible(struct task_struct *p, u32 cpu, struct cpu_state *cs, u8 rank)
{
	return cs && cpu < nr_cpus && cs->busy && !cs->boosted && cs->rank <= rank &&
	       bpf_cpumask_test_cpu(cpu, p->cpus_ptr);
}

/*
 * A victim that has not run its minimum yet is preempted when it has: a timer per CPU, armed for the rest of
 * the minimum by the wakeup that found it, kicks the CPU then if it still runs that task and an earlier
 * deadline waits in its queue. Without it the woken task waited out the victim's whole slice.
 */
struct preempt_timer {
	struct bpf_timer timer;
	u64 started_ns;      /* cpu_state.started_ns of the run it was armed for */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SCXG_MAX_CPUS);
	__type(key, u32);
	__type(value, struct preempt_timer);
} preempt_timers SEC(".maps");

#define CLOCK_MONOTONIC 1

/* A task already waits in dsq with an earlier deadline than p's: the CPU kicked for p runs that one first. */
static __always_inline bool queued_ahead(u64 dsq, u64 deadline)
{
	struct task_struct *head;

	bpf_for_each(scx_dsq, head, dsq, 0)
		return vtime_before(head->scx.dsq_vtime, deadline);
	return false;
}

static int preempt_timerfn(void *map, int *key, struct bpf_timer *timer)
{
	u32 cpu = *key;
	struct preempt_timer *pt = bpf_map_lookup_elem(&preempt_timers, &cpu);
	struct cpu_state *cs = cpu_state_of(cpu);

	if (pt && cs && cs->busy && !cs->boosted && cs->started_ns == pt->started_ns &&
	    queued_ahead(topo_cpu_dsq(cpu), cs->deadline - PREEMPT_MARGIN_NS)) {
		scx_bpf_kick_cpu(cpu, SCX_KICK_PREEMPT);
		sched_count(SCXG_SCHED_PREEMPT_DEFERRED_KICKS);
	}
	return 0;
}

/* Arms cpu's preemption timer for when its task (cs) has run PREEMPT_MIN_RUN_NS. */
static __always_inline void preempt_later(u32 cpu, struct cpu_state *cs, u64 now)
{
	struct preempt_timer *pt = bpf_map_lookup_elem(&preempt_timers, &cpu);
	u64 ran = now - cs->started_ns;

	if (!pt)
		return;
	pt->started_ns = cs->started_ns;
	bpf_timer_start(&pt->timer, ran < PREEMPT_MIN_RUN_NS ? PREEMPT_MIN_RUN_NS - ran : 0, 0);
	sched_count(SCXG_SCHED_PREEMPT_DEFERRED);
}

/*
 * cs's task ran its minimum and its deadline is later than latest: a deadline preemption is fair.
 * One whose deadline is later but that has not run its minimum yet is noted in *young (counted).
 */
static __always_inline bool deadline_victim(struct cpu_state *cs, u64 latest, u64 now, bool *young)
{
	if (!vtime_before(latest, cs->deadline))
		return false;
	if (now - cs->started_ns >= PREEMPT_MIN_RUN_NS)
		return true;
	*young = true;
	return false;
}

/*
 * The CPU to preempt for p, or -1. A boosted p takes a CPU running a lower class. Any p takes a CPU
 * whose task's deadline is more than margin after p's (wakeup preemption, as EEVDF does: a sleeper
 * with credit should not wait out a CPU hog's slice). Boosted tasks are never preempted, nor a
 * higher class.
 *
 * The CPU this wakeup runs on comes first: preempting it needs no IPI (a remote reschedule interrupt
 * costs tens of µs under emulation and the task a migration), and it is usually where p slept (its
 * timer fired here) or what woke it. A boosted p takes it over a lower class, or when it runs no SCX
 * task (busy == 0: the writer of a higher sched class that p then follows, from the head of the
 * local DSQ, as the default scheduler's wake-affine placement does); any p takes it as a deadline
 * victim. Only then the other CPUs, from p's previous one, for the latest deadline. With no victim but
 * younger ones, the latest of those is preempted later (preempt_later()) and named in *deferred: p waits
 * in that CPU's queue.
 */
static __always_inline s32 preempt_victim(struct task_struct *p, struct task_ctx *tctx, u64 margin, bool *lower,
					  s32 *deferred)
{
	u8 rank = class_rank(tctx->cls);
	s32 prev = scx_bpf_task_cpu(p), victim = -1, young_cpu = -1;
	u64 latest = tctx->deadline + margin, young_latest = latest, now = bpf_ktime_get_ns();
	u32 i, cpu, scan = nr_cpus < PREEMPT_SCAN_CPUS ? nr_cpus : PREEMPT_SCAN_CPUS;
	struct cpu_state *cs, *young_cs = NULL;
	bool young = false;

	*lower = false;
	*deferred = -1;
	cpu = bpf_get_smp_processor_id();
	cs = cpu_state_of(cpu);
	if (tctx->boosted && cs && cpu < nr_cpus && !cs->boosted && (!cs->busy || cs->rank < rank) &&
	    bpf_cpumask_test_cpu(cpu, p->cpus_ptr)) {
		*lower = true;
		return cpu;
	}
	if (preemptible(p, cpu, cs, rank) && deadline_victim(cs, latest, now, &young)) {
		sched_count(SCXG_SCHED_PREEMPT_LOCAL);
		return cpu;
	}
	bpf_for(i, 0, scan) {
		/* Start at the task's previous CPU: its caches are warm. */
		cpu = (u32)(prev + i) % nr_cpus;
		cs = cpu_state_of(cpu);
		if (!preemptible(p, cpu, cs, rank))
			continue;
		if (tctx->boosted && cs->rank < rank) {
			*lower = true;
			return cpu;
		}
		if (deadline_victim(cs, latest, now, &young)) {
			latest = cs->deadline;
			victim = cpu;
		} else if (now - cs->started_ns < PREEMPT_MIN_RUN_NS && vtime_before(young_latest, cs->deadline)) {
			young_latest = cs->deadline;
			young_cpu = cpu;
			young_cs = cs;
		}
	}
	if (victim < 0)
		sched_count(young ? SCXG_SCHED_PREEMPT_NONE_YOUNG : SCXG_SCHED_PREEMPT_NONE);
	if (victim < 0 && young_cs) {
		preempt_later(young_cpu, young_cs, now);
		*deferred = young_cpu;
	}
	return victim;
}

/*
 * The idle CPU topology placement picks for p, claimed, or -1. Game-facing classes (input, audio,
 * foreground) go to the domain topo_prefer names first; background tasks stay out of it while they can.
 */
static __always_inline s32 topo_place(struct task_struct *p, struct task_ctx *tctx, s32 prev_cpu, u64 wake_flags,
				      const struct scxg_tunables *t)
{
	u32 domain = topo_domain_flag(t->topo_prefer);

	if (tctx->cls == SCXG_CLASS_BACKGROUND)
		return topo_select_cpu(p, prev_cpu, wake_flags, 0, domain);
	if (class_rank(tctx->cls) >= class_rank(SCXG_CLASS_FOREGROUND))
		return topo_select_cpu(p, prev_cpu, wake_flags, domain, 0);
	return topo_select_cpu(p, prev_cpu, wake_flags, 0, 0);
}

SEC("struct_ops/scxgamer_select_cpu")
s32 BPF_PROG(scxgamer_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	struct task_ctx *tctx = lookup_task_ctx(p);
	bool is_idle = false, have_t = false;
	struct scxg_tunables t;
	s32 cpu = -1;
	u64 slice;

	if (topo_placement && tctx) {
		scxg_tunables_read(&t);
		have_t = true;
		cpu = topo_place(p, tctx, prev_cpu, wake_flags, &t);
		is_idle = cpu >= 0;
	}
	if (!is_idle)
		cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &is_idle);
	if (is_idle && tctx) {
		if (!have_t)
			scxg_tunables_read(&t);
		if (debug_stalled(p, tctx, &t))
			return cpu;
		slice = task_prepare(p, tctx, &t, true);
		task_deadline(p, tctx, &t);
		scxg_dsq_insert(p, SCX_DSQ_LOCAL, slice, 0);
		sched_count(SCXG_SCHED_DIRECT_DISPATCHED);
	}
	return cpu;
}

SEC("struct_ops/scxgamer_enqueue")
void BPF_PROG(scxgamer_enqueue, struct task_struct *p, u64 enq_flags)
{
	struct task_ctx *tctx = lookup_task_ctx(p);
	struct scxg_tunables t;
	bool lower = false, kick;
	u64 slice, deadline;
	s32 cpu, deferred = -1;

	sched_count(SCXG_SCHED_ENQUEUED);
	scxg_tunables_read(&t);
	if (debug_stalled(p, tctx, &t)) {
		scxg_dsq_insert(p, DEBUG_STALL_DSQ, t.slice_ns, enq_flags);
		return;
	}
	if (t.debug_error == DEBUG_ERROR_FORCE) {
		scx_bpf_error("scxgamer: debug_error tunable is %u: forced scheduler error for testing", t.debug_error);
		return;
	}
	/* The shared DSQs are vtime-ordered: the kernel rejects FIFO inserts into them, even for this. */
	if (!tctx) {
		scxg_dsq_insert_vtime(p, topo_enqueue_dsq(p), t.slice_ns, vtime_fair, enq_flags);
		sched_count(SCXG_SCHED_SHARED_DISPATCHED);
		return;
	}
	slice = task_prepare(p, tctx, &t, enq_flags & SCX_ENQ_WAKEUP);
	deadline = task_deadline(p, tctx, &t);

	/* A shared DSQ wakes no one by itself: claim an idle CPU and kick it; it takes p from its LLC's DSQ. */
	cpu = scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);
	if (cpu >= 0) {
		scxg_dsq_insert_vtime(p, topo_cpu_dsq(cpu), slice, deadline, enq_flags);
		sched_count(SCXG_SCHED_SHARED_DISPATCHED);
		scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
		return;
	}
	/*
	 * No idle CPU. Only a wakeup may preempt: a task whose slice ran out is re-enqueued and
	 * waits its turn, so even a boosted CPU hog cannot monopolise a CPU. A boosted task goes to
	 * the front of a lower class's CPU.
	 */
	cpu = (enq_flags & SCX_ENQ_WAKEUP) ? preempt_victim(p, tctx, PREEMPT_MARGIN_NS, &lower, &deferred) : -1;
	if (cpu >= 0 && lower && t.preempt) {
		/*
		 * SCX_ENQ_PREEMPT preempts when p lands on that CPU's local DSQ, at its head. A separate kick
		 * could be handled before the (deferred) move to a remote CPU: the victim then picked another
		 * task with a fresh slice and p waited behind it (wake-to-run p50 ~2 ms under saturation).
		 */
		scxg_dsq_insert(p, SCX_DSQ_LOCAL_ON | cpu, slice, enq_flags | SCX_ENQ_PREEMPT);
		sched_count(SCXG_SCHED_DIRECT_DISPATCHED);
		sched_count(SCXG_SCHED_PREEMPT_KICKS);
		sched_count(SCXG_SCHED_PREEMPT_LOWER);
		return;
	}
	/* Otherwise a task far ahead of a running one by deadline makes that CPU pick again, from p's queue. */
	kick = cpu >= 0 && !lower;
	if (kick && queued_ahead(topo_cpu_dsq(cpu), deadline))
		sched_count(SCXG_SCHED_PREEMPT_BEHIND);
	scxg_dsq_insert_vtime(p, kick ? topo_cpu_dsq(cpu) : deferred >= 0 ? topo_cpu_dsq(deferred) : topo_enqueue_dsq(p),
			      slice, deadline, enq_flags);
	sched_count(SCXG_SCHED_SHARED_DISPATCHED);
	if (kick) {
		scx_bpf_kick_cpu(cpu, SCX_KICK_PREEMPT);
		sched_count(SCXG_SCHED_PREEMPT_KICKS);
	}
}

SEC("struct_ops/scxgamer_dispatch")
void BPF_PROG(scxgamer_dispatch, s32 cpu, struct task_struct *prev)
{
	topo_dispatch(cpu);
}

/*
 * Behaviour window: after BEHAVIOUR_WAKEUPS wakeups, decide whether p acts like an input handler
 * (woken right after input events) or an audio thread (woken by the sound core's period callback);
 * either runs briefly. A kind whose tunable is off is never decided.
 */
static __always_inline void behaviour_wakeup(struct task_ctx *tctx, u64 now, bool by_sound, const struct scxg_tunables *t)
{
	struct scxg_input_state *st = scxg_input_state();
	u64 last_input = st ? READ_ONCE(st->last_event_ns) : 0;
	bool was_input = tctx->behaviour_input, was_audio = tctx->behaviour_audio, brief;

	tctx->window_wakeups++;
	if (last_input && now - last_input < BEHAVIOUR_INPUT_WAKE_NS)
		tctx->window_input_wakeups++;
	if (by_sound)
		tctx->window_audio_wakeups++;
	if (tctx->window_wakeups < BEHAVIOUR_WAKEUPS)
		return;
	brief = tctx->window_run_ns < BEHAVIOUR_MAX_RUN_NS * tctx->window_wakeups;
	tctx->behaviour_input = t->behaviour_classify && brief &&
				tctx->window_input_wakeups * 100 >= BEHAVIOUR_INPUT_PCT * tctx->window_wakeups;
	tctx->behaviour_audio = t->audio_classify && brief &&
				tctx->window_audio_wakeups * 100 >= BEHAVIOUR_INPUT_PCT * tctx->window_wakeups;
	if (tctx->behaviour_input && !was_input)
		sched_count(SCXG_SCHED_BEHAVIOUR_CLASSIFIED);
	if (tctx->behaviour_audio && !was_audio)
		sched_count(SCXG_SCHED_AUDIO_CLASSIFIED);
	tctx->window_wakeups = 0;
	tctx->window_input_wakeups = 0;
	tctx->window_audio_wakeups = 0;
	tctx->window_run_ns = 0;
}

SEC("struct_ops/scxgamer_runnable")
void BPF_PROG(scxgamer_runnable, struct task_struct *p, u64 enq_flags)
{
	struct task_ctx *tctx;
	struct scxg_tunables t;
	bool by_sound;
	u64 now;

	if (!(enq_flags & SCX_ENQ_WAKEUP) || !(tctx = lookup_task_ctx(p)))
		return;
	now = bpf_ktime_get_ns();
	tctx->wake_ns = now;
	by_sound = woken_by_sound_core();
	if (by_sound)
		sched_count(SCXG_SCHED_AUDIO_WAKEUPS);
	if (woken_by_futex())
		sched_count(SCXG_SCHED_FUTEX_HANDOFFS);
	if (woken_by_ntsync())
		sched_count(SCXG_SCHED_NTSYNC_HANDOFFS);
	scxg_tunables_read(&t);
	if (t.behaviour_classify || t.audio_classify)
		behaviour_wakeup(tctx, now, by_sound, &t);
	if (!t.behaviour_classify)
		tctx->behaviour_input = 0;
	if (!t.audio_classify)
		tctx->behaviour_audio = 0;
}

/*
 * Wake-to-run latency of an input handler, as a record on this CPU's ring (full ring: drop + count).
 * Each CPU offers at most SCXG_WAKE_SAMPLE_BUDGET samples per window, the rest are counted as
 * throttled: samples share the rings with input and must never crowd it out.
 */
static __always_inline void wake_sample(struct task_struct *p, struct task_ctx *tctx, struct cpu_state *cs, u64 now)
{
	u64 *counters = scxg_input_counters();
	u64 latency = now - tctx->wake_ns;

	if (!counters || !cs)
		return;
	if (now - cs->sample_window_ns >= SCXG_WAKE_SAMPLE_WINDOW_NS) {
		cs->sample_window_ns = now;
		cs->samples = 0;
	}
	if (cs->samples >= SCXG_WAKE_SAMPLE_BUDGET) {
		sched_count(SCXG_SCHED_WAKE_SAMPLES_THROTTLED);
		return;
	}
	cs->samples++;
	if (scxg_emit(counters, now, p->pid, SCXG_TYPE_SCHED_WAKE, tctx->cls, scxg_min(latency, S32_MAX),
		      SCXG_LANE_SCHED, tctx->boosted ? SCXG_FLAG_BOOSTED : 0))
		sched_count(SCXG_SCHED_WAKE_SAMPLES);
	else
		sched_count(SCXG_SCHED_WAKE_SAMPLES_DROPPED);
}

SEC("struct_ops/scxgamer_running")
void BPF_PROG(scxgamer_running, struct task_struct *p)
{
	struct task_ctx *tctx = lookup_task_ctx(p);
	struct cpu_state *cs = cpu_state_of(bpf_get_smp_processor_id());
	u64 now = bpf_ktime_get_ns();

	if (!tctx)
		return;
	tctx->run_start_ns = now;
	if (tctx->wake_ns) {
		/* The reader is counted, not sampled: a record would wake it again, and so on. */
		if (tctx->reader) {
			sched_count(SCXG_SCHED_READER_WAKEUPS);
			sched_add(SCXG_SCHED_READER_WAKE_NS, now - tctx->wake_ns);
			if (now - tctx->wake_ns > SCXG_READER_WAKE_SLOW_NS)
				sched_count(SCXG_SCHED_READER_WAKE_SLOW);
		} else if (tctx->sampled) {
			wake_sample(p, tctx, cs, now);
		}
		tctx->wake_ns = 0;
	}
	if (p->scx.weight >= SCXG_WEIGHT_DFL && vtime_before(vtime_fair, tctx->vruntime))
		vtime_fair = tctx->vruntime;
	if (cs) {
		cs->deadline = tctx->deadline;
		cs->started_ns = now;
		cs->rank = class_rank(tctx->cls);
		cs->boosted = tctx->boosted;
		cs->busy = 1;
	}
}

SEC("struct_ops/scxgamer_stopping")
void BPF_PROG(scxgamer_stopping, struct task_struct *p, bool runnable)
{
	struct task_ctx *tctx = lookup_task_ctx(p);
	struct cpu_state *cs = cpu_state_of(bpf_get_smp_processor_id());
	u32 weight = p->scx.weight;
	u64 ran;

	if (cs)
		cs->busy = 0;
	/* No running() seen yet: the task was already on the CPU when the scheduler was enabled. */
	if (!tctx || !tctx->run_start_ns)
		return;
	ran = bpf_ktime_get_ns() - tctx->run_start_ns;
	tctx->vruntime += ran * SCXG_WEIGHT_DFL / (weight ? weight : SCXG_WEIGHT_DFL);
	tctx->window_run_ns += ran;
}

SEC("struct_ops/scxgamer_init_task")
s32 BPF_PROG(scxgamer_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	struct task_ctx *tctx = bpf_task_storage_get(&task_ctx, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (!tctx)
		return -12; /* -ENOMEM */
	tctx->vruntime = vtime_fair;
	return 0;
}

/*
 * A new task starts at vtime_fair, with no credit (EEVDF places a new task at zero lag too). A
 * sleeper's lag_cap of credit is earned by sleeping; handing it to every fork let a compile storm's
 * short-lived processes (gcc, cc1, as: each one new) queue ahead of the game and of every
 * interactive task that had actually waited.
 */
SEC("struct_ops/scxgamer_enable")
void BPF_PROG(scxgamer_enable, struct task_struct *p)
{
	struct task_ctx *tctx = lookup_task_ctx(p);

	if (tctx)
		tctx->vruntime = vtime_fair;
}

SEC("struct_ops.s/scxgamer_init")
s32 BPF_PROG(scxgamer_init)
{
	nr_cpus = scx_bpf_nr_cpu_ids();
	if (nr_cpus > SCXG_MAX_CPUS)
		nr_cpus = SCXG_MAX_CPUS;
	s32 ret = topo_init(nr_cpus);
	struct preempt_timer *pt;
	u32 i;

	if (ret)
		return ret;
	bpf_for(i, 0, nr_cpus) {
		pt = bpf_map_lookup_elem(&preempt_timers, &i);
		if (!pt)
			return -12; /* -ENOMEM */
		bpf_timer_init(&pt->timer, &preempt_timers, CLOCK_MONOTONIC);
		bpf_timer_set_callback(&pt->timer, preempt_timerfn);
	}
	return scx_bpf_create_dsq(DEBUG_STALL_DSQ, -1);
}

/*
 * Copies the kernel's exit info and debug dump for userspace; the seq bump comes last and announces both.
 * A record on the rings then wakes the runtime's reader, so the exit is read now, not at the next monitor round.
 */
SEC("struct_ops/scxgamer_exit")
void BPF_PROG(scxgamer_exit, struct scx_exit_info *ei)
{
	u32 zero = 0;
	struct scxg_exit_info *info = bpf_map_lookup_elem(&exit_info, &zero);
	struct scxg_exit_dump *dump = bpf_map_lookup_elem(&exit_dump, &zero);
	u64 *counters = scxg_input_counters();
	u64 seq;

	if (!info)
		return;
	if (dump && bpf_probe_read_kernel_str(dump->text, sizeof(dump->text), ei->dump) < 0)
		dump->text[0] = 0;
	info->kind = ei->kind;
	info->exit_code = ei->exit_code;
	bpf_probe_read_kernel_str(info->reason, sizeof(info->reason), ei->reason);
	bpf_probe_read_kernel_str(info->msg, sizeof(info->msg), ei->msg);
	seq = __sync_fetch_and_add(&info->seq, 1) + 1;
	if (counters)
		scxg_emit(counters, bpf_ktime_get_ns(), 0, SCXG_TYPE_SCHED_EXIT, ei->kind, seq & S32_MAX, SCXG_LANE_SCHED, 0);
}

SEC(".struct_ops.link")
struct sched_ext_ops scxgamer_ops = {
	.select_cpu = (void *)scxgamer_select_cpu,
	.enqueue = (void *)scxgamer_enqueue,
	.dispatch = (void *)scxgamer_dispatch,
	.runnable = (void *)scxgamer_runnable,
	.running = (void *)scxgamer_running,
	.stopping = (void *)scxgamer_stopping,
	.init_task = (void *)scxgamer_init_task,
	.enable = (void *)scxgamer_enable,
	.init = (void *)scxgamer_init,
	.exit = (void *)scxgamer_exit,
	.timeout_ms = 5000,
	.exit_dump_len = SCXG_EXIT_DUMP_LEN,
	.name = "scxgamer",
};
