package org.scxgamer.core.kernel;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import org.scxgamer.api.control.Part;
import org.scxgamer.api.control.PartState;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The hook object: the fentry input hook on the input core (part INPUT_HOOK), the device lifetime
 * programs on device (un)registration (part DEVICES) and the audio hook on the sound core's period
 * callback (part AUDIO_HOOK), the futex hook on the futex wake calls (part FUTEX_HOOK) and the ntsync hook on
 * ntsync's object ioctl (part NTSYNC_HOOK), attached where
 * the kernel lets us ({@link HookPlan}); one refused attach costs its own part only. Not thread-safe: used under {@link LibbpfKernel}'s lock.
 */
final class InputHook {
    private final BpfObjects objects;
    private final PartStates parts;
    private BpfObjects.Loaded hook;
    private Pointer hookLink;
    private int hookFd = -1;
    /** The device lifetime programs' links (part DEVICES). */
    private final List<Pointer> deviceLinks = new ArrayList<>();
    /** The audio hook's links (part AUDIO_HOOK), the futex hook's (part FUTEX_HOOK) and the ntsync hook's (part NTSYNC_HOOK). */
    private final List<Pointer> audioLinks = new ArrayList<>();
    private final List<Pointer> futexLinks = new ArrayList<>();
    private final List<Pointer> ntsyncLinks = new ArrayList<>();

    InputHook(BpfObjects objects, PartStates parts) {
        this.objects = objects;
        this.parts = parts;
    }

    void start(boolean enabled) {
        if (!enabled) {
            parts.set(Part.INPUT_HOOK, PartState.DISABLED, "disabled by configuration");
            parts.set(Part.DEVICES, PartState.DISABLED, "the input hook is disabled by configuration");
            parts.set(Part.AUDIO_HOOK, PartState.DISABLED, "the hook object is disabled by configuration (hook.enabled)");
            parts.set(Part.FUTEX_HOOK, PartState.DISABLED, "the hook object is disabled by configuration (hook.enabled)");
            parts.set(Part.NTSYNC_HOOK, PartState.DISABLED, "the hook object is disabled by configuration (hook.enabled)");
            return;
        }
        if (!Files.exists(LibbpfKernel.VMLINUX_BTF)) {
            parts.set(Part.INPUT_HOOK, PartState.UNAVAILABLE, "kernel has no BTF (" + LibbpfKernel.VMLINUX_BTF
                    + " missing): the fentry input hook needs CONFIG_DEBUG_INFO_BTF");
            parts.set(Part.DEVICES, PartState.UNAVAILABLE, "needs the input hook");
            parts.set(Part.AUDIO_HOOK, PartState.UNAVAILABLE, "kernel has no BTF: the fentry audio hook needs CONFIG_DEBUG_INFO_BTF");
            parts.set(Part.FUTEX_HOOK, PartState.UNAVAILABLE, "kernel has no BTF: the fentry futex hook needs CONFIG_DEBUG_INFO_BTF");
            parts.set(Part.NTSYNC_HOOK, PartState.UNAVAILABLE, "kernel has no BTF: the fentry ntsync hook needs CONFIG_DEBUG_INFO_BTF");
            return;
        }
        HookPlan plan = new HookPlan();
        try {
            while (true) {
                try {
                    hook = objects.load(Contract.HOOK_OBJECT, plan::apply);
                    break;
                } catch (LibbpfException e) {
                    if (!plan.withoutMissing(e)) {
                        throw e;
                    }
                }
            }
        } catch (LibbpfException | IllegalStateException e) {
            parts.set(Part.INPUT_HOOK, PartStates.failureState(e), reason(e));
            parts.set(Part.DEVICES, PartStates.failureState(e), "needs the input hook");
            parts.set(Part.AUDIO_HOOK, PartStates.failureState(e), "the hook object did not load: " + reason(e));
            parts.set(Part.FUTEX_HOOK, PartStates.failureState(e), "the hook object did not load: " + reason(e));
            parts.set(Part.NTSYNC_HOOK, PartStates.failureState(e), "the hook object did not load: " + reason(e));
            return;
        }
        if (plan.audio) {
            attachOptional(Part.AUDIO_HOOK, List.of(Contract.AUDIO_PROGRAM, Contract.AUDIO_EXIT_PROGRAM), audioLinks,
                    HookPlan.AUDIO_TARGET + " (entry and exit)");
        } else {
            parts.set(Part.AUDIO_HOOK, plan.audioLostState, plan.audioLost);
        }
        if (plan.futex) {
            attachOptional(Part.FUTEX_HOOK, HookPlan.FUTEX_PROGRAMS, futexLinks, String.join(" and ", HookPlan.FUTEX_TARGETS)
                    + " (entry and exit)");
        } else {
            parts.set(Part.FUTEX_HOOK, plan.futexLostState, plan.futexLost);
        }
        if (plan.ntsync) {
            attachOptional(Part.NTSYNC_HOOK, HookPlan.NTSYNC_PROGRAMS, ntsyncLinks, HookPlan.NTSYNC_TARGET + " (entry and exit)");
        } else {
            parts.set(Part.NTSYNC_HOOK, plan.ntsyncLostState, plan.ntsyncLost);
        }
        try {
            LibbpfLog.begin();
            Pointer link = Libbpf.bpf_program__attach(hook.program(Contract.HOOK_PROGRAM));
            if (link == null) {
                throw new LibbpfException("attaching " + Contract.HOOK_PROGRAM + " to " + plan.eventTarget, Native.getLastError(), LibbpfLog.lines());
            }
            hookLink = link;
            hookFd = Libbpf.bpf_program__fd(hook.program(Contract.HOOK_PROGRAM));
            parts.set(Part.INPUT_HOOK, PartState.ACTIVE, "attached to " + plan.eventTarget);
        } catch (LibbpfException | IllegalStateException e) {
            parts.set(Part.INPUT_HOOK, PartStates.failureState(e), reason(e));
            parts.set(Part.DEVICES, PartStates.failureState(e), "needs the input hook");
            return;
        }
        startDeviceTracking(plan);
    }

