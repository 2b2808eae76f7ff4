"""Inputs bound to URL parameters, with a visible notice for a bad parameter.

On a widget's first appearance in a session its value is seeded from the URL (or,
failing that, from the value another page last shared, or the default). A value
that is malformed or out of range is replaced by the default and a notice names the
parameter, quoting the bad value as typed (never as Markdown: see smop_ui.markdown); the
other parameters are unaffected. After the page has read its widgets, ``write_url`` puts
the values back so the link reproduces the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from smop_pricing.errors import InputError
from smop_pricing.i18n import t
from smop_pricing.validation import parse_count
from smop_ui.markdown import quoted

_NOTICES = "_url_notices"
_FALLBACKS = "_url_notice_fallbacks"
_SHARED = "_shared_"
MAX_PARAM_CHARS = 64


@dataclass(frozen=True)
class IntParam:
    name: str
    default: int
    minimum: int
    maximum: int


@dataclass(frozen=True)
class DateParam:
    name: str
    default: dt.date | None = None
    minimum: dt.date = dt.date(2000, 1, 1)
    maximum: dt.date = dt.date(2099, 12, 31)


@dataclass(frozen=True)
class ChoiceParam:
    name: str
    default: str
    choices: tuple[str, ...]


@dataclass(frozen=True)
class TextParam:
    """Free text (a name): kept as one line of at most ``max_chars`` characters."""

    name: str
    default: str = ""
    max_chars: int = 40


Param = IntParam | DateParam | ChoiceParam | TextParam


def one_line(text: str, max_chars: int) -> str:
    """Whitespace runs (newlines too) as one space, trimmed, cut to ``max_chars``."""
    return " ".join(text.split())[:max_chars]


def _raw(name: str) -> str | None:
    if name not in st.query_params:
        return None
    values = st.query_params.get_all(name)
    return values[-1] if values else None


def _parse(param: Param, raw: str, lang: str) -> tuple[object, str | None]:
    """(value, None) when ``raw`` is valid for ``param``, else (default, rule text)."""
    if isinstance(param, TextParam):
        return one_line(raw, param.max_chars), None
    text = raw.strip()[:MAX_PARAM_CHARS]
    if isinstance(param, IntParam):
        # counts as people write them (validation.parse_count): 100万, 1,000,000, 2.5M, full-width digits
        rule = t("nav.rule_whole", lang, minimum=f"{param.minimum:,}", maximum=f"{param.maximum:,}")
        if len(raw) > MAX_PARAM_CHARS:
            return param.default, rule
        try:
            return parse_count(param.name, text, param.minimum, param.maximum), None
        except InputError:
            return param.default, rule
    if isinstance(param, DateParam):
        rule = t("nav.rule_date", lang, minimum=param.minimum.isoformat(), maximum=param.maximum.isoformat())
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            return param.default, rule
        if not param.minimum <= day <= param.maximum:
            return param.default, rule
        return day, None
    if text in param.choices:
        return text, None
    return param.default, t("nav.rule_choice", lang, choices=", ".join(param.choices))


def _carried(param: Param, value: object, lang: str, notices: dict[str, str]) -> object:
    """A value kept from an earlier run or another page, if this page's ``param`` accepts it.

    An out-of-range whole number is clamped to the nearest bound, anything else invalid
    becomes the default; either way a notice names the parameter.
    """
    used: object
    if isinstance(param, IntParam):
        if isinstance(value, int) and not isinstance(value, bool):
            used = min(max(value, param.minimum), param.maximum)
        else:
            used = param.default
        rule = t("nav.rule_whole", lang, minimum=f"{param.minimum:,}", maximum=f"{param.maximum:,}")
    elif isinstance(param, DateParam):
        used = value if value is None or isinstance(value, dt.date) else param.default
        rule = t("nav.rule_date", lang)
    elif isinstance(param, TextParam):  # a name: tidied silently, no notice
        return value[: param.max_chars] if isinstance(value, str) else param.default
    else:
        used = value if value in param.choices else param.default
        rule = t("nav.rule_choice", lang, choices=", ".join(param.choices))
    if used != value:
        notices[param.name] = t("nav.carried_param", lang, name=param.name, value=quoted(str(value)), rule=rule,
                                used="—" if used is None else used)
    return used


def seed(params: Sequence[Param], lang: str) -> None:
    """Give each widget key its first value: the URL's, else the shared one, else the default.

    A value already in the session (a widget's, maybe another page's) is set again: after a
    page switch Streamlit treats this page's widget as new and would otherwise start it at
    its own default instead of the value the user chose.
    """
    notices: dict[str, str] = st.session_state.setdefault(_NOTICES, {})
    fallbacks: dict[str, object] = st.session_state.setdefault(_FALLBACKS, {})
    for param in params:
        if param.name in st.session_state:
            st.session_state[param.name] = _carried(param, st.session_state[param.name], lang, notices)
            continue
        raw = _raw(param.name)
        value: object
        if raw is not None:
            value, rule = _parse(param, raw, lang)
            if rule is not None:
                default = "—" if param.default is None else param.default
                notices[param.name] = t(
                    "nav.bad_param", lang, name=param.name, value=quoted(raw, MAX_PARAM_CHARS),
                    rule=rule, default=default,
                )
                fallbacks[param.name] = value
                del st.query_params[param.name]
        elif _SHARED + param.name in st.session_state:
            value = _carried(param, st.session_state[_SHARED + param.name], lang, notices)
        else:
            value = param.default
        st.session_state[param.name] = value


def show_notices() -> None:
    """Show the notices about bad parameters, each until its input is set to another value."""
    notices: dict[str, str] = st.session_state.get(_NOTICES, {})
    fallbacks: dict[str, object] = st.session_state.get(_FALLBACKS, {})
    for name in list(notices):
        if name in fallbacks and st.session_state.get(name) != fallbacks[name]:
            notices.pop(name)
            fallbacks.pop(name)
    for text in notices.values():
        st.warning(text, icon=":material/warning:")


def write_url(params: Sequence[Param]) -> None:
    """Put the widgets' values in the URL (a default is left out) and share them across pages."""
    for param in params:
        value = st.session_state.get(param.name)
        st.session_state[_SHARED + param.name] = value
        if value is None or value == param.default:
            if param.name in st.query_params:
                del st.query_params[param.name]
            continue
        text = _text(value)
        if _raw(param.name) != text:
            st.query_params[param.name] = text
            st.session_state.get(_NOTICES, {}).pop(param.name, None)


def _text(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def clear_url(params: Sequence[Param]) -> None:
    """Take parameters of inputs not shown on this run out of the URL (and their notices)."""
    for param in params:
        if param.name in st.query_params:
            del st.query_params[param.name]
        st.session_state.get(_NOTICES, {}).pop(param.name, None)


def full_link(base: str, query: str) -> str:
    """The app's address (``st.context.url``, no query) with ``query``: 'http://host/?users=…'."""
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query.lstrip("?"), ""))


def share_query(params: Sequence[Param], always: Sequence[str] = ()) -> str:
    """'?users=1000000&months=1': the current values that differ from the defaults, plus ``always``."""
    pairs = []
    for param in params:
        value = st.session_state.get(param.name)
        if value is None or (value == param.default and param.name not in always):
            continue
        pairs.append((param.name, _text(value)))
    return "?" + urlencode(pairs) if pairs else ""
