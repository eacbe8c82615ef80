#!/usr/bin/env bash
# Keyboards, gamepads and arbitrary devices made with uinput-dev show their ids and deliver every event.
# timeout: 120
. "$SCXG_VM/lib/guest.sh"

modprobe uinput || fail "modprobe uinput failed"
wait_for '[ -c /dev/uinput ]' 5 "/dev/uinput is a character device"
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< "$2"; }

# check_device TAG BUS:VENDOR:PRODUCT NAME "UINPUT-DEV OPTIONS" SCRIPT-LINE...: creates the device, checks
# its entry in /proc/bus/input/devices, writes the script and compares what a reader got with what was written.
# Writer and reader share CPU 0 with the reader real-time (see 02-uinput-mouse.sh).
check_device() {
  local tag=$1 id=$2 name=$3 opts=$4; shift 4
  local bus=${id%%:*} rest=${id#*:}
  bg_start "$tag" taskset -c 0 "$SCXG_TOOLS/uinput-dev" $opts --id "$id" --name "$name" --script
  local event
  event=$(bg_wait_line "$tag" '^device ' 10 | sed -n 's/.* event=\(\/dev\/input\/event[0-9]*\)$/\1/p')
  [ -n "$event" ] || fail "$tag: uinput-dev printed no evdev node"
  local block
  block=$(awk -v RS= -v n="N: Name=\"$name\"" 'index($0, n)' /proc/bus/input/devices)
  assert_contains "$block" "I: Bus=$bus Vendor=${rest%%:*} Product=${rest#*:}" "$tag's ids in /proc/bus/input/devices"
  assert_contains "$(sed -n 's/^H: Handlers=/ /p' <<< "$block")" " ${event#/dev/input/} " "$tag's handlers"
  bg_start "$tag-reader" taskset -c 0 chrt -f 50 "$SCXG_TOOLS/evdev-read" --timeout 60 "$event"
  bg_wait_line "$tag-reader" '^ready$' 10 > /dev/null
  bg_send "$tag" "$@"
  bg_close "$tag"
  local wrote read
  wrote=$(bg_wait_line "$tag" '^wrote ' 30)
  read=$(bg_wait_line "$tag-reader" '^read ' 30)
  echo "$tag: $wrote"
  echo "$tag: $read"
  local f
  for f in reports events rel key abs other; do
    assert_eq "$(field "$f" "$wrote")" "$(field "$f" "$read")" "$tag: $f read"
  done
  assert_eq 0 "$(field dropped "$read")" "$tag: SYN_DROPPED"
  assert_eq gone "$(field end "$read")" "$tag: reader's end (device destroyed)"
}

# 50 presses and releases of KEY_A at 2 kHz.
check_device keyboard 0003:046d:c31c "scxgamer vm keyboard" "--type keyboard" "keys 50 2000 30"
assert_eq 100 "$(field reports "$(bg_wait_line keyboard '^wrote ' 1)")" "keyboard: reports written"

# A stick sweep (each value differs: the input core drops repeated absolute values) and button A.
sweep=()
for i in $(seq 1 50); do sweep+=("abs 0 $((i * 600))"); done
check_device gamepad 0003:045e:028e "scxgamer vm gamepad" "--type gamepad" "${sweep[@]}" "key 304 1" "key 304 0"
assert_eq 52 "$(field reports "$(bg_wait_line gamepad '^wrote ' 1)")" "gamepad: reports written"

# A device with nothing but a wheel, on Bluetooth, written event by event.
wheel=()
for i in $(seq 1 20); do wheel+=("ev 2 8 1" "syn"); done
check_device wheel 0005:1209:0002 "scxgamer vm wheel" "--type custom --enable 2:8" "${wheel[@]}"
assert_eq 20 "$(field rel "$(bg_wait_line wheel '^wrote ' 1)")" "wheel: REL_WHEEL events written"
