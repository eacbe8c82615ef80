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
    /** The sched_ext scheduler (struct_ops "scxgamer"). */
    SCHEDULER
}
