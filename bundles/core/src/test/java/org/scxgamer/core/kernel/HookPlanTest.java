package org.scxgamer.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.scxgamer.api.control.PartState;

/**
 * The loader's answer to a kernel that lacks a function the hook object traces (libbpf fails the whole
 * object on the first target it cannot find): retarget or leave out that one program, keep the rest.
 */
class HookPlanTest {

    /** What libbpf 1.4 says when an fentry/fexit target is not in the kernel's BTF. */
    static LibbpfException missing(String function) {
        return new LibbpfException("loading " + Contract.HOOK_OBJECT, Errno.ESRCH,
                List.of("libbpf: prog 'p': failed to find kernel BTF type ID of '" + function + "': -3",
                        "libbpf: prog 'p': failed to prepare load attributes: -3"));
    }

    @Test
    void unregistrationFallsBackThenGoesAloneNeverTakingTheRestDown() {
        HookPlan plan = new HookPlan();
        assertThat(plan.withoutMissing(missing("__input_unregister_device"))).isTrue();
        assertThat(plan.unregisterTarget).isEqualTo("input_unregister_device");
        assertThat(plan.lost).singleElement().asString().startsWith("kernel has no traceable __input_unregister_device: devm-managed");
        assertThat(plan.withoutMissing(missing("__input_unregister_device"))).as("already moved: something else is wrong").isFalse();

        assertThat(plan.withoutMissing(missing("input_unregister_device"))).isTrue();
        assertThat(plan.unregisterTarget).isNull();
        assertThat(plan.lost).singleElement().asString()
                .startsWith("kernel has neither __input_unregister_device nor input_unregister_device to trace");
        assertThat(plan.register).isTrue();
        assertThat(plan.eventTarget).isEqualTo("input_handle_event");
    }

    @Test
    void registrationAndTheEventHookAreIndependent() {
        HookPlan plan = new HookPlan();
        assertThat(plan.withoutMissing(missing("input_register_device"))).isTrue();
        assertThat(plan.register).isFalse();
        assertThat(plan.unregisterTarget).isEqualTo("__input_unregister_device");
        assertThat(plan.withoutMissing(missing("input_handle_event"))).isTrue();
        assertThat(plan.eventTarget).isEqualTo("input_event");
        assertThat(plan.withoutMissing(missing("input_event"))).as("the event hook has no target left").isFalse();
        assertThat(plan.lost).singleElement().asString().contains("classified on their first event");
    }

    @Test
    void aKernelWithoutTheSoundCoreLosesTheAudioHookOnly() {
        HookPlan plan = new HookPlan();
        assertThat(plan.withoutMissing(missing("snd_pcm_period_elapsed"))).isTrue();
        assertThat(plan.audio).isFalse();
        assertThat(plan.audioLostState).isEqualTo(PartState.UNAVAILABLE);
        assertThat(plan.audioLost).startsWith("kernel has no traceable snd_pcm_period_elapsed").contains("module snd-pcm");
        assertThat(plan.withoutMissing(missing("snd_pcm_period_elapsed"))).as("already left out: something else is wrong").isFalse();
        assertThat(plan.lost).as("part DEVICES loses nothing").isEmpty();
        assertThat(plan.register).isTrue();
        assertThat(plan.unregisterTarget).isEqualTo("__input_unregister_device");
        assertThat(plan.eventTarget).isEqualTo("input_handle_event");
    }

    @Test
    void aRefusedAudioProgramIsLeftOutAndTheRestLoads() {
        HookPlan plan = new HookPlan();
        LibbpfException refused = new LibbpfException("loading " + Contract.HOOK_OBJECT, Errno.EACCES,
                List.of("libbpf: prog 'on_pcm_period': BPF program load failed: Permission denied",
                        "libbpf: prog 'on_pcm_period': -- BEGIN PROG LOAD LOG --", "R1 invalid mem access 'scalar'",
                        "libbpf: prog 'on_pcm_period': -- END PROG LOAD LOG --"));
        assertThat(plan.withoutMissing(refused)).isTrue();
        assertThat(plan.audio).isFalse();
        assertThat(plan.audioLostState).isEqualTo(PartState.FAILED);
        assertThat(plan.audioLost).startsWith("the kernel refused the audio hook (").contains("R1 invalid mem access 'scalar'");
        assertThat(plan.withoutMissing(refused)).as("already left out: something else is wrong").isFalse();
        assertThat(plan.withoutMissing(new LibbpfException("loading " + Contract.HOOK_OBJECT, Errno.EACCES,
                List.of("libbpf: prog 'on_input_event': BPF program load failed: Permission denied"))))
                .as("the input hook's refusal is not the audio hook's").isFalse();
        assertThat(plan.lost).isEmpty();
    }

