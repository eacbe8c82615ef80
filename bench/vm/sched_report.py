#!/usr/bin/python3
"""Benchmark part 9: turns the guest output of bench/vm/sched-compare.sh into Markdown tables, the judged
targets (bench/vm/verdict.py) and two PNG charts (gnuplot).

Usage: bench/vm/sched_report.py OUTPUT_LOG VM_EXIT_STATUS CHART_DIR CHART_LINK
CHART_DIR: where the PNGs are written; CHART_LINK: the path the Markdown uses for them (relative to the doc).
"""
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from verdict import verdict, work_differs  # noqa: E402

NAMES = {
    "eevdf": "EEVDF (default)",
    "simple": "scx_simple (vtime)",
    "simple-fifo": "scx_simple -f (FIFO)",
    "central": "scx_central",
    "flatcg": "scx_flatcg",
    "qmap": "scx_qmap",
    "scxgamer-c": "scxgamer, C loader (no JVM)",
    "scxgamer": "scxgamer, runtime + foreground policy",
}
PEERS = ["simple", "simple-fifo", "central", "flatcg", "qmap"]
OURS = ["scxgamer", "scxgamer-c"]
GAME_LOADS = {  # loaded game workloads: the load's throughput metric(s)
    "game144-compile": ["load_compile_jobs_s"],
    "game60-compile": ["load_compile_jobs_s"],
    "game144-hogs": ["load_nice0_cpu_ops_s", "load_nice19_cpu_ops_s"],
    "game144-stress": ["load_cpu_ops_s", "load_pipe_ops_s", "load_fork_ops_s", "load_switch_ops_s"],
}
WORKLOAD_TITLES = {
    "game144": "game at 144 Hz, no background load",
    "game144-compile": "game at 144 Hz + compile storm (4 parallel gcc, nice 0)",
    "game60-compile": "game at 60 Hz + compile storm (4 parallel gcc, nice 0)",
    "game144-hogs": "game at 144 Hz + CPU hogs (2 at nice 0, 2 at nice 19)",
    "game144-stress": "game at 144 Hz + stress-ng mixed (cpu, pipe, fork, switch)",
}

log_path, vm_rc, chart_dir, chart_link = sys.argv[1:5]
try:
    text = open(log_path, errors="replace").read()
except OSError as e:
    print(f"Part 9 (scheduler comparison) **not measured**: no guest output ({e}); VM harness exit {vm_rc}.")
    sys.exit(0)


def parse_words(s):
    d = {}
    for k, v in re.findall(r"(\w[\w-]*)=('[^']*'|\S+)", s):
        v = v.strip("'")
        try:
            d[k] = float(v)
        except ValueError:
            d[k] = v
    return d


results = [parse_words(m.group(1)) for m in re.finditer(r"^result (.*)$", text, re.M)]
cdfs = {}
for m in re.finditer(r"^cdf sched=(\S+) rep=(\d+) workload=(\S+) hz=\d+ (.*)$", text, re.M):
    cdfs.setdefault((m.group(1), m.group(3)), []).append([int(x) for x in m.group(4).split()])
config = parse_words(re.search(r"^config (.*)$", text, re.M).group(1)) if re.search(r"^config ", text, re.M) else {}
topology = re.findall(r"^topology (.*)$", text, re.M)
settles = re.findall(r"^settle (.*)$", text, re.M)
warmups = re.findall(r"^warmup (.*)$", text, re.M)
orders = re.findall(r"^order rep=(\d+) (.*)$", text, re.M)
sched_lines = re.findall(r"^sched (\S+) (.*)$", text, re.M)
peer_checks = [parse_words(m) for m in re.findall(r"^peer (.*)$", text, re.M)]
hook_costs = [parse_words(m) for m in re.findall(r"^hookcost (.*)$", text, re.M)]
rt_threads = {}  # workload -> thread name -> [% of one CPU per run]
for m in re.finditer(r"^rtthreads sched=\S+ rep=\d+ workload=(\S+) ?(.*)$", text, re.M):
    for name, pct in re.findall(r"(\S+)=([\d.]+)", m.group(2)):
        rt_threads.setdefault(m.group(1), {}).setdefault(name, []).append(float(pct))

