"""The quote page's charts: users against capacity, and the compared totals."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from smop_pricing.charts import summary
from smop_pricing.charts.sizing import fit_width
from smop_pricing.i18n import t
from smop_pricing.money import users_axis_expr
from smop_pricing.pricing.rules import Quote

INCLUDED_COLOR = "#A9BCD6"
HELD_COLOR = "#5A8DEE"
NEW_COLOR = "#006EFF"
USERS_COLOR = "#F97066"
BASE_COLOR = "#A9BCD6"
PACKS_COLOR = "#006EFF"
# Encodings are channel objects (alt.X, alt.Text), not shorthand strings: for a string Altair
# indexes its whole schema to find the class, a few milliseconds per encoding. Axes, scales and
# legends inside a channel are plain dicts (see CONTRIBUTING: same spec, no deep copies).


def _users_axis(lang: str, title: str) -> dict[str, Any]:
    if lang == "zh":
        return dict(title=title, labelExpr=users_axis_expr(lang), grid=True)
    return dict(title=title, format=",d", grid=True)


CAPACITY_COLUMNS = ("row", "part", "users", "order")
CapacityRow = tuple[str, str, int, int]  # row, part, users, order


def capacity_rows(q: Quote, lang: str) -> list[CapacityRow]:
    """``capacity_frame``'s rows as plain values (row, part, users, order)."""
    tariff = q.tariff
    users_label = t("quote.chart_users", lang)
    rows: list[CapacityRow] = [(users_label, users_label, q.users, 0)]
    purchases = [(t("quote.chart_row_literal", lang), q.purchase.units)]
    if q.has_cheaper:
        purchases.append((t("quote.chart_row_cheapest", lang), q.cheapest.units))
    for row, units in purchases:
        parts = [
            (t("quote.chart_included", lang), tariff.included_users),
            (t("quote.chart_held", lang), q.held_units * tariff.pack_users),
            (t("quote.chart_new", lang), units * tariff.pack_users),
        ]
        for order, (part, users) in enumerate(parts, start=1):
            if users > 0:
                rows.append((row, part, users, order))
    return rows


def capacity_frame(q: Quote, lang: str) -> pd.DataFrame:
    """The users to operate as one bar, then one bar per purchase (literal, and cheapest when
    cheaper) split into what makes its capacity.

    Columns: row, part, users, order. Parts with no users are left out.
    """
    return capacity_rows_frame(capacity_rows(q, lang))


def capacity_rows_frame(rows: list[CapacityRow]) -> pd.DataFrame:
    """``capacity_rows`` as ``capacity_frame``."""
    return pd.DataFrame(rows, columns=list(CAPACITY_COLUMNS))


def capacity_marker(q: Quote) -> pd.DataFrame:
    """Where the capacity chart's dashed rule stands: the users to operate. Column: users."""
    return pd.DataFrame({"users": [q.users]})


def capacity_chart(q: Quote, lang: str) -> alt.LayerChart:
    """A bar of the users to operate over stacked capacity bars, a dashed rule at the users."""
    return capacity_frame_chart(capacity_frame(q, lang), capacity_marker(q), lang)


def capacity_frame_chart(frame: pd.DataFrame, marker: pd.DataFrame, lang: str) -> alt.LayerChart:
    """``capacity_chart`` from its frames (``capacity_frame``, ``capacity_marker``).

    The users figures enter the chart only as its data and its description (the text alternative);
    the rest of the spec follows the frame's rows and parts and the language (a page may keep the
    spec per shape and swap the data in: ``smop_ui.quote_view.capacity_spec``)."""
    axis_title = t("quote.chart_axis", lang)
    parts = [
        t("quote.chart_users", lang),
        t("quote.chart_included", lang),
        t("quote.chart_held", lang),
        t("quote.chart_new", lang),
    ]
    rows = list(dict.fromkeys(frame["row"]))
    present = set(frame["part"])  # the legend lists only the parts drawn (no "packs held" when none are)
    colors = [USERS_COLOR, INCLUDED_COLOR, HELD_COLOR, NEW_COLOR]
    legend = [(part, color) for part, color in zip(parts, colors, strict=True) if part in present]
    bars = (
        alt.Chart(frame)
        .mark_bar(height={"band": 0.62})
        .encode(
            x=alt.X("sum(users):Q", axis=_users_axis(lang, axis_title), stack="zero"),
            y=alt.Y("row:N", sort=rows, title=None, axis=dict(labelLimit=220, labelFontSize=12)),
            color=alt.Color(
                "part:N",
                scale=dict(domain=[part for part, _ in legend], range=[color for _, color in legend]),
                legend=dict(title=None, orient="bottom", direction="vertical", labelLimit=200),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("row:N", title=t("quote.compare_buy", lang)),
                alt.Tooltip("part:N", title=t("quote.chart_part", lang)),
                alt.Tooltip("users:Q", title=axis_title, format=",d"),
            ],
        )
    )
    rule = alt.Chart(marker).mark_rule(color=USERS_COLOR, strokeDash=[6, 3], size=2).encode(x=alt.X("users:Q"))
    return alt.LayerChart(layer=[bars, rule], height=56 * len(rows) + 20, autosize=fit_width(),
                          description=summary.quote_capacity(frame, lang))


def compare_chart(costs: pd.DataFrame, lang: str) -> alt.LayerChart:
    """Stacked totals of the compared options (``compare.compare_costs``), the total on top."""
    parts = [t("quote.part_base", lang), t("quote.part_packs", lang)]
    money = t("quote.chart_money", lang)
    options = list(dict.fromkeys(costs["option"]))
    base = alt.Chart()  # the data is the layer chart's: given to each layer, Altair would print it to compare
    bars = base.mark_bar(size=40).encode(
        x=alt.X("option:N", sort=options, title=None, axis=dict(labelAngle=0)),
        y=alt.Y("sum(cost):Q", title=money, axis=dict(format=",.0f")),
        color=alt.Color(
            "part:N",
            scale=dict(domain=parts, range=[BASE_COLOR, PACKS_COLOR]),
            legend=dict(title=None, orient="bottom"),
        ),
        order=alt.Order("order:Q"),
        tooltip=[
            alt.Tooltip("option:N", title=t("quote.chart_option", lang)),
            alt.Tooltip("part:N", title=t("quote.chart_part", lang)),
            alt.Tooltip("cost:Q", title=money, format=",.2~f"),
        ],
    )
    totals = (
        base.transform_aggregate(cost="sum(cost)", groupby=["option", "total"])
        .mark_text(baseline="bottom", dy=-4, fontWeight="bold")
        .encode(x=alt.X("option:N", sort=options), y=alt.Y("cost:Q", axis=dict(format=",.0f")),
                text=alt.Text("total:N"))
    )
    return alt.LayerChart(data=costs, layer=[bars, totals], height=260, autosize=fit_width(),
                          description=summary.quote_compare(costs, lang))
