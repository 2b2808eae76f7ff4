"""The review page's portfolio section in a real browser: a GBK upload with a bad row, both languages,
markup in a customer name kept as text, the downloads, and screenshots of the section."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from smop_pricing.money import format_money
from smop_pricing.pricing.rules import quote
from smop_pricing.pricing.tariff import Tariff, Tier, published_tariff
from tests.browser.conftest import FULL_HEIGHT, IDLE, SCREENSHOTS, open_app

CHARTS = '[data-testid="stVegaLiteChart"]'
PUBLISHED = published_tariff()
CHEAPER_MIDDLE = replace(PUBLISHED, tiers=(PUBLISHED.tiers[0], Tier(10, Decimal(4000)), PUBLISHED.tiers[2]))
XSS = '<img src=x onerror="window.__pwned=1">'
GOOD = [("上海某某科技有限公司", 1_000_000, 12, 0), ("北京示例网络", 3_500_000, 1, 2), (XSS, 1_100_000, 3, 0)]
CSV = (
    "customer,users,months,held_units\n"
    '"上海某某科技有限公司",1000000,12,0\n'
    '"北京示例网络",3500000,1,2\n'
    '"深圳坏行公司",一百万,1,0\n'  # line 4: text in a number
    '"<img src=x onerror=""window.__pwned=1"">",1100000,3,0\n'
).encode("gbk")
SOURCE_LABEL = {"zh": "上传 CSV", "en": "Upload a CSV"}
UPLOADER_LABEL = {"zh": "客户 CSV", "en": "Customer CSV"}


@pytest.fixture(scope="module")
def review_url(app_url):
    return f"{app_url}/pricing-review"


def revenue(lang: str, tariff: Tariff = PUBLISHED) -> str:
    """The one-time packs the good rows buy (literal purchases) under ``tariff``."""
    return format_money(sum((quote(tariff, u, m, h).pack_fee for _, u, m, h in GOOD), Decimal(0)), lang)


def edit_tier_price(page, row: int, price: str) -> None:
    """Type a new unit price into the tier editor (a canvas grid: open the cell's editor, fill it)."""
    page.wait_for_selector(IDLE)
    # back to the top first: scrolled just into view, the grid's rows sit under Streamlit's fixed header
    page.get_by_test_id("stMain").evaluate("main => main.scrollTo(0, 0)")
    editor = page.get_by_test_id("stDataFrame").first
    box = editor.bounding_box()
    assert box is not None
    # 35 px rows under a 35 px header; unit_price is the right-hand column. The grid opens a
    # cell's editor reliably only once the pointer has moved over it.
    where = {"x": box["width"] * 0.75, "y": 35 + 35 * row + 17}
    cell = page.locator("textarea.gdg-input, input.gdg-input")
    for _ in range(3):  # a grid still settling after a rerun can miss a double click
        editor.hover(position=where)
        editor.dblclick(position=where)
        try:
            cell.wait_for(state="visible", timeout=5_000)
            break
        except PlaywrightTimeoutError:
            continue
    cell.fill(price)
    cell.press("Enter")


def upload_portfolio(page, lang: str, name: str = "客户名单.csv", data: bytes = CSV) -> None:
    page.get_by_test_id("stRadio").get_by_text(SOURCE_LABEL[lang], exact=True).click()
    uploader = page.get_by_test_id("stFileUploader").filter(has_text=UPLOADER_LABEL[lang])
    uploader.locator('input[type="file"]').set_input_files({"name": name, "mimeType": "text/csv", "buffer": data})


def section_screenshot(page, name: str) -> Path:
    """From the portfolio section's header to the page's end, once its chart has been drawn."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.wait_for_function("() => document.fonts.status === 'loaded'")
    expect(page.locator(f"{CHARTS} canvas, {CHARTS} svg").first).to_be_visible()
    page.wait_for_selector(IDLE)
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": int(page.evaluate(FULL_HEIGHT)) + 40})
    page.wait_for_selector(IDLE)
    expect(page.locator(CHARTS)).to_have_count(1)  # the histogram; the sections draw only when opened
    top = page.get_by_role("tablist").bounding_box()
    bottom = page.get_by_test_id("stMain").bounding_box()
    assert top is not None and bottom is not None
    clip = {"x": 0, "y": max(0, top["y"] - 16), "width": size["width"],
            "height": bottom["y"] + bottom["height"] - top["y"] + 16}
    page.screenshot(path=str(path), clip=clip, full_page=True)
    page.set_viewport_size(size)
    return path


@pytest.mark.parametrize(
    "lang, read, bad, packs, winners",
    [
        ("zh", "客户组合：客户名单.csv（GBK），定价 3 行，未定价 1 行", "有 1 行未定价（共 1 个问题），行号：4。",
         "叠加包（一次性）", "降价最多的客户（前 10 位）"),
        ("en", "Portfolio: 客户名单.csv (GBK), 3 rows priced, 1 not priced",
         "1 row(s) not priced (1 problem(s)), on line(s) 4.",
         "Packs (one-time)", "Biggest winners (top 10, pay less)"),
    ],
)
def test_a_gbk_upload_with_a_bad_row_shows_its_line_and_the_revenue_follows_a_tier_change(
    page, review_url, lang, read, bad, packs, winners
):
    open_app(page, f"{review_url}?lang={lang}")
    upload_portfolio(page, lang)
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text(read)
    expect(page.get_by_test_id("stAlertContentWarning").filter(has_text=bad)).to_be_visible()
    # the summary beside the editor: the what-if's one-time packs, and the change against the published
    summary = page.get_by_test_id("stMarkdownContainer").filter(has_text=packs).first
    expect(summary).to_contain_text(revenue(lang))
    edit_tier_price(page, 1, "4000")
    expect(summary).to_contain_text(revenue(lang, CHEAPER_MIDDLE))
    less = format_money(sum((quote(PUBLISHED, u, m, h).pack_fee - quote(CHEAPER_MIDDLE, u, m, h).pack_fee
                             for _, u, m, h in GOOD), Decimal(0)), lang)
    expect(summary).to_contain_text(f"-{less}")
    expect(main).to_contain_text(winners)
    # the histogram is drawn once some bills change (the sections' charts: only in their open tab)
    expect(page.locator(CHARTS)).to_have_count(1)
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert section_screenshot(page, f"review-portfolio-{lang}").stat().st_size > 0
    assert page.evaluate("() => typeof window.__pwned") == "undefined"


def test_a_new_monthly_fee_raises_every_uploaded_customers_bill(page, review_url):
    open_app(page, f"{review_url}?lang=en")
    upload_portfolio(page, "en")
    expect(page.get_by_test_id("stMain")).to_contain_text("3 rows priced")
    fee = page.get_by_role("textbox", name="Monthly fee (CNY)")
    fee.fill("2100")
    fee.press("Enter")
    platform = page.get_by_test_id("stMetric").filter(has_text="Platform fee a year").first
    expect(platform).to_contain_text("+CNY 3,600")  # 3 customers, CNY 100 more a month, for a year
    expect(page.get_by_test_id("stMain")).to_contain_text("Biggest losers (top 10, pay more)")
    expect(page.get_by_test_id("stMain")).to_contain_text("No customer pays less.")


def test_the_downloads_hold_every_priced_customer_and_the_bad_rows_reason(page, review_url):
    open_app(page, f"{review_url}?lang=en")
    upload_portfolio(page, "en")
    expect(page.get_by_test_id("stMain")).to_contain_text("3 rows priced")
    page.wait_for_selector(IDLE)
    with page.expect_download() as priced:
        page.get_by_role("button", name="Download the priced table (CSV)").click()
    assert priced.value.suggested_filename == "客户名单-priced.csv"
    text = Path(priced.value.path()).read_bytes().decode("gbk")  # the upload's own encoding
    lines = text.splitlines()
    assert lines[0].startswith("customer,users,months,held_units,base_fee,")
    assert "difference" in lines[0].split(",") and len(lines) == 4
    assert lines[1].startswith("上海某某科技有限公司,1000000,12,0,24000,")
    assert '"<img src=x onerror=""window.__pwned=1"">"' in text
    with page.expect_download() as errors:
        page.get_by_role("button", name="Download the errors (CSV)").click()
    assert Path(errors.value.path()).read_bytes().decode("gbk").splitlines() == [
        "line,column,value,reason",
        "4,users,一百万,must be a whole number",
    ]


def test_a_workbook_uploaded_after_a_good_file_is_refused_and_the_good_portfolio_stays(page, review_url):
    open_app(page, f"{review_url}?lang=en")
    upload_portfolio(page, "en")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("3 rows priced")
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Customer CSV")
    uploader.locator('input[type="file"]').set_input_files(
        {"name": "book.csv", "mimeType": "text/csv", "buffer": b"PK\x03\x04\x14\x00\x06\x00rest"}
    )
    expect(main).to_contain_text("This file cannot be used: book.csv: is an Excel workbook, not CSV")
    expect(main).to_contain_text("The portfolio below is the previous one, unchanged.")
    expect(main).to_contain_text("Portfolio: 客户名单.csv (GBK), 3 rows priced, 1 not priced")


def test_a_new_portfolio_seed_reruns_the_portfolio_and_its_summary_not_the_tariff_curves(page, review_url):
    """The portfolio section and its summary beside the editor are one fragment: a new seed sends
    their elements only (a whole page's run sends every element: 134 messages against 35 when
    measured), and the summary follows; a change of the curves' own input runs the whole page and
    sends the new curves."""
    frames: list[bytes] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(
        payload if isinstance(payload, bytes) else payload.encode())))
    open_app(page, f"{review_url}?lang=en")
    summary = page.get_by_test_id("stCaptionContainer").filter(has_text="Details in the")
    expect(summary).to_contain_text("(seed 0)")
    curves_caption = b"published and what-if totals"  # the curves' text alternative

    sent = len(frames)
    seed = page.get_by_test_id("stNumberInput").filter(has_text="Seed").locator("input")
    seed.fill("7")
    seed.press("Enter")
    expect(summary).to_contain_text("(seed 7)")  # the summary beside the editor follows the portfolio
    page.wait_for_selector(IDLE)
    fragment = len(frames) - sent
    assert not any(curves_caption in frame for frame in frames[sent:])

    page.get_by_role("tab", name="Cost curves").click()  # the curves are drawn in their open tab only
    expect(page.locator(CHARTS)).to_have_count(2)  # the curves and their difference
    page.wait_for_selector(IDLE)
    sent = len(frames)
    users = page.get_by_test_id("stNumberInput").filter(has_text="Curves up to (users)").locator("input")
    users.fill("4000000")
    users.press("Enter")
    expect(page.get_by_test_id("stMain")).to_contain_text("0 to 4,000,000 users")
    page.wait_for_selector(IDLE)
    whole_page = len(frames) - sent
    assert any(curves_caption in frame for frame in frames[sent:])
    assert fragment * 2 < whole_page, (fragment, whole_page)
    expect(summary).to_contain_text("(seed 7)")
