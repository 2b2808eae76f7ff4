"""The language switch and the footer every page shares."""

from __future__ import annotations

from types import MappingProxyType

import streamlit as st

from smop_pricing.i18n import DEFAULT_LANG, LANGS, t
from smop_pricing.pricing.tariff import Tariff, tariff_label
from smop_ui.params import ChoiceParam, seed, write_url

LANG_PARAM = ChoiceParam("lang", DEFAULT_LANG, LANGS)
_LABELS = MappingProxyType({"zh": "中文", "en": "English"})


def initial_language() -> str:
    """The language of this run (from the URL on a session's first run), before any widget exists.

    The router needs it for the page titles, and must call ``st.navigation`` before it
    draws the switch: a widget drawn before ``st.navigation`` loses the first click made
    on it after the page loads (seen with streamlit 1.67 in a real browser).
    """
    seed([LANG_PARAM], DEFAULT_LANG)
    return current_lang()


def language_switch() -> str:
    """The sidebar's zh/en switch, bound to the URL parameter ``lang``. Call it after ``st.navigation``."""
    seed([LANG_PARAM], DEFAULT_LANG)
    lang = st.session_state.get("lang", DEFAULT_LANG)
    st.sidebar.segmented_control(
        t("nav.language", lang),
        options=list(LANGS),
        format_func=_LABELS.__getitem__,
        key="lang",
        required=True,
    )
    write_url([LANG_PARAM])
    return current_lang()


def current_lang() -> str:
    value = st.session_state.get("lang", DEFAULT_LANG)
    return value if value in LANGS else DEFAULT_LANG


def footer(tariff: Tariff, lang: str) -> None:
    st.divider()
    # the tariff in words with its date, never the bare version "published" (issue 13)
    st.caption(t("nav.footer_tariff", lang, tariff=tariff_label(tariff, lang)))
