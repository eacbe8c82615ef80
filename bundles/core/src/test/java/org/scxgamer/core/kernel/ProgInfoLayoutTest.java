package org.scxgamer.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * The offsets {@link LibbpfKernel#hookMisses()} reads from struct bpf_prog_info, checked against this
 * kernel's own BTF (uapi structs only grow at the end, so what holds here holds on newer kernels).
 */
class ProgInfoLayoutTest {

    @Test
    void recursionMissesOffsetMatchesTheKernel() throws Exception {
        Btf kernel = Btf.raw(Files.readAllBytes(Path.of("/sys/kernel/btf/vmlinux")), "bpf_prog_info");
        Btf.Struct info = kernel.structs.get("bpf_prog_info");
        assertThat(info).as("struct bpf_prog_info in the kernel BTF").isNotNull();
        assertThat(info.size()).as("sizeof(struct bpf_prog_info)").isGreaterThanOrEqualTo(Libbpf.PROG_INFO_SIZE);
        assertThat(info.member("recursion_misses")).as("recursion_misses")
                .isEqualTo(new Btf.Member("recursion_misses", Libbpf.PROG_INFO_RECURSION_MISSES, 8));
    }
}
