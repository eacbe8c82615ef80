/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scxgamer_render.bpf.o: the render hook (part RENDER_HOOK), an object of its own so that a kernel
 * without the DRM core (module drm), or one refusing these programs, loses this part only.
 *
 * on_drm_ioctl (fentry/drm_ioctl): every DRM ioctl passes here; all but the KMS page flip and
 * atomic commit are let go after two compares. The thread that asks for a flip is the one putting
 * frames on the screen (a compositor's KMS thread, gamescope, a game flipping directly): its commit
 * time goes into its render_tasks entry, and the scheduler classes it SCXG_CLASS_RENDER while its
 * last commit is recent (render_classify, render_hold_ms). Test-only atomic commits are not counted.
 *
 * on_drm_event (fentry/drm_send_event_timestamp_locked): every vblank and flip-completion event a
 * DRM driver sends passes here with its vblank timestamp (send_vblank_event() hands it on, whether
 * the driver sent it at once or armed it for the next vblank). Flip completions become
 * SCXG_TYPE_FRAME records with the interval since the CRTC's previous flip: frame pacing as the
 * display saw it.
 *
 * The DRM types are in the drm module's BTF, not vmlinux.h: the few fields used are declared here
 * (the ___scxg flavour) and relocated by CO-RE against the module's BTF.
 */
#include "scxgamer_common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* include/uapi/drm/drm.h, drm_mode.h */
#define DRM_IOCTL_BASE 'd'
#define DRM_NR_MODE_PAGE_FLIP 0xb0
#define DRM_NR_MODE_ATOMIC 0xbc
#define DRM_MODE_ATOMIC_TEST_ONLY 0x0100
#define DRM_EVENT_FLIP_COMPLETE 0x02

#define S32_MAX 0x7fffffff
/* CRTCs whose last flip is remembered (card x CRTC); more are counted but give no interval. */
#define SCXG_RENDER_MAX_CRTCS 64

struct drm_event___scxg {
	__u32 type;
} __attribute__((preserve_access_index));

struct drm_event_vblank___scxg {
	struct drm_event___scxg base;
	__u32 crtc_id;
} __attribute__((preserve_access_index));

struct drm_pending_event___scxg {
	struct drm_event___scxg *event;
} __attribute__((preserve_access_index));

/* Its first member is base (a struct drm_pending_event): the event sent is this. */
struct drm_pending_vblank_event___scxg {
	struct drm_pending_event___scxg base;
	unsigned int pipe;
} __attribute__((preserve_access_index));

struct drm_minor___scxg {
	int index;
} __attribute__((preserve_access_index));

struct drm_device___scxg {
	struct drm_minor___scxg *primary;
} __attribute__((preserve_access_index));

/* Last flip per CRTC (key SCXG_RENDER_CRTC_ID): bpf_ktime_get_ns() clock. Private to this object. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SCXG_RENDER_MAX_CRTCS);
	__type(key, u32);
	__type(value, u64);
} render_last_flip SEC(".maps");

SEC("fentry/drm_ioctl")
int BPF_PROG(on_drm_ioctl, struct file *filp, unsigned int cmd, unsigned long arg)
{
	u32 nr = cmd & 0xff, flags = 0;
	struct scxg_render_task *rt;
	u64 *counters;

	if (((cmd >> 8) & 0xff) != DRM_IOCTL_BASE || (nr != DRM_NR_MODE_PAGE_FLIP && nr != DRM_NR_MODE_ATOMIC))
		return 0;
	/* struct drm_mode_atomic starts with its flags; an unreadable one is taken for a real commit */
	if (nr == DRM_NR_MODE_ATOMIC && !bpf_probe_read_user(&flags, sizeof(flags), (void *)arg) &&
	    (flags & DRM_MODE_ATOMIC_TEST_ONLY))
		return 0;
	rt = bpf_task_storage_get(&render_tasks, bpf_get_current_task_btf(), 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (rt) {
		WRITE_ONCE(rt->last_commit_ns, bpf_ktime_get_ns());
		rt->commits++;
	}
	counters = scxg_input_counters();
	if (counters)
		scxg_count(counters, SCXG_STAT_RENDER_COMMITS);
	return 0;
}

/* The caller holds dev->event_lock: flips of one device are handled one at a time. */
SEC("fentry/drm_send_event_timestamp_locked")
int BPF_PROG(on_drm_event, struct drm_device___scxg *dev, struct drm_pending_vblank_event___scxg *e, s64 timestamp)
{
	struct drm_event_vblank___scxg *vbl = (void *)BPF_CORE_READ(e, base.event);
	u64 *counters = scxg_input_counters(), *last, ts = timestamp, interval = 0;
	u32 crtc;

	if (!vbl || BPF_CORE_READ(vbl, base.type) != DRM_EVENT_FLIP_COMPLETE || !counters)
		return 0;
	scxg_count(counters, SCXG_STAT_RENDER_FLIPS);
	crtc = SCXG_RENDER_CRTC_ID(BPF_CORE_READ(dev, primary, index), BPF_CORE_READ(vbl, crtc_id));
	last = bpf_map_lookup_elem(&render_last_flip, &crtc);
	if (last) {
		interval = ts > *last ? scxg_min(ts - *last, S32_MAX) : 0;
		*last = ts;
	} else {
		bpf_map_update_elem(&render_last_flip, &crtc, &ts, BPF_NOEXIST);
	}
	scxg_emit(counters, ts, crtc, SCXG_TYPE_FRAME, BPF_CORE_READ(e, pipe), interval, SCXG_LANE_SCHED, 0);
	return 0;
}