if not results:
    tail = " / ".join(line.strip() for line in text.strip().splitlines()[-3:])
    print(f"Part 9 (scheduler comparison) **not measured**: VM harness exit {vm_rc}; guest said: {tail}")
    sys.exit(0)

scheds = [s for s in NAMES if any(r["sched"] == s for r in results)]
workloads = []
for r in results:
    if r["workload"] not in workloads:
        workloads.append(r["workload"])


def runs(sched, workload):
    return [r for r in results if r["sched"] == sched and r["workload"] == workload]


def values(sched, workload, key):
    return [r[key] for r in runs(sched, workload) if isinstance(r.get(key), float)]


def med(sched, workload, key):
    v = values(sched, workload, key)
    return statistics.median(v) if v else None


def fmt(x, scale=1.0, digits=None):
    if x is None:
        return "–"
    x = x * scale
    if digits is None:
        digits = 0 if abs(x) >= 100 else 1 if abs(x) >= 10 else 2
    return f"{x:.{digits}f}"


def cell(sched, workload, key, scale=1.0, digits=None):
    """median [min–max] over the repetitions"""
    v = values(sched, workload, key)
    if not v:
        return "–"
    s = fmt(statistics.median(v), scale, digits)
    if len(v) > 1:
        s += f" [{fmt(min(v), scale, digits)}–{fmt(max(v), scale, digits)}]"
    return s


def geo_ratio(sched, workload, keys, ref="eevdf"):
    """geometric mean over keys of median(sched) / median(ref); keys the reference did none of (a nice-19 hog that
    got no CPU under it) are left out, as a ratio to zero means nothing"""
    logs = []
    for k in keys:
        a, b = med(sched, workload, k), med(ref, workload, k)
        if a is None or b is None:
            return None
        if b > 0:
            logs.append(math.log(max(a, 1e-9) / b))
    return math.exp(sum(logs) / len(logs)) if logs else None


out = []
p = out.append
reps = int(config.get("reps", 1))
p(f"Part 9 (issue 15): the game stand-in (bench/vm/game/game.c) and standard benchmarks against every scheduler, "
  f"all in one sched_ext guest boot: {reps} repetition(s) of every workload against every scheduler, interleaved "
  f"(repetition order: {'; '.join(o for _, o in orders)}), {fmt(config.get('seconds'), digits=0)} s measured per run "
  f"after {fmt(config.get('warmup'), digits=0)} s warm-up, game work calibrated once per boot "
  f"({fmt(config.get('iters_per_us'), digits=0)} loop iterations per µs). Cells: median [min–max] over the repetitions. "
  f"Guest: kernel {config.get('kernel', '?')}, {len([t for t in topology if re.match(r'cpu[0-9]+ ', t)])} vCPUs "
  f"({'; '.join(topology)}), QEMU TCG. VM harness exit {vm_rc}.")
p("")
if settles:
    p("Runtime start-up before its phase (until its JVM used < 10 % of a CPU over 2 s, then unmeasured 12 s game runs "
      "until its JIT compiler threads used < 3 % of a CPU during one, at most 6): " + "; ".join(settles) + ". Warm-up runs: "
      + ("; ".join(warmups) if warmups else "none") + ".")
    p("")

if peer_checks:
    p("Upstream examples built from the kernel source, each started alone in this guest before the phases "
      "(attached = `/sys/kernel/sched_ext/state` enabled; ops = `root/ops`):")
    p("")
    p("| example | attached | root/ops | detached on SIGINT | why not |")
    p("| --- | --- | --- | --- | --- |")
    for c in peer_checks:
        ok = c.get("attached") == 1.0
        p(f"| {c.get('name')} | {'yes' if ok else '**no**'} | {c.get('ops', '–')} | "
          f"{('yes' if c.get('detached') == 1.0 else '**no**') if ok else '–'} | {'' if ok else '`' + str(c.get('reason', '?')).strip() + '`'} |")
    p("")

