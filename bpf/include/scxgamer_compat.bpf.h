/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sched_ext kfuncs across kernels 6.12 ... 7.x, in one place. Objects are built with
 * BPF_NO_KFUNC_PROTOTYPES, so every kfunc the scheduler uses is declared here, __ksym __weak:
 * libbpf leaves a missing one at address 0, bpf_ksym_exists() tells which variant this kernel has
 * and the verifier drops the branches for the others. A "___suffix" is stripped by libbpf when it
 * resolves the name, which lets two prototypes of one kernel name coexist.
 *
 * Drift covered:
 *   6.13: scx_bpf_dispatch[_vtime] -> scx_bpf_dsq_insert[_vtime], scx_bpf_consume -> scx_bpf_dsq_move_to_local
 *   6.19: scx_bpf_dsq_insert___v2 (returns bool), __scx_bpf_dsq_insert_vtime (arguments packed in a struct)
 *   7.1:  scx_bpf_dsq_move_to_local___v2(dsq_id, enq_flags)
 */
#ifndef SCXGAMER_COMPAT_BPF_H
#define SCXGAMER_COMPAT_BPF_H

/*
 * The input core functions the hook object traces need no variant in BPF: where one is not traceable
 * the loader (LibbpfKernel.HookPlan) moves its program to the fallback or leaves it out, and part
 * DEVICES / INPUT_HOOK says what that costs:
 *   fentry input_handle_event        -> input_event (preemptible: recursion misses possible)
 *   fentry/fexit input_register_device -> left out (devices learned on their first event)
 *   fexit __input_unregister_device  -> input_unregister_device (devm-managed devices not seen leaving)
 *                                    -> left out (unplugged devices stay cached until their address registers again)
 */

/* Shared by every kernel from 6.12 on. */
s32 scx_bpf_create_dsq(u64 dsq_id, s32 node) __ksym __weak;
s32 scx_bpf_select_cpu_dfl(struct task_struct *p, s32 prev_cpu, u64 wake_flags, bool *is_idle) __ksym __weak;
s32 scx_bpf_pick_idle_cpu(const struct cpumask *cpus_allowed, u64 flags) __ksym __weak;
void scx_bpf_kick_cpu(s32 cpu, u64 flags) __ksym __weak;
s32 scx_bpf_task_cpu(const struct task_struct *p) __ksym __weak;
u32 scx_bpf_nr_cpu_ids(void) __ksym __weak;
s32 scx_bpf_dsq_nr_queued(u64 dsq_id) __ksym __weak;
void scx_bpf_error_bstr(char *fmt, unsigned long long *data, u32 data__sz) __ksym __weak;
bool bpf_cpumask_test_cpu(u32 cpu, const struct cpumask *cpumask) __ksym __weak;
int bpf_iter_scx_dsq_new(struct bpf_iter_scx_dsq *it, u64 dsq_id, u64 flags) __ksym __weak;
struct task_struct *bpf_iter_scx_dsq_next(struct bpf_iter_scx_dsq *it) __ksym __weak;
void bpf_iter_scx_dsq_destroy(struct bpf_iter_scx_dsq *it) __ksym __weak;
s32 scx_bpf_pick_any_cpu(const struct cpumask *cpus_allowed, u64 flags) __ksym __weak;
const struct cpumask *scx_bpf_get_idle_cpumask(void) __ksym __weak;
const struct cpumask *scx_bpf_get_idle_smtmask(void) __ksym __weak;
void scx_bpf_put_idle_cpumask(const struct cpumask *cpumask) __ksym __weak;
bool scx_bpf_test_and_clear_cpu_idle(s32 cpu) __ksym __weak;

/* Inserting into a DSQ. */
bool scx_bpf_dsq_insert___v2___compat(struct task_struct *p, u64 dsq_id, u64 slice, u64 enq_flags) __ksym __weak;
void scx_bpf_dsq_insert(struct task_struct *p, u64 dsq_id, u64 slice, u64 enq_flags) __ksym __weak;
void scx_bpf_dispatch___compat(struct task_struct *p, u64 dsq_id, u64 slice, u64 enq_flags) __ksym __weak;

bool __scx_bpf_dsq_insert_vtime(struct task_struct *p, struct scx_bpf_dsq_insert_vtime_args *args) __ksym __weak;
void scx_bpf_dsq_insert_vtime(struct task_struct *p, u64 dsq_id, u64 slice, u64 vtime, u64 enq_flags) __ksym __weak;
void scx_bpf_dispatch_vtime___compat(struct task_struct *p, u64 dsq_id, u64 slice, u64 vtime, u64 enq_flags) __ksym __weak;

/* Moving the head of a DSQ to this CPU's local DSQ (ops.dispatch). */
bool scx_bpf_dsq_move_to_local___v2___compat(u64 dsq_id, u64 enq_flags) __ksym __weak;
bool scx_bpf_dsq_move_to_local(u64 dsq_id) __ksym __weak;
bool scx_bpf_consume___compat(u64 dsq_id) __ksym __weak;

static __always_inline void scxg_dsq_insert(struct task_struct *p, u64 dsq_id, u64 slice, u64 enq_flags)
{
	if (bpf_ksym_exists(scx_bpf_dsq_insert___v2___compat))
		scx_bpf_dsq_insert___v2___compat(p, dsq_id, slice, enq_flags);
	else if (bpf_ksym_exists(scx_bpf_dsq_insert))
		scx_bpf_dsq_insert(p, dsq_id, slice, enq_flags);
	else
		scx_bpf_dispatch___compat(p, dsq_id, slice, enq_flags);
}

static __always_inline void scxg_dsq_insert_vtime(struct task_struct *p, u64 dsq_id, u64 slice, u64 vtime,
						  u64 enq_flags)
{
	if (bpf_ksym_exists(__scx_bpf_dsq_insert_vtime)) {
		struct scx_bpf_dsq_insert_vtime_args args = {
			.dsq_id = dsq_id, .slice = slice, .vtime = vtime, .enq_flags = enq_flags,
		};

		__scx_bpf_dsq_insert_vtime(p, &args);
	} else if (bpf_ksym_exists(scx_bpf_dsq_insert_vtime)) {
		scx_bpf_dsq_insert_vtime(p, dsq_id, slice, vtime, enq_flags);
	} else {
		scx_bpf_dispatch_vtime___compat(p, dsq_id, slice, vtime, enq_flags);
	}
}

static __always_inline bool scxg_dsq_move_to_local(u64 dsq_id)
{
	if (bpf_ksym_exists(scx_bpf_dsq_move_to_local___v2___compat))
		return scx_bpf_dsq_move_to_local___v2___compat(dsq_id, 0);
	if (bpf_ksym_exists(scx_bpf_dsq_move_to_local))
		return scx_bpf_dsq_move_to_local(dsq_id);
	return scx_bpf_consume___compat(dsq_id);
}

/* scx_bpf_error("fmt", args...): aborts the scheduler; the message reaches ops.exit and userspace. */
#define scx_bpf_error(fmt, args...)                                        \
	({                                                                 \
		static char ___fmt[] = fmt;                                \
		unsigned long long ___param[___bpf_narg(args)];            \
		_Pragma("GCC diagnostic push")                             \
		_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")     \
		___bpf_fill(___param, args);                               \
		_Pragma("GCC diagnostic pop")                              \
		scx_bpf_error_bstr(___fmt, ___param, sizeof(___param));    \
	})

#endif /* SCXGAMER_COMPAT_BPF_H */
