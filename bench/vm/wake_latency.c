// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark part 8 (runs in the sched_ext guest): wake-to-run latency of an input-handler thread
 * under CPU saturation, the default kernel scheduler vs scxgamer, in one boot.
 *
 * A uinput mouse is written at RATE Hz (REL_X + SYN_REPORT, absolute deadlines, by a SCHED_FIFO
 * writer standing in for the hardware) while 2x CPUs busy loops run. A reader thread blocks in read() on the mouse's evdev node (clock set to
 * CLOCK_MONOTONIC); for every SYN_REPORT it records now - the event's kernel timestamp: the time
 * from the input event to the handler thread running. Phases, SECONDS each:
 *   default    - no sched_ext scheduler
 *   scxgamer   - events, hook and sched objects loaded as the Java loader does (shared maps), input
 *                hook attached, every device AUTO, the reader classed INPUT in task_classes (what
 *                the foreground policy or scx:classify does), scxgamer_ops attached
 *   scxgamer-behaviour - the same, the reader's class removed (behaviour classification only)
 *   default-after      - detached again (shows drift over the run)
 * Prints "window" lines and one "phase" line per phase (microseconds: evdev timestamps have microsecond
 * resolution).
 * Usage: wake_latency OBJ_DIR [SECONDS] [RATE]  (root, sched_ext, /dev/uinput)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/input.h>
#include <linux/uinput.h>
#include "loader.h"

#define MOUSE_NAME "scxgamer bench mouse"
#define MAX_SAMPLES 200000
#define MAX_BUSY 64
#define WINDOWS 5

static unsigned int samples[MAX_SAMPLES];
static _Atomic unsigned long long nr_samples;
static _Atomic int recording, reader_tid;
static pid_t busy[MAX_BUSY];
static int nr_busy;

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* The input handler: blocks in read(); ends when the device goes away. */
static void *reader(void *arg)
{
	int fd = open_evdev(MOUSE_NAME);
	struct input_event ev[64];
	ssize_t n;

	(void)arg;
	if (fd < 0) {
		fprintf(stderr, "cannot open the mouse's evdev node with a monotonic clock\n");
		reader_tid = -1;
		return NULL;
	}
	reader_tid = (int)syscall(SYS_gettid);
	while ((n = read(fd, ev, sizeof(ev))) > 0) {
		unsigned long long now = now_ns();

		for (int i = 0; i < n / (ssize_t)sizeof(ev[0]); i++) {
			unsigned long long ts = ev[i].input_event_sec * 1000000000ULL + ev[i].input_event_usec * 1000ULL;
			unsigned long long k;

			if (ev[i].type != EV_SYN || !recording)
				continue;
			k = nr_samples++;
			if (k < MAX_SAMPLES)
				samples[k] = (unsigned int)((now > ts ? now - ts : 0) / 1000);
		}
	}
	close(fd);
	return NULL;
}

