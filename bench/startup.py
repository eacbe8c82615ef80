#!/usr/bin/python3
"""Start-to-prompt benchmark: time from starting runtime/bin/scxgamer to the Gogo prompt, and to
every bundle ACTIVE (the core's BPF objects loaded), repeated; prints median/min/max in ms.

Usage: bench/startup.py [RUNS]   (needs the built runtime: ./dev build)
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5


def start_runtime():
    """Starts the runtime from a fresh copy of runtime/ (Gogo on a pipe) and waits until every bundle is ACTIVE.
    Returns (process, home, ms to the Gogo prompt, ms to all ACTIVE); the caller stops it with stop_runtime()."""
    home = tempfile.mkdtemp(prefix="scxgamer-bench-")
    for d in ("bin", "conf", "etc"):
        shutil.copytree(os.path.join(ROOT, "runtime", d), os.path.join(home, d))
    os.makedirs(os.path.join(home, "target"))
    os.symlink(os.path.join(ROOT, "runtime", "target", "scxgamer.jar"), os.path.join(home, "target", "scxgamer.jar"))
    env = dict(os.environ, SCXGAMER_HOME=home)
    start = time.monotonic()
    p = subprocess.Popen([os.path.join(home, "bin", "scxgamer")], env=env, stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        buf = b""
        prompt = None
        while prompt is None:
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                raise RuntimeError("runtime exited before the prompt:\n" + buf.decode(errors="replace"))
            buf += chunk
            if b"g! " in buf:
                prompt = time.monotonic() - start
        # Ask until every bundle is ACTIVE (the prompt comes before the last bundles finish starting).
        ready = None
        fragments = set()  # fragments stay Resolved: they never start
        while ready is None:
            out = gogo(p, "lb")
            rows = [l for l in out.splitlines() if l.count("|") >= 3]
            for l in rows[1:]:
                bid = l.split("|")[0].strip()
                if "|Resolved" in l and bid not in fragments and "Fragment-Host" in gogo(p, "headers " + bid):
                    fragments.add(bid)
            if rows[1:] and all("|Active" in l or l.split("|")[0].strip() in fragments for l in rows[1:]):
                ready = time.monotonic() - start
            elif time.monotonic() - start > 30:
                raise RuntimeError("bundles not all ACTIVE after 30 s:\n" + out)
            else:
                time.sleep(0.01)
        return p, home, prompt * 1000, ready * 1000
    except BaseException:
        stop_runtime(p, home)
        raise


def gogo(p, command):
    """Runs one Gogo command and returns its output (up to the next prompt)."""
    p.stdin.write(command.encode() + b"\n")
    p.stdin.flush()
    out = b""
    while b"g! " not in out:
        chunk = os.read(p.stdout.fileno(), 65536)
        if not chunk:
            raise RuntimeError("runtime exited")
        out += chunk
    return out.split(b"g! ")[0].decode(errors="replace")


def stop_runtime(p, home):
    try:
        p.stdin.close()
        p.wait(timeout=30)
    except Exception:
        p.kill()
        p.wait()
    finally:
        shutil.rmtree(home, ignore_errors=True)


def one_run():
    p, home, prompt, ready = start_runtime()
    stop_runtime(p, home)
    return prompt, ready


def main():
    results = [one_run() for _ in range(RUNS)]
    for i, name in enumerate(("start to Gogo prompt", "start to all bundles ACTIVE")):
        xs = [r[i] for r in results]
        print(f"{name}: median {statistics.median(xs):.0f} ms, min {min(xs):.0f} ms, max {max(xs):.0f} ms ({RUNS} runs)")


if __name__ == "__main__":
    main()
