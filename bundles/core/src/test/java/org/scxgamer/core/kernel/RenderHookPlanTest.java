package org.scxgamer.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.scxgamer.core.kernel.HookPlanTest.missing;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The render hook's answer to a kernel that lacks or refuses its flip program (frame records): the commit
 * program loads alone. Anything about the commit program costs the whole part.
 */
class RenderHookPlanTest {

    @Test
    void aMissingFlipFunctionLeavesTheFlipProgramOutOnce() {
        RenderHook.Plan plan = new RenderHook.Plan();
        assertThat(plan.withoutFlips(missing("drm_send_event_timestamp_locked"))).isTrue();
        assertThat(plan.flips).isFalse();
        assertThat(plan.flipsLost).isEqualTo("kernel has no traceable drm_send_event_timestamp_locked: no frame records");
        assertThat(plan.withoutFlips(missing("drm_send_event_timestamp_locked"))).as("already left out: something else is wrong").isFalse();
    }

    @Test
    void aRefusedFlipProgramIsLeftOutWithTheVerifiersReason() {
        RenderHook.Plan plan = new RenderHook.Plan();
        LibbpfException refused = new LibbpfException("loading " + Contract.RENDER_OBJECT, Errno.EACCES,
                List.of("libbpf: prog 'on_drm_event': BPF program load failed: Permission denied",
                        "libbpf: prog 'on_drm_event': -- BEGIN PROG LOAD LOG --", "R2 invalid mem access 'scalar'",
                        "libbpf: prog 'on_drm_event': -- END PROG LOAD LOG --"));
        assertThat(plan.withoutFlips(refused)).isTrue();
        assertThat(plan.flips).isFalse();
        assertThat(plan.flipsLost).startsWith("the kernel refused the flip program (").contains("R2 invalid mem access 'scalar'");
    }

    @Test
    void theCommitProgramsTroubleIsNotTheFlipPrograms() {
        RenderHook.Plan plan = new RenderHook.Plan();
        assertThat(plan.withoutFlips(missing("drm_ioctl"))).as("no DRM core: the whole part goes").isFalse();
        assertThat(plan.withoutFlips(new LibbpfException("loading " + Contract.RENDER_OBJECT, Errno.EACCES,
                List.of("libbpf: prog 'on_drm_ioctl': BPF program load failed: Permission denied")))).isFalse();
        assertThat(plan.flips).isTrue();
        assertThat(plan.flipsLost).isNull();
    }
}
