#!/usr/bin/env bash
# Long coverage-guided fuzzing run of the recording reader (CI runs the same target for 45 s).
#   scripts/fuzz-recordings.sh [SECONDS]   default 3600; findings (crash-*, timeout-*) land in the corpus folder
# The corpus grows in integration-tests/fuzz/target/long-corpus and is reused by the next run.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
secs=${1:-3600}
out=$PWD/integration-tests/fuzz/target
mvn -B -q -o test-compile dependency:build-classpath -pl bundles/api,bundles/recorder,integration-tests/fuzz \
  -Dmdep.includeScope=test -Dmdep.outputFile="$out/fuzz.classpath"
corpus=$out/long-corpus
mkdir -p "$corpus"
cp -n integration-tests/fuzz/src/test/resources/org/scxgamer/recorder/format/RecordingReaderFuzzTestInputs/readAnything/* "$corpus"/
cd "$corpus"
exec java -cp "$(cat "$out/fuzz.classpath"):$out/test-classes" com.code_intelligence.jazzer.Jazzer \
  --target_class=org.scxgamer.recorder.format.RecordingReaderFuzzTest --instrumentation_includes='org.scxgamer.**' \
  -max_total_time="$secs" "$corpus"
