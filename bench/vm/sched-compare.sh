#!/usr/bin/env bash
# Benchmark part 9, run in the guest by bench/run.sh through the VM harness: every workload against every
# scheduler in this one boot, interleaved (each repetition visits the schedulers in a different order), on
# the same vCPUs with the same load and durations. Settings come from bench/target/vm/compare.env (run.sh):
# REPS, SECONDS_PER_RUN, WARMUP, SCHEDULERS, WORKLOADS. Prints 'config', 'topology', 'result', 'cdf' and
# 'sched' lines for bench/vm/sched_report.py, then the cost of each kernel hook ('hookcost' lines, hook_costs).
# The guest has QEMU's bochs display (as VM test 17-render): the game shows its frames on it (game-flip, page
# flips with vsync), and its missed flips are counted.
# vm-qemu-opts: -device bochs-display
# timeout: 1800
. "$SCXG_VM/lib/guest.sh"
bin=$SCXG_REPO/bench/target/vm
. "$bin/compare.env"
. "$SCXG_REPO/bench/vm/phases.sh"
GAME=$bin/scxg-game ATTACH=$bin/scxg_attach OBJ_DIR=$bin PEERS=$bin/peers
FUTEX_TOOL=$bin/futex-handoff NTSYNC_TOOL=$bin/ntsync-handoff
modprobe uinput || fail "modprobe uinput failed"
wait_for '[ -c /dev/uinput ]' 5 "/dev/uinput is a character device" > /dev/null
# The display, before any scheduler phase: the runtime's render hook needs the DRM core loaded when it starts.
modprobe bochs || fail "modprobe bochs failed"
wait_for '[ -c /dev/dri/card0 ]' 20 "/dev/dri/card0 (bochs) exists" > /dev/null
FLIP_CARD=/dev/dri/card0
guest_kconfig || fail "cannot give libbpf the kernel configuration"
load_warm_cache
ITERS=$(game_calibrate)
[ -n "$ITERS" ] || fail "the game's calibration printed nothing"
read -r -a scheds <<< "$SCHEDULERS"
read -r -a works <<< "$WORKLOADS"
echo "config reps=$REPS seconds=$SECONDS_PER_RUN warmup=$WARMUP iters_per_us=$ITERS kernel=$(uname -r) clocksource=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2> /dev/null) schedulers='$SCHEDULERS' workloads='$WORKLOADS'"
guest_topology
# Which upstream examples attach on these vCPUs (the benchmark phases use those in SCHEDULERS).
for p in "$PEERS"/scx_*; do peer_check "${p##*/}"; done
for ((rep = 1; rep <= REPS; rep++)); do
  # Repetition r visits the schedulers rotated by (r - 1) / 2, every even repetition in reverse: with two
  # repetitions each scheduler runs once early and once late.
  order=()
  n=${#scheds[@]}
  for ((i = 0; i < n; i++)); do order+=("${scheds[(i + (rep - 1) / 2) % n]}"); done
  if [ $((rep % 2)) = 0 ]; then
    rev=(); for ((i = n - 1; i >= 0; i--)); do rev+=("${order[i]}"); done; order=("${rev[@]}")
  fi
  echo "[guest] rep $rep: ${order[*]}" > /dev/console 2> /dev/null || true
  echo "order rep=$rep ${order[*]}"
  for s in "${order[@]}"; do
    t0=$SECONDS
    sched_start "$s"
    for w in "${works[@]}"; do workload "$rep" "$w" "$SECONDS_PER_RUN" "$WARMUP"; done
    sched_stop
    echo "phase sched=$s rep=$rep seconds=$((SECONDS - t0))"
  done
done
hook_costs
assert_eq "$((REPS * ${#scheds[@]} * ${#works[@]}))" "$(grep -c '^result ' "$SCXG_TEST_DIR/output.log" 2> /dev/null || echo 0)" "result lines (every workload against every scheduler, every repetition)"
