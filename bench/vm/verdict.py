"""The one rule for benchmark verdicts on scheduler comparisons (parts 8 and 9): a target is "met" only when
the measured and the reference phase did the same work. When they did not, the verdict says so instead.

    verdict(ok, unequal, detached=None)   ok: the target holds on the numbers; unequal: [] when both phases did
                           equal work, else phrases naming what differed (e.g. "load 0.62x of EEVDF's jobs/s");
                           detached: None, or a phrase naming the measured runs that ended with the scheduler detached
                           (a watchdog ejection: from then on the kernel's scheduler ran them), which are not judged
    work_differs(what, value, ref, tolerance)   a phrase for unequal, or None when value is within
                           tolerance (a fraction, default 0.1) of ref
"""


def work_differs(what, value, ref, tolerance=0.1):
    if value is None or ref is None:
        return f"{what} not measured"
    if ref == 0:
        return None if value == 0 else f"{what} {value:g} vs 0"
    ratio = value / ref
    return None if abs(ratio - 1) <= tolerance else f"{what} {ratio:.2f}x"


def verdict(ok, unequal, detached=None):
    if detached:
        return "not judged: " + detached
    if not ok:
        return "**missed**"
    if unequal:
        return "not judged: unequal work (" + ", ".join(unequal) + ")"
    return "met"