/* Writes reports at rate Hz for millis ms; a missed deadline is skipped, not made up. Returns reports written. */
static unsigned long long write_mouse(int fd, int rate, int millis)
{
	struct input_event frame[2] = { { .type = EV_REL, .code = REL_X, .value = 1 }, { .type = EV_SYN } };
	unsigned long long period = 1000000000ULL / rate, next = now_ns() + period, end = next + millis * 1000000ULL;
	unsigned long long written = 0;
	struct timespec ts;

	while (next < end) {
		ts.tv_sec = next / 1000000000ULL;
		ts.tv_nsec = next % 1000000000ULL;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		if (write(fd, frame, sizeof(frame)) != sizeof(frame))
			break;
		written++;
		next += period;
		if (now_ns() > next + period)
			next = now_ns() + period;
	}
	return written;
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

/* q-quantile of v[0..n), sorted. */
static unsigned int pct(const unsigned int *v, unsigned long long n, double q)
{
	unsigned long long i = (unsigned long long)(q * n);

	return n ? v[i < n ? i : n - 1] : 0;
}

static unsigned int window_copy[MAX_SAMPLES];

/*
 * One phase of seconds, in WINDOWS windows: a "window" line each (their spread stands for repeated
 * runs: one boot is too slow to repeat the whole benchmark), then the phase over all samples.
 */
static void phase(const char *name, int mouse, int rate, int seconds)
{
	unsigned long long written = 0, n, from = 0, to;
	char state[64];

	nr_samples = 0;
	recording = 1;
	for (int w = 0; w < WINDOWS; w++) {
		written += write_mouse(mouse, rate, seconds * 1000 / WINDOWS);
		usleep(20000); /* the last report reaches the reader */
		to = nr_samples < MAX_SAMPLES ? nr_samples : MAX_SAMPLES;
		memcpy(window_copy, samples + from, (to - from) * sizeof(samples[0]));
		qsort(window_copy, to - from, sizeof(samples[0]), cmp_uint);
		printf("window %s %d n %llu p50 %u p99 %u us\n", name, w, to - from, pct(window_copy, to - from, 0.5),
		       pct(window_copy, to - from, 0.99));
		from = to;
	}
	recording = 0;
	n = nr_samples < MAX_SAMPLES ? nr_samples : MAX_SAMPLES;
	qsort(samples, n, sizeof(samples[0]), cmp_uint);
	read_line("/sys/kernel/sched_ext/state", state, sizeof(state));
	printf("phase %s written %llu n %llu p50 %u p90 %u p99 %u p999 %u max %u us sched_ext %s\n", name, written, n,
	       pct(samples, n, 0.5), pct(samples, n, 0.9), pct(samples, n, 0.99), pct(samples, n, 0.999),
	       n ? samples[n - 1] : 0, state);
	fflush(stdout);
}

/* If the scheduler is no longer enabled, says why (ops.exit's record in exit_info). */
static void report_exit(struct bpf_object *events)
{
	struct scxg_exit_info info = { 0 };
	char state[64];
	int zero = 0;

	read_line("/sys/kernel/sched_ext/state", state, sizeof(state));
	if (!strcmp(state, "enabled"))
		return;
	bpf_map_lookup_elem(map_fd(events, "exit_info"), &zero, &info);
	printf("scheduler exit: state %s, exit seq %llu kind %d code %lld reason '%s' msg '%s'\n", state,
	       (unsigned long long)info.seq, info.kind, (long long)info.exit_code, info.reason, info.msg);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	unsigned char input_class = SCXG_CLASS_INPUT;
	int seconds = argc > 2 ? atoi(argv[2]) : 10, rate = argc > 3 ? atoi(argv[3]) : 1000;
	int cpus = (int)sysconf(_SC_NPROCESSORS_ONLN), mouse, tid;
	struct scxg_objects o;
	struct bpf_link *link;
	unsigned long long sched_stats[SCXG_SCHED_STAT_COUNT];
	pthread_t thread;

	if (argc < 2 || seconds <= 0 || rate <= 0) {
		fprintf(stderr, "usage: %s OBJ_DIR [SECONDS] [RATE]\n", argv[0]);
		return 2;
	}
	mouse = uinput_mouse(MOUSE_NAME);
	if (mouse < 0) {
		fprintf(stderr, "cannot create a uinput mouse: %s (modprobe uinput?)\n", strerror(errno));
		return 1;
	}
	pthread_create(&thread, NULL, reader, NULL);
	while (!reader_tid)
		usleep(1000);
	if (reader_tid < 0)
		return 1;
	tid = reader_tid;
	for (nr_busy = 0; nr_busy < 2 * cpus && nr_busy < MAX_BUSY; nr_busy++) {
		busy[nr_busy] = fork();
		if (busy[nr_busy] == 0)
			for (;;)
				;
	}
	/*
	 * The writer stands in for the hardware: real-time, so the busy loops cannot starve the input itself
	 * and both schedulers see the same input (sched_ext schedules only the fair class; RT stays above it).
	 */
	if (sched_setscheduler(0, SCHED_FIFO, &(struct sched_param){ .sched_priority = 50 }))
		fprintf(stderr, "writer stays SCHED_OTHER: sched_setscheduler: %s\n", strerror(errno));
	printf("config: %d CPUs, %d busy loops, %d Hz, %d s per phase, reader tid %d (SCHED_OTHER), writer SCHED_FIFO\n",
	       cpus, nr_busy, rate, seconds, tid);
	fflush(stdout);

	phase("default", mouse, rate, seconds);

	if (load_scxgamer(argv[1], &o))
		return 1;
	bpf_map_update_elem(map_fd(o.events, "task_classes"), &tid, &input_class, BPF_ANY);
	if (!(link = attach_scxgamer(&o)))
		return 1;
	phase("scxgamer", mouse, rate, seconds);
	report_exit(o.events);
	bpf_map_delete_elem(map_fd(o.events, "task_classes"), &tid);
	phase("scxgamer-behaviour", mouse, rate, seconds);
	report_exit(o.events);
	if (!read_percpu_counters(map_fd(o.events, "sched_stats"), sched_stats, SCXG_SCHED_STAT_COUNT))
		printf("sched_stats: enqueued %llu boosted %llu preempt_kicks %llu behaviour_classified %llu\n",
		       sched_stats[SCXG_SCHED_ENQUEUED], sched_stats[SCXG_SCHED_BOOSTED], sched_stats[SCXG_SCHED_PREEMPT_KICKS],
		       sched_stats[SCXG_SCHED_BEHAVIOUR_CLASSIFIED]);
	bpf_link__destroy(link);
	wait_state("disabled");
	phase("default-after", mouse, rate, seconds);

	for (int i = 0; i < nr_busy; i++)
		kill(busy[i], SIGKILL);
	for (int i = 0; i < nr_busy; i++)
		waitpid(busy[i], NULL, 0);
	close(mouse); /* destroys the device: the reader's read() ends */
	pthread_join(thread, NULL);
	bpf_link__destroy(o.hook_link);
	return 0;
}
