// placement: where the scheduler puts a waking task, for the topology test (19-topology).
//   placement wake --prev CPU [--count N] [--sleep-us U]
//     N times: run on CPU (pinned, briefly busy), let go of the pin, sleep U µs (a timer wakeup, not a
//     sync one) and note the CPU it wakes up on. Prints 'cpu<K>=<wakeups>' per CPU and 'total=N'.
//   placement pair [--count N]
//     two threads pass a byte back and forth through two pipes (a pipe write is a sync wakeup: the
//     writer is about to wait for the answer); for each hop, whether the woken thread runs in the LLC of
//     the thread that woke it. Prints 'same_llc=<hops> hops=<hops>'.
// The LLC of a CPU is its highest cache level's shared_cpu_list (sysfs).
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_CPUS 64

static long count = 200, sleep_us = 2000;

static void die(const char *what)
{
	fprintf(stderr, "placement: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void pin(int cpu, int ncpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	for (int c = 0; c < ncpu; c++)
		if (cpu < 0 || c == cpu)
			CPU_SET(c, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
}

static void spin_us(long us)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	do
		clock_gettime(CLOCK_MONOTONIC, &b);
	while ((b.tv_sec - a.tv_sec) * 1000000L + (b.tv_nsec - a.tv_nsec) / 1000 < us);
}

static int wake(int prev)
{
	int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN), hits[MAX_CPUS] = {0};
	struct timespec ts = {.tv_sec = sleep_us / 1000000, .tv_nsec = (sleep_us % 1000000) * 1000};

	if (ncpu > MAX_CPUS || prev >= ncpu)
		return fprintf(stderr, "placement: --prev %d with %d CPUs online\n", prev, ncpu), 2;
	for (long i = 0; i < count; i++) {
		pin(prev, ncpu);
		spin_us(100);
		pin(-1, ncpu);
		nanosleep(&ts, NULL);
		int cpu = sched_getcpu();
		if (cpu >= 0 && cpu < MAX_CPUS)
			hits[cpu]++;
	}
	for (int c = 0; c < ncpu; c++)
		printf("cpu%d=%d ", c, hits[c]);
	printf("total=%ld\n", count);
	return 0;
}

static char llc_of[MAX_CPUS][64];

static void read_llcs(int ncpu)
{
	for (int c = 0; c < ncpu; c++) {
		for (int idx = 0; idx < 8; idx++) {
			char path[128];
			FILE *f;

			snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/cache/index%d/shared_cpu_list", c, idx);
			if (!(f = fopen(path, "r")))
				break;
			if (!fgets(llc_of[c], sizeof(llc_of[c]), f))
				llc_of[c][0] = 0;
			fclose(f);
		}
	}
}

static int ping[2], pong[2];
static volatile int waker_cpu;
static long same_llc;

static void *answer(void *arg)
{
	char b;

	(void)arg;
	for (long i = 0; i < count; i++) {
		if (read(ping[0], &b, 1) != 1)
			die("read ping");
		int cpu = sched_getcpu();
		if (cpu >= 0 && cpu < MAX_CPUS && !strcmp(llc_of[cpu], llc_of[waker_cpu]))
			same_llc++;
		waker_cpu = cpu;
		if (write(pong[1], &b, 1) != 1)
			die("write pong");
	}
	return NULL;
}

static int pair(void)
{
	int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	pthread_t t;
	char b = 'x';

	if (ncpu > MAX_CPUS)
		return fprintf(stderr, "placement: %d CPUs online, at most %d\n", ncpu, MAX_CPUS), 2;
	read_llcs(ncpu);
	if (pipe(ping) || pipe(pong))
		die("pipe");
	if (pthread_create(&t, NULL, answer, NULL))
		die("pthread_create");
	long back = 0;
	for (long i = 0; i < count; i++) {
		waker_cpu = sched_getcpu();
		if (write(ping[1], &b, 1) != 1)
			die("write ping");
		if (read(pong[0], &b, 1) != 1)
			die("read pong");
		int cpu = sched_getcpu();
		if (cpu >= 0 && cpu < MAX_CPUS && !strcmp(llc_of[cpu], llc_of[waker_cpu]))
			back++;
	}
	pthread_join(t, NULL);
	printf("same_llc=%ld hops=%ld\n", same_llc + back, 2 * count);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"prev", required_argument, NULL, 'p'}, {"count", required_argument, NULL, 'n'},
		{"sleep-us", required_argument, NULL, 's'}, {"help", no_argument, NULL, 'h'}, {0}};
	int prev = 0;

	if (argc < 2)
		return fputs("usage: placement wake --prev CPU [--count N] [--sleep-us U] | placement pair [--count N]\n", stderr), 2;
	optind = 2;
	for (int c; (c = getopt_long(argc, argv, "p:n:s:h", opts, NULL)) != -1;) {
		switch (c) {
		case 'p': prev = atoi(optarg); break;
		case 'n': count = atol(optarg); break;
		case 's': sleep_us = atol(optarg); break;
		default:
			fputs("usage: placement wake --prev CPU [--count N] [--sleep-us U] | placement pair [--count N]\n", stderr);
			return c == 'h' ? 0 : 2;
		}
	}
	if (count < 1)
		return fputs("placement: --count must be at least 1\n", stderr), 2;
	if (!strcmp(argv[1], "wake"))
		return wake(prev);
	if (!strcmp(argv[1], "pair"))
		return pair();
	return fprintf(stderr, "placement: unknown mode '%s'\n", argv[1]), 2;
}
