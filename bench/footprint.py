#!/usr/bin/python3
"""Benchmark part 7, footprint of the runtime on this host: start to ready (startup.py), CPU used while idle
(no input) over a window, resident memory. Prints Markdown table rows.

Usage: bench/footprint.py [STARTUP_RUNS] [IDLE_SECONDS]   (needs the built runtime)
"""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import startup  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """utime + stime of the whole process (all threads), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # fields 14 and 15 of stat(5)


def threads_cpu(pid):
    """{tid: (name, CPU seconds)} of every thread."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                head, rest = f.read().rsplit(")", 1)
            fields = rest.split()
            out[tid] = (head.split("(", 1)[1], (int(fields[11]) + int(fields[12])) / TICKS)
        except OSError:
            pass  # thread ended
    return out


def status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return line.split(":", 1)[1].strip()
    return "?"


def summary(xs, fmt):
    return f"{fmt % statistics.median(xs)} [{fmt % min(xs)}–{fmt % max(xs)}]"


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    idle = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    starts = [startup.one_run() for _ in range(runs)]
    p, home, _, _ = startup.start_runtime()
    try:
        parts = [l.strip() for l in startup.gogo(p, "scx:status").splitlines() if l.strip()]
        time.sleep(30)  # let start-up work (JIT compiling the start-up paths, first timers) settle first
        c0, t0, th0 = cpu_seconds(p.pid), time.monotonic(), threads_cpu(p.pid)
        time.sleep(idle)
        c1, t1, th1 = cpu_seconds(p.pid), time.monotonic(), threads_cpu(p.pid)
        rss_kib = int(status(p.pid, "VmRSS").split()[0])
        threads = status(p.pid, "Threads")
    finally:
        startup.stop_runtime(p, home)
    idle_pct = (c1 - c0) / (t1 - t0) * 100
    print(f"| 7 | start to Gogo prompt, ms | {summary([s[0] for s in starts], '%.0f')} | – | – | – | – |")
    print(f"| 7 | start to all bundles ACTIVE (BPF loaded), ms | {summary([s[1] for s in starts], '%.0f')} | – | – | – | – |")
    verdict = "met" if idle_pct <= 0.5 else "**missed**"
    print(f"| 7 | idle CPU over {t1 - t0:.0f} s, % of one core (utime+stime) | {idle_pct:.2f} ({c1 - c0:.2f} s CPU) | – | – "
          f"| ≤ 0.5 % | {verdict} |")
    print(f"| 7 | resident memory (VmRSS) after the idle window, MiB | {rss_kib / 1024:.0f} ({threads} threads) | – | – | – | – |")
    print()
    print(f"Part 7 ran the runtime jar as shipped ({runs} start-ups; idle window {idle} s). `scx:status` at the time:")
    print()
    print("```")
    for line in parts:
        print(line)
    print("```")
    print()
    print(f"Where the idle CPU went (per thread, utime+stime over the window; threads that ended are not listed):")
    print()
    used = sorted(((cpu - th0.get(tid, (name, 0.0))[1], name) for tid, (name, cpu) in th1.items()), reverse=True)
    print("| thread | CPU s | % of one core |")
    print("| --- | --- | --- |")
    for cpu, name in used[:10]:
        if cpu > 0:
            print(f"| {name} | {cpu:.2f} | {cpu / (t1 - t0) * 100:.2f} |")


if __name__ == "__main__":
    main()
