#!/usr/bin/python3
"""Writes docs/RELIABILITY.md from the scenario results the reliability tests of one run leave behind.

Usage: scripts/reliability-report.py [--since FILE]
  --since FILE  use only results written after FILE was (./dev test touches it when the run starts); a
                fragment or test report from an earlier run is stale: named on stdout, left out of the doc.

Each reliability test writes what it tried and what held, with counts, as a Markdown fragment
<scenario>-<name>.md into a target/reliability/ folder of its module (the VM tier into
integration-tests/vm/results/reliability/), whose first line names the test that wrote it
(<!-- written by: CLASS#METHOD -->; vm#NAME for the VM tier). This script puts them under their
scenario's heading in scenario order, each with the result of that test in the same run: a fragment whose
test failed (or whose result is missing) says so above its text. A scenario without a fragment is listed as
not run in this build, never left out. Run by ./dev test after the tests.
"""
import datetime
import glob
import os
import re
import sys
import xml.etree.ElementTree as ET

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
since = None
if len(sys.argv) == 3 and sys.argv[1] == "--since":
    since = os.path.getmtime(sys.argv[2])
elif len(sys.argv) != 1:
    sys.exit(__doc__.strip())


def fresh(path):
    """Written in this run (always, without --since); a stale file is named."""
    if since is None or os.path.getmtime(path) >= since:
        return True
    print(f"stale, left out (written before this run): {os.path.relpath(path, root)}")
    return False


scenarios = {
    "1": "Bad configuration",
    "2": "Faulty plugins",
    "3": "Recording files",
    "4": "Kernel-side failures",
    "5": "Scheduler ejection (VM)",
    "6": "Soak (VM)",
    "7": "Permissions and exposure",
}
# Tests elsewhere in the suite that cover part of a scenario: listed with their result in this build.
covered_by = {
    "1": [("org.scxgamer.core.internal.CoreSettingsTest", None, "every key's validation, unknown keys, escaping (unit)"),
          ("org.scxgamer.common.config.ConfigReaderTest", None,
           "the configuration reader every bundle uses: all problems at once, file and key named, did-you-mean (unit)"),
          ("org.scxgamer.systest.RunningRuntimeTest", "invalidWebConfigurationIsReportedAndThePreviousOneStays",
           "plugin PID scxgamer.web: out-of-range port and foreign host refused, previous configuration stays")],
    "2": [("org.scxgamer.itest.EventServiceTest", "slowBlockedAndThrowingSubscribersNeverCostTheHealthyOneAnEvent",
           "sleeping, blocked and throwing subscribers beside a healthy one"),
          ("org.scxgamer.itest.EventServiceTest", "subscriberBundleComesAndGoesWhileEventsFlow", "subscriber bundle restarts")],
    "3": [("org.scxgamer.recorder.format.RecordingFormatTest", None,
           "truncation at every offset, disk full, corrupted blocks, hostile content (unit)")],
    "4": [("org.scxgamer.systest.LauncherTest", "withoutPrivilegesTheLauncherNamesTheMissingCapabilities",
           "no privileges: the launcher refuses and names the missing capabilities"),
          ("org.scxgamer.core.kernel.LibbpfKernelHostTest", "partStatesOnThisHost",
           "no sched_ext on this host: SCHEDULER UNAVAILABLE with the reason; hook refused precisely"),
          ("org.scxgamer.core.kernel.LibbpfKernelFailureTest", "injectorRejectedByTheVerifierFailsWithItsLastLinesAndTheBuffersStay",
           "verifier rejection of a deliberately broken program: INJECTOR FAILED with the verifier's last lines, buffers stay"),
          ("org.scxgamer.core.kernel.LibbpfKernelFailureTest", "garbageHookObjectFailsWithLibbpfsMessageAndTheRestWorks",
           "a broken hook object: only the hook fails"),
          ("org.scxgamer.core.kernel.LibbpfKernelFailureTest", "garbageEventsObjectFailsBuffersAndInjectorOnly",
           "a broken events object: buffers and injector fail, the rest says why"),
          ("org.scxgamer.core.kernel.RingMmapFailureTest", "ringThatCannotBeMappedFailsBuffersOnlyWithThePreciseReason",
           "a ring buffer that cannot be mapped (ENOMEM under RLIMIT_AS): BUFFERS FAILED naming ring, size and errno; "
           "injector, whitelist and counters keep working")],
    "7": [("org.scxgamer.systest.LauncherTest", "insecureDeployAndEtcAreRefusedWithPathAndFix",
           "insecure deploy/ and etc/ refused at start (mode 777, foreign owner) with path and fix"),
          ("org.scxgamer.systest.RunningRuntimeTest", "insecureFilesAppearingLaterAreRefusedWithTheFix",
           "world-writable .cfg and foreign-owned jar refused while running"),
          ("org.scxgamer.systest.RunningRuntimeTest", "everyListenerIsOnLoopbackOnly", "every TCP listener on loopback by default"),
          ("org.scxgamer.systest.RunningRuntimeTest", "pageApiAndMetricsRefuseRequestsWithoutLogin",
           "page, API, static files and metrics: 401 without or with a wrong password"),
          ("org.scxgamer.systest.RunningRuntimeTest", "passwordIsGeneratedOwnerOnlyAndNeverLogged",
           "generated password file owner-only, never logged"),
          ("org.scxgamer.systest.RunningRuntimeTest", "onlyAllowListedPluginsLoadWhenAnAllowListIsConfigured",
           "optional plugin allow-list enforced"),
          ("org.scxgamer.systest.UnprivilegedRuntimeTest", "symbolicLinksAndGroupWritableFilesAreRefusedAtRunTime",
           "symbolic link in deploy/, group-writable .cfg in etc/ refused while running")],
}
results = {}
for report in glob.glob(os.path.join(root, "**", "TEST-*.xml"), recursive=True):
    if not fresh(report):
        continue
    try:
        for case in ET.parse(report).getroot().iter("testcase"):
            failed = case.find("failure") is not None or case.find("error") is not None
            skipped = case.find("skipped") is not None
            key = (case.get("classname", ""), case.get("name", "").split("(")[0])
            state = "FAILED" if failed else "skipped" if skipped else "passed"
            if results.get(key) != "FAILED":
                results[key] = state
    except ET.ParseError:
        continue


