package org.scxgamer.core.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Metatype of PID {@code scxgamer.core} (runtime/etc/scxgamer.core.cfg). Only the description: the
 * values are read and validated by {@link CoreSettings}, so a bad value is reported with its key and
 * range instead of being coerced. Tunable defaults and ranges must equal {@link org.scxgamer.api.control.Tunable}
 * (a unit test checks it).
 */
@ObjectClassDefinition(id = CoreConfig.PID, name = "scxgamer core",
        description = "Ring buffers, device whitelist, parts to enable, scheduler restart policy and live tunables")
@interface CoreConfig {
    String PID = "scxgamer.core";

    @AttributeDefinition(name = "Ring buffer size (KiB)", min = "4", max = "16384",
            description = "Size of each of the 16 ring buffers in KiB, a power of two. Needs a kernel reload (done automatically).")
    int ring_size_kib() default 256;

    @AttributeDefinition(name = "Device cache (devices)", min = "1", max = "65536",
            description = "Input devices connected at once that the kernel side keeps classified; beyond it a device's events "
                    + "are classified one by one (counted in device.uncached). Needs a kernel reload (done automatically).")
    int device_cache_size() default 256;

    @AttributeDefinition(name = "Reader wait mode", options = {
            @Option(value = "blocking", label = "blocking: epoll wait, no CPU at idle"),
            @Option(value = "busy-poll", label = "busy-poll: lowest latency, one core stays busy")})
    String reader_wait() default "blocking";

    @AttributeDefinition(name = "Reader batching (us)", min = "0", max = "100000",
            description = "In blocking mode, after a drain that found events the reader waits this long before the next, so a "
                    + "stream of input wakes it at most 1000000 / N times a second (4000: 250) instead of once per event; "
                    + "subscribers see events up to this much later. 0: wake for every event (lowest delivery latency). "
                    + "The kernel's input boost does not wait for the reader. Applied live.")
    int reader_batch_us() default 4_000;

    @AttributeDefinition(name = "Device whitelist", cardinality = 1000,
            description = "Rules bus:vendor:product=action (hex ids or *, bus also usb, bluetooth, i8042, virtual; "
                    + "action mouse, keyboard, controller, auto, ignore). Unlisted devices are filtered. Applied live.")
    String[] whitelist() default {"usb:*:*=auto", "bluetooth:*:*=auto", "i8042:*:*=auto", "virtual:*:*=ignore"};

    @AttributeDefinition(name = "Input hook enabled", description = "The fentry kernel hooks: input (input_handle_event), device lifetimes, audio (snd_pcm_period_elapsed) and render (drm_ioctl, drm_send_event_timestamp_locked). Needs a kernel reload (done automatically).")
    boolean hook_enabled() default true;

    @AttributeDefinition(name = "Scheduler enabled", description = "The sched_ext scheduler. Needs a kernel reload (done automatically).")
    boolean scheduler_enabled() default true;

    @AttributeDefinition(name = "Injector enabled", description = "The event injector program. Needs a kernel reload (done automatically).")
    boolean injector_enabled() default true;

    @AttributeDefinition(name = "Scheduler restart policy", options = {
            @Option(value = "on-request", label = "on-request: when the exit code asks for it (SCX_ECODE_ACT_RESTART)"),
            @Option(value = "always", label = "always: after any exit the platform did not cause"),
            @Option(value = "never", label = "never")})
    String scheduler_restart() default "on-request";

    @AttributeDefinition(name = "Scheduler restart attempts", min = "0", max = "100",
            description = "Restarts in a row before giving up; the count resets after 60 s of stable running")
    int scheduler_restart_max_attempts() default 5;

    @AttributeDefinition(name = "Scheduler restart backoff (ms)", min = "100", max = "30000",
            description = "Delay before the first restart; doubles each attempt, at most 30 s")
    int scheduler_restart_backoff_ms() default 500;

    @AttributeDefinition(name = "Input window (us)", min = "100", max = "1000000")
    long input_window_us() default 5_000;

    @AttributeDefinition(name = "Mouse lane boost (us)", min = "0", max = "10000000")
    long boost_mouse_us() default 8_000;

    @AttributeDefinition(name = "Keyboard lane boost (us)", min = "0", max = "10000000")
    long boost_keyboard_us() default 1_000_000;

    @AttributeDefinition(name = "Controller lane boost (us)", min = "0", max = "10000000")
    long boost_controller_us() default 500_000;