    /** Attaches an optional hook's programs into links, all or none; a refusal costs that part only. */
    private void attachOptional(Part part, List<String> programs, List<Pointer> links, String targets) {
        for (String program : programs) {
            LibbpfLog.begin();
            Pointer link = Libbpf.bpf_program__attach(hook.program(program));
            if (link == null) {
                parts.failed(part, new LibbpfException("attaching " + program + " to " + targets, Native.getLastError(), LibbpfLog.lines()));
                links.forEach(Libbpf::bpf_link__destroy);
                links.clear();
                return;
            }
            links.add(link);
        }
        parts.set(part, PartState.ACTIVE, "attached to " + targets);
    }

    /** Attaches the device lifetime programs the plan kept; part DEVICES says what the kernel lets us see. */
    private void startDeviceTracking(HookPlan plan) {
        List<String> seen = new ArrayList<>();
        try {
            if (plan.register) {
                attachDeviceProgram(Contract.REGISTER_PROGRAM, HookPlan.REGISTER_TARGET);
                attachDeviceProgram(Contract.REGISTER_EXIT_PROGRAM, HookPlan.REGISTER_TARGET);
                seen.add("registrations (" + HookPlan.REGISTER_TARGET + ")");
            }
            if (plan.unregisterTarget != null) {
                attachDeviceProgram(Contract.UNREGISTER_PROGRAM, plan.unregisterTarget);
                seen.add("unregistrations (" + plan.unregisterTarget + ")");
            }
        } catch (LibbpfException e) {
            parts.set(Part.DEVICES, PartState.FAILED, e.getMessage() + ": devices are learned on their first event");
            return;
        }
        List<String> reason = new ArrayList<>();
        if (!seen.isEmpty()) {
            reason.add("tracing " + String.join(" and ", seen));
        }
        reason.addAll(plan.lost);
        parts.set(Part.DEVICES, seen.isEmpty() ? PartState.UNAVAILABLE : PartState.ACTIVE, String.join("; ", reason));
    }

    private void attachDeviceProgram(String name, String target) {
        LibbpfLog.begin();
        Pointer link = Libbpf.bpf_program__attach(hook.program(name));
        if (link == null) {
            throw new LibbpfException("attaching " + name + " to " + target, Native.getLastError(), LibbpfLog.lines());
        }
        deviceLinks.add(link);
    }

    private static String reason(RuntimeException e) {
        if (e instanceof LibbpfException le && HookPlan.missingFunction(le, HookPlan.HOOK_FALLBACK_TARGET)) {
            return "kernel has neither " + HookPlan.HOOK_TARGET + " nor " + HookPlan.HOOK_FALLBACK_TARGET + " to hook (" + le.getMessage() + ")";
        }
        return PartStates.failureReason(e);
    }

    /** The hook program's recursion misses; 0 without an attached hook. */
    long misses() {
        if (hookFd < 0) {
            return 0;
        }
        Memory info = new Memory(Libbpf.PROG_INFO_SIZE);
        info.clear();
        Memory length = new Memory(4);
        length.setInt(0, Libbpf.PROG_INFO_SIZE);
        LibbpfLog.begin();
        BpfObjects.check(Libbpf.bpf_prog_get_info_by_fd(hookFd, info, length), "reading the input hook's program info");
        return info.getLong(Libbpf.PROG_INFO_RECURSION_MISSES);
    }

    /** Detaches the programs and closes the hook object. */
    void close() {
        if (hookLink != null) {
            Libbpf.bpf_link__destroy(hookLink);
            hookLink = null;
            hookFd = -1;
        }
        deviceLinks.forEach(Libbpf::bpf_link__destroy);
        deviceLinks.clear();
        audioLinks.forEach(Libbpf::bpf_link__destroy);
        audioLinks.clear();
        futexLinks.forEach(Libbpf::bpf_link__destroy);
        futexLinks.clear();
        ntsyncLinks.forEach(Libbpf::bpf_link__destroy);
        ntsyncLinks.clear();
        if (hook != null) {
            hook.close();
            hook = null;
        }
    }
}
