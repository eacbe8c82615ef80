/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scxgamer_hook.bpf.o: the input hook, device lifetimes, the audio, futex and ntsync hooks (at the end). fentry on
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
 * timer for every period played or captured; inside it the sound core updates the stream's position and
 * wakes the stream's waiters (the thread blocked writing or reading the next period, or polling for it).
 * The pair of programs marks this CPU's current task as inside the callback for the call's duration
 * (waker_state.pcm_task), so the scheduler sees which wakeups the sound core makes there: its behaviour
 * classification (audio_classify) classes their wakees SCXG_CLASS_AUDIO. This needs no timing, which an
 * emulated machine's clock makes coarse. The sound core is a module (snd-pcm): where it is not loaded the
 * loader leaves both programs out and says so in the part's reason.
 */
struct snd_pcm_substream;

SEC("fentry/snd_pcm_period_elapsed")
int BPF_PROG(on_pcm_period, struct snd_pcm_substream *substream)
{
	struct scxg_waker_state *w = scxg_waker_state();
	u64 *counters = scxg_input_counters();

	if (w)
		WRITE_ONCE(w->pcm_task, bpf_get_current_task());
	if (counters)
		scxg_count(counters, SCXG_STAT_AUDIO_PERIODS);
	return 0;
}

/*
 * The callback wakes its waiters under the stream lock, taken with interrupts off: a wakeup made on this
 * CPU between the two programs by something else can only come from an interrupt before the lock is
 * taken (counted once as the sound core's). A nested callback's exit clears the mark a little early.
 */
SEC("fexit/snd_pcm_period_elapsed")
int BPF_PROG(on_pcm_period_exit, struct snd_pcm_substream *substream)
{
	struct scxg_waker_state *w = scxg_waker_state();

	if (w)
		WRITE_ONCE(w->pcm_task, 0);
	return 0;
}

/*
 * Futex wakes (part FUTEX_HOOK). A thread that releases a contended lock, or sets an event others wait
 * for, wakes the waiters with futex_wake() (FUTEX_WAKE, futex2's futex_wake, and the waits of glibc's
 * mutexes and condition variables and of Wine's fsync) or futex_wake_op(). Both wake inside the call, in
 * the caller's process context. The pair of programs marks the caller on this CPU (waker_state.futex_task),
 * and the scheduler boosts a wakeup made under the mark (futex_boost): the woken waiter now holds the lock
 * or has its event, and should run before it sits in the queue holding it. The call is preemptible: a
 * caller moved to another CPU inside it leaves its mark behind on the first (cleared by the next call
 * there), and its wakeups on the second are not seen.
 */
static __always_inline void scxg_futex_enter(void)
{
	struct scxg_waker_state *w = scxg_waker_state();
	u64 *counters = scxg_input_counters();

	if (w)
		WRITE_ONCE(w->futex_task, bpf_get_current_task());
	if (counters)
		scxg_count(counters, SCXG_STAT_FUTEX_WAKES);
}

static __always_inline void scxg_futex_exit(void)
{
	struct scxg_waker_state *w = scxg_waker_state();

	if (w)
		WRITE_ONCE(w->futex_task, 0);
}

SEC("fentry/futex_wake")
int BPF_PROG(on_futex_wake)
{
	scxg_futex_enter();
	return 0;
}

SEC("fexit/futex_wake")
int BPF_PROG(on_futex_wake_exit)
{
	scxg_futex_exit();
	return 0;
}

SEC("fentry/futex_wake_op")
int BPF_PROG(on_futex_wake_op)
{
	scxg_futex_enter();
	return 0;
}

SEC("fexit/futex_wake_op")
int BPF_PROG(on_futex_wake_op_exit)
{
	scxg_futex_exit();
	return 0;
}

/*
 * ntsync object signals (part NTSYNC_HOOK). Wine/Proton on a kernel with /dev/ntsync (module ntsync) makes
 * each NT semaphore, mutex and event an ntsync object (a file) and signals it with an ioctl on that file:
 * NTSYNC_IOC_SEM_RELEASE, _MUTEX_UNLOCK, _MUTEX_KILL, _EVENT_SET and _EVENT_PULSE hand the object to its
 * waiters, and the driver wakes them (wake_up_process) inside ntsync_obj_ioctl(), in the caller's process
 * context. The pair of programs marks the caller of a signalling ioctl on this CPU
 * (waker_state.ntsync_task), and the scheduler boosts a wakeup made under the mark (ntsync_boost), as for a
 * futex wake. ntsync_obj_ioctl() is the objects' file_operations.unlocked_ioctl, so it is never inlined; the
 * wake helpers beneath it are. A waiter that satisfies others while queuing itself (NTSYNC_IOC_WAIT_ANY or
 * _ALL on /dev/ntsync) is not seen. The module's BTF exists only while it is loaded: without it the loader
 * leaves both programs out and says so in the part's reason. The same preemptibility caveat as the futex hook.
 */
#define NTSYNC_IOC_TYPE 'N'
#define NTSYNC_NR_SEM_RELEASE 0x81
#define NTSYNC_NR_MUTEX_UNLOCK 0x85
#define NTSYNC_NR_MUTEX_KILL 0x86
#define NTSYNC_NR_EVENT_SET 0x88
#define NTSYNC_NR_EVENT_PULSE 0x8a

static __always_inline bool ntsync_signals(unsigned int cmd)
{
	u32 nr = cmd & 0xff;

	return ((cmd >> 8) & 0xff) == NTSYNC_IOC_TYPE &&
	       (nr == NTSYNC_NR_SEM_RELEASE || nr == NTSYNC_NR_MUTEX_UNLOCK || nr == NTSYNC_NR_MUTEX_KILL ||
		nr == NTSYNC_NR_EVENT_SET || nr == NTSYNC_NR_EVENT_PULSE);
}

SEC("fentry/ntsync_obj_ioctl")
int BPF_PROG(on_ntsync_ioctl, struct file *file, unsigned int cmd, unsigned long parm)
{
	struct scxg_waker_state *w;
	u64 *counters;

	if (!ntsync_signals(cmd))
		return 0;
	w = scxg_waker_state();
	counters = scxg_input_counters();
	if (w)
		WRITE_ONCE(w->ntsync_task, bpf_get_current_task());
	if (counters)
		scxg_count(counters, SCXG_STAT_NTSYNC_WAKES);
	return 0;
}

SEC("fexit/ntsync_obj_ioctl")
int BPF_PROG(on_ntsync_ioctl_exit, struct file *file, unsigned int cmd, unsigned long parm, long ret)
{
	struct scxg_waker_state *w = scxg_waker_state();

	if (w && ntsync_signals(cmd))
		WRITE_ONCE(w->ntsync_task, 0);
	return 0;
}
