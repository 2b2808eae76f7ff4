"""Every registered page on a phone (390 × 844): the page itself never scrolls sideways (tables scroll
inside their frame), and its headline figure and its main chart are on screen when scrolled to.
Screenshots of each page at 390 px and at 1440 px wide go to tests/screenshots/ (phone-*, desk-*).
Parametrized over smop_ui.registry.PAGES: a page registered tomorrow is covered too."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from smop_ui.registry import PAGES, PageSpec
from tests.browser.conftest import EXPECT_TIMEOUT_MS, IDLE, open_app, open_tab, screenshot

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1440, "height": 1000}
METRIC = '[data-testid="stMetric"]'
HEADLINE_CARD = '[class*="_headline"] h2'  # .st-key-quote_headline, .st-key-life_headline
CHART = '[data-testid="stVegaLiteChart"]'
WIDTHS = "() => [document.documentElement.scrollWidth, window.innerWidth]"
# Streamlit scrolls its main area itself: it must not scroll sideways either
MAIN_WIDTHS = """() => { const m = document.querySelector('[data-testid="stMain"]');
    return [m.scrollWidth, m.clientWidth]; }"""


@pytest.fixture
def phone(browser: object) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,  # type: ignore[attr-defined]
                                  has_touch=True)
    tab = context.new_page()
    tab.set_default_timeout(EXPECT_TIMEOUT_MS)
    yield tab
    context.close()


def _open(page: Page, base: str, spec: PageSpec) -> None:
    open_app(page, f"{base}{spec.link}")
    page.wait_for_selector(f"{CHART}, {METRIC}")
    page.wait_for_selector(IDLE)


def _headline(page: Page):  # type: ignore[no-untyped-def]
    """The page's headline figure: its headline card (smop_ui.headline), else its first metric, else
    the first sentence with an amount of money."""
    main = page.get_by_test_id("stMain")
    if main.locator(HEADLINE_CARD).count():
        return main.locator(HEADLINE_CARD).first
    if main.locator(METRIC).count():
        return main.locator(METRIC).first
    return main.locator('[data-testid="stMarkdownContainer"]', has_text=re.compile("元|CNY")).first


def _main_chart(page: Page):  # type: ignore[no-untyped-def]
    """The first chart on show; one inside a tab that is not open opens its tab first."""
    page.wait_for_selector(IDLE)
    charts = page.locator(f"{CHART}:visible")
    if charts.count() == 0:
        tabs = page.get_by_role("tab")
        for index in range(tabs.count()):
            open_tab(page, tabs.nth(index))
            if page.locator(f"{CHART}:visible").count():
                break
    page.wait_for_selector(IDLE)
    chart = page.locator(f"{CHART}:visible").first
    expect(chart).to_be_visible()
    chart.scroll_into_view_if_needed()
    expect(chart.locator("svg, canvas").first).to_be_visible()
    return chart


def _inside_the_screen(page: Page, locator) -> None:  # type: ignore[no-untyped-def]
    box = locator.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5, box


@pytest.mark.parametrize("spec", PAGES, ids=[spec.url_path for spec in PAGES])
def test_a_page_on_a_phone_never_scrolls_sideways_and_shows_its_figure_and_chart(phone, app_url, spec):
    _open(phone, app_url, spec)
    headline = _headline(phone)
    headline.scroll_into_view_if_needed()
    expect(headline).to_be_visible()
    _inside_the_screen(phone, headline)
    chart = _main_chart(phone)
    _inside_the_screen(phone, chart)
    scroll_width, inner_width = phone.evaluate(WIDTHS)
    assert scroll_width <= inner_width
    main_width, main_client = phone.evaluate(MAIN_WIDTHS)
    assert main_width <= main_client
    phone.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollTo(0, 0)")
    screenshot(phone, f"phone-{spec.url_path}")
    scroll_width, inner_width = phone.evaluate(WIDTHS)
    assert scroll_width <= inner_width


@pytest.mark.parametrize("spec", PAGES, ids=[spec.url_path for spec in PAGES])
def test_a_page_at_desk_width_is_drawn_for_its_screenshot(page, app_url, spec):
    page.set_viewport_size(DESK)
    _open(page, app_url, spec)
    _main_chart(page)
    assert screenshot(page, f"desk-{spec.url_path}").stat().st_size > 0
