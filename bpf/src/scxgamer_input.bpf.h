/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The input handling code shared by the fentry hook and the injector: device classification,
 * lane choice, held keys, boost windows, input rate, counters and the ring record. It never takes
 * a lock and never waits: contended updates are single atomics, a full ring drops and counts.
 */
#ifndef SCXGAMER_INPUT_BPF_H
#define SCXGAMER_INPUT_BPF_H

#include "scxgamer_common.bpf.h"

/* From uapi/linux/input-event-codes.h (macros are not in vmlinux.h). */
#define EV_SYN 0x00
#define EV_KEY 0x01
#define EV_REL 0x02
#define EV_ABS 0x03
#define BTN_MISC 0x100
#define BTN_JOYSTICK 0x120
#define BTN_THUMBR 0x13e
#define BTN_DPAD_UP 0x220
#define BTN_DPAD_RIGHT 0x223
#define BTN_TRIGGER_HAPPY 0x2c0
#define BTN_TRIGGER_HAPPY40 0x2e7

#define KEY_RELEASE 0
#define KEY_PRESS 1
#define KEY_REPEAT 2

/* Input-rate EMA time constant: the rate reflects roughly the last 100 ms of input. */
#define SCXG_RATE_TAU_NS (100 * NSEC_PER_MSEC)
/* Inter-event gaps below this are bursts from several devices, not a rate: clamp them. */
#define SCXG_RATE_MIN_GAP_NS (1 * NSEC_PER_USEC)
/* A held-key decrement that keeps losing its compare-and-swap gives up instead of spinning. */
#define SCXG_CAS_TRIES 8

enum scxg_outcome {
	SCXG_OUT_SUBMITTED = 0,
	SCXG_OUT_DROPPED = 1,
	SCXG_OUT_FILTERED = 2,
};

/* Whitelist lookup, most specific rule first. No rule: SCXG_LANE_NONE (unlisted, filtered). */
static __always_inline u8 scxg_rule_lookup(u16 bus, u16 vendor, u16 product)
{
	struct scxg_device_key key = { .bustype = bus, .vendor = vendor, .product = product };
	u8 *action;

	action = bpf_map_lookup_elem(&device_rules, &key);
	if (action)
		return *action;
	key.product = SCXG_ANY;
	action = bpf_map_lookup_elem(&device_rules, &key);
	if (action)
		return *action;
	key.vendor = SCXG_ANY;
	action = bpf_map_lookup_elem(&device_rules, &key);
	if (action)
		return *action;
	key.bustype = SCXG_ANY;
	action = bpf_map_lookup_elem(&device_rules, &key);
	return action ? *action : SCXG_LANE_NONE;
}

/* Cached device classified under the current whitelist generation, or NULL (caller learns it). */
static __always_inline struct scxg_device *scxg_device_cached(u64 key, u32 generation)
{
	struct scxg_device *d = bpf_map_lookup_elem(&device_cache, &key);

	if (d && d->rules_generation == generation)
		return d;
	return NULL;
}

/* Classifies fresh (bus/vendor/product/name filled in by the caller) as a new connection. */
static __always_inline void scxg_device_init(struct scxg_device *fresh, struct scxg_input_state *st, u8 learned)
{
	fresh->events = 0;
	fresh->connected_ns = bpf_ktime_get_ns();
	fresh->id = 0;
	fresh->rules_generation = READ_ONCE(st->rules_generation);
	fresh->held_keys = 0;
	fresh->action = scxg_rule_lookup(fresh->bustype, fresh->vendor, fresh->product);
	fresh->last_lane = SCXG_LANE_NONE;
	fresh->learned = learned;
}

/*
 * The device under key is gone (it unregistered, or its address is being registered again): its entry
 * moves to device_history and leaves the cache, and the keys it still holds leave input_state.held_keys.
 * The kernel releases a departing device's pressed keys before it unregisters, so held_keys is normally
 * 0 here; it is not for keys pressed before a whitelist edit filtered the device.
 */
