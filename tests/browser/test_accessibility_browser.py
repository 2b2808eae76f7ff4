"""Accessibility (WCAG 2.1 AA, issue 20): axe-core in Chromium on every registered page, in both
languages, on a desktop and a phone-width window.

axe-core comes bundled in the `axe-playwright-python` package (pinned in requirements-dev.txt; its
axe.min.js is injected into the page, nothing is fetched). The rules run are axe's WCAG 2.0/2.1 A
and AA sets plus its best practices. A violation fails the test whatever its impact (axe's
serious and critical ones are what WCAG AA forbids; the moderate and minor ones, heading order and
empty table headers, were fixed too and must stay fixed) unless it is listed, by rule and element,
in tests/browser/axe_allowlist.toml: Streamlit-internal items only (see README "Known limitations").

The suite parametrizes over `smop_ui.registry.PAGES`: a page is covered the day it is registered.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from smop_ui.registry import PAGES
from tests.browser.conftest import IDLE, screenshot

ALLOWLIST = Path(__file__).with_name("axe_allowlist.toml")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
WIDTHS = (1440, 390)
LANGS = ("zh", "en")
# Every chart on screen drawn (Vega renders after the script has finished) before axe looks; a
# chart in a tab not shown (the review page's) may wait to be drawn until its tab is opened.
CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
    .filter(chart => chart.offsetParent !== null)
    .every(chart => chart.querySelector('svg.marks, canvas'))"""
# For each flagged element (axe's selector), the allow-list entries of its rule that it matches.
MATCHES = """([target, selectors]) => {
    const element = document.querySelector(target);
    return element ? selectors.filter(selector => element.matches(selector)) : [];
}"""


def allowlist() -> list[dict[str, Any]]:
    with ALLOWLIST.open("rb") as file:
        return list(tomllib.load(file)["allow"])


def settle(page: Any) -> None:
    """Wait until the app's script has finished and every chart is drawn."""
    page.wait_for_selector(IDLE)
    page.wait_for_function(CHARTS_DRAWN)


def run_axe(page: Any) -> list[dict[str, Any]]:
    """axe's violations on the page as it stands, each node with its rule, impact and selector."""
    options = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options).response
    return [
        {"rule": v["id"], "impact": v["impact"], "target": " ".join(map(str, node["target"])),
         "html": node["html"][:160], "why": node.get("failureSummary", "")[:240]}
        for v in results["violations"] for node in v["nodes"]
    ]


def not_allowed(page: Any, violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The violations no allow-list entry covers (same rule, and the element matches its selector)."""
    entries = allowlist()
    left = []
    for violation in violations:
        selectors = [e["selector"] for e in entries if e["rule"] == violation["rule"]]
        if not selectors or not page.evaluate(MATCHES, [violation["target"], selectors]):
            left.append(violation)
    return left


@pytest.mark.parametrize("width", WIDTHS, ids=lambda w: f"{w}px")
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("spec", PAGES, ids=lambda spec: spec.url_path)
def test_every_page_has_no_accessibility_violation_outside_the_streamlit_allow_list(
    browser, app_url, spec, lang, width
):
    locale = "zh-CN" if lang == "zh" else "en-US"
    context = browser.new_context(viewport={"width": width, "height": 1000}, locale=locale)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{app_url}{spec.link}?lang={lang}")
        page.wait_for_selector('[data-testid="stMain"]')
        settle(page)
        violations = run_axe(page)
        left = not_allowed(page, violations)
        if width == WIDTHS[0] or spec.default:
            screenshot(page, f"a11y_{spec.url_path}_{lang}_{width}")
        assert not left, "\n".join(
            f"{v['impact']} {v['rule']}: {v['target']}\n  {v['html']}\n  {v['why']}" for v in left)
    finally:
        context.close()


def test_the_allow_list_names_only_streamlit_widgets_each_with_a_rule_and_a_reason():
    entries = allowlist()
    assert entries
    for entry in entries:
        assert entry["rule"] and entry["reason"].strip() and entry["widget"].startswith("st.")
        # Streamlit's own test ids, never one of our elements nor a generated class name
        assert 'data-testid="st' in entry["selector"] and "emotion" not in entry["selector"]


def test_the_allow_listed_items_are_listed_in_the_readme_known_limitations():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    limitations = readme.split("## Known limitations", 1)[1]
    for entry in allowlist():
        assert entry["rule"] in limitations and entry["widget"] in limitations


def test_the_check_flags_low_contrast_text_an_unnamed_image_and_a_skipped_heading(page):
    # The harness itself: a page with three known faults comes back with each one, none allowed.
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main><h1>Title</h1><h3>Skipped</h3>'
        '<p style="color:#AAAAAA">faint text</p><svg role="img" width="10" height="10"></svg></main></body></html>'
    )
    rules = {v["rule"] for v in not_allowed(page, run_axe(page))}
    assert {"color-contrast", "svg-img-alt", "heading-order"} <= rules


# Pages in the states a first visit does not show: a start date (the term dates table), three
# compared quotes, held packs; a lifecycle with refusals, over-capacity and a locked console.
STATES = (
    "/?users=2500000&months=12&held=2&start=2026-01-15&compare=3&lang=zh",
    "/lifecycle-simulator?preset=console_lock&lang=en",
    "/lifecycle-simulator?preset=growth&lang=zh",
)


@pytest.mark.parametrize("link", STATES)
def test_a_page_in_a_fuller_state_has_no_accessibility_violation_outside_the_allow_list(page, app_url, link):
    page.goto(f"{app_url}{link}")
    page.wait_for_selector('[data-testid="stMain"]')
    settle(page)
    left = not_allowed(page, run_axe(page))
    assert not left, "\n".join(f"{v['impact']} {v['rule']}: {v['target']}\n  {v['html']}" for v in left)
