// ntsync-handoff: two threads hand a token back and forth through ntsync semaphores (/dev/ntsync, module
// ntsync), as Wine/Proton hands an NT semaphore, mutex or event between a game's threads on a kernel with
// ntsync. Each thread waits on its own semaphore (NTSYNC_IOC_WAIT_ANY, initial count 0); the holder works a
// while (its critical section), stamps the time and releases the other's semaphore (NTSYNC_IOC_SEM_RELEASE,
// which wakes the other inside the ioctl). The hand-off latency is from the stamp to the woken thread
// running again. Prints one line:
//   handoffs N woken W p50_us P p99_us Q max_us M tids A,B
// (woken: hand-offs whose receiver was asleep, i.e. that the release had to wake). Exits 3 without /dev/ntsync.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/*
 * The ntsync uapi as of Linux 6.14 (include/uapi/linux/ntsync.h of the 7.3 guest kernel): the toolchain's
 * linux-libc-dev (6.12) still has the earlier draft, whose NTSYNC_IOC_CREATE_SEM differs.
 */
struct ntsync_sem_args {
	uint32_t count;
	uint32_t max;
};

struct ntsync_wait_args {
	uint64_t timeout;
	uint64_t objs;
	uint32_t count;
	uint32_t index;
	uint32_t flags;
	uint32_t owner;
	uint32_t alert;
	uint32_t pad;
};

#define NTSYNC_IOC_CREATE_SEM _IOW('N', 0x80, struct ntsync_sem_args)
#define NTSYNC_IOC_WAIT_ANY _IOWR('N', 0x82, struct ntsync_wait_args)
#define NTSYNC_IOC_SEM_RELEASE _IOWR('N', 0x81, uint32_t)

#define MAX_SAMPLES (1 << 20)

static int dev, sems[2];               /* /dev/ntsync; sems[i]: thread i's turn */
static _Atomic uint32_t sleeping[2];   /* thread i is (about to be) in NTSYNC_IOC_WAIT_ANY */
static _Atomic uint64_t stamp_ns;      /* when the last hand-off was made */
static _Atomic int done;
static uint64_t *samples;
static _Atomic uint32_t nsamples, woken;
static long work_us = 200, rounds = 2000;
static pid_t tids[2];

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* Hands the token to thread `to`: one count on its semaphore. */
static void release(uint32_t to)
{
	uint32_t count = 1;

	if (ioctl(sems[to], NTSYNC_IOC_SEM_RELEASE, &count) < 0)
		die("NTSYNC_IOC_SEM_RELEASE");
}

/* Waits, without a timeout, until this thread's semaphore has a count and takes it. */
static void take(uint32_t me)
{
	struct ntsync_wait_args wait = {
		.timeout = UINT64_MAX, .objs = (uintptr_t)&sems[me], .count = 1, .owner = (uint32_t)tids[me],
	};

	while (ioctl(dev, NTSYNC_IOC_WAIT_ANY, &wait) < 0)
		if (errno != EINTR)
			die("NTSYNC_IOC_WAIT_ANY");
}

static void *side(void *arg)
{
	uint32_t me = (uint32_t)(uintptr_t)arg;
	uint64_t t;

	tids[me] = (pid_t)syscall(SYS_gettid);
	while (!atomic_load(&done)) {
		atomic_store(&sleeping[me], 1);
		take(me);
		atomic_store(&sleeping[me], 0);
		if (atomic_load(&done))
			break;
		t = now_ns();
		if (atomic_load(&stamp_ns)) {
			uint32_t n = atomic_fetch_add(&nsamples, 1);

			if (n < MAX_SAMPLES)
				samples[n] = t - atomic_load(&stamp_ns);
			if (n + 1 >= (uint32_t)rounds)
				atomic_store(&done, 1);
		}
		/* The critical section. */
		while (now_ns() - t < (uint64_t)work_us * 1000)
			;
		atomic_store(&stamp_ns, now_ns());
		if (atomic_load(&sleeping[1 - me]))
			atomic_fetch_add(&woken, 1);
		release(1 - me);
	}
	/* Let the other side out of its wait. */
	release(1 - me);
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rounds", required_argument, 0, 'r' }, { "work-us", required_argument, 0, 'w' },
		{ "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
	};
	/* Max 2: the last hand-off and the release that lets the other side out at the end may both be pending. */
	struct ntsync_sem_args sem = { .count = 0, .max = 2 };
	pthread_t th[2];
	uint32_t n;
	int c;

	while ((c = getopt_long(argc, argv, "r:w:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': rounds = atol(optarg); break;
		case 'w': work_us = atol(optarg); break;
		default:
			printf("usage: ntsync-handoff [--rounds N (2000)] [--work-us US (200): the holder's work per turn]\n");
			return c == 'h' ? 0 : 2;
		}
	}
	if (rounds < 1 || rounds > MAX_SAMPLES || work_us < 0) {
		fprintf(stderr, "ntsync-handoff: --rounds 1..%d, --work-us >= 0\n", MAX_SAMPLES);
		return 2;
	}
	dev = open("/dev/ntsync", O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		fprintf(stderr, "ntsync-handoff: /dev/ntsync: %s (modprobe ntsync)\n", strerror(errno));
		return 3;
	}
	for (int i = 0; i < 2; i++) {
		sems[i] = ioctl(dev, NTSYNC_IOC_CREATE_SEM, &sem);
		if (sems[i] < 0)
			die("NTSYNC_IOC_CREATE_SEM");
	}
	samples = calloc(MAX_SAMPLES, sizeof(*samples));
	if (!samples)
		return 1;
	for (uintptr_t i = 0; i < 2; i++)
		if (pthread_create(&th[i], NULL, side, (void *)i)) {
			perror("pthread_create");
			return 1;
		}
	/* Thread 0 starts with the token. */
	release(0);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	n = atomic_load(&nsamples);
	n = n < MAX_SAMPLES ? n : MAX_SAMPLES;
	qsort(samples, n, sizeof(*samples), cmp);
	printf("handoffs %u woken %u p50_us %.1f p99_us %.1f max_us %.1f tids %d,%d\n", n, atomic_load(&woken),
	       samples[n / 2] / 1e3, samples[(uint64_t)n * 99 / 100] / 1e3, samples[n - 1] / 1e3, tids[0], tids[1]);
	return 0;
}
