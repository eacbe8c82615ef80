// SPDX-License-Identifier: GPL-2.0
/*
 * Guest check of the input hook: loads scxgamer_events.bpf.o, then scxgamer_hook.bpf.o sharing its
 * maps, attaches the fentry input hook, creates three uinput devices (a whitelisted AUTO mouse, a
 * keyboard on a fixed lane through a vendor wildcard rule, an unlisted device) and checks that
 * every written event arrives on the right lane, the unlisted one is filtered, held keys are
 * counted and boost state moves. Then the device lifetime programs: a device is cached when it registers,
 * before any event, and leaves the cache for device_history when it unregisters, so a new device at
 * its address is classified afresh. Usage: hook_check OBJ_DIR (needs root and /dev/uinput).
 */
#include <fcntl.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/uinput.h>
#include "loader.h"

#define MOUSE_VENDOR 0x046d
#define MOUSE_PRODUCT 0xc077
#define KBD_VENDOR 0x1234
#define KBD_PRODUCT 0x5678
#define UNLISTED_VENDOR 0xdead
#define UNLISTED_PRODUCT 0xbeef
#define MOUSE_FRAMES 100
/* The lifetime check's models (the devices above were unplugged while only the event hook ran). */
#define LIFE_VENDOR 0x2222
#define LIFE_LISTED 0x0001
#define LIFE_UNLISTED 0x0002

struct device_tally {
	unsigned int id;
	unsigned long long records, wrong_lane;
	unsigned char lane;
};

static struct device_tally mouse = { .lane = SCXG_LANE_MOUSE };
static struct device_tally kbd = { .lane = SCXG_LANE_KEYBOARD };
static struct device_tally unlisted = { .lane = SCXG_LANE_NONE };

