#!/usr/bin/env bash
# Issues 4 and 5 and reliability scenario 5 on the real sched_ext kernel, in one runtime: the scheduler
# attaches, follows the core bundle's stop/start, survives plugin removal and update and 50 s or more of CPU
# saturation with every task progressing; real uinput input boosts the foreground policy's input thread
# (classed from a real process) with wake-to-run samples; a .cfg edit and a profile switch retune it live
# (preempt = 0 shows in how often the input thread gets to run per report, not only in counters); a forced error and a watchdog stall are detected within 1 s, reported
# (status, exit history, Event Admin) and restarted with backoff; repeated errors stop after the bounded
# number of attempts.
# timeout: 1200
. "$SCXG_VM/lib/guest.sh"

modprobe uinput || fail "modprobe uinput failed"
wait_for '[ -c /dev/uinput ]' 5 "/dev/uinput is a character device"
[ "$(cat /sys/kernel/sched_ext/state)" = disabled ] || fail "a sched_ext scheduler is already attached: $(cat /sys/kernel/sched_ext/root/ops)"

# sched_ext state transitions with wall-clock times (bash builtins only: no fork per sample).
mkfifo "$SCXG_TMP/never"
bg_start statewatch bash -c 'exec 3<> "$1"; prev=; while :; do read -r s < /sys/kernel/sched_ext/state;
  [ "$s" = "$prev" ] || { echo "$EPOCHREALTIME $s"; prev=$s; }; read -t 0.02 -u 3 || :; done' statewatch "$SCXG_TMP/never"
transitions() { cat "$(bg_output statewatch)"; }
# Epoch seconds of the first runtime log line matching ERE after line N of the runtime output.
log_time() {
  local line
  line=$(tail -n +"$2" "$(bg_output rt)" | grep -m1 -E -- "$1") || return 1
  # A log line can follow Gogo's prompt ('g! ') on the console.
  date -d "$(sed 's/^\(g! \)*//' <<< "$line" | cut -d' ' -f1)" +%s.%N
}
log_lines() { wc -l < "$(bg_output rt)"; }

rt_prepare
rt_deploy probe stats recorder policy-foreground policy-profiles
core_cfg=("whitelist=usb:046d:c077=mouse, virtual:*:*=ignore" "scheduler.restart=always"
  "scheduler.restart.max.attempts=3" "scheduler.restart.backoff.ms=2500")
rt_cfg scxgamer.core "${core_cfg[@]}"
rt_cfg scxgamer.itest.probe-vm "name=vm" "mode=healthy"
rt_cfg scxgamer.policy.foreground "process.patterns=vmgame" "scan.interval.ms=200"
rt_start
# Opening the BPF objects under TCG takes up to ~90 s on a loaded host.
status=$(rt_wait scx:status '^scheduler +ACTIVE' 500 "scx:status shows the scheduler ACTIVE")
echo "$status"
for part in buffers input_hook injector scheduler; do
  assert_contains "$(grep "^$part " <<< "$status")" ACTIVE "scx:status: $part"
done
assert_eq enabled "$(cat /sys/kernel/sched_ext/state)" "/sys/kernel/sched_ext/state after attach"
assert_eq scxgamer "$(cat /sys/kernel/sched_ext/root/ops)" "/sys/kernel/sched_ext/root/ops"

# ---- the core bundle's stop and start detach and attach the scheduler (felix:, since the recorder
# has rec:start and rec:stop, which an unscoped start or stop would run) ----
core_id=$(rt_cmd 'lb -s' | awk -F'|' '$4 ~ /^org\.scxgamer\.core / {print $1 + 0}')
[ -n "$core_id" ] || fail "no org.scxgamer.core in lb -s"
rt_cmd "felix:stop $core_id" 300
wait_for '[ "$(cat /sys/kernel/sched_ext/state)" = disabled ]' 60 "felix:stop $core_id (core bundle) -> sched_ext disabled"
rt_cmd "felix:start $core_id" 300
wait_for '[ "$(cat /sys/kernel/sched_ext/state)" = enabled ]' 400 "felix:start $core_id -> sched_ext enabled"
assert_eq scxgamer "$(cat /sys/kernel/sched_ext/root/ops)" "root/ops after the core bundle's restart"
rt_wait scx:status '^scheduler +ACTIVE' 120 "the scheduler part is ACTIVE again" > /dev/null
rt_wait probe:counts '^vm: mode=healthy' 60 "the probe subscriber is back" > /dev/null
# A .cfg edit that changes nothing runs the configuration path (FileInstall, ConfigAdmin, DS, the core's
# apply) once before the timed edit below: under TCG its first, interpreted run alone can take most of
# a second, which says nothing about how fast a retune reaches the kernel.
rt_cfg scxgamer.core "${core_cfg[@]}" "debug.error=0"

