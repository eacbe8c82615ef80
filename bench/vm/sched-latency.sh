#!/usr/bin/env bash
# Benchmark part 8, run in the guest by bench/run.sh through the VM harness: wake_latency phases. The same
# machine as part 9's (bochs display, unused here), so both run in one boot.
# vm-qemu-opts: -device bochs-display
# timeout: 240
. "$SCXG_VM/lib/guest.sh"
modprobe uinput || fail "modprobe uinput failed"
wait_for '[ -c /dev/uinput ]' 5 "/dev/uinput is a character device"
bin=$SCXG_REPO/bench/target/vm
out=$("$bin/wake_latency" "$bin" "$(cat "$bin/seconds" 2> /dev/null || echo 10)" 1000 2>&1)
rc=$?
echo "$out"
assert_eq 0 "$rc" "wake_latency exit status"
assert_contains "$out" "phase default-after" "all phases ran"
