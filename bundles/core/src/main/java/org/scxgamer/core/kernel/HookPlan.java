package org.scxgamer.core.kernel;

import java.util.ArrayList;
import java.util.List;

import org.scxgamer.api.control.PartState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.jna.Pointer;

/**
 * The hook object's attach targets, adjusted one missing kernel function at a time (libbpf resolves
 * every target before it loads, so one missing function fails the whole object). What a missing
 * function costs is said in {@link #lost}, for part DEVICES, in {@link #audioLost}, for part AUDIO_HOOK, in
 * {@link #futexLost}, for part FUTEX_HOOK, and in {@link #ntsyncLost}, for part NTSYNC_HOOK.
 */
final class HookPlan {
    private static final Logger LOG = LoggerFactory.getLogger(HookPlan.class);
    /**
     * The input hook's attach point: the input core calls it for every event with the device's event lock
     * held and interrupts off, so the hook cannot be preempted there and re-entered on its CPU (a re-entered
     * fentry program is skipped by the kernel: the event would be missed).
     */
    static final String HOOK_TARGET = "input_handle_event";
    /** For kernels where {@link #HOOK_TARGET} is not traceable: every driver event passes here too, preemptibly. */
    static final String HOOK_FALLBACK_TARGET = "input_event";
    /** Where every input device registers (part DEVICES). */
    static final String REGISTER_TARGET = "input_register_device";
    /** The unregistration of plain and devm-managed devices alike. */
    static final String UNREGISTER_TARGET = "__input_unregister_device";
    /** Exported, but devm-managed devices unregister without passing it. */
    static final String UNREGISTER_FALLBACK_TARGET = "input_unregister_device";
    /** The sound core's period callback (part AUDIO_HOOK), in module snd-pcm. */
    static final String AUDIO_TARGET = "snd_pcm_period_elapsed";
    /** The futex wake calls (part FUTEX_HOOK): FUTEX_WAKE and futex2's wake, and FUTEX_WAKE_OP. */
    static final List<String> FUTEX_TARGETS = List.of("futex_wake", "futex_wake_op");
    static final List<String> FUTEX_PROGRAMS = List.of(Contract.FUTEX_WAKE_PROGRAM, Contract.FUTEX_WAKE_EXIT_PROGRAM,
            Contract.FUTEX_WAKE_OP_PROGRAM, Contract.FUTEX_WAKE_OP_EXIT_PROGRAM);
    /** ntsync's object ioctl (part NTSYNC_HOOK), in module ntsync: semaphore release, mutex unlock, event set wake there. */
    static final String NTSYNC_TARGET = "ntsync_obj_ioctl";
    static final List<String> NTSYNC_PROGRAMS = List.of(Contract.NTSYNC_PROGRAM, Contract.NTSYNC_EXIT_PROGRAM);

    String eventTarget = HOOK_TARGET;
    boolean register = true;
    /** null: unregistrations are not traced. */
    String unregisterTarget = UNREGISTER_TARGET;
    final List<String> lost = new ArrayList<>();
    boolean audio = true;
    /** Why the audio hook was left out, and the state that means for part AUDIO_HOOK; null while it is planned. */
    String audioLost;
    PartState audioLostState;
    boolean futex = true;
    /** Why the futex hook was left out, and the state that means for part FUTEX_HOOK; null while it is planned. */
    String futexLost;
    PartState futexLostState;
    boolean ntsync = true;
    /** Why the ntsync hook was left out, and the state that means for part NTSYNC_HOOK; null while it is planned. */
    String ntsyncLost;
    PartState ntsyncLostState;

    void apply(Pointer obj) {
        if (!HOOK_TARGET.equals(eventTarget)) {
            BpfObjects.check(Libbpf.bpf_program__set_attach_target(BpfObjects.program(obj, Contract.HOOK_PROGRAM), 0, eventTarget),
                    "retargeting the input hook to " + eventTarget);
        }
        if (!register) {
            Libbpf.bpf_program__set_autoload(BpfObjects.program(obj, Contract.REGISTER_PROGRAM), (byte) 0);
            Libbpf.bpf_program__set_autoload(BpfObjects.program(obj, Contract.REGISTER_EXIT_PROGRAM), (byte) 0);
        }
        if (!audio) {
            Libbpf.bpf_program__set_autoload(BpfObjects.program(obj, Contract.AUDIO_PROGRAM), (byte) 0);
            Libbpf.bpf_program__set_autoload(BpfObjects.program(obj, Contract.AUDIO_EXIT_PROGRAM), (byte) 0);
        }
        if (!futex) {
            FUTEX_PROGRAMS.forEach(p -> Libbpf.bpf_program__set_autoload(BpfObjects.program(obj, p), (byte) 0));
        }
        if (!ntsync) {
            NTSYNC_PROGRAMS.forEach(p -> Libbpf.bpf_program__set_autoload(BpfObjects.program(obj, p), (byte) 0));
        }
        if (unregisterTarget == null) {
            Libbpf.bpf_program__set_autoload(BpfObjects.program(obj, Contract.UNREGISTER_PROGRAM), (byte) 0);
        } else if (!UNREGISTER_TARGET.equals(unregisterTarget)) {
            BpfObjects.check(Libbpf.bpf_program__set_attach_target(BpfObjects.program(obj, Contract.UNREGISTER_PROGRAM), 0, unregisterTarget),
                    "retargeting " + Contract.UNREGISTER_PROGRAM + " to " + unregisterTarget);
        }
    }

