"""The shell in a real browser: the app starts and the quote renders."""

from playwright.sync_api import expect

from tests.browser.conftest import open_app


def test_the_quote_for_a_million_users_shows_the_literal_total(page, app_url):
    open_app(page, f"{app_url}/?users=1000000&months=1")
    expect(page.get_by_test_id("stMain")).to_contain_text("40,400")