# ---- removing and updating plugins leaves the scheduler attached (same enable_seq) ----
seq0=$(cat /sys/kernel/sched_ext/enable_seq)
rm "$RT_HOME/deploy/recorder.jar"
wait_for '! rt_cmd "lb -s" | grep -q "org\.scxgamer\.recorder "' 60 "removing recorder.jar from deploy/ uninstalls the recorder"
stats_id=$(rt_cmd 'lb -s' | awk -F'|' '$4 ~ /^org\.scxgamer\.stats / {print $1 + 0}')
rt_cmd "felix:update $stats_id" 120
rt_wait 'lb -s' "^ *$stats_id *\\|Active" 60 "the stats bundle is Active after its update" > /dev/null
assert_eq enabled "$(cat /sys/kernel/sched_ext/state)" "sched_ext state after plugin uninstall and update"
assert_eq "$seq0" "$(cat /sys/kernel/sched_ext/enable_seq)" "enable_seq (the scheduler was never re-attached)"

# ---- a game: process 'vmgame' whose thread 'vmgame-input' reads the mouse ----
bg_start mouse "$SCXG_TOOLS/uinput-dev" --type mouse --id usb:046d:c077 --name "scxgamer vm mouse" --script
event=$(bg_wait_line mouse '^device ' 10 | sed -n 's/.* event=\(\/dev\/input\/event[0-9]*\)$/\1/p')
cp "$SCXG_TOOLS/evdev-read" "$SCXG_TMP/vmgame"
bg_start game "$SCXG_TMP/vmgame" --thread vmgame-input --timeout 3000 "$event"
input_tid=$(bg_wait_line game '^reader tid=' 10 | cut -d= -f2)
bg_wait_line game '^ready$' 10 > /dev/null
if classes=$(rt_wait scx:classify "^$input_tid: input\$" 60 "the foreground policy classed thread $input_tid (vmgame-input) as input"); then
  echo "$classes"
  fg=$(rt_cmd policy:foreground)
  echo "$fg"
  assert_contains "$fg" "foreground: pid ${_BG_PID[game]} (vmgame) by pattern vmgame" "policy:foreground"
  assert_contains "$(rt_cmd scx:foreground)" "foreground process: ${_BG_PID[game]}" "scx:foreground (the core's hint)"
  assert_eq "" "$(rt_cmd scx:classify | grep -v "^$input_tid: input\$" | grep -E '^[0-9]+: ' || true)" "no other thread classed"
else
  # The failure stands (rt_wait recorded it); the scheduler checks below go on with the thread classed by hand.
  echo "policy:foreground said:"; rt_cmd policy:foreground
  grep -iE 'foreground|policy' "$(bg_output rt)" | grep -v '^ *[0-9]*|' | tail -n 20
  rt_cmd "scx:classify $input_tid input"
fi

