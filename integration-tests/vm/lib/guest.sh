# shellcheck shell=bash
# Helpers for VM-tier guest tests. A test is `integration-tests/vm/tests/NN-name.sh`; it sources this file
# and runs as root inside the sched_ext guest, started by lib/guest-runner.sh (never run it on the host).
#
# Verdict: a test passes only if it exits 0, no `fail` was called (also from a $(...) subshell) and it
# made at least one assertion — a test that checks nothing cannot fail, so it does not pass either.
#
# Environment (set by the runner): SCXG_REPO (repository root, read-only in the guest), SCXG_VM
# (integration-tests/vm), SCXG_TOOLS (built guest tools: uinput-dev, evdev-read), SCXG_TEST_DIR (this
# test's folder in the writable results folder).
#
# Files: the guest's root is the host's, read-only outside virtme-ng's overlays (/etc /usr /var /tmp
# /home /opt /srv: writable, but the writes vanish at power-off). The repository (e.g. /work/...) is
# therefore read-only, so rt_start runs the runtime from a fresh copy under /tmp: deploy/, etc/, data/
# and log/ are writable there, every test starts from a clean framework cache, and nothing a test does
# can leak into the host's runtime folder. Fifos and process output also live under /tmp: the results
# folder is 9p, where fifos do not work.
set -euo pipefail
: "${SCXG_TEST_DIR:?guest tests run through integration-tests/vm/run-vm-tests.sh}"
# A write to a pipe whose reader died must return an error here, not kill the test silently.
trap '' PIPE
# set -e ends the test at the first failing command; name it as the failure reason.
trap 'printf "line %s: command failed (status %s): %s\n" "$LINENO" "$?" "$BASH_COMMAND" | tee -a "$SCXG_TEST_DIR/fail" >&2' ERR

SCXG_TMP=$(mktemp -d /tmp/scxg-test.XXXXXX)

# The kernel writes its debug dump of a scheduler it ejects (each CPU's runqueue, the runnable tasks, what
# they wait in) to the sched_ext_dump tracepoint: it is on for every test, and fail() prints what it caught,
# so an unexpected ejection shows its cause in the log. Tests that eject on purpose leave dumps there too.
_SCXG_TRACE=/sys/kernel/tracing
[ -d "$_SCXG_TRACE/events" ] || mount -t tracefs nodev "$_SCXG_TRACE" 2> /dev/null || :
if [ -w "$_SCXG_TRACE/events/sched_ext/sched_ext_dump/enable" ]; then
  echo 4096 > "$_SCXG_TRACE/buffer_size_kb"
  : > "$_SCXG_TRACE/trace"
  echo 1 > "$_SCXG_TRACE/events/sched_ext/sched_ext_dump/enable"
fi
# The dump lines the tracepoint caught in this test, without the trace's header and per-line prefix.
sched_ext_dumps() {
  [ -r "$_SCXG_TRACE/trace" ] || return 0
  grep -v '^#' "$_SCXG_TRACE/trace" | sed 's/^.*sched_ext_dump: //' || :
}
declare -A _BG_PID=() _BG_FD=()

# fail REASON: the test fails with REASON (kept as the failure message in the JUnit report).
# A test may define diagnose(): fail() runs it once, so the log shows the state that made the test fail.
fail() {
  printf 'FAIL: %s\n' "$*" >&2
  printf '%s\n' "$*" >> "$SCXG_TEST_DIR/fail"
  if declare -F diagnose > /dev/null && [ -z "${_diagnosed:-}" ]; then
    _diagnosed=1
    echo "--- diagnose (state at the failure)"
    diagnose 2>&1 || true
  fi
  local dumps
  dumps=$(sched_ext_dumps)
  if [ -n "$dumps" ]; then
    echo "--- the kernel's sched_ext debug dumps in this test (first 400 lines)"
    head -n 400 <<< "$dumps"
  fi
  exit 1
}

_passed() {
  printf 'ok: %s\n' "$*"
  echo >> "$SCXG_TEST_DIR/asserts"
}

# assert_eq EXPECTED ACTUAL [WHAT]
assert_eq() {
  local what=${3:-value}
  [ "$1" == "$2" ] || fail "$what: expected '$1', got '$2'"
  _passed "$what = '$2'"
}

