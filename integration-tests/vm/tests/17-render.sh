#!/usr/bin/env bash
# Issue 18, render: the guest gets QEMU's bochs display (DRM driver bochs, whose vblank timer paces page
# flips at the mode's refresh rate) and modetest (libdrm-tests) flips pages with vsync on it. The render
# hook (part render_hook) sees the flips asked for (render.commits) and completed (render.flips); the
# scheduler classes the flipping thread render (sched.render.classified, then its wakeups boosted as
# render), and with classify.render 0 it classes nothing; the stats plugin reports the CRTC's frame
# intervals (stats:frames), at the rate modetest itself measures. Prints the hooks' cost per call (bpf_stats).
# vm-qemu-opts: -device bochs-display
# timeout: 600
. "$SCXG_VM/lib/guest.sh"

command -v modetest > /dev/null || fail "modetest not found: install libdrm-tests (scripts/install-toolchain.sh)"
[ "$(cat /sys/kernel/sched_ext/state)" = disabled ] || fail "a sched_ext scheduler is already attached: $(cat /sys/kernel/sched_ext/root/ops)"
# The harness gives the guest the bochs display; the DRM core (module drm) must be loaded before the
# runtime loads its kernel objects, or part render_hook is UNAVAILABLE.
modprobe bochs || fail "modprobe bochs failed"
wait_for '[ -c /dev/dri/card0 ]' 20 "/dev/dri/card0 (bochs) exists"
# modetest opens a card by its DRM driver's name (bochs's is bochs-drm, as its PCI driver's).
driver=$(basename "$(readlink /sys/class/drm/card0/device/driver)")
connectors=$(modetest -M "$driver" -c 2>&1) || fail "modetest -M $driver -c failed: $connectors"
connector=$(awk '$3 == "connected" {print $1; exit}' <<< "$connectors")
[ -n "$connector" ] || fail "no connected connector on /dev/dri/card0:"$'\n'"$connectors"
mode=$(awk '/^  modes:/ {getline; getline; print $2; exit}' <<< "$connectors")
[ -n "$mode" ] || mode=1024x768
echo "$driver connector $connector, mode $mode"

rt_prepare
rt_deploy stats > /dev/null
rt_cfg scxgamer.core "whitelist=virtual:*:*=ignore"
rt_start
rt_wait scx:status '^scheduler +ACTIVE' 400 "the scheduler part is ACTIVE" > /dev/null
status=$(rt_wait scx:status '^render_hook +ACTIVE' 60 "part render_hook is ACTIVE")
assert_contains "$(grep '^render_hook ' <<< "$status")" "attached to drm_ioctl and drm_send_event_timestamp_locked" "render_hook's reason"
rt_wait stats:frames 'no flips seen' 60 "stats:frames answers (no flips yet)" > /dev/null

stats() { rt_cmd scx:stats 120; }
# flip NAME SECONDS: modetest flips pages with vsync for SECONDS; sets commits, flips, classified, boosted
# (deltas of render.commits, render.flips, sched.render.classified, sched.render.boosted) and freq (modetest's
# last measured flip rate, Hz).
flip() {
  local before after out
  before=$(stats)
  bg_start "$1" modetest -M "$driver" -s "$connector:$mode" -v
  bg_wait_line "$1" '^freq: ' 60 > /dev/null
  sleep "$2"
  bg_send "$1" ""
  bg_stop "$1" 20 > /dev/null
  out=$(bg_output "$1")
  freq=$(sed -n 's/^freq: \([0-9.]*\)Hz.*/\1/p' "$out" | tail -n 1)
  after=$(stats)
  assert_eq enabled "$(cat /sys/kernel/sched_ext/state)" "$1: sched_ext state"
  d() { echo $(( $(kv "$1" "$after") - $(kv "$1" "$before") )); }
  commits=$(d render.commits) flips=$(d render.flips) classified=$(d sched.render.classified) boosted=$(d sched.render.boosted)
  echo "$1: modetest ${freq:-?} Hz; render.commits +$commits, render.flips +$flips, sched.render.classified +$classified, sched.render.boosted +$boosted"
}

# The hooks' cost: the kernel's BPF run-time statistics (run_time_ns / run_cnt per program) over the phase.
sysctl -q kernel.bpf_stats_enabled=1 || fail "cannot enable kernel.bpf_stats_enabled"
flip "classify.render-1" 12
bpf_prog_costs on_drm_ioctl on_drm_event
sysctl -q kernel.bpf_stats_enabled=0
assert_ge 100 "$flips" "flips completed (render.flips) while modetest flipped"
assert_ge "$flips" "$commits" "flips asked for (render.commits) at least the completed ones"
assert_ge 1 "$classified" "threads classed render by their page flips (only modetest flips here)"
assert_ge 50 "$boosted" "enqueues of render threads (the flipping thread's wakeups)"
on_freq=$freq

frames=$(rt_wait stats:frames '\.intervals: ' 30 "stats:frames reports the CRTC")
echo "$frames"
crtc=$(sed -n 's/^\(card[0-9]*\.crtc[0-9]*\)\.flips: .*/\1/p' <<< "$frames" | head -1)
[ -n "$crtc" ] || fail "no card*.crtc* in stats:frames"
assert_ge 100 "$(kv "$crtc.intervals" "$frames")" "frame intervals the stats plugin measured on $crtc"
fps=$(kv "$crtc.fps" "$frames")
low=$(kv "$crtc.low.1pct.fps" "$frames")
p50=$(kv "$crtc.interval.p50.us" "$frames")
# The vblank timer runs at the mode's refresh (60 Hz): the stats' rate must be modetest's own, within 15 %.
awk -v a="$fps" -v b="$on_freq" 'BEGIN {exit !(b > 0 && a > b * 0.85 && a < b * 1.15)}' \
  || fail "stats:frames fps $fps is not modetest's $on_freq Hz (within 15 %)"
_passed "stats:frames fps $fps matches modetest's $on_freq Hz; 1 % low $low fps, p50 $p50 µs"
awk -v l="$low" -v f="$fps" 'BEGIN {exit !(l > 0 && l <= f)}' || fail "1 % low $low fps is not in (0, fps $fps]"
_passed "1 % low $low fps <= fps $fps"

rt_cmd "scx:tunables classify.render 0" > /dev/null
flip "classify.render-0" 6
assert_ge 50 "$flips" "flips completed with classify.render 0 (the hook still counts)"
assert_eq 0 "$classified" "threads classed render with classify.render 0"
assert_eq 0 "$boosted" "enqueues of render threads with classify.render 0"

rt_stop
wait_for '[ "$(cat /sys/kernel/sched_ext/state)" = disabled ]' 30 "the runtime's shutdown detaches the scheduler"
