"""Shared test helpers."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType

from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from smop_pricing.i18n import t
from smop_ui.registry import PAGES, PageSpec

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
SHARED = "_shared_"  # smop_ui.params shares each parameter's value under this prefix


def shown(markdown: str) -> str:
    """What a Markdown body shows of the text smop_ui.markdown quotes: code spans as their content,
    backslash escapes as the character, word joiners (U+2060) as nothing."""
    out: list[str] = []
    i = 0
    while i < len(markdown):
        char = markdown[i]
        if char == "\\" and i + 1 < len(markdown) and markdown[i + 1] in string.punctuation:
            out.append(markdown[i + 1])
            i += 2
        elif char == "`":
            fence = re.match(r"`+", markdown[i:]).group(0)  # type: ignore[union-attr]
            close = re.compile(rf"(?<!`){fence}(?!`)").search(markdown, i + len(fence))
            if close is None:
                out.append(fence)
                i += len(fence)
                continue
            content = markdown[i + len(fence) : close.start()]
            if len(content) > 1 and content[0] == content[-1] == " " and content.strip():
                content = content[1:-1]
            out.append(content)
            i = close.end()
        else:
            out.append("" if char == "\u2060" else char)
            i += 1
    return "".join(out)


_CARD = re.compile(r"## (?P<value>[^\n]*)\n\n(?P<label>[^\n]*)(?:\n\n:[a-z]+-badge\[[^\n]*\])?\Z")


def read_card(markdown: str) -> tuple[str, str] | None:
    """(label, value) as shown of a figure card's Markdown (smop_ui.headline), its badge left out;
    None for any other Markdown."""
    match = _CARD.match(markdown)
    return None if match is None else (shown(match["label"]), shown(match["value"]))


def headlines(at: AppTest) -> dict[str, str]:
    """The page's figure cards (smop_ui.headline), label -> value as shown."""
    cards = (read_card(str(m.value)) for m in at.markdown)
    return {card[0]: card[1] for card in cards if card is not None}


def figures(at: AppTest) -> dict[str, str]:
    """Every figure the page shows: its headline cards, then its metrics (label -> value)."""
    return {**headlines(at), **{m.label: str(m.value) for m in at.metric}}


def app_test(page: str | None = None, **params: str) -> AppTest:
    """AppTest of the router with URL parameters set, switched to ``page`` and run."""
    at = AppTest.from_file(APP, default_timeout=30)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    return at


def page_test(spec: PageSpec, **params: str | list[str]) -> AppTest:
    """AppTest of the router opening ``spec``'s page first, as its link does in a fresh session.

    ``app_test`` runs the default page before switching, and that run already reads (and
    drops) the URL parameters the pages share. AppTest can only address a page by its
    script hash before the first run; st.Page hashes its url_path.
    """
    at = AppTest.from_file(APP, default_timeout=30)
    for name, value in params.items():
        at.query_params[name] = value
    at._page_hash = calc_hash(spec.url_path)  # private: AppTest.switch_page needs a first run
    at.run()
    assert at._finished_page_script_hash == calc_hash(spec.url_path), f"{spec.file} did not run first"
    return at


@cache
def section(at: AppTest, key: str) -> AppTest:
    """Open the section tab ``key`` (compare, cliffs, audit, questions) as a visitor clicks it: only
    the open section is drawn (issue 18); the portfolio's is always there."""
    lang = at.button_group(key="lang").value
    at.session_state[f"review_section_{lang}"] = t(f"review.tab_{key}", lang)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def page_parameters(url_path: str) -> Mapping[str, object]:
    """A page's URL parameters (the language aside) and their defaults, found by running it:
    smop_ui.params.write_url shares each one in the session as ``_shared_<name>``."""
    spec = next(spec for spec in PAGES if spec.url_path == url_path)
    at = page_test(spec)
    assert not at.exception
    return MappingProxyType({
        key[len(SHARED):]: at.session_state[key] for key in list(at.session_state.keys())
        if key.startswith(SHARED) and key != SHARED + "lang"
    })
