// cpu-load: a CPU-saturating load whose every task must keep making progress, for scheduler tests.
// Busy workers spin incrementing a counter; pipe workers are hackbench-style pairs of processes passing a
// byte back and forth through two pipes (a wakeup per hop) and forking a short-lived child every 64 round
// trips. Each worker counts its progress in shared memory; every --interval the tool prints all counters,
// and at the end the smallest growth any worker had in any interval (0 = some task starved for a whole
// interval).
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS 64

static volatile sig_atomic_t stop_requested;
static void on_signal(int sig) { (void)sig; stop_requested = 1; }

static void die(const char *what)
{
	fprintf(stderr, "cpu-load: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void busy(volatile uint64_t *counter)
{
	for (;;)
		(*counter)++;
}

// One side of a ping-pong pair: read a byte from in, write it to out; the first side starts the ball.
static void pingpong(volatile uint64_t *counter, int in, int out, int starts)
{
	char b = 'x';
	if (starts && write(out, &b, 1) != 1)
		_exit(1);
	for (;;) {
		if (read(in, &b, 1) != 1 || write(out, &b, 1) != 1)
			_exit(0);
		if ((++*counter & 63) == 0) {
			pid_t c = fork();
			if (c == 0)
				_exit(0);
			if (c > 0)
				waitpid(c, NULL, 0);
		}
	}
}

static pid_t spawn(void (*body)(volatile uint64_t *, int, int, int), volatile uint64_t *counter, int in, int out, int starts)
{
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		body(counter, in, out, starts);
		_exit(0);
	}
	return pid;
}

static void busy_body(volatile uint64_t *counter, int in, int out, int starts)
{
	(void)in; (void)out; (void)starts;
	busy(counter);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "busy", required_argument, 0, 'b' }, { "pipes", required_argument, 0, 'p' },
		{ "seconds", required_argument, 0, 's' }, { "interval", required_argument, 0, 'i' },
		{ "help", no_argument, 0, 'h' }, { 0 },
	};
	long n_busy = 0, n_pipes = 0;
	double seconds = 0, interval = 5;
	for (int c; (c = getopt_long(argc, argv, "b:p:s:i:h", opts, NULL)) != -1;) {
		switch (c) {
		case 'b': n_busy = atol(optarg); break;
		case 'p': n_pipes = atol(optarg); break;
		case 's': seconds = atof(optarg); break;
		case 'i': interval = atof(optarg); break;
		case 'h':
			puts("usage: cpu-load [--busy N] [--pipes M] [--seconds S (0: until SIGTERM/SIGINT)] [--interval SEC (5)]\n"
			     "Prints 'started busy=N pipes=M workers=W', every interval 'progress t=SEC w0=... wW-1=...' (cumulative),\n"
			     "at the end 'final intervals=K min_growth=G total=T' (G = least growth of any worker in any interval).");
			return 0;
		default: return 2;
		}
	}
	int workers = (int)(n_busy + 2 * n_pipes);
	if (n_busy < 0 || n_pipes < 0 || workers < 1 || workers > MAX_WORKERS || interval <= 0) {
		fprintf(stderr, "cpu-load: need 1..%d workers (busy + 2 x pipes) and a positive interval\n", MAX_WORKERS);
		return 2;
	}
	volatile uint64_t *counters = mmap(NULL, MAX_WORKERS * 64, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (counters == MAP_FAILED)
		die("mmap");
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	pid_t pids[MAX_WORKERS];
	int w = 0;
	// One counter per 64-byte line: workers on different CPUs do not share a cache line.
	for (long i = 0; i < n_busy; i++, w++)
		pids[w] = spawn(busy_body, &counters[w * 8], -1, -1, 0);
	for (long i = 0; i < n_pipes; i++, w += 2) {
		int ab[2], ba[2];
		if (pipe(ab) || pipe(ba))
			die("pipe");
		pids[w] = spawn(pingpong, &counters[w * 8], ba[0], ab[1], 1);
		pids[w + 1] = spawn(pingpong, &counters[(w + 1) * 8], ab[0], ba[1], 0);
		close(ab[0]); close(ab[1]); close(ba[0]); close(ba[1]);
	}
	printf("started busy=%ld pipes=%ld workers=%d\n", n_busy, n_pipes, workers);
	fflush(stdout);

	uint64_t last[MAX_WORKERS] = { 0 }, min_growth = UINT64_MAX;
	double t0 = now_s();
	long intervals = 0;
	while (!stop_requested && (seconds <= 0 || now_s() - t0 < seconds)) {
		double next = t0 + (intervals + 1) * interval;
		while (!stop_requested && now_s() < next)
			usleep(20000);
		if (stop_requested)
			break;
		intervals++;
		printf("progress t=%.1f", now_s() - t0);
		for (int i = 0; i < workers; i++) {
			uint64_t v = counters[i * 8];
			if (v - last[i] < min_growth)
				min_growth = v - last[i];
			last[i] = v;
			printf(" w%d=%llu", i, (unsigned long long)v);
		}
		printf("\n");
		fflush(stdout);
	}
	uint64_t total = 0;
	for (int i = 0; i < workers; i++) {
		kill(pids[i], SIGKILL);
		total += counters[i * 8];
	}
	for (int i = 0; i < workers; i++)
		waitpid(pids[i], NULL, 0);
	printf("final intervals=%ld min_growth=%llu total=%llu\n", intervals,
	       (unsigned long long)(intervals ? min_growth : 0), (unsigned long long)total);
	return 0;
}
