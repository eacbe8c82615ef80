#!/usr/bin/env bash
# The guest kernel has sched_ext and no scheduler is attached yet.
# timeout: 30
. "$SCXG_VM/lib/guest.sh"

[ -e /sys/kernel/sched_ext/state ] || fail "/sys/kernel/sched_ext/state missing: kernel $(uname -r) lacks CONFIG_SCHED_CLASS_EXT"
assert_eq disabled "$(cat /sys/kernel/sched_ext/state)" "/sys/kernel/sched_ext/state"
