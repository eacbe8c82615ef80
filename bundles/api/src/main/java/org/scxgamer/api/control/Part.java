package org.scxgamer.api.control;

/** The independently loaded parts of the core; one failing never takes the others down. */
public enum Part {
    /** The 16 ring buffers, shared maps and the userspace reader. */
    BUFFERS,
    /** The SEC("syscall") program that pushes given events through the real handling code. */
    INJECTOR,
    /** fentry on the input core (input_handle_event): every real keyboard, mouse and controller event. */
    INPUT_HOOK,
    /**
     * fentry/fexit on the input core's device registration and unregistration: a device is classified when it
     * connects and forgotten when it leaves. Without it devices are learned on their first event.
     */
    DEVICES,
    /**
     * fentry on the sound core's period callback (snd_pcm_period_elapsed): threads woken by sound periods are
     * classed audio by their behaviour. Needs the sound core (module snd-pcm) loaded when the kernel objects load.
     */
    AUDIO_HOOK,
    /**
     * fentry on the DRM core (drm_ioctl, drm_send_event_timestamp_locked): threads asking for page flips or
     * atomic commits are classed render, and every completed flip is a frame record (lane SCHED, type
     * {@code InputEvent.TYPE_FRAME}). Needs the DRM core (module drm) loaded when the kernel objects load.
     */
    RENDER_HOOK,
    /**
     * fentry/fexit on the kernel's futex wake calls (futex_wake, futex_wake_op): a thread woken by one was handed a
     * lock or an event and runs boosted (tunable boost.futex).
     */
    FUTEX_HOOK,
    /**
     * fentry/fexit on ntsync's object ioctl (ntsync_obj_ioctl, module ntsync): a thread woken by a semaphore release,
     * mutex unlock or event set there (Wine/Proton's NT synchronisation) was handed it and runs boosted (tunable
     * boost.ntsync). Needs the ntsync module loaded when the kernel objects load.
     */
    NTSYNC_HOOK,
    /** The sched_ext scheduler (struct_ops "scxgamer"). */
    SCHEDULER
}
