"""The lifecycle page in a real browser: the charts draw, an edit reaches the link, uploads, screenshots."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from smop_pricing.lifecycle.link import decode_document, encode_document
from smop_ui.registry import PAGES
from tests.browser.conftest import IDLE, open_app, screenshot, start_server, stop_server

CHARTS = '[data-testid="stVegaLiteChart"]'
LINK = next(spec.link for spec in PAGES if spec.file == "app_pages/lifecycle.py")


def open_lifecycle(page: Page, base: str, query: str = "") -> None:
    open_app(page, f"{base}{LINK}{'?' + query if query else ''}")
    page.wait_for_selector(f"{CHARTS} svg.marks")  # the timeline, first on the page
    page.wait_for_selector(IDLE)


def whole_page_screenshot(page: Page, name: str) -> None:
    """The harness grows the viewport to the content; charts below the fold draw once in view."""
    size = page.viewport_size
    assert size is not None
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": int(height) + 40})
    expect(page.locator(f"{CHARTS} svg.marks")).to_have_count(3)
    screenshot(page, name)


def edit_cell(page: Page, row: int, column: int, text: str) -> None:
    """Type into the events table: the cell of ``row`` (from 0) and ``column`` (0 = "#").

    With the grid's own keyboard, never a position on its canvas: focusing the grid (its
    ``data-grid-canvas``, what Tab reaches) selects the first cell, the arrow keys move the
    selection, Enter opens the cell's editor. Each step is checked on the grid's accessible copy of
    its cells (``glide-cell-<column>-<row>``, the row marker being column 0).
    """
    grid = page.get_by_test_id("stDataFrame").first
    grid.scroll_into_view_if_needed()
    grid.get_by_test_id("data-grid-canvas").focus()
    expect(grid.get_by_test_id("glide-cell-1-0")).to_have_attribute("aria-selected", "true")
    for _ in range(column):
        page.keyboard.press("ArrowRight")
    for _ in range(row):
        page.keyboard.press("ArrowDown")
    expect(grid.get_by_test_id(f"glide-cell-{column + 1}-{row}")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")  # opens the cell's editor
    entry = page.locator("#portal input.gdg-input")
    expect(entry).to_be_visible()
    entry.fill(text)
    entry.press("Enter")


def test_the_e3_timeline_draws_and_reads_in_chinese(page, app_url):
    open_lifecycle(page, app_url)
    main = page.get_by_test_id("stMain")
    expect(page.get_by_role("combobox", name="示例")).to_have_value("E3 六月到八月停服")
    expect(main).to_contain_text("2022-08-01 续费 1 个月：2,000 元，服务自今日恢复，新到期日 2022-09-01")
    gantt = page.locator(f"{CHARTS} svg.marks").first
    size = gantt.bounding_box()
    assert size is not None and size["height"] > 120 and size["width"] > 600
    whole_page_screenshot(page, "lifecycle-zh")


def test_the_e5_refusal_and_timeline_read_in_english(page, app_url):
    open_lifecycle(page, app_url, "lang=en&preset=e5")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text(
        "2022-09-01 renewal refused: resources were reclaimed on 2022-09-01; buy a new standard edition")
    expect(page.locator(CHARTS)).to_have_count(3)
    whole_page_screenshot(page, "lifecycle-en")


def test_editing_a_cell_updates_the_links_s_parameter_and_the_link_reproduces_it(page, app_url):
    open_lifecycle(page, app_url, "lang=en")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("CNY 4,000")
    edit_cell(page, row=0, column=3, text="3")  # months of the renewal: 1 -> 3
    expect(main).to_contain_text("CNY 8,000")
    expect(page).to_have_url(re.compile(r"[?&]s="))
    link = page.url
    events = decode_document(parse_qs(urlparse(link).query)["s"][0])["events"]
    assert events == [{"date": "2022-08-01", "action": "renew", "months": 3}]
    open_lifecycle(page, app_url, urlparse(link).query)
    expect(main).to_contain_text("CNY 8,000")
    expect(main).to_contain_text("new expiry 2022-11-01")


def test_a_bad_uploaded_file_is_explained_and_the_scenario_kept(page, app_url, tmp_path):
    open_lifecycle(page, app_url, "lang=en")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"start": "2022-05-01", "months": 1, "until": "2022-10-01", "users": 150_000,
                               "events": [{"date": "2022-08-01", "action": "renew", "months": "one"}]}))
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(bad))
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("The file bad.json was not loaded: Row 1 · Months: must be a whole number")
    expect(main).to_contain_text("Your current scenario is kept")
    expect(main).to_contain_text("CNY 4,000")


def test_an_uploaded_scenario_replaces_the_current_one(page, app_url, tmp_path):
    open_lifecycle(page, app_url, "lang=en")
    good = tmp_path / "growth.json"
    good.write_text(json.dumps({"start": "2023-01-01", "months": 6, "until": "2023-07-01", "users": 240_000,
                                "events": [{"date": "2023-03-20", "action": "buy_packs", "units": 1}]}))
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(good))
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("Loaded the file growth.json")
    expect(main).to_contain_text("CNY 18,000")
    expect(page).to_have_url(re.compile(r"[?&]s="))


@pytest.fixture
def fresh_server() -> Iterator[str]:
    """A server of its own, so the shared link below is its very first request."""
    proc, base = start_server()
    yield base
    stop_server(proc)


def test_a_shared_link_opened_first_on_a_fresh_server_reproduces_the_scenario_in_its_language(page, fresh_server):
    link = encode_document({"start": "2022-05-01", "months": 1, "until": "2022-10-01", "users": 150_000,
                            "events": [{"date": "2022-08-01", "action": "renew", "months": 2}]})
    open_lifecycle(page, fresh_server, f"lang=en&s={link}")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("Lifecycle simulator")
    expect(main).to_contain_text("CNY 6,000")
    expect(page.get_by_test_id("stSidebar")).to_contain_text("English")
    expect(page.get_by_text("Page not found")).to_have_count(0)


def test_a_change_of_the_users_redraws_the_capacity_chart_from_its_kept_spec(page, app_url):
    open_lifecycle(page, app_url, "lang=en")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("Users 150,000 throughout; Capacity between 0 and 200,000; "
                                 "users never exceed capacity.")
    field = page.get_by_label("Users at start")
    capacity = page.locator(CHARTS).nth(1).locator("svg.marks")  # the timeline, then the capacity chart
    drawn = []
    for users, over in (("260000", "60,000"), ("275000", "75,000")):  # the second swaps data into the kept spec
        field.fill(users)
        field.press("Enter")
        # The caption is the spec's description, as draw() places it under the chart.
        expect(main).to_contain_text(f"Users {users[:3]},000 throughout; Capacity between 0 and 200,000; "
                                     f"over capacity on 62 days, by up to {over} users.")
        page.wait_for_selector(IDLE)
        expect(page.locator(f"{CHARTS} svg.marks")).to_have_count(3)
        if drawn:  # the users line and the over-capacity band move with the swapped data
            page.wait_for_function(
                "([selector, before]) => { const svg = document.querySelectorAll(selector)[1];"
                " return svg && svg.innerHTML !== before; }", arg=[f"{CHARTS} svg.marks", drawn[0]])
        drawn.append(capacity.inner_html())
    whole_page_screenshot(page, "lifecycle-users-over-capacity")
