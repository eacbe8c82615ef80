#!/usr/bin/env bash
# Issue 14: input devices that come and go. Real uinput devices plugged and unplugged in turn (a listed mouse,
# an unlisted and an ignored model, reconnects of the same model, one unplugged mid-burst at 8 kHz, more at
# once than the device cache holds, one connected before the runtime, one across a kernel reload): each
# connection is classified when it connects, has its own id and exact counts, and leaves scx:devices when it
# unplugs; per-lane counts match what was written, so no connect or disconnect moved another device's events.
# timeout: 480
. "$SCXG_VM/lib/guest.sh"

modprobe uinput || fail "modprobe uinput failed"
wait_for '[ -c /dev/uinput ]' 5 "/dev/uinput is a character device"

listed=usb:046d:c077 unlisted=usb:1209:0003 ignored=usb:045e:0040 kbd=usb:046d:c31c
whitelist="usb:046d:c077=mouse, usb:046d:c31c=keyboard, usb:045e:*=ignore, virtual:*:*=ignore"
cache=4
rt_prepare
rt_deploy probe
rt_cfg scxgamer.core "whitelist=$whitelist" "device.cache.size=$cache"
rt_cfg scxgamer.itest.probe-vm "name=vm" "mode=healthy"

# plug TAG ID NAME: a uinput mouse (keyboard for the keyboard id) alive until unplug; names start with scxg-hp
# so the guest's own input devices (idle here) never count.
plug() {
  local type=mouse
  [ "$2" = "$kbd" ] && type=keyboard
  bg_start "$1" "$SCXG_TOOLS/uinput-dev" --type "$type" --id "$2" --name "$3" --script
  bg_wait_line "$1" '^device ' 10 > /dev/null
}
# unplug TAG: stdin closes, the tool prints what it wrote and destroys the device; its wrote line goes to
# $wrote (not printed: in a $(...) subshell the fifo would stay open in this shell).
unplug() {
  bg_close "$1"
  wrote=$(bg_wait_line "$1" '^wrote ' 30)
  bg_stop "$1" > /dev/null
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< "$2"; }

# scx:devices: "connected: N", a header, rows; "disconnected (last N, newest last):", a header, rows.
# Row columns: 1 id, 2 bus:vendor:prod, 3 class, 4 events, 5 held, 6 age, 7 learned, 8.. name.
devices() { rt_cmd scx:devices; }
connected() { sed -n '/^connected:/,/^disconnected/p' <<< "$1" | grep ' scxg-hp' || true; }
gone() { sed -n '/^disconnected/,$p' <<< "$1" | grep ' scxg-hp' || true; }
row() { grep -E " $1\$" <<< "$2" || true; }
col() { awk -v n="$1" '{print $n}' <<< "$2"; }
stats() { rt_cmd scx:stats; }
delta() { echo $(( $(kv "$1" "$after") - $(kv "$1" "$before") )); }
probe() { sed -n "s/^vm: .* $1=\([0-9]*\).*/\1/p" <<< "$(rt_cmd probe:counts)"; }

diagnose() {
  rt_cmd scx:devices; rt_cmd scx:stats; rt_cmd scx:status; rt_cmd probe:counts
  bpftool prog show | grep -E 'on_(input_event|device)' || true
}

# A keyboard connected before the runtime, i.e. before the hook attached.
plug early "$kbd" "scxg-hp early keyboard"
rt_start
status=$(rt_wait scx:status '^devices +ACTIVE' 400 "scx:status shows part devices ACTIVE")
grep -E '^(input_hook|devices) ' <<< "$status"
assert_contains "$(grep '^devices' <<< "$status")" \
  "tracing registrations (input_register_device) and unregistrations (__input_unregister_device)" "the lifetime hooks"
rt_wait probe:counts '^vm: mode=healthy' 60 "the probe subscriber is active" > /dev/null

d=$(devices)
assert_eq "" "$(connected "$d")" "the keyboard plugged before the hook is not known before its first event"
before=$(stats)
bg_send early "keys 10"
bg_send early stats
bg_wait_line early '^stats ' 20 > /dev/null
r=$(row "scxg-hp early keyboard" "$(connected "$(devices)")")
echo "$r"
assert_eq "keyboard first-event 40" "$(col 3 "$r") $(col 7 "$r") $(col 4 "$r")" \
  "the early keyboard: classified under the whitelist on its first event, every event counted"
unplug early
after=$(stats)
assert_eq 40 "$(delta lane.keyboard)" "lane.keyboard of the early keyboard"
assert_eq "" "$(connected "$(devices)")" "the early keyboard left scx:devices when it unplugged"