static __always_inline void scxg_device_disconnect(u64 key, struct scxg_input_state *st, u64 *counters)
{
	struct scxg_device *d = bpf_map_lookup_elem(&device_cache, &key);
	struct scxg_device_gone *gone;
	u64 seq;
	u32 slot;
	s32 held;

	if (!d)
		return;
	held = __sync_lock_test_and_set(&d->held_keys, 0);
	if (held > 0)
		__sync_fetch_and_sub(&st->held_keys, held);
	seq = __sync_fetch_and_add(&st->device_history_seq, 1) + 1;
	slot = (seq - 1) % SCXG_DEVICE_HISTORY;
	gone = bpf_map_lookup_elem(&device_history, &slot);
	if (gone) {
		WRITE_ONCE(gone->seq, 0);
		__builtin_memcpy(&gone->device, d, sizeof(gone->device));
		gone->disconnected_ns = bpf_ktime_get_ns();
		WRITE_ONCE(gone->seq, seq);
	}
	bpf_map_delete_elem(&device_cache, &key);
	scxg_count(counters, SCXG_STAT_DEVICE_DISCONNECTS);
}

/*
 * Caches fresh under key with a new id. Returns the cached entry, or fresh itself (id 0, learned NONE)
 * when the cache is full, so the event is still handled, classified on the spot.
 */
static __always_inline struct scxg_device *
scxg_device_insert(u64 key, struct scxg_device *fresh, struct scxg_input_state *st, u64 flags)
{
	struct scxg_device *d;

	if (bpf_map_update_elem(&device_cache, &key, fresh, flags) == 0) {
		d = bpf_map_lookup_elem(&device_cache, &key);
		if (d) {
			/* The id is taken only once the entry exists: a full cache does not use up ids. */
			WRITE_ONCE(d->id, __sync_fetch_and_add(&st->next_device_id, 1) + 1);
			return d;
		}
	}
	d = bpf_map_lookup_elem(&device_cache, &key); /* another CPU cached it first (BPF_NOEXIST) */
	if (d)
		return d;
	fresh->learned = SCXG_LEARNED_NONE;
	return fresh;
}

/*
 * A device registers (or the injector connects one): whatever was cached under its key belonged to an
 * earlier device at the same address, whose unregistration was not seen; it goes, and the new device
 * is classified now, under the current whitelist, before its first event.
 */
static __always_inline void scxg_device_connect(u64 key, struct scxg_device *fresh, struct scxg_input_state *st,
						u64 *counters)
{
	scxg_device_disconnect(key, st, counters);
	scxg_device_init(fresh, st, SCXG_LEARNED_REGISTER);
	scxg_device_insert(key, fresh, st, BPF_ANY);
	scxg_count(counters, SCXG_STAT_DEVICE_CONNECTS);
}

/*
 * An event of a device without an entry classified under the current whitelist: reclassified in place
 * after a whitelist edit (same connection: it keeps its id and counts), or learned as a new connection
 * (registered before the hook attached, or not cached while the cache was full). fresh holds
 * bus/vendor/product/name from the caller.
 */
static __always_inline struct scxg_device *
scxg_device_learn(u64 key, struct scxg_device *fresh, struct scxg_input_state *st, u64 *counters)
{
	struct scxg_device *d = bpf_map_lookup_elem(&device_cache, &key);

	scxg_count(counters, SCXG_STAT_DEVICE_CACHE_MISS);
	if (d) {
		d->action = scxg_rule_lookup(d->bustype, d->vendor, d->product);
		WRITE_ONCE(d->rules_generation, READ_ONCE(st->rules_generation));
		return d;
	}
	scxg_device_init(fresh, st, SCXG_LEARNED_EVENT);
	d = scxg_device_insert(key, fresh, st, BPF_NOEXIST);
	if (d->learned == SCXG_LEARNED_NONE)
		scxg_count(counters, SCXG_STAT_DEVICE_UNCACHED);
	return d;
}

/*
 * AUTO lane of an input event: EV_REL and mouse/pen buttons -> mouse, keys below BTN_MISC ->
 * keyboard, EV_ABS and joystick/gamepad buttons -> controller. SCXG_LANE_NONE for frame and
 * housekeeping types (EV_SYN, EV_MSC, ...): they follow the device's last lane.
 */
