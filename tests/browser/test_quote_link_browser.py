"""A quote simulated: the lifecycle page opened by a quote's link, and the quote page's own link to it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import IDLE, open_app

CHARTS = '[data-testid="stVegaLiteChart"]'


def _simulated_350k_from_december(page: Page) -> None:
    page.wait_for_selector(f"{CHARTS} svg.marks")
    page.wait_for_selector(IDLE)
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("已按报价模拟：350,000 用户，2026-12-01 首次购买 12 个月")
    expect(page.locator("[data-testid=\"stDateInput\"] input").first).to_have_value("2026-12-01")
    expect(main).to_contain_text("到期 2027-12-01")
    expect(main).to_contain_text("回收期限 2028-03-01")
    expect(main).to_contain_text("2028-03-01 资源回收")


def test_a_quote_link_opens_a_simulation_from_its_start_to_after_reclamation(page: Page, app_url: str) -> None:
    open_app(page, f"{app_url}/lifecycle-simulator?users=350000&start=2026-12-01&months=12")
    _simulated_350k_from_december(page)


def test_the_quote_pages_simulate_link_opens_the_simulation_of_its_inputs(page: Page, app_url: str) -> None:
    open_app(page, f"{app_url}/?users=350000&months=12&start=2026-12-01")
    page.get_by_role("link", name="模拟此报价的生命周期").click()
    page.wait_for_url("**/lifecycle-simulator**")
    _simulated_350k_from_december(page)
