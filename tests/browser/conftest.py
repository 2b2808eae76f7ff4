"""Real-browser harness: `streamlit run app.py` on a free loopback port, driven by
Playwright with Debian's Chromium (/usr/bin/chromium; no browser download).

Waits are on the app's state (the server's own "ready" line, /_stcore/health, the
script-state attribute, and expected text), never on fixed sleeps.
"""

from __future__ import annotations

import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

import pytest
from playwright.sync_api import expect

# Every expectation waits on a rerun; on a loaded machine (CI, two cores) one takes more than
# Playwright's 5 s default. A wait ends as soon as its condition holds, so a longer cap costs a
# passing test nothing.
EXPECT_TIMEOUT_MS = 60_000  # every wait below uses it: expectations, page actions, open_app
expect.set_options(timeout=EXPECT_TIMEOUT_MS)

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "screenshots"
# SMOP_CHROMIUM names another Chromium binary (and lets a test pretend there is none).
CHROMIUM = os.environ.get("SMOP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
MISSING_CHROMIUM = (
    "Chromium not found at {path}: {what} will fail. Install it "
    "(apt-get install chromium; .ci/run does) or run the rest: python3 -m pytest -m \"not browser\""
)
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
STARTUP_SECONDS = 60
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
FULL_HEIGHT = """() => Math.max(document.body.scrollHeight,
    ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stMainBlockContainer"]')]
        .map(e => e.scrollHeight))"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(base: str) -> bool:
    """True when /_stcore/health answers ``ok``."""
    try:
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=10) as response:
            return bool(response.read().decode() == "ok")
    except OSError:
        return False


def start_server(
    port: int | None = None, script: str = "app.py", options: Sequence[str] = ()
) -> tuple[subprocess.Popen[str], str]:
    """Start `streamlit run <script>` (a path from the repository root; the app by default);
    return once it says it serves and /_stcore/health is ok. Stop it with ``stop_server``.

    ``options`` are more command-line settings (``("--server.disconnectedSessionTTL", "5")``).
    """
    port = port or _free_port()
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", script,
            "--server.headless", "true",
            "--server.address", "127.0.0.1",
            "--server.port", str(port),
            "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
            *options,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    lines: queue.Queue[str | None] = queue.Queue()

    def drain(stream: IO[str]) -> None:
        # Read the log in a thread: the server never blocks on a full pipe, and the
        # wait below sees each line as it comes (no buffered-readline stall). The pipe is
        # closed here, once the server has gone (no ResourceWarning for an unclosed pipe).
        with stream:
            for line in stream:
                lines.put(line)
        lines.put(None)

    threading.Thread(target=drain, args=(proc.stdout,), daemon=True).start()
    deadline = time.monotonic() + STARTUP_SECONDS
    seen: list[str] = []
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        if line is None:
            break
        seen.append(line)
        if "URL:" in line:
            break
    base = f"http://127.0.0.1:{port}"
    if not _healthy(base):
        proc.kill()
        proc.wait(timeout=10)
        raise RuntimeError("streamlit did not start:\n" + "".join(seen))
    return proc, base


def stop_server(proc: subprocess.Popen[str]) -> None:
    """Stop a server from ``start_server``: terminate, and kill it if it is not gone within 10 s."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    proc, base = start_server()
    yield base
    stop_server(proc)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not _chromium_found():
        pytest.fail(MISSING_CHROMIUM.format(path=CHROMIUM, what="the browser tests"), pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1440, "height": 1000})  # type: ignore[attr-defined]
    tab = context.new_page()
    tab.set_default_timeout(EXPECT_TIMEOUT_MS)
    yield tab
    context.close()


def open_app(page: object, url: str) -> None:
    """Navigate and wait until the app has rendered and its script has finished."""
    page.goto(url)  # type: ignore[attr-defined]
    page.wait_for_selector(IDLE, timeout=EXPECT_TIMEOUT_MS)  # type: ignore[attr-defined]
    # Every page starts with its title: the app can report idle a moment before the first run's
    # elements arrive, so wait for the title, then for idle again.
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=EXPECT_TIMEOUT_MS)  # type: ignore[attr-defined]
    page.wait_for_selector(IDLE, timeout=EXPECT_TIMEOUT_MS)  # type: ignore[attr-defined]


# The open tab's panel has drawn elements and the script has finished. A click on a tab reports
# idle before its rerun starts; a tab drawn only when open (review, issue 18) has an empty panel
# until that rerun fills it, so "idle" alone can be read too early.
OPEN_PANEL_DRAWN = """tabId => {
    const panel = document.querySelector(`[role="tabpanel"][aria-labelledby="${tabId}"]`);
    const app = document.querySelector('[data-testid="stApp"]');
    return panel !== null && panel.querySelector('[data-testid="stElementContainer"]') !== null
        && app !== null && app.getAttribute('data-test-script-state') === 'notRunning';
}"""


def open_tab(page: object, tab: object) -> None:
    """Click a tab and wait until its panel is drawn and the app is idle."""
    tab.click()  # type: ignore[attr-defined]
    expect(tab).to_have_attribute("aria-selected", "true")  # type: ignore[arg-type]
    tab_id = tab.get_attribute("id")  # type: ignore[attr-defined]
    page.wait_for_function(OPEN_PANEL_DRAWN, arg=tab_id, timeout=EXPECT_TIMEOUT_MS)  # type: ignore[attr-defined]


def screenshot(page: object, name: str) -> Path:
    """The whole page: Streamlit scrolls inside its own container, so the viewport is first made
    as tall as the content (then the app re-lays out, and we wait for it to be idle again)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.wait_for_selector(IDLE)  # type: ignore[attr-defined]
    size = page.viewport_size  # type: ignore[attr-defined]
    height = page.evaluate(FULL_HEIGHT)  # type: ignore[attr-defined]
    page.set_viewport_size({"width": size["width"], "height": int(height) + 40})  # type: ignore[attr-defined]
    page.wait_for_selector(IDLE)  # type: ignore[attr-defined]
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    page.set_viewport_size(size)  # type: ignore[attr-defined]
    return path


def _chromium_found() -> bool:
    return os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)


def _is_browser_test(item: pytest.Item) -> bool:
    return "tests/browser/" in str(item.fspath).replace(os.sep, "/")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _is_browser_test(item):
            item.add_marker(pytest.mark.browser)


def pytest_report_collectionfinish(config: pytest.Config, items: Sequence[pytest.Item]) -> str | None:
    """One line after "collected N items" when browser tests are selected and Chromium is missing.

    They are not skipped: each fails with the same line (the ``browser`` fixture), so a CI run
    without Chromium cannot pass by testing less.
    """
    count = sum(1 for item in items if _is_browser_test(item))
    if count and not _chromium_found():
        return MISSING_CHROMIUM.format(path=CHROMIUM, what=f"the {count} browser tests")
    return None