# assert_contains TEXT NEEDLE [WHAT]: TEXT holds NEEDLE as a plain substring.
assert_contains() {
  local what=${3:-text}
  [[ $1 == *"$2"* ]] || fail "$what does not contain '$2'; it was:"$'\n'"$1"
  _passed "$what contains '$2'"
}

# wait_for CMD TIMEOUT_SEC [WHAT]: polls the shell command CMD (every 0.2 s) until it succeeds; fails
# the test when it has not succeeded within TIMEOUT_SEC.
wait_for() {
  local cmd=$1 timeout=$2 what=${3:-$1}
  local end=$((SECONDS + timeout))
  until eval "$cmd" > /dev/null 2>&1; do
    [ "$SECONDS" -lt "$end" ] || fail "timed out after ${timeout} s waiting for: $what"
    sleep 0.2
  done
  _passed "$what"
}

_alive() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2> /dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

_tail() {
  tail -n "${2:-40}" "$SCXG_TMP/$1.out" 2> /dev/null | sed 's/^/    | /'
}

# bg_start NAME CMD [ARG...]: starts CMD in the background with stdin from a fifo this shell holds open
# (so the process never sees EOF until bg_close) and stdout+stderr in bg_output NAME.
bg_start() {
  local name=$1; shift
  local fifo=$SCXG_TMP/$name.in fd
  mkfifo "$fifo"
  # The child closes the other processes' fifo fds: a stray writer would keep them from ever seeing EOF.
  (
    for fd in "${_BG_FD[@]}"; do [ -z "$fd" ] || exec {fd}>&-; done
    exec "$@"
  ) > "$SCXG_TMP/$name.out" 2>&1 < "$fifo" &
  _BG_PID[$name]=$!
  # Opened read-write after the fork: never blocks, and the child does not inherit a writer.
  exec {fd}<> "$fifo"
  _BG_FD[$name]=$fd
}

# bg_output NAME: path of the process's output file.
bg_output() { echo "$SCXG_TMP/$1.out"; }

# bg_send NAME LINE...: writes each LINE to the process's stdin.
bg_send() {
  local name=$1; shift
  _alive "${_BG_PID[$name]}" || fail "$name exited before it got: $*"$'\n'"$(_tail "$name")"
  printf '%s\n' "$@" >&"${_BG_FD[$name]}" || fail "cannot write to $name's stdin"
}

# bg_close NAME: closes the process's stdin (it reads EOF).
bg_close() {
  local fd=${_BG_FD[$1]:-}
  [ -z "$fd" ] || exec {fd}>&-
  _BG_FD[$1]=
}

# bg_wait_line NAME ERE TIMEOUT_SEC: waits until the output has a line matching ERE and prints the first
# such line; fails if the process exits or the time runs out first.
bg_wait_line() {
  local name=$1 re=$2 timeout=$3 out=$SCXG_TMP/$1.out line alive
  local end=$((SECONDS + timeout))
  while :; do
    alive=1
    _alive "${_BG_PID[$name]}" || alive=0
    line=$(grep -s -m1 -E -- "$re" "$out") && break
    [ "$alive" = 1 ] || fail "$name exited without printing /$re/; its output:"$'\n'"$(_tail "$name")"
    [ "$SECONDS" -lt "$end" ] || fail "timed out after ${timeout} s waiting for /$re/ from $name; its output:"$'\n'"$(_tail "$name")"
    sleep 0.2
  done
  printf '%s\n' "$line"
}

# bg_stop NAME [GRACE_SEC]: closes stdin, gives the process GRACE_SEC (default 20) to exit, then TERM,
# then KILL. Prints 'NAME exited with status N'.
bg_stop() {
  local name=$1 grace=${2:-20} pid=${_BG_PID[$1]:-}
  [ -n "$pid" ] || return 0
  bg_close "$name"
  local end=$((SECONDS + grace)) sig
  for sig in NONE TERM KILL; do
    [ "$sig" = NONE ] || kill -s "$sig" "$pid" 2> /dev/null || true
    while _alive "$pid" && [ "$SECONDS" -lt "$end" ]; do sleep 0.2; done
    _alive "$pid" || break
    end=$((SECONDS + 10))
  done
  local rc=0
  wait "$pid" 2> /dev/null || rc=$?
  echo "$name exited with status $rc"
  _BG_PID[$name]=
}