# ---- game tables ----
flipping = any(isinstance(r.get("flips"), float) for r in results)  # the game showed its frames on a display
if flipping:
    hz = sorted({r["refresh_hz"] for r in results if isinstance(r.get("refresh_hz"), float)})
    p(f"The game showed its frames on the guest's display ({', '.join(fmt(h, digits=0) for h in hz)} Hz, QEMU's bochs) "
      "from its `game-flip` thread: page flips with vsync, each after 1.5 ms of work; a missed vblank is one that passed "
      "without a new frame (from the vblank sequence numbers of the flip events), so flips + missed = the vblanks of "
      "the measured window.")
    p("")
for w in [w for w in workloads if w.startswith("game")]:
    loadkeys = GAME_LOADS.get(w, [])
    p(f"**{WORKLOAD_TITLES.get(w, w)}**")
    p("")
    head = ("| scheduler | runs | frames / slots | missed | frame p50 / p99 / p99.9, ms | 1 % low FPS | input p99, ms "
            "| audio periods late | RT cycles done / expected | SCHED_FIFO mouse reports / expected |")
    sep = "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    if flipping:
        head += " display flips / missed vblanks | flip interval p99, ms |"
        sep += " --- | --- |"
    if loadkeys:
        head += " background load (" + ", ".join(k.replace("load_", "").replace("_s", "/s") for k in loadkeys) + ") |"
        sep += " --- |"
    head += " runtime CPU, % of one CPU |"
    sep += " --- |"
    p(head)
    p(sep)
    for s in scheds:
        if not runs(s, w):
            continue
        gone = len([r for r in runs(s, w) if r.get("attached") != 1.0])
        row = (f"| {NAMES[s]} | {len(runs(s, w))}{f' ({gone} detached)' if gone else ''} | {cell(s, w, 'frames', digits=0)} / {fmt(med(s, w, 'slots'), digits=0)} | "
               f"{cell(s, w, 'missed', digits=0)} | {fmt(med(s, w, 'ft_p50_us'), 1e-3)} / {cell(s, w, 'ft_p99_us', 1e-3)} / "
               f"{fmt(med(s, w, 'ft_p999_us'), 1e-3)} | {cell(s, w, 'low1_fps')} | {cell(s, w, 'input_p99_us', 1e-3)} | "
               f"{cell(s, w, 'audio_late', digits=0)} / {fmt(med(s, w, 'audio_periods'), digits=0)} | "
               f"{cell(s, w, 'rt_cycles', digits=0)} / {fmt(med(s, w, 'rt_expected'), digits=0)} | "
               f"{cell(s, w, 'mouse_written', digits=0)} / {fmt(med(s, w, 'mouse_expected'), digits=0)} |")
        if flipping:
            row += (f" {cell(s, w, 'flips', digits=0)} / {cell(s, w, 'flip_missed', digits=0)} |"
                    f" {cell(s, w, 'flip_p99_us', 1e-3)} |")
        if loadkeys:
            row += " " + " / ".join(cell(s, w, k) for k in loadkeys) + " |"
        row += f" {cell(s, w, 'rt_cpu_pct') if s == 'scxgamer' else '–'} |"
        p(row)
    p("")

# ---- where the runtime's CPU went ----
if rt_threads:
    p("**The runtime's busiest threads during the game** (scxgamer with the runtime; utime + stime of each JVM thread over "
      "the game run, % of one CPU, median over the runs; thread names as the kernel truncates them):")
    p("")
    p("| workload | threads |")
    p("| --- | --- |")
    for w in workloads:
        if w in rt_threads:
            top = sorted(((statistics.median(v), n) for n, v in rt_threads[w].items()), reverse=True)[:6]
            p(f"| {w} | " + ", ".join(f"{n} {v:.1f}" for v, n in top) + " |")
    p("")

