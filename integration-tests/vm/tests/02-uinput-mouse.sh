#!/usr/bin/env bash
# uinput loads; a virtual mouse appears with its name and ids; every event written arrives on its evdev node.
# timeout: 90
. "$SCXG_VM/lib/guest.sh"

name="scxgamer vm mouse"
moves=1000 clicks=20

modprobe uinput || fail "modprobe uinput failed"
wait_for '[ -c /dev/uinput ]' 5 "/dev/uinput is a character device"

# Writer and reader share CPU 0 and the reader is real-time: each write wakes it and it drains the evdev
# buffer before the writer runs again, so host stalls of the TCG vCPUs cannot overrun that buffer.
bg_start mouse taskset -c 0 "$SCXG_TOOLS/uinput-dev" --type mouse --id usb:046d:c077 --name "$name" --script
dev=$(bg_wait_line mouse '^device ' 10)
event=$(sed -n 's/.* event=\(\/dev\/input\/event[0-9]*\)$/\1/p' <<< "$dev")
[ -n "$event" ] || fail "uinput-dev printed no evdev node: $dev"

# The device's block in /proc/bus/input/devices (blocks are separated by blank lines).
block=$(awk -v RS= -v n="N: Name=\"$name\"" 'index($0, n)' /proc/bus/input/devices)
assert_contains "$block" "N: Name=\"$name\"" "/proc/bus/input/devices"
assert_contains "$block" "I: Bus=0003 Vendor=046d Product=c077" "the mouse's ids"
assert_contains "$(sed -n 's/^H: Handlers=/ /p' <<< "$block")" " ${event#/dev/input/} " "the mouse's handlers"

bg_start reader taskset -c 0 chrt -f 50 "$SCXG_TOOLS/evdev-read" --timeout 60 "$event"
bg_wait_line reader '^ready$' 10 > /dev/null
assert_contains "$(bg_wait_line reader '^device ' 1)" "id=0003:046d:c077" "evdev-read's view of the ids"

# 1 kHz like a gaming mouse; then clicks; closing stdin destroys the device, which ends the reader.
bg_send mouse "moves $moves 1000" "keys $clicks 1000"
bg_close mouse
wrote=$(bg_wait_line mouse '^wrote ' 30)
read=$(bg_wait_line reader '^read ' 30)
echo "$wrote"
echo "$read"
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< "$2"; }

assert_eq $((moves + 2 * clicks)) "$(field reports "$wrote")" "reports written"
assert_eq "$(field reports "$wrote")" "$(field reports "$read")" "reports read"
assert_eq "$(field rel "$wrote")" "$(field rel "$read")" "REL events read"
assert_eq "$(field key "$wrote")" "$(field key "$read")" "KEY events read"
assert_eq "$moves" "$(field rel_x_sum "$read")" "sum of REL_X"
assert_eq "-$moves" "$(field rel_y_sum "$read")" "sum of REL_Y"
assert_eq "$clicks" "$(field key_down "$read")" "button presses"
assert_eq 0 "$(field dropped "$read")" "SYN_DROPPED (evdev buffer overruns)"
assert_eq gone "$(field end "$read")" "reader's end (device destroyed)"
