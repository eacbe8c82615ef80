#!/usr/bin/env bash
# Issue 3 on the real kernel: the input hook delivers every event of a uinput mouse and keyboard to a
# plugin subscriber with the right lane, filters an unlisted device by exactly its event count, counts
# held keys and boosts, and a whitelist edit in etc/scxgamer.core.cfg lists that device without a restart.
# timeout: 480
. "$SCXG_VM/lib/guest.sh"

modprobe uinput || fail "modprobe uinput failed"
wait_for '[ -c /dev/uinput ]' 5 "/dev/uinput is a character device"

# Runtime with the probe subscriber; the whitelist names the mouse and keyboard only (the shipped default,
# usb:*:*=auto, would take the third device too).
mouse_id=usb:046d:c077 kbd_id=usb:046d:c31c other_id=usb:1209:0003
wl_base="usb:046d:c077=mouse, usb:046d:c31c=keyboard, virtual:*:*=ignore"
rt_prepare
rt_deploy probe
rt_cfg scxgamer.core "whitelist=$wl_base"
rt_cfg scxgamer.itest.probe-vm "name=vm" "mode=healthy"
rt_start
status=$(rt_wait scx:status '^input_hook +ACTIVE' 400 "scx:status shows the input hook ACTIVE")
grep -E '^(buffers|input_hook|injector|scheduler) |^mode: ' <<< "$status"
assert_contains "$(grep '^input_hook' <<< "$status")" "attached to input_handle_event" "the hook sits where it cannot be preempted"
rt_wait probe:counts '^vm: mode=healthy' 60 "the probe subscriber is active" > /dev/null

# Three devices, kept alive between the phases (script mode).
start_dev() { # tag id type-options...
  local tag=$1 id=$2; shift 2
  bg_start "$tag" "$SCXG_TOOLS/uinput-dev" "$@" --id "$id" --name "scxgamer vm $tag" --script
  bg_wait_line "$tag" '^device ' 10
}
start_dev mouse "$mouse_id" --type mouse
start_dev keyboard "$kbd_id" --type keyboard
start_dev other "$other_id" --type custom --enable 2:8

diagnose() {
  rt_cmd probe:counts; rt_cmd scx:stats; rt_cmd scx:status
  bpftool prog show name on_input_event
}

# probe NAME FIELD: one field of the probe's counts line.
probe() { sed -n "s/^vm: .* $1=\([0-9]*\).*/\1/p" <<< "$(rt_cmd probe:counts)"; }
stats() { rt_cmd scx:stats; }
delta() { echo $(( $(kv "$1" "$after") - $(kv "$1" "$before") )); }

rt_cmd probe:reset
before=$(stats)
# Mouse: 500 moves (REL_X, REL_Y, SYN) and 10 clicks (BTN_LEFT press/release, each + SYN) = 1540 events.
# Keyboard: 50 presses/releases of KEY_A = 200 events. Unlisted: 20 wheel clicks + SYN = 40 events.
bg_send mouse "moves 500 1000" "keys 10 1000"
bg_send keyboard "keys 50 1000"
wheel=()
for i in $(seq 1 20); do wheel+=("ev 2 8 1" "syn"); done
bg_send other "${wheel[@]}"
m=$((500 * 3 + 10 * 4)) k=$((50 * 4)) o=40
wait_for "[ \"\$(probe mouse)\" = $m ] && [ \"\$(probe keyboard)\" = $k ]" 60 "the probe got $m mouse and $k keyboard events"
sleep 1
after=$(stats)
counts=$(rt_cmd probe:counts)
echo "probe: $counts"
grep -E '^(events|lane|keys|boosts)' <<< "$after"
assert_eq $m "$(probe mouse)" "probe: mouse lane (1 s later: nothing more)"
assert_eq $k "$(probe keyboard)" "probe: keyboard lane"
assert_eq 0 "$(probe controller)" "probe: controller lane (nothing from the unlisted device)"
assert_eq 0 "$(probe none)" "probe: events without a lane"
assert_eq 0 "$(probe dropped)" "probe: drops reported"
assert_eq $((m + k + o)) "$(delta events.hook)" "events.hook grew by every written event"
assert_eq 0 "$(delta events.missed.hook)" "events.missed.hook (events the kernel skipped because the hook was busy on that CPU)"
assert_eq $o "$(delta events.filtered)" "events.filtered grew by exactly the unlisted device's events"
assert_eq $m "$(delta lane.mouse)" "lane.mouse"
assert_eq $k "$(delta lane.keyboard)" "lane.keyboard"
assert_eq 0 "$(delta events.dropped.kernel)" "events.dropped.kernel"
assert_eq 0 "$(delta events.dropped.subscribers)" "events.dropped.subscribers"
assert_eq $((10 + 50)) "$(delta keys.pressed)" "keys.pressed"
assert_ge 1 "$(delta boosts)" "boosts (events that opened or extended a boost window)"
devices=$(rt_cmd scx:devices)
echo "$devices"
assert_contains "$(grep 1209:0003 <<< "$devices")" "scxgamer vm other" "scx:devices lists the unlisted device"