# Plug/unplug cycles alternating a listed mouse, unlisted and ignored models and reconnects of the same
# model; every connection writes its own number of reports. scx:devices is checked in every cycle.
models=(listed unlisted listed ignored listed listed unlisted ignored ignored listed)
cycles=20 last_id=0 wrote_listed=0 wrote_other=0
declare -A ids=()
probe_mouse0=$(probe mouse)
before=$(stats)
for i in $(seq 0 $((cycles - 1))); do
  m=${models[$((i % ${#models[@]}))]} name="scxg-hp $i ${models[$((i % ${#models[@]}))]}" n=$((20 + i))
  case $m in listed) id=$listed class=mouse ;; unlisted) id=$unlisted class=unlisted ;; ignored) id=$ignored class=ignored ;; esac
  plug "c$i" "$id" "$name"
  c=$(connected "$(devices)")
  r=$(row "$name" "$c")
  assert_eq 1 "$(grep -c . <<< "$c")" "cycle $i ($m): one device connected"
  assert_eq "$class registration 0" "$(col 3 "$r") $(col 7 "$r") $(col 4 "$r")" "cycle $i ($m): classified when it connected"
  dev_id=$(col 1 "$r")
  [ "$dev_id" -gt "$last_id" ] || fail "cycle $i: id $dev_id is not new (last $last_id)"
  [ -z "${ids[$dev_id]:-}" ] || fail "cycle $i: id $dev_id already used by ${ids[$dev_id]}"
  ids[$dev_id]=$name last_id=$dev_id
  bg_send "c$i" "moves $n"
  unplug "c$i"
  assert_eq $((3 * n)) "$(field events "$wrote")" "cycle $i: events written"
  d=$(devices)
  assert_eq "" "$(connected "$d")" "cycle $i: nothing connected after the unplug"
  r=$(gone "$d" | tail -n 1)
  assert_eq "$dev_id $class $((3 * n))" "$(col 1 "$r") $(col 3 "$r") $(col 4 "$r")" \
    "cycle $i: newest in the history, with this connection's events only"
  if [ "$m" = listed ]; then wrote_listed=$((wrote_listed + 3 * n)); else wrote_other=$((wrote_other + 3 * n)); fi
done
after=$(stats)
echo "cycles: $wrote_listed events of listed mice, $wrote_other of unlisted/ignored devices"
assert_eq "$wrote_listed" "$(delta lane.mouse)" "lane.mouse over $cycles cycles: exactly the listed mice's events"
assert_eq "$wrote_other" "$(delta events.filtered)" "events.filtered: exactly the unlisted and ignored devices' events"
assert_eq $((wrote_listed + wrote_other)) "$(delta events.hook)" "events.hook: every written event"
assert_eq "$cycles" "$(delta device.connects)" "device.connects"
assert_eq "$cycles" "$(delta device.disconnects)" "device.disconnects"
wait_for "[ \"\$(probe mouse)\" = $((probe_mouse0 + wrote_listed)) ]" 30 "the probe got exactly the listed mice's events"

# A listed mouse unplugged mid-burst at 8 kHz: its count and the mouse lane hold exactly what it wrote, and
# the devices that follow at (likely) its address are filtered.
before=$(stats)
plug burst "$listed" "scxg-hp burst"
bg_send burst "moves 20000 8000"
sleep 0.5
kill -TERM "${_BG_PID[burst]}"
w=$(bg_wait_line burst '^wrote ' 30)
bg_stop burst > /dev/null
echo "burst: $w"
wb=$(field events "$w")
[ "$wb" -gt 0 ] && [ "$wb" -lt 60000 ] || fail "the burst was not cut short: $wb events written"
plug after1 "$unlisted" "scxg-hp after unlisted"
plug after2 "$ignored" "scxg-hp after ignored"
bg_send after1 "moves 100"
bg_send after2 "moves 100"
unplug after1
wu=$wrote
unplug after2
wi=$wrote
after=$(stats)
d=$(devices)
r=$(row "scxg-hp burst" "$(gone "$d")")
assert_eq "mouse $wb" "$(col 3 "$r") $(col 4 "$r")" "the burst mouse's count is what it wrote before the unplug"
assert_eq "$wb" "$(delta lane.mouse)" "lane.mouse: the burst only"
assert_eq $(( $(field events "$wu") + $(field events "$wi") )) "$(delta events.filtered)" "the devices after it: filtered"
assert_eq 0 "$(delta events.dropped.kernel)" "events.dropped.kernel"

# Held keys leave with an unplugged keyboard: the kernel releases its pressed keys as it unregisters (a
# release and a SYN the hook counts), and the next keyboard starts with nothing held.
before=$(stats)
plug keys "$kbd" "scxg-hp keys"
bg_send keys "key 30 1" "key 48 1" stats
bg_wait_line keys '^stats ' 20 > /dev/null
r=$(row "scxg-hp keys" "$(connected "$(devices)")")
assert_eq "4 2" "$(col 4 "$r") $(col 5 "$r")" "the keyboard holds 2 keys"
assert_eq 2 "$(kv keys.held "$(stats)")" "keys.held with 2 keys down"
unplug keys
after=$(stats)
assert_eq 0 "$(kv keys.held "$after")" "keys.held after the unplug"
r=$(row "scxg-hp keys" "$(gone "$(devices)")")
assert_eq 2 "$(delta keys.released)" "the kernel released both held keys as the keyboard unregistered"
# 2 presses + 2 SYN written, the kernel's 2 releases (and a SYN after them on kernels that send one: 7.3 does not)
kernel_extra=$(( $(col 4 "$r") - 4 - 2 ))
assert_le 1 "$kernel_extra" "events beyond the written ones and the releases"
assert_ge 0 "$kernel_extra" "events beyond the written ones and the releases"
assert_eq "$(col 4 "$r")" "$(delta lane.keyboard)" "lane.keyboard: exactly the keyboard's events"
plug keys2 "$kbd" "scxg-hp keys2"
bg_send keys2 "key 48 0" stats
bg_wait_line keys2 '^stats ' 20 > /dev/null
assert_eq 0 "$(kv keys.held "$(stats)")" "a release from the next keyboard finds nothing held"
unplug keys2

# More devices at once than the cache holds: the first $cache are cached, the others are classified
# event by event (device.uncached) and cached once an unplug makes room; nobody is evicted.
before=$(stats)
for k in 0 1 2 3 4 5; do plug "m$k" "$listed" "scxg-hp many $k"; done
c=$(connected "$(devices)")
echo "$c"
assert_eq "$cache" "$(grep -c . <<< "$c")" "$cache of 6 connected mice cached"
for k in 0 1 2 3; do assert_contains "$c" "scxg-hp many $k" "mouse $k cached"; done
for k in 0 1 2 3 4 5; do bg_send "m$k" "moves 20" stats; bg_wait_line "m$k" '^stats ' 20 > /dev/null; done
after=$(stats)
assert_eq 360 "$(delta lane.mouse)" "lane.mouse: all six mice, cached or not"
assert_eq 120 "$(delta device.uncached)" "device.uncached: the two beyond the cache"
c=$(connected "$(devices)")
for k in 0 1 2 3; do assert_eq 60 "$(col 4 "$(row "scxg-hp many $k" "$c")")" "mouse $k: its own 60 events"; done
unplug m0
unplug m1
bg_send m4 "moves 20" stats
bg_wait_line m4 '^stats ' 20 > /dev/null
r=$(row "scxg-hp many 4" "$(connected "$(devices)")")
assert_eq "mouse first-event 60" "$(col 3 "$r") $(col 7 "$r") $(col 4 "$r")" "mouse 4 cached on its first event after room freed"
for k in 2 3 4 5; do unplug "m$k"; done
assert_eq "" "$(connected "$(devices)")" "all unplugged: nothing connected"

# A kernel reload (device.cache.size changed) with a listed and an unlisted device connected across it: fresh
# maps, both learned again on their next event under the whitelist.
plug keep1 "$listed" "scxg-hp keep listed"
plug keep2 "$unlisted" "scxg-hp keep unlisted"
reloads() { grep -c 'reloading the kernel objects' "$RT_HOME/log/scxgamer.log" || true; }
reloads0=$(reloads)
rt_cfg scxgamer.core "whitelist=$whitelist" "device.cache.size=$((cache + 4))"
wait_for "[ \"\$(reloads)\" -gt $reloads0 ]" 60 "the core reloaded its kernel objects"
rt_wait scx:status '^devices +ACTIVE' 120 "part devices ACTIVE after the reload" > /dev/null
before=$(stats)
bg_send keep1 "moves 10"
bg_send keep2 "moves 10"
unplug keep1
wk1=$wrote
unplug keep2
wk2=$wrote
after=$(stats)
assert_eq "$(field events "$wk1")" "$(delta lane.mouse)" "after the reload: the listed mouse on the mouse lane"
assert_eq "$(field events "$wk2")" "$(delta events.filtered)" "after the reload: the unlisted device filtered"
r=$(row "scxg-hp keep listed" "$(gone "$(devices)")")
assert_eq "mouse first-event 30" "$(col 3 "$r") $(col 7 "$r") $(col 4 "$r")" "the listed mouse relearned on its first event after the reload"
rt_stop