static __always_inline u8 scxg_auto_lane(u16 type, u16 code)
{
	switch (type) {
	case EV_REL:
		return SCXG_LANE_MOUSE;
	case EV_ABS:
		return SCXG_LANE_CONTROLLER;
	case EV_KEY:
		if (code < BTN_MISC)
			return SCXG_LANE_KEYBOARD;
		if ((code >= BTN_JOYSTICK && code <= BTN_THUMBR) ||
		    (code >= BTN_DPAD_UP && code <= BTN_DPAD_RIGHT) ||
		    (code >= BTN_TRIGGER_HAPPY && code <= BTN_TRIGGER_HAPPY40))
			return SCXG_LANE_CONTROLLER;
		return SCXG_LANE_MOUSE;
	default:
		return SCXG_LANE_NONE;
	}
}

static __always_inline bool scxg_is_activity(u16 type)
{
	return type == EV_KEY || type == EV_REL || type == EV_ABS;
}

/* Lane of this event; SCXG_LANE_NONE means filtered. Frame markers keep the device's lane so a
 * consumer filtering by lane still sees whole frames (e.g. REL_X, REL_Y, SYN_REPORT). */
static __always_inline u8 scxg_event_lane(struct scxg_device *d, u16 type, u16 code)
{
	u8 action = d->action, lane;

	if (action == SCXG_LANE_MOUSE || action == SCXG_LANE_KEYBOARD || action == SCXG_LANE_CONTROLLER)
		return action;
	if (action != SCXG_RULE_AUTO)
		return SCXG_LANE_NONE;     /* unlisted or ignored */
	lane = scxg_auto_lane(type, code);
	if (lane == SCXG_LANE_NONE)
		return READ_ONCE(d->last_lane);
	if (READ_ONCE(d->last_lane) != lane)
		WRITE_ONCE(d->last_lane, lane);
	return lane;
}

/*
 * Held keys: presses of a device with a lane minus releases, per device and in total (the total is the
 * sum of the devices' shares, so it can never go below 0 and leaves with a device that disconnects).
 * A release counts even when the device is filtered by now (a whitelist edit between press and
 * release). The device's share is floored at 0 without a lock: a bounded compare-and-swap decrement.
 * Devices the full cache could not hold are not counted: their share would have nowhere to live.
 */
static __always_inline void scxg_held_keys(struct scxg_device *d, struct scxg_input_state *st, u8 lane, s32 value)
{
	s32 old;
	int i;

	if (d->learned == SCXG_LEARNED_NONE)
		return;
	if (value == KEY_PRESS) {
		if (lane == SCXG_LANE_NONE)
			return;
		__sync_fetch_and_add(&d->held_keys, 1);
		__sync_fetch_and_add(&st->held_keys, 1);
		return;
	}
	if (value != KEY_RELEASE)
		return;
	for (i = 0; i < SCXG_CAS_TRIES; i++) {
		old = READ_ONCE(d->held_keys);
		if (old <= 0)
			return;
		if (__sync_val_compare_and_swap(&d->held_keys, old, old - 1) == old) {
			__sync_fetch_and_sub(&st->held_keys, 1);
			return;
		}
	}
}

/* Moves a deadline forward (never back). Racing writers may lose a few ns, never a window. */
static __always_inline bool scxg_extend(u64 *until, u64 new_until)
{
	if (new_until <= READ_ONCE(*until))
		return false;
	WRITE_ONCE(*until, new_until);
	return true;
}

/* Opens or extends the global input window and the lane's expiry. True if anything moved. */
static __always_inline bool scxg_boost(struct scxg_input_state *st, const struct scxg_tunables *t,
				       u8 lane, u64 now)
{
	bool moved = false;

	if (t->input_window_ns)
		moved = scxg_extend(&st->input_window_until_ns, now + t->input_window_ns);
	if (lane < SCXG_LANE_COUNT && t->lane_boost_ns[lane])
		moved |= scxg_extend(&st->lane_until_ns[lane], now + t->lane_boost_ns[lane]);
	return moved;
}

