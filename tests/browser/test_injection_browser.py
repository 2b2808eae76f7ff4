"""No script injection, in the real browser: `<script>`, `<img onerror>`, attribute break-outs,
`javascript:` links, remote images and LaTeX links fed through every way in (each page's URL
parameters, the review page's uploaded tariff and its text input) are shown as text and run
nothing: no window.__pwned, no changed title, no dialog, no request leaving 127.0.0.1.

Also here, as it needs the same page: a file over the server's upload limit is refused by the
uploader and the user's edits stay.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import expect

from smop_pricing.pricing.tariff import published_tariff, tariff_to_toml
from smop_ui.markdown import unlinked, visible
from smop_ui.registry import PAGES
from tests.browser.conftest import IDLE, open_app
from tests.conftest import page_parameters

CANARY = "http://127.0.0.2:9"  # nothing listens; a request for it means a payload fetched something
PAYLOADS = (
    "<script>window.__pwned='script'</script>",
    "<img src=x onerror=\"window.__pwned='img'\">",
    "\"'><svg onload=\"window.__pwned='svg'\">",
    "[click](javascript:window.__pwned='link')",
    f"![x]({CANARY}/markdown.png)",
    "$\\href{javascript:window.__pwned='tex'}{x}$ :red[x]",
    "x\n# FREE http://127.0.0.2:9/x www.example.com a@b.cn",  # under 64 characters: shown whole
)
UNSAFE_DOM = """() => ({
    pwned: window.__pwned === undefined ? null : String(window.__pwned),
    title: document.title,
    scripts: document.querySelectorAll('[data-testid="stMain"] script').length,
    handlers: document.querySelectorAll('[onerror], [onload], [onclick], [onmouseover]').length,
    js_links: [...document.querySelectorAll('a[href]')].filter(a => /^\\s*javascript:/i.test(a.href)).length,
    foreign_images: [...document.querySelectorAll('[data-testid="stMain"] img')]
        .filter(i => !i.src.startsWith(location.origin) && !i.src.startsWith('data:')).length,
    alert_headings: document.querySelectorAll('[data-testid="stAlert"] :is(h1, h2, h3, h4, h5, h6)').length,
    foreign_links: [...document.querySelectorAll('[data-testid="stMain"] a[href]')]
        .filter(a => !a.href.startsWith(location.origin)).map(a => a.href),
})"""


@dataclass
class Watch:
    """What a page did that it must not: dialogs, requests beyond 127.0.0.1."""

    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> None:
        def on_dialog(dialog: Any) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        def on_request(request: Any) -> None:
            host = urllib.parse.urlsplit(request.url).hostname
            if request.url.startswith("http") and host != "127.0.0.1":
                self.requests.append(request.url)

        page.on("dialog", on_dialog)
        page.on("request", on_request)


@pytest.fixture
def watched(page) -> Iterator[tuple[Any, Watch]]:
    watch = Watch()
    watch.attach(page)
    yield page, watch


def assert_nothing_ran(page: Any, watch: Watch) -> None:
    page.wait_for_selector(IDLE)
    state = page.evaluate(UNSAFE_DOM)
    assert state["pwned"] is None
    assert "pwned" not in state["title"]
    assert (state["scripts"], state["handlers"], state["js_links"], state["foreign_images"]) == (0, 0, 0, 0), state
    assert state["alert_headings"] == 0, state
    assert not [link for link in state["foreign_links"] if "127.0.0.2" in link or "example.com" in link], state
    assert watch.dialogs == []
    assert watch.requests == []


# Names a page may read without smop_ui.params (the lifecycle page's scenario link and preset):
# every page gets payloads there too; a page that reads one shows its own notice.
OWN_NAMES = ("s", "preset")


def links_carrying_every_payload(url_path: str) -> list[tuple[dict[str, str], dict[str, str]]]:
    """(shown, other) query parts: each payload goes to one of the page's parameters (the
    language too), shown in a notice as typed; OWN_NAMES get payloads as well."""
    names = ["lang", *page_parameters(url_path)]
    links = []
    for start in range(0, len(PAYLOADS), len(names)):
        chunk = PAYLOADS[start : start + len(names)]
        own = OWN_NAMES[(start // len(names)) % len(OWN_NAMES)]  # one at a time: s would hide preset
        others = {own: PAYLOADS[(start + 6) % len(PAYLOADS)]}
        links.append((dict(zip(names, chunk, strict=False)), others))
    return links


@pytest.mark.parametrize("spec", PAGES, ids=lambda spec: spec.url_path)
def test_payloads_in_every_url_parameter_of_every_page_are_shown_as_text_and_run_nothing(watched, app_url, spec):
    page, watch = watched
    names = {n for n, d in page_parameters(spec.url_path).items() if d == ""}  # free text: shown, no notice
    for link, others in links_carrying_every_payload(spec.url_path):
        open_app(page, f"{app_url}{spec.link}?{urllib.parse.urlencode({**link, **others})}")
        main = page.get_by_test_id("stMain")
        for name, payload in link.items():
            if name in names:
                # the option's name, as text, in the comparison table (not in a chart's axis, whose
                # label Vega cuts to fit the font's width: a machine without the same font cuts sooner)
                shown = unlinked(visible(" ".join(payload.split())))[:24]
                expect(main.locator("table").filter(has_text=shown).first).to_be_visible()
            else:
                expect(main).to_contain_text(unlinked(visible(f"{name}={payload}")))  # as smop_ui.markdown shows it
        expect(page.get_by_test_id("stException")).to_have_count(0)
        assert_nothing_ran(page, watch)


def tariff_with(**values: str) -> bytes:
    text = tariff_to_toml(published_tariff())
    for key, value in values.items():
        old = next(line for line in text.splitlines() if line.startswith(f"{key} = "))
        text = text.replace(old, f"{key} = {value}", 1)
    return text.encode()


def toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def upload(page: Any, name: str, content: bytes) -> None:
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": name, "mimeType": "application/toml", "buffer": content}]
    )


def test_payloads_in_an_uploaded_tariff_and_the_fee_field_are_shown_as_text_and_run_nothing(watched, app_url):
    page, watch = watched
    open_app(page, f"{app_url}/pricing-review?lang=en")
    main = page.get_by_test_id("stMain")

    # A valid tariff whose name, English name and version are payloads: it loads.
    upload(page, "named.toml", tariff_with(name=toml_string(PAYLOADS[0]), name_en=toml_string(PAYLOADS[1]),
                                           version=toml_string(PAYLOADS[2]), monthly_fee='"2100"'))
    expect(main).to_contain_text("The uploaded tariff is loaded.")
    assert_nothing_ran(page, watch)

    # A tariff whose fee is a payload: refused, the payload quoted as typed.
    for payload in PAYLOADS[3:]:
        upload(page, "bad.toml", tariff_with(monthly_fee=toml_string(payload)))
        expect(main).to_contain_text(unlinked(visible(f"(got {payload})")))
        assert_nothing_ran(page, watch)

    # The fee typed as a payload: the error under the field quotes it as typed.
    fee = page.get_by_role("textbox", name="Monthly fee (CNY)")
    for payload in PAYLOADS[0:5:2]:  # a text input holds no newline
        fee.fill(payload)
        fee.press("Enter")
        expect(main).to_contain_text(unlinked(f"(got {payload.strip()})"))
        assert_nothing_ran(page, watch)
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_a_file_over_the_uploaders_limit_is_refused_and_the_edits_stay(page, app_url, tmp_path):
    open_app(page, f"{app_url}/pricing-review?lang=en")
    fee = page.get_by_role("textbox", name="Monthly fee (CNY)")
    fee.fill("2500")
    fee.press("Enter")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("differs from the published one in 1 place(s)")
    big = tmp_path / "big.toml"
    with big.open("wb") as out:
        out.truncate(21 * 1024 * 1024)  # over the 20 MB server.maxUploadSize
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(big))
    expect(page.get_by_test_id("stFileUploader")).to_contain_text("File must be 1.0MB or smaller")
    page.wait_for_selector(IDLE)
    expect(fee).to_have_value("2500")
    expect(main).to_contain_text("differs from the published one in 1 place(s)")
    expect(page.get_by_test_id("stException")).to_have_count(0)
