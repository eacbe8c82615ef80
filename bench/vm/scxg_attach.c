// SPDX-License-Identifier: GPL-2.0
/*
 * The scxgamer scheduler without the platform (benchmark part 9's "scxgamer-c" phase): loads the events,
 * hook and sched objects the way the Java loader does (shared maps, bench/vm/loader.h), sets every
 * input device AUTO, attaches the input hook and scxgamer_ops, and prints "attached". It then reads
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
#include "vmdev.h"

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

/* No SA_RESTART: the signal ends the blocked read, and the command loop with it. */
static void on_signal(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	struct scxg_device_key any = { SCXG_ANY, SCXG_ANY, SCXG_ANY, 0 };
	unsigned char auto_rule = SCXG_RULE_AUTO;
	unsigned long long st[SCXG_SCHED_STAT_COUNT];
	struct bpf_object *events, *hook, *sched;
	struct bpf_link *hook_link, *link;
	struct scxg_exit_info info = { 0 };
	char line[256], ops[128];
	int zero = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s OBJ_DIR\n", argv[0]);
		return 2;
	}
	events = load_object(argv[1], "scxgamer_events.bpf.o", NULL);
	hook = events ? load_object(argv[1], "scxgamer_hook.bpf.o", events) : NULL;
	sched = events ? load_object(argv[1], "scxgamer_sched.bpf.o", events) : NULL;
	hook_link = hook ? bpf_program__attach(bpf_object__find_program_by_name(hook, "on_input_event")) : NULL;
	if (!sched || !hook_link) {
		fprintf(stderr, "cannot load/attach the scxgamer objects from %s\n", argv[1]);
		return 1;
	}
	bpf_map_update_elem(map_fd(events, "device_rules"), &any, &auto_rule, BPF_ANY);
	link = bpf_map__attach_struct_ops(bpf_object__find_map_by_name(sched, "scxgamer_ops"));
	read_line("/sys/kernel/sched_ext/root/ops", ops, sizeof(ops));
	if (!link || !wait_state("enabled") || strcmp(ops, "scxgamer")) {
		fprintf(stderr, "scxgamer_ops did not attach (root/ops: '%s')\n", ops);
		return 1;
	}
	sigaction(SIGTERM, &(struct sigaction){ .sa_handler = on_signal }, NULL);
	sigaction(SIGINT, &(struct sigaction){ .sa_handler = on_signal }, NULL);
	printf("attached\n");
	fflush(stdout);

	while (fgets(line, sizeof(line), stdin)) {
		unsigned int a, b;
		int err = -1;

		if (sscanf(line, "foreground %u", &a) == 1) {
			struct scxg_sched_hints hints = { 0 };

			bpf_map_lookup_elem(map_fd(events, "sched_hints"), &zero, &hints);
			hints.foreground_tgid = a;
			err = bpf_map_update_elem(map_fd(events, "sched_hints"), &zero, &hints, BPF_ANY);
		} else if (sscanf(line, "classify %u %u", &a, &b) == 2 && b < SCXG_CLASS_COUNT) {
			unsigned char cls = (unsigned char)b;

			err = b ? bpf_map_update_elem(map_fd(events, "task_classes"), &a, &cls, BPF_ANY)
				: bpf_map_delete_elem(map_fd(events, "task_classes"), &a);
		} else {
			printf("error: unknown command '%.*s' (foreground TGID | classify TID CLASS)\n",
			       (int)strcspn(line, "\n"), line);
			fflush(stdout);
			continue;
		}
		printf(err ? "error: %s\n" : "ok\n", strerror(errno));
		fflush(stdout);
	}

	if (!read_percpu_counters(map_fd(events, "sched_stats"), st, SCXG_SCHED_STAT_COUNT))
		printf("sched_stats enqueued=%llu direct=%llu shared=%llu boosted=%llu preempt_kicks=%llu "
		       "behaviour_classified=%llu preempt_lower=%llu\n",
		       st[SCXG_SCHED_ENQUEUED], st[SCXG_SCHED_DIRECT_DISPATCHED], st[SCXG_SCHED_SHARED_DISPATCHED],
		       st[SCXG_SCHED_BOOSTED], st[SCXG_SCHED_PREEMPT_KICKS], st[SCXG_SCHED_BEHAVIOUR_CLASSIFIED],
		       st[SCXG_SCHED_PREEMPT_LOWER]);
	read_line("/sys/kernel/sched_ext/state", ops, sizeof(ops));
	if (strcmp(ops, "enabled")) {
		bpf_map_lookup_elem(map_fd(events, "exit_info"), &zero, &info);
		printf("exit state=%s kind=%d code=%lld reason='%s' msg='%s'\n", ops, info.kind, (long long)info.exit_code,
		       info.reason, info.msg);
	}
	fflush(stdout);
	bpf_link__destroy(link);
	wait_state("disabled");
	bpf_link__destroy(hook_link);
	return 0;
}
