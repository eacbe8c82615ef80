#!/usr/bin/python3
"""Turns the output of bench/vm/wake_latency.c (guest log) into the part 8 Markdown rows.

Usage: bench/vm/report.py OUTPUT_LOG VM_EXIT_STATUS
"""
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from verdict import verdict, work_differs  # noqa: E402  the one rule: "met" only over equal work

log_path, vm_rc = sys.argv[1], sys.argv[2]
try:
    text = open(log_path, errors="replace").read()
except OSError as e:
    text = ""
    print(f"| 8 | wake-to-run, default vs scxgamer | **not measured**: no guest output ({e}); VM harness exit {vm_rc} | – | – | ≤ 0.5× | **missed** |")
    sys.exit(0)

phases = {m.group(1): {k: int(v) for k, v in re.findall(r"(\w+) (\d+)", m.group(2))}
          for m in re.finditer(r"^phase (\S+) (.*?) us", text, re.M)}
windows = {}
for m in re.finditer(r"^window (\S+) \d+ n (\d+) p50 (\d+) p99 (\d+) us", text, re.M):
    windows.setdefault(m.group(1), []).append((int(m.group(2)), int(m.group(3)), int(m.group(4))))

if "default" not in phases or "scxgamer" not in phases:
    tail = " / ".join(l.strip() for l in text.strip().splitlines()[-3:])
    print(f"| 8 | wake-to-run, default vs scxgamer | **not measured**: VM harness exit {vm_rc}; guest said: {tail} | – | – | ≤ 0.5× | **missed** |")
    sys.exit(0)


def cell(name, key):
    """'phase value (windows median [min–max])' for p50 or p99."""
    p = phases[name]
    ws = [w[1 if key == "p50" else 2] for w in windows.get(name, []) if w[0] > 0]
    spread = f" (windows {statistics.median(ws):.0f} [{min(ws)}–{max(ws)}])" if ws else ""
    return f"{p[key]}{spread}"


d = phases["default"]
for key in ("p50", "p99"):
    for name, label in (("scxgamer", "reader classed INPUT"), ("scxgamer-behaviour", "reader unclassed (behaviour)")):
        if name not in phases:
            continue
        ratio = phases[name][key] / d[key] if d[key] else float("nan")
        target = "≤ 0.5×" if key == "p99" and name == "scxgamer" else "–"
        # The phases must have done the same work: the writer's reports (written) and the samples (n).
        unequal = [w for w in (work_differs("writer reports", phases[name].get("written"), d.get("written")),
                               work_differs("samples", phases[name].get("n"), d.get("n"))) if w]
        judged = verdict(ratio <= 0.5, unequal) if target != "–" else "–"
        print(f"| 8 | wake-to-run {key}, µs, {label} | {cell(name, key)} | default {cell('default', key)} | "
              f"{ratio:.2f}× | {target} | {judged} |")
if "default-after" in phases:
    print(f"| 8 | wake-to-run p50 / p99, µs, default scheduler again after detaching | {cell('default-after', 'p50')} / "
          f"{cell('default-after', 'p99')} | – | – | – | – |")
print()
config = re.search(r"^config: (.*)$", text, re.M)
stats = re.search(r"^sched_stats: (.*)$", text, re.M)
print(f"Part 8 ran in one sched_ext guest boot (QEMU TCG, 2 vCPUs): {config.group(1) if config else '?'}. "
      "Each phase's samples are split into 5 windows (the spread stands in for repeated runs); "
      f"scheduler counters after the scxgamer phases: {stats.group(1) if stats else '?'}. Phase lines:")
print()
print("```")
for m in re.finditer(r"^(phase|scheduler exit:) .*$", text, re.M):
    print(m.group(0))
print("```")
