#!/usr/bin/env bash
# Issue 18, ntsync: two threads hand a token back and forth through ntsync semaphores (tools/ntsync-handoff:
# 200 us of work per turn, then NTSYNC_IOC_SEM_RELEASE of the other's semaphore, which it waits on with
# NTSYNC_IOC_WAIT_ANY) beside busy loops and fork/pipe pairs, with the runtime's hooks attached. The guest loads
# the ntsync module first (the hook needs its BTF when the kernel objects load). Under the default scheduler
# (runtime up, scheduler part disabled) the ntsync hook counts the signalling ioctls; under scxgamer the
# wakeups made inside them are counted as hand-offs and boosted (sched.ntsync.handoffs, sched.ntsync.boosted);
# with boost.ntsync 0 they are counted and not boosted. Prints the hand-off latency of the three phases and
# the hook's cost per call (bpf_stats), neither asserted.
# timeout: 600
. "$SCXG_VM/lib/guest.sh"
rounds=${SCXG_NTSYNC_ROUNDS:-2000}
ncpu=$(nproc)

modprobe ntsync || fail "modprobe ntsync failed"
wait_for '[ -e /sys/kernel/btf/ntsync ] && [ -c /dev/ntsync ]' 10 "the ntsync module is loaded with its BTF and /dev/ntsync"
[ "$(cat /sys/kernel/sched_ext/state)" = disabled ] || fail "a sched_ext scheduler is already attached: $(cat /sys/kernel/sched_ext/root/ops)"

stats() { rt_cmd scx:stats 120; }
delta() { echo $(( $(kv "$1" "$3") - $(kv "$1" "$2") )); }
field() { sed -n "s/.* $1 \([^ ]*\).*/\1/p" <<< " $2"; }
diagnose() {
  rt_cmd scx:status 30 || true
  rt_cmd scx:stats 30 | grep -E '^(ntsync|sched\.ntsync)' || true
}

# handoff NAME: $rounds hand-offs under load; sets line (the tool's result), woken, before and after.
handoff() {
  bg_start "load-$1" "$SCXG_TOOLS/cpu-load" --busy $((2 * ncpu)) --pipes 2 --seconds 0 --interval 5
  sleep 1
  before=$(stats)
  line=$(timeout 300 "$SCXG_TOOLS/ntsync-handoff" --rounds "$rounds" --work-us 200) || fail "$1: ntsync-handoff failed: $line"
  after=$(stats)
  bg_stop "load-$1"
  echo "$1: $line"
  assert_eq "$rounds" "$(field handoffs "$line")" "$1: hand-offs measured"
  woken=$(field woken "$line")
  # Each turn ends in a semaphore release, whether or not the other thread sleeps yet.
  assert_ge "$rounds" "$(delta ntsync.wakes "$before" "$after")" "$1: signalling ntsync ioctls counted by the ntsync hook"
}

rt_prepare
rt_cfg scxgamer.core "scheduler.enabled=false"
rt_start
status=$(rt_wait scx:status '^ntsync_hook +ACTIVE' 400 "the ntsync hook is ACTIVE")
assert_contains "$status" "ntsync_obj_ioctl (entry and exit)" "part ntsync_hook's reason"
rt_wait scx:status '^scheduler +DISABLED' 30 "the scheduler part is disabled by configuration" > /dev/null

handoff eevdf
line_eevdf=$line

rt_cfg scxgamer.core "scheduler.enabled=true"
rt_wait scx:status '^scheduler +ACTIVE' 400 "the scheduler part is ACTIVE after the reload" > /dev/null
rt_wait scx:status '^ntsync_hook +ACTIVE' 60 "the ntsync hook is ACTIVE after the reload" > /dev/null

# The hook's cost: the kernel's BPF run-time statistics (run_time_ns / run_cnt per program) over the phase.
sysctl -q kernel.bpf_stats_enabled=1 || fail "cannot enable kernel.bpf_stats_enabled"
handoff scxgamer
for prog in on_ntsync_ioctl on_ntsync_ioctl_exit; do
  info=$(bpftool -j prog show name "$prog" 2> /dev/null) || fail "bpftool prog show name $prog failed"
  python3 -c 'import json, sys
p = json.loads(sys.argv[1]); p = p[0] if isinstance(p, list) else p
n = p.get("run_cnt", 0)
print("%s: %d calls, %.0f ns per call (TCG)" % (sys.argv[2], n, p.get("run_time_ns", 0) / n if n else 0))' "$info" "$prog"
done
sysctl -q kernel.bpf_stats_enabled=0
line_scx=$line
assert_eq enabled "$(cat /sys/kernel/sched_ext/state)" "scxgamer: sched_ext state after the hand-offs"
handoffs=$(delta sched.ntsync.handoffs "$before" "$after")
boosted=$(delta sched.ntsync.boosted "$before" "$after")
echo "scxgamer: sched.ntsync.handoffs +$handoffs, boosted +$boosted ($woken hand-offs found the other thread asleep)"
assert_ge 1 "$woken" "scxgamer: hand-offs that had to wake the other thread"
assert_ge "$((woken / 2))" "$handoffs" "scxgamer: wakeups made inside signalling ntsync ioctls (of $woken sleeping receivers)"
assert_ge "$((woken / 2))" "$boosted" "scxgamer: wakeups boosted as ntsync hand-offs (of $woken sleeping receivers)"

rt_cmd "scx:tunables boost.ntsync 0"
rt_wait scx:tunables '^boost\.ntsync += 0 ' 30 "scx:tunables shows boost.ntsync = 0" > /dev/null
handoff unboosted
line_off=$line
assert_ge "$((woken / 2))" "$(delta sched.ntsync.handoffs "$before" "$after")" "boost.ntsync 0: the hand-offs are still seen"
assert_eq 0 "$(delta sched.ntsync.boosted "$before" "$after")" "boost.ntsync 0: wakeups boosted as ntsync hand-offs"

for p in eevdf scx off; do
  v=line_$p
  echo "hand-off latency, $p: p50 $(field p50_us "${!v}") us, p99 $(field p99_us "${!v}") us, max $(field max_us "${!v}") us" \
    "($(field woken "${!v}") of $rounds woke a sleeper)"
done
rt_stop
wait_for '[ "$(cat /sys/kernel/sched_ext/state)" = disabled ]' 30 "the runtime's shutdown detaches the scheduler"
