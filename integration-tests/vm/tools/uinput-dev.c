// uinput-dev: creates a virtual input device through /dev/uinput and writes events to it, so VM tests
// can drive the kernel's real input path (and the scheduler's input hook) with known, counted traffic.
// Prints the device it made and, at the end, exactly what it wrote, for tests to compare against.
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/uinput.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

enum dev_type { DEV_MOUSE, DEV_KEYBOARD, DEV_GAMEPAD, DEV_CUSTOM };

struct counts {
	uint64_t reports, events, syn, rel, key, abs, other;
};

static struct counts wrote;
static int ufd = -1;
static volatile sig_atomic_t stop_requested;
static uint64_t t_first_ns, t_last_ns;

static void die(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("uinput-dev: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(code);
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void xioctl(unsigned long req, unsigned long arg, const char *what)
{
	if (ioctl(ufd, req, arg) < 0)
		die(1, "%s failed: %s", what, strerror(errno));
}

static void enable(int type, int code)
{
	xioctl(UI_SET_EVBIT, type, "UI_SET_EVBIT");
	switch (type) {
	case EV_KEY: xioctl(UI_SET_KEYBIT, code, "UI_SET_KEYBIT"); break;
	case EV_REL: xioctl(UI_SET_RELBIT, code, "UI_SET_RELBIT"); break;
	case EV_ABS: xioctl(UI_SET_ABSBIT, code, "UI_SET_ABSBIT"); break;
	case EV_MSC: xioctl(UI_SET_MSCBIT, code, "UI_SET_MSCBIT"); break;
	case EV_SW: xioctl(UI_SET_SWBIT, code, "UI_SET_SWBIT"); break;
	case EV_LED: xioctl(UI_SET_LEDBIT, code, "UI_SET_LEDBIT"); break;
	case EV_SND: xioctl(UI_SET_SNDBIT, code, "UI_SET_SNDBIT"); break;
	case EV_FF: xioctl(UI_SET_FFBIT, code, "UI_SET_FFBIT"); break;
	default: break;
	}
}

static void enable_abs(int code, int min, int max)
{
	struct uinput_abs_setup abs = { .code = code, .absinfo = { .minimum = min, .maximum = max } };
	enable(EV_ABS, code);
	if (ioctl(ufd, UI_ABS_SETUP, &abs) < 0)
		die(1, "UI_ABS_SETUP for axis %d failed: %s", code, strerror(errno));
}

static void count(const struct input_event *ev)
{
	wrote.events++;
	switch (ev->type) {
	case EV_SYN: wrote.syn++; if (ev->code == SYN_REPORT) wrote.reports++; break;
	case EV_REL: wrote.rel++; break;
	case EV_KEY: wrote.key++; break;
	case EV_ABS: wrote.abs++; break;
	default: wrote.other++; break;
	}
}

// One write() per report keeps the rate honest: the kernel sees the whole frame at once.
static void emit(const struct input_event *evs, size_t n)
{
	ssize_t w = write(ufd, evs, n * sizeof(*evs));
	if (w != (ssize_t)(n * sizeof(*evs)))
		die(1, "write to /dev/uinput failed after %llu events: %s", (unsigned long long)wrote.events,
		    w < 0 ? strerror(errno) : "short write");
	t_last_ns = now_ns();
	if (!t_first_ns)
		t_first_ns = t_last_ns;
	for (size_t i = 0; i < n; i++)
		count(&evs[i]);
}

static struct input_event ev(int type, int code, int value)
{
	struct input_event e = { .type = type, .code = code, .value = value };
	return e;
}

// Paces reports on absolute deadlines. Like a real device, a late report is not followed by a burst of the
// missed ones (that would overrun readers' evdev buffers after every guest stall); rate_hz shows what was reached.
struct pacer {
	uint64_t period_ns, next_ns;
};

static void pacer_init(struct pacer *p, double hz)
{
	p->period_ns = hz > 0 ? (uint64_t)(1e9 / hz) : 0;
	p->next_ns = now_ns();
}

static void pacer_wait(struct pacer *p)
{
	if (!p->period_ns)
		return;
	p->next_ns += p->period_ns;
	uint64_t now = now_ns();
	if (p->next_ns <= now) {
		p->next_ns = now;
		return;
	}
	struct timespec ts = { .tv_sec = p->next_ns / 1000000000ull, .tv_nsec = p->next_ns % 1000000000ull };
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR && !stop_requested)
		;
}

static void moves(uint64_t n, double hz, int dx, int dy)
{
	struct pacer p;
	pacer_init(&p, hz);
	for (uint64_t i = 0; i < n && !stop_requested; i++) {
		struct input_event evs[] = { ev(EV_REL, REL_X, dx), ev(EV_REL, REL_Y, dy), ev(EV_SYN, SYN_REPORT, 0) };
		emit(evs, 3);
		if (i + 1 < n)
			pacer_wait(&p);
	}
}

// n press/release pairs; each press and each release is its own report.
static void keys(uint64_t n, double hz, int code)
{
	struct pacer p;
	pacer_init(&p, hz);
	for (uint64_t i = 0; i < 2 * n && !stop_requested; i++) {
		struct input_event evs[] = { ev(EV_KEY, code, !(i & 1)), ev(EV_SYN, SYN_REPORT, 0) };
		emit(evs, 2);
		if (i + 1 < 2 * n)
			pacer_wait(&p);
	}
}

static void print_counts(const char *tag)
{
	uint64_t span = t_last_ns > t_first_ns ? t_last_ns - t_first_ns : 0;
	double rate = span && wrote.reports > 1 ? (wrote.reports - 1) * 1e9 / span : 0;
	printf("%s reports=%llu events=%llu syn=%llu rel=%llu key=%llu abs=%llu other=%llu elapsed_us=%llu rate_hz=%.0f\n",
	       tag, (unsigned long long)wrote.reports, (unsigned long long)wrote.events,
	       (unsigned long long)wrote.syn, (unsigned long long)wrote.rel, (unsigned long long)wrote.key,
	       (unsigned long long)wrote.abs, (unsigned long long)wrote.other, (unsigned long long)(span / 1000), rate);
	fflush(stdout);
}

static long parse_long(const char *s, const char *what)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 0);
	if (errno || end == s || *end)
		die(2, "bad %s '%s': expected a number", what, s);
	return v;
}

