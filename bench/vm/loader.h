/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the guest programs that attach scxgamer without the JVM (scxg_attach.c, wake_latency.c): loads
 * scxgamer_events.bpf.o, then the hook and sched objects whose shared maps reuse the events object's map
 * fds (the same protocol as the Java loader), attaches them, and reads counters. attach_hooks() attaches the
 * other kernel hooks too (device lifetimes, audio, futex, ntsync, and the render object's), as the Java loader does.
 */
#ifndef SCXGAMER_BENCH_LOADER_H
#define SCXGAMER_BENCH_LOADER_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "scxgamer_contract.h"
#include "vmdev.h"

static struct bpf_object *load_object(const char *dir, const char *file, struct bpf_object *share_from)
{
	char path[4096];
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_map *map;
	int err;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		fprintf(stderr, "open %s: %s\n", path, strerror(errno));
		return NULL;
	}
	bpf_object__for_each_map(map, obj) {
		int fd = share_from ? bpf_object__find_map_fd_by_name(share_from, bpf_map__name(map)) : -1;

		if (fd >= 0 && (err = bpf_map__reuse_fd(map, fd))) {
			fprintf(stderr, "reuse map %s: %s\n", bpf_map__name(map), strerror(-err));
			goto fail;
		}
	}
	/*
	 * The audio and ntsync hooks trace modules (the sound core, ntsync): left out where their module is not
	 * loaded (as the Java loader does).
	 */
	bpf_object__for_each_program(prog, obj) {
		if ((!strncmp(bpf_program__name(prog), "on_pcm_period", 13) && access("/sys/kernel/btf/snd_pcm", F_OK)) ||
		    (!strncmp(bpf_program__name(prog), "on_ntsync_ioctl", 15) && access("/sys/kernel/btf/ntsync", F_OK)))
			bpf_program__set_autoload(prog, false);
	}
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "load %s: %s\n", path, strerror(-err));
		goto fail;
	}
	return obj;
fail:
	bpf_object__close(obj);
	return NULL;
}

static int map_fd(struct bpf_object *obj, const char *name)
{
	return bpf_object__find_map_fd_by_name(obj, name);
}

/* Sums a per-CPU u64[n] array (entry 0) over all possible CPUs. */
static int read_percpu_counters(int fd, unsigned long long *sum, int n)
{
	int cpus = libbpf_num_possible_cpus(), zero = 0;
	unsigned long long *values = calloc((size_t)(cpus > 0 ? cpus : 1) * n, sizeof(*values));

	if (cpus < 0 || !values || bpf_map_lookup_elem(fd, &zero, values)) {
		free(values);
		return -1;
	}
	memset(sum, 0, n * sizeof(*sum));
	for (int c = 0; c < cpus; c++)
		for (int i = 0; i < n; i++)
			sum[i] += values[c * n + i];
	free(values);
	return 0;
}

/* sched_ext's state file reads want within 5 s. */
static int wait_state(const char *want)
{
	char state[64];

	for (int i = 0; i < 500; i++) {
		read_line("/sys/kernel/sched_ext/state", state, sizeof(state));
		if (!strcmp(state, want))
			return 1;
		usleep(10000);
	}
	return 0;
}

#define SCXG_MAX_HOOK_LINKS 32

struct scxg_objects {
	struct bpf_object *events, *hook, *render, *sched;
	struct bpf_link *hook_link;
	struct bpf_link *links[SCXG_MAX_HOOK_LINKS]; /* attach_hooks() */
	int nr_links;
};

/* Loads the three objects from dir, attaches the input hook and sets every device AUTO; 0 or -1. */
static int load_scxgamer(const char *dir, struct scxg_objects *o)
{
	struct scxg_device_key any = { SCXG_ANY, SCXG_ANY, SCXG_ANY, 0 };
	unsigned char auto_rule = SCXG_RULE_AUTO;

	memset(o, 0, sizeof(*o));
	o->events = load_object(dir, "scxgamer_events.bpf.o", NULL);
	o->hook = o->events ? load_object(dir, "scxgamer_hook.bpf.o", o->events) : NULL;
	o->sched = o->events ? load_object(dir, "scxgamer_sched.bpf.o", o->events) : NULL;
	o->hook_link = o->hook ? bpf_program__attach(bpf_object__find_program_by_name(o->hook, "on_input_event")) : NULL;
	if (!o->sched || !o->hook_link) {
		fprintf(stderr, "cannot load/attach the scxgamer objects from %s\n", dir);
		return -1;
	}
	return bpf_map_update_elem(map_fd(o->events, "device_rules"), &any, &auto_rule, BPF_ANY);
}

/*
 * After load_scxgamer(): attaches every other program the hook object loaded (load_object() left out those whose
 * module is not loaded) and, where the DRM core (module drm) is loaded, loads the render object and attaches its
 * programs; the links go to o->links. 0, or -1 with the reason on stderr.
 */
static inline int attach_hooks(const char *dir, struct scxg_objects *o)
{
	struct bpf_program *prog;

	if (!access("/sys/kernel/btf/drm", F_OK) && !(o->render = load_object(dir, "scxgamer_render.bpf.o", o->events)))
		return -1;
	for (int i = 0; i < 2; i++) {
		struct bpf_object *obj = i ? o->render : o->hook;

		if (!obj)
			continue;
		bpf_object__for_each_program(prog, obj) {
			if (!bpf_program__autoload(prog) || !strcmp(bpf_program__name(prog), "on_input_event"))
				continue;
			if (o->nr_links == SCXG_MAX_HOOK_LINKS ||
			    !(o->links[o->nr_links] = bpf_program__attach(prog))) {
				fprintf(stderr, "cannot attach %s: %s\n", bpf_program__name(prog), strerror(errno));
				return -1;
			}
			o->nr_links++;
		}
	}
	return 0;
}

/* Attaches scxgamer_ops and waits until the kernel runs it; NULL (and why, on stderr) if it does not. */
static struct bpf_link *attach_scxgamer(struct scxg_objects *o)
{
	struct bpf_link *link = bpf_map__attach_struct_ops(bpf_object__find_map_by_name(o->sched, "scxgamer_ops"));
	char ops[128];

	int enabled = link && wait_state("enabled");

	read_line("/sys/kernel/sched_ext/root/ops", ops, sizeof(ops));
	if (!enabled || strcmp(ops, "scxgamer")) {
		fprintf(stderr, "scxgamer_ops did not attach (root/ops: '%s')\n", ops);
		return NULL;
	}
	return link;
}

#endif /* SCXGAMER_BENCH_LOADER_H */
