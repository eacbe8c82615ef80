// SPDX-License-Identifier: GPL-2.0
/*
 * C reference consumer and benchmark for the scxgamer rings.
 *
 * Loads scxgamer_events.bpf.o, sizes the 16 rings, whitelists every device as AUTO, then
 * alternates: inject a batch of mouse frames (REL_X, REL_Y, SYN_REPORT) through inject_events
 * with bpf_prog_test_run_opts, drain all 16 rings with ring_buffer__consume (no epoll_wait: a
 * consumer that knows data is there reads it without a syscall). Prints the injector's
 * and the drain's cost per event and checks that every event is accounted for and arrives in
 * order (VALUE_SEQ numbering). Exit status 0 only if the accounting and order hold.
 *
 * --latency RATE: instead, a producer thread injects one mouse event at RATE Hz for --seconds while
 * the main thread waits in ring_buffer__poll (blocking epoll), or with --busy spins on
 * ring_buffer__consume (reads the rings' memory, no syscall per spin, as a C busy-poller would), and
 * records CLOCK_MONOTONIC now - the record's bpf_ktime_get_ns() timestamp; prints p50/p99/p99.9.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <getopt.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "scxgamer_contract.h"

#define EV_SYN 0x00
#define EV_REL 0x02
#define REL_X 0x00
#define REL_Y 0x01
#define SYN_REPORT 0

#define FRAME_EVENTS 3
#define RECORD_BYTES 32 /* 24-byte record + 8-byte ring header */

struct options {
	const char *obj_path;
	unsigned long long events;
	unsigned long ring_bytes;
	unsigned long batch;
	int cpu;
	unsigned long latency_rate;
	unsigned long seconds;
	int producer_cpu;
	bool busy;
};

struct drain {
	unsigned long long received;
	unsigned long long bad_records;
	unsigned long long out_of_order;
	long long last_x[SCXG_RING_COUNT];
	unsigned long long *latency;   /* latency mode: one sample per record */
	unsigned long long latency_cap;
};

struct drain_ctx {
	struct drain *drain;
	int ring;
};

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* CPU time of this thread (user + system): robust against other load on a shared machine. */
static unsigned long long cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [--obj PATH] [--events N] [--ring-size BYTES] [--batch N] [--cpu N]\n"
		"  --obj        scxgamer_events.bpf.o (default: next to this program)\n"
		"  --events     events to inject (default 3000000)\n"
		"  --ring-size  bytes per ring, power of two >= page size (default 33554432)\n"
		"  --batch      events per injector run (default: what one ring holds)\n"
		"  --cpu        CPU to pin to, -1 for none (default 0)\n"
		"  --latency    latency mode: inject one event at this rate (Hz) from a producer thread\n"
		"  --seconds    latency mode: duration (default 5)\n"
		"  --producer-cpu  latency mode: the producer's CPU (default 1)\n"
		"  --busy       latency mode: spin on ring_buffer__consume instead of blocking in ring_buffer__poll\n", prog);
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "obj", required_argument, NULL, 'o' },
		{ "events", required_argument, NULL, 'n' },
		{ "ring-size", required_argument, NULL, 'r' },
		{ "batch", required_argument, NULL, 'b' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "latency", required_argument, NULL, 'l' },
		{ "seconds", required_argument, NULL, 's' },
		{ "producer-cpu", required_argument, NULL, 'p' },
		{ "busy", no_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "o:n:r:b:c:l:s:p:Bh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': o->obj_path = optarg; break;
		case 'n': o->events = strtoull(optarg, NULL, 0); break;
		case 'r': o->ring_bytes = strtoul(optarg, NULL, 0); break;
		case 'b': o->batch = strtoul(optarg, NULL, 0); break;
		case 'c': o->cpu = atoi(optarg); break;
		case 'l': o->latency_rate = strtoul(optarg, NULL, 0); break;
		case 's': o->seconds = strtoul(optarg, NULL, 0); break;
		case 'p': o->producer_cpu = atoi(optarg); break;
		case 'B': o->busy = true; break;
		default: usage(argv[0]); return -1;
		}
	}
	if (o->ring_bytes < (unsigned long)getpagesize() || (o->ring_bytes & (o->ring_bytes - 1))) {
		fprintf(stderr, "--ring-size %lu: must be a power of two >= %d\n", o->ring_bytes, getpagesize());
		return -1;
	}
	if (o->events < FRAME_EVENTS) {
		fprintf(stderr, "--events %llu: must be >= %d\n", o->events, FRAME_EVENTS);
		return -1;
	}
	if (!o->batch)
		o->batch = o->ring_bytes / RECORD_BYTES;
	if (o->batch < FRAME_EVENTS || o->batch / FRAME_EVENTS > SCXG_INJECT_MAX_REPEAT) {
		fprintf(stderr, "--batch %lu: must be in %d..%d\n", o->batch, FRAME_EVENTS,
			FRAME_EVENTS * SCXG_INJECT_MAX_REPEAT);
		return -1;
	}
	return 0;
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct drain_ctx *dc = ctx;
	struct drain *d = dc->drain;
	const struct scxg_event *ev = data;

	d->received++;
	if (d->latency && d->received <= d->latency_cap)
		d->latency[d->received - 1] = now_ns() - ev->timestamp_ns;
	if (size != sizeof(*ev) || ev->lane != SCXG_LANE_MOUSE || !(ev->flags & SCXG_FLAG_INJECTED)) {
		d->bad_records++;
		return 0;
	}
	if (ev->type == EV_REL && ev->code == REL_X) {
		if (ev->value <= d->last_x[dc->ring])
			d->out_of_order++;
		d->last_x[dc->ring] = ev->value;
	}
	return 0;
}

