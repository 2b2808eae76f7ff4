"""Memory under large uploads: 3 concurrent sessions each price a 20 MB portfolio and download it.

A fresh `streamlit run app.py` (the repository's .streamlit/config.toml: the README's session TTL).
Idle: the server's resident memory after one warm-up visit of the review page. Then 3 Chromium
contexts (3 sessions) open the review page, choose "Upload a CSV" and upload the same ~20 MB
portfolio (~700,000 customers) at once; each waits until its portfolio is priced (pressing "Try
again" while the server says it is busy), then downloads the priced CSV. Peak: the server's VmHWM.
Then the three contexts close; release: seconds until the resident memory is back within 100 MB of
idle (polled every 0.25 s, at most 60 s). Run: ``python3 -m bench.bench_sessions``.
"""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import Figure, figure
from smop_pricing.portfolio import synthetic_portfolio
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, IDLE, start_server, stop_server

SESSIONS = 3
RUNS = 1
TARGET_BYTES = 19_900_000  # under server.maxUploadSize = 20 MB
WAIT_MS = 300_000
MB = 1_000_000.0
PEAK_TARGET_MB = 800
RELEASE_MARGIN_MB = 100
RELEASE_TARGET_S = 10.0


def portfolio_csv(target: int = TARGET_BYTES) -> bytes:
    """A portfolio CSV of just under ``target`` bytes: customer names, users, months, held units."""
    rows = target // 25
    frame = synthetic_portfolio(rows, seed=7).reset_index(drop=True)
    frame["customer"] = np.char.add("客户", np.arange(len(frame)).astype(str))
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    data = buffer.getvalue().encode("utf-8")
    if len(data) > target:
        data = data[: data.rindex(b"\n", 0, target) + 1]
    return data


def _rss(pid: int, field: str = "VmRSS") -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024 / MB
    raise RuntimeError(f"no {field} for {pid}")


def _open(context: Any, base: str) -> Any:
    tab = context.new_page()
    tab.set_default_timeout(WAIT_MS)
    tab.goto(f"{base}/pricing-review?lang=en")
    tab.wait_for_selector(IDLE)
    tab.get_by_test_id("stRadio").get_by_text("Upload a CSV", exact=True).click()
    tab.wait_for_selector(IDLE)
    return tab


def _upload(tab: Any, data: bytes) -> None:
    uploader = tab.get_by_test_id("stFileUploader").filter(has_text="Customer CSV")
    uploader.locator('input[type="file"]').set_input_files(
        {"name": "customers.csv", "mimeType": "text/csv", "buffer": data})


def _priced(tab: Any) -> bool:
    """True once priced; presses "Try again" when the server said it is busy."""
    main = tab.get_by_test_id("stMain")
    if "rows priced" in main.inner_text():
        return True
    retry = tab.get_by_role("button", name="Try again")
    if retry.count() and tab.locator(IDLE).count():
        retry.first.click()
    return False


def _download(tab: Any, folder: Path) -> int:
    with tab.expect_download(timeout=WAIT_MS) as info:
        tab.get_by_role("button", name="Download the priced table").click()
    path = folder / f"{id(tab)}.csv"
    info.value.save_as(path)
    return path.stat().st_size


def one_run(browser: Any, data: bytes, folder: Path) -> tuple[float, float, float, float, int]:
    """(idle MB, peak MB, seconds to release, resident MB after release, busy refusals)."""
    proc, base = start_server()
    try:
        warm = browser.new_context()
        _open(warm, base)
        warm.close()
        time.sleep(0)  # (no wait needed: the warm-up session is gone after the TTL, measured below)
        idle = _rss(proc.pid)
        contexts = [browser.new_context(viewport={"width": 1440, "height": 1000}) for _ in range(SESSIONS)]
        tabs = [_open(context, base) for context in contexts]
        for tab in tabs:
            _upload(tab, data)
        busy = 0
        pending = list(tabs)
        deadline = time.monotonic() + WAIT_MS / 1000
        while pending and time.monotonic() < deadline:
            for tab in list(pending):
                if tab.get_by_text("busy", exact=False).count():
                    busy += 1
                if _priced(tab):
                    pending.remove(tab)
            tab.wait_for_timeout(250) if pending else None
        if pending:
            raise RuntimeError("not every session priced its portfolio")
        sizes = [_download(tab, folder) for tab in tabs]
        assert all(size > len(data) for size in sizes), sizes
        peak = _rss(proc.pid, "VmHWM")
        for context in contexts:
            context.close()
        closed = time.monotonic()
        released = float("nan")
        while time.monotonic() - closed < 60:
            if _rss(proc.pid) <= idle + RELEASE_MARGIN_MB:
                released = time.monotonic() - closed
                break
            time.sleep(0.25)
        return idle, peak, released, _rss(proc.pid), busy
    finally:
        stop_server(proc)


def run() -> list[Figure]:
    import tempfile

    from playwright.sync_api import sync_playwright

    data = portfolio_csv()
    rows = data.count(b"\n") - 1
    results = []
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as folder:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(RUNS):
                results.append(one_run(browser, data, Path(folder)))
        finally:
            browser.close()
    idle = [r[0] for r in results]
    peaks = [r[1] for r in results]
    releases = [r[2] for r in results]
    after = [r[3] for r in results]
    busy = sum(r[4] for r in results)
    what = (f"{SESSIONS} concurrent sessions each pricing a {len(data) / MB:.1f} MB upload ({rows:,} customers) "
            "and downloading it")
    note = (f"A fresh server per run; idle {idle[0]:,.0f} MB (after a warm-up visit); resident "
            f"{after[0]:,.0f} MB once released; 'busy, try again' shown {busy} time(s). "
            "Config: .streamlit/config.toml (server.disconnectedSessionTTL = 5 s, the README's).")
    return [
        figure("sessions", f"server peak resident memory (VmHWM), {what}", peaks, unit="MB",
               target=f"< {PEAK_TARGET_MB} MB", met=max(peaks) < PEAK_TARGET_MB, note=note),
        figure("sessions", f"seconds from closing those sessions until resident memory is within "
               f"{RELEASE_MARGIN_MB} MB of idle", releases, unit="s",
               target=f"≤ {RELEASE_TARGET_S:.0f} s", met=max(releases) <= RELEASE_TARGET_S),
    ]


if __name__ == "__main__":
    from bench.run_all import table

    figures = run()
    print("\n".join(table(figures)[2:]))
    for item in figures:
        if item.note:
            print(f"- {item.name}: {item.note}")
