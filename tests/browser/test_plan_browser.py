"""The growth-plan page in a real browser: it draws in zh and en at desktop and phone widths, and
"simulate this plan" opens the lifecycle page with the plan, where no day is over capacity."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import EXPECT_TIMEOUT_MS, IDLE, open_app, screenshot

CHART = '[data-testid="stVegaLiteChart"]'
EXAMPLE = "from=300000&to=3000000&months=24&start=2026-01&rate=0.08"


def open_plan(page: Page, app_url: str, query: str) -> None:
    open_app(page, f"{app_url}/growth-plan?{query}")
    page.wait_for_function(f"document.querySelectorAll('{CHART} svg.marks, {CHART} canvas').length >= 2")


@pytest.mark.parametrize(("lang", "width", "texts"), [
    ("zh", 1440, ("增长采购规划", "随增长购买比最优方案多花", "168,000 元", "84,000 元", "稳健方案")),
    ("en", 1440, ("Growth planner", "Buying as you grow costs", "CNY 168,000", "CNY 84,000", "Robust plan")),
    ("zh", 390, ("增长采购规划", "168,000 元")),
    ("en", 390, ("Growth planner", "CNY 168,000")),
])
def test_the_plan_page_draws_its_charts_and_tables(page, app_url, lang, width, texts):
    page.set_viewport_size({"width": width, "height": 1000})
    open_plan(page, app_url, f"{EXAMPLE}&lang={lang}")
    main = page.get_by_test_id("stMain")
    for text in texts:
        expect(main).to_contain_text(text)
    expect(page.locator(CHART)).to_have_count(2)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    if width < 500:
        box = page.locator(CHART).first.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width
    screenshot(page, f"plan-{lang}-{width}")


def test_simulate_this_plan_opens_the_lifecycle_page_with_no_day_over_capacity(page, app_url):
    open_plan(page, app_url, f"{EXAMPLE}&lang=en")
    button = page.get_by_role("link", name="Simulate this plan").first
    href = button.get_attribute("href")
    assert href is not None and "/lifecycle-simulator?s=" in href
    with page.context.expect_page() as opened:
        button.click()
    life = opened.value
    life.wait_for_selector(IDLE, timeout=EXPECT_TIMEOUT_MS)
    life.wait_for_selector('[data-testid="stMain"]', timeout=EXPECT_TIMEOUT_MS)
    over = life.locator(".st-key-life_over").filter(has_text="Days over capacity")  # a figure card
    expect(over).to_have_count(1)
    expect(over.locator("h2")).to_have_text("0")
    paid = life.locator(".st-key-life_headline").filter(has_text="Total paid")  # the headline card
    expect(paid.first).to_contain_text("132,000")  # 24 months of platform fee + 84,000 of packs
    expect(life.get_by_test_id("stException")).to_have_count(0)
    screenshot(life, "plan-simulated-en")
