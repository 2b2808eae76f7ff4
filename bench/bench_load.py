"""Load: 20 visitors at once on one server, 5 changes each, in Debian's Chromium on loopback.

Each visitor is a browser context of its own on the quote page (tests/browser/sessions.py). A
round is every visitor typing a new user count, none waiting for the others, until all 20 show
their new total; every total is checked against the engine. Two waves of 20 run one after the
other, so the memory after the second shows whether the first left anything behind.

The server's memory is read from /proc/<pid>/status: VmRSS before (after one warm-up visit),
VmHWM (the peak) and VmRSS once the closed sessions are dropped and the figure is steady. The
server runs with server.disconnectedSessionTTL = 5 (the default keeps a closed session 120 s).

`python -m bench.run_all load`
"""

from __future__ import annotations

import os
import threading
import time
import urllib.request

from playwright.sync_api import sync_playwright

from bench.common import Figure, figure
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, start_server, stop_server
from tests.browser.sessions import Visitor, change_all, distinct_visits, settle_all

GROUP = "load"
VISITORS = 20
CHANGES = 5
WAVES = 2
SESSION_TTL_SECONDS = 5
SETTLE_LIMIT_SECONDS = 90


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
    return [
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
