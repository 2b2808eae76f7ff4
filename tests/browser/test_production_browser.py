"""The production recipe on loopback: deploy/run.sh starts two app processes and nginx in front;
a real browser uses the app through nginx; deploy/stop.sh stops everything."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import IDLE, ROOT, _free_port, open_app, screenshot

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


class Deployment:
    def __init__(self, prefix: Path, url: str, ports: tuple[int, int]) -> None:
        self.prefix = prefix
        self.url = url
        self.ports = ports

    def access_log(self) -> str:
        return (self.prefix / "access.log").read_text(encoding="utf-8")


def _environment(prefix: Path, listen: str, ports: tuple[int, int]) -> dict[str, str]:
    return {**os.environ, "SMOP_PREFIX": str(prefix), "SMOP_LISTEN": listen,
            "SMOP_APP_PORTS": " ".join(map(str, ports)), "SMOP_NGINX": NGINX}


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def deployment(tmp_path_factory, browser) -> Iterator[Deployment]:
    prefix = tmp_path_factory.mktemp("deploy")
    ports = (_free_port(), _free_port())
    listen = f"127.0.0.1:{_free_port()}"
    env = _environment(prefix, listen, ports)
    started = subprocess.run([str(ROOT / "deploy" / "run.sh")], env=env, capture_output=True, text=True,
                             timeout=180, check=False)
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == f"http://{listen}"
    # the first run of a fresh process imports pandas, Altair and the pages: on a loaded machine
    # that alone can take longer than a test's wait, so one visit warms the process up first
    warm = browser.new_context()
    tab = warm.new_page()
    tab.goto(f"http://{listen}/?lang=en")
    tab.wait_for_selector(IDLE, timeout=180_000)
    warm.close()
    yield Deployment(prefix, f"http://{listen}", ports)
    stopped = subprocess.run([str(ROOT / "deploy" / "stop.sh")], env=env, capture_output=True, text=True,
                             timeout=60, check=False)
    assert stopped.returncode == 0, stopped.stderr
    assert not list(prefix.glob("*.pid"))
    nginx_port = int(listen.rsplit(":", 1)[1])
    assert not any(_listening(port) for port in (*ports, nginx_port))


def test_the_quote_page_works_through_nginx_and_answers_a_changed_input(page, deployment):
    open_app(page, f"{deployment.url}/?users=1000000&months=1")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("运营用户量")
    users = page.get_by_role("textbox", name="运营用户量").first
    users.fill("150万")
    users.press("Enter")  # the rerun goes over the websocket through nginx
    page.wait_for_url(re.compile(r"[?&]users=1500000\b"))
    page.wait_for_selector(IDLE)
    expect(main).to_contain_text("= 1,500,000 用户（150万）")
    screenshot(page, "production_quote_1440")
    page.set_viewport_size({"width": 390, "height": 844})
    expect(main).to_contain_text("= 1,500,000 用户（150万）")
    screenshot(page, "production_quote_390")


def test_every_response_carries_the_security_headers(page, deployment):
    response = page.goto(f"{deployment.url}/?lang=en")
    assert response is not None and response.ok
    headers = response.headers
    assert headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert "server" not in headers or not re.search(r"\d", headers["server"])  # no version shown
    with urllib.request.urlopen(f"{deployment.url}/_stcore/health", timeout=10) as health:
        assert health.headers["X-Frame-Options"] == "DENY"


def test_another_site_cannot_frame_the_app(page, deployment):
    page.set_content(f'<iframe id="app" src="{deployment.url}/" width="800" height="600"></iframe>')
    frame = page.frame_locator("#app")
    page.wait_for_function("() => document.querySelector('#app').contentWindow.length === 0")
    expect(frame.locator('[data-testid="stApp"]')).to_have_count(0)
    child = page.frames[1]
    assert child.url.startswith("chrome-error://") or child.url in ("about:blank", "")


def _upgrade(url: str, origin: str) -> int:
    host = url.removeprefix("http://")
    address, port = host.rsplit(":", 1)
    request = (f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Origin: {origin}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
               "Sec-WebSocket-Protocol: streamlit\r\n\r\n")
    with socket.create_connection((address, int(port)), timeout=10) as sock:
        sock.sendall(request.encode("ascii"))
        status_line = sock.makefile("rb").readline().decode("ascii")
    return int(status_line.split()[1])


def test_a_websocket_from_another_origin_is_refused_and_one_from_the_app_is_upgraded(deployment):
    assert _upgrade(deployment.url, "http://evil.example") == 403
    assert _upgrade(deployment.url, deployment.url) == 101


def test_a_browser_session_stays_with_one_app_process_and_both_processes_serve(page, deployment):
    open_app(page, f"{deployment.url}/?lang=en")
    expect(page.get_by_test_id("stMain")).to_contain_text("CNY 40,400")
    upstreams = set(re.findall(r"upstream=(127\.0\.0\.1:\d+)", deployment.access_log()))
    assert len(upstreams) == 1, upstreams  # ip_hash: one client, one process
    for port in deployment.ports:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=10) as health:
            assert health.read() == b"ok"
