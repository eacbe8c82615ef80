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


def one_run():
    home = tempfile.mkdtemp(prefix="scxgamer-bench-")
    try:
        for d in ("bin", "conf", "etc"):
            shutil.copytree(os.path.join(ROOT, "runtime", d), os.path.join(home, d))
        os.makedirs(os.path.join(home, "target"))
        os.symlink(os.path.join(ROOT, "runtime", "target", "scxgamer.jar"), os.path.join(home, "target", "scxgamer.jar"))
        env = dict(os.environ, SCXGAMER_HOME=home)
        start = time.monotonic()
        p = subprocess.Popen([os.path.join(home, "bin", "scxgamer")], env=env, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
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
        while ready is None:
            p.stdin.write(b"lb\n")
            p.stdin.flush()
            out = b""
            while out.count(b"g! ") < 1:
                chunk = os.read(p.stdout.fileno(), 65536)
                if not chunk:
                    raise RuntimeError("runtime exited")
                out += chunk
            rows = [l for l in out.split(b"g! ")[0].decode(errors="replace").splitlines() if l.count("|") >= 3]
            if rows[1:] and all("|Active" in l for l in rows[1:]):
                ready = time.monotonic() - start
            elif time.monotonic() - start > 30:
                raise RuntimeError("bundles not all ACTIVE after 30 s:\n" + out.decode(errors="replace"))
            else:
                time.sleep(0.01)
        p.stdin.close()
        p.wait(timeout=30)
        return prompt * 1000, ready * 1000
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main():
    results = [one_run() for _ in range(RUNS)]
    for i, name in enumerate(("start to Gogo prompt", "start to all bundles ACTIVE")):
        xs = [r[i] for r in results]
        print(f"{name}: median {statistics.median(xs):.0f} ms, min {min(xs):.0f} ms, max {max(xs):.0f} ms ({RUNS} runs)")


if __name__ == "__main__":
    main()