static double parse_double(const char *s, const char *what)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || v < 0)
		die(2, "bad %s '%s': expected a non-negative number", what, s);
	return v;
}

static int parse_bus(const char *s)
{
	static const struct { const char *name; int bus; } names[] = {
		{ "usb", BUS_USB }, { "bluetooth", BUS_BLUETOOTH }, { "virtual", BUS_VIRTUAL },
		{ "i8042", BUS_I8042 }, { "pci", BUS_PCI }, { "host", BUS_HOST },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcasecmp(s, names[i].name))
			return names[i].bus;
	char *end;
	long v = strtol(s, &end, 16);
	if (end == s || *end || v < 0 || v > 0xffff)
		die(2, "bad bus '%s': hex (e.g. 0003) or usb, bluetooth, virtual, i8042, pci, host", s);
	return (int)v;
}

static int parse_hex16(const char *s, const char *what)
{
	char *end;
	long v = strtol(s, &end, 16);
	if (end == s || *end || v < 0 || v > 0xffff)
		die(2, "bad %s '%s': expected 1-4 hex digits", what, s);
	return (int)v;
}

// Runs the line protocol read from stdin; the device stays alive until stdin closes.
static void run_script(int dx, int dy, int key)
{
	char line[512];
	unsigned lineno = 0;
	while (!stop_requested && fgets(line, sizeof(line), stdin)) {
		lineno++;
		char *argv[6];
		int argc = 0;
		for (char *tok = strtok(line, " \t\r\n"); tok && argc < 6; tok = strtok(NULL, " \t\r\n"))
			argv[argc++] = tok;
		if (!argc || argv[0][0] == '#')
			continue;
		const char *cmd = argv[0];
#define NEED(n) do { if (argc < (n)) die(2, "script line %u: '%s' needs %d argument(s)", lineno, cmd, (n) - 1); } while (0)
		if (!strcmp(cmd, "rel")) {
			NEED(3);
			struct input_event evs[] = { ev(EV_REL, REL_X, parse_long(argv[1], "dx")),
						     ev(EV_REL, REL_Y, parse_long(argv[2], "dy")), ev(EV_SYN, SYN_REPORT, 0) };
			emit(evs, 3);
		} else if (!strcmp(cmd, "key") || !strcmp(cmd, "abs")) {
			NEED(3);
			struct input_event evs[] = { ev(cmd[0] == 'k' ? EV_KEY : EV_ABS, parse_long(argv[1], "code"),
							parse_long(argv[2], "value")), ev(EV_SYN, SYN_REPORT, 0) };
			emit(evs, 2);
		} else if (!strcmp(cmd, "ev")) {
			NEED(4);
			struct input_event e = ev(parse_long(argv[1], "type"), parse_long(argv[2], "code"),
						  parse_long(argv[3], "value"));
			emit(&e, 1);
		} else if (!strcmp(cmd, "syn")) {
			struct input_event e = ev(EV_SYN, SYN_REPORT, 0);
			emit(&e, 1);
		} else if (!strcmp(cmd, "moves")) {
			NEED(2);
			moves(parse_long(argv[1], "count"), argc > 2 ? parse_double(argv[2], "rate") : 0, dx, dy);
		} else if (!strcmp(cmd, "keys")) {
			NEED(2);
			keys(parse_long(argv[1], "count"), argc > 2 ? parse_double(argv[2], "rate") : 0,
			     argc > 3 ? parse_long(argv[3], "code") : key);
		} else if (!strcmp(cmd, "sleep")) {
			NEED(2);
			usleep(parse_long(argv[1], "milliseconds") * 1000);
		} else if (!strcmp(cmd, "stats")) {
			print_counts("stats");
		} else {
			die(2, "script line %u: unknown command '%s' (rel, key, abs, ev, syn, moves, keys, sleep, stats)",
			    lineno, cmd);
		}
#undef NEED
	}
}

