/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the input path and the scheduler: counters, live tunables, ring output. */
#ifndef SCXGAMER_COMMON_BPF_H
#define SCXGAMER_COMMON_BPF_H

/* vmlinux.h is generated from kernel BTF; its odd spots are not ours to warn about. */
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wmissing-declarations"
#include "vmlinux.h"
#pragma clang diagnostic pop
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "scxgamer_maps.bpf.h"

#define NSEC_PER_USEC 1000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_SEC 1000000000ULL

#ifndef barrier
#define barrier() asm volatile("" ::: "memory")
#endif
#define READ_ONCE(x) (*(volatile typeof(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile typeof(x) *)&(x) = (v))

static __always_inline u64 scxg_min(u64 a, u64 b) { return a < b ? a : b; }
static __always_inline u64 scxg_max(u64 a, u64 b) { return a > b ? a : b; }

/* Counters are per CPU, but a sleepable injector can be preempted by the hook on its CPU: add atomically. */
static __always_inline void scxg_count(u64 *counters, u32 idx)
{
	__atomic_fetch_add(&counters[idx], 1, __ATOMIC_RELAXED);
}

static __always_inline u64 *scxg_input_counters(void)
{
	u32 zero = 0;

	return bpf_map_lookup_elem(&input_stats, &zero);
}

static __always_inline struct scxg_input_state *scxg_input_state(void)
{
	u32 zero = 0;

	return bpf_map_lookup_elem(&input_state, &zero);
}

/* This CPU's waker state. */
static __always_inline struct scxg_waker_state *scxg_waker_state(void)
{
	u32 zero = 0;

	return bpf_map_lookup_elem(&waker_state, &zero);
}

static __always_inline void scxg_tunables_defaults(struct scxg_tunables *t)
{
	__builtin_memset(t, 0, sizeof(*t));
	t->input_window_ns = SCXG_DEFAULT_INPUT_WINDOW_NS;
	t->lane_boost_ns[SCXG_LANE_MOUSE] = SCXG_DEFAULT_MOUSE_BOOST_NS;
	t->lane_boost_ns[SCXG_LANE_KEYBOARD] = SCXG_DEFAULT_KEYBOARD_BOOST_NS;
	t->lane_boost_ns[SCXG_LANE_CONTROLLER] = SCXG_DEFAULT_CONTROLLER_BOOST_NS;
	t->slice_ns = SCXG_DEFAULT_SLICE_NS;
	t->boosted_slice_ns = SCXG_DEFAULT_BOOSTED_SLICE_NS;
	t->lag_cap_ns = SCXG_DEFAULT_LAG_CAP_NS;
	t->continuous_on_rate = SCXG_DEFAULT_CONTINUOUS_ON_RATE;
	t->continuous_off_rate = SCXG_DEFAULT_CONTINUOUS_OFF_RATE;
	t->class_boost_shift[SCXG_CLASS_INPUT] = SCXG_DEFAULT_SHIFT_INPUT;
	t->class_boost_shift[SCXG_CLASS_FOREGROUND] = SCXG_DEFAULT_SHIFT_FOREGROUND;
	t->class_boost_shift[SCXG_CLASS_AUDIO] = SCXG_DEFAULT_SHIFT_AUDIO;
	t->class_boost_shift[SCXG_CLASS_RENDER] = SCXG_DEFAULT_SHIFT_RENDER;
	t->preempt = 1;
	t->behaviour_classify = 1;
	t->audio_classify = 1;
	t->topo_prefer = SCXG_DEFAULT_TOPO_PREFER;
	t->render_classify = 1;
	t->render_hold_ms = SCXG_DEFAULT_RENDER_HOLD_MS;
	t->futex_boost = 1;
	t->futex_boost_shift = SCXG_DEFAULT_SHIFT_FUTEX;
	t->ntsync_boost = 1;
	t->ntsync_boost_shift = SCXG_DEFAULT_SHIFT_NTSYNC;
}

/*
 * Copies one slot. Userspace rewrites only the inactive slot, so a torn copy needs a writer that
 * lapped us; reading seq_end first and seq last catches it (x86 keeps loads in order; the barriers
 * keep the compiler from reordering them).
 */
