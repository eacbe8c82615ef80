#!/usr/bin/env bash
# VM test tier: boots the sched_ext guest kernel ONCE under QEMU/TCG with virtme-ng and runs the guest
# tests (integration-tests/vm/tests/NN-name.sh) inside it; writes the results as JUnit XML.
#   run-vm-tests.sh [--results DIR] [TEST...]
# TEST: a test's name (02-uinput-mouse), its number (02) or a path to a test script; default: all tests.
# DIR (default integration-tests/vm/results) gets TEST-vm.xml, vng.log and guest/<test>/output.log.
# The testcase 'vm-boot' carries the boot time; when the VM cannot run (no vng/qemu/kernel, no boot)
# it FAILS with the reason and every requested test is reported failed: this tier never passes by skipping.
# A test that needs another machine says so in its header: '# vm-cpus: N' and '# vm-qemu-opts: OPTS' (e.g. a
# CPU model and an -smp topology); tests with the same machine share one boot, the default one (2 vCPUs) first.
# Environment: SCXGAMER_VM_KERNEL (a vmlinuz to boot instead of provisioning one), SCXG_VM_TEST_TIMEOUT
# (default per-test timeout, 120 s), SCXG_VM_BOOT_TIMEOUT (300 s), SCXG_SOAK_SECONDS (12-soak's length,
# default 60; 600 for the documented 10-minute run).
# Exit status: 0 only if the VM booted and every test passed.
set -uo pipefail
vm=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
results=$vm/results
names=()
while [ $# -gt 0 ]; do
  case "$1" in
    --results) [ $# -ge 2 ] || { echo "run-vm-tests: --results needs a folder" >&2; exit 2; }; results=$2; shift 2 ;;
    --results=*) results=${1#*=}; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run-vm-tests: unknown option '$1' (try --help)" >&2; exit 2 ;;
    *) names+=("$1"); shift ;;
  esac
done
say() { printf '[vm] %s\n' "$*" >&2; }
now() { date +%s.%N; }
secs_since() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.1f", b - a}'; }
t0=$(now)

mkdir -p "$results" || { echo "run-vm-tests: cannot create $results" >&2; exit 2; }
results=$(cd "$results" && pwd)
guest=$results/guest
rm -rf "$guest" "$results/TEST-vm.xml" "$results"/vng*.log "$results/reliability"
mkdir -p "$guest"

