#!/usr/bin/python3
"""Sums the JUnit XML reports of every test tier into one line: 'N passed, N failed'.

A tier whose reports are missing counts as one failure (it did not run), so nothing passes by skipping.
Exit status: 0 only if every tier ran and nothing failed.
"""
import glob
import os
import sys
import xml.etree.ElementTree as ET

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
tiers = {
    "unit + host BPF (Surefire)": "bundles/*/target/surefire-reports/TEST-*.xml",
    "benchmark smoke (Surefire)": "bench/target/surefire-reports/TEST-*.xml",
    "in-framework (bnd-testing)": "integration-tests/target/test-reports/**/TEST-*.xml",
    "fuzz + kill -9 (Jazzer, forked writer)": "integration-tests/fuzz/target/surefire-reports/TEST-*.xml",
    "system (runtime process, browser)": "integration-tests/system/target/surefire-reports/TEST-*.xml",
    "VM (sched_ext guest)": "integration-tests/vm/results/TEST-*.xml",
}
passed = failed = skipped = 0
for tier, pattern in tiers.items():
    files = glob.glob(os.path.join(root, pattern), recursive=True)
    t_pass = t_fail = t_skip = 0
    for f in files:
        try:
            suites = ET.parse(f).getroot()
        except ET.ParseError as e:
            print(f"  {tier}: unreadable report {f}: {e}")
            t_fail += 1
            continue
        for case in suites.iter("testcase"):
            if case.find("failure") is not None or case.find("error") is not None:
                t_fail += 1
                print(f"  FAILED [{tier}] {case.get('classname', '')}.{case.get('name', '')}")
            elif case.find("skipped") is not None:
                t_skip += 1
            else:
                t_pass += 1
    if not files or t_pass + t_fail + t_skip == 0:
        print(f"  FAILED [{tier}] no test reports ({pattern}): the tier did not run")
        t_fail += 1
    print(f"tier {tier}: {t_pass} passed, {t_fail} failed, {t_skip} skipped")
    passed, failed, skipped = passed + t_pass, failed + t_fail, skipped + t_skip

# Skipped tests count as failures: a real test must never be skipped by default.
failed += skipped
print(f"{passed} passed, {failed} failed")
sys.exit(0 if failed == 0 else 1)
