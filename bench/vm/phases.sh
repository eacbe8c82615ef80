# shellcheck shell=bash
# Scheduler phases and workloads of benchmark part 9 (bench/vm/sched-compare.sh) and VM test 13, run in the
# sched_ext guest after integration-tests/vm/lib/guest.sh. Every function prints what it measured as
# key=value words; the report (bench/vm/sched_report.py) reads the 'result' lines.
#
# Schedulers (sched_start NAME / sched_stop):
#   eevdf        the kernel's default scheduler (nothing attached)
#   simple       scx_simple (weighted vtime)         simple-fifo  scx_simple -f (global FIFO)
#   central      scx_central                         flatcg       scx_flatcg
#   qmap         scx_qmap                            (the upstream examples, bench/peers/build-peers.sh)
#   scxgamer-c   scxgamer attached by bench/vm/scxg_attach.c (no JVM); the harness gives the hints the
#                foreground policy would (game process, its input thread classed INPUT)
#   scxgamer     scxgamer as a gamer runs it: runtime/bin/scxgamer --headless with the foreground policy
#                plugin dropped in, which finds the game (process.patterns) and classes its input thread
# Needs: GAME (bench/vm/game/game.c binary, named scxg-game), ATTACH (scxg_attach), OBJ_DIR (the BPF objects),
# PEERS (folder of the scx_* binaries), ITERS (the game's --iters-per-us, from game_calibrate), stress-ng,
# cyclictest, perf, gcc. FLIP_CARD (optional): a KMS display the game shows its frames on (game-flip).
# hook_costs also needs FUTEX_TOOL and NTSYNC_TOOL (integration-tests/vm/tools' futex-handoff, ntsync-handoff),
# aplay, bpftool, and the modules snd-aloop and ntsync.

NCPU=$(nproc)
# A fifo nobody writes, held open read-write: 'read -t -u $NEVER_FD' on it is a sleep without a fork.
mkfifo "$SCXG_TMP/phases-never"
exec {NEVER_FD}<> "$SCXG_TMP/phases-never"
# libbpf reads the kernel configuration for __kconfig externs (scx_central's CONFIG_PREEMPT_RCU) from
# /boot/config-RELEASE or /proc/config.gz; the guest has neither (Debian does not build IKCONFIG_PROC and /boot
# is the host's). The kernel package ships the config: a tmpfs over the guest's /boot makes it visible there.
guest_kconfig() {
  local rel
  rel=$(uname -r)
  [ -f "/boot/config-$rel" ] && return 0
  [ -f "/usr/lib/modules/$rel/config" ] || { echo "no kernel config for $rel in /usr/lib/modules/$rel" >&2; return 1; }
  mount -t tmpfs -o size=4m scxg-boot /boot && cp "/usr/lib/modules/$rel/config" "/boot/config-$rel"
}

# The guest's CPU count and topology, stated in the output (the harness compares schedulers on these vCPUs).
guest_topology() {
  local c
  echo "topology cpus=$NCPU online=$(cat /sys/devices/system/cpu/online) model='$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)'"
  # Timer resolution bounds every sleep-based latency here (cyclictest, the game's frame and audio sleeps).
  echo "topology timers clocksource=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)" \
    "clockevent=$(sed -n 's/^Clock Event Device: //p' /proc/timer_list | sort -u | tr '\n' ',' | sed 's/,$//')" \
    "hrtimer_resolution_ns=$(sed -n 's/^ *\.resolution: \([0-9]*\) nsecs/\1/p' /proc/timer_list | head -1)" \
    "hz=$(getconf CLK_TCK) config_hz=$(sed -n 's/^CONFIG_HZ=//p' "/boot/config-$(uname -r)" 2> /dev/null)"
  for c in /sys/devices/system/cpu/cpu[0-9]*; do
    echo "topology ${c##*/} core=$(cat "$c/topology/core_id") package=$(cat "$c/topology/physical_package_id") siblings=$(cat "$c/topology/thread_siblings_list") llc=$(cat "$c/cache/index3/shared_cpu_list" 2> /dev/null || echo none)"
  done
}

