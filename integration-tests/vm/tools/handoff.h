// The hand-off loop shared by futex-handoff and ntsync-handoff: two threads hand a token back and forth. The
// holder works a while (its critical section), stamps the time and passes the token; the hand-off latency is
// from the stamp to the receiver running again. Prints one line:
//   handoffs N woken W p50_us P p99_us Q max_us M tids A,B
// (woken: hand-offs whose receiver was asleep, i.e. that the pass had to wake).
//
// The including tool defines the mechanism, before including this file:
//   HANDOFF_NAME                     the tool's name, for its messages
//   static int handoff_setup(void)   before the threads start: 0, or the exit code
//   static void handoff_start(void)  after they started: gives thread 0 the token
//   static void handoff_wait(uint32_t me)           returns when it is me's turn (or done is set)
//   static void handoff_pass(uint32_t to, bool last) gives the token to `to`, calling handoff_note_sleeper(to)
//                                    just before the wake unless `last` (which only lets `to` out at the end)
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_SAMPLES (1 << 20)

static _Atomic uint32_t sleeping[2];   /* thread i is (about to be) asleep in handoff_wait() */
static _Atomic uint64_t stamp_ns;      /* when the last hand-off was made */
static _Atomic int done;
static uint64_t *samples;
static _Atomic uint32_t nsamples, woken;
static long work_us = 200, rounds = 2000;
static pid_t tids[2];

static int handoff_setup(void);
static void handoff_start(void);
static void handoff_wait(uint32_t me);
static void handoff_pass(uint32_t to, bool last);

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void handoff_note_sleeper(uint32_t to)
{
	if (atomic_load(&sleeping[to]))
		atomic_fetch_add(&woken, 1);
}

static void *side(void *arg)
{
	uint32_t me = (uint32_t)(uintptr_t)arg;
	uint64_t t;

	tids[me] = (pid_t)syscall(SYS_gettid);
	while (!atomic_load(&done)) {
		handoff_wait(me);
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
		handoff_pass(1 - me, false);
	}
	/* Let the other side out of its wait. */
	handoff_pass(1 - me, true);
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
	pthread_t th[2];
	uint32_t n;
	int c;

	while ((c = getopt_long(argc, argv, "r:w:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': rounds = atol(optarg); break;
		case 'w': work_us = atol(optarg); break;
		default:
			printf("usage: %s [--rounds N (2000)] [--work-us US (200): the holder's work per turn]\n", HANDOFF_NAME);
			return c == 'h' ? 0 : 2;
		}
	}
	if (rounds < 1 || rounds > MAX_SAMPLES || work_us < 0) {
		fprintf(stderr, "%s: --rounds 1..%d, --work-us >= 0\n", HANDOFF_NAME, MAX_SAMPLES);
		return 2;
	}
	c = handoff_setup();
	if (c)
		return c;
	samples = calloc(MAX_SAMPLES, sizeof(*samples));
	if (!samples)
		return 1;
	for (uintptr_t i = 0; i < 2; i++)
		if (pthread_create(&th[i], NULL, side, (void *)i)) {
			perror("pthread_create");
			return 1;
		}
	handoff_start();
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	n = atomic_load(&nsamples);
	n = n < MAX_SAMPLES ? n : MAX_SAMPLES;
	qsort(samples, n, sizeof(*samples), cmp);
	printf("handoffs %u woken %u p50_us %.1f p99_us %.1f max_us %.1f tids %d,%d\n", n, atomic_load(&woken),
	       samples[n / 2] / 1e3, samples[(uint64_t)n * 99 / 100] / 1e3, samples[n - 1] / 1e3, tids[0], tids[1]);
	return 0;
}