# ---- CPU saturation: 2 x CPUs busy loops, joined after the mouse phases by 2 hackbench-style fork/pipe pairs
# for 30 s. The mouse phases run beside the busy loops alone: loops that never block are what preemption is for
# (with the pipe pairs, which block every few µs, a CPU picks again so often that preempt = 0 hardly shows). ----
ncpu=$(nproc)
exits_before=$(rt_cmd scx:sched | grep -c '^exit: ' || true)
from_load=$(($(transitions | wc -l) + 1))
bg_start load "$SCXG_TOOLS/cpu-load" --busy $((2 * ncpu)) --interval 5
bg_wait_line load '^started ' 10
stats() { rt_cmd scx:stats 120; }
delta() { echo $(( $(kv "$1" "$after") - $(kv "$1" "$before") )); }
probe() { sed -n "s/^vm: .* $1=\([0-9]*\).*/\1/p" <<< "$(rt_cmd probe:counts)"; }
# mouse_phase NAME: 3000 mouse reports at 1 kHz under the load; before/after hold scx:stats around it.
mouse_phase() {
  rt_cmd stats:reset > /dev/null
  before=$(stats)
  phases=$((phases + 1))
  bg_send mouse "moves 3000 1000" "stats"
  wait_for "[ \$(grep -c '^stats ' '$(bg_output mouse)') -ge $phases ]" 60 "phase $1: the mouse wrote its 3000 reports"
  sleep 0.5
  after=$(stats)
  # An ejection resets the scheduler's counters: name it instead of comparing counters across it.
  [ -z "$(transitions | tail -n +$from_load)" ] || fail "the scheduler left the kernel during the load (phase $1):"\
    "$(rt_cmd scx:sched | grep '^exit: ' | tail -n 1)"
  echo "phase $1: boosts +$(delta boosts), sched.enqueued +$(delta sched.enqueued), sched.boosted +$(delta sched.boosted)," \
    "sched.preempt.kicks +$(delta sched.preempt.kicks), sched.preempt.lower +$(delta sched.preempt.lower)," \
    "sched.dispatched.direct +$(delta sched.dispatched.direct), sched.wake.samples +$(delta sched.wake.samples)," \
    "events.dropped.kernel +$(delta events.dropped.kernel)"
  # The input thread's wake-ups that reached a CPU in this phase (it is the only sampled thread: classed INPUT).
  wakeups=$(( $(delta sched.wake.samples) + $(delta sched.wake.samples.dropped) + $(delta sched.wake.samples.throttled) ))
  echo "phase $1: the input thread ran after $wakeups wake-ups for 3000 reports"
  # The input thread's wake-to-run time in this phase (stats:reset above): what preemption changes.
  wake=$(rt_cmd stats:latency)
  wake_p50=$(kv wake.p50 "$wake") wake_n=$(kv wake.count "$wake")
  echo "phase $1: wake-to-run of the input thread: $(grep -E '^wake\.(count|p50|p99):' <<< "$wake" | tr '\n' ' ')"
}
phases=0
rt_cmd probe:reset
mouse_phase "A (preempt 1)"
lower_a=$(delta sched.preempt.lower) kicks_a=$(delta sched.preempt.kicks) boosted_a=$(delta sched.boosted) samples_a=$(delta sched.wake.samples)
p50_a=$wake_p50 wakeups_a=$wakeups
assert_ge 1 "$(delta boosts)" "A: boosts under load"
assert_ge 1 "$(delta sched.boosted)" "A: boosted enqueues (the input thread in an input window)"
assert_ge 1 "$(delta sched.preempt.kicks)" "A: preemption kicks for the boosted input thread"
assert_ge 1 "$(delta sched.wake.samples)" "A: wake-to-run samples of the input thread"
assert_ge 1 "$(probe sched)" "A: the probe received scheduler-lane (wake-to-run) records"
lat=$(rt_cmd stats:latency)
echo "$lat" | grep -E '^wake\.'
assert_ge 1 "$(kv wake.count "$lat")" "stats:latency wake-to-run samples"

# The boosted input thread takes a lower class's CPU (sched.preempt.lower; sched.dispatched.direct also counts
# wakeups onto an idle CPU, which the fork/pipe pairs leave now and then); deadline preemption kicks go on
# without the preempt tunable.
assert_ge 1 "$lower_a" "A: lower-class preemptions by the boosted input thread"