# ---- standard benchmarks ----
if any(w.startswith("cyclic") for w in workloads):
    p("**cyclictest** (1 thread, 1 ms interval, under the CPU hogs; latency = wake-up to running, µs):")
    p("")
    p("| scheduler | SCHED_OTHER cycles / p50 / p99 / max | SCHED_FIFO 80 cycles / p50 / p99 / max | hogs nice 0 / nice 19, bogo-ops/s (during SCHED_OTHER) |")
    p("| --- | --- | --- | --- |")
    for s in scheds:
        p(f"| {NAMES[s]} | {cell(s, 'cyclic-other', 'cycles', digits=0)} / {fmt(med(s, 'cyclic-other', 'lat_p50_us'))} / "
          f"{cell(s, 'cyclic-other', 'lat_p99_us')} / {fmt(med(s, 'cyclic-other', 'lat_max_us'))} | "
          f"{cell(s, 'cyclic-fifo', 'cycles', digits=0)} / {fmt(med(s, 'cyclic-fifo', 'lat_p50_us'))} / "
          f"{cell(s, 'cyclic-fifo', 'lat_p99_us')} / {fmt(med(s, 'cyclic-fifo', 'lat_max_us'))} | "
          f"{cell(s, 'cyclic-other', 'load_nice0_cpu_ops_s')} / {cell(s, 'cyclic-other', 'load_nice19_cpu_ops_s')} |")
    p("")
if "messaging" in workloads or "pipe" in workloads:
    p("**perf bench sched** (fixed work; throughput):")
    p("")
    p("| scheduler | messaging (-g 2 -l 50), messages/s | pipe (-l 20000), round trips/s |")
    p("| --- | --- | --- |")
    for s in scheds:
        p(f"| {NAMES[s]} | {cell(s, 'messaging', 'msgs_s', digits=0)} | {cell(s, 'pipe', 'ops_s', digits=0)} |")
    p("")

# ---- the part-8 question: do SCHED_FIFO tasks lose their rate under sched_ext schedulers? ----
game_ws = [w for w in workloads if w.startswith("game")]
if game_ws:
    p("**SCHED_FIFO tasks beside each scheduler** (issue 15's part-8 red flag): the game's two SCHED_FIFO threads, "
      "the uinput mouse writer (mouse-hw, 1 kHz, its reports go through the input hook) and rt-periodic (1 kHz, 50 µs "
      "of work, no input path), summed over all game runs, as a fraction of what they did under EEVDF in the same boot:")
    p("")
    p("| scheduler | mouse reports written | × EEVDF | rt-periodic cycles | × EEVDF | SCHED_FIFO cyclictest cycles | × EEVDF |")
    p("| --- | --- | --- | --- | --- | --- | --- |")

    def total(s, key):
        return sum(sum(values(s, w, key)) for w in game_ws)

    base_m, base_r = total("eevdf", "mouse_written"), total("eevdf", "rt_cycles")
    base_c = med("eevdf", "cyclic-fifo", "cycles")
    for s in scheds:
        m, rc, c = total(s, "mouse_written"), total(s, "rt_cycles"), med(s, "cyclic-fifo", "cycles")
        p(f"| {NAMES[s]} | {m:.0f} | {fmt(m / base_m if base_m else None, digits=2)} | {rc:.0f} | "
          f"{fmt(rc / base_r if base_r else None, digits=2)} | {fmt(c)} | "
          f"{fmt(c / base_c if c is not None and base_c else None, digits=2)} |")
    p("")

# ---- targets ----
p("**Targets** (issue 15; ratios of medians from this boot; a target is judged 'met' only when the phases did "
  "equal work and the scheduler stayed attached — bench/vm/verdict.py):")
p("")
p("| scheduler | target | value | reference | ratio | verdict |")
p("| --- | --- | --- | --- | --- | --- |")


def detached_runs(s, ws):
    """A phrase for verdict(): s's runs of workloads ws that ended with the scheduler detached, or None."""
    gone = len([r for w in ws for r in runs(s, w) if r.get("attached") != 1.0])
    return f"scheduler detached in {gone} of {sum(len(runs(s, w)) for w in ws)} runs" if gone else None


def target_row(s, what, value, ref_label, ref, ok, unequal, ws, ratio=True, unit=""):
    """ws: the workloads whose runs of s gave value (none for the ejection count itself)."""
    if value is None or ref is None:
        p(f"| {NAMES[s]} | {what} | {fmt(value)} | {ref_label} {fmt(ref)} | – | **not measured** |")
        return
    r = f"{value / ref:.2f}×" if ratio and ref else "–"
    p(f"| {NAMES[s]} | {what} | {fmt(value)}{unit} | {ref_label} {fmt(ref)}{unit} | {r} | "
      f"{verdict(ok, unequal, detached_runs(s, ws))} |")