/* Sums a per-CPU u64[n] counter array (entry 0) over all possible CPUs. */
static int read_counters(int map_fd, unsigned long long *sum, int n)
{
	int cpus = libbpf_num_possible_cpus(), zero = 0;
	unsigned long long *values;

	if (cpus < 0)
		return cpus;
	values = calloc((size_t)cpus * n, sizeof(*values));
	if (!values)
		return -ENOMEM;
	if (bpf_map_lookup_elem(map_fd, &zero, values)) {
		free(values);
		return -errno;
	}
	memset(sum, 0, n * sizeof(*sum));
	for (int c = 0; c < cpus; c++)
		for (int i = 0; i < n; i++)
			sum[i] += values[c * n + i];
	free(values);
	return 0;
}

static struct bpf_object *open_and_load(const struct options *o)
{
	struct bpf_object *obj = bpf_object__open_file(o->obj_path, NULL);
	char name[16];
	int err;

	if (!obj) {
		fprintf(stderr, "cannot open %s: %s\n", o->obj_path, strerror(errno));
		return NULL;
	}
	for (int i = 0; i < SCXG_RING_COUNT; i++) {
		snprintf(name, sizeof(name), "ring_%d", i);
		err = bpf_map__set_max_entries(bpf_object__find_map_by_name(obj, name), o->ring_bytes);
		if (err) {
			fprintf(stderr, "cannot size %s: %s\n", name, strerror(-err));
			goto fail;
		}
	}
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "cannot load %s: %s\n", o->obj_path, strerror(-err));
		goto fail;
	}
	return obj;
fail:
	bpf_object__close(obj);
	return NULL;
}

static struct ring_buffer *open_rings(struct bpf_object *obj, struct drain_ctx *ctxs)
{
	struct ring_buffer *rb = NULL;
	char name[16];

	for (int i = 0; i < SCXG_RING_COUNT; i++) {
		int fd, err;

		snprintf(name, sizeof(name), "ring_%d", i);
		fd = bpf_object__find_map_fd_by_name(obj, name);
		if (!rb) {
			rb = ring_buffer__new(fd, on_record, &ctxs[i], NULL);
			err = rb ? 0 : -errno;
		} else {
			err = ring_buffer__add(rb, fd, on_record, &ctxs[i]);
		}
		if (err) {
			fprintf(stderr, "cannot open %s: %s\n", name, strerror(-err));
			ring_buffer__free(rb);
			return NULL;
		}
	}
	return rb;
}

/* Every device is AUTO: mouse frames land on the mouse lane. */
static int whitelist_all(struct bpf_object *obj)
{
	struct scxg_device_key any = { SCXG_ANY, SCXG_ANY, SCXG_ANY, 0 };
	unsigned char action = SCXG_RULE_AUTO;

	return bpf_map_update_elem(bpf_object__find_map_fd_by_name(obj, "device_rules"), &any, &action, BPF_ANY);
}

struct producer {
	int prog_fd;
	struct scxg_inject_args args;
	unsigned long rate;
	unsigned long seconds;
	int cpu;
	unsigned long long injected, submitted, dropped, filtered, late;
	int err;
	volatile int done;
};