# A .cfg edit turns preemption off: live in scx:tunables without a restart, and the direct dispatches stop.
# The delay is printed; its bound only catches an edit that waits for something slow (a restart of the runtime
# takes 55-150 s under TCG): FileInstall's 250 ms poll plus three thread hand-offs (FileInstall, ConfigAdmin, the
# core), each queued behind the saturating load on TCG's emulated vCPUs, measured 795, 974 and 1322 ms in CI runs
# and 3030 ms on a host running two other guests (a 3 s bound failed there), so the bound is 10 s.
n=$(log_lines)
t_edit=$EPOCHREALTIME
rt_cfg scxgamer.core "${core_cfg[@]}" "preempt=0"
rt_wait scx:tunables '^preempt += 0 ' 30 "scx:tunables shows preempt = 0 after the .cfg edit" > /dev/null
t_applied=$(log_time 'Tunables set by config.*PREEMPT=0' "$n") || fail "no log line for the preempt tunable change"
apply_ms=$(awk -v a="$t_edit" -v b="$t_applied" 'BEGIN {printf "%d", (b - a) * 1000}')
echo "cfg edit -> tunable written to the kernel: $apply_ms ms"
assert_le 10000 "$apply_ms" "ms from the .cfg edit to the live tunable"
mouse_phase "B (preempt 0 by .cfg)"
lower_b=$(delta sched.preempt.lower) p50_b=$wake_p50 wakeups_b=$wakeups
assert_ge 1 "$(delta sched.boosted)" "B: boosted enqueues continue"
# What preempt = 0 changes (sched.preempt.lower is 0 here only because it is counted inside 'if (t.preempt)',
# so it proves nothing): a boosted wakeup no longer goes to the head of a CPU running a lower class; on this
# saturated machine it waits in the shared queue until a busy loop's slice ends (a 4 ms tick, HZ 250), often
# past the next report, which the thread then reads in the same run. So with preemption nearly every report
# (1 ms apart) gets a wake-up of its own, without it a large share does not. Wake-up counts integrate over the
# whole wait distribution: CI runs had the p50 ratio at 1.3-1.5x under host load (p99 even reversed), while the
# wake-ups per report were 2891 -> 1879 and 2967 -> 1749 of 3000.
assert_ge 1 "$wake_n" "B: wake-to-run samples of the input thread"
assert_le $((wakeups_a * 4 / 5)) "$wakeups" "B: input-thread wake-ups with preempt = 0, at most 4/5 of phase A's $wakeups_a (p50 $p50_a -> $p50_b ns)"

# A profile switch sets preempt 1 again among its values: live in scx:tunables and in the counters.
tun0=$(rt_cmd scx:tunables)
echo "$(rt_cmd 'policy:profile esports')"
tun1=$(rt_cmd scx:tunables)
diff <(echo "$tun0") <(echo "$tun1") || true
for kvp in "slice.us 3000" "boost.input.shift 6" "boost.mouse.us 16000" "preempt 1"; do
  set -- $kvp
  assert_eq "$2" "$(awk -v k="$1" '$1 == k {print $3}' <<< "$tun1")" "scx:tunables $1 after policy:profile esports"
done
mouse_phase "C (profile esports)"
lower_c=$(delta sched.preempt.lower) p50_c=$wake_p50 wakeups_c=$wakeups
assert_ge 1 "$lower_c" "C: lower-class preemptions again after the profile switch"
assert_ge $((wakeups_b * 5 / 4)) "$wakeups" "C: input-thread wake-ups with preempt = 1 again, at least 5/4 of phase B's $wakeups_b (p50 $p50_b -> $p50_c ns)"

# The fork/pipe pairs join the busy loops for the rest of the saturation.
bg_start pipes "$SCXG_TOOLS/cpu-load" --pipes 2 --seconds 30 --interval 5
bg_wait_line pipes '^started ' 10
final_pipes=$(bg_wait_line pipes '^final ' 120)
bg_stop load 0
final=$(bg_wait_line load '^final ' 10)
grep '^progress ' "$(bg_output load)" | tail -n 2
echo "$final"; echo "pipes: $final_pipes"
assert_ge 7 "$(sed -n 's/.* intervals=\([0-9]*\).*/\1/p' <<< "$final")" "load intervals of 5 s (>= 35 s of saturation)"
assert_ge 1 "$(sed -n 's/.* min_growth=\([0-9]*\).*/\1/p' <<< "$final")" "least progress of any busy loop in any 5 s interval"
assert_ge 5 "$(sed -n 's/.* intervals=\([0-9]*\).*/\1/p' <<< "$final_pipes")" "fork/pipe intervals of 5 s beside the busy loops (30 s)"
assert_ge 1 "$(sed -n 's/.* min_growth=\([0-9]*\).*/\1/p' <<< "$final_pipes")" "least progress of any fork/pipe task in any 5 s interval"
echo "sched_ext transitions so far:"; transitions
assert_eq "" "$(transitions | tail -n +$from_load)" "sched_ext state changes during the load (it stayed enabled)"
assert_eq "$exits_before" "$(rt_cmd scx:sched | grep -c '^exit: ' || true)" "scheduler exits during the load"
assert_eq 0 "$(kv events.dropped.kernel "$(stats)")" "events.dropped.kernel over the whole run"

