"""The server's settings at work (tests/test_server_config.py reads their values):

- an exception's details stay out of the visitor's page but reach the server's log. The failing
  page is a throwaway script, not part of the app, run by a server of its own from the
  repository's folder so that .streamlit/config.toml applies, with no command-line overrides;
- usage statistics are off: that page's browser makes no request beyond 127.0.0.1;
- XSRF protection is on: an upload without the token is refused.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import IO

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, STARTUP_SECONDS, _free_port, _healthy, open_app

SECRET = "secret-detail-7f3a"
FAILING = f"""
import streamlit as st

st.title("Before the failure")
customer = {{"name": "{SECRET}", "total": 40400}}
raise RuntimeError("quote for " + customer["name"] + " could not be built")
"""


def wait_for_line(lines: queue.Queue[str], text: str, seconds: float) -> list[str]:
    """Lines read until one contains ``text`` (bounded by ``seconds``); raise if none did."""
    seen: list[str] = []
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        seen.append(line)
        if text in line:
            return seen
    raise AssertionError(f"{text!r} not in the server's log:\n" + "".join(seen))


@pytest.fixture
def failing_server(tmp_path) -> Iterator[tuple[str, queue.Queue[str]]]:
    script = tmp_path / "failing_page.py"
    script.write_text(FAILING, "utf-8")
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: queue.Queue[str] = queue.Queue()

    def drain(stream: IO[str]) -> None:
        with stream:  # closed once the server has gone: no unclosed pipe
            for line in stream:
                lines.put(line)

    threading.Thread(target=drain, args=(proc.stdout,), daemon=True).start()
    try:
        wait_for_line(lines, "URL:", STARTUP_SECONDS)
        base = f"http://127.0.0.1:{port}"
        assert _healthy(base)
        yield base, lines
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def test_an_exceptions_details_reach_the_server_log_but_not_the_visitors_page(page, failing_server):
    base, log = failing_server
    leaving: list[str] = []
    page.on("request", lambda r: leaving.append(r.url)
            if r.url.startswith("http") and urllib.parse.urlsplit(r.url).hostname != "127.0.0.1" else None)
    open_app(page, base)
    expect(page.get_by_test_id("stException")).to_have_count(1)
    shown = page.get_by_test_id("stApp").inner_text()
    assert "Before the failure" in shown
    for detail in (SECRET, "RuntimeError", "Traceback", "failing_page.py", str(ROOT)):
        assert detail not in shown
    logged = "".join(wait_for_line(log, SECRET, 30))
    assert "Traceback" in logged and "RuntimeError" in logged
    assert leaving == [], "usage statistics (or anything else) left the machine"


def test_an_upload_without_the_xsrf_token_is_refused_by_the_server(app_url):
    request = urllib.request.Request(
        f"{app_url}/_stcore/upload_file/some-session/some-file", data=b"name = 'x'", method="PUT",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    refused.value.close()  # the refusal's response holds the connection open
    assert refused.value.code == 403