for s in [x for x in OURS if x in scheds]:
    for w in [w for w in game_ws if w in GAME_LOADS]:
        keys = GAME_LOADS[w]
        v, ref = med(s, w, "ft_p99_us"), med("eevdf", w, "ft_p99_us")
        lr = geo_ratio(s, w, keys)
        uneq = [] if lr is None or abs(lr - 1) <= 0.1 else [f"background load {lr:.2f}× EEVDF's"]
        target_row(s, f"{w}: frame p99 ≤ 0.7× EEVDF", v and v / 1e3, "EEVDF", ref and ref / 1e3,
                   v is not None and ref is not None and v <= 0.7 * ref, uneq, [w], unit=" ms")
        peers = [(med(x, w, "ft_p99_us"), x) for x in PEERS if med(x, w, "ft_p99_us") is not None]
        if peers:
            best, bx = min(peers)
            lr = geo_ratio(s, w, keys, ref=bx)
            uneq = [] if lr is None or abs(lr - 1) <= 0.1 else [f"background load {lr:.2f}× {NAMES[bx]}'s"]
            target_row(s, f"{w}: frame p99 ≤ best peer", v and v / 1e3, NAMES[bx], best / 1e3,
                       v is not None and v <= best, uneq, [w], unit=" ms")
        v, ref = med(s, w, "low1_fps"), med("eevdf", w, "low1_fps")
        lr = geo_ratio(s, w, keys)
        uneq = [] if lr is None or abs(lr - 1) <= 0.1 else [f"background load {lr:.2f}× EEVDF's"]
        target_row(s, f"{w}: 1 % low FPS ≥ EEVDF", v, "EEVDF", ref, v is not None and ref is not None and v >= ref, uneq, [w])
        lr = geo_ratio(s, w, keys)
        d = work_differs("game frames", med(s, w, "frames"), med("eevdf", w, "frames"))
        target_row(s, f"{w}: background throughput ≥ 0.9× EEVDF ({', '.join(k.replace('load_', '') for k in keys)}"
                   f"{'; geometric mean' if len(keys) > 1 else ''})", lr, "EEVDF", 1.0 if lr is not None else None,
                   lr is not None and lr >= 0.9, [d] if d else [], [w], unit="×")
    for w, key, label in (("messaging", "msgs_s", "messages/s"), ("pipe", "ops_s", "round trips/s")):
        if w in workloads:
            v, ref = med(s, w, key), med("eevdf", w, key)
            target_row(s, f"perf bench sched {w} ≥ 0.9× EEVDF ({label})", v, "EEVDF", ref,
                       v is not None and ref is not None and v >= 0.9 * ref, [], [w])
    if "cyclic-other" in workloads:
        v, ref = med(s, "cyclic-other", "lat_p99_us"), med("eevdf", "cyclic-other", "lat_p99_us")
        d = work_differs("hogs' nice-0 throughput", med(s, "cyclic-other", "load_nice0_cpu_ops_s"),
                         med("eevdf", "cyclic-other", "load_nice0_cpu_ops_s"))
        target_row(s, "cyclictest SCHED_OTHER p99 ≤ EEVDF", v, "EEVDF", ref,
                   v is not None and ref is not None and v <= ref, [d] if d else [], ["cyclic-other"], unit=" µs")
    if "cyclic-fifo" in workloads:
        v, ref = med(s, "cyclic-fifo", "cycles"), med("eevdf", "cyclic-fifo", "cycles")
        target_row(s, "SCHED_FIFO rate (cyclictest cycles) ≥ 0.98× EEVDF", v, "EEVDF", ref,
                   v is not None and ref is not None and v >= 0.98 * ref, [], ["cyclic-fifo"])
    if game_ws:
        v = sum(sum(values(s, w, "rt_cycles")) for w in game_ws)
        ref = sum(sum(values("eevdf", w, "rt_cycles")) for w in game_ws)
        target_row(s, "SCHED_FIFO rate (game's rt-periodic cycles) ≥ 0.98× EEVDF", v, "EEVDF", ref or None,
                   ref > 0 and v >= 0.98 * ref, [], game_ws)
    ejected = [r for r in results if r["sched"] == s and r.get("attached") != 1.0]
    exits = [line for name, line in sched_lines if name == s and line.startswith("exit ")]
    target_row(s, "zero watchdog ejections (runs that ended with the scheduler detached or re-attached)",
               float(len(ejected) + len(exits)), "of runs", float(len([r for r in results if r["sched"] == s])),
               not ejected and not exits, [], [], ratio=False)
