"""The pricing review page in a real browser: both languages, an edit, an error, screenshots."""

import pytest
from playwright.sync_api import expect

from smop_pricing.i18n import t
from tests.browser.conftest import IDLE, open_app, open_tab, screenshot

CHARTS = '[data-testid="stVegaLiteChart"]'


@pytest.fixture(scope="module")
def review_url(app_url):
    return f"{app_url}/pricing-review"


def _open(page, section: str, lang: str) -> None:
    """Click a section's tab: only the open section is drawn (issue 18); wait for its rerun."""
    open_tab(page, page.get_by_role("tab", name=t(f"review.tab_{section}", lang)))


def _whole_page_screenshot(page, name, charts: int):
    """Once the fonts and the open section's charts are there, the harness shoots the whole page."""
    page.wait_for_function("() => document.fonts.status === 'loaded'")
    expect(page.locator(CHARTS)).to_have_count(charts)
    return screenshot(page, name)


def test_the_review_page_loads_in_chinese_with_the_audit_the_slips_and_three_charts(page, review_url):
    open_app(page, f"{review_url}?lang=zh")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("计费页面审计")  # a tab
    _open(page, "audit", "zh")
    expect(main).to_contain_text("页面为 38,600 元，应为 38,400 元")
    expect(main).to_contain_text("23 / 25")
    _open(page, "compare", "zh")
    expect(page.locator(CHARTS)).to_have_count(2)
    _open(page, "cliffs", "zh")
    expect(page.locator(CHARTS)).to_have_count(1)
    # the overpay bars keep their 200 px plot under the title, with the axes and legend added
    # (Streamlit's default squeezed all of it into 200 px: a plot 31 px tall, the title cut off)
    page.wait_for_function("""charts => { const c = document.querySelector(charts);
        const drawn = c && c.querySelector('svg, canvas');
        return drawn !== null && drawn.getBoundingClientRect().height > 300; }""", arg=CHARTS)
    _open(page, "compare", "zh")
    assert _whole_page_screenshot(page, "review-zh", 2).stat().st_size > 0


def test_the_review_page_loads_in_english_with_the_open_questions(page, review_url):
    open_app(page, f"{review_url}?lang=en")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("Page audit")  # a tab
    _open(page, "questions", "en")
    expect(main).to_contain_text("Reading B")
    _open(page, "cliffs", "en")  # a table in a closed tab is drawn when opened
    expect(main).to_contain_text("7–10 units")
    expect(page.locator(CHARTS)).to_have_count(1)
    assert _whole_page_screenshot(page, "review-en", 1).stat().st_size > 0


def test_a_new_monthly_fee_typed_in_the_browser_changes_the_audit_and_the_difference(page, review_url):
    open_app(page, f"{review_url}?lang=en")
    fee = page.get_by_role("textbox", name="Monthly fee (CNY)")
    fee.fill("2500")
    fee.press("Enter")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("differs from the published one in 1 place(s)")
    page.wait_for_selector(IDLE)
    _open(page, "audit", "en")
    expect(main).to_contain_text("19 / 25")
    _open(page, "compare", "en")
    expect(main).to_contain_text("charges CNY 500 more than the published one")


def test_a_bad_monthly_fee_typed_in_the_browser_shows_its_error_under_the_field(page, review_url):
    open_app(page, f"{review_url}?lang=en")
    fee = page.get_by_role("textbox", name="Monthly fee (CNY)")
    fee.fill("20x0")
    fee.press("Enter")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("Monthly fee (CNY): must be an amount in yuan")
    expect(main).to_contain_text("the sections below still use the last valid what-if tariff")
    _open(page, "compare", "en")
    expect(page.locator(CHARTS)).to_have_count(2)
