#!/usr/bin/env bash
# Runs the BPF guest checks inside the sched_ext guest kernel (virtme-ng, TCG): builds the objects
# and check programs, boots once and runs each check. Usage: bpf/vmcheck/run.sh [hook] [sched]
# Exit status: non-zero if any check failed or the guest could not run them.
set -euo pipefail
bpf=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-$bpf/build}
make -s -C "$bpf" OUT="$out" all vmcheck
kernel=${SCXGAMER_KERNEL:-$("$bpf/../integration-tests/vm/provision-kernel.sh" | tail -1)}
checks=${*:-hook sched}

script="set -e; modprobe uinput"
for c in $checks; do
  [ -x "$out/vmcheck/${c}_check" ] || { echo "unknown check: $c (have: $(ls "$out/vmcheck"))" >&2; exit 2; }
  script+="; echo '== $c'; $out/vmcheck/${c}_check $out"
done
script+="; echo 'vmcheck: all passed'"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
vng -r "$kernel" --disable-kvm --cpus 2 --memory 2G -- "$script" 2>&1 | tee "$log"
grep -q '^vmcheck: all passed' "$log" || { echo "vmcheck: FAILED (see above)" >&2; exit 1; }
