#!/usr/bin/env bash
# The plugin bundles dropped into deploy/ of the runtime on the sched_ext kernel: the foreground policy
# puts a real process's input-handler thread in the live scheduler's INPUT class and lets it go when
# the process exits; a profile switch reaches the live tunables and removing the bundle undoes it.
# timeout: 720
. "$SCXG_VM/lib/guest.sh"

jars=()
for m in stats recorder policy-foreground policy-profiles; do
  jar=$(find "$SCXG_REPO/bundles/$m/target" -maxdepth 1 -name 'org.scxgamer.*.jar' ! -name '*-sources.jar' ! -name '*-tests.jar' 2> /dev/null | head -1)
  [ -n "$jar" ] || fail "bundle $m is not built (no jar in bundles/$m/target): build on the host first"
  jars+=("$jar")
done

rt_start
# The shell answers before the core has registered its commands and attached the scheduler (TCG is slow).
wait_for "rt_cmd scx:status 360 | grep -Eq '^scheduler +ACTIVE'" 420 "the scheduler part is ACTIVE"
rt_cmd scx:status

cp "${jars[@]}" "$RT_HOME/deploy/"
wait_for "rt_cmd policy:profiles 60 | grep -q esports" 120 "profiles policy answers from deploy/"
wait_for "rt_cmd policy:foreground 60 | grep -q '^foreground:'" 120 "foreground policy answers from deploy/"
wait_for "rt_cmd stats:show 60 | grep -q '^totals.events:'" 120 "stats answer from deploy/"
wait_for "rt_cmd rec:list 60 | grep -q 'recording'" 120 "recorder answers from deploy/"

# A process whose thread is named like an input handler (its comm is its file name).
cp "$(command -v sleep)" "$SCXG_TMP/input-handler"
bg_start game "$SCXG_TMP/input-handler" 600
pid=${_BG_PID[game]}
out=$(rt_cmd "policy:foreground $pid")
echo "$out"
assert_contains "$out" "foreground: pid $pid (input-handler) by command" "policy:foreground takes the process"
assert_contains "$out" "$pid input-handler INPUT" "its thread is classed INPUT"
classes=$(rt_cmd scx:classify)
echo "$classes"
assert_contains "$classes" "$pid: input" "the live scheduler's class map holds the thread"
assert_contains "$(rt_cmd scx:foreground)" "$pid" "the core's foreground process"

bg_stop game 5
wait_for "! rt_cmd scx:classify 60 | grep -q '^$pid: '" 60 "the exited process's class is removed"

before=$(rt_cmd scx:tunables)
out=$(rt_cmd "policy:profile low-power")
echo "$out"
assert_contains "$out" "profile low-power active:" "policy:profile switches"
after=$(rt_cmd scx:tunables)
echo "$after"
grep -Eq '^preempt +[=] 0 ' <<< "$after" || fail "preempt is not 0 in the live tunables after low-power:"$'\n'"$after"
grep -Eq '^slice.us +[=] 20000 ' <<< "$after" || fail "slice.us is not 20000 after low-power:"$'\n'"$after"

rm "$RT_HOME"/deploy/org.scxgamer.policy.profiles-*.jar
wait_for "rt_cmd scx:tunables 60 | grep -Eq '^slice.us += $(awk '$1 == "slice.us" {print $3}' <<< "$before") '" 120 \
  "removing the profiles bundle puts slice.us back"
rt_stop
