#!/usr/bin/env bash
# Regenerates bpf/include/vmlinux.h from the BTF of the provisioned guest kernel (the host kernel
# has no sched_ext types): boots it under virtme-ng and dumps /sys/kernel/btf/vmlinux with bpftool
# into a folder the guest may write (given as GUEST=HOST: virtme-ng 1.35 checks a bare path
# relative to the current directory). Usage: bpf/gen-vmlinux.sh [VMLINUZ]
set -euo pipefail
bpf=$(cd "$(dirname "$0")" && pwd)
say() { printf '[vmlinux] %s\n' "$*" >&2; }
need() { command -v "$1" >/dev/null 2>&1 || { say "$1 not found: run scripts/install-toolchain.sh"; exit 1; }; }
need vng
need bpftool

kernel=${1:-$("$bpf/../integration-tests/vm/provision-kernel.sh" | tail -1)}
[ -f "$kernel" ] || { say "no guest kernel at '$kernel'"; exit 1; }
mkdir -p "$bpf/build"
out=$(mktemp -d "$bpf/build/vmlinux.XXXXXX")
trap 'rm -rf "$out"' EXIT
bpftool=$(command -v bpftool)

say "booting $kernel to dump its BTF"
vng -r "$kernel" --disable-kvm --cpus 2 --memory 2G --rwdir "$out=$out" -- \
  "$bpftool btf dump file /sys/kernel/btf/vmlinux format c > $out/vmlinux.h" >&2
grep -q 'struct sched_ext_ops {' "$out/vmlinux.h" 2>/dev/null ||
  { say "the dump has no struct sched_ext_ops: is CONFIG_SCHED_CLASS_EXT set in $kernel?"; exit 1; }
mv "$out/vmlinux.h" "$bpf/include/vmlinux.h"
say "wrote $bpf/include/vmlinux.h ($(wc -c < "$bpf/include/vmlinux.h") bytes) from $(basename "$(dirname "$kernel")")"
