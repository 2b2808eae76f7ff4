"""Without Chromium the browser tests say so in one line at collection and then fail: never a skip.

Runs pytest on one browser test file in a subprocess with ``SMOP_CHROMIUM`` naming a missing binary
(the harness's own switch), so the machine's Chromium is not touched.
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.browser.conftest import CHROMIUM
from tests.conftest import ROOT

TARGET = "tests/browser/test_shell_browser.py"
MISSING = "/nonexistent/chromium"


def pytest_run(*args: str, chromium: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=600, env={**os.environ, "SMOP_CHROMIUM": chromium},
    )


def test_collection_says_in_one_line_that_chromium_is_missing_and_how_many_tests_will_fail():
    done = pytest_run("--collect-only", TARGET, chromium=MISSING)
    lines = [line for line in done.stdout.splitlines() if line.startswith("Chromium not found")]
    assert lines == [
        f"Chromium not found at {MISSING}: the 4 browser tests will fail. Install it (apt-get install "
        'chromium; .ci/run does) or run the rest: python3 -m pytest -m "not browser"'
    ]


def test_collection_says_nothing_of_chromium_when_it_is_there():
    done = pytest_run("--collect-only", TARGET, chromium=CHROMIUM)
    assert done.returncode == 0
    assert "Chromium not found" not in done.stdout


def test_a_browser_test_without_chromium_fails_with_that_line_and_is_not_skipped():
    done = pytest_run("-rA", TARGET, "-k", "literal_total", chromium=MISSING)
    assert done.returncode == 1
    assert "1 error" in done.stdout and "skipped" not in done.stdout
    assert f"Chromium not found at {MISSING}: the browser tests will fail." in done.stdout
