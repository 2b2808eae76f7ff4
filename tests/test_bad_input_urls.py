"""Bad URL parameters on every page (smop_ui.registry.PAGES): garbage, huge, repeated, script and
quote characters, Markdown. Each bad parameter gets a notice in the user's language naming it and
quoting the value as typed; the page runs without an exception; the other parameters stay as the
link gave them.

A page's parameters are found by running it: smop_ui.params.write_url shares each one in the
session as ``_shared_<name>``, so a page added to PAGES is covered without listing its inputs.
"""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from smop_pricing.i18n import t
from smop_ui.markdown import quoted
from smop_ui.params import MAX_PARAM_CHARS
from smop_ui.registry import PAGES, PageSpec
from tests.conftest import page_parameters, page_test

# Names a page may read without smop_ui.params (a scenario link, a preset): they get garbage too.
OTHER_NAMES = ("s", "preset", "scenario", "tariff", "page", "embed", "embed_options")
BAD = {
    "garbage": "abc",
    "huge": "9" * 10_000,  # x 20 parameters: within Streamlit's 512 Ki-character query string
    "huge text": "漢" * 1_000,
    "script tag": "<script>window.__pwned=1</script>",
    "quotes and an img onerror": '"\'`"><img src=x onerror="window.__pwned=1">',
    "markdown link and image": "[click](javascript:window.__pwned=1)![x](http://127.0.0.2:9/p.png)",
    "latex and a colour directive": "$\\href{javascript:alert(1)}{x}$ :red[**free**]",
    "superscript digit": "²",
    "empty": "",
    "newline and nul": "1\n# heading\x00",
    "full-width digits far out of range": "９９９９９９９９９９９",
    "repeated": ["5", "<script>window.__pwned=1</script>"],
}


def free_text(defaults: dict[str, object]) -> set[str]:
    """Parameters any text is valid for (smop_ui.params.TextParam, default ''): the quote page's option
    names. They get no notice; they are kept as one line of at most their length."""
    return {name for name, default in defaults.items() if default == ""}


def notice_prefix(name: str, lang: str) -> str:
    return t("nav.bad_param", lang, name=name, value="\x00", rule="", default="").split("\x00")[0]


def page_params(url_path: str) -> dict[str, object]:
    return dict(page_parameters(url_path))


def spec_of(url_path: str) -> PageSpec:
    return next(spec for spec in PAGES if spec.url_path == url_path)


def text_of(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


WIDGET_TYPES = ("number_input", "date_input", "button_group", "selectbox", "radio", "slider")


def widget(at: AppTest, key: str) -> object | None:
    for kind in WIDGET_TYPES:
        for element in at.get(kind):
            if getattr(element, "key", None) == key:
                return element
    return None


def other_value(at: AppTest, name: str, default: object) -> str:
    """A valid value for ``name`` that differs from its default (the default when none is found)."""
    element = widget(at, name)
    if element is None:
        return text_of(default)
    kind = element.type
    if kind == "number_input":
        step = int(element.step or 1)
        value = int(element.value)
        return str(value + step if value + step <= element.max else value - step)
    if kind == "date_input":
        low, high = element.min, element.max
        return (low + (high - low) / 3).isoformat()
    if kind == "button_group":
        for option in element.options:
            try:
                same = element.format_func(option) == option  # the label is the value itself
            except KeyError:  # a label that is a translation
                same = False
            if same and option != text_of(default):
                return option
    return text_of(default)


def assert_runs_cleanly(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, "the page drew nothing"


@pytest.mark.parametrize("kind", list(BAD))
@pytest.mark.parametrize("url_path", [spec.url_path for spec in PAGES])
def test_a_bad_value_in_every_parameter_of_every_page_gets_a_notice_naming_it_and_no_exception(url_path, kind):
    defaults = page_params(url_path)
    value = BAD[kind]
    at = page_test(spec_of(url_path), lang="en", **{name: value for name in [*defaults, *OTHER_NAMES]})
    assert_runs_cleanly(at)
    shown = quoted(value[-1] if isinstance(value, list) else value, MAX_PARAM_CHARS)
    notices = [w.value for w in at.warning]
    for name in free_text(defaults):
        kept = at.session_state[name]
        assert isinstance(kept, str) and len(kept) <= 40 and "\n" not in kept, name
        assert not [text for text in notices if text.startswith(notice_prefix(name, "en"))]
    for name, default in defaults.items():
        if name in free_text(defaults):
            continue
        mine = [text for text in notices if text.startswith(notice_prefix(name, "en"))]
        assert len(mine) == 1, (name, notices)
        assert f"{name}={shown} " in mine[0]
        assert at.session_state[name] == default, name
    assert at.query_params.get("lang") == "en"


@pytest.mark.parametrize("url_path", [spec.url_path for spec in PAGES])
def test_a_bad_language_parameter_falls_back_to_chinese_and_every_notice_is_in_chinese(url_path):
    defaults = page_params(url_path)
    at = page_test(spec_of(url_path), **{name: "<b>x</b>" for name in ["lang", *defaults]})
    assert_runs_cleanly(at)
    notices = [w.value for w in at.warning if w.value.startswith(notice_prefix("", "zh").rstrip("="))]
    assert len(notices) == len(defaults) - len(free_text(defaults)) + 1
    assert at.session_state["lang"] == "zh"


@pytest.mark.parametrize("url_path", [spec.url_path for spec in PAGES])
def test_one_bad_parameter_leaves_the_others_as_the_link_gave_them(url_path):
    """Each parameter in turn is garbage; the others carry valid non-default values, repeated
    after a garbage one (the last of a repeated parameter counts)."""
    defaults = page_params(url_path)
    spec = spec_of(url_path)
    probe = page_test(spec, lang="en")
    good = {name: other_value(probe, name, default) for name, default in defaults.items()}
    clean = page_test(spec, lang="en", **good)
    assert_runs_cleanly(clean)
    assert not [w.value for w in clean.warning if w.value.startswith("Link parameter")], good
    for bad_name in defaults:
        link: dict[str, str | list[str]] = {name: ["junk", text] for name, text in good.items() if name != bad_name}
        at = page_test(spec, lang="en", **link, **{bad_name: "<script>x</script>"})
        assert_runs_cleanly(at)
        for name, text in good.items():
            if name != bad_name:
                assert text_of(at.session_state[name]) == text, (bad_name, name)
        assert [w.value for w in at.warning if w.value.startswith("Link parameter")] == [
            w for w in (w.value for w in at.warning) if w.startswith(notice_prefix(bad_name, "en"))
        ]


@pytest.mark.parametrize("url_path", [spec.url_path for spec in PAGES])
def test_a_query_string_beyond_streamlits_own_limits_opens_the_page_with_its_defaults(url_path):
    """Streamlit drops a query string of over 512 Ki characters or 1,000 fields before the page
    sees it: the page opens as if the link had none, without an exception."""
    defaults = page_params(url_path)
    for link in ({"users": "9" * 600_000}, {f"x{n}": "1" for n in range(1_001)}):
        at = page_test(spec_of(url_path), **link)
        assert_runs_cleanly(at)
        assert {name: at.session_state[name] for name in defaults} == defaults
