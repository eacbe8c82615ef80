/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scxgamer_hook.bpf.o: the input hook, device lifetimes and the audio hook (at the end). fentry on
 * input_handle_event() sees every event a driver reports (input_event() calls it for each supported
 * event), before the input core hands it to evdev; the shared handling code classifies it and writes
 * it to this CPU's ring. It must never block: it runs in the driver's (often interrupt) context.
 *
 * Why not input_event() itself: it is preemptible at entry, and a fentry program preempted on a CPU
 * is skipped (a recursion miss) when another event arrives there meanwhile. input_handle_event() runs
 * under the device's event lock with interrupts off, so that cannot happen. Kernels without it get
 * the program retargeted to input_event() by the loader, and the misses are counted there.
 */
#include "scxgamer_input.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Identity of a device the cache does not know (yet), read with CO-RE. */
static __always_inline void scxg_read_identity(struct input_dev *dev, struct scxg_device *out)
{
	__builtin_memset(out, 0, sizeof(*out));
	out->bustype = BPF_CORE_READ(dev, id.bustype);
	out->vendor = BPF_CORE_READ(dev, id.vendor);
	out->product = BPF_CORE_READ(dev, id.product);
	bpf_probe_read_kernel_str(out->name, sizeof(out->name), BPF_CORE_READ(dev, name));
}

SEC("fentry/input_handle_event")
int BPF_PROG(on_input_event, struct input_dev *dev, unsigned int type, unsigned int code, int value)
{
	struct scxg_input_state *st = scxg_input_state();
	u64 *counters = scxg_input_counters();
	u64 key = (u64)dev;
	struct scxg_device fresh, *d;

	if (!st || !counters)
		return 0;
	scxg_count(counters, SCXG_STAT_SEEN);
	scxg_count(counters, SCXG_STAT_FROM_HOOK);
	d = scxg_device_cached(key, READ_ONCE(st->rules_generation));
	if (!d) {
		/*
		 * A driver may still report after its device unregistered (no handler receives it any more):
		 * caching that device again would outlive it and hand its entry to the next device allocated
		 * at this address.
		 */
		if (BPF_CORE_READ(dev, going_away)) {
			scxg_count(counters, SCXG_STAT_DEVICE_GONE);
			scxg_count(counters, SCXG_STAT_FILTERED);
			return 0;
		}
		scxg_read_identity(dev, &fresh);
		d = scxg_device_learn(key, &fresh, st, counters);
	}
	scxg_handle_event(d, st, counters, type, code, value, 0, bpf_ktime_get_ns());
	return 0;
}

/*
 * Device lifetimes. input_register_device() is where every input device starts (devm-managed ones too);
 * the device is classified there, before its first event, and replaces anything cached at its address.
 * The loader leaves these programs out on a kernel that cannot trace their function (part DEVICES says
 * what is lost); the event hook then learns devices on their first event as before.
 */
SEC("fentry/input_register_device")
int BPF_PROG(on_device_register, struct input_dev *dev)
{
	struct scxg_input_state *st = scxg_input_state();
	u64 *counters = scxg_input_counters();
	struct scxg_device fresh;

	if (!st || !counters)
		return 0;
	scxg_read_identity(dev, &fresh);
	scxg_device_connect((u64)dev, &fresh, st, counters);
	return 0;
}

/* A registration that failed never connected the device: its entry goes at once. */
SEC("fexit/input_register_device")
int BPF_PROG(on_device_register_exit, struct input_dev *dev, int ret)
{
	struct scxg_input_state *st = scxg_input_state();
	u64 *counters = scxg_input_counters();

	if (ret && st && counters)
		scxg_device_disconnect((u64)dev, st, counters);
	return 0;
}

/*
 * __input_unregister_device() is the unregistration of both plain and devm-managed devices (the loader
 * falls back to input_unregister_device() where it is not traceable). fexit: the kernel has released the
 * device's pressed keys by then, through this hook's event program, and no handler will see it again.
 * Only the pointer is used: on the fallback the device may already be freed.
 */
SEC("fexit/__input_unregister_device")
int BPF_PROG(on_device_unregister, struct input_dev *dev)
{
	struct scxg_input_state *st = scxg_input_state();
	u64 *counters = scxg_input_counters();

	if (st && counters)
		scxg_device_disconnect((u64)dev, st, counters);
	return 0;
}

/*
 * Sound periods (part AUDIO_HOOK). A sound driver calls snd_pcm_period_elapsed() from its interrupt or
 * timer for every period played or captured; the sound core wakes the stream's waiters inside it, so
 * the threads woken right after this time are the ones feeding or draining audio, and the scheduler's
 * behaviour classification (audio_classify) classes them SCXG_CLASS_AUDIO. The sound core is a module
 * (snd-pcm): where it is not loaded the loader leaves this program out and says so in the part's reason.
 */
struct snd_pcm_substream;

SEC("fentry/snd_pcm_period_elapsed")
int BPF_PROG(on_pcm_period, struct snd_pcm_substream *substream)
{
	struct scxg_audio_state *au = scxg_audio_state();
	u64 *counters = scxg_input_counters();

	if (au)
		WRITE_ONCE(au->last_period_ns, bpf_ktime_get_ns());
	if (counters)
		scxg_count(counters, SCXG_STAT_AUDIO_PERIODS);
	return 0;
}