    @Test
    void aKernelWithoutTheFutexWakeCallsLosesTheFutexHookOnly() {
        HookPlan plan = new HookPlan();
        assertThat(plan.withoutMissing(missing("futex_wake_op"))).isTrue();
        assertThat(plan.futex).isFalse();
        assertThat(plan.futexLostState).isEqualTo(PartState.UNAVAILABLE);
        assertThat(plan.futexLost).isEqualTo("kernel has no traceable futex_wake or futex_wake_op: futex hand-offs are not boosted");
        assertThat(plan.withoutMissing(missing("futex_wake"))).as("already left out: something else is wrong").isFalse();
        assertThat(plan.audio).isTrue();
        assertThat(plan.lost).isEmpty();
    }

    @Test
    void aRefusedFutexProgramIsLeftOutAndTheRestLoads() {
        HookPlan plan = new HookPlan();
        assertThat(plan.withoutMissing(new LibbpfException("loading " + Contract.HOOK_OBJECT, Errno.EACCES,
                List.of("libbpf: prog 'on_futex_wake_op_exit': BPF program load failed: Permission denied")))).isTrue();
        assertThat(plan.futex).isFalse();
        assertThat(plan.futexLostState).isEqualTo(PartState.FAILED);
        assertThat(plan.futexLost).startsWith("the kernel refused the futex hook (");
        assertThat(plan.audio).isTrue();
    }

    @Test
    void aKernelWithoutTheNtsyncModuleLosesTheNtsyncHookOnly() {
        HookPlan plan = new HookPlan();
        assertThat(plan.withoutMissing(missing("ntsync_obj_ioctl"))).isTrue();
        assertThat(plan.ntsync).isFalse();
        assertThat(plan.ntsyncLostState).isEqualTo(PartState.UNAVAILABLE);
        assertThat(plan.ntsyncLost).startsWith("kernel has no traceable ntsync_obj_ioctl").contains("module ntsync")
                .endsWith(": ntsync hand-offs are not boosted");
        assertThat(plan.withoutMissing(missing("ntsync_obj_ioctl"))).as("already left out: something else is wrong").isFalse();
        assertThat(plan.futex).isTrue();
        assertThat(plan.audio).isTrue();
        assertThat(plan.lost).isEmpty();
    }

    @Test
    void aRefusedNtsyncProgramIsLeftOutAndTheRestLoads() {
        HookPlan plan = new HookPlan();
        assertThat(plan.withoutMissing(new LibbpfException("loading " + Contract.HOOK_OBJECT, Errno.EACCES,
                List.of("libbpf: prog 'on_ntsync_ioctl_exit': BPF program load failed: Permission denied")))).isTrue();
        assertThat(plan.ntsync).isFalse();
        assertThat(plan.ntsyncLostState).isEqualTo(PartState.FAILED);
        assertThat(plan.ntsyncLost).startsWith("the kernel refused the ntsync hook (");
        assertThat(plan.futex).isTrue();
        assertThat(plan.audio).isTrue();
    }

    @Test
    void otherFailuresAreNotMissingFunctions() {
        HookPlan plan = new HookPlan();
        assertThat(plan.withoutMissing(new LibbpfException("loading " + Contract.HOOK_OBJECT, Errno.EPERM,
                List.of("libbpf: prog 'on_device_register': failed to load: -1")))).isFalse();
        assertThat(plan.withoutMissing(missing("some_other_function"))).isFalse();
        assertThat(plan.lost).isEmpty();
        assertThat(plan.audio).isTrue();
        assertThat(plan.futex).isTrue();
        assertThat(plan.ntsync).isTrue();
        assertThat(plan.register).isTrue();
        assertThat(plan.unregisterTarget).isEqualTo("__input_unregister_device");
    }
}
