"""The quote page in a real browser: the headline on the recommended purchase, users as people write
them, the URL as a link, exports (the quote sheet printed to PDF by Chromium), screenshots."""

import re
import subprocess
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import IDLE, SCREENSHOTS, open_app, screenshot

CHARTS = '[data-testid="stVegaLiteChart"] :is(canvas, svg)'
METRIC = '[data-testid="stMetricValue"]'
CARD = ".st-key-quote_headline"  # the headline card (smop_ui.headline): Markdown, not a metric
HEADLINE = f"{CARD} h2"
CARDS = ", ".join(f".st-key-quote_{name}" for name in ("headline", "alternative", "capacity", "per_thousand",
                                                        "sum_one_time", "sum_monthly", "sum_first_term", "sum_next_12"))


def _wait_for_charts(page, count: int = 2) -> None:
    page.wait_for_selector(IDLE)
    expect(page.locator(CHARTS)).to_have_count(count)


def _metrics(page, first: str) -> dict[str, str]:
    """The eight figure cards by label, once the headline shows ``first`` and all are drawn (the page
    draws its figures as Markdown cards, no metric)."""
    expect(page.locator(HEADLINE)).to_have_text(first)
    expect(page.locator(METRIC)).to_have_count(0)
    figures: dict[str, str] = {}
    cards = page.locator(CARDS)
    expect(cards).to_have_count(8)
    for card in cards.all():
        figures[card.locator("p").first.inner_text().strip()] = card.locator("h2").inner_text().strip()
    return figures


def _type(field, text: str) -> None:
    field.fill(text)
    field.press("Enter")


def test_a_million_users_written_in_wan_for_a_year_shows_the_recommended_headline_and_its_summary(page, app_url):
    open_app(page, f"{app_url}/?users=100万&months=12")
    metrics = _metrics(page, "57,000 元")
    assert metrics["合计（推荐购买）"] == "57,000 元"
    assert metrics["按需购买（多 5,400 元）"] == "62,400 元"
    assert metrics["一次性（叠加包）"] == "33,000 元"
    assert metrics["每月（平台服务费）"] == "2,000 元"
    assert metrics["之后 12 个月"] == "24,000 元"
    expect(page.get_by_test_id("stMain")).to_contain_text("= 1,000,000 用户（100万）")
    # the alternative is not drawn as a price change
    alternative = re.compile(r"^\s*62,400 元\s+按需购买（多 5,400 元）\s*$")  # its figure and words, nothing more
    expect(page.locator(".st-key-quote_alternative")).to_have_text(alternative)
    open_app(page, f"{app_url}/?users=100万&months=12&buy=literal")
    assert _metrics(page, "62,400 元")["合计（按需购买）"] == "62,400 元"


def test_the_sidebar_switch_shows_the_english_labels(page, app_url):
    open_app(page, f"{app_url}/?users=1000000&months=1")
    page.get_by_test_id("stSidebar").get_by_role("radio", name="English").click()
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("Users to operate")
    expect(main).to_contain_text("Total (recommended purchase)")
    expect(main).to_contain_text("CNY 35,000")
    expect(main).to_contain_text("= 1,000,000 users")
    page.wait_for_url(re.compile(r"[?&]lang=en\b"))
    page.get_by_test_id("stSidebar").get_by_role("radio", name="中文").click()
    expect(main).to_contain_text("运营用户量")


def test_users_typed_in_wan_update_the_url_and_that_link_reproduces_the_quote(page, app_url, browser):
    open_app(page, f"{app_url}/?users=1000000&months=1")
    _type(page.get_by_role("textbox", name="运营用户量").first, "150万")
    page.wait_for_url(re.compile(r"[?&]users=1500000\b"))
    page.wait_for_selector(IDLE)
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("= 1,500,000 用户（150万）")
    expect(page.locator(HEADLINE)).to_have_text("41,000 元")  # 2,000 + 13 × 3,000
    link = page.url
    again = browser.new_page()
    try:
        open_app(again, link)
        expect(again.get_by_role("textbox", name="运营用户量").first).to_have_value("1,500,000")
        expect(again.locator(HEADLINE)).to_have_text("41,000 元")
    finally:
        again.close()


