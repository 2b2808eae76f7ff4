"""The shell in a real browser: the app starts and the quote renders."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_app, start_server


def test_the_quote_for_a_million_users_shows_the_literal_total(page, app_url):
    open_app(page, f"{app_url}/?users=1000000&months=1")
    expect(page.get_by_test_id("stMain")).to_contain_text("40,400")


@pytest.fixture
def fresh_server():
    """A server of its own, so the deep link below is its very first request."""
    proc, base = start_server()
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.mark.parametrize("path", ["/cost-curve?users=2000000", "/pricing-review?lang=en", "/?users=2000000&lang=en"])
def test_a_deep_link_as_a_fresh_servers_first_request_opens_its_page_without_a_not_found_dialog(
    page, fresh_server, path
):
    open_app(page, f"{fresh_server}{path}")
    expect(page.get_by_test_id("stMain")).not_to_be_empty()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_text("Page not found")).to_have_count(0)
    expect(page.get_by_text("does not seem to exist")).to_have_count(0)
