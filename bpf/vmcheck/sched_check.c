// SPDX-License-Identifier: GPL-2.0
/*
 * Guest check of the scheduler. Loads the three objects the way the Java loader does (events
 * first, hook and sched sharing its maps), attaches scxgamer_ops and checks:
 *   - /sys/kernel/sched_ext/state = enabled, root/ops = scxgamer;
 *   - under 2x CPUs of busy loops plus fork and pipe ping-pong stress for DURATION seconds, the
 *     scheduler is never ejected and every worker makes progress;
 *   - with a uinput mouse written at ~1 kHz, an evdev reader classed INPUT through task_classes
 *     gets boosted and wake-to-run samples on the rings; a second, unclassed reader gets classed
 *     by its behaviour;
 *   - detaching brings the state back to disabled;
 *   - a fresh object with the debug_error tunable set exits with the error in exit_info.
 * Usage: sched_check OBJ_DIR [DURATION_S] (needs root, sched_ext and /dev/uinput).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/uinput.h>
#include "loader.h"

#define SCX_EXIT_ERROR_BPF 1025
#define PIPE_PAIRS 4
#define MAX_WORKERS 64
#define MAX_SAMPLES 65536

struct shared_progress {
	_Atomic unsigned long long busy[MAX_WORKERS];
	_Atomic unsigned long long pipe_rounds[PIPE_PAIRS];
	_Atomic unsigned long long forks;
};

static struct shared_progress *progress;
static pid_t children[MAX_WORKERS + PIPE_PAIRS * 2 + 1];
static int nr_children;
static _Atomic int stop_input;
static _Atomic int reader_tids[2];
static unsigned int samples[2][MAX_SAMPLES];
static unsigned long long nr_samples[2];

static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (f) {
		if (fgets(buf, len, f))
			buf[strcspn(buf, "\n")] = 0;
		fclose(f);
	}
}

static int sched_state_is(const char *want)
{
	char state[64];

	read_line("/sys/kernel/sched_ext/state", state, sizeof(state));
	return !strcmp(state, want);
}

/* The kernel disables a scheduler asynchronously: poll for up to 5 s. */
static int wait_state(const char *want)
{
	for (int i = 0; i < 500; i++) {
		if (sched_state_is(want))
			return 1;
		usleep(10000);
	}
	return 0;
}

static void spawn(void (*fn)(int), int arg)
{
	pid_t pid = fork();

	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	if (pid > 0)
		children[nr_children++] = pid;
}

static void busy_worker(int i)
{
	for (;;)
		atomic_fetch_add_explicit(&progress->busy[i], 1, memory_order_relaxed);
}

static void fork_worker(int unused)
{
	(void)unused;
	for (;;) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		if (pid > 0)
			waitpid(pid, NULL, 0);
		atomic_fetch_add_explicit(&progress->forks, 1, memory_order_relaxed);
	}
}

