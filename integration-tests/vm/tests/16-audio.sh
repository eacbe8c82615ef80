#!/usr/bin/env bash
# Issue 18, audio: a real sound path (snd-aloop, the ALSA loopback, played by aplay at a 5 ms period under
# CPU saturation) with the runtime's hooks attached. Under the default scheduler (runtime up, scheduler part
# disabled) the audio hook counts the periods; under scxgamer the player, which nobody classed, is classed
# audio from the wakeups the sound core makes inside its period callback (sched.audio.wakeups,
# sched.audio.classified) and boosted; with classify.audio 0 nothing is. Underruns (xruns) of the three
# phases are reported, not asserted: their spread under TCG is the host's (docs/integration-tests README).
# timeout: 600
# timeout-plus: SCXG_AUDIO_SECONDS
. "$SCXG_VM/lib/guest.sh"
secs=${SCXG_AUDIO_SECONDS:-20}
ncpu=$(nproc)

modprobe snd-aloop || fail "modprobe snd-aloop failed"
wait_for '[ -e /sys/kernel/btf/snd_pcm ]' 10 "the sound core (snd-pcm) is loaded with its BTF"
wait_for 'aplay -l | grep -q Loopback' 10 "aplay lists the Loopback card"
[ "$(cat /sys/kernel/sched_ext/state)" = disabled ] || fail "a sched_ext scheduler is already attached: $(cat /sys/kernel/sched_ext/root/ops)"

stats() { rt_cmd scx:stats 120; }
delta() { echo $(( $(kv "$1" "$3") - $(kv "$1" "$2") )); }
diagnose() {
  rt_cmd scx:status 30 || true
  rt_cmd scx:stats 30 | grep -E '^(audio|sched\.audio)' || true
}

# play NAME: aplay for $secs s to the loopback (48 kHz stereo, 240-frame periods = 5 ms, a 4-period buffer)
# beside busy loops and fork/pipe pairs; sets xruns, periods, before and after (scx:stats around it).
play() {
  local out
  bg_start "load-$1" "$SCXG_TOOLS/cpu-load" --busy $((2 * ncpu)) --pipes 2 --seconds 0 --interval 5
  sleep 1
  before=$(stats)
  out=$(timeout $((secs + 60)) aplay -D hw:Loopback,0,0 -t raw -f S16_LE -r 48000 -c 2 \
    --period-size=240 --buffer-size=960 -d "$secs" /dev/zero 2>&1) || fail "$1: aplay failed: $out"
  after=$(stats)
  bg_stop "load-$1"
  assert_contains "$out" "Playing raw data" "$1: aplay's output"
  xruns=$(grep -c 'underrun!!!' <<< "$out" || true)
  periods=$(delta audio.periods "$before" "$after")
  # 200 periods a second, but snd-aloop's jiffies timer (HZ 250) calls the sound core once for all the periods
  # elapsed since its last tick: about 100 calls a second in this guest (1968 in 20 s).
  assert_ge $((secs * 50)) "$periods" "$1: period callbacks counted by the audio hook in ${secs} s"
  echo "$1: xruns $xruns, periods $periods"
}

rt_prepare
rt_cfg scxgamer.core "scheduler.enabled=false"
rt_start
status=$(rt_wait scx:status '^audio_hook +ACTIVE' 400 "the audio hook is ACTIVE (snd-pcm was loaded first)")
assert_contains "$status" "snd_pcm_period_elapsed" "part audio_hook's reason"
rt_wait scx:status '^scheduler +DISABLED' 30 "the scheduler part is disabled by configuration" > /dev/null

play eevdf
xruns_eevdf=$xruns

rt_cfg scxgamer.core "scheduler.enabled=true"
rt_wait scx:status '^scheduler +ACTIVE' 400 "the scheduler part is ACTIVE after the reload" > /dev/null
rt_wait scx:status '^audio_hook +ACTIVE' 60 "the audio hook is ACTIVE after the reload" > /dev/null
assert_eq "" "$(rt_cmd scx:classify | grep -E '^[0-9]+: ' || true)" "no thread classed through the control service"

play scxgamer
xruns_scx=$xruns
assert_eq enabled "$(cat /sys/kernel/sched_ext/state)" "scxgamer: sched_ext state after playing"
wakeups=$(delta sched.audio.wakeups "$before" "$after")
classified=$(delta sched.audio.classified "$before" "$after")
boosted=$(delta sched.audio.boosted "$before" "$after")
echo "scxgamer: sched.audio.wakeups +$wakeups, classified +$classified, boosted +$boosted"
# The player waits in the kernel for room in the buffer: most periods wake it, from inside the callback.
assert_ge $((periods / 2)) "$wakeups" "scxgamer: wakeups made by the sound core's period callback (of $periods periods)"
assert_ge 1 "$classified" "scxgamer: threads classed audio by their wakeups (the player)"
assert_ge $((wakeups / 2)) "$boosted" "scxgamer: boosted enqueues of audio threads (of $wakeups sound-core wakeups)"

rt_cmd "scx:tunables classify.audio 0"
rt_wait scx:tunables '^classify\.audio += 0 ' 30 "scx:tunables shows classify.audio = 0" > /dev/null
play unclassified
xruns_off=$xruns
wakeups=$(delta sched.audio.wakeups "$before" "$after")
assert_ge $((periods / 2)) "$wakeups" "classify.audio 0: the sound core's wakeups are still seen"
assert_eq 0 "$(delta sched.audio.classified "$before" "$after")" "classify.audio 0: threads classed audio"
assert_eq 0 "$(delta sched.audio.boosted "$before" "$after")" "classify.audio 0: boosted enqueues of audio threads"

echo "xruns in ${secs} s at a 5 ms period under $((2 * ncpu)) busy loops + 2 fork/pipe pairs:" \
  "EEVDF $xruns_eevdf, scxgamer $xruns_scx, scxgamer with classify.audio 0 $xruns_off"
rt_stop
wait_for '[ "$(cat /sys/kernel/sched_ext/state)" = disabled ]' 30 "the runtime's shutdown detaches the scheduler"
