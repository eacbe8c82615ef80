#!/usr/bin/env bash
# The scheduler classes a thread as an input handler from its behaviour alone: an evdev reader nobody
# classed (no policy deployed, nothing in scx:classify) is counted in sched.behaviour.classified once a
# uinput mouse writes at 1 kHz, and with classify.behaviour 0 the same phase classes nothing.
# (Proven before by bpf/vmcheck/sched_check through a C loader; here through the runtime.)
# timeout: 480
. "$SCXG_VM/lib/guest.sh"

modprobe uinput || fail "modprobe uinput failed"
wait_for '[ -c /dev/uinput ]' 5 "/dev/uinput is a character device"
[ "$(cat /sys/kernel/sched_ext/state)" = disabled ] || fail "a sched_ext scheduler is already attached: $(cat /sys/kernel/sched_ext/root/ops)"

rt_prepare
rt_cfg scxgamer.core "whitelist=usb:046d:c077=mouse, virtual:*:*=ignore"
rt_start
rt_wait scx:status '^scheduler +ACTIVE' 400 "the scheduler part is ACTIVE" > /dev/null

bg_start mouse "$SCXG_TOOLS/uinput-dev" --type mouse --id usb:046d:c077 --name "scxgamer vm mouse" --script
event=$(bg_wait_line mouse '^device ' 10 | sed -n 's/.* event=\(\/dev\/input\/event[0-9]*\)$/\1/p')
bg_start reader "$SCXG_TOOLS/evdev-read" --thread unclassed --timeout 3000 "$event"
reader_tid=$(bg_wait_line reader '^reader tid=' 10 | cut -d= -f2)
bg_wait_line reader '^ready$' 10 > /dev/null
assert_eq "" "$(rt_cmd scx:classify | grep -E '^[0-9]+: ' || true)" "no thread classed through the control service"

stats() { rt_cmd scx:stats 120; }
phases=0
# phase NAME: 3000 mouse reports at 1 kHz; sets classified to the sched.behaviour.classified delta.
phase() {
  local before after
  before=$(stats)
  phases=$((phases + 1))
  bg_send mouse "moves 3000 1000" "stats"
  wait_for "[ \$(grep -c '^stats ' '$(bg_output mouse)') -ge $phases ]" 60 "phase $1: the mouse wrote its 3000 reports"
  sleep 0.5
  after=$(stats)
  assert_eq enabled "$(cat /sys/kernel/sched_ext/state)" "phase $1: sched_ext state"
  classified=$(( $(kv sched.behaviour.classified "$after") - $(kv sched.behaviour.classified "$before") ))
}

phase "classify.behaviour 1"
on=$classified
echo "classify.behaviour 1: sched.behaviour.classified +$on (reader thread $reader_tid)"
assert_ge 1 "$on" "threads classed as input handlers by behaviour while the reader followed the mouse"

rt_cmd "scx:tunables classify.behaviour 0"
phase "classify.behaviour 0"
off=$classified
echo "classify.behaviour 0: sched.behaviour.classified +$off"
assert_eq 0 "$off" "threads classed by behaviour with classify.behaviour 0"
assert_eq "" "$(rt_cmd scx:classify | grep -E '^[0-9]+: ' || true)" "still no thread classed through the control service"

rt_stop
wait_for '[ "$(cat /sys/kernel/sched_ext/state)" = disabled ]' 30 "the runtime's shutdown detaches the scheduler"