    /**
     * Retargets or leaves out the program whose function libbpf did not find, or an optional hook's programs
     * (audio, futex, ntsync) when the kernel refused to load them; false when the failure is something else, or the event hook has no target left.
     */
    boolean withoutMissing(LibbpfException e) {
        if (HOOK_TARGET.equals(eventTarget) && missingFunction(e, HOOK_TARGET)) {
            LOG.warn("Kernel has no traceable {}: hooking {} instead, where an event that arrives while the hook is "
                    + "preempted on the same CPU is missed by the kernel (counted in events.missed.hook)", HOOK_TARGET, HOOK_FALLBACK_TARGET);
            eventTarget = HOOK_FALLBACK_TARGET;
            return true;
        }
        if (audio && missingFunction(e, AUDIO_TARGET)) {
            return loseAudio(PartState.UNAVAILABLE, "kernel has no traceable " + AUDIO_TARGET + " (the sound core, module snd-pcm,"
                    + " was not loaded when the kernel objects loaded): audio threads are classed by policy only");
        }
        if (audio && (e.libbpfSays().contains("prog '" + Contract.AUDIO_PROGRAM + "'")
                || e.libbpfSays().contains("prog '" + Contract.AUDIO_EXIT_PROGRAM + "'"))) {
            return loseAudio(PartStates.failureState(e), "the kernel refused the audio hook (" + PartStates.failureReason(e)
                    + "): audio threads are classed by policy only");
        }
        if (futex && FUTEX_TARGETS.stream().anyMatch(f -> missingFunction(e, f))) {
            return loseFutex(PartState.UNAVAILABLE, "kernel has no traceable " + String.join(" or ", FUTEX_TARGETS)
                    + ": futex hand-offs are not boosted");
        }
        if (futex && FUTEX_PROGRAMS.stream().anyMatch(p -> e.libbpfSays().contains("prog '" + p + "'"))) {
            return loseFutex(PartStates.failureState(e), "the kernel refused the futex hook (" + PartStates.failureReason(e)
                    + "): futex hand-offs are not boosted");
        }
        if (ntsync && missingFunction(e, NTSYNC_TARGET)) {
            return loseNtsync(PartState.UNAVAILABLE, "kernel has no traceable " + NTSYNC_TARGET + " (module ntsync was not"
                    + " loaded when the kernel objects loaded): ntsync hand-offs are not boosted");
        }
        if (ntsync && NTSYNC_PROGRAMS.stream().anyMatch(p -> e.libbpfSays().contains("prog '" + p + "'"))) {
            return loseNtsync(PartStates.failureState(e), "the kernel refused the ntsync hook (" + PartStates.failureReason(e)
                    + "): ntsync hand-offs are not boosted");
        }
        if (register && missingFunction(e, REGISTER_TARGET)) {
            register = false;
            return lose("kernel has no traceable " + REGISTER_TARGET
                    + ": devices are classified on their first event, not when they connect");
        }
        if (UNREGISTER_TARGET.equals(unregisterTarget) && missingFunction(e, UNREGISTER_TARGET)) {
            unregisterTarget = UNREGISTER_FALLBACK_TARGET;
            return lose("kernel has no traceable " + UNREGISTER_TARGET + ": devm-managed devices stay listed after they"
                    + " unplug, until another device registers at their address");
        }
        if (UNREGISTER_FALLBACK_TARGET.equals(unregisterTarget) && missingFunction(e, UNREGISTER_FALLBACK_TARGET)) {
            unregisterTarget = null;
            lost.removeIf(l -> l.contains(UNREGISTER_TARGET + ":"));
            return lose("kernel has neither " + UNREGISTER_TARGET + " nor " + UNREGISTER_FALLBACK_TARGET
                    + " to trace: unplugged devices stay listed until another device registers at their address"
                    + (register ? "" : ", and one allocated where an unplugged device was may be taken for it"));
        }
        return false;
    }

    private boolean loseAudio(PartState state, String why) {
        LOG.warn("Audio hook: {}", why);
        audio = false;
        audioLostState = state;
        audioLost = why;
        return true;
    }

    private boolean loseFutex(PartState state, String why) {
        LOG.warn("Futex hook: {}", why);
        futex = false;
        futexLostState = state;
        futexLost = why;
        return true;
    }

    private boolean loseNtsync(PartState state, String why) {
        LOG.warn("ntsync hook: {}", why);
        ntsync = false;
        ntsyncLostState = state;
        ntsyncLost = why;
        return true;
    }

    private boolean lose(String what) {
        LOG.warn("Input device tracking: {}", what);
        lost.add(what);
        return true;
    }

    /** libbpf could not find this function among the kernel's traceable ones (its message quotes the name). */
    static boolean missingFunction(LibbpfException e, String function) {
        return (e.errno() == Errno.ESRCH || e.errno() == Errno.ENOENT) && e.libbpfSays().contains("'" + function + "'");
    }
}
