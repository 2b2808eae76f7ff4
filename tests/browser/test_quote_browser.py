"""The quote page in a real browser: figures, language switch, the URL as a link, exports, screenshots."""

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import IDLE, open_app, screenshot

CHARTS = '[data-testid="stVegaLiteChart"] :is(canvas, svg)'


def _wait_for_charts(page, count: int = 2) -> None:
    page.wait_for_selector(IDLE)
    expect(page.locator(CHARTS)).to_have_count(count)


def test_a_million_users_for_a_month_shows_the_literal_and_the_cheapest_purchase(page, app_url):
    open_app(page, f"{app_url}/?users=1000000&months=1")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("38,400")
    expect(main).to_contain_text("33,000")
    expect(main).to_contain_text("8 × 4,800 = 38,400")
    expect(main).to_contain_text("11 × 3,000 = 33,000")


def test_the_sidebar_switch_shows_the_english_labels(page, app_url):
    open_app(page, f"{app_url}/?users=1000000&months=1")
    page.get_by_test_id("stSidebar").get_by_role("radio", name="English").click()
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("Users to operate")
    expect(main).to_contain_text("Total (literal purchase)")
    expect(main).to_contain_text("CNY 40,400")
    page.wait_for_url(re.compile(r"[?&]lang=en\b"))
    page.get_by_test_id("stSidebar").get_by_role("radio", name="中文").click()
    expect(main).to_contain_text("运营用户量")


def test_changing_an_input_updates_the_url_and_that_link_reproduces_the_quote(page, app_url, browser):
    open_app(page, f"{app_url}/?users=1000000&months=1")
    users = page.get_by_role("spinbutton", name="运营用户量").first
    users.fill("1500000")
    users.press("Enter")
    page.wait_for_url(re.compile(r"[?&]users=1500000\b"))
    page.wait_for_selector(IDLE)
    expect(page.get_by_test_id("stMain")).to_contain_text("41,000 元")  # 2,000 + 13 × 3,000
    total = page.get_by_test_id("stMetricValue").first.inner_text()
    link = page.url
    again = browser.new_page()
    try:
        open_app(again, link)
        expect(again.get_by_role("spinbutton", name="运营用户量").first).to_have_value("1500000")
        expect(again.get_by_test_id("stMetricValue").first).to_have_text(total)
    finally:
        again.close()


def test_the_link_shown_on_the_page_reproduces_the_quote(page, app_url, browser):
    open_app(page, f"{app_url}/?users=2300000&months=12&held=1&lang=en")
    codes = page.get_by_test_id("stCode")
    expect(codes.nth(0)).to_contain_text("?users=2300000&months=12&held=1&lang=en")
    full = codes.nth(1).inner_text().strip()
    assert full == f"{app_url}/?users=2300000&months=12&held=1&lang=en"
    total = page.get_by_test_id("stMetricValue").first.inner_text()
    again = browser.new_page()
    try:
        open_app(again, full)
        expect(again.get_by_test_id("stMetricValue").first).to_have_text(total)
    finally:
        again.close()


def test_the_csv_and_quote_sheet_downloads_carry_the_quote(page, app_url, tmp_path: Path):
    open_app(page, f"{app_url}/?users=1000000&months=1")
    with page.expect_download() as csv_download:
        page.get_by_role("button", name="下载 CSV").click()
    text = Path(csv_download.value.path()).read_text("utf-8-sig")
    assert "line,pack_fee,用户叠加包（单次购买）,38400,元,\"8 × 4,800 = 38,400\"" in text
    with page.expect_download() as html_download:
        page.get_by_role("button", name="下载报价单（可打印为 PDF）").click()
    assert html_download.value.suggested_filename == "smop-quote-1000000-users-1-months.html"
    sheet = tmp_path / html_download.value.suggested_filename
    html_download.value.save_as(sheet)
    sheet_page = page.context.new_page()
    try:
        sheet_page.goto(sheet.as_uri())
        expect(sheet_page.locator("table.lines")).to_contain_text("38,400")
    finally:
        sheet_page.close()


def test_a_bad_parameter_shows_a_notice_naming_it_and_keeps_the_others(page, app_url):
    open_app(page, f"{app_url}/?users=abc&months=12")
    expect(page.get_by_test_id("stAlert").first).to_contain_text("users=abc")
    expect(page.get_by_role("spinbutton", name="购买时长（月）").first).to_have_value("12")
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_screenshots_of_the_quote_page_in_chinese_and_english(page, app_url):
    for lang in ("zh", "en"):
        open_app(page, f"{app_url}/?users=1000000&months=1&start=2024-01-31&lang={lang}")
        _wait_for_charts(page)
        path = screenshot(page, f"quote-{lang}")
        assert path.stat().st_size > 50_000
