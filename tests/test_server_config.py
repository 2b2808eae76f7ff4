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