// The evdev node is a child of the sysfs input device; devtmpfs creates /dev/input/<it> for us.
static void print_device(const char *name, const struct uinput_setup *us)
{
	char sysname[64] = "", event[300] = "?";
	if (ioctl(ufd, UI_GET_SYSNAME(sizeof(sysname)), sysname) < 0)
		die(1, "UI_GET_SYSNAME failed: %s (kernel too old?)", strerror(errno));
	char dir[128];
	snprintf(dir, sizeof(dir), "/sys/devices/virtual/input/%s", sysname);
	DIR *d = opendir(dir);
	if (!d)
		die(1, "cannot open %s: %s", dir, strerror(errno));
	for (struct dirent *e; (e = readdir(d));)
		if (!strncmp(e->d_name, "event", 5) && isdigit((unsigned char)e->d_name[5]))
			snprintf(event, sizeof(event), "/dev/input/%s", e->d_name);
	closedir(d);
	for (int i = 0; i < 200 && event[0] == '/' && access(event, F_OK); i++)
		usleep(10000);
	printf("device name=\"%s\" id=%04x:%04x:%04x sysname=%s event=%s\n", name, us->id.bustype, us->id.vendor,
	       us->id.product, sysname, event);
	fflush(stdout);
}

static void usage(FILE *out)
{
	fputs("usage: uinput-dev [options]\n"
	      "  -t, --type TYPE      mouse (default), keyboard, gamepad, custom\n"
	      "  -i, --id BUS:VEN:PROD  ids in hex, BUS may be usb|bluetooth|virtual|... (default virtual:1209:0001)\n"
	      "  -n, --name NAME      device name (default 'scxgamer test TYPE')\n"
	      "  -e, --enable T:C     also enable event type T code C (numbers; repeatable; custom needs one)\n"
	      "  -m, --moves N        write N mouse reports (REL_X dx, REL_Y dy, SYN)\n"
	      "      --dx D, --dy D   movement per report (default 1, -1)\n"
	      "  -k, --keys N         write N press/release pairs of --key (each a report)\n"
	      "      --key CODE       key code (default KEY_A, BTN_LEFT for mouse, BTN_SOUTH for gamepad)\n"
	      "  -r, --rate HZ        reports per second, e.g. 1000 or 8000 (default 0: as fast as possible)\n"
	      "  -s, --script         read commands from stdin until it closes:\n"
	      "                       rel DX DY | key CODE VALUE | abs CODE VALUE | ev TYPE CODE VALUE | syn |\n"
	      "                       moves N [HZ] | keys N [HZ [CODE]] | sleep MS | stats\n"
	      "      --settle MS      wait after creating the device before writing (default 0)\n"
	      "      --hold SEC       keep the device alive SEC seconds after writing (default 0)\n"
	      "Prints 'device name=... id=... sysname=... event=/dev/input/eventN', then\n"
	      "'wrote reports= events= syn= rel= key= abs= other= elapsed_us= rate_hz=' at the end.\n", out);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "type", required_argument, 0, 't' }, { "id", required_argument, 0, 'i' },
		{ "name", required_argument, 0, 'n' }, { "enable", required_argument, 0, 'e' },
		{ "moves", required_argument, 0, 'm' }, { "keys", required_argument, 0, 'k' },
		{ "rate", required_argument, 0, 'r' }, { "script", no_argument, 0, 's' },
		{ "dx", required_argument, 0, 'X' }, { "dy", required_argument, 0, 'Y' },
		{ "key", required_argument, 0, 'K' }, { "settle", required_argument, 0, 'S' },
		{ "hold", required_argument, 0, 'H' }, { "help", no_argument, 0, 'h' }, { 0 },
	};
	enum dev_type type = DEV_MOUSE;
	struct uinput_setup us = { .id = { .bustype = BUS_VIRTUAL, .vendor = 0x1209, .product = 0x0001, .version = 1 } };
	const char *name = NULL;
	int extra[64][2], n_extra = 0, dx = 1, dy = -1, key = -1, key_given = 0, script = 0;
	long n_moves = 0, n_keys = 0, settle_ms = 0;
	double rate = 0, hold = 0;

	for (int c; (c = getopt_long(argc, argv, "t:i:n:e:m:k:r:sh", opts, NULL)) != -1;) {
		switch (c) {
		case 't':
			if (!strcmp(optarg, "mouse")) type = DEV_MOUSE;
			else if (!strcmp(optarg, "keyboard")) type = DEV_KEYBOARD;
			else if (!strcmp(optarg, "gamepad")) type = DEV_GAMEPAD;
			else if (!strcmp(optarg, "custom")) type = DEV_CUSTOM;
			else die(2, "bad type '%s': mouse, keyboard, gamepad or custom", optarg);
			break;
		case 'i': {
			char buf[64], *v, *p;
			snprintf(buf, sizeof(buf), "%s", optarg);
			if (!(v = strchr(buf, ':')) || !(p = strchr(v + 1, ':')))
				die(2, "bad id '%s': expected BUS:VENDOR:PRODUCT, e.g. 0003:046d:c077", optarg);
			*v++ = 0;
			*p++ = 0;
			us.id.bustype = parse_bus(buf);
			us.id.vendor = parse_hex16(v, "vendor");
			us.id.product = parse_hex16(p, "product");
			break;
		}
		case 'n': name = optarg; break;
		case 'e': {
			char *colon = strchr(optarg, ':');
			if (!colon || n_extra == 64)
				die(2, "bad --enable '%s': expected TYPE:CODE numbers, e.g. 2:8 (EV_REL REL_WHEEL)", optarg);
			*colon = 0;
			extra[n_extra][0] = parse_long(optarg, "event type");
			extra[n_extra][1] = parse_long(colon + 1, "event code");
			n_extra++;
			break;
		}
		case 'm': n_moves = parse_long(optarg, "--moves"); break;
		case 'k': n_keys = parse_long(optarg, "--keys"); break;
		case 'r': rate = parse_double(optarg, "--rate"); break;
		case 's': script = 1; break;
		case 'X': dx = parse_long(optarg, "--dx"); break;
		case 'Y': dy = parse_long(optarg, "--dy"); break;
		case 'K': key = parse_long(optarg, "--key"); key_given = 1; break;
		case 'S': settle_ms = parse_long(optarg, "--settle"); break;
		case 'H': hold = parse_double(optarg, "--hold"); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc)
		die(2, "unexpected argument '%s' (try --help)", argv[optind]);
	if (n_moves < 0 || n_keys < 0 || settle_ms < 0)
		die(2, "counts and --settle must not be negative");
	if (type == DEV_CUSTOM && !n_extra)
		die(2, "--type custom needs at least one --enable TYPE:CODE");
	static const char *type_names[] = { "mouse", "keyboard", "gamepad", "custom" };
	char default_name[64];
	snprintf(default_name, sizeof(default_name), "scxgamer test %s", type_names[type]);
	if (!name)
		name = default_name;
	if (strlen(name) >= UINPUT_MAX_NAME_SIZE)
		die(2, "name '%s' is longer than %d bytes", name, UINPUT_MAX_NAME_SIZE - 1);
	snprintf(us.name, sizeof(us.name), "%s", name);
	if (key < 0)
		key = type == DEV_MOUSE ? BTN_LEFT : type == DEV_GAMEPAD ? BTN_SOUTH : KEY_A;

	ufd = open("/dev/uinput", O_WRONLY | O_CLOEXEC);
	if (ufd < 0) {
		if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
			die(1, "/dev/uinput missing: load the module with 'modprobe uinput' (kernel needs CONFIG_INPUT_UINPUT)");
		die(1, "cannot open /dev/uinput: %s%s", strerror(errno), errno == EACCES ? " (run as root)" : "");
	}

	switch (type) {
	case DEV_MOUSE:
		for (int c = REL_X; c <= REL_WHEEL; c++)
			enable(EV_REL, c);
		enable(EV_REL, REL_HWHEEL);
		for (int c = BTN_LEFT; c <= BTN_EXTRA; c++)
			enable(EV_KEY, c);
		xioctl(UI_SET_PROPBIT, INPUT_PROP_POINTER, "UI_SET_PROPBIT");
		break;
	case DEV_KEYBOARD:
		// No EV_REP: the kernel's autorepeat would add events this tool did not write.
		for (int c = KEY_ESC; c <= KEY_MICMUTE; c++)
			enable(EV_KEY, c);
		break;
	case DEV_GAMEPAD:
		for (int c = BTN_SOUTH; c <= BTN_THUMBR; c++)
			enable(EV_KEY, c);
		enable_abs(ABS_X, -32768, 32767);
		enable_abs(ABS_Y, -32768, 32767);
		enable_abs(ABS_RX, -32768, 32767);
		enable_abs(ABS_RY, -32768, 32767);
		enable_abs(ABS_Z, 0, 255);
		enable_abs(ABS_RZ, 0, 255);
		enable_abs(ABS_HAT0X, -1, 1);
		enable_abs(ABS_HAT0Y, -1, 1);
		break;
	case DEV_CUSTOM:
		break;
	}
	for (int i = 0; i < n_extra; i++) {
		if (extra[i][0] == EV_ABS)
			enable_abs(extra[i][1], -32768, 32767);
		else
			enable(extra[i][0], extra[i][1]);
	}
	if (key_given)
		enable(EV_KEY, key);

	if (ioctl(ufd, UI_DEV_SETUP, &us) < 0)
		die(1, "UI_DEV_SETUP failed: %s (uinput older than version 5?)", strerror(errno));
	xioctl(UI_DEV_CREATE, 0, "UI_DEV_CREATE");

	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	print_device(name, &us);
	if (settle_ms)
		usleep(settle_ms * 1000);

	if (n_moves)
		moves(n_moves, rate, dx, dy);
	if (n_keys)
		keys(n_keys, rate, key);
	if (script)
		run_script(dx, dy, key);
	print_counts("wrote");

	for (uint64_t end = now_ns() + (uint64_t)(hold * 1e9); !stop_requested && now_ns() < end;)
		usleep(10000);
	ioctl(ufd, UI_DEV_DESTROY);
	close(ufd);
	return stop_requested ? 130 : 0;
}