# peer_check NAME [ARG...]: does the upstream example attach here? Prints 'peer name=... attached=1 ops=...' or
# attached=0 with the last lines it printed (e.g. the verifier's complaint).
peer_check() {
  local name=$1 bin=$PEERS/$1 out=$SCXG_TMP/peer.out pid ok=0 ops=
  shift
  [ -x "$bin" ] || { echo "peer name=$name attached=0 reason='not built'"; return 0; }
  "$bin" "$@" > "$out" 2>&1 &
  pid=$!
  for _ in $(seq 100); do
    [ "$(sched_state)" = enabled ] && { ok=1; ops=$(sched_ops); break; }
    _alive "$pid" || break
    sleep 0.2
  done
  kill -INT "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
  for _ in $(seq 50); do [ "$(sched_state)" = disabled ] && break; sleep 0.2; done
  if [ "$ok" = 1 ]; then
    echo "peer name=$name${*:+ args='$*'} attached=1 ops=$ops detached=$([ "$(sched_state)" = disabled ] && echo 1 || echo 0)"
  else
    echo "peer name=$name attached=0 reason='$(grep -v '^libbpf: ' "$out" | grep -vE '^[0-9]+: |^; ' | tail -n 4 | tr '\n' ' ' | tr -d "'" | cut -c1-400)'"
    cp "$out" "$SCXG_TEST_DIR/peer-$name.log"
  fi
}

game_calibrate() { "$GAME" --calibrate | sed -n 's/^iters_per_us=//p'; }

sched_ops() { cat /sys/kernel/sched_ext/root/ops 2> /dev/null || true; }
sched_state() { cat /sys/kernel/sched_ext/state; }

SCHED=
# The scheduler's loader as background process 'sched' (its fifo is made anew each phase).
sched_bg() {
  rm -f "$SCXG_TMP/sched.in"
  bg_start sched "$@"
}

# sched_start NAME: attaches NAME and waits until the kernel runs it (state enabled, root/ops set).
sched_start() {
  local want
  SCHED=$1
  [ "$(sched_state)" = disabled ] || fail "a sched_ext scheduler is still attached: $(sched_ops)"
  case $1 in
    eevdf) return 0 ;;
    simple) sched_bg "$PEERS/scx_simple"; want=simple ;;
    simple-fifo) sched_bg "$PEERS/scx_simple" -f; want=simple ;;
    central|flatcg|qmap) sched_bg "$PEERS/scx_$1"; want=$1 ;;
    scxgamer-c)
      sched_bg "$ATTACH" "$OBJ_DIR"
      bg_wait_line sched '^attached$' 120 > /dev/null
      want=scxgamer ;;
    scxgamer)
      # A fresh copy of the runtime each phase (clean framework cache); bg_start makes the rt fifo anew.
      rm -rf "$SCXG_TMP/runtime" "$SCXG_TMP/rt.in"
      rt_prepare
      rt_deploy policy-foreground > /dev/null
      rt_cfg scxgamer.core "whitelist=usb:046d:c077=mouse, virtual:*:*=ignore"
      rt_cfg scxgamer.policy.foreground "process.patterns=scxg-game" "scan.interval.ms=500"
      # The product's JVM settings (the tests' C1-only start-up shortcut would make every event cost more).
      SCXGAMER_JAVA_OPTS= rt_start --headless
      RT_JVM=
      want=scxgamer ;;
    *) fail "unknown scheduler '$1' (eevdf simple simple-fifo central flatcg qmap scxgamer-c scxgamer)" ;;
  esac
  # The runtime's JVM opens the BPF objects slowly under TCG.
  wait_for "[ \"\$(sched_state)\" = enabled ] && [ \"\$(sched_ops)\" = $want ]" 300 "$1 attached (root/ops $want)" > /dev/null
  ENABLE_SEQ=$(cat /sys/kernel/sched_ext/enable_seq)
  if [ "$1" = scxgamer ]; then
    RT_JVM=$(pgrep -f -- "-Dscxgamer.home=$RT_HOME" | head -1)
    [ -n "$RT_JVM" ] || fail "cannot find the runtime's JVM process"
    # The runtime's start-up (JIT compilation, plugins, the policy's first scans) settles before anything is
    # measured: until its JVM uses less than 10 % of a CPU over 2 s (at most 120 s), then unmeasured 12 s game runs
    # warm its input path (the JIT compiles what the game's input makes the runtime do) until its compiler threads
    # used less than 3 % of a CPU during one (at most 6 runs): a gamer's runtime has been running for a while when
    # the game starts. Under TCG, C2 reached the event path's methods only ~170 s after the start (-XX:+PrintCompilation),
    # so one warm-up run measured the JIT's catching up as the runtime's cost beside the game.
    local t0=$SECONDS a b
    while [ $((SECONDS - t0)) -lt 120 ]; do
      a=$(rt_ticks); sleep 2; b=$(rt_ticks)
      [ $(((b - a) * 100 / 2)) -lt $((10 * $(getconf CLK_TCK))) ] && break
    done
    echo "settle sched=scxgamer seconds=$((SECONDS - t0)) jvm_cpu_pct_last_2s=$(((b - a) * 100 / 2 / $(getconf CLK_TCK)))"
    local run jit w0 w1
    for run in 1 2 3 4 5 6; do
      rt_threads > "$SCXG_TMP/rt-threads.w0"; w0=$EPOCHREALTIME
      "$GAME" --iters-per-us "$ITERS" --hz 144 --seconds 12 --warmup 1 ${FLIP_CARD:+--flip "$FLIP_CARD"} > /dev/null 2>&1 ||
        fail "the warm-up game run failed"
      rt_threads > "$SCXG_TMP/rt-threads.w1"; w1=$EPOCHREALTIME
      jit=$(compiler_pct "$SCXG_TMP/rt-threads.w0" "$SCXG_TMP/rt-threads.w1" "$(awk -v x="$w0" -v y="$w1" 'BEGIN {print y - x}')")
      echo "warmup sched=scxgamer run=$run jit_cpu_pct=$jit"
      if awk -v j="$jit" 'BEGIN {exit !(j < 3)}'; then break; fi
    done
  fi
}