# eject CAUSE-REGEX: waits for the scheduler to leave and checks the core saw it within 1 s of the kernel.
eject_check() {
  local what=$1 from=$2 left since t_left t_seen ms
  wait_for "transitions | tail -n +$from | grep -qv ' enabled\$'" 60 "$what: sched_ext leaves 'enabled'"
  t_left=$(transitions | tail -n +"$from" | grep -v ' enabled$' | head -1 | cut -d' ' -f1)
  wait_for "log_time 'Scheduler left the kernel' $3" 30 "$what: the core logs the exit"
  t_seen=$(log_time 'Scheduler left the kernel' "$3")
  ms=$(awk -v a="$t_left" -v b="$t_seen" 'BEGIN {printf "%d", (b - a) * 1000}')
  echo "$what: kernel left enabled at $t_left, core reported it at $t_seen: $ms ms"
  assert_le 1000 "$ms" "$what: ms from the ejection to its detection"
  detect_ms[$what]=$ms
}
declare -A detect_ms=()

# ---- forced error: reason in scx:status, scx:sched and Event Admin (stats exit history); restart ----
restarts0=$(kv scheduler.restarts "$(stats)")
from=$(($(transitions | wc -l) + 1)) n=$(log_lines)
rt_cmd "scx:tunables debug.error 1"
st=$(rt_wait scx:status '^scheduler +FAILED.*debug_error tunable is 1' 20 "scx:status shows the forced error's reason")
grep '^scheduler ' <<< "$st"
rt_cmd "scx:tunables debug.error 0"
eject_check "forced error" "$from" "$n"
# The exit's record on the rings (ops.exit writes it) woke the monitor at once; the stats plugin counts it by type.
rt_wait stats:show 'SCHED_EXIT' 20 "the scheduler's exit record reached the subscribers (stats:show types)" > /dev/null
assert_contains "$(rt_cmd scx:sched)" "reason: scx_bpf_error message: scxgamer: debug_error tunable is 1" "scx:sched exit history"
rt_wait stats:show 'exits\.seen\[[0-9]+\]\.message: .*debug_error tunable is 1' 20 "the Event Admin exit event reached the stats bundle" > /dev/null
rt_wait scx:status '^scheduler +ACTIVE' 200 "the restart policy attached the scheduler again" > /dev/null
assert_eq enabled "$(cat /sys/kernel/sched_ext/state)" "state after the restart"
assert_ge $((restarts0 + 1)) "$(kv scheduler.restarts "$(stats)")" "scheduler.restarts"
grep -E 'Scheduler (left|restart|attached|not restarted)' "$(bg_output rt)" | tail -n 4

# ---- watchdog stall: a background-class thread never runs (debug.error 2) ----
bg_start victim bash -c 'while :; do sleep 0.05; done'
victim=${_BG_PID[victim]}
rt_cmd "scx:classify $victim background"
from=$(($(transitions | wc -l) + 1)) n=$(log_lines)
rt_cmd "scx:tunables debug.error 2"
# Cleared as soon as the kernel gives up on it, before the restart (5 s backoff now): a second stall would
# spend another of the 3 attempts.
wait_for "transitions | tail -n +$from | grep -qv ' enabled\$'" 60 "watchdog stall: sched_ext leaves 'enabled'"
rt_cmd "scx:tunables debug.error 0"
eject_check "watchdog stall" "$from" "$n"
bg_stop victim 5
rt_cmd "scx:classify $victim default"
sched=$(rt_cmd scx:sched)
echo "$sched"
assert_contains "$(grep '^exit: ' <<< "$sched" | tail -1)" "kind 1026" "scx:sched: the last exit is a watchdog stall (SCX_EXIT_ERROR_STALL)"
assert_contains "$(grep '^exit: ' <<< "$sched" | tail -1)" "stall" "scx:sched: the stall's reason"
# The kernel's debug dump of that ejection reached the tracepoint that fail() prints (lib/guest.sh), in
# every test: what an unexpected ejection elsewhere would show.
stall_dump=$(sched_ext_dumps | grep -A3 'triggered exit kind 1026' | head -n 4)
echo "$stall_dump"
assert_contains "$stall_dump" "runnable task stall" "the kernel's debug dump of the stall in the sched_ext_dump trace"
# And the runtime logged it (ops.exit copies it to the exit_dump map): the part of the dump a user reads first.
logged_dump=$(tail -n +"$n" "$(bg_output rt)" | grep -A4 'Kernel debug dump of the exit' | head -n 5)
echo "$logged_dump"
assert_contains "$logged_dump" "triggered exit kind 1026" "the runtime's log: the kernel's debug dump of the stall"
rt_wait stats:show 'exits\.seen\[[0-9]+\]\.reason: runnable task stall' 20 "the Event Admin exit event of the stall reached the stats bundle" > /dev/null
rt_wait scx:status '^scheduler +ACTIVE' 200 "the restart policy attached the scheduler again after the stall" > /dev/null