/*
 * Input-rate EMA (events/s) with a time-based weight: a gap of dt moves the average dt/TAU of the
 * way to the instantaneous rate, so it tracks wall time, not event count. Continuous mode switches
 * on at continuous_on_rate and off below continuous_off_rate (hysteresis). Concurrent updates from
 * several CPUs are last-writer-wins: the rate is approximate by design. Returns the mode.
 */
static __always_inline bool scxg_rate_update(struct scxg_input_state *st, const struct scxg_tunables *t,
					     u64 *counters, u64 now)
{
	u64 last = READ_ONCE(st->last_event_ns), ema = READ_ONCE(st->rate_ema), gap, rate;
	u32 on;

	WRITE_ONCE(st->last_event_ns, now);
	gap = (last && now > last) ? now - last : SCXG_RATE_TAU_NS;
	gap = scxg_max(gap, SCXG_RATE_MIN_GAP_NS);
	rate = NSEC_PER_SEC / gap;
	if (gap >= SCXG_RATE_TAU_NS)
		ema = rate;
	else if (rate > ema)
		ema += (rate - ema) * gap / SCXG_RATE_TAU_NS;
	else
		ema -= (ema - rate) * gap / SCXG_RATE_TAU_NS;
	WRITE_ONCE(st->rate_ema, ema);

	on = READ_ONCE(st->continuous);
	if (!on && ema >= t->continuous_on_rate) {
		if (__sync_val_compare_and_swap(&st->continuous, 0, 1) == 0)
			scxg_count(counters, SCXG_STAT_CONTINUOUS_ON);
		return true;
	}
	if (on && ema < t->continuous_off_rate) {
		WRITE_ONCE(st->continuous, 0);
		return false;
	}
	return on;
}

static __always_inline void scxg_count_lane(u64 *counters, u8 lane)
{
	if (lane == SCXG_LANE_MOUSE)
		scxg_count(counters, SCXG_STAT_LANE_MOUSE);
	else if (lane == SCXG_LANE_KEYBOARD)
		scxg_count(counters, SCXG_STAT_LANE_KEYBOARD);
	else
		scxg_count(counters, SCXG_STAT_LANE_CONTROLLER);
}

static __always_inline void scxg_count_key(u64 *counters, s32 value)
{
	if (value == KEY_PRESS)
		scxg_count(counters, SCXG_STAT_KEY_PRESS);
	else if (value == KEY_RELEASE)
		scxg_count(counters, SCXG_STAT_KEY_RELEASE);
	else if (value == KEY_REPEAT)
		scxg_count(counters, SCXG_STAT_KEY_REPEAT);
}

/*
 * Handles one event of a classified device: lane, key state, boost, rate, counters, record.
 * origin is SCXG_FLAG_INJECTED for the injector, 0 for the hook.
 */
static __always_inline enum scxg_outcome
scxg_handle_event(struct scxg_device *d, struct scxg_input_state *st, u64 *counters,
		  u16 type, u16 code, s32 value, u8 origin, u64 now)
{
	struct scxg_tunables t;
	u8 lane, flags = origin;

	__sync_fetch_and_add(&d->events, 1);
	lane = scxg_event_lane(d, type, code);
	if (type == EV_KEY)
		scxg_held_keys(d, st, lane, value);
	if (lane == SCXG_LANE_NONE) {
		scxg_count(counters, SCXG_STAT_FILTERED);
		return SCXG_OUT_FILTERED;
	}
	scxg_count_lane(counters, lane);

	if (scxg_is_activity(type)) {
		scxg_tunables_read(&t);
		if (type == EV_KEY)
			scxg_count_key(counters, value);
		if (scxg_boost(st, &t, lane, now)) {
			flags |= SCXG_FLAG_BOOSTED;
			scxg_count(counters, SCXG_STAT_BOOSTS);
		}
		if (scxg_rate_update(st, &t, counters, now))
			flags |= SCXG_FLAG_CONTINUOUS;
	} else if (READ_ONCE(st->continuous)) {
		flags |= SCXG_FLAG_CONTINUOUS;
	}

	if (!scxg_emit(counters, now, d->id, type, code, value, lane, flags))
		return SCXG_OUT_DROPPED;
	return SCXG_OUT_SUBMITTED;
}

#endif /* SCXGAMER_INPUT_BPF_H */
