#!/usr/bin/env bash
# Issue 18, ntsync: two threads hand a token back and forth through ntsync semaphores (tools/ntsync-handoff:
# NTSYNC_IOC_SEM_RELEASE of the other's semaphore, which it waits on with NTSYNC_IOC_WAIT_ANY) under load, under
# the default scheduler, scxgamer and scxgamer with boost.ntsync 0 (lib/handoff.sh): the ntsync hook counts the
# signalling ioctls, scxgamer boosts the wakeups made inside them as hand-offs (sched.ntsync.handoffs,
# sched.ntsync.boosted). The guest loads the ntsync module first (the hook needs its BTF when the kernel objects
# load).
# timeout: 600
. "$SCXG_VM/lib/guest.sh"
. "$SCXG_VM/lib/handoff.sh"
rounds=${SCXG_NTSYNC_ROUNDS:-2000}

modprobe ntsync || fail "modprobe ntsync failed"
wait_for '[ -e /sys/kernel/btf/ntsync ] && [ -c /dev/ntsync ]' 10 "the ntsync module is loaded with its BTF and /dev/ntsync"
handoff_start ntsync "ntsync_obj_ioctl (entry and exit)"
handoff_phases ntsync "signalling ntsync ioctls" on_ntsync_ioctl on_ntsync_ioctl_exit