/* Hackbench-style pair: a message goes back and forth over two pipes. */
static void pipe_pair(int i)
{
	int ping[2], pong[2];
	char msg[100] = { 0 };

	if (pipe(ping) || pipe(pong))
		_exit(1);
	if (fork() == 0) {
		/* Must not outlive the pair: an orphan would keep the inherited struct_ops link fd open. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			if (read(ping[0], msg, sizeof(msg)) <= 0 || write(pong[1], msg, sizeof(msg)) <= 0)
				_exit(0);
	}
	for (;;) {
		if (write(ping[1], msg, sizeof(msg)) <= 0 || read(pong[0], msg, sizeof(msg)) <= 0)
			_exit(0);
		atomic_fetch_add_explicit(&progress->pipe_rounds[i], 1, memory_order_relaxed);
	}
}

static void stop_children(void)
{
	for (int i = 0; i < nr_children; i++)
		kill(children[i], SIGKILL);
	for (int i = 0; i < nr_children; i++)
		waitpid(children[i], NULL, 0);
	nr_children = 0;
}

static int uinput_mouse(void)
{
	struct uinput_setup setup = { .id = { .bustype = BUS_USB, .vendor = 0x046d, .product = 0xc077 } };
	int fd = open("/dev/uinput", O_WRONLY | O_NONBLOCK);

	if (fd < 0)
		return -1;
	ioctl(fd, UI_SET_EVBIT, EV_KEY);
	ioctl(fd, UI_SET_KEYBIT, BTN_LEFT);
	ioctl(fd, UI_SET_EVBIT, EV_REL);
	ioctl(fd, UI_SET_RELBIT, REL_X);
	strcpy(setup.name, "scxgamer sched mouse");
	if (ioctl(fd, UI_DEV_SETUP, &setup) || ioctl(fd, UI_DEV_CREATE)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The /dev/input/eventN node of the device called name (udev may be absent: scan sysfs). */
static int open_evdev(const char *name)
{
	char path[512], dev_name[256];

	for (int tries = 0; tries < 100; tries++) {
		DIR *dir = opendir("/sys/class/input");
		struct dirent *de;

		while (dir && (de = readdir(dir))) {
			if (strncmp(de->d_name, "event", 5))
				continue;
			snprintf(path, sizeof(path), "/sys/class/input/%s/device/name", de->d_name);
			read_line(path, dev_name, sizeof(dev_name));
			if (!strcmp(dev_name, name)) {
				snprintf(path, sizeof(path), "/dev/input/%s", de->d_name);
				closedir(dir);
				return open(path, O_RDONLY);
			}
		}
		if (dir)
			closedir(dir);
		usleep(20000);
	}
	return -1;
}

static void *reader(void *arg)
{
	int idx = (int)(long)arg, fd = open_evdev("scxgamer sched mouse");
	struct input_event ev[16];

	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	reader_tids[idx] = (int)syscall(SYS_gettid);
	/* Blocking reads (the wakeups are what we measure); the poll timeout only lets it see stop_input. */
	while (fd >= 0 && !stop_input) {
		if (poll(&pfd, 1, 100) > 0 && read(fd, ev, sizeof(ev)) <= 0)
			break;
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

static void *writer(void *arg)
{
	int fd = (int)(long)arg;
	struct input_event frame[2] = { { .type = EV_REL, .code = REL_X, .value = 1 }, { .type = EV_SYN } };

	while (!stop_input) {
		if (write(fd, frame, sizeof(frame)) != sizeof(frame))
			break;
		usleep(1000);
	}
	return NULL;
}

static int on_record(void *ctx, void *data, size_t size)
{
	const struct scxg_event *ev = data;

	(void)ctx;
	if (size != sizeof(*ev) || ev->type != SCXG_TYPE_SCHED_WAKE || ev->lane != SCXG_LANE_SCHED)
		return 0;
	for (int r = 0; r < 2; r++)
		if ((int)ev->device_id == reader_tids[r] && nr_samples[r] < MAX_SAMPLES)
			samples[r][nr_samples[r]++] = (unsigned int)ev->value;
	return 0;
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

static void print_latency(int r)
{
	unsigned long long n = nr_samples[r];

	if (!n)
		return;
	qsort(samples[r], n, sizeof(samples[r][0]), cmp_uint);
	printf("reader %d (tid %d): %llu wake-to-run samples, p50 %u ns, p99 %u ns, max %u ns\n", r, reader_tids[r], n,
	       samples[r][n / 2], samples[r][n * 99 / 100], samples[r][n - 1]);
}

static struct ring_buffer *open_rings(struct bpf_object *events)
{
	struct ring_buffer *rb = NULL;
	char name[16];

	for (int i = 0; i < SCXG_RING_COUNT; i++) {
		snprintf(name, sizeof(name), "ring_%d", i);
		if (!rb)
			rb = ring_buffer__new(map_fd(events, name), on_record, NULL, NULL);
		else
			ring_buffer__add(rb, map_fd(events, name), on_record, NULL);
	}
	return rb;
}

static struct bpf_link *attach_sched(struct bpf_object *sched)
{
	struct bpf_link *link = bpf_map__attach_struct_ops(bpf_object__find_map_by_name(sched, "scxgamer_ops"));

	if (!link)
		fprintf(stderr, "attach scxgamer_ops: %s\n", strerror(errno));
	return link;
}

static unsigned long long exit_seq(struct bpf_object *events, struct scxg_exit_info *info)
{
	int zero = 0;

	memset(info, 0, sizeof(*info));
	bpf_map_lookup_elem(map_fd(events, "exit_info"), &zero, info);
	return info->seq;
}

/* Publishes a tunables slot the way userspace must: write the inactive slot, then flip the index. */
static int publish_tunables(struct bpf_object *events, struct scxg_tunables *t)
{
	static unsigned long long generation;
	unsigned int zero = 0, idx = 0, next;

	bpf_map_lookup_elem(map_fd(events, "tunables_idx"), &zero, &idx);
	next = (idx & 1) ^ 1;
	t->seq = t->seq_end = ++generation;
	if (bpf_map_update_elem(map_fd(events, "tunables"), &next, t, BPF_ANY))
		return -1;
	return bpf_map_update_elem(map_fd(events, "tunables_idx"), &zero, &next, BPF_ANY);
}

static void default_tunables(struct scxg_tunables *t)
{
	memset(t, 0, sizeof(*t));
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
	t->preempt = 1;
	t->behaviour_classify = 1;
}

/*
 * Runs the load for duration seconds; returns 1 if the scheduler stayed enabled throughout.
 * Without events (baseline under the kernel's default scheduler) it only reports progress.
 */
static int run_load(struct bpf_object *events, int duration, struct ring_buffer *rb)
{
	int workers = 2 * libbpf_num_possible_cpus(), stayed = 1;
	unsigned long long seq0, last[MAX_WORKERS] = { 0 };
	struct scxg_exit_info info;

	if (workers > MAX_WORKERS)
		workers = MAX_WORKERS;
	memset(progress, 0, sizeof(*progress));
	seq0 = events ? exit_seq(events, &info) : 0;
	for (int i = 0; i < workers; i++)
		spawn(busy_worker, i);
	for (int i = 0; i < PIPE_PAIRS; i++)
		spawn(pipe_pair, i);
	spawn(fork_worker, 0);
	printf("load: %d busy loops, %d pipe pairs, 1 forker for %d s\n", workers, PIPE_PAIRS, duration);
	fflush(stdout);

	for (int s = 0; s < duration; s++) {
		for (int i = 0; i < 10; i++)
			rb ? ring_buffer__poll(rb, 100) : usleep(100000);
		if (!events)
			continue;
		if (!sched_state_is("enabled") || exit_seq(events, &info) != seq0) {
			stayed = 0;
			for (int i = 0; i < 200 && exit_seq(events, &info) == seq0; i++)
				usleep(10000); /* ops.exit may still be running */
			printf("ejected after %d s: kind %d reason '%s' msg '%s'\n", s, info.kind, info.reason, info.msg);
			break;
		}
		if (s % 10 == 9) {
			int stalled = 0;

			for (int i = 0; i < workers; i++) {
				unsigned long long now = progress->busy[i];

				stalled += now == last[i];
				last[i] = now;
			}
			printf("t=%ds: enabled, %d busy loops stalled in the last 10 s, forks %llu\n", s + 1, stalled,
			       (unsigned long long)progress->forks);
			fflush(stdout);
		}
	}
	stop_children();

	int all_busy = 1, all_pipes = 1;
	unsigned long long rounds = 0;

	for (int i = 0; i < workers; i++)
		all_busy &= progress->busy[i] > 0;
	for (int i = 0; i < PIPE_PAIRS; i++) {
		all_pipes &= progress->pipe_rounds[i] > 0;
		rounds += progress->pipe_rounds[i];
	}
	printf("%s: forks/s %.1f, pipe rounds/s %.1f\n", events ? "scxgamer" : "default scheduler",
	       (double)progress->forks / duration, (double)rounds / duration);
	if (!events)
		return 1;
	check(all_busy && all_pipes && progress->forks > 0, "every worker made progress (forks %llu, pipe rounds %llu)",
	      (unsigned long long)progress->forks, (unsigned long long)progress->pipe_rounds[0]);
	return stayed;
}

int main(int argc, char **argv)
{
	struct bpf_object *events, *hook, *sched, *sched2;
	struct bpf_link *hook_link, *link;
	struct scxg_device_key any = { SCXG_ANY, SCXG_ANY, SCXG_ANY, 0 };
	unsigned char auto_rule = SCXG_RULE_AUTO, input_class = SCXG_CLASS_INPUT;
	unsigned long long stats[SCXG_SCHED_STAT_COUNT];
	struct scxg_exit_info info;
	struct scxg_tunables t;
	struct ring_buffer *rb;
	pthread_t readers[2], writer_thread;
	char ops[128];
	int duration = argc > 2 ? atoi(argv[2]) : 30, mouse;
	unsigned long long seq;

	if (argc < 2) {
		fprintf(stderr, "usage: %s OBJ_DIR [DURATION_S]\n", argv[0]);
		return 2;
	}
	progress = mmap(NULL, sizeof(*progress), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	check(sched_state_is("disabled"), "sched_ext present and disabled before attach");
	run_load(NULL, 10, NULL);
	events = load_object(argv[1], "scxgamer_events.bpf.o", NULL);
	hook = events ? load_object(argv[1], "scxgamer_hook.bpf.o", events) : NULL;
	sched = events ? load_object(argv[1], "scxgamer_sched.bpf.o", events) : NULL;
	check(events && hook && sched, "events, hook and sched objects load with shared maps");
	if (!events || !hook || !sched)
		return 1;
	hook_link = bpf_program__attach(bpf_object__find_program_by_name(hook, "on_input_event"));
	bpf_map_update_elem(map_fd(events, "device_rules"), &any, &auto_rule, BPF_ANY);
	rb = open_rings(events);

	link = attach_sched(sched);
	read_line("/sys/kernel/sched_ext/root/ops", ops, sizeof(ops));
	check(link && sched_state_is("enabled") && !strcmp(ops, "scxgamer"), "attached: state enabled, root/ops '%s'", ops);
	if (!link)
		return 1;

	mouse = uinput_mouse();
	check(mouse >= 0 && hook_link, "uinput mouse and input hook ready");
	pthread_create(&readers[0], NULL, reader, (void *)0L);
	pthread_create(&readers[1], NULL, reader, (void *)1L);
	while (!reader_tids[0] || !reader_tids[1])
		usleep(1000);
	bpf_map_update_elem(map_fd(events, "task_classes"), (unsigned int *)&reader_tids[0], &input_class, BPF_ANY);
	pthread_create(&writer_thread, NULL, writer, (void *)(long)mouse);

	check(run_load(events, duration, rb), "no ejection under %d s of load", duration);
	stop_input = 1;
	pthread_join(writer_thread, NULL);
	pthread_join(readers[0], NULL);
	pthread_join(readers[1], NULL);
	while (ring_buffer__poll(rb, 0) > 0)
		;

	read_percpu_counters(map_fd(events, "sched_stats"), stats, SCXG_SCHED_STAT_COUNT);
	printf("sched_stats: enqueued %llu direct %llu shared %llu boosted %llu preempt_kicks %llu behaviour %llu "
	       "wake_samples %llu dropped %llu\n", stats[SCXG_SCHED_ENQUEUED], stats[SCXG_SCHED_DIRECT_DISPATCHED],
	       stats[SCXG_SCHED_SHARED_DISPATCHED], stats[SCXG_SCHED_BOOSTED], stats[SCXG_SCHED_PREEMPT_KICKS],
	       stats[SCXG_SCHED_BEHAVIOUR_CLASSIFIED], stats[SCXG_SCHED_WAKE_SAMPLES],
	       stats[SCXG_SCHED_WAKE_SAMPLES_DROPPED]);
	print_latency(0);
	print_latency(1);
	check(stats[SCXG_SCHED_ENQUEUED] > 0 && stats[SCXG_SCHED_DIRECT_DISPATCHED] > 0, "enqueue and direct dispatch counted");
	check(stats[SCXG_SCHED_BOOSTED] > 0, "input boosts applied");
	check(nr_samples[0] > 0, "wake-to-run samples for the reader classed through task_classes");
	check(stats[SCXG_SCHED_BEHAVIOUR_CLASSIFIED] > 0 && nr_samples[1] > 0,
	      "the unclassed reader was classed by behaviour (%llu samples)", nr_samples[1]);

	bpf_link__destroy(link);
	check(wait_state("disabled"), "detached: state disabled");
	bpf_object__close(sched);

	/* A restart loads a fresh object; with debug_error set it must exit with the reason recorded. */
	seq = exit_seq(events, &info);
	sched2 = load_object(argv[1], "scxgamer_sched.bpf.o", events);
	link = sched2 ? attach_sched(sched2) : NULL;
	check(link && sched_state_is("enabled"), "fresh object re-attaches: state enabled");
	default_tunables(&t);
	t.debug_error = 1;
	check(!publish_tunables(events, &t), "tunables published with debug_error=1");
	for (int i = 0; i < 300 && exit_seq(events, &info) == seq; i++)
		usleep(10000);
	check(info.seq == seq + 1 && info.kind == SCX_EXIT_ERROR_BPF && strstr(info.msg, "debug_error"),
	      "debug_error: exit_info seq %llu kind %d code %lld reason '%s' msg '%s'", (unsigned long long)info.seq,
	      info.kind, (long long)info.exit_code, info.reason, info.msg);
	check(wait_state("disabled"), "after the error: state disabled");
	bpf_link__destroy(link);
	bpf_object__close(sched2);
	bpf_link__destroy(hook_link);
	printf("sched_check: %d failure(s)\n", check_failures);
	return check_failures ? 1 : 0;
}
