#!/usr/bin/env bash
# Every benchmark in one run (docs/BENCHMARKS.md explains them): builds (offline, no tests), runs
# parts 1-6 (Java harness, C reference interleaved), 2b (event hub alone, JMH), 7 (footprint of the
# runtime), 8 (wake-to-run) and 9 (scxgamer against EEVDF and the upstream sched_ext examples: a game stand-in
# under background loads, cyclictest, perf bench sched; both in one sched_ext guest boot under QEMU), and
# writes the generated section of docs/BENCHMARKS.md (part 9's charts into docs/img/).
#   bench/run.sh [--quick] [--no-vm] [--sched-only] [--profile]
#   --quick       2 runs and short windows (part 9: one repetition of 3 s runs): a look, not a report
#                 (docs/BENCHMARKS.md is left alone)
#   --no-vm       skip parts 8 and 9
#   --sched-only  only part 9 (results and charts in bench/target/results; docs/BENCHMARKS.md is left alone)
#   --profile     also record JFR execution samples (every 1 ms, bench/profile.jfc) of parts 1+2 and of part 6 (bench/target/results/profile*.txt)
# Part 9's settings can be overridden from the environment: SCXG_BENCH_SCHEDULERS, SCXG_BENCH_WORKLOADS,
# SCXG_BENCH_REPS, SCXG_BENCH_SECONDS (see bench/vm/phases.sh for the names).
# Needs root (BPF), the toolchain (scripts/install-toolchain.sh) and a downloaded Maven repository.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
runs=5 events=3000000 lat=5 over=10 starts=5 idle=60 vm_seconds=10 vm=1 profile=0 write_doc=1 sched_only=0
reps=2 run_seconds=8
jmh=(-f 2 -wi 3 -w 2s -i 5 -r 2s)
for a in "$@"; do
  case "$a" in
    --quick) runs=2 events=1000000 lat=2 over=3 starts=2 idle=10 vm_seconds=4 write_doc=0 jmh=(-f 1 -wi 1 -w 1s -i 2 -r 1s)
             reps=1 run_seconds=3 ;;
    --no-vm) vm=0 ;;
    --sched-only) sched_only=1 write_doc=0 ;;
    --profile) profile=1 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown option '$a' (try --help)" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "bench: needs root (BPF objects, rings, uinput in the guest)" >&2; exit 1; }
out=bench/target/results
rm -rf "$out"
mkdir -p "$out"
command="bench/run.sh${*:+ $*}"
started=$(date -u '+%Y-%m-%d %H:%M UTC')
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# Part 9's guest programs, the upstream peers and the settings the guest script reads (bench/vm/sched-compare.sh).
prepare_part9() {
  local bin=bench/target/vm
  mkdir -p "$bin"
  make -s -C bpf OUT="$PWD/$bin" all
  cc -O2 -g -Wall -Wextra -Werror bench/vm/game/game.c -o "$bin/scxg-game" -lpthread
  cc -O2 -g -Wall -Wextra -Werror -Wno-unused-function -Ibpf/include bench/vm/scxg_attach.c \
    -o "$bin/scxg_attach" -lbpf -lelf -lz
  bench/peers/build-peers.sh "$bin/peers" > /dev/null
  {
    echo "REPS=${SCXG_BENCH_REPS:-$reps}"
    echo "SECONDS_PER_RUN=${SCXG_BENCH_SECONDS:-$run_seconds}"
    echo "WARMUP=2"
    echo "SCHEDULERS='${SCXG_BENCH_SCHEDULERS:-eevdf simple simple-fifo central flatcg scxgamer-c scxgamer}'"
    echo "WORKLOADS='${SCXG_BENCH_WORKLOADS:-game144 game144-compile game60-compile game144-hogs game144-stress cyclic-other cyclic-fifo messaging pipe}'"
  } > "$bin/compare.env"
}

# Part 9's tables and charts from the guest's output (CHART_DIR: where the PNGs go, LINK: how the doc links them).
report_part9() {
  local rc=$1 chart_dir=$2 link=$3
  bench/vm/sched_report.py bench/target/vm-results/guest/sched-compare/output.log "$rc" "$chart_dir" "$link" > "$out/part-9.md"
}

if [ "$sched_only" = 1 ]; then
  echo "bench: part 9 only (scheduler comparison, sched_ext guest)" >&2
  mvn -B -o -q install -pl runtime,bundles/policy-foreground -am -DskipTests >&2
  prepare_part9
  vm_rc=0
  integration-tests/vm/run-vm-tests.sh --results bench/target/vm-results bench/vm/sched-compare.sh >&2 || vm_rc=$?
  report_part9 "$vm_rc" "$out/img" img
  cat "$out/part-9.md"
  exit "$vm_rc"
fi

echo "bench: building (mvn -o, no tests)" >&2
mvn -B -o -q install -pl bench,runtime,bundles/policy-foreground -am -DskipTests >&2
java_opts=(-Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dscxgamer.bench.consumer=bench/target/bpf/ring_consumer
  -cp "$(cat bench/target/classpath)")

echo "bench: parts 1-6" >&2
java "${java_opts[@]}" org.scxgamer.bench.Bench --runs "$runs" --events "$events" --latency-seconds "$lat" \
  --overload-seconds "$over" --out "$out/parts-1-6.md" > /dev/null