# Stops what the test left running and shows each background process's output in the test's log.
_cleanup() {
  local name
  for name in "${!_BG_PID[@]}"; do
    [ -z "${_BG_PID[$name]}" ] || bg_stop "$name" 5 || true
    echo "--- output of $name (last 200 lines) ---"
    tail -n 200 "$SCXG_TMP/$name.out" 2> /dev/null || true
  done
  rm -rf "$SCXG_TMP"
}
trap _cleanup EXIT

# ---- the platform runtime (runtime/bin/scxgamer: Felix with the Gogo shell on stdin) ----

# rt_prepare: copies the runtime to $RT_HOME (see the header for why) without starting it, so a test can
# put plugins into $RT_HOME/deploy and configurations into $RT_HOME/etc first. rt_start calls it if needed.
rt_prepare() {
  local src=${SCXG_RUNTIME:-$SCXG_REPO/runtime}
  [ -x "$src/bin/scxgamer" ] || fail "runtime launcher missing: $src/bin/scxgamer (build the runtime on the host first)"
  RT_HOME=$SCXG_TMP/runtime
  mkdir -p "$RT_HOME"
  tar -C "$src" --exclude=./data --exclude=./log --exclude=./felix-cache -cf - . | tar -C "$RT_HOME" -xf - \
    || fail "cannot copy the runtime from $src to $RT_HOME"
}

# rt_start [ARG...]: starts the runtime's launcher (after rt_prepare, which it runs itself when the test did
# not) with ARGs, Gogo reading commands from bg_send rt. With --headless there is no shell: rt_cmd then fails.
rt_start() {
  [ -n "${RT_HOME:-}" ] && [ -d "$RT_HOME" ] || rt_prepare
  # C1 only and the serial GC halve the JVM's start-up CPU time, which is what TCG makes slow; a test
  # can set its own SCXGAMER_JAVA_OPTS (empty: the product's JVM defaults). The tests read log records from the console (bg_output rt), which
  # with the shell shows only warnings and errors by default: INFO here.
  SCXGAMER_JAVA_OPTS=${SCXGAMER_JAVA_OPTS--XX:TieredStopAtLevel=1 -XX:+UseSerialGC} \
    SCXGAMER_CONSOLE_LOG=${SCXGAMER_CONSOLE_LOG:-INFO} \
    bg_start rt "$RT_HOME/bin/scxgamer" "$@"
}

# rt_deploy NAME...: copies built bundles into $RT_HOME/deploy (before or after rt_start). NAME: probe (the
# test subscriber, integration-tests/probe) or a plugin folder under bundles/ (stats, recorder,
# policy-foreground, policy-profiles). Prints the deployed file names.
rt_deploy() {
  local name jar
  [ -n "${RT_HOME:-}" ] || rt_prepare
  for name in "$@"; do
    if [ "$name" = probe ]; then
      jar=$(ls "$SCXG_REPO"/integration-tests/probe/target/org.scxgamer.itest.probe-*.jar 2> /dev/null | head -1)
    else
      jar=$(ls "$SCXG_REPO"/bundles/"$name"/target/org.scxgamer.*.jar 2> /dev/null | grep -v -- '-sources\.jar$' | head -1)
    fi
    [ -n "$jar" ] || fail "no built jar for '$name' (build the project on the host first: mvn package)"
    cp "$jar" "$RT_HOME/deploy/.$name.tmp" && mv "$RT_HOME/deploy/.$name.tmp" "$RT_HOME/deploy/$name.jar"
    echo "$name.jar"
  done
}

# rt_cfg PID [KEY=VALUE]...: writes $RT_HOME/etc/PID.cfg whole and atomically (FileInstall must never see
# half a file), one KEY = VALUE per argument.
rt_cfg() {
  local pid=$1; shift
  [ -n "${RT_HOME:-}" ] || rt_prepare
  local tmp=$RT_HOME/.$pid.cfg.tmp line
  : > "$tmp"
  for line in "$@"; do printf '%s = %s\n' "${line%%=*}" "${line#*=}" >> "$tmp"; done
  mv "$tmp" "$RT_HOME/etc/$pid.cfg"
}

# rt_wait 'GOGO COMMAND' ERE TIMEOUT_SEC [WHAT]: repeats the command (every 0.5 s) until its output has a
# line matching ERE; prints that output. Fails with the last output after TIMEOUT_SEC.
rt_wait() {
  local cmd=$1 re=$2 timeout=$3 what=${4:-"'$1' shows /$2/"} out
  local end=$((SECONDS + timeout))
  while :; do
    out=$(rt_cmd "$cmd" "$timeout")
    grep -qE -- "$re" <<< "$out" && break
    [ "$SECONDS" -lt "$end" ] || fail "timed out after ${timeout} s waiting until $what; last output:"$'\n'"$out"
    sleep 0.5
  done
  _passed "$what" >&2
  printf '%s\n' "$out"
}

