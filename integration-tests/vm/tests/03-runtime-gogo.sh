#!/usr/bin/env bash
# The exported runtime starts inside the sched_ext guest and answers a Gogo command.
# timeout: 420
. "$SCXG_VM/lib/guest.sh"

rt_start
out=$(rt_cmd lb 360)
echo "$out"
framework=$(awk -F'|' '$1 ~ /^ *0 *$/' <<< "$out")
assert_contains "$framework" "System Bundle" "lb's bundle 0"
assert_contains "$framework" "Active" "the framework bundle's state"
