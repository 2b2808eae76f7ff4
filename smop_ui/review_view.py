"""The review page's costly results, built once per distinct input and kept.

What depends on the what-if tariff is kept in the session's own state (``smop_ui.charts.memo``):
the what-if tariff never leaves the session. What depends on the published tariff alone (every
session's starting point, and the published side of each comparison) is kept once for all
sessions with ``st.cache_data``. The results come from the core (``smop_pricing.review``,
``smop_pricing.audit``) and the pure chart builders; no pricing rule lives here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from smop_pricing.audit import AuditRow, audit, audit_frame
from smop_pricing.charts.review import compare_chart, difference_chart, overpay_chart
from smop_pricing.errors import SmopError
from smop_pricing.review import (
    CurveSummary,
    DifferenceSummary,
    cliffs,
    cliffs_table,
    compare_curves,
    curve_summary,
    difference_summary,
    error_text,
    overpay_by_need,
)
from smop_pricing.tariff import Tariff, published_tariff
from smop_ui.charts import memo, vega_spec

T = TypeVar("T")
_ENTRIES = 64


@dataclass(frozen=True)
class CompareView:
    """The compare section for one pair of tariffs and range: the charts and the summaries."""

    compare_spec: dict[str, Any]
    difference_spec: dict[str, Any]
    difference: DifferenceSummary
    published: CurveSummary
    whatif: CurveSummary


@dataclass(frozen=True)
class CliffsView:
    """One tariff's cliffs up to a number of units: how many, the worst overpay (fen), the table."""

    count: int
    worst_fen: int
    table: pd.DataFrame


@dataclass(frozen=True)
class AuditView:
    rows: tuple[AuditRow, ...]
    frame: pd.DataFrame


def _kept(name: str, tariffs: tuple[Tariff, ...], key: tuple[Any, ...], shared: Callable[[], T],
          build: Callable[[], T]) -> T:
    """``shared()`` when every tariff is the published one (kept for all sessions), else ``build()``;
    either kept in this session too for ``key``, so that a rerun takes it without a copy."""
    published = all(tariff == published_tariff() for tariff in tariffs)
    return memo(name, (tariffs, key), shared if published else build)


def _build_compare(published: Tariff, whatif: Tariff, users: int, months: int, lang: str) -> CompareView | str:
    try:
        frame = compare_curves(published, whatif, users, months)
    except SmopError as error:
        return error_text(error, lang)
    return CompareView(
        vega_spec(compare_chart(frame, lang)),
        vega_spec(difference_chart(frame, lang)),
        difference_summary(frame),
        curve_summary(frame, "baseline"),
        curve_summary(frame, "whatif"),
    )


@st.cache_data(max_entries=_ENTRIES, show_spinner=False)
def _shared_compare(users: int, months: int, lang: str) -> CompareView | str:
    published = published_tariff()
    return _build_compare(published, published, users, months, lang)


def compare_view(published: Tariff, whatif: Tariff, users: int, months: int, lang: str) -> CompareView | str:
    """The compare section's charts and summaries, or the text of the error that prevents them."""
    return _kept("rv_compare", (published, whatif), (users, months, lang),
                 lambda: _shared_compare(users, months, lang),
                 lambda: _build_compare(published, whatif, users, months, lang))


def _build_cliffs(tariff: Tariff, units: int, lang: str) -> CliffsView:
    frame = cliffs(tariff, units)
    worst = int(frame["max_overpay_fen"].max()) if len(frame) else 0
    return CliffsView(len(frame), worst, cliffs_table(frame, lang))


@st.cache_data(max_entries=_ENTRIES, show_spinner=False)
def _shared_cliffs(units: int, lang: str) -> CliffsView:
    return _build_cliffs(published_tariff(), units, lang)


def cliffs_view(tariff: Tariff, units: int, lang: str, slot: str) -> CliffsView:
    """``slot`` names the session's keeping place (one per tariff shown)."""
    return _kept(f"rv_cliffs_{slot}", (tariff,), (units, lang),
                 lambda: _shared_cliffs(units, lang), lambda: _build_cliffs(tariff, units, lang))


@st.cache_data(max_entries=_ENTRIES, show_spinner=False)
def _shared_overpay(units: int, lang: str) -> dict[str, Any]:
    published = published_tariff()
    return vega_spec(overpay_chart(overpay_by_need(published, published, units), lang))


def overpay_spec(published: Tariff, whatif: Tariff, units: int, lang: str) -> dict[str, Any]:
    return _kept("rv_overpay", (published, whatif), (units, lang), lambda: _shared_overpay(units, lang),
                 lambda: vega_spec(overpay_chart(overpay_by_need(published, whatif, units), lang)))


def _build_audit(tariff: Tariff, lang: str) -> AuditView:
    rows = audit(tariff)
    return AuditView(rows, audit_frame(rows, lang))


@st.cache_data(max_entries=_ENTRIES, show_spinner=False)
def _shared_audit(lang: str) -> AuditView:
    return _build_audit(published_tariff(), lang)


def audit_view(tariff: Tariff, lang: str, slot: str) -> AuditView:
    return _kept(f"rv_audit_{slot}", (tariff,), (lang,), lambda: _shared_audit(lang),
                 lambda: _build_audit(tariff, lang))