def test_a_refused_count_is_explained_by_the_field_and_no_result_stays_on_screen(page, app_url):
    open_app(page, f"{app_url}/?users=1000000&months=12")
    expect(page.locator(HEADLINE)).to_have_text("57,000 元")
    field = page.get_by_role("textbox", name="运营用户量").first
    _type(field, "1.5亿")
    page.wait_for_selector(IDLE)
    error = page.get_by_test_id("stAlert").filter(has_text="1.5亿")
    expect(error).to_contain_text("100,000,000")
    expect(page.locator(METRIC)).to_have_count(0)
    expect(page.locator(CARDS)).to_have_count(0)
    expect(field).to_have_value("1.5亿")
    expect(page.get_by_role("spinbutton", name="购买时长（月）").first).to_have_value("12")
    _type(field, "35万")
    expect(page.locator(HEADLINE)).to_have_text("36,000 元")


def test_the_link_shown_on_the_page_reproduces_the_quote(page, app_url, browser):
    open_app(page, f"{app_url}/?users=2300000&months=12&held=1&buy=literal&lang=en")
    codes = page.get_by_test_id("stCode")
    expect(codes.nth(0)).to_contain_text("?users=2300000&months=12&held=1&buy=literal&lang=en")
    full = codes.nth(1).inner_text().strip()
    assert full == f"{app_url}/?users=2300000&months=12&held=1&buy=literal&lang=en"
    total = page.locator(HEADLINE).inner_text()
    again = browser.new_page()
    try:
        open_app(again, full)
        expect(again.locator(HEADLINE)).to_have_text(total)
    finally:
        again.close()


def test_the_csv_download_is_chinese_throughout_and_carries_the_summary(page, app_url):
    open_app(page, f"{app_url}/?users=1000000&months=12")
    with page.expect_download() as csv_download:
        page.get_by_role("button", name="下载 CSV").click()
    text = Path(csv_download.value.path()).read_text("utf-8-sig")
    assert text.startswith("部分,项目,数值,单位,计算\n")  # read_text turns the CSV's \r\n into \n
    assert "明细,用户叠加包（单次购买）,38400,元,\"8 × 4,800 = 38,400\"" in text
    assert "费用摘要,推荐购买（最省钱）首期合计,57000,元," in text
    assert "费用摘要,之后 12 个月（按时续费、用户量不变，叠加包仍有效）,24000,元," in text


def test_the_quote_sheet_prints_to_one_a4_page_with_the_customer_number_validity_and_both_totals(
    page, app_url, tmp_path: Path,
):
    open_app(page, f"{app_url}/?users=1000000&months=12&start=2026-12-01&compare=3&c1_name=标准方案")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("报价单号 Q-")
    before = re.search(r"Q-\d{8}-[0-9A-F]{6}", main.inner_text()).group(0)
    _type(page.get_by_role("textbox", name="报价人"), "王五")
    _type(page.get_by_role("textbox", name="客户"), "示例科技有限公司")
    expect(main).not_to_contain_text(before)  # the customer's rerun has run: the number names them
    page.wait_for_selector(IDLE)
    with page.expect_download() as html_download:
        page.get_by_role("button", name="下载报价单（可打印为 PDF）").click()
    assert html_download.value.suggested_filename == "smop-quote-1000000-users-12-months.html"
    sheet = tmp_path / html_download.value.suggested_filename
    html_download.value.save_as(sheet)
    pdf = tmp_path / "quote.pdf"
    sheet_page = page.context.new_page()
    try:
        sheet_page.goto(sheet.as_uri())
        expect(sheet_page.locator("table.lines")).to_contain_text("38,400")
        sheet_page.emulate_media(media="print")
        sheet_page.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True)
        sheet_page.set_viewport_size({"width": 900, "height": 1400})
        sheet_page.emulate_media(media="screen")
        sheet_page.screenshot(path=str(SCREENSHOTS / "quote-sheet-zh.png"), full_page=True)
    finally:
        sheet_page.close()
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE), info
    assert re.search(r"^Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)", info, re.MULTILINE), info
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    squeezed = re.sub(r"\s+", "", text)
    for words in ("示例科技有限公司", "王五", "报价单号", "有效期至", "57,000元", "62,400元", "33,000元",
                  "24,000元", "标准方案", "计费页面2026-11-27版"):
        assert words in squeezed, words
    assert re.search(r"Q-\d{8}-[0-9A-F]{6}", text)
    assert "published" not in text


