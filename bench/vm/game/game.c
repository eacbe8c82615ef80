// SPDX-License-Identifier: GPL-2.0
/*
 * A game stand-in for the scheduler benchmark (bench/vm/sched-compare.sh, part 9): one process whose threads
 * behave like a game's, with metrics a player would notice. Threads (names matter: the foreground policy
 * classes "game-input" as an input thread):
 *   game-render  SCHED_OTHER; each frame hands the frame's logic to game-logic, waits for it, then does
 *                the render work, presents, and sleeps to the next frame deadline (vsync-like: a frame that
 *                ends after its slot costs whole slots, counted as missed frames)
 *   game-logic   SCHED_OTHER; the logic work of one frame per hand-off
 *   game-input   SCHED_OTHER; blocks in read() on the evdev node of a uinput mouse; per SYN_REPORT
 *                records now - the event's kernel timestamp (input wake-to-run through the real input path,
 *                where the scxgamer hook sits)
 *   mouse-hw     SCHED_FIFO 50; writes the uinput mouse at --mouse-hz (stands in for the hardware)
 *   game-audio   SCHED_OTHER; a period of --audio-period-us with --audio-us of work; a period whose work ends
 *                after the next period starts is late (an audible underrun)
 *   rt-periodic  SCHED_FIFO 80; --rt-period-us period with --rt-us of work: cycles done vs expected
 *   game-flip    only with --flip CARD (a KMS display, e.g. QEMU's bochs): SCHED_OTHER; shows the frames on the
 *                display with vsync, like a game's present thread: on each flip completion it does --flip-us of
 *                work and asks for the next page flip; a vblank that passes without a new frame is a missed
 *                flip (from the vblank sequence numbers the kernel reports)
 * Work is a fixed number of loop iterations per microsecond (--iters-per-us, from --calibrate), so every
 * run does the same work per frame whatever the scheduler; the totals are printed so unequal work shows.
 * Metrics cover the --seconds after --warmup seconds. Output (one line each, key=value):
 *   game ...   frame, input, audio, RT and mouse counters and percentiles
 *   cdf ...    frame-time quantiles (us) at q = 0.01 .. 0.99, 0.995, 0.999, 1 (for the distribution charts)
 * Usage: game --calibrate | game --iters-per-us N [--hz 144] [--seconds 10] [--warmup 1] [--logic-us 1000]
 *        [--render-us 1500] [--audio-period-us 5333] [--audio-us 500] [--rt-period-us 1000] [--rt-us 50]
 *        [--mouse-hz 1000] [--flip /dev/dri/card0 [--flip-us 1500]]     (root for SCHED_FIFO, /dev/uinput, KMS)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/input.h>
#include <linux/uinput.h>
#include <drm/drm.h>
#include <drm/drm_mode.h>
#include "../vmdev.h"

#define MOUSE_NAME "scxgamer game mouse"
#define MAX_FRAMES 100000
#define MAX_INPUT_SAMPLES 200000
#define NSEC 1000000000ULL

static struct {
	int hz, seconds, warmup, logic_us, render_us, audio_period_us, audio_us, rt_period_us, rt_us, mouse_hz, flip_us;
	double iters_per_us;
	const char *flip_card;
} cfg = { 144, 10, 1, 1000, 1500, 5333, 500, 1000, 50, 1000, 1500, 0, NULL };

static unsigned long long t_start, t_end; /* the measured window (after warm-up), CLOCK_MONOTONIC ns */
static _Atomic int stop;
static volatile unsigned long long sink;

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC + ts.tv_nsec;
}

