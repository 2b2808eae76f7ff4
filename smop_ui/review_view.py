"""The review page's costly results, built once per distinct input and kept in the session.

They are kept in the session's own state (``smop_ui.charts.memo``), the last one per section:
they depend on the what-if tariff, which never leaves the session. The results come from the
core (``smop_pricing.review.editor``, ``smop_pricing.review.audit``) and the pure chart builders; no pricing
rule lives here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

from smop_pricing.charts.review import compare_chart, difference_chart, overpay_chart
from smop_pricing.errors import SmopError
from smop_pricing.i18n import t
from smop_pricing.pricing.tariff import Tariff
from smop_pricing.review.audit import audit, audit_frame
from smop_pricing.review.curves import (
    CurveSummary,
    DifferenceSummary,
    cliffs,
    cliffs_table,
    compare_curves,
    curve_summary,
    difference_summary,
    overpay_by_need,
)
from smop_pricing.review.editor import error_text
from smop_pricing.review.figures import AuditRow
from smop_ui.charts import Spec, arrow, memo, vega_spec


@dataclass(frozen=True)
class CompareView:
    """The compare section for one pair of tariffs and range: the charts and the summaries."""

    compare_spec: Spec
    difference_spec: Spec
    difference: DifferenceSummary
    published: CurveSummary
    whatif: CurveSummary


@dataclass(frozen=True)
class CliffsView:
    """One tariff's cliffs up to a number of units: how many, the worst overpay (fen), the table."""

    count: int
    worst_fen: int
    table: pa.Table


@dataclass(frozen=True)
class AuditView:
    """The audit of one tariff: its rows, and the table as shown (worded, in the page's language)."""

    rows: tuple[AuditRow, ...]
    shown: pa.Table


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


def compare_view(published: Tariff, whatif: Tariff, users: int, months: int, lang: str) -> CompareView | str:
    """The compare section's charts and summaries, or the text of the error that prevents them."""
    return memo("rv_compare", (published, whatif, users, months, lang),
                lambda: _build_compare(published, whatif, users, months, lang))


def _build_cliffs(tariff: Tariff, units: int, lang: str) -> CliffsView:
    frame = cliffs(tariff, units)
    worst = int(frame["max_overpay_fen"].max()) if len(frame) else 0
    return CliffsView(len(frame), worst, arrow(cliffs_table(frame, lang)))


def cliffs_view(tariff: Tariff, units: int, lang: str, slot: str) -> CliffsView:
    """``slot`` names the session's keeping place (one per tariff shown)."""
    return memo(f"rv_cliffs_{slot}", (tariff, units, lang), lambda: _build_cliffs(tariff, units, lang))


def overpay_spec(published: Tariff, whatif: Tariff, units: int, lang: str) -> Spec:
    return memo("rv_overpay", (published, whatif, units, lang),
                lambda: vega_spec(overpay_chart(overpay_by_need(published, whatif, units), lang)))


def _shown_audit(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The audit frame as the page shows it: no section column, a verdict in words, worded headers."""
    shown = frame.drop(columns=["section"])
    shown["agrees"] = [t("review.verdict_agree" if ok else "review.verdict_differ", lang) for ok in shown["agrees"]]
    return shown.rename(columns={name: t(f"review.col_{name}", lang) for name in shown.columns})


def _build_audit(tariff: Tariff, lang: str) -> AuditView:
    rows = audit(tariff)
    return AuditView(rows, arrow(_shown_audit(audit_frame(rows, lang), lang)))


def audit_view(tariff: Tariff, lang: str, slot: str) -> AuditView:
    return memo(f"rv_audit_{slot}", (tariff, lang), lambda: _build_audit(tariff, lang))