# ---- repeated errors: bounded restart attempts with doubling backoff, then it stays down ----
rt_cmd scx:restart 300
rt_wait scx:status '^scheduler +ACTIVE' 120 "scx:restart attached it (restart attempts reset)" > /dev/null
exits0=$(rt_cmd scx:sched | grep -c '^exit: ' || true)
n=$(log_lines)
rt_cmd "scx:tunables debug.error 1"
wait_for "tail -n +$n '$(bg_output rt)' | grep -q 'Scheduler not restarted: gave up after 3 attempt'" 400 "the core gives up after 3 attempts"
attempts=$(tail -n +"$n" "$(bg_output rt)" | grep -o 'Scheduler restart attempt [0-9]* of 3 in [0-9]* ms')
echo "$attempts"
assert_eq "2500 5000 10000" "$(awk '{print $8}' <<< "$attempts" | tr '\n' ' ' | sed 's/ $//')" "backoff delays (ms) of the 3 attempts"
exits1=$(rt_cmd scx:sched | grep -c '^exit: ' || true)
sleep 8
assert_eq "$exits1" "$(rt_cmd scx:sched | grep -c '^exit: ' || true)" "no further exits 8 s after giving up (no restart storm)"
# Each attempt is ejected while enabling, and reported as an exit of its own.
assert_eq $((exits0 + 4)) "$exits1" "exits recorded (the first error + 3 attempts)"
assert_eq disabled "$(cat /sys/kernel/sched_ext/state)" "state after giving up"
rt_cmd "scx:tunables debug.error 0"
rt_cmd scx:restart 300
assert_eq enabled "$(cat /sys/kernel/sched_ext/state)" "state after scx:restart with the error cleared"

echo "summary:"
printf '%s\n' "| check | measured |" "| --- | --- |" \
  "| CPU saturation ($((2 * ncpu)) busy loops, $(sed -n 's/.* intervals=\([0-9]*\).*/\1/p' <<< "$final") x 5 s; 2 fork/pipe pairs join for the last $(sed -n 's/.* intervals=\([0-9]*\).*/\1/p' <<< "$final_pipes") x 5 s) | state changes 0, exits 0, least progress per 5 s of a busy loop $(sed -n 's/.* min_growth=\([0-9]*\).*/\1/p' <<< "$final"), of a fork/pipe task $(sed -n 's/.* min_growth=\([0-9]*\).*/\1/p' <<< "$final_pipes") |" \
  "| mouse input under load, preempt 1 (3000 reports at 1 kHz) | boosted enqueues $boosted_a, lower-class preemptions $lower_a, preemption kicks $kicks_a, wake-to-run samples $samples_a |" \
  "| .cfg edit preempt = 0 | live after $apply_ms ms; the input thread woke $wakeups_a → $wakeups_b times for 3000 reports, wake-to-run p50 $((p50_a / 1000)) → $((p50_b / 1000)) µs (preemptions of a lower class: $lower_b) |" \
  "| policy:profile esports (preempt 1) | $wakeups_c wake-ups, wake-to-run p50 back to $((p50_c / 1000)) µs; lower-class preemptions in the phase: $lower_c |"
reliability_md 5-scheduler-ejection \
  "Tried on the real sched_ext kernel (guest $(uname -r), TCG, $ncpu vCPUs), restart policy always, 3 attempts, backoff 2500 ms doubling:" "" \
  "| fault | what held |" "|---|---|" \
  "| forced error (debug.error 1) | detected ${detect_ms[forced error]} ms after the kernel ejected it; reason in scx:status, scx:sched, Event Admin (stats); restarted by the policy |" \
  "| watchdog stall (debug.error 2, one background thread) | detected ${detect_ms[watchdog stall]} ms after the ejection; kind 1026; restarted |" \
  "| repeated errors (debug.error 1 kept) | attempts with backoff $(awk '{print $8}' <<< "$attempts" | tr '\n' ' ')ms, then gave up; exits $((exits1 - exits0)); none in the next 8 s |"
bg_close mouse
rt_stop
wait_for '[ "$(cat /sys/kernel/sched_ext/state)" = disabled ]' 30 "the runtime's shutdown detaches the scheduler"
