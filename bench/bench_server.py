"""Where a served page run's CPU goes, per page: `python -m bench.run_all server`.

AppTest times the script alone; a real server also turns every element into protobuf, Arrow
tables into bytes, serializes each ForwardMsg and writes it to the websocket, and keeps the
session. Here one `streamlit run app.py` serves one Chromium visitor (Playwright) per page, who
opens the page's link and then changes its main input CHANGES times, waiting each time for the
rerun to end (the app's script-state and the URL, never a sleep). The server's CPU seconds
(/proc/<pid>/stat) over the visit, divided by the page runs made, is the CPU per page run; its
ratio is against the reference page (bench/reference_page.py, reloaded as often) served the same
way in the same run.

py-spy (pinned in requirements-dev.txt) samples the server meanwhile (`--idle` off: only threads
on a CPU are counted; samples whose leaf frame is a wait are dropped too) and each sample is put
in one bucket by its stack:

- script: the page script's own Python (ours, pandas, Altair, Streamlit's element calls), less
  the two below;
- Arrow: DataFrame -> Arrow -> bytes, inside the script (st.table, st.dataframe, chart data);
- protobuf: building the element messages inside the script;
- gc: the full garbage collection Streamlit makes after every run (`runner.postScriptGC`);
- send: serializing ForwardMsgs and writing them to the websocket (the event loop thread);
- runtime: the rest of the server (session and script-runner bookkeeping, tornado, health).

The shares are of the samples of that page's visit.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bench.bench_load import cpu_seconds
from bench.common import Figure, figure
from smop_ui.registry import PAGES
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, IDLE, start_server, stop_server

GROUP = "server"
CHANGES = 8
VISITS = 2
TARGET_RATIO = 3.0
RATE_HZ = 200
BUCKETS = ("script", "Arrow", "protobuf", "gc", "send", "runtime")
# Leaf frames of a thread that waits (py-spy without native stacks counts some of them as busy):
# the event loop's select, a condition or queue wait, the polling watcher's sleep.
WAITING = ("select (selectors.py", "Condition.wait (threading.py", "_worker (concurrent/futures/thread.py",
           "polling_path_watcher.py:90)", "Event.wait (threading.py", "Queue.get (queue.py")


@dataclass(frozen=True)
class Input:
    """How a visitor changes a page's main input: the field, and the URL parameter it writes
    (the lifecycle page writes it into its scenario parameter ``s``)."""

    test_id: str  # stTextInput or stNumberInput
    index: int  # which of them on the page
    param: str
    value: Callable[[int], int]
    label: str | None = None  # its English label, where an index is not enough (see field())

    def field(self, page: Any) -> Any:
        """The input on ``page``: by its label when it has one (the lifecycle page's inputs were not
        yet all drawn when a visit typed: its second number input was the hidden auto-renewal term)."""
        if self.label is not None:
            return page.get_by_role("spinbutton" if self.test_id == "stNumberInput" else "textbox",
                                    name=self.label, exact=True).first
        return page.get_by_test_id(self.test_id).nth(self.index).locator("input")


INPUTS: dict[str, Input] = {
    "price-quote": Input("stTextInput", 0, "users", lambda i: 1_000_000 + 7_919 * (i + 1)),
    "cost-curve": Input("stNumberInput", 0, "users", lambda i: 1_000_000 + 7_919 * (i + 1)),
    "lifecycle-simulator": Input("stNumberInput", 1, "life_users", lambda i: 150_000 + 10_000 * (i + 1),
                                 label="Users at start"),
    "pricing-review": Input("stNumberInput", 2, "review_users", lambda i: 3_000_000 + 100_000 * (i + 1)),
    "growth-plan": Input("stTextInput", 1, "to", lambda i: 100_000_000 - 1_000_000 * (i + 1)),
}


def bucket(stack: str) -> str | None:
    """One py-spy sample's bucket, from its collapsed stack (frames joined by ';', outermost first);
    None for a thread that waits."""
    leaf = stack.rsplit(";", 1)[-1]
    if any(name in leaf for name in WAITING):
        return None
    if "_on_script_finished" in leaf:  # gc.collect(2) after every run (runner.postScriptGC): C code, no frame
        return "gc"
    if "script_runner.py" in stack and "exec_func_with_error_handling" in stack:
        if "pyarrow" in stack or "dataframe_util" in stack or "arrow" in stack.lower().split("smop_ui")[-1]:
            return "Arrow"
        if "protobuf" in stack or "_pb2" in stack or "proto/" in stack:
            return "protobuf"
        return "script"
    if any(name in stack for name in ("websocket", "serialize_forward_msg", "write_forward_msg", "SerializeToString")):
        return "send"
    return "runtime"


def shares(raw: Path) -> Counter[str]:
    """Samples per bucket in a py-spy raw (collapsed) file: 'stack count' per line."""
    counts: Counter[str] = Counter()
    if not raw.exists():
        return counts
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        where = bucket(stack) if stack and count.isdigit() else None
        if where is not None:
            counts[where] += int(count)
    return counts


def _spy(pid: int, out: Path) -> subprocess.Popen[bytes] | None:
    exe = shutil.which("py-spy")
    if exe is None:
        return None
    return subprocess.Popen([exe, "record", "--pid", str(pid), "--format", "raw", "--output", str(out),
                             "--rate", str(RATE_HZ), "--nonblocking"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _stop_spy(spy: subprocess.Popen[bytes] | None) -> None:
    if spy is None:
        return
    spy.send_signal(signal.SIGINT)
    try:
        spy.wait(timeout=30)
    except subprocess.TimeoutExpired:
        spy.kill()
        spy.wait(timeout=10)


def _settled(page: Any, before: str | None = None) -> None:
    """The run has ended: the URL differs from ``before`` (every page writes its inputs to it; the
    lifecycle page as one scenario parameter) and the app's script-state is idle."""
    if before is not None:
        page.wait_for_function("before => location.search !== before", arg=before)
    page.wait_for_selector(IDLE)