# kv KEY TEXT: the value of a 'KEY: VALUE' line (scx:stats, stats:show) in TEXT; fails when it is missing.
kv() {
  local v
  v=$(awk -v k="$1" 'index($0, k ": ") == 1 {print substr($0, length(k) + 3); exit}' <<< "$2")
  [ -n "$v" ] || fail "no '$1: ' line in:"$'\n'"$2"
  printf '%s\n' "$v"
}

# assert_ge MIN ACTUAL [WHAT] / assert_le MAX ACTUAL [WHAT]: whole numbers.
assert_ge() {
  [ "$2" -ge "$1" ] 2> /dev/null || fail "${3:-value}: expected at least $1, got '$2'"
  _passed "${3:-value} = $2 (>= $1)"
}
assert_le() {
  [ "$2" -le "$1" ] 2> /dev/null || fail "${3:-value}: expected at most $1, got '$2'"
  _passed "${3:-value} = $2 (<= $1)"
}

# rt_cmd 'GOGO COMMAND' [TIMEOUT_SEC]: runs one Gogo command and prints exactly its output. The command
# is bracketed by two `echo` markers; the lines between them are its output, with the 'g! ' prompts the
# shell prints (it does not echo input) removed. Default timeout 120 s: the JVM starts slowly under TCG.
rt_cmd() {
  local cmd=$1 timeout=${2:-120} id
  id=$(date +%s%N)$BASHPID
  _alive "${_BG_PID[rt]}" || fail "the runtime exited before the Gogo command '$cmd'; its output:"$'\n'"$(_tail rt)"
  bg_send rt "echo SCXG-BEGIN-$id" "$cmd" "echo SCXG-END-$id"
  bg_wait_line rt "^(g! )*SCXG-END-$id\$" "$timeout" > /dev/null
  # awk reads to the end: exiting at the marker would make sed fail on the closed pipe (EPIPE: SIGPIPE is
  # ignored here), and with pipefail so would this command.
  sed -e 's/\r$//' -e 's/^\(g! \)*//' "$SCXG_TMP/rt.out" \
    | awk -v b="SCXG-BEGIN-$id" -v e="SCXG-END-$id" 'done {next} $0 == e {done = 1; next} on {print} $0 == b {on = 1}'
}

# bpf_prog_costs PROG...: prints each BPF program's calls and mean run time per call, from the kernel's BPF
# run-time statistics (run_time_ns / run_cnt; counted only while kernel.bpf_stats_enabled is 1).
bpf_prog_costs() {
  local prog info
  for prog in "$@"; do
    info=$(bpftool -j prog show name "$prog" 2> /dev/null) || fail "bpftool prog show name $prog failed"
    python3 -c 'import json, sys
p = json.loads(sys.argv[1]); p = p[0] if isinstance(p, list) else p
n = p.get("run_cnt", 0)
print("%s: %d calls, %.0f ns per call (TCG)" % (sys.argv[2], n, p.get("run_time_ns", 0) / n if n else 0))' "$info" "$prog"
  done
}

# rt_stop [GRACE_SEC]: ends the runtime (stdin EOF makes Gogo stop the framework), TERM/KILL after GRACE.
rt_stop() { bg_stop rt "${1:-30}"; }

# reliability_md SCENARIO-NAME LINE...: adds Markdown lines (what was tried and what held, with counts) to
# the reliability fragment SCENARIO-NAME.md (e.g. 6-soak), which run-vm-tests.sh collects into
# results/reliability/ for scripts/reliability-report.py (docs/RELIABILITY.md).
reliability_md() {
  local name=$1 file; shift
  file=$SCXG_TEST_DIR/reliability/$name.md
  mkdir -p "$SCXG_TEST_DIR/reliability"
  # The first line names the test (testcase vm/NAME of TEST-vm.xml): the doc shows its result of the same run.
  [ -f "$file" ] || printf '<!-- written by: vm#%s -->\n' "$SCXG_TEST_NAME" > "$file"
  printf '%s\n' "$@" >> "$file"
}