# Whether the scheduler of this phase is still the one attached (0 after an ejection or a re-attach).
sched_attached() {
  case $SCHED in
    eevdf) [ "$(sched_state)" = disabled ] && echo 1 || echo 0 ;;
    *) [ "$(sched_state)" = enabled ] && [ "$(cat /sys/kernel/sched_ext/enable_seq)" = "$ENABLE_SEQ" ] && echo 1 || echo 0 ;;
  esac
}

sched_stop() {
  case $SCHED in
    eevdf) ;;
    scxgamer) rt_stop 60 > /dev/null; RT_JVM= ;;
    scxgamer-c) bg_stop sched 30 > /dev/null; grep -E '^(sched_stats|exit) ' "$(bg_output sched)" | sed "s/^/sched $SCHED /" ;;
    *) kill -INT "${_BG_PID[sched]}" 2> /dev/null || true; bg_stop sched 30 > /dev/null
       grep -E 'EXIT|exit' "$(bg_output sched)" | head -3 | sed "s/^/sched $SCHED /" ;;
  esac
  wait_for '[ "$(sched_state)" = disabled ]' 30 "$SCHED detached" > /dev/null
  SCHED=
}

# The guest reads programs from the host over 9p: the first gcc, stress-ng and perf of a boot page in
# megabytes. One run of each before any phase, so the first phase does not pay for it.
load_warm_cache() {
  local d=$SCXG_TMP/warm
  mkdir -p "$d"
  printf 'int f(int x) { return x * 3; }\n' > "$d/unit.c"
  gcc -pipe -O0 -c "$d/unit.c" -o "$d/unit.o"
  stress-ng --cpu 1 --timeout 1s > /dev/null 2>&1 || true
  perf bench sched pipe -l 100 > /dev/null 2>&1 || true
  cyclictest -q -t 1 -i 1000 -D 1 --policy=other > /dev/null 2>&1 || true
}

