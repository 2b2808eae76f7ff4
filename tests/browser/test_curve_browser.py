"""The cost-curve page in a real browser: the charts draw, hover, zoom, and screenshots."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import IDLE, SCREENSHOTS, open_app, screenshot

CHART = '[data-testid="stVegaLiteChart"]'
X_AXIS = 'g.role-axis[aria-label^="X-axis"]'


def open_curve(page: Page, app_url: str, query: str) -> None:
    """Open the curve page by its link and wait until all three charts have drawn."""
    open_app(page, f"{app_url}/cost-curve?{query}")
    page.wait_for_function(f"document.querySelectorAll('{CHART} svg.marks, {CHART} canvas').length >= 3")


def x_tick_labels(chart: Locator) -> list[str]:
    texts: list[str] = chart.locator(X_AXIS).first.locator("g.role-axis-label text").all_text_contents()
    return texts


def test_the_curve_page_draws_three_charts_and_the_table_in_chinese(page, app_url):
    open_curve(page, app_url, "lang=zh&users=1000000")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("费用曲线")
    expect(main).to_contain_text("100万：按需购买 8 个单位，合计 40,400 元")
    expect(main.get_by_test_id("stDataFrame")).to_have_count(1)
    expect(page.locator(CHART)).to_have_count(3)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_text("Page not found")).to_have_count(0)
    assert "万" in "".join(x_tick_labels(page.locator(CHART).first))
    screenshot(page, "curve-zh")


def test_the_curve_page_draws_three_charts_in_english(page, app_url):
    open_curve(page, app_url, "lang=en&users=1000000&max=20000000&months=12")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("Cost against users for a 12-month term")
    expect(main).to_contain_text("Needs where a bigger purchase is cheaper")
    expect(page.locator(CHART)).to_have_count(3)
    assert x_tick_labels(page.locator(CHART).first)[-1] == "20M"
    screenshot(page, "curve-en")


def test_on_a_laptop_screen_the_inputs_and_the_main_chart_fit_the_width(page, app_url):
    page.set_viewport_size({"width": 1366, "height": 768})
    open_curve(page, app_url, "lang=en&users=1000000")
    chart = page.locator(CHART).first.bounding_box()
    assert chart is not None
    assert chart["width"] >= 800
    assert chart["x"] + chart["width"] <= 1366
    last_option = page.get_by_text("Pack fee only").bounding_box()
    assert last_option is not None
    assert last_option["x"] + last_option["width"] <= chart["x"] + chart["width"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_selector(IDLE)
    page.screenshot(path=str(SCREENSHOTS / "curve-laptop-en.png"))


def test_hovering_the_main_chart_shows_units_and_the_cheaper_alternative(page, app_url):
    open_curve(page, app_url, "lang=en&users=1000000")
    plot = page.locator(CHART).first.locator("svg.marks")
    box = plot.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.6)
    tooltip = page.locator("#vg-tooltip-element.visible")
    expect(tooltip).to_contain_text("Units needed")
    expect(tooltip).to_contain_text("Cheapest purchase (units)")
    expect(tooltip).to_contain_text("Saving (CNY)")


def test_scrolling_on_the_main_chart_zooms_the_user_axis(page, app_url):
    open_curve(page, app_url, "lang=en&users=1000000")
    chart = page.locator(CHART).first
    before = x_tick_labels(chart)
    assert before[0] == "0"
    box = chart.locator("svg.marks").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    page.mouse.wheel(0, -400)
    page.wait_for_function(
        "(first) => { const t = document.querySelector("
        f"'{CHART} {X_AXIS} g.role-axis-label text'); return t && t.textContent !== first; }}",
        arg=before[0],
    )
    assert x_tick_labels(chart) != before


def test_changing_the_maximum_redraws_the_charts_and_writes_it_to_the_url(page, app_url):
    open_curve(page, app_url, "lang=en&users=1000000")
    field = page.get_by_label("Chart up to (users)")
    field.fill("20000000")
    field.press("Enter")
    page.wait_for_url("**max=20000000**")
    page.wait_for_function(
        f"(() => {{ const g = document.querySelector('{CHART} {X_AXIS}');"
        " return g && g.getAttribute('aria-label').endsWith('to 20,000,000'); })()"
    )
    page.wait_for_selector(IDLE)
    expect(page.locator(CHART)).to_have_count(3)