static void sleep_until(unsigned long long t)
{
	struct timespec ts = { .tv_sec = t / NSEC, .tv_nsec = t % NSEC };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static int in_window(unsigned long long t)
{
	return t >= t_start && t < t_end;
}

/* Fixed CPU work: n iterations of a xorshift step the compiler cannot drop. */
static void work_iters(unsigned long long n)
{
	unsigned long long x = 88172645463325252ULL ^ n;

	for (unsigned long long i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	sink += x;
}

static void work_us(int us)
{
	work_iters((unsigned long long)(us * cfg.iters_per_us));
}

static void name_thread(const char *name)
{
	prctl(PR_SET_NAME, name);
}

static int fifo(int prio)
{
	struct sched_param sp = { .sched_priority = prio };

	return pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
}

static int cmp_u32(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

/* q-quantile of sorted v[0..n) */
static unsigned int pct(const unsigned int *v, unsigned long n, double q)
{
	unsigned long i = (unsigned long)(q * n);

	return n ? v[i < n ? i : n - 1] : 0;
}

/* ---- render + logic: the frame loop ---- */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static unsigned long long logic_posted, logic_done;
static unsigned int frame_us[MAX_FRAMES];
static unsigned long nr_frames, frames_total, slots_total, missed_total;

static void *logic_thread(void *arg)
{
	unsigned long long seen = 0;

	(void)arg;
	name_thread("game-logic");
	pthread_mutex_lock(&lock);
	for (;;) {
		while (logic_posted == seen && !stop)
			pthread_cond_wait(&cond, &lock);
		if (stop)
			break;
		seen = logic_posted;
		pthread_mutex_unlock(&lock);
		work_us(cfg.logic_us);
		pthread_mutex_lock(&lock);
		logic_done = seen;
		pthread_cond_broadcast(&cond);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

/*
 * Frame slots of 1/hz from the start of the window; a frame starts at its slot's deadline (or at once when the
 * previous frame overran) and presents; the next frame starts at the first slot boundary after the present.
 * So over the window every slot is either the start of a presented frame or missed: frames + missed = slots.
 */
static void *render_thread(void *arg)
{
	unsigned long long period = NSEC / cfg.hz, slot_start, first_slot, last_present = 0, t, frame;

	(void)arg;
	name_thread("game-render");
	slot_start = t_start - (unsigned long long)cfg.warmup * NSEC;
	/* The first slot boundary inside the window. */
	first_slot = slot_start + (t_start - slot_start + period - 1) / period * period;
	for (frame = 1; !stop; frame++) {
		unsigned long long next;

		sleep_until(slot_start);
		pthread_mutex_lock(&lock);
		logic_posted = frame;
		pthread_cond_broadcast(&cond);
		while (logic_done != frame && !stop)
			pthread_cond_wait(&cond, &lock);
		pthread_mutex_unlock(&lock);
		work_us(cfg.render_us);
		t = now_ns();
		/* The next frame starts at the first slot boundary after the present. */
		next = slot_start + period;
		if (t > next)
			next += (t - next) / period * period + period;
		if (slot_start >= t_start && slot_start < t_end) {
			unsigned long long slots = (next - slot_start) / period;
			unsigned long long left = (t_end - slot_start + period - 1) / period;

			if (!frames_total) {
				/* Slots of the window that a warm-up frame overran are missed too. */
				unsigned long long lead = (slot_start - first_slot) / period;

				slots_total += lead;
				missed_total += lead;
			}
			frames_total++;
			slots_total += slots < left ? slots : left;
			missed_total += (slots < left ? slots : left) - 1;
			if (last_present && nr_frames < MAX_FRAMES)
				frame_us[nr_frames++] = (unsigned int)((t - last_present) / 1000);
		}
		if (slot_start >= t_start - period)
			last_present = t;
		if (next >= t_end)
			break;
		slot_start = next;
	}
	return NULL;
}

/* ---- input: a uinput mouse written by mouse-hw, read through evdev by game-input ---- */
static unsigned int input_us[MAX_INPUT_SAMPLES];
static unsigned long nr_input;
static unsigned long long mouse_written;
static unsigned long input_syn_dropped;

static void *input_thread(void *arg)
{
	int fd = *(int *)arg;
	struct input_event ev[64];
	ssize_t n;

	name_thread("game-input");
	while ((n = read(fd, ev, sizeof(ev))) > 0) {
		unsigned long long now = now_ns();

		for (int i = 0; i < n / (ssize_t)sizeof(ev[0]); i++) {
			unsigned long long ts = ev[i].input_event_sec * NSEC + ev[i].input_event_usec * 1000ULL;

			/* The evdev buffer overflowed: the kernel dropped reports this thread never sees (counted, not timed). */
			if (ev[i].type == EV_SYN && ev[i].code == SYN_DROPPED) {
				input_syn_dropped++;
				continue;
			}
			if (ev[i].type == EV_SYN && in_window(ts) && nr_input < MAX_INPUT_SAMPLES)
				input_us[nr_input++] = (unsigned int)((now > ts ? now - ts : 0) / 1000);
		}
	}
	return NULL;
}

/* Reports at mouse_hz on absolute deadlines; a deadline already passed is skipped, not made up. */
static void *mouse_thread(void *arg)
{
	int fd = *(int *)arg;
	struct input_event frame[3] = { { .type = EV_REL, .code = REL_X, .value = 1 },
					{ .type = EV_REL, .code = REL_Y, .value = -1 }, { .type = EV_SYN } };
	unsigned long long period = NSEC / cfg.mouse_hz, next = now_ns() + period;

	name_thread("mouse-hw");
	if (fifo(50))
		fprintf(stderr, "mouse-hw stays SCHED_OTHER: %s\n", strerror(errno));
	while (!stop && next < t_end) {
		sleep_until(next);
		if (write(fd, frame, sizeof(frame)) != sizeof(frame))
			break;
		if (in_window(next))
			mouse_written++;
		next += period;
		if (now_ns() > next + period)
			next = now_ns() + period;
	}
	return NULL;
}

/* ---- audio-like period (SCHED_OTHER) and the SCHED_FIFO periodic task ---- */
struct periodic_stats {
	unsigned long long ran;     /* releases whose work ran */
	unsigned long long late;    /* of those, work that ended after the next release */
	unsigned long long skipped; /* releases passed while an earlier period's work was still running */
	unsigned long long wake_sum_us;
	unsigned int wake_max_us;   /* release to running */
};
static struct periodic_stats audio, rt;

/*
 * One periodic loop on absolute releases: wakes at each release and does us of work. Work that ends after
 * the next release is late, and every release it overran is skipped (like an audio callback that missed
 * its buffer: the period is lost, not made up). Counts releases inside the measured window.
 */
static void periodic(int period_us, int us, struct periodic_stats *st)
{
	unsigned long long period = period_us * 1000ULL, release = now_ns() + period;

	while (!stop && release < t_end) {
		unsigned long long woke, t;

		sleep_until(release);
		woke = now_ns();
		work_us(us);
		t = now_ns();
		if (in_window(release)) {
			unsigned int w = (unsigned int)((woke - release) / 1000);

			st->ran++;
			st->late += t > release + period;
			st->wake_sum_us += w;
			if (w > st->wake_max_us)
				st->wake_max_us = w;
		}
		release += period;
		while (t > release + period && release < t_end) {
			st->skipped += in_window(release);
			release += period;
		}
	}
}

static void *audio_thread(void *arg)
{
	(void)arg;
	name_thread("game-audio");
	periodic(cfg.audio_period_us, cfg.audio_us, &audio);
	return NULL;
}

static void *rt_thread(void *arg)
{
	(void)arg;
	name_thread("rt-periodic");
	if (fifo(80))
		fprintf(stderr, "rt-periodic stays SCHED_OTHER: %s\n", strerror(errno));
	periodic(cfg.rt_period_us, cfg.rt_us, &rt);
	return NULL;
}

/* ---- game-flip: page flips with vsync on a KMS display (raw DRM ioctls, no libdrm) ---- */
static struct {
	int fd;
	unsigned int crtc, fb[2], handle[2], vrefresh;
	unsigned long long flips, missed;  /* flips completed inside the window; vblanks without a new frame there */
	unsigned int interval_us[MAX_FRAMES];
	unsigned long nr_intervals;
} flip = { .fd = -1 };

static int drm(unsigned long req, void *arg)
{
	int r;

	while ((r = ioctl(flip.fd, req, arg)) < 0 && (errno == EINTR || errno == EAGAIN))
		;
	return r;
}

/* The step of flip_setup() that failed, for its caller's message. */
static const char *flip_step = "open";

/*
 * Sets the first connected connector's first (preferred) mode on the first CRTC with one of two black frame buffers.
 * The kernel copies a connector's modes only into an array that holds them all.
 */
static int flip_setup(const char *card)
{
	struct drm_mode_card_res res = { 0 };
	struct drm_mode_get_connector conn = { 0 };
	struct drm_mode_modeinfo modes[64], mode;
	struct drm_mode_crtc set = { 0 };
	unsigned int crtcs[16], conns[16], connector = 0;

	flip.fd = open(card, O_RDWR | O_CLOEXEC);
	if (flip.fd < 0)
		return -1;
	flip_step = "DRM_IOCTL_MODE_GETRESOURCES";
	if (drm(DRM_IOCTL_MODE_GETRESOURCES, &res))
		return -1;
	if (!res.count_crtcs || res.count_crtcs > 16 || !res.count_connectors || res.count_connectors > 16) {
		errno = ENODEV;
		return -1;
	}
	res.crtc_id_ptr = (uintptr_t)crtcs;
	res.connector_id_ptr = (uintptr_t)conns;
	res.count_fbs = res.count_encoders = 0;
	if (drm(DRM_IOCTL_MODE_GETRESOURCES, &res))
		return -1;
	flip_step = "DRM_IOCTL_MODE_GETCONNECTOR";
	for (unsigned int i = 0; i < res.count_connectors && !connector; i++) {
		memset(&conn, 0, sizeof(conn));
		conn.connector_id = conns[i];
		/* The first call probes the modes and counts them; the second fetches them (if they still fit). */
		if (drm(DRM_IOCTL_MODE_GETCONNECTOR, &conn))
			return -1;
		if (conn.connection != 1 || !conn.count_modes)
			continue;
		conn.count_modes = 64;
		conn.modes_ptr = (uintptr_t)modes;
		conn.count_props = conn.count_encoders = 0;
		if (drm(DRM_IOCTL_MODE_GETCONNECTOR, &conn))
			return -1;
		if (!conn.count_modes || conn.count_modes > 64)
			continue;
		mode = modes[0];
		connector = conns[i];
	}
	if (!connector) {
		errno = ENODEV;
		return -1;
	}
	flip.crtc = crtcs[0];
	flip.vrefresh = mode.vrefresh;
	for (int i = 0; i < 2; i++) {
		struct drm_mode_create_dumb dumb = { .width = mode.hdisplay, .height = mode.vdisplay, .bpp = 32 };
		struct drm_mode_fb_cmd fb = { .width = mode.hdisplay, .height = mode.vdisplay, .bpp = 32, .depth = 24 };

		flip_step = "DRM_IOCTL_MODE_CREATE_DUMB";
		if (drm(DRM_IOCTL_MODE_CREATE_DUMB, &dumb))
			return -1;
		flip.handle[i] = fb.handle = dumb.handle;
		fb.pitch = dumb.pitch;
		flip_step = "DRM_IOCTL_MODE_ADDFB";
		if (drm(DRM_IOCTL_MODE_ADDFB, &fb))
			return -1;
		flip.fb[i] = fb.fb_id;
	}
	set.crtc_id = flip.crtc;
	set.fb_id = flip.fb[0];
	set.set_connectors_ptr = (uintptr_t)&connector;
	set.count_connectors = 1;
	set.mode = mode;
	set.mode_valid = 1;
	flip_step = "DRM_IOCTL_MODE_SETCRTC";
	return drm(DRM_IOCTL_MODE_SETCRTC, &set);
}

static void flip_teardown(void)
{
	for (int i = 0; i < 2; i++) {
		struct drm_mode_destroy_dumb dumb = { .handle = flip.handle[i] };

		if (flip.fb[i])
			drm(DRM_IOCTL_MODE_RMFB, &flip.fb[i]);
		if (flip.handle[i])
			drm(DRM_IOCTL_MODE_DESTROY_DUMB, &dumb);
	}
	close(flip.fd);
}

/*
 * Asks for a flip to the other buffer, waits for its completion event, does the next frame's work, and again.
 * The completion's vblank sequence says how many vblanks passed since the previous one: each beyond the first
 * showed the old frame again (a missed flip). Counts completions inside the measured window.
 */
static void *flip_thread(void *arg)
{
	unsigned long long last_ts = 0;
	unsigned int last_seq = 0, cur = 0;
	char buf[1024];

	(void)arg;
	name_thread("game-flip");
	while (!stop) {
		struct drm_mode_crtc_page_flip pf = { .crtc_id = flip.crtc, .fb_id = flip.fb[cur ^= 1],
						      .flags = DRM_MODE_PAGE_FLIP_EVENT };
		struct pollfd pfd = { .fd = flip.fd, .events = POLLIN };
		struct drm_event_vblank ev = { 0 };
		unsigned long long ts;
		ssize_t n = 0;

		if (drm(DRM_IOCTL_MODE_PAGE_FLIP, &pf)) {
			fprintf(stderr, "game-flip: DRM_IOCTL_MODE_PAGE_FLIP: %s\n", strerror(errno));
			break;
		}
		/* The flip completes at a vblank (poll's timeout only lets a stalled display end the run). */
		while (!ev.base.type) {
			if (poll(&pfd, 1, 100) > 0 && (n = read(flip.fd, buf, sizeof(buf))) >= (ssize_t)sizeof(ev))
				for (ssize_t off = 0; off + (ssize_t)sizeof(ev) <= n; off += ((struct drm_event *)(buf + off))->length)
					if (((struct drm_event *)(buf + off))->type == DRM_EVENT_FLIP_COMPLETE)
						memcpy(&ev, buf + off, sizeof(ev));
			if (!ev.base.type && now_ns() > t_end + NSEC)
				return NULL;
		}
		ts = ev.tv_sec * NSEC + ev.tv_usec * 1000ULL;
		if (in_window(ts)) {
			flip.flips++;
			if (last_seq) {
				flip.missed += ev.sequence > last_seq ? ev.sequence - last_seq - 1 : 0;
				if (flip.nr_intervals < MAX_FRAMES)
					flip.interval_us[flip.nr_intervals++] = (unsigned int)((ts - last_ts) / 1000);
			}
		}
		last_ts = ts;
		last_seq = ev.sequence;
		if (ts >= t_end)
			break;
		work_us(cfg.flip_us);
	}
	return NULL;
}

static double calibrate(void)
{
	double best = 0;

	/* Best of 10 runs of about 20 ms: the least disturbed one is the CPU's speed. */
	for (int i = 0; i < 10; i++) {
		unsigned long long n = 200000, t0 = now_ns(), dt;

		work_iters(n);
		dt = now_ns() - t0;
		n = (unsigned long long)(n * 20e6 / (dt ? dt : 1));
		t0 = now_ns();
		work_iters(n);
		dt = now_ns() - t0;
		if (n * 1000.0 / dt > best)
			best = n * 1000.0 / dt;
	}
	return best;
}

static void usage(const char *argv0)
{
	fprintf(stderr,
		"usage: %s --calibrate | --iters-per-us N [--hz 144] [--seconds 10] [--warmup 1] [--logic-us 1000]\n"
		"  [--render-us 1500] [--audio-period-us 5333] [--audio-us 500] [--rt-period-us 1000] [--rt-us 50] [--mouse-hz 1000]\n"
		"  [--flip /dev/dri/cardN [--flip-us 1500]]\n",
		argv0);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "calibrate", no_argument, NULL, 'c' }, { "iters-per-us", required_argument, NULL, 'i' },
		{ "hz", required_argument, NULL, 'h' }, { "seconds", required_argument, NULL, 's' },
		{ "warmup", required_argument, NULL, 'w' }, { "logic-us", required_argument, NULL, 'l' },
		{ "render-us", required_argument, NULL, 'r' }, { "audio-period-us", required_argument, NULL, 'A' },
		{ "audio-us", required_argument, NULL, 'a' }, { "rt-period-us", required_argument, NULL, 'P' },
		{ "rt-us", required_argument, NULL, 'R' }, { "mouse-hz", required_argument, NULL, 'm' },
		{ "flip", required_argument, NULL, 'f' }, { "flip-us", required_argument, NULL, 'F' }, { 0 }
	};
	pthread_t th_render, th_logic, th_input, th_mouse, th_audio, th_rt, th_flip;
	unsigned long long ft_sum = 0, low_sum = 0;
	unsigned long low_n;
	int mouse_fd, evdev_fd, opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': printf("iters_per_us=%.1f\n", calibrate()); return 0;
		case 'i': cfg.iters_per_us = atof(optarg); break;
		case 'h': cfg.hz = atoi(optarg); break;
		case 's': cfg.seconds = atoi(optarg); break;
		case 'w': cfg.warmup = atoi(optarg); break;
		case 'l': cfg.logic_us = atoi(optarg); break;
		case 'r': cfg.render_us = atoi(optarg); break;
		case 'A': cfg.audio_period_us = atoi(optarg); break;
		case 'a': cfg.audio_us = atoi(optarg); break;
		case 'P': cfg.rt_period_us = atoi(optarg); break;
		case 'R': cfg.rt_us = atoi(optarg); break;
		case 'm': cfg.mouse_hz = atoi(optarg); break;
		case 'f': cfg.flip_card = optarg; break;
		case 'F': cfg.flip_us = atoi(optarg); break;
		default: usage(argv[0]);
		}
	}
	if (optind != argc || cfg.iters_per_us <= 0 || cfg.hz <= 0 || cfg.seconds <= 0 || cfg.warmup < 0 ||
	    cfg.audio_period_us <= 0 || cfg.rt_period_us <= 0 || cfg.mouse_hz <= 0 || cfg.flip_us < 0)
		usage(argv[0]);
	mouse_fd = uinput_mouse(MOUSE_NAME);
	evdev_fd = mouse_fd < 0 ? -1 : open_evdev(MOUSE_NAME);
	if (evdev_fd < 0) {
		fprintf(stderr, "game: cannot create the uinput mouse or open its evdev node: %s (modprobe uinput?)\n",
			strerror(errno));
		return 1;
	}
	if (cfg.flip_card && flip_setup(cfg.flip_card)) {
		fprintf(stderr, "game: cannot show frames on %s: %s: %s\n", cfg.flip_card, flip_step, strerror(errno));
		return 1;
	}
	t_start = now_ns() + (cfg.warmup + 0ULL) * NSEC;
	t_end = t_start + cfg.seconds * NSEC;
	pthread_create(&th_input, NULL, input_thread, &evdev_fd);
	pthread_create(&th_mouse, NULL, mouse_thread, &mouse_fd);
	pthread_create(&th_logic, NULL, logic_thread, NULL);
	pthread_create(&th_audio, NULL, audio_thread, NULL);
	pthread_create(&th_rt, NULL, rt_thread, NULL);
	pthread_create(&th_render, NULL, render_thread, NULL);
	if (cfg.flip_card)
		pthread_create(&th_flip, NULL, flip_thread, NULL);
	printf("started pid=%d\n", getpid());
	fflush(stdout);
	pthread_join(th_render, NULL);
	pthread_join(th_audio, NULL);
	pthread_join(th_rt, NULL);
	pthread_join(th_mouse, NULL);
	if (cfg.flip_card) {
		pthread_join(th_flip, NULL);
		flip_teardown();
	}
	usleep(20000); /* the last reports reach the reader */
	stop = 1;
	pthread_mutex_lock(&lock);
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	pthread_join(th_logic, NULL);
	ioctl(mouse_fd, UI_DEV_DESTROY); /* the reader's read() ends */
	close(mouse_fd);
	pthread_join(th_input, NULL);

	qsort(frame_us, nr_frames, sizeof(frame_us[0]), cmp_u32);
	qsort(input_us, nr_input, sizeof(input_us[0]), cmp_u32);
	for (unsigned long i = 0; i < nr_frames; i++)
		ft_sum += frame_us[i];
	/* 1 % low: the average FPS over the slowest 1 % of frames (at least one frame). */
	low_n = nr_frames / 100 ? nr_frames / 100 : 1;
	for (unsigned long i = 0; i < low_n && i < nr_frames; i++)
		low_sum += frame_us[nr_frames - 1 - i];
	printf("game hz=%d seconds=%d slots=%lu frames=%lu missed=%lu ft_mean_us=%llu ft_p50_us=%u ft_p99_us=%u "
	       "ft_p999_us=%u ft_max_us=%u low1_fps=%.1f avg_fps=%.1f work_ms=%.0f input_n=%lu input_p50_us=%u "
	       "input_p99_us=%u input_max_us=%u input_syn_dropped=%lu mouse_written=%llu mouse_expected=%llu audio_periods=%llu audio_late=%llu "
	       "audio_skipped=%llu rt_cycles=%llu rt_expected=%llu rt_late=%llu rt_skipped=%llu rt_wake_avg_us=%llu "
	       "rt_wake_max_us=%u iters_per_us=%.1f\n",
	       cfg.hz, cfg.seconds, slots_total, frames_total, missed_total, nr_frames ? ft_sum / nr_frames : 0,
	       pct(frame_us, nr_frames, 0.5), pct(frame_us, nr_frames, 0.99), pct(frame_us, nr_frames, 0.999),
	       nr_frames ? frame_us[nr_frames - 1] : 0, low_sum ? 1e6 * (low_n < nr_frames ? low_n : nr_frames) / low_sum : 0,
	       ft_sum ? 1e6 * nr_frames / ft_sum : 0, frames_total * (cfg.logic_us + cfg.render_us) / 1000.0, nr_input,
	       pct(input_us, nr_input, 0.5), pct(input_us, nr_input, 0.99), nr_input ? input_us[nr_input - 1] : 0, input_syn_dropped,
	       mouse_written, (unsigned long long)cfg.seconds * cfg.mouse_hz, audio.ran + audio.skipped,
	       audio.late + audio.skipped, audio.skipped, rt.ran, (unsigned long long)cfg.seconds * 1000000ULL / cfg.rt_period_us,
	       rt.late, rt.skipped, rt.ran ? rt.wake_sum_us / rt.ran : 0, rt.wake_max_us, cfg.iters_per_us);
	if (cfg.flip_card) {
		qsort(flip.interval_us, flip.nr_intervals, sizeof(flip.interval_us[0]), cmp_u32);
		printf("flip refresh_hz=%u flips=%llu flip_missed=%llu flip_p50_us=%u flip_p99_us=%u flip_max_us=%u\n",
		       flip.vrefresh, flip.flips, flip.missed, pct(flip.interval_us, flip.nr_intervals, 0.5),
		       pct(flip.interval_us, flip.nr_intervals, 0.99),
		       flip.nr_intervals ? flip.interval_us[flip.nr_intervals - 1] : 0);
	}
	printf("cdf hz=%d", cfg.hz);
	for (int q = 1; q <= 99; q++)
		printf(" %u", pct(frame_us, nr_frames, q / 100.0));
	printf(" %u %u %u\n", pct(frame_us, nr_frames, 0.995), pct(frame_us, nr_frames, 0.999),
	       nr_frames ? frame_us[nr_frames - 1] : 0);
	return 0;
}