static int uinput_create(const char *name, unsigned short vendor, unsigned short product, int is_keyboard)
{
	struct uinput_setup setup = { .id = { .bustype = BUS_USB, .vendor = vendor, .product = product } };
	int fd = open("/dev/uinput", O_WRONLY | O_NONBLOCK);

	if (fd < 0)
		return -1;
	ioctl(fd, UI_SET_EVBIT, EV_KEY);
	if (is_keyboard) {
		ioctl(fd, UI_SET_KEYBIT, KEY_A);
		ioctl(fd, UI_SET_KEYBIT, KEY_B);
	} else {
		ioctl(fd, UI_SET_KEYBIT, BTN_LEFT);
		ioctl(fd, UI_SET_EVBIT, EV_REL);
		ioctl(fd, UI_SET_RELBIT, REL_X);
		ioctl(fd, UI_SET_RELBIT, REL_Y);
	}
	snprintf(setup.name, sizeof(setup.name), "%s", name);
	if (ioctl(fd, UI_DEV_SETUP, &setup) || ioctl(fd, UI_DEV_CREATE)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int emit(int fd, int type, int code, int value)
{
	struct input_event ie = { .type = type, .code = code, .value = value };

	return write(fd, &ie, sizeof(ie)) == sizeof(ie) ? 1 : 0;
}

static int on_record(void *ctx, void *data, size_t size)
{
	const struct scxg_event *ev = data;
	struct device_tally *t = NULL;

	(void)ctx;
	if (size != sizeof(*ev))
		return 0;
	if (ev->device_id == mouse.id)
		t = &mouse;
	else if (ev->device_id == kbd.id)
		t = &kbd;
	else if (ev->device_id == unlisted.id)
		t = &unlisted;
	if (t) {
		t->records++;
		if (ev->lane != t->lane || (ev->flags & SCXG_FLAG_INJECTED))
			t->wrong_lane++;
	}
	return 0;
}

static int add_rule(int fd, unsigned short vendor, unsigned short product, unsigned char action)
{
	struct scxg_device_key key = { .bustype = BUS_USB, .vendor = vendor, .product = product };

	return bpf_map_update_elem(fd, &key, &action, BPF_ANY);
}

/* The cached entry of the device with these ids, 0 if none (its id otherwise). */
static unsigned int cached_id(int cache_fd, unsigned short vendor, unsigned short product, struct scxg_device *out)
{
	unsigned long long key, next;
	void *prev = NULL;

	while (!bpf_map_get_next_key(cache_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (!bpf_map_lookup_elem(cache_fd, &key, out) && out->vendor == vendor && out->product == product)
			return out->id;
	}
	return 0;
}

/* Connects and unplugs uinput devices of two models at one address after another, with the lifetime programs. */
static void check_lifetimes(struct bpf_object *events, struct bpf_object *hook)
{
	const char *progs[] = { "on_device_register", "on_device_register_exit", "on_device_unregister" };
	int cache = map_fd(events, "device_cache"), history = map_fd(events, "device_history");
	unsigned int last_id = 0, ids_ok = 1, learned_ok = 1, gone_ok = 1, history_ok = 1;
	struct bpf_link *links[3];
	struct scxg_device d;
	struct scxg_device_gone g;

	check(!add_rule(map_fd(events, "device_rules"), LIFE_VENDOR, LIFE_LISTED, SCXG_RULE_AUTO),
	      "whitelist: %04x:%04x AUTO, %04x:%04x unlisted", LIFE_VENDOR, LIFE_LISTED, LIFE_VENDOR, LIFE_UNLISTED);
	for (int i = 0; i < 3; i++) {
		links[i] = bpf_program__attach(bpf_object__find_program_by_name(hook, progs[i]));
		check(links[i] != NULL, "%s attaches (%s)", progs[i], links[i] ? "attached" : strerror(errno));
		if (!links[i])
			return;
	}
	for (int cycle = 0; cycle < 20; cycle++) {
		unsigned short vendor = LIFE_VENDOR, product = cycle % 2 ? LIFE_UNLISTED : LIFE_LISTED;
		int fd = uinput_create("scxgamer lifetime", vendor, product, 0);
		unsigned int id, slot;

		if (fd < 0) {
			check(0, "uinput device of cycle %d created", cycle);
			return;
		}
		id = cached_id(cache, vendor, product, &d);
		ids_ok &= id > last_id;
		learned_ok &= d.learned == SCXG_LEARNED_REGISTER && d.events == 0 &&
			      d.action == (cycle % 2 ? SCXG_LANE_NONE : SCXG_RULE_AUTO);
		last_id = id;
		ioctl(fd, UI_DEV_DESTROY);
		close(fd);
		gone_ok &= cached_id(cache, vendor, product, &d) == 0;
		slot = 0;
		for (unsigned int s = 0; s < SCXG_DEVICE_HISTORY; s++)
			if (!bpf_map_lookup_elem(history, &s, &g) && g.device.id == id)
				slot = s + 1;
		history_ok &= slot != 0;
	}
	check(ids_ok, "20 connections: each cached at registration with a new id (last %u)", last_id);
	check(learned_ok, "each classified at registration, before any event (mouse AUTO, unlisted NONE)");
	check(gone_ok, "each left the cache when it unregistered");
	check(history_ok, "each is in device_history");
	for (int i = 0; i < 3; i++)
		bpf_link__destroy(links[i]);
}

/* Finds our devices' ids in device_cache by vendor/product. */
static void resolve_ids(int cache_fd)
{
	unsigned long long key, next;
	struct scxg_device d;
	void *prev = NULL;

	while (!bpf_map_get_next_key(cache_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(cache_fd, &key, &d))
			continue;
		printf("device %u: %04x:%04x:%04x action %u events %llu name '%s'\n", d.id, d.bustype,
		       d.vendor, d.product, d.action, (unsigned long long)d.events, d.name);
		if (d.vendor == MOUSE_VENDOR && d.product == MOUSE_PRODUCT)
			mouse.id = d.id;
		else if (d.vendor == KBD_VENDOR && d.product == KBD_PRODUCT)
			kbd.id = d.id;
		else if (d.vendor == UNLISTED_VENDOR && d.product == UNLISTED_PRODUCT)
			unlisted.id = d.id;
	}
}

int main(int argc, char **argv)
{
	struct bpf_object *events, *hook;
	struct bpf_link *link;
	struct ring_buffer *rb = NULL;
	unsigned long long stats[SCXG_STAT_COUNT];
	struct scxg_input_state st;
	int mfd, kfd, ufd, written_mouse = 0, written_kbd = 0, written_unlisted = 0, zero = 0;
	char name[16];

	if (argc != 2) {
		fprintf(stderr, "usage: %s OBJ_DIR\n", argv[0]);
		return 2;
	}
	events = load_object(argv[1], "scxgamer_events.bpf.o", NULL);
	hook = events ? load_object(argv[1], "scxgamer_hook.bpf.o", events) : NULL;
	check(hook != NULL, "events and hook objects load, hook shares the events object's maps");
	if (!hook)
		return 1;
	link = bpf_program__attach(bpf_object__find_program_by_name(hook, "on_input_event"));
	check(link != NULL, "on_input_event attaches to fentry/input_handle_event (%s)", link ? "attached" : strerror(errno));
	if (!link)
		return 1;

	check(!add_rule(map_fd(events, "device_rules"), MOUSE_VENDOR, MOUSE_PRODUCT, SCXG_RULE_AUTO) &&
	      !add_rule(map_fd(events, "device_rules"), KBD_VENDOR, SCXG_ANY, SCXG_LANE_KEYBOARD),
	      "whitelist: mouse %04x:%04x AUTO, keyboard %04x:* KEYBOARD", MOUSE_VENDOR, MOUSE_PRODUCT, KBD_VENDOR);

	mfd = uinput_create("scxgamer test mouse", MOUSE_VENDOR, MOUSE_PRODUCT, 0);
	kfd = uinput_create("scxgamer test keyboard", KBD_VENDOR, KBD_PRODUCT, 1);
	ufd = uinput_create("scxgamer unlisted", UNLISTED_VENDOR, UNLISTED_PRODUCT, 0);
	check(mfd >= 0 && kfd >= 0 && ufd >= 0, "uinput devices created");
	if (mfd < 0 || kfd < 0 || ufd < 0)
		return 1;

	for (int i = 0; i < MOUSE_FRAMES; i++) {
		written_mouse += emit(mfd, EV_REL, REL_X, i + 1) + emit(mfd, EV_REL, REL_Y, -i - 1) +
				 emit(mfd, EV_SYN, SYN_REPORT, 0);
		written_unlisted += emit(ufd, EV_REL, REL_X, 1) + emit(ufd, EV_SYN, SYN_REPORT, 0);
	}
	written_mouse += emit(mfd, EV_KEY, BTN_LEFT, 1) + emit(mfd, EV_SYN, SYN_REPORT, 0) +
			 emit(mfd, EV_KEY, BTN_LEFT, 0) + emit(mfd, EV_SYN, SYN_REPORT, 0);
	/* A and B pressed, B released: one key stays held. */
	written_kbd += emit(kfd, EV_KEY, KEY_A, 1) + emit(kfd, EV_SYN, SYN_REPORT, 0) +
		       emit(kfd, EV_KEY, KEY_B, 1) + emit(kfd, EV_SYN, SYN_REPORT, 0) +
		       emit(kfd, EV_KEY, KEY_B, 0) + emit(kfd, EV_SYN, SYN_REPORT, 0);
	printf("written: mouse %d keyboard %d unlisted %d\n", written_mouse, written_kbd, written_unlisted);

	resolve_ids(map_fd(events, "device_cache"));
	check(mouse.id && kbd.id && unlisted.id, "device_cache knows all three devices (ids %u %u %u)",
	      mouse.id, kbd.id, unlisted.id);
	for (int i = 0; i < SCXG_RING_COUNT; i++) {
		snprintf(name, sizeof(name), "ring_%d", i);
		if (!rb)
			rb = ring_buffer__new(map_fd(events, name), on_record, NULL, NULL);
		else
			ring_buffer__add(rb, map_fd(events, name), on_record, NULL);
	}
	while (rb && ring_buffer__poll(rb, 100) > 0)
		;
	check(mouse.records == (unsigned long long)written_mouse && !mouse.wrong_lane,
	      "mouse: %llu of %d records, all on the mouse lane (%llu wrong)", mouse.records, written_mouse, mouse.wrong_lane);
	check(kbd.records == (unsigned long long)written_kbd && !kbd.wrong_lane,
	      "keyboard: %llu of %d records, all on the keyboard lane (%llu wrong)", kbd.records, written_kbd, kbd.wrong_lane);
	check(unlisted.records == 0, "unlisted: %llu records (%d written, filtered)", unlisted.records, written_unlisted);

	read_percpu_counters(map_fd(events, "input_stats"), stats, SCXG_STAT_COUNT);
	bpf_map_lookup_elem(map_fd(events, "input_state"), &zero, &st);
	printf("input_stats: seen %llu from_hook %llu submitted %llu filtered %llu dropped %llu mouse %llu keyboard %llu "
	       "press %llu release %llu boosts %llu cache_miss %llu\n",
	       stats[SCXG_STAT_SEEN], stats[SCXG_STAT_FROM_HOOK], stats[SCXG_STAT_SUBMITTED], stats[SCXG_STAT_FILTERED],
	       stats[SCXG_STAT_DROPPED], stats[SCXG_STAT_LANE_MOUSE], stats[SCXG_STAT_LANE_KEYBOARD],
	       stats[SCXG_STAT_KEY_PRESS], stats[SCXG_STAT_KEY_RELEASE], stats[SCXG_STAT_BOOSTS],
	       stats[SCXG_STAT_DEVICE_CACHE_MISS]);
	printf("input_state: held_keys %d rate_ema %llu continuous %u window_until %llu mouse_until %llu keyboard_until %llu\n",
	       st.held_keys, (unsigned long long)st.rate_ema, st.continuous, (unsigned long long)st.input_window_until_ns,
	       (unsigned long long)st.lane_until_ns[SCXG_LANE_MOUSE], (unsigned long long)st.lane_until_ns[SCXG_LANE_KEYBOARD]);
	check(stats[SCXG_STAT_FROM_HOOK] >= (unsigned long long)(written_mouse + written_kbd + written_unlisted),
	      "the hook saw every written event");
	check(stats[SCXG_STAT_FILTERED] >= (unsigned long long)written_unlisted, "unlisted events counted as filtered");
	check(stats[SCXG_STAT_SEEN] == stats[SCXG_STAT_FILTERED] + stats[SCXG_STAT_LANE_MOUSE] +
	      stats[SCXG_STAT_LANE_KEYBOARD] + stats[SCXG_STAT_LANE_CONTROLLER], "seen = filtered + lanes");
	check(st.held_keys == 1, "held keys: %d (A held, B released)", st.held_keys);
	check(stats[SCXG_STAT_BOOSTS] > 0 && st.input_window_until_ns && st.lane_until_ns[SCXG_LANE_MOUSE] &&
	      st.lane_until_ns[SCXG_LANE_KEYBOARD], "boost counters and windows moved");

	bpf_link__destroy(link);
	ring_buffer__free(rb);
	close(mfd);
	close(kfd);
	close(ufd);
	check_lifetimes(events, hook);
	bpf_object__close(hook);
	bpf_object__close(events);
	printf("hook_check: %d failure(s)\n", check_failures);
	return check_failures ? 1 : 0;
}
