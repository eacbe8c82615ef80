#!/usr/bin/env bash
# Issue 18, futex: two threads hand a token back and forth through futexes (tools/futex-handoff: 200 us of work
# per turn, then FUTEX_WAKE of the other) beside busy loops and fork/pipe pairs, with the runtime's hooks
# attached. Under the default scheduler (runtime up, scheduler part disabled) the futex hook counts the wake
# calls; under scxgamer the wakeups made inside them are counted as hand-offs and boosted (sched.futex.handoffs,
# sched.futex.boosted); with boost.futex 0 they are counted and not boosted. The hand-off latency (stamp before
# the wake to the woken thread running) of the three phases is reported, not asserted.
# timeout: 600
. "$SCXG_VM/lib/guest.sh"
rounds=${SCXG_FUTEX_ROUNDS:-2000}
ncpu=$(nproc)
[ "$(cat /sys/kernel/sched_ext/state)" = disabled ] || fail "a sched_ext scheduler is already attached: $(cat /sys/kernel/sched_ext/root/ops)"

stats() { rt_cmd scx:stats 120; }
delta() { echo $(( $(kv "$1" "$3") - $(kv "$1" "$2") )); }
field() { sed -n "s/.* $1 \([^ ]*\).*/\1/p" <<< " $2"; }
diagnose() {
  rt_cmd scx:status 30 || true
  rt_cmd scx:stats 30 | grep -E '^(futex|sched\.futex)' || true
}

# handoff NAME: $rounds hand-offs under load; sets line (the tool's result), woken, before and after.
handoff() {
  bg_start "load-$1" "$SCXG_TOOLS/cpu-load" --busy $((2 * ncpu)) --pipes 2 --seconds 0 --interval 5
  sleep 1
  before=$(stats)
  line=$(timeout 300 "$SCXG_TOOLS/futex-handoff" --rounds "$rounds" --work-us 200) || fail "$1: futex-handoff failed: $line"
  after=$(stats)
  bg_stop "load-$1"
  echo "$1: $line"
  assert_eq "$rounds" "$(field handoffs "$line")" "$1: hand-offs measured"
  woken=$(field woken "$line")
  # Each turn ends in a FUTEX_WAKE (futex_wake), whether or not the other thread sleeps yet.
  assert_ge "$rounds" "$(delta futex.wakes "$before" "$after")" "$1: futex wake calls counted by the futex hook"
}

rt_prepare
rt_cfg scxgamer.core "scheduler.enabled=false"
rt_start
status=$(rt_wait scx:status '^futex_hook +ACTIVE' 400 "the futex hook is ACTIVE")
assert_contains "$status" "futex_wake and futex_wake_op" "part futex_hook's reason"
# Without the ntsync module (22-ntsync loads it, later in the boot) only the ntsync hook is lost, with the reason.
[ -e /sys/module/ntsync ] || assert_contains "$(grep '^ntsync_hook ' <<< "$status")" \
  "UNAVAILABLE kernel has no traceable ntsync_obj_ioctl (module ntsync was not loaded" "part ntsync_hook without the module"
rt_wait scx:status '^scheduler +DISABLED' 30 "the scheduler part is disabled by configuration" > /dev/null

handoff eevdf
line_eevdf=$line

rt_cfg scxgamer.core "scheduler.enabled=true"
rt_wait scx:status '^scheduler +ACTIVE' 400 "the scheduler part is ACTIVE after the reload" > /dev/null
rt_wait scx:status '^futex_hook +ACTIVE' 60 "the futex hook is ACTIVE after the reload" > /dev/null

handoff scxgamer
line_scx=$line
assert_eq enabled "$(cat /sys/kernel/sched_ext/state)" "scxgamer: sched_ext state after the hand-offs"
handoffs=$(delta sched.futex.handoffs "$before" "$after")
boosted=$(delta sched.futex.boosted "$before" "$after")
echo "scxgamer: sched.futex.handoffs +$handoffs, boosted +$boosted ($woken hand-offs found the other thread asleep)"
assert_ge 1 "$woken" "scxgamer: hand-offs that had to wake the other thread"
assert_ge "$((woken / 2))" "$handoffs" "scxgamer: wakeups made inside futex wake calls (of $woken sleeping receivers)"
assert_ge "$((woken / 2))" "$boosted" "scxgamer: wakeups boosted as futex hand-offs (of $woken sleeping receivers)"

rt_cmd "scx:tunables boost.futex 0"
rt_wait scx:tunables '^boost\.futex += 0 ' 30 "scx:tunables shows boost.futex = 0" > /dev/null
handoff unboosted
line_off=$line
assert_ge "$((woken / 2))" "$(delta sched.futex.handoffs "$before" "$after")" "boost.futex 0: the hand-offs are still seen"
assert_eq 0 "$(delta sched.futex.boosted "$before" "$after")" "boost.futex 0: wakeups boosted as futex hand-offs"

for p in eevdf scx off; do
  v=line_$p
  echo "hand-off latency, $p: p50 $(field p50_us "${!v}") us, p99 $(field p99_us "${!v}") us, max $(field max_us "${!v}") us" \
    "($(field woken "${!v}") of $rounds woke a sleeper)"
done
rt_stop
wait_for '[ "$(cat /sys/kernel/sched_ext/state)" = disabled ]' 30 "the runtime's shutdown detaches the scheduler"
