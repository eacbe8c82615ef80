/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For bench/vm/wake_latency.c: loads scxgamer_events.bpf.o, then another object whose shared
 * maps reuse the events object's map fds (the same protocol as the Java loader), and counters.
 */
#ifndef SCXGAMER_BENCH_LOADER_H
#define SCXGAMER_BENCH_LOADER_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "scxgamer_contract.h"

static struct bpf_object *load_object(const char *dir, const char *file, struct bpf_object *share_from)
{
	char path[4096];
	struct bpf_object *obj;
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

#endif /* SCXGAMER_BENCH_LOADER_H */