p("")
peer_ejections = {s: len([r for r in results if r["sched"] == s and r.get("attached") != 1.0]) for s in PEERS if s in scheds}
if peer_ejections:
    p("Peers' runs that ended with the scheduler detached: "
      + ", ".join(f"{NAMES[s]} {n}" for s, n in peer_ejections.items()) + ".")
    p("")
for name, line in sched_lines:
    p(f"- {NAMES.get(name, name)}: `{line}`")
if sched_lines:
    p("")

# ---- the kernel hooks' cost ----
HOOK_EVENTS = {
    "on_input_event": "input event (the game's mouse)",
    "on_pcm_period": "sound period callback, entry (aplay to snd-aloop, 5 ms periods)", "on_pcm_period_exit": "its exit",
    "on_futex_wake": "futex_wake call, entry (futex-handoff and everything else)", "on_futex_wake_exit": "its exit",
    "on_futex_wake_op": "futex_wake_op call, entry", "on_futex_wake_op_exit": "its exit",
    "on_ntsync_ioctl": "ntsync object ioctl, entry (ntsync-handoff)", "on_ntsync_ioctl_exit": "its exit",
    "on_drm_ioctl": "DRM ioctl (every one; the game's page flips among them)", "on_drm_event": "vblank event sent (flip completions)",
}
if hook_costs:
    p("**The kernel hooks' cost** (after the comparison: scxgamer attached by the C loader with every hook, each driven "
      "by its own workload; the kernel's BPF run-time statistics, `run_time_ns / run_cnt`, on only for this step; "
      "QEMU TCG multiplies every instruction, so read them against each other, not as hardware numbers):")
    p("")
    p("| program | runs on | calls | ns per call |")
    p("| --- | --- | --- | --- |")
    for h in hook_costs:
        if h.get("attached") == 0.0:
            p(f"| {h['prog']} | {HOOK_EVENTS.get(h['prog'], '')} | not attached | – |")
        else:
            p(f"| {h['prog']} | {HOOK_EVENTS.get(h['prog'], '')} | {fmt(h.get('calls'), digits=0)} | "
              f"{fmt(h.get('ns_per_call'), digits=0)} |")
    p("")


# ---- charts ----
def gnuplot(script):
    done = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
    if done.returncode != 0:
        sys.exit(f"sched_report: gnuplot failed (exit {done.returncode}): {done.stderr.strip()}")