# Held keys: two presses without release, then both releases, then a stray release (never below 0).
held() { kv keys.held "$(stats)"; }
bg_send keyboard "key 30 1" "key 31 1"
wait_for '[ "$(held)" = 2 ]' 20 "keys.held = 2 after two presses"
bg_send keyboard "key 30 0" "key 31 0"
wait_for '[ "$(held)" = 0 ]' 20 "keys.held = 0 after both releases"
bg_send keyboard "key 32 0"
wait_for "[ \"\$(probe keyboard)\" = $((k + 5 * 2)) ]" 20 "the probe got the held-key events"
assert_eq 0 "$(held)" "keys.held after a release of a key never pressed"

# Whitelist edit in the .cfg: the unlisted device becomes a controller, live.
rt_cfg scxgamer.core "whitelist=$wl_base, usb:1209:0003=controller"
rt_wait scx:whitelist '^0003:1209:0003=controller' 30 "scx:whitelist has the edited rule" > /dev/null
before=$(stats)
bg_send other "${wheel[@]}"
wait_for "[ \"\$(probe controller)\" = $o ]" 30 "the probe got the $o events of the newly listed device"
after=$(stats)
assert_eq 0 "$(delta events.filtered)" "events.filtered after the whitelist edit"
assert_eq $o "$(delta lane.controller)" "lane.controller after the whitelist edit"
assert_contains "$(rt_cmd scx:status)" "ACTIVE" "the runtime was not restarted (parts still ACTIVE)"

# Contention: both devices at 8 kHz at once on 2 CPUs. An fentry program preempted on a CPU is skipped when
# another event arrives there (a recursion miss); where the hook sits that cannot happen, so every event counts.
before=$(stats)
bg_send mouse "moves 3000 8000"
bg_send keyboard "keys 1000 8000"
sm=$((3000 * 3)) sk=$((1000 * 4))
wait_for "[ \"\$(probe mouse)\" = $((m + sm)) ] && [ \"\$(probe keyboard)\" = $((k + 10 + sk)) ]" 120 "the probe got every event of both devices at 8 kHz"
after=$(stats)
assert_eq $((sm + sk)) "$(delta events.hook)" "events.hook at 8 kHz from two devices"
assert_eq 0 "$(delta events.missed.hook)" "events.missed.hook at 8 kHz from two devices"
assert_eq 0 "$(delta events.dropped.kernel)" "events.dropped.kernel at 8 kHz from two devices"

# What the tools wrote must match what was counted.
for d in mouse keyboard other; do bg_close "$d"; done
wm=$(bg_wait_line mouse '^wrote ' 20) wk=$(bg_wait_line keyboard '^wrote ' 20) wo=$(bg_wait_line other '^wrote ' 20)
echo "mouse $wm"; echo "keyboard $wk"; echo "other $wo"
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< "$2"; }
assert_eq $((m + sm)) "$(field events "$wm")" "events the mouse tool wrote"
assert_eq $((k + 10 + sk)) "$(field events "$wk")" "events the keyboard tool wrote"
assert_eq $((2 * o)) "$(field events "$wo")" "events the unlisted-device tool wrote"
rt_stop