def visit_page(browser: Any, base: str, link: str, change: Input | None, visits: int = VISITS,
               changes: int = CHANGES) -> int:
    """Open ``link`` ``visits`` times, changing the input ``changes`` times after each; return the page runs made."""
    runs = 0
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        for visit in range(visits):
            page.goto(f"{base}{link}{'&' if '?' in link else '?'}lang=en")
            # the first run drawn: a metric or the footer's rule (the title alone came too soon: the
            # lifecycle page's second number input was then its hidden auto-renewal term)
            page.wait_for_selector('[data-testid="stMain"] [data-testid="stMetricValue"], [data-testid="stMain"] hr')
            _settled(page)
            runs += 1
            for i in range(changes):
                if change is None:  # the reference page has no input: a reload is its rerun
                    page.reload()
                    page.wait_for_selector('[data-testid="stMetricValue"]')
                    _settled(page)
                else:
                    value = change.value(visit * changes + i)
                    field = change.field(page)
                    before = page.evaluate("location.search")
                    field.fill(str(value))
                    field.press("Enter")
                    _settled(page, before)
                runs += 1
    finally:
        context.close()
    return runs


def profile(script: str, visits: list[tuple[str, str, Input | None]], workdir: Path) -> dict[str, tuple[float, int,
                                                                                                    Counter[str]]]:
    """One server for ``script``; per named visit: (server CPU seconds, page runs, samples per bucket)."""
    from playwright.sync_api import sync_playwright

    proc, base = start_server(script=script)
    found: dict[str, tuple[float, int, Counter[str]]] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _name, link, change in visits:  # a warm-up visit: imports and first compiles are not a page run's
                visit_page(browser, base, link, None if change is None else replace(
                    change, value=lambda i, c=change: c.value(i + VISITS * CHANGES)), visits=1, changes=2)
            for name, link, change in visits:
                raw = workdir / f"{name}.txt"
                spy = _spy(proc.pid, raw)
                before = cpu_seconds(proc.pid)
                runs = visit_page(browser, base, link, change)
                cpu = cpu_seconds(proc.pid) - before
                _stop_spy(spy)
                found[name] = (cpu, runs, shares(raw))
            browser.close()
    finally:
        stop_server(proc)
    return found


def _split(counts: Counter[str]) -> str:
    total = sum(counts.values())
    if not total:
        return "no py-spy samples (py-spy missing or not permitted)"
    return ", ".join(f"{name} {counts[name] / total:.0%}" for name in BUCKETS) + f" of {total:,} samples"


def run() -> list[Figure]:
    workdir = Path(os.environ.get("SMOP_PROFILE_DIR", "bench/results/server-profile"))
    workdir.mkdir(parents=True, exist_ok=True)
    reference = profile("bench/reference_page.py", [("reference", "/", None)], workdir)["reference"]
    pages = profile("app.py", [(spec.url_path, spec.link, INPUTS.get(spec.url_path)) for spec in PAGES], workdir)
    ref_cpu, ref_runs, ref_counts = reference
    floor = ref_cpu / ref_runs
    figures = [figure(GROUP, "reference page: server CPU per page run (opened, reloaded)", [floor],
                      note=f"{ref_runs} runs; {_split(ref_counts)}")]
    for spec in PAGES:
        cpu, runs, counts = pages[spec.url_path]
        per_run = cpu / runs
        ratio = per_run / floor
        figures.append(figure(
            GROUP, f"{spec.url_path}: server CPU per page run (link opened, main input changed)", [per_run],
            floor="reference page, same server settings", floor_median=floor, ratio=ratio,
            target=f"≤ {TARGET_RATIO:g}× reference", met=ratio <= TARGET_RATIO,
            note=f"{runs} runs ({VISITS} links opened, {VISITS * CHANGES} changes); where it went: {_split(counts)}; "
                 f"raw stacks in {workdir}/{spec.url_path}.txt",
        ))
    return figures


if __name__ == "__main__":
    for fig in run():
        print(fig, file=sys.stderr)
