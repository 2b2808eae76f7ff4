"""Load: 20 visitors at once on one server, 5 changes each, in Debian's Chromium on loopback.

Each visitor is a browser context of its own on the quote page (tests/browser/sessions.py). A
round is every visitor typing a new user count, none waiting for the others, until all 20 show
their new total; every total is checked against the engine. Two waves of 20 run one after the
other, so the memory after the second shows whether the first left anything behind.

The server's memory is read from /proc/<pid>/status: VmRSS before (after one warm-up visit),
VmHWM (the peak) and VmRSS once the closed sessions are dropped and the figure is steady. The
server runs with server.disconnectedSessionTTL = 5 (the default keeps a closed session 120 s).

Server CPU per page run under load (issue 18), for every registered page and for the reference
page (bench/reference_browser_page.py: one number input, one metric, one chart, one table) under
the same load: 20 visitors open the page's link at once, each with a value of its own, then make
CPU_CHANGES rounds of changes of the page's main input (bench/bench_server.py's INPUTS), none
waiting for the others; each run has ended when the visitor's URL shows the new value and the
app's script-state is idle. The server's CPU seconds over that (/proc/<pid>/stat) divided by the
page runs made is the figure; its ratio is to the reference page's.

`python -m bench.run_all load`
"""

from __future__ import annotations

import os
import threading
import time
import urllib.request
from typing import Any

from playwright.sync_api import sync_playwright

from bench.common import Figure, figure
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, IDLE, start_server, stop_server
from tests.browser.sessions import Visitor, change_all, distinct_visits, settle_all

GROUP = "load"
VISITORS = 20
CHANGES = 5
WAVES = 2
SESSION_TTL_SECONDS = 5
SETTLE_LIMIT_SECONDS = 90
CPU_CHANGES = 3
CPU_TARGET_RATIO = 3.0
LOAD_TIMEOUT_MS = 120_000
REFERENCE = "bench/reference_browser_page.py"


def memory_mb(pid: int, field: str) -> float:
    """``VmRSS`` or ``VmHWM`` of ``pid`` in MB (from /proc/<pid>/status, given in kB)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise KeyError(field)


def settled_rss(pid: int) -> float:
    """VmRSS once the closed sessions' TTL has passed and three readings a second apart agree
    within 1 MB (at most SETTLE_LIMIT_SECONDS)."""
    pause = threading.Event()  # waits on nothing; a bounded pause between readings
    pause.wait(SESSION_TTL_SECONDS + 2)
    readings = [memory_mb(pid, "VmRSS")]
    deadline = time.monotonic() + SETTLE_LIMIT_SECONDS
    while time.monotonic() < deadline:
        pause.wait(1.0)
        readings.append(memory_mb(pid, "VmRSS"))
        last = readings[-3:]
        if len(last) == 3 and max(last) - min(last) < 1.0:
            break
    return readings[-1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds ``pid`` has used (/proc/<pid>/stat, fields 14 and 15, in clock ticks)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds every core of the machine has spent on anything but idle and I/O wait (/proc/stat)."""
    with open("/proc/stat", encoding="ascii") as stat:
        ticks = [int(value) for value in stat.readline().split()[1:]]
    idle = ticks[3] + ticks[4]
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def healthy(base: str) -> bool:
    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=30) as response:
        return bool(response.read() == b"ok")


def wave(browser: object, base: str) -> tuple[float, list[float]]:
    """Open VISITORS sessions and make CHANGES rounds; return (open seconds, seconds per round)."""
    start = time.perf_counter()
    visitors = [Visitor.arrive(browser, base, users, months) for users, months in distinct_visits(VISITORS)]
    try:
        settle_all(visitors)
        opened = time.perf_counter() - start
        rounds = []
        for round_ in range(CHANGES):
            start = time.perf_counter()
            change_all(visitors, round_)
            settle_all(visitors)
            rounds.append(time.perf_counter() - start)
            wrong = [(v.shown(), v.expected()) for v in visitors if v.shown() != v.expected()]
            if wrong:
                raise AssertionError(f"round {round_}: visitors saw the wrong figures: {wrong}")
        return opened, rounds
    finally:
        for visitor in visitors:
            visitor.leave()


def _arrive(browser: Any, base: str, link: str) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(LOAD_TIMEOUT_MS)
    page.goto(base + link, wait_until="commit")
    return context, page


def page_under_load(browser: Any, base: str, path: str, change: Any, visitors: int | None = None,
                    changes: int | None = None) -> int:
    """``visitors`` sessions open ``path`` with a ``change.param`` value each, then make ``changes``
    rounds of concurrent changes of that input; return the page runs made (each one waited for).
    By default VISITORS visitors and CPU_CHANGES rounds."""
    visitors = VISITORS if visitors is None else visitors
    changes = CPU_CHANGES if changes is None else changes
    seen = [change.value(1_000 + v) for v in range(visitors)]
    sep = "&" if "?" in path else "?"
    sessions = [_arrive(browser, base, f"{path}{sep}{change.param}={value}&lang=en") for value in seen]
    try:
        for _context, page in sessions:
            # the first run drawn (its results, or a message), then ended: before, the page may
            # still hold only some of its inputs, and the input's index would name another one
            # (a metric or the footer's rule: every app page ends with the footer, the reference has a metric)
            page.wait_for_selector('[data-testid="stMain"] [data-testid="stMetricValue"], [data-testid="stMain"] hr')
            page.wait_for_selector(IDLE)
        for round_ in range(changes):
            before = []
            for v, (_context, page) in enumerate(sessions):
                before.append(page.evaluate("location.search"))
                field = change.field(page)
                field.fill(str(change.value(round_ * visitors + v)))
                field.press("Enter")
            for (_context, page), search in zip(sessions, before, strict=True):
                page.wait_for_function("before => location.search !== before", arg=search)
                page.wait_for_selector(IDLE)
    finally:
        for context, _page in sessions:
            context.close()
    return visitors * (1 + changes)


