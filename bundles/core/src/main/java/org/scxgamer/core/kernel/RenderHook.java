package org.scxgamer.core.kernel;

import java.nio.file.Files;

import org.scxgamer.api.control.Part;
import org.scxgamer.api.control.PartState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The render hook (part RENDER_HOOK), an object of its own: fentry on the DRM core's ioctl entry marks the
 * threads that ask for page flips or atomic commits (the scheduler classes them render), and fentry on its
 * event sending turns every completed flip into a frame record. A kernel without the DRM core (module drm),
 * or one refusing these programs, costs this part only; one without the flip function, or refusing its
 * program, keeps the commits and loses the frame records, as the part's reason says. Not thread-safe: used
 * under {@link LibbpfKernel}'s lock.
 */
final class RenderHook {
    private static final Logger LOG = LoggerFactory.getLogger(RenderHook.class);
    /** Every DRM ioctl enters here (module drm); the program keeps the KMS page flip and atomic commit. */
    static final String COMMIT_TARGET = "drm_ioctl";
    /** Every vblank and flip-completion event a DRM driver sends passes here, with its vblank time. */
    static final String FLIP_TARGET = "drm_send_event_timestamp_locked";
    static final String NO_DRM = "kernel has no traceable " + COMMIT_TARGET + " (the DRM core, module drm, was not loaded when the"
            + " kernel objects loaded): render threads are classed by policy only, and no frames are recorded";

    private final BpfObjects objects;
    private final PartStates parts;
    private BpfObjects.Loaded render;
    private Pointer commitLink;
    private Pointer flipLink;

    RenderHook(BpfObjects objects, PartStates parts) {
        this.objects = objects;
        this.parts = parts;
    }

    /** What the object loads with: both programs, or the commit program alone (and why). */
    static final class Plan {
        boolean flips = true;
        /** Why the flip program was left out; null while it is planned. */
        String flipsLost;

        void apply(Pointer obj) {
            if (!flips) {
                Libbpf.bpf_program__set_autoload(BpfObjects.program(obj, Contract.RENDER_FLIP_PROGRAM), (byte) 0);
            }
        }

        /**
         * Leaves the flip program out when its function is missing or the kernel refused it; false for
         * anything else, which costs the whole part.
         */
        boolean withoutFlips(LibbpfException e) {
            if (!flips) {
                return false;
            }
            if (HookPlan.missingFunction(e, FLIP_TARGET)) {
                flipsLost = "kernel has no traceable " + FLIP_TARGET + ": no frame records";
            } else if (e.libbpfSays().contains("prog '" + Contract.RENDER_FLIP_PROGRAM + "'")
                    && !HookPlan.missingFunction(e, COMMIT_TARGET)) {
                flipsLost = "the kernel refused the flip program (" + PartStates.failureReason(e) + "): no frame records";
            } else {
                return false;
            }
            LOG.warn("Render hook: {}", flipsLost);
            flips = false;
            return true;
        }
    }

    void start(boolean enabled) {
        if (!enabled) {
            parts.set(Part.RENDER_HOOK, PartState.DISABLED, "the kernel hooks are disabled by configuration (hook.enabled)");
            return;
        }
        if (!Files.exists(LibbpfKernel.VMLINUX_BTF)) {
            parts.set(Part.RENDER_HOOK, PartState.UNAVAILABLE, "kernel has no BTF: the fentry render hook needs CONFIG_DEBUG_INFO_BTF");
            return;
        }
        Plan plan = new Plan();
        try {
            while (true) {
                try {
                    render = objects.load(Contract.RENDER_OBJECT, plan::apply);
                    break;
                } catch (LibbpfException e) {
                    if (!plan.withoutFlips(e)) {
                        throw e;
                    }
                }
            }
            commitLink = attach(Contract.RENDER_COMMIT_PROGRAM, COMMIT_TARGET);
            if (plan.flips) {
                flipLink = attach(Contract.RENDER_FLIP_PROGRAM, FLIP_TARGET);
            }
        } catch (LibbpfException | IllegalStateException e) {
            close();
            if (e instanceof LibbpfException le && HookPlan.missingFunction(le, COMMIT_TARGET)) {
                parts.set(Part.RENDER_HOOK, PartState.UNAVAILABLE, NO_DRM);
            } else {
                parts.set(Part.RENDER_HOOK, PartStates.failureState(e), "the render hook did not load: " + PartStates.failureReason(e));
            }
            return;
        }
        parts.set(Part.RENDER_HOOK, PartState.ACTIVE, "attached to " + COMMIT_TARGET
                + (plan.flips ? " and " + FLIP_TARGET : "; " + plan.flipsLost));
    }

    private Pointer attach(String program, String target) {
        LibbpfLog.begin();
        Pointer link = Libbpf.bpf_program__attach(render.program(program));
        if (link == null) {
            throw new LibbpfException("attaching " + program + " to " + target, Native.getLastError(), LibbpfLog.lines());
        }
        return link;
    }

    /** Detaches the programs and closes the object. */
    void close() {
        if (flipLink != null) {
            Libbpf.bpf_link__destroy(flipLink);
            flipLink = null;
        }
        if (commitLink != null) {
            Libbpf.bpf_link__destroy(commitLink);
            commitLink = null;
        }
        if (render != null) {
            render.close();
            render = null;
        }
    }
}
