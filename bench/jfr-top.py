#!/usr/bin/python3
"""Where the time goes: JFR execution samples of a benchmark recording, by thread and top frame.

Usage: bench/jfr-top.py RECORDING.jfr [TOP]
"""
import collections
import re
import subprocess
import sys

path = sys.argv[1]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 12
out = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "3", path],
                     check=True, capture_output=True, text=True).stdout
by_thread = collections.Counter()
frames = collections.defaultdict(collections.Counter)
for event in out.split("jdk.ExecutionSample")[1:]:
    t = re.search(r'sampledThread = "([^"]*)"', event)
    st = re.search(r"stackTrace = \[\s*\n\s*(.*?)\n", event)
    if not t or not st:
        continue
    thread = re.sub(r"-\d+$", "-N", t.group(1))  # delivery threads: one group
    frame = re.sub(r"\s+line:.*", "", st.group(1).strip())
    by_thread[thread] += 1
    frames[thread][frame] += 1
total = sum(by_thread.values())
print(f"{total} execution samples")
for thread, n in by_thread.most_common(6):
    print(f"\nthread {thread}: {n} samples ({100 * n / total:.0f} %), top frames:")
    for frame, k in frames[thread].most_common(top):
        print(f"  {100 * k / n:5.1f} %  {frame}")
