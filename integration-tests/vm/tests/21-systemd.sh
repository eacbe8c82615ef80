#!/usr/bin/env bash
# Issue 20: the Debian package's unit under a real systemd. A container (systemd-nspawn) boots systemd as its
# PID 1 on the sched_ext guest, `dpkg -i` installs the built package, `systemctl enable --now scxgamer`
# attaches the scheduler; the service's capability bounding set is exactly the unit's (what the container
# has beyond it is gone) and enough (attached, no privilege warning, the ring reader at its nice value);
# `kill -9` of the service is restarted by Restart=on-failure and attaches again; `systemctl stop` detaches
# within the unit's TimeoutStopSec; the container booted again into multi-user.target starts the enabled
# unit, which attaches.
# timeout: 720
. "$SCXG_VM/lib/guest.sh"

# The unit's CapabilityBoundingSet= (packaging/deb/src/debian/scxgamer.service), as names.
UNIT_CAPS="CAP_BPF CAP_PERFMON CAP_SYS_ADMIN CAP_SYS_NICE"
# Limits, in seconds: the JVM starts interpreted under TCG.
ATTACH_LIMIT=${SCXG_SYSTEMD_ATTACH_LIMIT:-240}
STOP_LIMIT=10 # the unit's TimeoutStopSec=: beyond it systemd kills the service instead of a clean stop

deb=$(ls "$SCXG_REPO"/packaging/deb/target/scxgamer_*_amd64.deb 2> /dev/null | head -1 || true)
[ -n "$deb" ] || fail "no package in packaging/deb/target: build it on the host first (mvn install)"
command -v systemd-nspawn > /dev/null || fail "systemd-nspawn not found: install systemd-container (scripts/install-toolchain.sh)"
[ -x /lib/systemd/systemd ] || fail "/lib/systemd/systemd not found: the container needs systemd (scripts/install-toolchain.sh)"
[ "$(cat /sys/kernel/sched_ext/state)" = disabled ] || fail "a sched_ext scheduler is already attached: $(cat /sys/kernel/sched_ext/root/ops)"

CAP_NAMES=(CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER CAP_FSETID CAP_KILL CAP_SETGID CAP_SETUID
  CAP_SETPCAP CAP_LINUX_IMMUTABLE CAP_NET_BIND_SERVICE CAP_NET_BROADCAST CAP_NET_ADMIN CAP_NET_RAW CAP_IPC_LOCK
  CAP_IPC_OWNER CAP_SYS_MODULE CAP_SYS_RAWIO CAP_SYS_CHROOT CAP_SYS_PTRACE CAP_SYS_PACCT CAP_SYS_ADMIN CAP_SYS_BOOT
  CAP_SYS_NICE CAP_SYS_RESOURCE CAP_SYS_TIME CAP_SYS_TTY_CONFIG CAP_MKNOD CAP_LEASE CAP_AUDIT_WRITE CAP_AUDIT_CONTROL
  CAP_SETFCAP CAP_MAC_OVERRIDE CAP_MAC_ADMIN CAP_SYSLOG CAP_WAKE_ALARM CAP_BLOCK_SUSPEND CAP_AUDIT_READ CAP_PERFMON
  CAP_BPF CAP_CHECKPOINT_RESTORE)