os.makedirs(chart_dir, exist_ok=True)
charts = []
with tempfile.TemporaryDirectory() as tmp:
    qs = [q / 100 for q in range(1, 100)] + [0.995, 0.999, 1.0]
    panels = [w for w in game_ws if any((s, w) in cdfs for s in scheds)]
    if panels:
        plot = []
        cols = 3 if len(panels) > 4 else 2
        rows = (len(panels) + cols - 1) // cols
        plot.append(f"set terminal pngcairo noenhanced size {560 * cols},{400 * rows} font ',9'")
        plot.append(f"set output '{os.path.join(chart_dir, 'sched-frametimes.png')}'")
        plot.append(f"set multiplot layout {rows},{cols} title 'Frame-time distribution (CDF, median of the repetitions per quantile)'")
        plot.append("set logscale x; set xlabel 'frame time, ms'; set ylabel 'fraction of frames'; set key top left font ',8'; set grid")
        for w in panels:
            files = []
            for s in scheds:
                if (s, w) not in cdfs:
                    continue
                per_q = list(zip(*cdfs[(s, w)]))
                f = os.path.join(tmp, f"cdf-{s}-{w}.dat")
                with open(f, "w") as fh:
                    for q, vals in zip(qs, per_q):
                        fh.write(f"{max(statistics.median(vals), 1) / 1000:.3f} {q}\n")
                files.append((f, NAMES[s]))
            plot.append(f"set title '{WORKLOAD_TITLES.get(w, w)}'")
            plot.append("plot " + ", ".join(f"'{f}' using 1:2 with steps lw 2 title '{t}'" for f, t in files))
        plot.append("unset multiplot")
        gnuplot("\n".join(plot) + "\n")
        charts.append(("sched-frametimes.png", "frame-time distributions"))

    # Per-scheduler bars: frame p99 and 1 % lows per loaded game workload; throughput and SCHED_FIFO ratios vs EEVDF.
    loaded = [w for w in game_ws if w in GAME_LOADS]
    if loaded:
        def bars(fname, rows, cols_names):
            with open(os.path.join(tmp, fname), "w") as fh:
                fh.write("label " + " ".join(f'"{c}"' for c in cols_names) + "\n")
                for label, vals in rows:
                    fh.write(f'"{label}" ' + " ".join("NaN" if v is None else f"{v:.4f}" for v in vals) + "\n")
            return os.path.join(tmp, fname)

        names = [NAMES[s] for s in scheds]
        f1 = bars("p99.dat", [(w, [med(s, w, "ft_p99_us") and med(s, w, "ft_p99_us") / 1e3 for s in scheds]) for w in loaded], names)
        f2 = bars("low.dat", [(w, [med(s, w, "low1_fps") for s in scheds]) for w in loaded], names)
        thr = [(w, [geo_ratio(s, w, GAME_LOADS[w]) for s in scheds]) for w in loaded]
        for w, key in (("messaging", "msgs_s"), ("pipe", "ops_s")):
            if w in workloads:
                b = med("eevdf", w, key)
                thr.append((w, [med(s, w, key) / b if b and med(s, w, key) is not None else None for s in scheds]))
        f3 = bars("thr.dat", thr, names)
        fifo = []
        for label, key, src in (("mouse-hw reports", "mouse_written", game_ws), ("rt-periodic cycles", "rt_cycles", game_ws),
                                ("cyclictest FIFO cycles", "cycles", ["cyclic-fifo"]), ("cyclictest OTHER p99", "lat_p99_us", ["cyclic-other"])):
            base = sum(sum(values("eevdf", w, key)) for w in src if w in workloads)
            if base:
                fifo.append((label, [sum(sum(values(s, w, key)) for w in src if w in workloads) / base for s in scheds]))
        f4 = bars("fifo.dat", fifo, names)
        n = len(scheds)
        plot = ["set terminal pngcairo noenhanced size 1400,1000 font ',9'",
                f"set output '{os.path.join(chart_dir, 'sched-bars.png')}'",
                "set multiplot layout 2,2 title 'Per scheduler (medians of the repetitions)'",
                "set style data histogram; set style histogram clustered gap 1; set style fill solid 0.85 border -1",
                "set termoption noenhanced; set boxwidth 0.9; set grid ytics; set key outside bottom center horizontal maxrows 2 font ',8'",
                "set xtics font ',8'"]
        for f, title, ylabel, scale in ((f1, "Frame time p99 under background load (lower is better; log scale)", "ms", "set logscale y; set yrange [*:*]"),
                                        (f2, "1 % low FPS under background load (higher is better)", "FPS", "unset logscale y; set yrange [0:*]"),
                                        (f3, "Background / benchmark throughput vs EEVDF (higher is better)", "× EEVDF", "set yrange [0:*]"),
                                        (f4, "SCHED_FIFO rates and cyclictest OTHER p99 vs EEVDF", "× EEVDF", "set yrange [0:*]")):
            plot.append(f"set title '{title}'; set ylabel '{ylabel}'; {scale}")
            plot.append(f"plot for [i=2:{n + 1}] '{f}' using i:xtic(1) title columnheader(i)")
        plot.append("unset multiplot")
        gnuplot("\n".join(plot) + "\n")
        charts.append(("sched-bars.png", "per-scheduler bars"))

for f, alt in charts:
    p(f"![{alt}]({chart_link}/{f})")
    p("")
print("\n".join(out))