    @AttributeDefinition(name = "Base slice (us)", min = "100", max = "100000")
    long slice_us() default 5_000;

    @AttributeDefinition(name = "Boosted slice (us)", min = "50", max = "100000")
    long slice_boosted_us() default 1_000;

    @AttributeDefinition(name = "Lag cap (us)", min = "0", max = "1000000")
    long lag_cap_us() default 20_000;

    @AttributeDefinition(name = "Continuous mode on (events/s)", min = "1", max = "100000")
    long continuous_on_rate() default 150;

    @AttributeDefinition(name = "Continuous mode off (events/s)", min = "0", max = "100000")
    long continuous_off_rate() default 75;

    @AttributeDefinition(name = "Input handler boost shift", min = "0", max = "16")
    long boost_input_shift() default 4;

    @AttributeDefinition(name = "Foreground boost shift", min = "0", max = "16")
    long boost_foreground_shift() default 2;

    @AttributeDefinition(name = "Preempt (0/1)", min = "0", max = "1")
    long preempt() default 1;

    @AttributeDefinition(name = "Classify by behaviour (0/1)", min = "0", max = "1")
    long classify_behaviour() default 1;

    @AttributeDefinition(name = "Audio boost shift", min = "0", max = "16",
            description = "Deadline shortening (slice >> shift) of audio threads, on every wakeup")
    long boost_audio_shift() default 3;

    @AttributeDefinition(name = "Classify audio by behaviour (0/1)", min = "0", max = "1",
            description = "Class threads mostly woken by the sound core's period callback (part AUDIO_HOOK) as audio threads")
    long classify_audio() default 1;

    @AttributeDefinition(name = "Preferred domain of the game", min = "0", max = "2",
            description = "Where input, audio and foreground threads are placed first: 0 = nowhere in particular, 1 = the fast cores, "
                    + "2 = the cache-rich LLC (X3D); background work avoids that domain")
    long topology_prefer() default 1;

    @AttributeDefinition(name = "Cache-rich CPUs", required = false,
            description = "CPU list (e.g. 0-7,16-23) of the cache-rich domain, where the kernel does not show it (LLC sizes alike); "
                    + "empty: the largest LLC")
    String topology_cache_cpus();

    @AttributeDefinition(name = "Fast CPUs", required = false,
            description = "CPU list of the fast domain, where the kernel does not show it; empty: the CPUs of highest capacity, "
                    + "preferred-core priority or maximum frequency")
    String topology_fast_cpus();
    @AttributeDefinition(name = "Render boost shift", min = "0", max = "16",
            description = "Deadline shortening (slice >> shift) of render threads, on every wakeup")
    long boost_render_shift() default 3;

    @AttributeDefinition(name = "Classify render threads by their KMS commits (0/1)", min = "0", max = "1",
            description = "Class threads that ask for page flips or atomic commits (part RENDER_HOOK) as render threads")
    long classify_render() default 1;

    @AttributeDefinition(name = "Render hold (ms)", min = "10", max = "60000",
            description = "How long a page flip or atomic commit keeps its thread classed render")
    long render_hold_ms() default 1000;

    @AttributeDefinition(name = "Futex hand-off boost (0/1)", min = "0", max = "1",
            description = "Boost a thread woken by a futex wake: a lock or event handed over (part FUTEX_HOOK)")
    long boost_futex() default 1;

    @AttributeDefinition(name = "Futex hand-off boost shift", min = "0", max = "16",
            description = "Deadline shortening (slice >> shift) of a futex hand-off's wakeup")
    long boost_futex_shift() default 3;

    @AttributeDefinition(name = "ntsync hand-off boost (0/1)", min = "0", max = "1",
            description = "Boost a thread woken by an ntsync object's signal: a Wine/Proton semaphore, mutex or event handed over (part NTSYNC_HOOK)")
    long boost_ntsync() default 1;

    @AttributeDefinition(name = "ntsync hand-off boost shift", min = "0", max = "16",
            description = "Deadline shortening (slice >> shift) of an ntsync hand-off's wakeup")
    long boost_ntsync_shift() default 3;

    // ---- debug only: not a product tunable; tests use it to make the scheduler fail on purpose ----

    @AttributeDefinition(name = "Debug only (tests): forced scheduler fault", min = "0", max = "2",
            description = "Not for production. 1 makes the scheduler call scx_bpf_error(), 2 parks background-class threads "
                    + "until the sched_ext watchdog ejects the scheduler; 0 (the default) is normal operation.")
    long debug_error() default 0;
}