# caps HEX: the capability names of a /proc/PID/status mask, sorted, one line.
caps() {
  local mask=$((16#$1)) i names=()
  for i in "${!CAP_NAMES[@]}"; do (( (mask >> i) & 1 )) && names+=("${CAP_NAMES[$i]}"); done
  printf '%s\n' "${names[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.1f", b - a}'; }

# The container's root: the guest's (the host's, read-only) under a tmpfs overlay, so dpkg can write.
rw=$SCXG_TMP/ctr-rw root=$SCXG_TMP/ctr-root
mkdir -p "$rw" "$root"
mount -t tmpfs -o mode=0755 scxg-ctr "$rw"
mkdir "$rw/upper" "$rw/work"
mount -t overlay -o "lowerdir=/,upperdir=$rw/upper,workdir=$rw/work,xino=off" scxg-ctr "$root"
# power_off NAME: SIGTERM makes nspawn ask the container's systemd to power off; waits for it to end.
power_off() {
  [ -n "${_BG_PID[$1]:-}" ] || return 0
  kill -TERM "${_BG_PID[$1]}" 2> /dev/null || true
  bg_stop "$1" 60
}
cgs=()
teardown() {
  power_off "${booted:-}" || true
  umount "$root" 2> /dev/null || umount -l "$root" 2> /dev/null || true
  umount "$rw" 2> /dev/null || umount -l "$rw" 2> /dev/null || true
  local cg
  for cg in "${cgs[@]}"; do find "$cg" -depth -type d -exec rmdir {} + 2> /dev/null || true; done
}
trap 'teardown; _cleanup' EXIT
cp "$deb" "$root/root/scxgamer.deb"

# PID 1 of the container, as the guest sees it: the process whose innermost pid is 1 in a nested namespace.
leader=
find_leader() {
  local s
  for s in /proc/[0-9]*/status; do
    if awk '/^NSpid:/ {found = (NF == 3 && $3 == 1)} END {exit !found}' "$s" 2> /dev/null; then
      leader=${s#/proc/}; leader=${leader%/status}
      return 0
    fi
  done
  return 1
}
# ctr CMD...: runs CMD in the container (its namespaces and root), as the container's root.
ctr() { nsenter --target "$leader" --mount --uts --ipc --net --pid --cgroup --root --wd -- "$@"; }

diagnose() {
  [ -n "$leader" ] || return 0
  ctr systemctl status --no-pager scxgamer 2>&1 | tail -n 20
  echo "--- journal of scxgamer.service"
  ctr journalctl --no-pager -o short-monotonic -u scxgamer 2>&1 | tail -n 80
  echo "--- failed units"
  ctr systemctl --failed --no-pager 2>&1
}

# boot NAME UNIT: systemd as the container's PID 1 (background process NAME), into UNIT. The container gets
# the capabilities BPF needs beyond nspawn's default set, with bpf(2), and two the unit does not grant
# (CAP_SYS_RESOURCE, CAP_NET_ADMIN: nspawn drops them by default), whose absence in the service then shows the
# unit's bound. No host systemd or bus: nspawn registers nothing and keeps the cgroup it was started in, a
# fresh one per boot, which the container's systemd then manages. Sets state: what is-system-running waited for.
booted= state=
boot() {
  local name=$1 unit=$2 cg= t
  if [ -f /sys/fs/cgroup/cgroup.procs ]; then
    cg=/sys/fs/cgroup/scxg-$name
    mkdir -p "$cg"
    cgs+=("$cg")
  fi
  t=$(now)
  bg_start "$name" sh -c '[ -z "$1" ] || echo $$ > "$1/cgroup.procs"; shift; exec "$@"' sh "$cg" \
    systemd-nspawn --quiet --register=no --keep-unit --machine=scxg-systemd --directory="$root" --boot \
    --capability=CAP_BPF,CAP_PERFMON,CAP_SYS_RESOURCE,CAP_NET_ADMIN --system-call-filter='bpf perf_event_open' \
    --link-journal=no --resolv-conf=off --timezone=off --console=read-only -- "systemd.unit=$unit"
  booted=$name leader=
  wait_for find_leader 60 "the container's systemd started ($name)"
  assert_eq systemd "$(cat "/proc/$leader/comm")" "the container's PID 1 ($name)"
  wait_for "ctr test -S /run/systemd/private" 60 "the container's systemd listens ($name)"
  state=$(ctr timeout 180 systemctl is-system-running --wait 2>&1) || true
  echo "container booted into $unit ($state) after $(since "$t") s"
}

# First boot: to basic.target (the host's enabled services, e.g. a database, stay off).
boot ctr basic.target
[ "$state" = running ] || { ctr systemctl --failed --no-pager; fail "the container's systemd is '$state', not running"; }
_passed "the container's systemd is running"

t=$(now)
ctr dpkg -i /root/scxgamer.deb || fail "dpkg -i of $(basename "$deb") failed in the container"
echo "dpkg -i took $(since "$t") s"
assert_eq loaded "$(ctr systemctl show -p LoadState --value scxgamer)" "scxgamer.service after dpkg -i"

# Attached: the kernel runs scxgamer's ops.
attached() { [ "$(cat /sys/kernel/sched_ext/state)" = enabled ] && [ "$(cat /sys/kernel/sched_ext/root/ops)" = scxgamer ]; }
t=$(now)
ctr systemctl enable --now scxgamer
assert_eq enabled "$(ctr systemctl is-enabled scxgamer)" "systemctl is-enabled scxgamer"
wait_for attached "$ATTACH_LIMIT" "systemctl enable --now attached the scheduler"
echo "attached $(since "$t") s after systemctl enable --now"
assert_eq active "$(ctr systemctl is-active scxgamer)" "scxgamer.service"
pid=$(ctr systemctl show -p MainPID --value scxgamer)
[ "$pid" -gt 1 ] || fail "no main PID: $pid"
status=$(ctr cat "/proc/$pid/status")
assert_eq java "$(ctr cat "/proc/$pid/comm")" "the service's main process"

# Capabilities: exactly the unit's set, although the container's systemd has more.
want=$(printf '%s\n' $UNIT_CAPS | sort | tr '\n' ' ' | sed 's/ $//')
bnd=$(caps "$(awk '/^CapBnd:/ {print $2}' <<< "$status")")
assert_eq "$want" "$bnd" "the service's capability bounding set (CapBnd)"
assert_eq "$want" "$(caps "$(awk '/^CapEff:/ {print $2}' <<< "$status")")" "the service's effective capabilities (CapEff)"
pid1=$(caps "$(ctr awk '/^CapBnd:/ {print $2}' /proc/1/status)")
echo "container PID 1 CapBnd: $pid1"
for cap in CAP_SYS_RESOURCE CAP_NET_ADMIN CAP_SYS_PTRACE CAP_DAC_OVERRIDE CAP_NET_RAW CAP_SYS_BOOT; do
  [[ " $pid1 " == *" $cap "* ]] || fail "the container's PID 1 lacks $cap, so its absence proves nothing: $pid1"
  [[ " $bnd " != *" $cap "* ]] || fail "the service keeps $cap, which its unit does not grant: $bnd"
  _passed "$cap: the container has it, the service does not"
done
# Enough: the ring reader runs at its nice value (-10 needs CAP_SYS_NICE), and nothing was refused.
reader=$(ctr sh -c "grep -l '^scxgamer-ring-r' /proc/$pid/task/*/comm" | head -1)
[ -n "$reader" ] || fail "no scxgamer-ring-reader thread in process $pid"
assert_eq -10 "$(ctr awk '{sub(/.*\) /, ""); print $17}' "${reader%/comm}/stat")" "the ring reader's nice value"
journal=$(ctr journalctl --no-pager -u scxgamer)
if grep -Ei 'not permitted|EPERM|EACCES|permission denied|needs root|CAP_[A-Z_]+|keeps the default priority' <<< "$journal"; then
  fail "the service's journal shows a refused privilege (above)"
fi
_passed "no privilege refused in the service's journal"

# A crash: SIGKILL leaves the kernel's default scheduler in place; Restart=on-failure starts it again.
t=$(now)
ctr kill -KILL "$pid"
wait_for '! attached' 30 "the kill detached the scheduler"
wait_for "[ \"\$(ctr systemctl show -p NRestarts --value scxgamer)\" = 1 ]" 60 "systemd restarted the service (NRestarts = 1)"
wait_for attached "$ATTACH_LIMIT" "the restarted service attached the scheduler"
echo "attached again $(since "$t") s after kill -9 (RestartSec=5s)"
pid2=$(ctr systemctl show -p MainPID --value scxgamer)
[ "$pid2" -gt 1 ] && [ "$pid2" != "$pid" ] || fail "the main PID after the restart is '$pid2' (before: $pid)"
_passed "a new main process ($pid2, before $pid)"

# A stop: the runtime detaches and exits by itself within TimeoutStopSec (no SIGKILL from systemd). Of a
# runtime that finished starting (its web server listens on both ports): under TCG the JVM attaches about 90 s
# after its start and starts its other bundles for seconds more, and a stop in the middle of that reached the shutdown hook 4-10 s after SIGTERM,
# whose framework stop then gave up after 4 s (the process exits and the kernel detaches the scheduler,
# but not within the unit's 10 s); on real hardware start-up takes 1-2 s.
wait_for "[ \"\$(ctr journalctl --no-pager -u scxgamer _PID=$pid2 | grep -c 'Started Jetty')\" -ge 2 ]" 240 \
  "the restarted runtime finished starting (its web server on both ports)"
t=$(now)
ctr systemctl stop scxgamer &
stopper=$!
wait_for '! attached' "$STOP_LIMIT" "systemctl stop detached the scheduler"
detached=$(since "$t")
wait "$stopper" || fail "systemctl stop failed"
secs=$(since "$t")
echo "systemctl stop: detached after $detached s, returned after $secs s; the runtime's log:"
ctr grep -hE 'shutdown requested|Core stopped|clean shutdown|did not stop' /var/log/scxgamer/scxgamer.log | tail -n 3 || true
awk -v s="$secs" -v l="$STOP_LIMIT" 'BEGIN {exit !(s < l)}' || fail "systemctl stop took $secs s, the unit's bound is $STOP_LIMIT s"
_passed "stopped in $secs s (bound $STOP_LIMIT s)"
assert_eq disabled "$(cat /sys/kernel/sched_ext/state)" "sched_ext state after systemctl stop"
assert_eq success "$(ctr systemctl show -p Result --value scxgamer)" "the service's Result after the stop"
assert_contains "$(ctr journalctl --no-pager -u scxgamer)" "scxgamer stopped; sched_ext state: disabled" "the journal (ExecStopPost)"

# At boot: the container powered off and booted again, now into multi-user.target, which the enabled unit is
# wanted by. The host's own enabled services are masked in the container first (only scxgamer is under test).
others=$(ctr sh -c 'cd /etc/systemd/system/multi-user.target.wants && ls *.service' | grep -vx scxgamer.service || true)
[ -z "$others" ] || ctr systemctl mask --quiet $others
t=$(now)
power_off ctr
echo "powered off after $(since "$t") s"
t=$(now)
boot ctr2 multi-user.target
[ "$state" = running ] || ctr systemctl --failed --no-pager
wait_for attached "$ATTACH_LIMIT" "the enabled unit attached the scheduler at boot"
echo "attached $(since "$t") s after the second boot started"
assert_eq active "$(ctr systemctl is-active scxgamer)" "scxgamer.service after the boot"
assert_eq 0 "$(ctr systemctl show -p NRestarts --value scxgamer)" "restarts of scxgamer.service in this boot"