def test_a_bad_parameter_shows_a_notice_naming_it_and_keeps_the_others(page, app_url):
    open_app(page, f"{app_url}/?users=abc&months=12")
    expect(page.get_by_test_id("stAlert").first).to_contain_text("users=abc")
    expect(page.get_by_role("spinbutton", name="购买时长（月）").first).to_have_value("12")
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_screenshots_of_the_new_headline_in_chinese_and_english_at_1440_and_390_px(page, app_url):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1440, 900), (390, 1900)):
        page.set_viewport_size({"width": width, "height": height})
        for lang in ("zh", "en"):
            open_app(page, f"{app_url}/?users=100万&months=12&lang={lang}")
            _metrics(page, "57,000 元" if lang == "zh" else "CNY 57,000")
            page.wait_for_selector(IDLE)
            expect(page.get_by_test_id("stSkeleton")).to_have_count(0)
            expect(page.get_by_role("textbox").first).to_be_visible()
            path = SCREENSHOTS / f"quote-headline-{lang}-{width}.png"
            page.screenshot(path=str(path))
            assert path.stat().st_size > 20_000


def test_screenshots_of_the_quote_page_in_chinese_and_english(page, app_url):
    for lang in ("zh", "en"):
        open_app(page, f"{app_url}/?users=1000000&months=1&start=2024-01-31&lang={lang}")
        _wait_for_charts(page)
        path = screenshot(page, f"quote-{lang}")
        assert path.stat().st_size > 50_000


def test_a_change_of_a_compared_option_reruns_only_its_section_and_the_link_follows_every_input(page, app_url):
    """The compare section is a fragment: its change sends its own elements, not the page's again."""
    frames: list[object] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(payload)))
    open_app(page, f"{app_url}/?users=1000000&months=12&lang=en")
    expect(page.locator(HEADLINE)).to_have_text("CNY 57,000")
    months = page.get_by_test_id("stNumberInput").locator("input")  # months, held, c1_months, c1_held, c2_months

    sent = len(frames)
    _type(months.nth(0), "24")  # a main input: the whole page runs
    page.wait_for_url(re.compile(r"[?&]months=24\b"))
    page.wait_for_selector(IDLE)
    whole_page = len(frames) - sent
    expect(page.locator(HEADLINE)).not_to_have_text("CNY 57,000")
    total = page.locator(HEADLINE).inner_text()

    sent = len(frames)
    _type(months.nth(4), "7")  # the second compared option's term: its section only
    page.wait_for_url(re.compile(r"[?&]c2_months=7\b"))
    page.wait_for_selector(IDLE)
    section = len(frames) - sent
    assert section * 2 < whole_page, (section, whole_page)
    expect(page.locator(HEADLINE)).to_have_text(total)
    link = page.get_by_test_id("stCode").first
    expect(link).to_contain_text("months=24")
    expect(link).to_contain_text("c2_months=7")
    expect(page.get_by_test_id("stMain")).to_contain_text("Quote 2")
