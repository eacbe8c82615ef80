package org.scxgamer.core.kernel;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.scxgamer.api.control.Part;
import org.scxgamer.api.control.PartState;
import org.scxgamer.api.control.PartStatus;

/**
 * Each part's state and reason as the loader and the scheduler link found them. Part states:
 * UNAVAILABLE when the kernel or its policy does not offer what a part needs, so the same object would
 * work on a capable kernel — EPERM (lockdown, missing capabilities), ENOTSUPP / EOPNOTSUPP / ENOSYS, no
 * BTF or no traced function, no sched_ext, another sched_ext scheduler active. FAILED for everything
 * else, in particular the verifier or libbpf rejecting an object (EACCES, EINVAL, ELF/BTF errors): that
 * is a defect of the object, and the reason carries libbpf's message. Not thread-safe: used under
 * {@link LibbpfKernel}'s lock.
 */
final class PartStates {
    private final Map<Part, PartStatus> parts = new EnumMap<>(Part.class);

    void set(Part part, PartState state, String reason) {
        parts.put(part, new PartStatus(part, state, reason));
    }

    /** Sets the state and reason a load or attach failure means (see the class comment). */
    void failed(Part part, RuntimeException e) {
        set(part, failureState(e), failureReason(e));
    }

    boolean reported(Part part) {
        return parts.containsKey(part);
    }

    List<PartStatus> all() {
        return List.copyOf(parts.values());
    }

    /** @throws IllegalStateException naming the part's state and reason unless it is ACTIVE */
    void require(Part part) {
        PartStatus status = parts.get(part);
        if (status == null || status.state() != PartState.ACTIVE) {
            throw new IllegalStateException(part + " is " + (status == null ? "not loaded"
                    : status.state() + (status.reason().isEmpty() ? "" : ": " + status.reason())));
        }
    }

    /** "BUFFERS ACTIVE; INPUT_HOOK FAILED: …", for messages about a missing map. */
    String summary() {
        StringBuilder sb = new StringBuilder();
        for (PartStatus s : parts.values()) {
            sb.append(sb.length() == 0 ? "" : "; ").append(s.part()).append(' ').append(s.state());
            if (!s.reason().isEmpty()) {
                sb.append(": ").append(s.reason());
            }
        }
        return sb.toString();
    }

    /** UNAVAILABLE for refusals by the kernel or its policy, FAILED for defects (see the class comment). */
    static PartState failureState(RuntimeException e) {
        if (e instanceof LibbpfException le) {
            switch (le.errno()) {
                case Errno.EPERM, Errno.ENOTSUPP, Errno.EOPNOTSUPP, Errno.ENOSYS:
                    return PartState.UNAVAILABLE;
                case Errno.ESRCH, Errno.ENOENT:
                    // libbpf: the traced function or kernel BTF type is missing
                    return le.libbpfSays().contains("BTF") ? PartState.UNAVAILABLE : PartState.FAILED;
                default:
                    return PartState.FAILED;
            }
        }
        return PartState.FAILED;
    }

    static String failureReason(RuntimeException e) {
        if (e instanceof LibbpfException le) {
            return switch (le.errno()) {
                case Errno.EPERM -> refusalPrefix(le) + le.errnoName() + (le.firstLine().isEmpty() ? "" : " (libbpf: " + le.firstLine() + ")");
                case Errno.ENOTSUPP, Errno.EOPNOTSUPP, Errno.ENOSYS -> "kernel does not support it: " + le.getMessage();
                default -> le.getMessage();
            };
        }
        return e.getMessage();
    }

    private static String refusalPrefix(LibbpfException e) {
        String what = e.getMessage();
        if (what.contains(Contract.HOOK_OBJECT)) {
            return "kernel refuses tracing programs: ";
        }
        if (what.contains(Contract.SCHED_OBJECT)) {
            return "kernel refuses struct_ops programs: ";
        }
        return "kernel refuses BPF (needs root, or CAP_BPF and CAP_PERFMON): ";
    }
}