static __always_inline bool scxg_tunables_copy(u32 slot, struct scxg_tunables *out)
{
	struct scxg_tunables *t = bpf_map_lookup_elem(&tunables, &slot);
	u64 seq_end, seq;

	if (!t)
		return false;
	seq_end = READ_ONCE(t->seq_end);
	barrier();
	__builtin_memcpy(out, t, sizeof(*out));
	barrier();
	seq = READ_ONCE(t->seq);
	return seq && seq == seq_end;
}

/* The live tunables: the active slot, else the other one, else the defaults. Slices are clamped. */
static __always_inline void scxg_tunables_read(struct scxg_tunables *out)
{
	u32 zero = 0, *idx = bpf_map_lookup_elem(&tunables_idx, &zero);
	u32 active = idx ? (*idx & 1) : 0;

	if (!scxg_tunables_copy(active, out) && !scxg_tunables_copy(active ^ 1, out))
		scxg_tunables_defaults(out);
	out->slice_ns = scxg_min(scxg_max(out->slice_ns, SCXG_MIN_SLICE_NS), SCXG_MAX_SLICE_NS);
	out->boosted_slice_ns = scxg_min(scxg_max(out->boosted_slice_ns, SCXG_MIN_SLICE_NS), out->slice_ns);
}

/* Reserves a record on ring (cpu % 16) without waiting; NULL when that ring is full. */
static __always_inline struct scxg_event *scxg_ring_reserve(u32 ring)
{
	const u64 size = sizeof(struct scxg_event);

	switch (ring) {
	case 0: return bpf_ringbuf_reserve(&ring_0, size, 0);
	case 1: return bpf_ringbuf_reserve(&ring_1, size, 0);
	case 2: return bpf_ringbuf_reserve(&ring_2, size, 0);
	case 3: return bpf_ringbuf_reserve(&ring_3, size, 0);
	case 4: return bpf_ringbuf_reserve(&ring_4, size, 0);
	case 5: return bpf_ringbuf_reserve(&ring_5, size, 0);
	case 6: return bpf_ringbuf_reserve(&ring_6, size, 0);
	case 7: return bpf_ringbuf_reserve(&ring_7, size, 0);
	case 8: return bpf_ringbuf_reserve(&ring_8, size, 0);
	case 9: return bpf_ringbuf_reserve(&ring_9, size, 0);
	case 10: return bpf_ringbuf_reserve(&ring_10, size, 0);
	case 11: return bpf_ringbuf_reserve(&ring_11, size, 0);
	case 12: return bpf_ringbuf_reserve(&ring_12, size, 0);
	case 13: return bpf_ringbuf_reserve(&ring_13, size, 0);
	case 14: return bpf_ringbuf_reserve(&ring_14, size, 0);
	default: return bpf_ringbuf_reserve(&ring_15, size, 0);
	}
}

/*
 * Writes one record to this CPU's ring. A full ring drops the record and counts it, in total and
 * for that ring: there is no fallback buffer, so userspace can account for every record.
 */
static __always_inline bool scxg_emit(u64 *counters, u64 ts, u32 device_id, u16 type, u16 code,
				      s32 value, u8 lane, u8 flags)
{
	u32 cpu = bpf_get_smp_processor_id();
	u32 ring = cpu % SCXG_RING_COUNT;
	struct scxg_event *ev = scxg_ring_reserve(ring);

	if (!ev) {
		scxg_count(counters, SCXG_STAT_DROPPED);
		scxg_count(counters, SCXG_STAT_RING_DROP_BASE + ring);
		return false;
	}
	ev->timestamp_ns = ts;
	ev->device_id = device_id;
	ev->type = type;
	ev->code = code;
	ev->value = value;
	ev->cpu = cpu;
	ev->lane = lane;
	ev->flags = flags;
	bpf_ringbuf_submit(ev, 0);
	scxg_count(counters, SCXG_STAT_SUBMITTED);
	return true;
}

#endif /* SCXGAMER_COMMON_BPF_H */
