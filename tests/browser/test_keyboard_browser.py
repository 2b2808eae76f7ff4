"""The quote page with the keyboard alone (WCAG 2.1.1 Keyboard, 2.4.7 Focus Visible; issue 20).

A person who cannot use a mouse gets a quote, switches the language, adds a compared option and
downloads the quote sheet: Tab and Shift+Tab move the focus, typing fills a field, Enter and Space
act, the arrow keys move inside a segmented control (a radio group: one Tab stop). No click,
no ``focus()``: the test reads where the focus is, and checks that it can be seen there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from smop_pricing.money import format_money
from smop_pricing.pricing.rules import quote
from smop_pricing.pricing.tariff import published_tariff
from tests.browser.conftest import IDLE, open_app, screenshot

MAX_TABS = 120
# The focused element: its tag, role, name and text (for the predicates below).
FOCUSED = """() => { const e = document.activeElement;
    return e ? {tag: e.tagName, role: e.getAttribute('role') || '', label: e.getAttribute('aria-label') || '',
                text: (e.innerText || '').trim(),
                faint: e.closest('[data-testid="stSidebarNav"], [data-testid="stPageLink"], '
                                 + '[data-testid="stElementToolbar"]') ? 'yes' : ''}
             : null; }"""
# Focus is visible when the focused element draws a ring (outline or box-shadow) or fills with the
# theme's primary colour (a date field's year, month, day), or its field's border turns the primary
# colour (Streamlit's text and number inputs).
FOCUS_SHOWN = """(primary) => { let e = document.activeElement;
    for (let i = 0; e && i < 4; i++, e = e.parentElement) {
        const style = getComputedStyle(e);
        if (i === 0 && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) return true;
        if (i === 0 && style.boxShadow && style.boxShadow !== 'none') return true;
        if (i === 0 && style.backgroundColor === primary) return true;
        if (i > 0 && style.borderTopColor === primary) return true;
    }
    return false; }"""


def streamlit_weak_focus(focused: dict[str, str]) -> bool:
    """Tab stops whose focus only Streamlit draws, faintly or not at all (README "Known
    limitations"): the page links of st.navigation and st.page_link, the buttons of a chart's or code block's
    toolbar (the hover tint, ~1.1:1), and the main area, a scroll container focusable so the
    arrow keys scroll it (no indicator)."""
    return bool(focused["faint"]) or focused["tag"] == "MAIN"
PRIMARY = "rgb(0, 82, 217)"  # .streamlit/config.toml primaryColor #0052D9


def tab_to(page: Any, wanted: Any, key: str = "Tab") -> dict[str, str]:
    """Press ``key`` (Tab or Shift+Tab) until the focused element satisfies ``wanted``; return it."""
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        focused = page.evaluate(FOCUSED)
        if focused and wanted(focused):
            return dict(focused)
    raise AssertionError(f"{key} never reached the element")


def assert_focus_visible(page: Any) -> None:
    page.wait_for_function(FOCUS_SHOWN, arg=PRIMARY)  # a focus ring may fade in


def test_a_quote_the_language_a_compared_option_and_the_quote_sheet_with_the_keyboard_alone(page, app_url):
    users = 2_500_000
    q = quote(published_tariff(), users, 1, 0)
    open_app(page, f"{app_url}/")
    inputs_ready(page)
    main = page.get_by_test_id("stMain")

    # 1. Get a quote: Tab to the users field, type the count, Enter.
    tab_to(page, lambda f: f["tag"] == "INPUT" and f["label"] == "运营用户量")
    assert_focus_visible(page)
    page.keyboard.press("Control+A")
    page.keyboard.type(str(users))
    page.keyboard.press("Enter")
    expect(main).to_contain_text(format_money(q.total, "zh"))
    page.wait_for_selector(IDLE)

    # 2. Switch the language: Tab to the switch (its selected option is its one Tab stop),
    #    the arrow key to the other option, Space to choose it.
    tab_to(page, lambda f: f["role"] == "radio" and f["text"] == "中文")
    assert_focus_visible(page)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")
    expect(page.get_by_role("heading", name="Quote", exact=True)).to_be_visible()
    expect(main).to_contain_text(format_money(q.total, "en"))  # the quote is kept
    page.wait_for_selector(IDLE)

    # 3. Add a compared option: Tab to the number of quotes, the arrow key to 3, Space.
    tab_to(page, lambda f: f["role"] == "radio" and f["text"] == "2")
    assert_focus_visible(page)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")
    expect(main.get_by_role("columnheader", name="Quote 3", exact=True)).to_be_visible()  # compared
    page.wait_for_selector(IDLE)

    # 4. Download the quote sheet: back up to its button, Enter.
    tab_to(page, lambda f: f["tag"] == "BUTTON" and "Download quote sheet" in f["text"], key="Shift+Tab")
    assert_focus_visible(page)
    screenshot(page, "keyboard_focus_on_download_en")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    sheet = download.value
    assert sheet.suggested_filename == f"smop-quote-{users}-users-1-months.html"
    text = Path(sheet.path()).read_text(encoding="utf-8")
    assert format_money(q.total, "en") in text and "<html" in text.lower()


def inputs_ready(page: Any) -> None:
    """Wait until the page's inputs are drawn: the app can report idle a moment before the first
    run's elements arrive, and a Tab pressed then walks a page without them."""
    page.wait_for_selector('[data-testid="stMain"] input')
    page.wait_for_selector(IDLE)


def test_focus_is_shown_on_every_stop_of_the_quote_page(page, app_url):
    # Every Tab stop down the page (the sidebar, the inputs, the help icons, the expander, the
    # exports, the compare controls) shows where the focus is.
    open_app(page, f"{app_url}/?lang=en")
    inputs_ready(page)
    stops = 0
    seen: set[tuple[str, str, str]] = set()
    unseen: list[dict[str, str]] = []
    weak = 0
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if not focused or focused["tag"] == "BODY":
            break
        if streamlit_weak_focus(focused):
            weak += 1
            continue
        try:
            page.wait_for_function(FOCUS_SHOWN, arg=PRIMARY, timeout=3_000)  # a ring may fade in
        except PlaywrightTimeout:
            unseen.append(focused)
        seen.add((focused["tag"], focused["label"], focused["text"]))
        stops += 1
    assert not unseen, "\n".join(f"{u['tag']} {u['role']} {u['label']} {u['text'][:40]!r}" for u in unseen)
    assert stops >= 20 and len(seen) >= 15 and weak >= 5  # the page links, the main area, toolbars
