#!/usr/bin/env bash
# Issue 15: the benchmark's game stand-in (bench/vm/game/game.c) under the compile storm, once with the default
# scheduler (EEVDF) and once with scxgamer (attached by bench/vm/scxg_attach.c, given the hints the foreground
# policy gives: the game process, its input thread classed INPUT). Asserts only that both ran, that their counts
# add up, that scxgamer stayed attached and that the game's SCHED_FIFO task was not grossly starved (at least half
# its cycles under EEVDF). How fast is the benchmark's question (bench/run.sh part 9), not this test's.
# timeout: 300
. "$SCXG_VM/lib/guest.sh"
. "$SCXG_REPO/bench/vm/phases.sh"
GAME=$SCXG_TOOLS/scxg-game ATTACH=$SCXG_TOOLS/scxg_attach OBJ_DIR=$SCXG_TOOLS/bpf
secs=${SCXG_GAME_SECONDS:-6}
modprobe uinput || fail "modprobe uinput failed"
wait_for '[ -c /dev/uinput ]' 5 "/dev/uinput is a character device"
load_warm_cache
ITERS=$(game_calibrate)
[ -n "$ITERS" ] || fail "the game's calibration printed nothing"
guest_topology

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< "$2"; }
# near EXPECTED ACTUAL SLACK WHAT: |ACTUAL - EXPECTED| <= SLACK (window edges).
near() {
  [ "$2" -ge $(($1 - $3)) ] 2> /dev/null && [ "$2" -le $(($1 + $3)) ] || fail "$4: expected $1 ± $3, got '$2'"
  _passed "$4 = $2 ($1 ± $3)"
}
declare -A res
for s in eevdf scxgamer-c; do
  sched_start "$s"
  out=$(workload 1 game144-compile "$secs" 1)
  echo "$out"
  [ "$s" = eevdf ] || sched_state > "$SCXG_TMP/state-at-end"
  sched_stop > "$SCXG_TMP/stop.out"
  stopped=$(cat "$SCXG_TMP/stop.out")
  echo "$stopped"
  line=$(grep '^result ' <<< "$out" || true)
  [ -n "$line" ] || fail "$s: the game printed no result"
  res[$s]=$line
  assert_eq 1 "$(field attached "$line")" "$s: the phase's scheduler attached for the whole run"
  frames=$(field frames "$line") missed=$(field missed "$line") slots=$(field slots "$line")
  assert_ge 1 "$frames" "$s: frames presented"
  assert_eq "$slots" "$((frames + missed))" "$s: frames + missed frames = frame slots"
  near $((secs * 144)) "$slots" 2 "$s: frame slots in ${secs} s at 144 Hz"
  near $((secs * 1000000 / 5333)) "$(field audio_periods "$line")" 2 "$s: audio periods (ran + skipped)"
  near "$(field rt_expected "$line")" $(($(field rt_cycles "$line") + $(field rt_skipped "$line"))) 2 "$s: RT releases (ran + skipped)"
  assert_ge 1 "$(field input_n "$line")" "$s: mouse reports read by game-input"
  # Every report is read unless the evdev client buffer overflowed (SYN_DROPPED: the kernel dropped reports the
  # reader never sees, under EEVDF too when the host is loaded); then fewer were read, and the drop is reported.
  if [ "$(field input_syn_dropped "$line")" = 0 ]; then
    near "$(field mouse_written "$line")" "$(field input_n "$line")" 3 "$s: reports read = reports written"
  else
    assert_ge "$(field input_n "$line")" "$(field mouse_written "$line")" "$s: reports written >= read after the evdev buffer overflowed"
    echo "$s: the evdev buffer overflowed $(field input_syn_dropped "$line") times (SYN_DROPPED)"
  fi
  assert_ge 0 "$(field load_compile_jobs "$line")" "$s: compile storm jobs counted"
done
assert_eq enabled "$(cat "$SCXG_TMP/state-at-end")" "scxgamer still enabled at the end of its run"
assert_eq "harness" "$(field classed "${res[scxgamer-c]}")" "scxgamer: the game's input thread was classed"
assert_eq "" "$(grep '^sched scxgamer-c exit ' <<< "$stopped" || true)" "scxgamer exit record (none: never ejected)"
rt_eevdf=$(field rt_cycles "${res[eevdf]}") rt_scx=$(field rt_cycles "${res[scxgamer-c]}")
assert_ge $(((rt_eevdf + 1) / 2)) "$rt_scx" "scxgamer: SCHED_FIFO task cycles (at least half of EEVDF's $rt_eevdf)"