# Tests to run (host paths, which the guest sees too); a name that matches nothing becomes a failed testcase.
tests=() missing=()
if [ ${#names[@]} -eq 0 ]; then
  for f in "$vm"/tests/[0-9][0-9]-*.sh; do [ -f "$f" ] && tests+=("$f"); done
  for f in "$vm"/pending/[0-9][0-9]-*.sh; do
    [ -f "$f" ] && echo "[vm] NOT RUN by default: pending/${f##*/} fails on a known product problem (see pending/README.md); run it by path" >&2
  done
else
  for n in "${names[@]}"; do
    if [ -f "$n" ]; then tests+=("$(readlink -f "$n")"); continue; fi
    m=("$vm"/tests/"${n%.sh}".sh "$vm"/tests/"${n%.sh}"-*.sh)
    found=
    for f in "${m[@]}"; do [ -f "$f" ] && { found=$f; break; }; done
    if [ -n "$found" ]; then tests+=("$found"); else missing+=("$n"); fi
  done
fi

xml_escape() {
  iconv -c -f utf-8 -t utf-8 | tr -d '\000-\010\013\014\016-\037' \
    | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g'
}

# Writes TEST-vm.xml and the PASS/FAIL lines. boot_error: empty when the guest ran the tests.
report() {
  local boot_error=$1 boot_secs=$2 xml=$results/TEST-vm.xml cases=$results/.cases.xml
  local n=0 failed=0 name dir verdict secs reason
  : > "$cases"
  case_xml() { # name seconds failure-message(empty = pass) output-file
    n=$((n + 1))
    printf '  <testcase classname="vm" name="%s" time="%s">\n' "$1" "$2"
    if [ -n "$3" ]; then
      failed=$((failed + 1))
      printf '    <failure message="%s">%s</failure>\n' "$(head -n 1 <<< "$3" | head -c 500 | xml_escape)" \
        "$(printf '%s' "$3" | xml_escape)"
    fi
    if [ -n "${4:-}" ] && [ -f "$4" ]; then
      printf '    <system-out>%s</system-out>\n' "$(tail -c 200000 "$4" | xml_escape)"
    fi
    printf '  </testcase>\n'
  }
  result_line() { # name seconds failure-message
    if [ -z "$3" ]; then printf 'PASS %s (%s s)\n' "$1" "$2"; else printf 'FAIL %s (%s s): %s\n' "$1" "$2" "$(head -n 1 <<< "$3")"; fi
  }
  echo
  echo "VM tier results (guest kernel: ${kernel:-none}):"
  case_xml vm-boot "$boot_secs" "$boot_error" "$results/vng.log" >> "$cases"
  result_line vm-boot "$boot_secs" "$boot_error"
  [ -z "$boot_error" ] || printf '%s\n' "$boot_error" | sed '1d; s/^/    /'
  for i in "${!extra_boot_names[@]}"; do
    case_xml "${extra_boot_names[$i]}" "${extra_boot_secs[$i]}" "${extra_boot_errors[$i]}" "${extra_boot_logs[$i]}" >> "$cases"
    result_line "${extra_boot_names[$i]}" "${extra_boot_secs[$i]}" "${extra_boot_errors[$i]}"
  done
  for name in "${missing[@]}"; do
    reason="no guest test '$name' in $vm/tests (names: $(cd "$vm/tests" && ls [0-9][0-9]-*.sh 2> /dev/null | tr '\n' ' '))"
    case_xml "$name" 0 "$reason" >> "$cases"
    result_line "$name" 0 "$reason"
  done
  for f in "${tests[@]}"; do
    name=$(basename "$f" .sh)
    dir=$guest/$name
    secs=$(cat "$dir/seconds" 2> /dev/null || echo 0)
    verdict=$(cat "$dir/verdict" 2> /dev/null || true)
    if [ -n "$boot_error" ]; then
      reason="not run: the VM did not come up (see vm-boot)"
    elif [ -n "${group_error[$f]:-}" ]; then
      reason="not run: its VM (${group_label[$f]}) did not come up (see vm-boot-${group_label[$f]})"
    elif [ -z "$verdict" ]; then
      reason="no result: the guest stopped before this test finished (see vng.log)"
    elif [ "$verdict" = PASS ]; then
      reason=
    else
      reason=${verdict#FAIL }
    fi
    case_xml "$name" "$secs" "$reason" "$dir/output.log" >> "$cases"
    result_line "$name" "$secs" "$reason"
    if [ -n "$reason" ] && [ -f "$dir/output.log" ]; then
      echo "    last lines of $dir/output.log:"
      grep -v '^ok: ' "$dir/output.log" | tail -n 15 | sed 's/^/    | /'
    fi
  done
  {
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    printf '<testsuite name="vm" tests="%s" failures="%s" errors="0" skipped="0" time="%s" hostname="%s">\n' \
      "$n" "$failed" "$(secs_since "$t0")" "$(hostname | xml_escape)"
    cat "$cases"
    echo '</testsuite>'
  } > "$xml"
  rm -f "$cases"
  echo "VM tier: $((n - failed)) passed, $failed failed (boot $boot_secs s, total $(secs_since "$t0") s); report: $xml"
  [ "$failed" = 0 ]
}

# ---- preflight: everything the boot needs, each missing piece named with what to do ----
boot_fail() { say "CANNOT RUN THE VM TIER: $1"; report "$1" 0; exit 1; }
command -v vng > /dev/null || boot_fail "vng (virtme-ng) not found: run scripts/install-toolchain.sh"
command -v qemu-system-x86_64 > /dev/null || boot_fail "qemu-system-x86_64 not found: run scripts/install-toolchain.sh"
command -v make > /dev/null && command -v gcc > /dev/null || boot_fail "gcc/make not found (needed for the guest tools): run scripts/install-toolchain.sh"
if [ -n "${SCXGAMER_VM_KERNEL:-}" ]; then
  kernel=$SCXGAMER_VM_KERNEL
else
  say "provisioning the guest kernel"
  kernel=$("$vm/provision-kernel.sh" 2> "$results/provision.log" | tail -n 1)
  rc=$?
  cat "$results/provision.log" >&2
  [ "$rc" = 0 ] && [ -n "$kernel" ] || boot_fail "provision-kernel.sh failed (exit $rc): $(tail -n 1 "$results/provision.log")"
fi
[ -f "$kernel" ] || boot_fail "guest kernel not found: $kernel"
say "building the guest tools"
make -s -C "$vm/tools" OUT="$vm/target/tools" >&2 2> "$results/tools.log" \
  || boot_fail "building the guest tools failed: $(tail -n 5 "$results/tools.log")"

# ---- one boot per machine the tests need (the default one first) ----
boot_limit=${SCXG_VM_BOOT_TIMEOUT:-300}
declare -A group_error=() group_label=()
extra_boot_names=() extra_boot_secs=() extra_boot_errors=() extra_boot_logs=()
# Under TCG, udev's coldplug loading drivers for QEMU's emulated PC (AHCI, CD-ROM, watchdogs, KVM, ...)
# costs seconds; no test uses them. evdev and uinput stay loadable.
noload=ahci,libahci,sr_mod,cdrom,sg,lpc_ich,i2c_i801,iTCO_wdt,i6300esb,pcspkr,kvm_amd,kvm_intel,kvm,powernow_k8,acpi_cpufreq,psmouse,serio_raw,joydev
# QEMU before 8.1 can keep running a stale translation of kernel code that another vCPU just patched (fixed
# upstream by "accel/tcg: Always lock pages before translation"): a static-key flip, which every sched_ext
# enable and disable does in __schedule, then hits the patch's int3 after the kernel has finished with it,
# "Oops: int3" and a panic. One TCG thread for every vCPU cannot race with itself.
qemu_version=$(qemu-system-x86_64 --version | sed -n '1s/.*version \([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
tcg_single=
if [ -n "$qemu_version" ] && [ "$(awk '{print ($1 * 100 + $2 < 801)}' <<< "$qemu_version")" = 1 ]; then
  tcg_single="-accel tcg,thread=single"
  say "QEMU ${qemu_version/ /.} < 8.1: single-threaded TCG (multi-threaded TCG crashes the guest when it patches kernel code)"
fi
header() { sed -n "s/^# $1: *//p" "$2" | head -1; }

# boot_group CPUS QEMU_OPTS LOG TEST...: one boot running TESTS; sets run_error (empty: the guest ran them) and run_secs.
boot_group() {
  local cpus=$1 qemu=$2 log=$3 f l plus extra total_limit guest_env guest_cmd boot_start seen running lines line vng_rc
  shift 3
  local group=("$@") opts=()
  total_limit=$boot_limit
  guest_env="export SCXG_VM_TEST_TIMEOUT=${SCXG_VM_TEST_TIMEOUT:-120};"
  for f in "${group[@]}"; do
    l=$(sed -n 's/^# timeout: *\([0-9][0-9]*\).*/\1/p' "$f" | head -1)
    # '# timeout-plus: VAR': the test's length is set by VAR (e.g. a soak's seconds), which goes into the guest.
    plus=$(sed -n 's/^# timeout-plus: *\([A-Za-z_][A-Za-z0-9_]*\).*/\1/p' "$f" | head -1)
    extra=0
    if [ -n "$plus" ] && [ -n "${!plus:-}" ]; then
      [[ ${!plus} =~ ^[0-9]+$ ]] || boot_fail "$plus='${!plus}' (used by $(basename "$f")) is not a whole number of seconds"
      extra=${!plus}
      guest_env+=" export $plus=${!plus};"
    fi
    total_limit=$((total_limit + ${l:-${SCXG_VM_TEST_TIMEOUT:-120}} + extra + 15))
  done
  # The command goes into a file on the shared folder, not onto the kernel command line: that holds 2048
  # bytes on x86 and vng passes its command there, so a long checkout path times 15 test paths overflowed
  # it, and the kernel panics at boot (__fortify_panic in start_kernel) without saying why.
  printf '%s\n' "$guest_env" "$(printf '%q ' exec bash "$vm/lib/guest-runner.sh" "$guest" "${group[@]}")" > "$guest/start.sh"
  guest_cmd=$(printf '%q' "$guest/start.sh")
  [ "${#guest_cmd}" -le 512 ] || boot_fail "the results folder's path is too long for the guest's kernel command line: $guest"
  [ -z "$tcg_single$qemu" ] || opts=("--qemu-opts=${tcg_single}${tcg_single:+${qemu:+ }}$qemu")
  rm -f "$guest/guest-info"
  say "booting $kernel under TCG ($cpus vCPUs${qemu:+, $qemu}, 2 GiB) to run ${#group[@]} test(s); limits: boot ${boot_limit} s, all ${total_limit} s"
  : > "$log"
  boot_start=$(now)
  # vng checks --rwdir paths relative to the current folder, so it must start from /. timeout makes its own
  # process group (vng, qemu), which the trap ends if this script is interrupted.
  # -v sends the guest's serial console (kernel messages) to the log instead of /dev/null; loglevel=5 keeps
  # warnings and worse (oops, panic, hung tasks, OOM kills, sched_ext ejections) and drops the boot chatter.
  # QEMU reopens /proc/self/fd/1 and /2 once per chardev with O_TRUNC: into a file they would overwrite each
  # other from offset 0, into one pipe their lines arrive in order.
  (cd / && exec timeout -k 15 "$total_limit" vng -r "$kernel" --disable-kvm --cpus "$cpus" --memory 2G -v "${opts[@]}" \
    -a "loglevel=5 modprobe.blacklist=$noload" --rwdir "$guest" -- \
    "bash $guest_cmd") > >(exec cat >> "$log") 2>&1 < /dev/null &
  vng_pid=$!
  trap 'kill -TERM -- -$vng_pid 2> /dev/null' EXIT
  trap 'exit 130' INT TERM
  # Follow the console log: time the boot, show guest verdicts live, stop a guest that never comes up.
  seen=0 run_secs= vng_rc=
  while :; do
    running=1
    kill -0 "$vng_pid" 2> /dev/null && [ "$(awk '{print $3}' "/proc/$vng_pid/stat" 2> /dev/null)" != Z ] || running=0
    lines=$(wc -l < "$log")
    if [ "$lines" -gt "$seen" ]; then
      while IFS= read -r line; do
        case "$line" in
          SCXG-GUEST-UP*) run_secs=$(secs_since "$boot_start"); say "guest up after $run_secs s (${line#SCXG-GUEST-UP })" ;;
          "[guest] "*) say "${line#\[guest\] }" ;;
        esac
      done < <(sed -n "$((seen + 1)),${lines}p" "$log")
      seen=$lines
    fi
    if [ "$running" = 0 ]; then
      vng_rc=0
      wait "$vng_pid" || vng_rc=$?
      break
    fi
    if [ -z "$run_secs" ] && [ "$(secs_since "$boot_start" | cut -d. -f1)" -ge "$boot_limit" ]; then
      say "no guest after $boot_limit s: stopping vng"
      kill -TERM -- -"$vng_pid" 2> /dev/null
      sleep 5
      kill -KILL -- -"$vng_pid" 2> /dev/null
      vng_rc=0
      wait "$vng_pid" || vng_rc=$?
      vng_rc="$vng_rc; no guest within $boot_limit s"
      break
    fi
    sleep 0.5
  done
  trap - EXIT
  say "vng finished (exit $vng_rc) after $(secs_since "$boot_start") s"
  run_error=
  if [ ! -s "$guest/guest-info" ]; then
    run_error="the VM did not boot (vng exit $vng_rc); last lines of $log:
$(tail -n 20 "$log")"
    run_secs=$(secs_since "$boot_start")
  fi
  run_secs=${run_secs:-0}
}

# Group the tests by the machine they need, in order, the default machine's first.
keys=() default_tests=()
declare -A key_tests=() key_cpus=() key_qemu=()
for f in "${tests[@]}"; do
  c=$(header vm-cpus "$f") q=$(header vm-qemu-opts "$f")
  if [ -z "$c$q" ]; then default_tests+=("$f"); continue; fi
  k="${c:-2}|$q"
  [ -n "${key_tests[$k]+set}" ] || { keys+=("$k"); key_cpus[$k]=${c:-2}; key_qemu[$k]=$q; key_tests[$k]=; }
  key_tests[$k]+="$f"$'\n'
done
boot_error= boot_secs=0
if [ ${#default_tests[@]} -gt 0 ] || [ ${#keys[@]} -eq 0 ]; then
  boot_group 2 "" "$results/vng.log" "${default_tests[@]}"
  boot_error=$run_error boot_secs=$run_secs
fi
n_extra=0
for k in "${keys[@]}"; do
  n_extra=$((n_extra + 1))
  label="${key_cpus[$k]}cpu-$n_extra"
  mapfile -t group < <(printf '%s' "${key_tests[$k]}")
  boot_group "${key_cpus[$k]}" "${key_qemu[$k]}" "$results/vng-$label.log" "${group[@]}"
  extra_boot_names+=("vm-boot-$label") extra_boot_secs+=("$run_secs") extra_boot_errors+=("$run_error")
  extra_boot_logs+=("$results/vng-$label.log")
  for f in "${group[@]}"; do group_error[$f]=$run_error group_label[$f]=$label; done
done

# Reliability fragments the guest tests wrote, where scripts/reliability-report.py finds them.
for f in "$guest"/*/reliability/*.md; do
  [ -f "$f" ] || continue
  mkdir -p "$results/reliability" && cp "$f" "$results/reliability/"
done
if [ -n "$boot_error" ]; then
  report "$boot_error" "$boot_secs"
  exit 1
fi
report "" "$boot_secs"