def cpu_under_load(browser: Any) -> list[Figure]:
    """Server CPU per page run with 20 visitors on the page at once: every registered page, and the
    reference page under the same load (each on a server of its own, after one warm-up visitor)."""
    from bench.bench_server import INPUTS, Input
    from smop_ui.registry import PAGES

    def measure(script: str, visits: list[tuple[str, str, Input]]) -> dict[str, tuple[float, int]]:
        proc, base = start_server(script=script, options=("--server.disconnectedSessionTTL",
                                                          str(SESSION_TTL_SECONDS)))
        found = {}
        try:
            for name, path, change in visits:
                page_under_load(browser, base, path, change, visitors=1, changes=1)  # warm-up: imports, compiles
                before = cpu_seconds(proc.pid)
                runs = page_under_load(browser, base, path, change)
                found[name] = (cpu_seconds(proc.pid) - before, runs)
        finally:
            stop_server(proc)
        return found

    reference_input = Input("stNumberInput", 0, "users", lambda i: 1_000_000 + 100_000 * (i + 1))
    ref_cpu, ref_runs = measure(REFERENCE, [("reference", "/", reference_input)])["reference"]
    pages = measure("app.py", [(spec.url_path, spec.link, INPUTS[spec.url_path]) for spec in PAGES])
    floor = ref_cpu / ref_runs
    figures = [figure(GROUP, f"reference page: server CPU per page run, {VISITORS} visitors at once", [floor],
                      note=f"{ref_runs} runs ({VISITORS} links opened, {VISITORS * CPU_CHANGES} changes), "
                           f"{ref_cpu:,.1f} CPU-s; {REFERENCE}")]
    for spec in PAGES:
        cpu, runs = pages[spec.url_path]
        ratio = cpu / runs / floor
        figures.append(figure(
            GROUP, f"{spec.url_path}: server CPU per page run, {VISITORS} visitors at once", [cpu / runs],
            floor="reference page, same load", floor_median=floor, ratio=ratio,
            target=f"≤ {CPU_TARGET_RATIO:g}× reference", met=ratio <= CPU_TARGET_RATIO,
            note=f"{runs} runs ({VISITORS} links opened, {VISITORS * CPU_CHANGES} changes of "
                 f"`{INPUTS[spec.url_path].param}`), {cpu:,.1f} CPU-s"))
    return figures


def run() -> list[Figure]:
    proc, base = start_server(options=("--server.disconnectedSessionTTL", str(SESSION_TTL_SECONDS)))
    pid = proc.pid
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            warm = Visitor.arrive(browser, base, *distinct_visits(1)[0])
            warm.settle()
            warm.leave()
            before = settled_rss(pid)
            opened: list[float] = []
            rounds: list[float] = []
            after: list[float] = []
            peaks: list[float] = []
            server_cpu = machine_cpu = 0.0
            for _ in range(WAVES):
                server_before, machine_before = cpu_seconds(pid), machine_busy_seconds()
                wave_opened, wave_rounds = wave(browser, base)
                server_cpu += cpu_seconds(pid) - server_before
                machine_cpu += machine_busy_seconds() - machine_before
                opened.append(wave_opened)
                rounds += wave_rounds
                peaks.append(memory_mb(pid, "VmHWM"))
                if not healthy(base) or proc.poll() is not None:
                    raise AssertionError("the server went down under load")
                after.append(settled_rss(pid))
            stop_server(proc)
            cpu_figures = cpu_under_load(browser)
            browser.close()
    finally:
        stop_server(proc)
    load = f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end"
    changes = WAVES * VISITORS * CHANGES
    reruns = WAVES * VISITORS * (CHANGES + 1)
    cpu = (f"Measured cause of the wall times: over both waves the machine's cores were busy {machine_cpu:,.0f} CPU-s, "
           f"of which the Streamlit server used {server_cpu:,.1f} CPU-s ({server_cpu / machine_cpu:.0%}; "
           f"{server_cpu / reruns * 1000:,.0f} ms per page run, {reruns:,} runs): the rest is the "
           f"{VISITORS} Chromium renderers and Playwright on the same {os.cpu_count()} cores.")
    return [*cpu_figures,
        figure(GROUP, f"{VISITORS} sessions open the quote page at once, until all show their total", opened,
               note=f"{WAVES} waves; each visitor a Chromium context of its own; {load}. {cpu}"),
        figure(GROUP, f"a round of {VISITORS} concurrent changes, until all {VISITORS} show their new total", rounds,
               note=f"All {changes:,} changes ({WAVES} waves x {VISITORS} visitors x {CHANGES}) showed the engine's "
                    "total and the visitor's own link; the server answered /_stcore/health after each wave."),
        Figure(GROUP, "server memory before the visitors (VmRSS, after one warm-up visit)", before, before, before,
               "MB", 1),
        figure(GROUP, f"server memory peak with {VISITORS} sessions (VmHWM, per wave)", peaks, unit="MB"),
        figure(GROUP, "server memory once the closed sessions are dropped (VmRSS, after each wave)", after, unit="MB",
               floor="before the visitors", ratio=max(after) / before,
               note=f"Closed sessions are dropped after server.disconnectedSessionTTL = {SESSION_TTL_SECONDS} s here "
                    f"(120 s by default). After wave 1: {after[0]:,.1f} MB; after wave {WAVES}: {after[-1]:,.1f} MB."),
    ]