# ---- background loads: load_start KIND SECONDS; load_result prints the load's throughput ----
LOAD= LOAD_T0= LOAD_T1= LOAD_DIR=
load_start() {
  LOAD=$1 LOAD_DIR=$SCXG_TMP/load
  local secs=$2 i
  rm -rf "$LOAD_DIR"; mkdir -p "$LOAD_DIR"
  LOAD_T0=$EPOCHREALTIME
  case $1 in
    none) ;;
    compile)
      printf 'int f(int x) { return x * 3; }\n' > "$LOAD_DIR/unit.c"
      # A compile-like fork/exec/pipe storm at nice 0: 4 workers, each compiling a one-line C unit in a loop (gcc
      # forks and execs cc1 and as; -pipe: they talk through a pipe); throughput = compiles finished per second.
      # The unit is tiny because under TCG a real source takes seconds per compile (too few jobs to compare).
      for i in 1 2 3 4; do
        setsid bash -c 'while :; do gcc -pipe -O0 -c "$1" -o "$2/w$3.o" 2> /dev/null && echo x; done' compile \
          "$LOAD_DIR/unit.c" "$LOAD_DIR" "$i" > "$LOAD_DIR/compile$i.out" 2>&1 &
        echo $! >> "$LOAD_DIR/pids"
      done ;;
    hogs)
      # CPU hogs: NCPU at nice 0 and NCPU at nice 19 (stress-ng's cpu stressor, bogo-ops/s each).
      stress-ng --cpu "$NCPU" --timeout "${secs}s" --metrics-brief > "$LOAD_DIR/nice0.out" 2>&1 &
      echo $! >> "$LOAD_DIR/pids"
      nice -n 19 stress-ng --cpu "$NCPU" --timeout "${secs}s" --metrics-brief > "$LOAD_DIR/nice19.out" 2>&1 &
      echo $! >> "$LOAD_DIR/pids" ;;
    stress)
      # stress-ng mixed: CPU, pipe, fork and context-switch stressors, one each.
      stress-ng --cpu 1 --pipe 1 --fork 1 --switch 1 --timeout "${secs}s" --metrics-brief > "$LOAD_DIR/stress.out" 2>&1 &
      echo $! >> "$LOAD_DIR/pids" ;;
    *) fail "unknown load '$1' (none compile hogs stress)" ;;
  esac
}

# stress-ng --metrics-brief: ' PREFIXNAME_ops_s=BOGO_OPS_PER_REAL_S' for each stressor NAME (0 when stress-ng
# reported none: a stressor that got no CPU time at all).
stress_rates() {
  local file=$1 prefix=$2; shift 2
  awk -v p="$prefix" -v names="$*" 'BEGIN {n = split(names, want, " ")}
    $4 ~ /^[a-z]+$/ && $5 ~ /^[0-9]+$/ && $6 ~ /^[0-9.]+$/ && $6 > 0 {r[$4] = $5 / $6}
    END {for (i = 1; i <= n; i++) printf " %s%s_ops_s=%.1f", p, want[i], r[want[i]] + 0}' "$file"
}

# Ends the load: stops the compile storm, waits for the stress-ng ones to end by their own --timeout (they
# print their metrics then). In the test's shell, not in a $(...) subshell, where wait returns at once: the
# load's metrics were read before stress-ng wrote them, and the hogs beside cyclictest read as 0 ops/s.
load_stop() {
  local pid
  [ "$LOAD" = none ] && return 0
  if [ "$LOAD" = compile ]; then
    while read -r pid; do kill -TERM -- -"$pid" 2> /dev/null || true; done < "$LOAD_DIR/pids"
  fi
  while read -r pid; do wait "$pid" 2> /dev/null || true; done < "$LOAD_DIR/pids"
  LOAD_T1=$EPOCHREALTIME
}

# Prints the throughput words of the load load_stop ended. The load's own output is kept in the test's
# folder (loads/SCHED-REP-WORKLOAD-*.out).
load_result() {
  local secs f jobs
  [ "$LOAD" = none ] && return 0
  secs=$(awk -v a="$LOAD_T0" -v b="$LOAD_T1" 'BEGIN {print b - a}')
  mkdir -p "$SCXG_TEST_DIR/loads"
  for f in "$LOAD_DIR"/*.out; do cp "$f" "$SCXG_TEST_DIR/loads/$SCHED-$LOAD_TAG-${f##*/}"; done
  case $LOAD in
    compile)
      jobs=$(cat "$LOAD_DIR"/compile*.out | grep -c '^x$' || true)
      printf ' load_compile_jobs=%s load_compile_jobs_s=%s' "$jobs" "$(awk -v n="$jobs" -v s="$secs" 'BEGIN {printf "%.3f", n / s}')" ;;
    hogs)
      stress_rates "$LOAD_DIR/nice0.out" load_nice0_ cpu
      stress_rates "$LOAD_DIR/nice19.out" load_nice19_ cpu ;;
    stress)
      stress_rates "$LOAD_DIR/stress.out" load_ cpu pipe fork switch ;;
  esac
}

