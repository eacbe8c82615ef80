/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The maps shared by all three objects. Every object declares them identically; the loader loads
 * scxgamer_events.bpf.o first and hands its map fds to the other objects (bpf_map__reuse_fd), so
 * the input path and the scheduler see the same rings, counters, state and tunables.
 */
#ifndef SCXGAMER_MAPS_BPF_H
#define SCXGAMER_MAPS_BPF_H

#include "scxgamer_contract.h"

/* Default ring size; the loader sets the real one with bpf_map__set_max_entries() before load. */
#define SCXG_RING_BYTES_DEFAULT (256 * 1024)
/* Devices cached at once; the loader may size it (bpf_map__set_max_entries) before load. */
#define SCXG_MAX_DEVICES 256
#define SCXG_MAX_RULES 256
#define SCXG_MAX_TASK_CLASSES 8192
#define SCXG_TOPO_MAX_CPUS 1024

#define SCXG_RING(n)                                   \
	struct {                                       \
		__uint(type, BPF_MAP_TYPE_RINGBUF);    \
		__uint(max_entries, SCXG_RING_BYTES_DEFAULT); \
	} ring_##n SEC(".maps")

SCXG_RING(0);  SCXG_RING(1);  SCXG_RING(2);  SCXG_RING(3);
SCXG_RING(4);  SCXG_RING(5);  SCXG_RING(6);  SCXG_RING(7);
SCXG_RING(8);  SCXG_RING(9);  SCXG_RING(10); SCXG_RING(11);
SCXG_RING(12); SCXG_RING(13); SCXG_RING(14); SCXG_RING(15);
_Static_assert(SCXG_RING_COUNT == 16, "ring maps above must match SCXG_RING_COUNT");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64[SCXG_STAT_COUNT]);
} input_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SCXG_MAX_RULES);
	__type(key, struct scxg_device_key);
	__type(value, u8);
} device_rules SEC(".maps");

/*
 * Connected devices. A plain hash, not an LRU: entries leave when their device unregisters, so the
 * cache holds the devices that are connected, and a full cache refuses a new device (its events are
 * classified on the spot and counted in SCXG_STAT_DEVICE_UNCACHED) instead of evicting a live one.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SCXG_MAX_DEVICES);
	__type(key, u64);
	__type(value, struct scxg_device);
} device_cache SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SCXG_DEVICE_HISTORY);
	__type(key, u32);
	__type(value, struct scxg_device_gone);
} device_history SEC(".maps");

/* Mappable: userspace bumps rules_generation with an atomic add instead of rewriting the whole value. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct scxg_input_state);
} input_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, u32);
	__type(value, struct scxg_tunables);
} tunables SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u32);
} tunables_idx SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SCXG_MAX_TASK_CLASSES);
	__type(key, u32);
	__type(value, u8);
} task_classes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct scxg_sched_hints);
} sched_hints SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64[SCXG_SCHED_STAT_COUNT]);
} sched_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct scxg_exit_info);
} exit_info SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct scxg_exit_dump);
} exit_dump SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct scxg_waker_state);
} waker_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct scxg_topology);
} topology SEC(".maps");

/* Indexed by CPU id; as large as the scheduler's CPU bound (SCXG_MAX_CPUS in scxgamer_sched.bpf.c). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SCXG_TOPO_MAX_CPUS);
	__type(key, u32);
	__type(value, struct scxg_cpu_topo);
} cpu_topo SEC(".maps");
/* Per task: its KMS commits, for the scheduler's render class. Entries go with their task. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct scxg_render_task);
} render_tasks SEC(".maps");

#endif /* SCXGAMER_MAPS_BPF_H */
