"""The server's effective configuration, as Streamlit itself reads it from .streamlit/config.toml."""

import os

import pytest
import streamlit.config as config

from tests.conftest import ROOT


@pytest.fixture
def options():
    before = os.getcwd()
    os.chdir(ROOT)
    try:
        config.get_config_options(force_reparse=True)
        yield config.get_option
    finally:
        os.chdir(before)
        config.get_config_options(force_reparse=True)


def test_uploads_are_limited_to_a_small_size(options):
    assert options("server.maxUploadSize") <= 20


def test_xsrf_protection_is_on(options):
    assert options("server.enableXsrfProtection") is True


def test_end_users_never_see_error_details(options):
    assert options("client.showErrorDetails") == "none"


def test_usage_statistics_are_off(options):
    assert options("browser.gatherUsageStats") is False


def test_the_server_address_is_set_so_a_start_never_looks_up_the_external_ip(options):
    assert config.is_manually_set("browser.serverAddress")


def test_starting_the_server_sends_no_request_off_the_machine(options, monkeypatch, capsys):
    from streamlit import net_util
    from streamlit.web import bootstrap

    requests: list[str] = []
    monkeypatch.setattr(net_util, "_external_ip", None)
    monkeypatch.setattr(net_util, "_make_blocking_http_get", lambda url, timeout: requests.append(url))
    bootstrap._print_url(False)  # what `streamlit run` prints on start (private, pinned to 1.67)
    assert requests == []
    assert "External URL" not in capsys.readouterr().out


def test_error_boxes_show_no_links_to_outside_sites(options):
    assert options("client.showErrorLinks") is False


def test_a_closed_sessions_state_is_freed_within_seconds(options):
    assert options("server.disconnectedSessionTTL") <= 5
