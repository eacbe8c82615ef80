// SPDX-License-Identifier: GPL-2.0
/*
 * The scxgamer scheduler without the platform (benchmark part 9's "scxgamer-c" phase): loads the events,
 * hook and sched objects the way the Java loader does (shared maps, bench/vm/loader.h), sets every
 * input device AUTO, attaches the input hook, the other kernel hooks the runtime attaches (device lifetimes; audio,
 * ntsync and the render object where their modules are loaded; futex) and scxgamer_ops, prints "hooks N" (the
 * programs attached beside the input hook) and "attached". It then reads
 * commands from stdin, the hints the foreground policy would give:
 *   foreground TGID     the game process (sched_hints.foreground_tgid; 0 clears it)
 *   classify TID CLASS  task_classes[TID] = CLASS (0 default, 1 input, 2 foreground, 3 background)
 * and answers each with "ok" or "error ...". At EOF (or SIGTERM/SIGINT) it prints the scheduler's counters
 * ("sched_stats ...") and, if the kernel ejected the scheduler, why ("exit ..."), then detaches.
 * No ring reader runs: records the rings cannot take are counted as drops, which costs the scheduler nothing.
 * Usage: scxg_attach OBJ_DIR   (root, sched_ext)
 */
#define _GNU_SOURCE
#include <signal.h>
#include <unistd.h>
#include "loader.h"

/* No SA_RESTART: the signal ends the blocked read, and the command loop with it. */
static void on_signal(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	unsigned long long st[SCXG_SCHED_STAT_COUNT];
	struct scxg_objects o;
	struct bpf_link *link;
	struct scxg_exit_info info = { 0 };
	char line[256], state[64];
	int zero = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s OBJ_DIR\n", argv[0]);
		return 2;
	}
	if (load_scxgamer(argv[1], &o) || attach_hooks(argv[1], &o) || !(link = attach_scxgamer(&o)))
		return 1;
	sigaction(SIGTERM, &(struct sigaction){ .sa_handler = on_signal }, NULL);
	sigaction(SIGINT, &(struct sigaction){ .sa_handler = on_signal }, NULL);
	printf("hooks %d\nattached\n", o.nr_links);
	fflush(stdout);

	while (fgets(line, sizeof(line), stdin)) {
		unsigned int a, b;
		int err = -1;

		if (sscanf(line, "foreground %u", &a) == 1) {
			struct scxg_sched_hints hints = { 0 };

			bpf_map_lookup_elem(map_fd(o.events, "sched_hints"), &zero, &hints);
			hints.foreground_tgid = a;
			err = bpf_map_update_elem(map_fd(o.events, "sched_hints"), &zero, &hints, BPF_ANY);
		} else if (sscanf(line, "classify %u %u", &a, &b) == 2 && b < SCXG_CLASS_COUNT) {
			unsigned char cls = (unsigned char)b;

			err = b ? bpf_map_update_elem(map_fd(o.events, "task_classes"), &a, &cls, BPF_ANY)
				: bpf_map_delete_elem(map_fd(o.events, "task_classes"), &a);
		} else {
			printf("error: unknown command '%.*s' (foreground TGID | classify TID CLASS)\n",
			       (int)strcspn(line, "\n"), line);
			fflush(stdout);
			continue;
		}
		printf(err ? "error: %s\n" : "ok\n", strerror(errno));
		fflush(stdout);
	}

	if (!read_percpu_counters(map_fd(o.events, "sched_stats"), st, SCXG_SCHED_STAT_COUNT))
		printf("sched_stats enqueued=%llu direct=%llu shared=%llu boosted=%llu preempt_kicks=%llu "
		       "behaviour_classified=%llu preempt_lower=%llu preempt_local=%llu preempt_none=%llu "
		       "preempt_none_young=%llu preempt_behind=%llu preempt_deferred=%llu preempt_deferred_kicks=%llu\n",
		       st[SCXG_SCHED_ENQUEUED], st[SCXG_SCHED_DIRECT_DISPATCHED], st[SCXG_SCHED_SHARED_DISPATCHED],
		       st[SCXG_SCHED_BOOSTED], st[SCXG_SCHED_PREEMPT_KICKS], st[SCXG_SCHED_BEHAVIOUR_CLASSIFIED],
		       st[SCXG_SCHED_PREEMPT_LOWER], st[SCXG_SCHED_PREEMPT_LOCAL], st[SCXG_SCHED_PREEMPT_NONE],
		       st[SCXG_SCHED_PREEMPT_NONE_YOUNG], st[SCXG_SCHED_PREEMPT_BEHIND], st[SCXG_SCHED_PREEMPT_DEFERRED],
		       st[SCXG_SCHED_PREEMPT_DEFERRED_KICKS]);
	read_line("/sys/kernel/sched_ext/state", state, sizeof(state));
	if (strcmp(state, "enabled")) {
		bpf_map_lookup_elem(map_fd(o.events, "exit_info"), &zero, &info);
		printf("exit state=%s kind=%d code=%lld reason='%s' msg='%s'\n", state, info.kind, (long long)info.exit_code,
		       info.reason, info.msg);
	}
	fflush(stdout);
	bpf_link__destroy(link);
	wait_state("disabled");
	bpf_link__destroy(o.hook_link);
	for (int i = 0; i < o.nr_links; i++)
		bpf_link__destroy(o.links[i]);
	return 0;
}