def result(cls, method):
    if method is not None:
        return results.get((cls, method), "not run")
    states = [v for (c, _), v in results.items() if c == cls]
    if not states:
        return "not run"
    bad = states.count("FAILED")
    return f"{len(states) - bad} of {len(states)} passed" if bad else f"all {len(states)} passed"


patterns = ["*/target/reliability/*.md", "*/*/target/reliability/*.md", "integration-tests/vm/results/reliability/*.md"]
fragments = {}
for pattern in patterns:
    for path in glob.glob(os.path.join(root, pattern)):
        if not fresh(path):
            continue
        name = os.path.basename(path)[:-3]
        m = re.match(r"(\d+)-", name)
        if m and m.group(1) in scenarios:
            fragments.setdefault(m.group(1), []).append((name, path))

started = datetime.datetime.fromtimestamp(since, datetime.timezone.utc) if since is not None \
    else datetime.datetime.now(datetime.timezone.utc)
WRITER = re.compile(r"\A<!-- written by: ([\w.$]+)#([\w-]+) -->\n")


def writer_result(text):
    """(the fragment without its first line, a line naming its test and that test's result in this run)."""
    m = WRITER.match(text)
    if not m:
        return text, "**Written by an unnamed test: its result cannot be shown (the fragment lacks its first line).**"
    cls, method = m.group(1), m.group(2)
    state = results.get((cls, method), "not run")
    shown = f"`{cls.rsplit('.', 1)[-1]}.{method}`" if cls != "vm" else f"VM test `{method}`"
    if state == "passed":
        return text[m.end():], f"Written by {shown}: passed in this run."
    return text[m.end():], f"**Written by {shown}: {state.upper() if state == 'FAILED' else state} in this run — what follows did not hold as claimed.**"


out = ["# Reliability and security: what was tried and what held", "",
       "Generated by `scripts/reliability-report.py` from the results the reliability tests write when they run",
       "(`./dev test` regenerates it; issue 8). Every number below was counted by a test of that build; a test fails",
       "when what is claimed here does not hold.", "",
       "The fuzzing run in CI is bounded (45 s); a longer one: `scripts/fuzz-recordings.sh [SECONDS]` (default 3600,",
       "corpus kept in integration-tests/fuzz/target/long-corpus). Scenarios 5 and 6 run in the VM tier.", "",
       f"Run started {started.strftime('%Y-%m-%d %H:%M UTC')}: every fragment below was written in that run, under the",
       "result of the test that wrote it.", ""]
for key, title in scenarios.items():
    out.append(f"## {key}. {title}")
    out.append("")
    found = sorted(fragments.get(key, []))
    if key in covered_by:
        out.append("| also covered by | what | result in this build |")
        out.append("|---|---|---|")
        for cls, method, what in covered_by[key]:
            name = cls.rsplit(".", 1)[1] + ("." + method if method else "")
            out.append(f"| `{name}` | {what} | {result(cls, method)} |")
        out.append("")
    if not found:
        out.append("Not run in this build (no results): see the test summary for the tier's reason.")
        out.append("")
    for name, path in found:
        out.append(f"### {name}")
        out.append("")
        with open(path, encoding="utf-8") as f:
            text, verdict = writer_result(f.read())
        out.append(verdict)
        out.append("")
        out.append(text.rstrip())
        out.append("")

with open(os.path.join(root, "docs", "RELIABILITY.md"), "w", encoding="utf-8") as f:
    f.write("\n".join(out))
print(f"docs/RELIABILITY.md: {sum(len(v) for v in fragments.values())} results in {len(fragments)} of {len(scenarios)} scenarios")
