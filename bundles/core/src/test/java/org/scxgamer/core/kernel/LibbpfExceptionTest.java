package org.scxgamer.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class LibbpfExceptionTest {

    @Test
    void verifierLogIsCutToItsLastLinesWithoutStatistics() {
        String summary = LibbpfException.summary(List.of(
                "libbpf: prog 'p': BPF program load failed: Permission denied",
                "libbpf: prog 'p': -- BEGIN PROG LOAD LOG --",
                "0: R1=ctx() R10=fp0", "1: (79) r0 = *(u64 *)(r0 +0)", "2: a", "3: b", "4: c", "5: d", "6: e", "7: f", "8: g",
                "9: h", "R0 !read_ok",
                "processed 1 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0",
                "-- END PROG LOAD LOG --",
                "libbpf: prog 'p': failed to load: -13"));
        assertThat(summary).isEqualTo("prog 'p': BPF program load failed: Permission denied; "
                + "verifier: 1: (79) r0 = *(u64 *)(r0 +0) | 2: a | 3: b | 4: c | 5: d | 6: e | 7: f | 8: g | 9: h | R0 !read_ok; "
                + "prog 'p': failed to load: -13");
    }

    @Test
    void plainWarningsAreKeptInOrder() {
        assertThat(LibbpfException.summary(List.of("libbpf: elf: not a proper ELF object", "second"))).isEqualTo(
                "elf: not a proper ELF object; second");
        assertThat(LibbpfException.summary(List.of())).isEmpty();
    }
}
