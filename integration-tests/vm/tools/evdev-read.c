// evdev-read: reads an evdev node (/dev/input/eventN) and prints what arrived, so VM tests can compare it
// with what uinput-dev wrote. Ends when the device goes away (its writer destroyed it), after --reports
// reports, or at --timeout; prints 'ready' once the node is open so a test knows when to start writing.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/input.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void usage(FILE *out)
{
	fputs("usage: evdev-read [--reports N] [--timeout SEC] [--grab] [--thread NAME] /dev/input/eventN\n"
	      "--thread NAME reads in a second thread called NAME (like a game's input thread) and prints its\n"
	      "'reader tid=TID' first.\n"
	      "Prints 'device name=\"...\" id=BUS:VEN:PROD', then 'ready', then at the end\n"
	      "'read reports= events= syn= rel= key= abs= other= rel_x_sum= rel_y_sum= key_down= key_up= dropped= end='\n"
	      "with end = gone (device destroyed), reports (--reports reached) or timeout.\n", out);
}

struct reader {
	int fd;
	long want_reports;
	double timeout_s;
	const char *name;
	struct input_id id;
};

static void *read_events(void *arg)
{
	struct reader *rd = arg;
	int fd = rd->fd;
	long want_reports = rd->want_reports;
	double timeout_s = rd->timeout_s;
	const char *name = rd->name;
	struct input_id id = rd->id;

	printf("reader tid=%ld\n", (long)syscall(SYS_gettid));
	printf("device name=\"%s\" id=%04x:%04x:%04x\nready\n", name, id.bustype, id.vendor, id.product);
	fflush(stdout);

	uint64_t reports = 0, events = 0, syn = 0, rel = 0, key = 0, abs = 0, other = 0, dropped = 0;
	uint64_t key_down = 0, key_up = 0;
	int64_t rel_x = 0, rel_y = 0;
	const char *end = "timeout";
	uint64_t deadline = now_ms() + (uint64_t)(timeout_s * 1000);
	for (;;) {
		uint64_t now = now_ms();
		if (now >= deadline)
			break;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int r = poll(&pfd, 1, (int)(deadline - now));
		if (r < 0 && errno != EINTR) {
			fprintf(stderr, "evdev-read: poll failed: %s\n", strerror(errno));
			return (void *)1;
		}
		if (r <= 0)
			continue;
		struct input_event evs[256];
		ssize_t n = read(fd, evs, sizeof(evs));
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			if (errno == ENODEV) {
				end = "gone";
				break;
			}
			fprintf(stderr, "evdev-read: read failed: %s\n", strerror(errno));
			return (void *)1;
		}
		if (n == 0) {
			end = "gone";
			break;
		}
		for (size_t i = 0; i < (size_t)n / sizeof(evs[0]); i++) {
			const struct input_event *e = &evs[i];
			events++;
			switch (e->type) {
			case EV_SYN:
				syn++;
				if (e->code == SYN_REPORT)
					reports++;
				else if (e->code == SYN_DROPPED)
					dropped++;
				break;
			case EV_REL:
				rel++;
				if (e->code == REL_X) rel_x += e->value;
				if (e->code == REL_Y) rel_y += e->value;
				break;
			case EV_KEY:
				key++;
				if (e->value == 1) key_down++;
				if (e->value == 0) key_up++;
				break;
			case EV_ABS: abs++; break;
			default: other++; break;
			}
		}
		if (want_reports && reports >= (uint64_t)want_reports) {
			end = "reports";
			break;
		}
	}
	printf("read reports=%llu events=%llu syn=%llu rel=%llu key=%llu abs=%llu other=%llu rel_x_sum=%lld "
	       "rel_y_sum=%lld key_down=%llu key_up=%llu dropped=%llu end=%s\n",
	       (unsigned long long)reports, (unsigned long long)events, (unsigned long long)syn,
	       (unsigned long long)rel, (unsigned long long)key, (unsigned long long)abs, (unsigned long long)other,
	       (long long)rel_x, (long long)rel_y, (unsigned long long)key_down, (unsigned long long)key_up,
	       (unsigned long long)dropped, end);
	fflush(stdout);
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reports", required_argument, 0, 'n' }, { "timeout", required_argument, 0, 't' },
		{ "grab", no_argument, 0, 'g' }, { "thread", required_argument, 0, 'T' },
		{ "help", no_argument, 0, 'h' }, { 0 },
	};
	long want_reports = 0;
	double timeout_s = 60;
	int grab = 0;
	const char *thread_name = NULL;
	for (int c; (c = getopt_long(argc, argv, "n:t:gh", opts, NULL)) != -1;) {
		switch (c) {
		case 'n': want_reports = atol(optarg); break;
		case 't': timeout_s = atof(optarg); break;
		case 'g': grab = 1; break;
		case 'T': thread_name = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	const char *path = argv[optind];
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "evdev-read: cannot open %s: %s\n", path, strerror(errno));
		return 1;
	}
	char name[256] = "";
	struct input_id id = { 0 };
	if (ioctl(fd, EVIOCGNAME(sizeof(name)), name) < 0 || ioctl(fd, EVIOCGID, &id) < 0) {
		fprintf(stderr, "evdev-read: %s is not an evdev node: %s\n", path, strerror(errno));
		return 1;
	}
	if (grab && ioctl(fd, EVIOCGRAB, 1) < 0) {
		fprintf(stderr, "evdev-read: EVIOCGRAB on %s failed: %s\n", path, strerror(errno));
		return 1;
	}
	struct reader r = { .fd = fd, .want_reports = want_reports, .timeout_s = timeout_s, .name = name, .id = id };
	if (!thread_name)
		return (int)(intptr_t)read_events(&r);
	pthread_t t;
	void *rc;
	if ((errno = pthread_create(&t, NULL, read_events, &r)) || (errno = pthread_setname_np(t, thread_name))) {
		fprintf(stderr, "evdev-read: cannot start the reader thread '%s': %s\n", thread_name, strerror(errno));
		return 1;
	}
	pthread_join(t, &rc);
	return (int)(intptr_t)rc;
}
