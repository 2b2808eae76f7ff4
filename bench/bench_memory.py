"""Memory benchmark: the server's peak resident memory after 20 sessions have each loaded every page.

A fresh `streamlit run app.py` per run; 20 headless Chromium tabs are opened one after the
other and kept open (20 live sessions), each loading the default page by its link and then every
other page of smop_ui.registry.PAGES from the sidebar (one session per tab), every page drawn
and its script finished before the next. Then the server's peak resident set (VmHWM) is read.
The floor: the same on a server of the bare reference page (bench/reference_browser_page.py),
20 tabs each loading it, measured in the same run. Servers and Chromium are stopped at the end.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bench.common import Figure, figure, median
from smop_pricing.i18n import t
from smop_ui.registry import PAGES, PageSpec
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, start_server, stop_server

SESSIONS = 20
RUNS = 3
WAIT_MS = 60_000
REFERENCE = "bench/reference_browser_page.py"
MIB = 1024.0
# True once the page at ``path`` shows a title other than ``before`` and its script has finished.
LOADED = """([path, before]) => {
    const app = document.querySelector('[data-testid="stApp"]');
    const title = document.querySelector('[data-testid="stMain"] h1');
    return location.pathname === path && app !== null
        && app.getAttribute('data-test-script-state') === 'notRunning'
        && title !== null && title.innerText !== before;
}"""
CHART_DRAWN = """() => document.querySelector('[data-testid="stVegaLiteChart"] svg.marks, '
    + '[data-testid="stVegaLiteChart"] canvas') !== null"""


def _kib(pid: int, field: str) -> int:
    """A ``/proc/<pid>/status`` field in KiB: VmHWM is the peak resident set, VmRSS the current one."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} for process {pid}")


def _load_every_page(tab: Any, base: str) -> None:
    """One session: the default page by its link, then every other page from the sidebar."""
    first = next(spec for spec in PAGES if spec.default)
    tab.goto(f"{base}{first.link}?lang=en", wait_until="commit", timeout=WAIT_MS)
    tab.wait_for_function(LOADED, arg=[first.link, ""], polling=100, timeout=WAIT_MS)
    for spec in PAGES:
        if spec is first:
            continue
        _switch(tab, spec)


def _switch(tab: Any, spec: PageSpec) -> None:
    before = tab.locator('[data-testid="stMain"] h1').first.inner_text(timeout=WAIT_MS)
    nav = tab.get_by_test_id("stSidebarNav").get_by_role("link", name=t(spec.title_key, "en"))
    nav.click(timeout=WAIT_MS)
    tab.wait_for_function(LOADED, arg=[spec.link, before], polling=100, timeout=WAIT_MS)


def _load_reference(tab: Any, base: str) -> None:
    tab.goto(f"{base}/", wait_until="commit", timeout=WAIT_MS)
    tab.wait_for_function(CHART_DRAWN, polling=100, timeout=WAIT_MS)


@contextmanager
def _chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _peak_after_sessions(browser: Any, script: str, load: Callable[[Any, str], None]) -> tuple[float, float]:
    """(resident MiB at start, peak resident MiB after SESSIONS tabs have loaded) on a fresh server."""
    proc: subprocess.Popen[str]
    proc, base = start_server(script=script)
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    try:
        start = _kib(proc.pid, "VmRSS") / MIB
        for _ in range(SESSIONS):
            load(context.new_page(), base)  # the tab stays open: its session stays live
        return start, _kib(proc.pid, "VmHWM") / MIB
    finally:
        context.close()
        stop_server(proc)


def session_state_kib() -> list[tuple[str, float]]:
    """One session's state after loading every page (AppTest), pickled size per key, largest first."""
    import pickle

    from tests.conftest import app_test

    at = app_test()
    for spec in PAGES:
        if not spec.default:
            at.switch_page(spec.file).run()
    state = at.session_state._state
    state = getattr(state, "_state", state)
    sizes = [(key, len(pickle.dumps(value)) / 1024) for key, value in state.filtered_state.items()]
    return sorted(sizes, key=lambda item: -item[1])


def run() -> list[Figure]:
    app_peaks: list[float] = []
    ref_peaks: list[float] = []
    app_starts: list[float] = []
    with _chromium() as browser:
        for _ in range(RUNS):
            ref_peaks.append(_peak_after_sessions(browser, REFERENCE, _load_reference)[1])
            start, peak = _peak_after_sessions(browser, "app.py", _load_every_page)
            app_starts.append(start)
            app_peaks.append(peak)
    pages = ", ".join(spec.url_path for spec in PAGES)
    sizes = session_state_kib()
    largest = ", ".join(f"{key} {kib:,.0f} KiB" for key, kib in sizes[:3])
    return [figure(
        "memory", f"server peak resident memory, {SESSIONS} live sessions × every page ({pages})", app_peaks,
        unit="MiB", floor=f"reference page server, {SESSIONS} live sessions", floor_median=median(ref_peaks),
        ratio=median(app_peaks) / median(ref_peaks),
        note=f"A fresh server per run; resident at start (before any session): {median(app_starts):,.0f} MiB "
             f"(median of {RUNS}). One session's state after every page (AppTest, pickled): "
             f"{sum(kib for _, kib in sizes):,.0f} KiB; largest: {largest}.",
    )]