echo "bench: part 2b (event hub alone, JMH ${jmh[*]} -prof gc)" >&2
java "${java_opts[@]}" org.openjdk.jmh.Main '^org\.scxgamer\.bench\.HubBenchmark\.' "${jmh[@]}" -prof gc -foe true \
  -rf text -rff "$out/part-2b.txt" > "$out/part-2b.log"

echo "bench: part 7 (footprint: $starts start-ups, ${idle} s idle)" >&2
bench/footprint.py "$starts" "$idle" > "$out/part-7.md"

if [ "$vm" = 1 ]; then
  echo "bench: parts 8 and 9 (scheduler, one sched_ext guest boot: part 8's 4 phases of ${vm_seconds} s, then part 9)" >&2
  bin=bench/target/vm
  mkdir -p "$bin"
  make -s -C bpf OUT="$PWD/$bin" all
  cc -O2 -g -Wall -Wextra -Werror -Ibpf/include bench/vm/wake_latency.c \
    -o "$bin/wake_latency" -lbpf -lelf -lz -lpthread
  echo "$vm_seconds" > "$bin/seconds"
  prepare_part9
  vm_rc=0
  integration-tests/vm/run-vm-tests.sh --results bench/target/vm-results bench/vm/sched-latency.sh bench/vm/sched-compare.sh >&2 || vm_rc=$?
  bench/vm/report.py bench/target/vm-results/guest/sched-latency/output.log "$vm_rc" > "$out/part-8.md"
  if [ "$write_doc" = 1 ]; then report_part9 "$vm_rc" docs/img img; else report_part9 "$vm_rc" "$out/img" img; fi
else
  echo "Part 8 not run (--no-vm)." > "$out/part-8.md"
  echo "Part 9 not run (--no-vm)." > "$out/part-9.md"
fi

if [ "$profile" = 1 ]; then
  echo "bench: profile of parts 1 and 2 (JFR)" >&2
  java -XX:StartFlightRecording=filename="$out/bench.jfr",settings=bench/profile.jfc "${java_opts[@]}" org.scxgamer.bench.Bench \
    --runs 3 --events "$events" --parts 1,2 > /dev/null 2>&1
  bench/jfr-top.py "$out/bench.jfr" > "$out/profile.txt"
  echo "bench: profile of part 6 (JFR)" >&2
  java -XX:StartFlightRecording=filename="$out/bench-6.jfr",settings=bench/profile.jfc "${java_opts[@]}" org.scxgamer.bench.Bench \
    --runs 3 --events "$events" --parts 6 > /dev/null 2>&1
  bench/jfr-top.py "$out/bench-6.jfr" > "$out/profile-6.txt"
fi

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo "Generated by \`$command\` (\`./dev bench\`), started $started."
  echo
  echo "Machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM,"
  echo "kernel $(uname -r), $(java -version 2>&1 | head -1), libbpf $(pkg-config --modversion libbpf 2> /dev/null || echo '?')."
  echo "Load average (1/5/15 min) before: $load_before, after: $load_after — the machine is shared with other"
  echo "jobs, so wall-clock numbers are noisy; thread CPU time is reported beside them and the verdicts use it where marked."
  echo
  cat "$out/parts-1-6.md"
  echo
  echo "Part 2b (event hub alone, JMH \`${jmh[*]} -prof gc\`; ns/op = ns per event, gc.alloc.rate.norm = bytes per event):"
  echo
  echo '```'
  cat "$out/part-2b.txt"
  echo '```'
  echo
  echo "Part 7 (footprint) and 8 (scheduler):"
  echo
  echo "| # | measurement | scxgamer | reference | ratio | target | |"
  echo "| --- | --- | --- | --- | --- | --- | --- |"
  grep -E '^\| [0-9]+ \|' "$out/part-7.md" || true
  grep -E '^\| [0-9]+ \|' "$out/part-8.md" || true
  echo
  grep -vE '^\| [0-9]+ \|' "$out/part-7.md" || true
  echo
  grep -vE '^\| [0-9]+ \|' "$out/part-8.md" || true
  echo
  cat "$out/part-9.md"
  if [ -f "$out/profile.txt" ]; then
    echo
    echo 'JFR execution samples of parts 1 and 2 (`--profile`, bench/jfr-top.py):'
    echo
    echo '```'
    cat "$out/profile.txt"
    echo '```'
    echo
    echo 'JFR execution samples of part 6:'
    echo
    echo '```'
    cat "$out/profile-6.txt"
    echo '```'
  fi
} > "$out/generated.md"

if [ "$write_doc" = 1 ]; then
  python3 - "$out/generated.md" docs/BENCHMARKS.md <<'PY'
import sys
gen = open(sys.argv[1]).read()
begin, end = "<!-- generated by bench/run.sh: begin -->", "<!-- generated by bench/run.sh: end -->"
try:
    doc = open(sys.argv[2]).read()
except FileNotFoundError:
    doc = "# Benchmarks\n\n" + begin + "\n" + end + "\n"
head, rest = doc.split(begin, 1)
tail = rest.split(end, 1)[1]
open(sys.argv[2], "w").write(head + begin + "\n" + gen + end + tail)
PY
  echo "bench: wrote docs/BENCHMARKS.md" >&2
fi
cat "$out/generated.md"
