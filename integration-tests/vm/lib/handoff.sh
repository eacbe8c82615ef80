# shellcheck shell=bash
# The hand-off tests (18-futex, 22-ntsync), sourced after guest.sh. Two threads of tools/KIND-handoff hand a
# token back and forth (200 us of work per turn, then a wake of the other) beside busy loops and fork/pipe pairs,
# with the runtime's hooks attached, in three phases: the default scheduler (runtime up, scheduler part disabled:
# the KIND hook counts the wake calls, KIND.wakes), scxgamer (the wakeups made inside them are counted as
# hand-offs and boosted: sched.KIND.handoffs, sched.KIND.boosted) and scxgamer with boost.KIND 0 (counted, not
# boosted). The hand-off latency (stamp before the wake to the woken thread running) of the three phases and
# the hook programs' cost per call (bpf_stats) are printed, not asserted.

ncpu=$(nproc)
stats() { rt_cmd scx:stats 120; }
delta() { echo $(( $(kv "$1" "$3") - $(kv "$1" "$2") )); }
field() { sed -n "s/.* $1 \([^ ]*\).*/\1/p" <<< " $2"; }

diagnose() {
  rt_cmd scx:status 30 || true
  rt_cmd scx:stats 30 | grep -E "^($handoff_kind|sched\\.$handoff_kind)" || true
}

# handoff_start KIND REASON: the runtime with the scheduler part disabled and part KIND_hook ACTIVE, its status
# naming REASON; sets status (scx:status).
handoff_start() {
  local kind=$1 reason=$2
  handoff_kind=$kind
  [ "$(cat /sys/kernel/sched_ext/state)" = disabled ] || fail "a sched_ext scheduler is already attached: $(cat /sys/kernel/sched_ext/root/ops)"
  rt_prepare
  rt_cfg scxgamer.core "scheduler.enabled=false"
  rt_start
  status=$(rt_wait scx:status "^${kind}_hook +ACTIVE" 400 "the $kind hook is ACTIVE")
  assert_contains "$status" "$reason" "part ${kind}_hook's reason"
  rt_wait scx:status '^scheduler +DISABLED' 30 "the scheduler part is disabled by configuration" > /dev/null
}

# _handoff_phase KIND WAKES_WHAT NAME: $rounds hand-offs under load; sets line (the tool's result), woken, before
# and after.
_handoff_phase() {
  local kind=$1 wakes_what=$2 name=$3
  bg_start "load-$name" "$SCXG_TOOLS/cpu-load" --busy $((2 * ncpu)) --pipes 2 --seconds 0 --interval 5
  sleep 1
  before=$(stats)
  line=$(timeout 300 "$SCXG_TOOLS/$kind-handoff" --rounds "$rounds" --work-us 200) || fail "$name: $kind-handoff failed: $line"
  after=$(stats)
  bg_stop "load-$name"
  echo "$name: $line"
  assert_eq "$rounds" "$(field handoffs "$line")" "$name: hand-offs measured"
  woken=$(field woken "$line")
  # Each turn ends in a wake call, whether or not the other thread sleeps yet.
  assert_ge "$rounds" "$(delta "$kind.wakes" "$before" "$after")" "$name: $wakes_what counted by the $kind hook"
}

# handoff_phases KIND WAKES_WHAT PROG...: the three phases after handoff_start; PROG: the hook's BPF programs,
# whose cost is measured over the scxgamer phase.
handoff_phases() {
  local kind=$1 wakes_what=$2 handoffs boosted p v; shift 2
  _handoff_phase "$kind" "$wakes_what" eevdf
  line_eevdf=$line

  rt_cfg scxgamer.core "scheduler.enabled=true"
  rt_wait scx:status '^scheduler +ACTIVE' 400 "the scheduler part is ACTIVE after the reload" > /dev/null
  rt_wait scx:status "^${kind}_hook +ACTIVE" 60 "the $kind hook is ACTIVE after the reload" > /dev/null

  sysctl -q kernel.bpf_stats_enabled=1 || fail "cannot enable kernel.bpf_stats_enabled"
  _handoff_phase "$kind" "$wakes_what" scxgamer
  bpf_prog_costs "$@"
  sysctl -q kernel.bpf_stats_enabled=0
  line_scx=$line
  assert_eq enabled "$(cat /sys/kernel/sched_ext/state)" "scxgamer: sched_ext state after the hand-offs"
  handoffs=$(delta "sched.$kind.handoffs" "$before" "$after")
  boosted=$(delta "sched.$kind.boosted" "$before" "$after")
  echo "scxgamer: sched.$kind.handoffs +$handoffs, boosted +$boosted ($woken hand-offs found the other thread asleep)"
  assert_ge 1 "$woken" "scxgamer: hand-offs that had to wake the other thread"
  assert_ge "$((woken / 2))" "$handoffs" "scxgamer: wakeups made inside $wakes_what (of $woken sleeping receivers)"
  assert_ge "$((woken / 2))" "$boosted" "scxgamer: wakeups boosted as $kind hand-offs (of $woken sleeping receivers)"

  rt_cmd "scx:tunables boost.$kind 0"
  rt_wait scx:tunables "^boost\\.$kind += 0 " 30 "scx:tunables shows boost.$kind = 0" > /dev/null
  _handoff_phase "$kind" "$wakes_what" unboosted
  line_off=$line
  assert_ge "$((woken / 2))" "$(delta "sched.$kind.handoffs" "$before" "$after")" "boost.$kind 0: the hand-offs are still seen"
  assert_eq 0 "$(delta "sched.$kind.boosted" "$before" "$after")" "boost.$kind 0: wakeups boosted as $kind hand-offs"

  for p in eevdf scx off; do
    v=line_$p
    echo "hand-off latency, $p: p50 $(field p50_us "${!v}") us, p99 $(field p99_us "${!v}") us, max $(field max_us "${!v}") us" \
      "($(field woken "${!v}") of $rounds woke a sleeper)"
  done
  rt_stop
  wait_for '[ "$(cat /sys/kernel/sched_ext/state)" = disabled ]' 30 "the runtime's shutdown detaches the scheduler"
}
