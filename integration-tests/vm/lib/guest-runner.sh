#!/usr/bin/env bash
# Runs inside the VM guest (run-vm-tests.sh starts it through vng): runs each guest test with a timeout
# and leaves its verdict in OUT/<test>/ on the writable results folder, where the host reads it.
#   guest-runner.sh OUT TEST.sh...
# Per test: output.log (stdout+stderr), rc, seconds, verdict ('PASS' or 'FAIL <reason>'); a test's own
# timeout comes from a '# timeout: SEC' line in it (default $SCXG_VM_TEST_TIMEOUT, 120), plus the seconds in
# the environment variable a '# timeout-plus: VAR' line names.
set -uo pipefail
out=$1; shift
vm=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
export SCXG_VM=$vm SCXG_REPO=${SCXG_REPO:-$(cd "$vm/../.." && pwd)} SCXG_TOOLS=${SCXG_TOOLS:-$vm/target/tools}
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
default_timeout=${SCXG_VM_TEST_TIMEOUT:-120}

{
  echo "kernel=$(uname -r)"
  echo "uptime_at_start=$(cut -d' ' -f1 /proc/uptime)"
  echo "sched_ext_state=$(cat /sys/kernel/sched_ext/state 2>&1)"
} > "$out/guest-info"
# The host times the boot by this line.
echo "SCXG-GUEST-UP $(tr '\n' ' ' < "$out/guest-info")"

for test in "$@"; do
  test=$(readlink -f "$test")
  name=$(basename "$test" .sh)
  dir=$out/$name
  mkdir -p "$dir"
  limit=$(sed -n 's/^# timeout: *\([0-9][0-9]*\).*/\1/p' "$test" | head -1)
  limit=${limit:-$default_timeout}
  plus=$(sed -n 's/^# timeout-plus: *\([A-Za-z_][A-Za-z0-9_]*\).*/\1/p' "$test" | head -1)
  [ -z "$plus" ] || limit=$((limit + ${!plus:-0}))
  start=$(date +%s.%N)
  (cd "$dir" && SCXG_TEST_NAME=$name SCXG_TEST_DIR=$dir exec timeout -k 10 "$limit" bash "$test") \
    > "$dir/output.log" 2>&1 < /dev/null
  rc=$?
  secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
  asserts=$(cat "$dir/asserts" 2> /dev/null | wc -l)
  reason=
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    reason="timed out after $limit s"
  elif [ -s "$dir/fail" ]; then
    reason=$(head -c 2000 "$dir/fail")
  elif [ "$rc" != 0 ]; then
    reason="exited with status $rc: $(grep -v '^ok: ' "$dir/output.log" | tail -n 3 | tr '\n' ' ')"
  elif [ "$asserts" = 0 ]; then
    reason="made no assertions (a test that checks nothing cannot fail, so it does not pass)"
  fi
  echo "$rc" > "$dir/rc"
  echo "$secs" > "$dir/seconds"
  if [ -z "$reason" ]; then
    echo PASS > "$dir/verdict"
    echo "[guest] PASS $name ($secs s)"
  else
    printf 'FAIL %s\n' "$reason" > "$dir/verdict"
    echo "[guest] FAIL $name ($secs s): $(head -n 1 <<< "$reason")"
  fi
done
sync
echo SCXG-GUEST-DONE
