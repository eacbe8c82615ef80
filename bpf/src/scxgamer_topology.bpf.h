/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Topology-aware placement for the scheduler: where a waking task runs, which queue it waits in, and
 * which queue an idle CPU takes work from. Userspace writes the machine's topology (maps `topology` and
 * `cpu_topo`, see scxgamer_contract.h) before the scheduler attaches; ops.init reads it once. Included by
 * scxgamer_sched.bpf.c after its counter helpers (sched_count()).
 *
 * - One vtime-ordered DSQ per LLC (LLC_DSQ(llc)). A CPU runs its own LLC's queue and steals the head of
 *   another LLC's only when its own is empty; an enqueue joins its LLC's queue unless that queue is
 *   longer than the shortest by more than TOPO_IMBALANCE, then the shortest: every queued task is taken
 *   by its own LLC or by an idle one, and no LLC's queue runs far ahead of another's. A wakeup that makes a
 *   CPU preempt (a deadline far ahead of that CPU's task) joins that CPU's LLC's queue, where the CPU picks.
 * - A wakeup goes to the best idle CPU by score (topo_select_cpu()): the preferred domain for game-facing
 *   classes; then an idle whole core before an idle SMT sibling of a busy one, and the LLC of the task's
 *   previous CPU (its cache) before another LLC; a sync wakeup (the waker is about to sleep, e.g. a pipe
 *   write) ranks the waker's LLC first, so a pair that talks keeps its data in one cache.
 *
 * A machine with one LLC, no SMT and no preferred domain (or whose topology userspace could not read)
 * gets none of this: one queue and the kernel's default idle-CPU pick, as before.
 */
#ifndef SCXGAMER_TOPOLOGY_BPF_H
#define SCXGAMER_TOPOLOGY_BPF_H

/* LLC n's DSQ (ids below are the scheduler's own: DEBUG_STALL_DSQ). */
#define LLC_DSQ_BASE 2
#define LLC_DSQ(llc) (LLC_DSQ_BASE + (u64)(llc))
/* An enqueue leaves its LLC's queue for the shortest one when it is longer by more than this. */
#define TOPO_IMBALANCE 2
/* A wakeup looks at no more CPUs than this: a bounded cost on big machines. */
#define TOPO_SCAN_CPUS 64

/*
 * Score of an idle CPU for a wakeup, highest wins; the CPU's capacity (1..1024, 11 bits) breaks ties.
 * The domain named by topo_prefer outranks everything for game-facing classes (the player asked for it),
 * and for background tasks the CPUs outside it do, so background work fills what the game leaves.
 */
#define TOPO_SCORE_DOMAIN 16
#define TOPO_SCORE_FIRST 8   /* idle whole core; for a sync wakeup, the waker's LLC */
#define TOPO_SCORE_SECOND 4  /* the LLC of the previous CPU; for a sync wakeup, an idle whole core */
#define TOPO_SCORE_PREV 2    /* the previous CPU itself: the warmest cache */
#define TOPO_CAPACITY_BITS 11

/*
 * The best CPU so far of a wakeup's scan, one slot per CPU doing the scan (select_cpu runs with
 * preemption off). Kept in map memory, whose values the verifier does not track, rather than in
 * registers: with them in registers it explored one loop body per combination of values they could hold
 * and gave up after a million instructions.
 */
struct topo_pick {
	u64 score;
	s32 cpu;
	u8 whole;
};
static struct topo_pick topo_picks[SCXG_TOPO_MAX_CPUS];
_Static_assert((SCXG_TOPO_MAX_CPUS & (SCXG_TOPO_MAX_CPUS - 1)) == 0, "the mask in topo_pick_of() needs a power of two");

static u32 topo_nr_llcs = 1;
static u32 topo_nr_cpus;
/* Place by topology: SMT, several LLCs, or CPUs in a cache or fast domain of their own. */
static bool topo_placement;
static bool topo_smt;

static __always_inline struct scxg_cpu_topo *topo_cpu(s32 cpu)
{
	u32 key = cpu;

	return bpf_map_lookup_elem(&cpu_topo, &key);
}

static __always_inline struct topo_pick *topo_pick_of(u32 cpu)
{
	/* Hide the mask from the compiler so it survives: the verifier needs a visible bound. */
	barrier_var(cpu);
	return &topo_picks[cpu & (SCXG_TOPO_MAX_CPUS - 1)];
}

static __always_inline u32 topo_llc(s32 cpu)
{
	struct scxg_cpu_topo *c = topo_cpu(cpu);

	return c && c->llc < topo_nr_llcs ? c->llc : 0;
}

/*
 * Reads the topology userspace wrote (ops.init) and creates one DSQ per LLC. Without a valid one
 * there is a single LLC: one DSQ, and placement is left to the kernel's default pick.
 */
static __always_inline s32 topo_init(u32 nr_cpus)
{
	struct scxg_topology *topo;
	u32 zero = 0, i, domains = 0;
	struct scxg_cpu_topo *c;
	s32 ret;

	topo = bpf_map_lookup_elem(&topology, &zero);
	if (topo && (topo->flags & SCXG_TOPO_VALID) && topo->nr_llcs >= 1 && topo->nr_llcs <= SCXG_MAX_LLCS &&
	    topo->nr_cpus == nr_cpus) {
		topo_nr_llcs = topo->nr_llcs;
		topo_smt = topo->flags & SCXG_TOPO_SMT;
		topo_nr_cpus = nr_cpus;
		/* Userspace sets a domain's flag only where it is a proper subset of the CPUs. */
		bpf_for(i, 0, nr_cpus) {
			c = topo_cpu(i);
			if (c)
				domains |= c->flags;
		}
		topo_placement = topo_nr_llcs > 1 || topo_smt || domains;
	}
	bpf_for(i, 0, topo_nr_llcs) {
		ret = scx_bpf_create_dsq(LLC_DSQ(i), -1);
		if (ret)
			return ret;
	}
	return 0;
}

/* Tasks waiting in every LLC's queue. */
static __always_inline s32 topo_nr_queued(void)
{
	s32 queued = 0;
	u32 i;

	bpf_for(i, 0, topo_nr_llcs)
		queued += scx_bpf_dsq_nr_queued(LLC_DSQ(i));
	return queued;
}

/* The queue of cpu's LLC: where p goes for an idle CPU claimed for it, or a CPU kicked to preempt for it. */
static __always_inline u64 topo_cpu_dsq(s32 cpu)
{
	return LLC_DSQ(topo_llc(cpu));
}

/*
 * The queue p waits in when no CPU is idle: its LLC's (that of its CPU, or of any CPU it may run on),
 * unless that queue is longer than the shortest by more than TOPO_IMBALANCE and p may run anywhere.
 */
static __always_inline u64 topo_enqueue_dsq(struct task_struct *p)
{
	s32 cpu = scx_bpf_task_cpu(p), queued, shortest;
	u32 llc, best, i;

	if (topo_nr_llcs <= 1)
		return LLC_DSQ(0);
	if (!bpf_cpumask_test_cpu(cpu, p->cpus_ptr))
		cpu = scx_bpf_pick_any_cpu(p->cpus_ptr, 0);
	llc = best = topo_llc(cpu);
	if ((u32)p->nr_cpus_allowed < topo_nr_cpus)
		return LLC_DSQ(llc);
	shortest = queued = scx_bpf_dsq_nr_queued(LLC_DSQ(llc));
	bpf_for(i, 0, topo_nr_llcs) {
		s32 n = scx_bpf_dsq_nr_queued(LLC_DSQ(i));

		if (n < shortest) {
			shortest = n;
			best = i;
		}
	}
	if (queued - shortest > TOPO_IMBALANCE) {
		sched_count(SCXG_SCHED_TOPO_LLC_REMOTE);
		return LLC_DSQ(best);
	}
	return LLC_DSQ(llc);
}

/* ops.dispatch: this CPU's LLC queue first; only when it is empty, the head of another LLC's. */
static __always_inline void topo_dispatch(s32 cpu)
{
	u32 llc = topo_llc(cpu), i;

	if (scxg_dsq_move_to_local(LLC_DSQ(llc)))
		return;
	bpf_for(i, 1, topo_nr_llcs) {
		if (scxg_dsq_move_to_local(LLC_DSQ((llc + i) % topo_nr_llcs))) {
			sched_count(SCXG_SCHED_TOPO_STEALS);
			return;
		}
	}
}

/* The cpu_flags bit of the domain the tunable topo_prefer names (0: none). */
static __always_inline u32 topo_domain_flag(u32 prefer)
{
	switch (prefer) {
	case SCXG_TOPO_PREFER_FAST: return SCXG_CPU_FAST;
	case SCXG_TOPO_PREFER_CACHE: return SCXG_CPU_CACHE;
	default: return 0;
	}
}

/*
 * An idle CPU for p's wakeup, claimed (its idle bit cleared), or -1: then the caller uses the kernel's
 * default pick. domain: the cpu_flags bit p should run in (game-facing classes), avoid: the bit p should
 * stay out of (background), or 0. Counts what it chose.
 */
static __always_inline s32 topo_select_cpu(struct task_struct *p, s32 prev_cpu, u64 wake_flags, u32 domain, u32 avoid)
{
	bool sync = wake_flags & SCX_WAKE_SYNC, whole;
	s32 this_cpu = bpf_get_smp_processor_id(), cpu;
	u32 i, scan = scxg_min(topo_nr_cpus, TOPO_SCAN_CPUS), prev_llc, waker_llc;
	struct topo_pick *best = topo_pick_of(this_cpu);
	const struct cpumask *idle, *idle_cores;
	struct scxg_cpu_topo *c;
	u64 score;

	if (prev_cpu < 0 || (u32)prev_cpu >= topo_nr_cpus)
		prev_cpu = 0;
	prev_llc = topo_llc(prev_cpu);
	waker_llc = topo_llc(this_cpu);
	best->cpu = -1;
	best->score = 0;
	best->whole = 0;
	idle = scx_bpf_get_idle_cpumask();
	idle_cores = scx_bpf_get_idle_smtmask();
	bpf_for(i, 0, scan) {
		/* From the previous CPU on: among equals, the nearest to its cache. */
		cpu = (prev_cpu + i) % topo_nr_cpus;
		c = topo_cpu(cpu);
		if (!c || !bpf_cpumask_test_cpu(cpu, idle) || !bpf_cpumask_test_cpu(cpu, p->cpus_ptr))
			continue;
		whole = !topo_smt || bpf_cpumask_test_cpu(cpu, idle_cores);
		score = 0;
		if ((domain && (c->flags & domain)) || (avoid && !(c->flags & avoid)))
			score += TOPO_SCORE_DOMAIN;
		if (sync)
			score += (c->llc == waker_llc ? TOPO_SCORE_FIRST : 0) + (whole ? TOPO_SCORE_SECOND : 0);
		else
			score += (whole ? TOPO_SCORE_FIRST : 0) + (c->llc == prev_llc ? TOPO_SCORE_SECOND : 0);
		if (cpu == prev_cpu)
			score += TOPO_SCORE_PREV;
		score = (score << TOPO_CAPACITY_BITS) | (c->capacity & ((1 << TOPO_CAPACITY_BITS) - 1));
		if (best->cpu < 0 || score > best->score) {
			best->cpu = cpu;
			best->score = score;
			best->whole = whole;
		}
	}
	scx_bpf_put_idle_cpumask(idle_cores);
	scx_bpf_put_idle_cpumask(idle);
	cpu = best->cpu;
	if (cpu < 0 || !scx_bpf_test_and_clear_cpu_idle(cpu))
		return -1;
	if (topo_smt)
		sched_count(best->whole ? SCXG_SCHED_TOPO_IDLE_CORE : SCXG_SCHED_TOPO_IDLE_SIBLING);
	if (topo_nr_llcs > 1)
		sched_count(topo_llc(cpu) == (sync ? waker_llc : prev_llc) ? SCXG_SCHED_TOPO_LLC_LOCAL
									  : SCXG_SCHED_TOPO_LLC_REMOTE);
	c = topo_cpu(cpu);
	if (domain && c && (c->flags & domain))
		sched_count(SCXG_SCHED_TOPO_PREFERRED);
	return cpu;
}

#endif /* SCXGAMER_TOPOLOGY_BPF_H */
