/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scxgamer_events.bpf.o: owns the shared maps and runs injected events through the same handling
 * code as the input hook, so the host (which refuses tracing programs), replays and benchmarks
 * exercise the real path. Run with bpf_prog_test_run_opts(), ctx = struct scxg_inject_args.
 */
#include "scxgamer_input.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define EINVAL 22
#define E2BIG 7

/* Injected devices have no kernel name; give them a recognisable one. */
static const char scxg_injected_name[] = "injected";

struct scxg_tally {
	u64 submitted, dropped, filtered;
};

static __always_inline void scxg_tally_add(struct scxg_tally *tally, enum scxg_outcome out)
{
	if (out == SCXG_OUT_SUBMITTED)
		tally->submitted++;
	else if (out == SCXG_OUT_DROPPED)
		tally->dropped++;
	else
		tally->filtered++;
}

static __always_inline void scxg_injected_identity(const struct scxg_inject_event *ev, struct scxg_device *out)
{
	__builtin_memset(out, 0, sizeof(*out));
	out->bustype = ev->bustype;
	out->vendor = ev->vendor;
	out->product = ev->product;
	__builtin_memcpy(out->name, scxg_injected_name, sizeof(scxg_injected_name));
}

/*
 * One injected slot: an event, or a device connecting or disconnecting (enum scxg_inject_op). A global
 * (not inlined) function: the verifier checks it once instead of once per unrolled batch slot below, and the per-outcome branches stay out of the caller.
 */
__noinline int scxg_inject_one(const struct scxg_inject_event *ev, s32 value_add, struct scxg_tally *tally)
{
	struct scxg_input_state *st = scxg_input_state();
	u64 *counters = scxg_input_counters();
	struct scxg_device fresh, *d;

	if (!ev || !tally || !st || !counters)
		return 0;
	if (ev->op == SCXG_INJECT_DISCONNECT) {
		scxg_device_disconnect(ev->dev_key, st, counters);
		return 0;
	}
	if (ev->op == SCXG_INJECT_CONNECT) {
		scxg_injected_identity(ev, &fresh);
		scxg_device_connect(ev->dev_key, &fresh, st, counters);
		return 0;
	}
	scxg_count(counters, SCXG_STAT_SEEN);
	scxg_count(counters, SCXG_STAT_INJECTED);
	d = scxg_device_cached(ev->dev_key, READ_ONCE(st->rules_generation));
	if (!d) {
		scxg_injected_identity(ev, &fresh);
		d = scxg_device_learn(ev->dev_key, &fresh, st, counters);
	}
	scxg_tally_add(tally, scxg_handle_event(d, st, counters, ev->type, ev->code, ev->value + value_add,
						SCXG_FLAG_INJECTED, bpf_ktime_get_ns()));
	return 0;
}

/*
 * Copies batch slot k (a constant) out of ctx: the verifier only accepts ctx loads at fixed
 * offsets from the unmodified ctx pointer, hence no loop and the volatile loads, which keep the
 * compiler from building a moving pointer into ctx.
 */
#define SCXG_CTX_LOAD(args, k, field) (*(volatile typeof((args)->events[0].field) *)&(args)->events[k].field)
static __always_inline void scxg_slot_copy(struct scxg_inject_args *args, int k, struct scxg_inject_event *ev)
{
	ev->dev_key = SCXG_CTX_LOAD(args, k, dev_key);
	ev->bustype = SCXG_CTX_LOAD(args, k, bustype);
	ev->vendor = SCXG_CTX_LOAD(args, k, vendor);
	ev->product = SCXG_CTX_LOAD(args, k, product);
	ev->type = SCXG_CTX_LOAD(args, k, type);
	ev->code = SCXG_CTX_LOAD(args, k, code);
	ev->op = SCXG_CTX_LOAD(args, k, op);
	ev->value = SCXG_CTX_LOAD(args, k, value);
}

static __always_inline void scxg_slot_run(struct scxg_inject_args *args, int k, s32 value_add,
					  struct scxg_tally *tally)
{
	struct scxg_inject_event ev;

	scxg_slot_copy(args, k, &ev);
	scxg_inject_one(&ev, value_add, tally);
}

#define SCXG_SLOT(k) if ((k) < count) scxg_slot_run(args, (k), add, &tally); else continue
#define SCXG_SLOTS8(b) SCXG_SLOT(b); SCXG_SLOT(b + 1); SCXG_SLOT(b + 2); SCXG_SLOT(b + 3); \
	SCXG_SLOT(b + 4); SCXG_SLOT(b + 5); SCXG_SLOT(b + 6); SCXG_SLOT(b + 7)
_Static_assert(SCXG_INJECT_MAX == 32, "SCXG_SLOTS8 below must cover SCXG_INJECT_MAX slots");

/*
 * Handles events[0..count) repeat times, in order (a batch is a frame: REL_X, REL_Y, SYN...).
 * With SCXG_INJECT_VALUE_SEQ, repeat i adds i to each value so a consumer can check order and
 * exactly-once delivery.
 */
SEC("syscall")
int inject_events(struct scxg_inject_args *args)
{
	s32 count = args->count, repeat = args->repeat;
	bool seq = args->flags & SCXG_INJECT_VALUE_SEQ;
	struct scxg_tally tally = {};
	int r;

	if (count <= 0 || count > SCXG_INJECT_MAX)
		return -EINVAL;
	if (repeat < 0 || repeat > SCXG_INJECT_MAX_REPEAT)
		return -E2BIG;
	bpf_for(r, 0, repeat) {
		s32 add = seq ? r : 0;

		SCXG_SLOTS8(0);
		SCXG_SLOTS8(8);
		SCXG_SLOTS8(16);
		SCXG_SLOTS8(24);
	}
	args->submitted = tally.submitted;
	args->dropped = tally.dropped;
	args->filtered = tally.filtered;
	return 0;
}

/*
 * Types used only through their constants leave no BTF. This unused read-only variable keeps the
 * contract's record and enums in the object's BTF, where the Java side's ContractDriftTest checks them.
 */
const volatile struct {
	struct scxg_event event;
	enum scxg_lane lane;
	enum scxg_rule_action rule_action;
	enum scxg_event_flags event_flags;
	enum scxg_stat stat;
	enum scxg_task_class task_class;
	enum scxg_sched_stat sched_stat;
	enum scxg_inject_flags inject_flags;
	enum scxg_inject_op inject_op;
	enum scxg_device_learned device_learned;
	struct scxg_device_gone device_gone;
	enum scxg_topo_flags topo_flags;
	enum scxg_cpu_flags cpu_flags;
	enum scxg_topo_prefer topo_prefer;
	enum scxg_record_type record_type;
} scxg_contract_btf __attribute__((used));
