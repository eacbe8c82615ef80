#!/usr/bin/python3
"""Sums the JUnit XML reports of one test run into one line: 'N passed, N failed'.

Usage: scripts/test-summary.py [--since FILE]
  --since FILE  count only reports written after FILE was (./dev test touches it when the run starts):
                a report from an earlier run is stale, named and ignored.

Every module with tests (a <module> of the root pom with src/test/java, and the VM tier) must have reports
of this run: a module whose tests did not run (it did not compile, was skipped after a module it needs
failed, or its tier could not run) counts as one failure, per module, so nothing passes by skipping or by an
earlier run's results. Skipped tests count as failures too. Exit status: 0 only if nothing failed.
"""
import glob
import os
import re
import sys
import xml.etree.ElementTree as ET

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Where a module's reports are when they are not Surefire's, and what each module's tests are.
REPORTS = {
    "integration-tests": "target/test-reports/**/TEST-*.xml",  # bnd-testing, in a real framework
    "integration-tests/vm": "results/TEST-*.xml",               # run-vm-tests.sh
}
SUREFIRE = "target/surefire-reports/TEST-*.xml"
KIND = {
    "bench": "benchmark smoke",
    "integration-tests": "in-framework",
    "integration-tests/fuzz": "fuzz + kill -9",
    "integration-tests/system": "system: runtime process, browser",
    "integration-tests/vm": "VM: sched_ext guest",
}


def modules_with_tests():
    with open(os.path.join(root, "pom.xml"), encoding="utf-8") as f:
        modules = re.findall(r"<module>([^<]+)</module>", f.read())
    found = [m for m in modules if os.path.isdir(os.path.join(root, m, "src", "test", "java"))]
    return found + ["integration-tests/vm"]


def read_reports(files):
    passed = failed = skipped = 0
    for f in files:
        try:
            suites = ET.parse(f).getroot()
        except ET.ParseError as e:
            print(f"  unreadable report {os.path.relpath(f, root)}: {e}")
            failed += 1
            continue
        for case in suites.iter("testcase"):
            problem = case.find("failure")
            if problem is None:
                problem = case.find("error")
            if problem is not None:
                failed += 1
                print(f"  FAILED {case.get('classname', '')}.{case.get('name', '')}")
                print(failure_excerpt(problem))
            elif case.find("skipped") is not None:
                skipped += 1
                print(f"  SKIPPED (counts as failed) {case.get('classname', '')}.{case.get('name', '')}")
            else:
                passed += 1
    return passed, failed, skipped


def failure_excerpt(problem, head=25, tail=15, trace=6):
    """The failure's message (its start and its end: an assertion names what it expected last) and the top of
    its trace, indented: CI logs show only this summary."""
    def nonblank(text):
        return [l for l in (text or "").splitlines() if l.strip()]
    message = nonblank(problem.get("message"))
    if len(message) > head + tail:
        message = message[:head] + [f"... ({len(message) - head - tail} lines left out)"] + message[-tail:]
    stack = [l for l in nonblank(problem.text) if l.lstrip().startswith("at ")][:trace]
    return "\n".join("      | " + l[:400] for l in message + stack)


def main(argv):
    since = None
    if len(argv) == 2 and argv[0] == "--since":
        since = os.path.getmtime(argv[1])
    elif argv:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    total_pass = total_fail = 0
    for module in modules_with_tests():
        pattern = os.path.join(root, module, REPORTS.get(module, SUREFIRE))
        files = sorted(glob.glob(pattern, recursive=True))
        stale = [f for f in files if since is not None and os.path.getmtime(f) < since]
        fresh = [f for f in files if f not in stale]
        for f in stale:
            print(f"  stale report ignored (written before this run): {os.path.relpath(f, root)}")
        p, fl, sk = read_reports(fresh)
        if p + fl + sk == 0:
            why = "only stale reports" if stale else "no reports"
            print(f"  FAILED [{module}] its tests did not run in this run ({why} at {os.path.relpath(pattern, root)})")
            fl += 1
        kind = KIND.get(module, "unit + host BPF")
        print(f"module {module} ({kind}): {p} passed, {fl} failed, {sk} skipped")
        total_pass += p
        total_fail += fl + sk
    if since is None:
        print("  (no --since: reports of any age were counted)")
    print(f"{total_pass} passed, {total_fail} failed")
    return 0 if total_fail == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