# CPU time (ticks) of the runtime's JVM, 0 when it is not running.
rt_ticks() {
  if [ -n "${RT_JVM:-}" ] && [ -r "/proc/$RT_JVM/stat" ]; then
    awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$RT_JVM/stat"
  else
    echo 0
  fi
}

# rt_threads: 'TID COMM TICKS' per thread of the runtime's JVM (utime + stime; comm may hold spaces).
rt_threads() {
  [ -n "${RT_JVM:-}" ] || return 0
  awk '{i = index($0, " ("); j = index($0, ") "); comm = substr($0, i + 2, j - i - 2); gsub(/ /, "_", comm)
        split(substr($0, j + 2), f, " "); print $1, comm, f[12] + f[13]}' /proc/"$RT_JVM"/task/*/stat 2> /dev/null
}

# compiler_pct BEFORE AFTER SECONDS: the JIT compiler threads' CPU between two rt_threads snapshots, in % of one CPU.
compiler_pct() {
  awk -v s="$3" -v hz="$(getconf CLK_TCK)" 'NR == FNR {b[$1] = $3; next}
    $2 ~ /^C[12]_CompilerThre/ {d += $3 - b[$1]} END {printf "%.1f", d / hz / s * 100}' "$1" "$2"
}

# rt_top BEFORE AFTER SECONDS: the runtime's busiest threads between two rt_threads snapshots, in % of one CPU.
rt_top() {
  awk -v s="$3" -v hz="$(getconf CLK_TCK)" 'NR == FNR {b[$1] = $3; next}
    {d = $3 - b[$1]; if (d > 0) c[$2] += d}
    END {n = 0; for (k in c) printf "%s=%.1f\n", k, c[k] / hz / s * 100}' "$1" "$2" | sort -t= -k2 -rn | head -n 8 | tr '\n' ' '
}

# The harness's stand-in for the foreground policy in the scxgamer-c phase; in the scxgamer phase it only
# checks (bpftool) that the policy classed the game's input thread.
game_hints() {
  local pid=$1 tid= t c
  # The game names its threads as they start: look for up to 3 s (bash builtins only: a fork per check is slow
  # under TCG when the guest is loaded).
  for _ in $(seq 30); do
    for t in /proc/"$pid"/task/*; do
      read -r c < "$t/comm" 2> /dev/null && [ "$c" = game-input ] && tid=${t##*/}
    done
    [ -n "$tid" ] && break
    read -r -t 0.1 -u "$NEVER_FD" || true
  done
  [ -n "$tid" ] || { echo " classed=no-input-thread"; return 0; }
  case $SCHED in
    scxgamer-c) bg_send sched "foreground $pid" "classify $tid 1"; echo " classed=harness" ;;
    scxgamer)
      # The policy scans every 500 ms: wait up to 4 s (inside the game's warm-up) for it to class the thread.
      t=$((SECONDS + 4))
      while [ "$SECONDS" -le "$t" ]; do
        if bpftool -j map dump name task_classes 2> /dev/null | grep -qE "\"key\": ?$tid,"; then echo " classed=policy"; return 0; fi
        read -r -t 0.3 -u "$NEVER_FD" || true
      done
      echo " classed=no($(bpftool -j map dump name task_classes 2>&1 | tr -d ' \n' | cut -c1-120))"
      # What the policy said: its log lines and state, for the report's reader to see why.
      { grep -E 'policy\.foreground|foreground' "$RT_HOME/log/scxgamer.log" | tail -n 8
        ls "$RT_HOME/deploy" "$RT_HOME/etc"; } 2>&1 | sed 's/^/policy-diag /' >&2 ;;
    *) echo " classed=-" ;;
  esac
}