/* Latency mode producer: one event per period at absolute deadlines; a missed deadline is skipped, not made up. */
static void *produce(void *arg)
{
	struct producer *p = arg;
	unsigned long long period = 1000000000ULL / p->rate, next, end;
	struct timespec ts;

	if (p->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(p->cpu, &set);
		pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	}
	next = now_ns() + period;
	end = next + p->seconds * 1000000000ULL;
	while (next < end) {
		LIBBPF_OPTS(bpf_test_run_opts, run, .ctx_in = &p->args, .ctx_size_in = sizeof(p->args));

		ts.tv_sec = next / 1000000000ULL;
		ts.tv_nsec = next % 1000000000ULL;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		p->args.events[0].value = (int)p->injected;
		if (bpf_prog_test_run_opts(p->prog_fd, &run) || run.retval) {
			p->err = errno ? errno : EINVAL;
			break;
		}
		p->injected++;
		p->submitted += p->args.submitted;
		p->dropped += p->args.dropped;
		p->filtered += p->args.filtered;
		next += period;
		if (now_ns() > next + period) {
			p->late++;
			next = now_ns() + period;
		}
	}
	__atomic_store_n(&p->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

static unsigned long long percentile(const unsigned long long *sorted, unsigned long long n, double q)
{
	unsigned long long i = (unsigned long long)(q * n);

	return n ? sorted[i < n ? i : n - 1] : 0;
}

static int run_latency(const struct options *o, int prog_fd, struct ring_buffer *rb, struct drain *drain,
		       const struct scxg_inject_args *frame)
{
	struct producer p = { .prog_fd = prog_fd, .rate = o->latency_rate, .seconds = o->seconds, .cpu = o->producer_cpu };
	unsigned long long n;
	pthread_t thread;
	int err = 0;

	p.args = *frame;
	p.args.count = 1;
	p.args.repeat = 1;
	p.args.flags = 0;
	drain->latency_cap = o->latency_rate * o->seconds + 16;
	drain->latency = calloc(drain->latency_cap, sizeof(*drain->latency));
	if (!drain->latency || pthread_create(&thread, NULL, produce, &p)) {
		fprintf(stderr, "cannot start the producer\n");
		return 1;
	}
	for (;;) {
		bool done = __atomic_load_n(&p.done, __ATOMIC_ACQUIRE);

		err = o->busy ? ring_buffer__consume(rb) : ring_buffer__poll(rb, 100);
		if (err < 0 && err != -EINTR)
			break;
		err = 0;
		if (done && drain->received >= p.submitted)
			break;
	}
	pthread_join(thread, NULL);
	if (err || p.err) {
		fprintf(stderr, "latency run failed: %s\n", strerror(err ? -err : p.err));
		return 1;
	}
	n = drain->received < drain->latency_cap ? drain->received : drain->latency_cap;
	qsort(drain->latency, n, sizeof(*drain->latency), cmp_u64);
	printf("config: latency %lu Hz for %lu s, %s, consumer cpu %d, producer cpu %d\n", o->latency_rate, o->seconds,
	       o->busy ? "busy-poll" : "blocking", o->cpu, o->producer_cpu);
	printf("events: injected %llu submitted %llu dropped %llu filtered %llu received %llu late %llu\n", p.injected,
	       p.submitted, p.dropped, p.filtered, drain->received, p.late);
	printf("latency: n %llu p50 %llu p99 %llu p999 %llu max %llu ns\n", n, percentile(drain->latency, n, 0.50),
	       percentile(drain->latency, n, 0.99), percentile(drain->latency, n, 0.999), n ? drain->latency[n - 1] : 0);
	free(drain->latency);
	return p.injected == p.submitted + p.dropped + p.filtered && drain->received == p.submitted ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct options o = { .events = 3000000, .ring_bytes = 32UL << 20, .cpu = 0, .seconds = 5, .producer_cpu = 1 };
	unsigned long long submitted = 0, dropped = 0, filtered = 0, injected = 0;
	unsigned long long inject_ns = 0, drain_ns = 0, inject_cpu = 0, drain_cpu = 0, base = 0, t0, c0;
	unsigned long long stats[SCXG_STAT_COUNT];
	struct drain drain = { 0 };
	struct drain_ctx ctxs[SCXG_RING_COUNT];
	struct scxg_inject_args args = { 0 };
	struct bpf_object *obj;
	struct ring_buffer *rb;
	int prog_fd, err;
	bool ok;
	static char default_obj[4096];

	if (readlink("/proc/self/exe", default_obj, sizeof(default_obj) - 32) > 0) {
		*strrchr(default_obj, '/') = 0;
		strcat(default_obj, "/scxgamer_events.bpf.o");
		o.obj_path = default_obj;
	}
	if (parse_options(argc, argv, &o) || !o.obj_path)
		return 2;
	if (o.cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(o.cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			fprintf(stderr, "cannot pin to CPU %d: %s (continuing unpinned)\n", o.cpu, strerror(errno));
	}
	for (int i = 0; i < SCXG_RING_COUNT; i++) {
		ctxs[i] = (struct drain_ctx){ .drain = &drain, .ring = i };
		drain.last_x[i] = -1;
	}

	obj = open_and_load(&o);
	if (!obj)
		return 1;
	rb = open_rings(obj, ctxs);
	err = rb ? whitelist_all(obj) : -1;
	if (err) {
		fprintf(stderr, "setup failed\n");
		return 1;
	}
	prog_fd = bpf_program__fd(bpf_object__find_program_by_name(obj, "inject_events"));

	args.count = FRAME_EVENTS;
	args.flags = SCXG_INJECT_VALUE_SEQ;
	args.events[0] = (struct scxg_inject_event){ .dev_key = 1, .bustype = 3, .vendor = 0x46d, .product = 0xc077,
						     .type = EV_REL, .code = REL_X };
	args.events[1] = args.events[0];
	args.events[1].code = REL_Y;
	args.events[2] = args.events[0];
	args.events[2].type = EV_SYN;
	args.events[2].code = SYN_REPORT;
	if (o.latency_rate)
		return run_latency(&o, prog_fd, rb, &drain, &args);

	while (injected + FRAME_EVENTS <= o.events) {
		unsigned long long frames = (o.events - injected) / FRAME_EVENTS;
		/* A syscall program's ctx is copied back into ctx_in: the results land in args. */
		LIBBPF_OPTS(bpf_test_run_opts, run, .ctx_in = &args, .ctx_size_in = sizeof(args));

		if (frames > o.batch / FRAME_EVENTS)
			frames = o.batch / FRAME_EVENTS;
		args.repeat = frames;
		args.events[0].value = args.events[1].value = (int)base;
		c0 = cpu_ns();
		t0 = now_ns();
		err = bpf_prog_test_run_opts(prog_fd, &run);
		inject_ns += now_ns() - t0;
		inject_cpu += cpu_ns() - c0;
		if (err || run.retval) {
			fprintf(stderr, "inject_events failed: %s, retval %d\n", strerror(errno), (int)run.retval);
			return 1;
		}
		injected += frames * FRAME_EVENTS;
		base += frames;
		submitted += args.submitted;
		dropped += args.dropped;
		filtered += args.filtered;

		c0 = cpu_ns();
		t0 = now_ns();
		err = ring_buffer__consume(rb);
		drain_ns += now_ns() - t0;
		drain_cpu += cpu_ns() - c0;
		if (err < 0) {
			fprintf(stderr, "ring_buffer__consume: %s\n", strerror(-err));
			return 1;
		}
	}

	if (read_counters(bpf_object__find_map_fd_by_name(obj, "input_stats"), stats, SCXG_STAT_COUNT)) {
		fprintf(stderr, "cannot read input_stats\n");
		return 1;
	}
	ok = submitted + dropped + filtered == injected && drain.received == submitted && !drain.bad_records &&
	     !drain.out_of_order && stats[SCXG_STAT_SUBMITTED] == submitted && stats[SCXG_STAT_DROPPED] == dropped;

	printf("config: %llu events, ring %lu bytes, batch %lu, cpu %d\n", o.events, o.ring_bytes, o.batch, o.cpu);
	printf("events: injected %llu submitted %llu dropped %llu filtered %llu received %llu bad %llu out_of_order %llu\n",
	       injected, submitted, dropped, filtered, drain.received, drain.bad_records, drain.out_of_order);
	printf("input_stats: seen %llu submitted %llu dropped %llu filtered %llu mouse %llu boosts %llu\n",
	       stats[SCXG_STAT_SEEN], stats[SCXG_STAT_SUBMITTED], stats[SCXG_STAT_DROPPED],
	       stats[SCXG_STAT_FILTERED], stats[SCXG_STAT_LANE_MOUSE], stats[SCXG_STAT_BOOSTS]);
	for (int i = 0; i < SCXG_RING_COUNT; i++)
		if (stats[SCXG_STAT_RING_DROP_BASE + i])
			printf("ring_%d: dropped %llu\n", i, stats[SCXG_STAT_RING_DROP_BASE + i]);
	printf("inject: %.2f ns/event\n", injected ? (double)inject_ns / injected : 0.0);
	printf("drain: %.2f ns/event (ring_buffer__consume)\n", drain.received ? (double)drain_ns / drain.received : 0.0);
	printf("cpu: inject %.2f drain %.2f ns/event (thread CPU time)\n", injected ? (double)inject_cpu / injected : 0.0,
	       drain.received ? (double)drain_cpu / drain.received : 0.0);
	printf("result: %s\n", ok ? "ok" : "MISMATCH");

	ring_buffer__free(rb);
	bpf_object__close(obj);
	return ok ? 0 : 1;
}
