#!/usr/bin/env bash
# Issue 18, futex: two threads hand a token back and forth through futexes (tools/futex-handoff: FUTEX_WAKE of
# the other, which sleeps in FUTEX_WAIT) under load, under the default scheduler, scxgamer and scxgamer with
# boost.futex 0 (lib/handoff.sh): the futex hook counts the wake calls, scxgamer boosts the wakeups made inside
# them as hand-offs (sched.futex.handoffs, sched.futex.boosted).
# timeout: 600
. "$SCXG_VM/lib/guest.sh"
. "$SCXG_VM/lib/handoff.sh"
rounds=${SCXG_FUTEX_ROUNDS:-2000}

handoff_start futex "futex_wake and futex_wake_op"
# Without the ntsync module (22-ntsync loads it, later in the boot) only the ntsync hook is lost, with the reason.
[ -e /sys/module/ntsync ] || assert_contains "$(grep '^ntsync_hook ' <<< "$status")" \
  "UNAVAILABLE kernel has no traceable ntsync_obj_ioctl (module ntsync was not loaded" "part ntsync_hook without the module"
handoff_phases futex "futex wake calls" on_futex_wake on_futex_wake_exit on_futex_wake_op on_futex_wake_op_exit