# game_run REP WORKLOAD HZ LOAD SECONDS WARMUP: the game at HZ under LOAD; prints one 'result' line and the 'cdf' line.
game_run() {
  local rep=$1 workload=$2 hz=$3 load=$4 secs=$5 warm=$6 out=$SCXG_TMP/game.out rt0 rt1 t0 t1 hints pid
  LOAD_TAG=$rep-$workload
  load_start "$load" $((warm + secs + 2))
  sleep 1
  rt0=$(rt_ticks) t0=$EPOCHREALTIME
  rt_threads > "$SCXG_TMP/rt-threads.0"
  "$GAME" --iters-per-us "$ITERS" --hz "$hz" --seconds "$secs" --warmup "$warm" ${FLIP_CARD:+--flip "$FLIP_CARD"} > "$out" 2>&1 &
  pid=$!
  hints=
  if [ "$SCHED" = scxgamer-c ] || [ "$SCHED" = scxgamer ]; then
    for _ in $(seq 50); do grep -q '^started' "$out" && break; sleep 0.1; done
    hints=$(game_hints "$pid")
  fi
  wait "$pid" || fail "the game exited with status $?: $(tail -n 3 "$out")"
  rt1=$(rt_ticks) t1=$EPOCHREALTIME
  rt_threads > "$SCXG_TMP/rt-threads.1"
  sleep 1
  local loadw
  load_stop
  loadw=$(load_result)
  echo "result sched=$SCHED rep=$rep workload=$workload load=$load attached=$(sched_attached)$hints$loadw $(sed -n 's/^game //p' "$out")$(sed -n 's/^flip / /p' "$out") rt_cpu_pct=$(awk -v a="$rt0" -v b="$rt1" -v s="$(awk -v x="$t0" -v y="$t1" 'BEGIN {print y - x}')" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", (b - a) / hz / s * 100}')"
  echo "cdf sched=$SCHED rep=$rep workload=$workload $(sed -n 's/^cdf //p' "$out")"
  [ -z "${RT_JVM:-}" ] || echo "rtthreads sched=$SCHED rep=$rep workload=$workload $(rt_top "$SCXG_TMP/rt-threads.0" "$SCXG_TMP/rt-threads.1" "$(awk -v x="$t0" -v y="$t1" 'BEGIN {print y - x}')")"
}

# cyclictest (1 thread, 1 ms interval, SECONDS) under the CPU hogs; POLICY other or fifo.
cyclic_run() {
  local rep=$1 policy=$2 secs=$3 out=$SCXG_TMP/cyclic.out args
  [ "$policy" = fifo ] && args=(--policy=fifo -p 80) || args=(--policy=other)
  LOAD_TAG=$rep-cyclic-$policy
  load_start hogs $((secs + 3))
  sleep 1
  cyclictest -q -m -t 1 -i 1000 -D "$secs" "${args[@]}" -v > "$out" 2>&1 || fail "cyclictest failed: $(tail -n 3 "$out")"
  local loadw
  load_stop
  loadw=$(load_result)
  echo "result sched=$SCHED rep=$rep workload=cyclic-$policy load=hogs attached=$(sched_attached)$loadw $(
    awk '$1 ~ /^[0-9]+:$/ && $3 ~ /^[0-9]+$/ {print $3}' "$out" | sort -n | awk -v secs="$secs" '{v[++n] = $1; s += $1}
      END {printf "cycles=%d expected=%d lat_avg_us=%.0f lat_p50_us=%d lat_p99_us=%d lat_max_us=%d", n, secs * 1000, n ? s / n : 0, v[int(n * 0.5) + 1], v[int(n * 0.99) + 1], v[n]}')"
}

# perf bench sched messaging / pipe (fixed work: the time is the throughput).
perf_run() {
  local rep=$1 what=$2 out=$SCXG_TMP/perf.out
  case $what in
    messaging) perf bench sched messaging -g 2 -l 50 > "$out" 2>&1 || fail "perf bench sched messaging failed: $(tail -n 3 "$out")"
      echo "result sched=$SCHED rep=$rep workload=messaging load=none attached=$(sched_attached) $(
        awk '/Total time:/ {printf "seconds=%s msgs_s=%.0f", $3, 2 * 20 * 20 * 50 / $3}' "$out")" ;;
    pipe) perf bench sched pipe -l 20000 > "$out" 2>&1 || fail "perf bench sched pipe failed: $(tail -n 3 "$out")"
      echo "result sched=$SCHED rep=$rep workload=pipe load=none attached=$(sched_attached) $(
        awk '/Total time:/ {t = $3} /ops\/sec/ {o = $1} END {printf "seconds=%s ops_s=%s", t, o}' "$out")" ;;
  esac
}

