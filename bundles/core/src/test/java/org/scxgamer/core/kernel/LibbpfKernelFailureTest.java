package org.scxgamer.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scxgamer.api.control.InjectResult;
import org.scxgamer.api.control.InjectedEvent;
import org.scxgamer.api.control.Part;
import org.scxgamer.api.control.PartState;
import org.scxgamer.api.control.PartStatus;
import org.scxgamer.api.control.WhitelistRule;

/** One broken or disabled part never takes the others down, and says what libbpf said. */
class LibbpfKernelFailureTest {
    private static final InjectedEvent MOUSE = new InjectedEvent(5, 0x03, 0x046d, 0x1, 2, 0, 1);

    @BeforeAll
    static void hostCanRunBpf() {
        try (LibbpfKernel k = LibbpfKernel.open(LibbpfKernel.Options.defaults().withRingBytes(64 * 1024))) {
            LibbpfKernelHostTest.requireHostBpf(k);
        }
    }

    private static PartStatus status(Kernel k, Part part) {
        return LibbpfKernelHostTest.status(k, part);
    }

    private static LibbpfKernel.Options replacing(String object, byte[] bytes) {
        return LibbpfKernel.Options.defaults().withRingBytes(64 * 1024)
                .withObjects(name -> name.equals(object) ? bytes : LibbpfKernel.bundledObject(name));
    }

    /** The rings still carry injected events. */
    private static void assertInjectionWorks(Kernel k) throws Exception {
        k.setRules(List.of(WhitelistRule.parse("usb:046d:*=mouse")));
        InjectResult r = HostCpu.on(0, () -> k.inject(List.of(MOUSE), 10, true));
        assertThat(r).isEqualTo(new InjectResult(10, 0, 0));
        assertThat(Records.drainAll(k.rings())).extracting(Records.Rec::value).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    }

    @Test
    void garbageHookObjectFailsWithLibbpfsMessageAndTheRestWorks() throws Exception {
        byte[] garbage = new byte[4096];
        Arrays.fill(garbage, (byte) 0x5a);
        try (LibbpfKernel k = LibbpfKernel.open(replacing(Contract.HOOK_OBJECT, garbage))) {
            PartStatus hook = status(k, Part.INPUT_HOOK);
            assertThat(hook.state()).isEqualTo(PartState.FAILED);
            assertThat(hook.reason()).startsWith("opening " + Contract.HOOK_OBJECT + ": ").contains("libbpf: ");
            assertThat(status(k, Part.BUFFERS).state()).isEqualTo(PartState.ACTIVE);
            assertThat(status(k, Part.INJECTOR).state()).isEqualTo(PartState.ACTIVE);
            assertInjectionWorks(k);
        }
    }

    @Test
    void injectorRejectedByTheVerifierFailsWithItsLastLinesAndTheBuffersStay() throws Exception {
        byte[] events = LibbpfKernel.bundledObject(Contract.EVENTS_OBJECT).clone();
        Elf.Section prog = new Elf(events).section("syscall");
        // First instruction becomes r0 = *(u64 *)(r0 + 0): reads a register never written.
        byte[] bad = {0x79, 0, 0, 0, 0, 0, 0, 0};
        System.arraycopy(bad, 0, events, prog.offset(), bad.length);
        try (LibbpfKernel k = LibbpfKernel.open(replacing(Contract.EVENTS_OBJECT, events))) {
            PartStatus injector = status(k, Part.INJECTOR);
            assertThat(injector.state()).isEqualTo(PartState.FAILED);
            assertThat(injector.reason()).startsWith("loading " + Contract.EVENTS_OBJECT + ": EACCES").contains("verifier: ")
                    .contains("R0 !read_ok");
            assertThat(status(k, Part.BUFFERS).state()).isEqualTo(PartState.ACTIVE);
            assertThatThrownBy(() -> k.inject(List.of(MOUSE), 1, false)).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("INJECTOR is FAILED: loading " + Contract.EVENTS_OBJECT);
            assertThat(k.rings().drain((data, offset, ring) -> { })).isZero();
            assertThat(k.inputStats()).hasSize(Contract.STAT_COUNT);
        }
    }

    @Test
    void garbageEventsObjectFailsBuffersAndInjectorOnly() {
        byte[] garbage = new byte[128];
        try (LibbpfKernel k = LibbpfKernel.open(replacing(Contract.EVENTS_OBJECT, garbage))) {
            for (Part p : List.of(Part.BUFFERS, Part.INJECTOR)) {
                assertThat(status(k, p).state()).as("%s", p).isEqualTo(PartState.FAILED);
                assertThat(status(k, p).reason()).as("%s", p).startsWith("opening " + Contract.EVENTS_OBJECT + ": ");
            }
            assertThat(status(k, Part.INPUT_HOOK).reason()).doesNotContain(Contract.EVENTS_OBJECT);
            assertThatThrownBy(k::rings).isInstanceOf(IllegalStateException.class).hasMessageStartingWith("BUFFERS is FAILED");
        }
    }

    @Test
    void partsDisabledByConfigurationSaySo() throws Exception {
        try (LibbpfKernel k = LibbpfKernel.open(LibbpfKernel.Options.defaults().withParts(false, false, false))) {
            for (Part p : List.of(Part.INPUT_HOOK, Part.SCHEDULER, Part.INJECTOR)) {
                assertThat(status(k, p)).isEqualTo(new PartStatus(p, PartState.DISABLED, "disabled by configuration"));
            }
            assertThat(status(k, Part.BUFFERS).state()).isEqualTo(PartState.ACTIVE);
            assertThatThrownBy(() -> k.inject(List.of(MOUSE), 1, false)).hasMessage("INJECTOR is DISABLED: disabled by configuration");
            assertThatThrownBy(k::attachScheduler).hasMessageContaining("disabled by configuration");
        }
    }

    @Test
    void closedKernelRefusesUse() {
        LibbpfKernel k = LibbpfKernel.open(LibbpfKernel.Options.defaults().withRingBytes(64 * 1024));
        RingReader rings = k.rings();
        k.close();
        k.close();
        assertThatThrownBy(() -> k.inject(List.of(MOUSE), 1, false)).hasMessageContaining("closed");
        assertThatThrownBy(() -> rings.drain((data, offset, ring) -> { })).hasMessageContaining("closed");
        assertThatThrownBy(k::inputStats).hasMessageContaining("closed");
    }

    @Test
    void badRingSizesAreRejectedWithTheRule() {
        for (int bytes : new int[] {0, 1000, 4096 + 4096, 3 * 4096}) {
            if (Integer.bitCount(bytes) == 1 && bytes >= 4096) {
                continue;
            }
            assertThatThrownBy(() -> LibbpfKernel.Options.defaults().withRingBytes(bytes))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("power of two");
        }
    }
}