# hook_costs: each kernel hook the runtime attaches, driven by a workload of its own with scxgamer attached by the C
# loader and every hook attached (scxg_attach), timed by the kernel's BPF run-time statistics (bpf_stats:
# run_time_ns / run_cnt per program): futex-handoff and ntsync-handoff (1000 hand-offs each), aplay to snd-aloop at a
# 5 ms period for 3 s, the game's flips for 3 s (with FLIP_CARD; its mouse drives the input hook). Loads snd-aloop and
# ntsync first (their hooks need their BTF when the objects load): after the comparison, which they do not touch.
# Prints 'hookcost prog=NAME calls=N ns_per_call=X' per program. bpf_stats times every BPF program while on, so it is
# on only here.
hook_costs() {
  local prog info
  modprobe snd-aloop || fail "modprobe snd-aloop failed"
  modprobe ntsync || fail "modprobe ntsync failed"
  wait_for '[ -e /sys/kernel/btf/snd_pcm ] && [ -e /sys/kernel/btf/ntsync ] && [ -c /dev/ntsync ]' 10 \
    "snd-pcm and ntsync are loaded with their BTF" > /dev/null
  [ "$(sched_state)" = disabled ] || fail "a sched_ext scheduler is still attached: $(sched_ops)"
  rm -f "$SCXG_TMP/hooks.in"
  bg_start hooks "$ATTACH" "$OBJ_DIR"
  bg_wait_line hooks '^attached$' 120 > /dev/null
  sysctl -q kernel.bpf_stats_enabled=1 || fail "cannot enable kernel.bpf_stats_enabled"
  "$FUTEX_TOOL" --rounds 1000 --work-us 200 > /dev/null || fail "futex-handoff failed"
  "$NTSYNC_TOOL" --rounds 1000 --work-us 200 > /dev/null || fail "ntsync-handoff failed"
  aplay -q -D hw:Loopback,0,0 -t raw -f S16_LE -r 48000 -c 2 --period-size=240 --buffer-size=960 -d 3 /dev/zero ||
    fail "aplay to the loopback failed"
  if [ -n "${FLIP_CARD:-}" ]; then
    "$GAME" --iters-per-us "$ITERS" --hz 60 --seconds 3 --warmup 0 --flip "$FLIP_CARD" > /dev/null || fail "the game's flips failed"
  fi
  for prog in on_input_event on_pcm_period on_pcm_period_exit on_futex_wake on_futex_wake_exit on_futex_wake_op \
      on_futex_wake_op_exit on_ntsync_ioctl on_ntsync_ioctl_exit on_drm_ioctl on_drm_event; do
    info=$(bpftool -j prog show name "$prog" 2> /dev/null) || { echo "hookcost prog=$prog attached=0"; continue; }
    python3 -c 'import json, sys
p = json.loads(sys.argv[1]); p = p[0] if isinstance(p, list) else p
n = p.get("run_cnt", 0)
print("hookcost prog=%s calls=%d ns_per_call=%.0f" % (sys.argv[2], n, p.get("run_time_ns", 0) / n if n else 0))' "$info" "$prog"
  done
  sysctl -q kernel.bpf_stats_enabled=0
  bg_stop hooks 30 > /dev/null
  wait_for '[ "$(sched_state)" = disabled ]' 30 "the hooks' scxgamer detached" > /dev/null
}

# workload REP NAME SECONDS WARMUP
workload() {
  local rep=$1 name=$2 secs=$3 warm=$4
  case $name in
    game144) game_run "$rep" "$name" 144 none "$secs" "$warm" ;;
    game144-compile) game_run "$rep" "$name" 144 compile "$secs" "$warm" ;;
    game60-compile) game_run "$rep" "$name" 60 compile "$secs" "$warm" ;;
    game144-hogs) game_run "$rep" "$name" 144 hogs "$secs" "$warm" ;;
    game144-stress) game_run "$rep" "$name" 144 stress "$secs" "$warm" ;;
    cyclic-other) cyclic_run "$rep" other "$secs" ;;
    cyclic-fifo) cyclic_run "$rep" fifo "$secs" ;;
    messaging|pipe) perf_run "$rep" "$name" ;;
    *) fail "unknown workload '$name'" ;;
  esac
}
