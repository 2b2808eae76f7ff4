"""Charts of cost against user count for the cost-curve page: pure builders.

In: the engine's ``cost_curve`` DataFrames (money as int64 fen). Out: Altair charts.
Money becomes yuan floats only inside the chart data, for the axes; the CSV keeps it
exact. The builders know no language: every text they show comes in as a labels
mapping (``chart_labels``), and the data helpers that write text take ``lang``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import altair as alt
import numpy as np
import numpy.typing as npt
import pandas as pd

from smop_pricing.charts import summary
from smop_pricing.charts.sizing import fit_width
from smop_pricing.i18n import DEFAULT_LANG, t
from smop_pricing.money import format_money, format_users, plan_text, users_axis_expr, yuan_text
from smop_pricing.pricing.rules import capacity, cliff_runs, need_users, per_thousand_fen
from smop_pricing.pricing.tariff import Tariff
from smop_pricing.pricing.vector import cost_curve
from smop_pricing.safe_io import csv_text

GRID_STEP = 100_000
PER_THOUSAND_TERMS = (1, 12, 24)
Measure = Literal["total", "packs"]
MEASURES: tuple[Measure, ...] = ("total", "packs")
Labels = Mapping[str, str]

# Keys of curve.toml the builders read (as templates when they hold placeholders).
LABEL_KEYS = (
    "series_literal", "series_cheapest", "axis_users", "axis_total", "axis_packs",
    "tt_users", "tt_units", "tt_unit_price", "tt_pack_fee", "tt_total", "tt_capacity",
    "tt_cheapest_units", "tt_cheapest_fee", "tt_cheapest_capacity", "tt_saving",
    "axis_per_thousand", "legend_term", "term_one", "term_many",
    "axis_marginal", "tt_from", "tt_to", "tt_units_from", "tt_units_to", "tt_marginal",
    "sign_up", "sign_down",
)
_LITERAL_COLOR = "#d62728"
_CHEAPEST_COLOR = "#1f77b4"
_BAND_COLORS = ("#9e9e9e", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf")
_TERM_COLORS = ("#d62728", "#ff7f0e", "#1f77b4", "#2ca02c", "#9467bd")
# Each term's line has its own dash too, so the terms are told apart without colour (WCAG 1.4.1).
_TERM_DASHES = ((1, 0), (6, 3), (2, 2), (8, 3, 2, 3), (4, 4))
_MONEY_FORMAT = ",.2~f"
_LABEL_ROWS = 6


def chart_labels(lang: str, users: int | None = None) -> dict[str, str]:
    """Every text the builders show, in ``lang``; ``marker`` names the user's own count."""
    labels = {key: t(f"curve.{key}", lang) for key in LABEL_KEYS}
    labels["users_axis_expr"] = users_axis_expr(lang)
    labels["lang"] = lang  # the text alternative (charts/summary.py) words its figures in it
    if users is not None:
        labels["marker"] = t("curve.marker", lang, users=format_users(users, lang))
    return labels


def _lang(labels: Labels) -> str:
    """The language ``chart_labels`` made ``labels`` in (for the chart's text alternative)."""
    return labels.get("lang", DEFAULT_LANG)


def yuan_frame(curve: pd.DataFrame) -> pd.DataFrame:
    """The curve with every ``*_fen`` column as a yuan float named without the suffix."""
    columns: dict[str, Any] = {}
    for name in curve.columns:
        values = curve[name].to_numpy()
        if name.endswith("_fen"):
            columns[name.removesuffix("_fen")] = values / 100
        else:
            columns[name] = values
    return pd.DataFrame(columns, index=curve.index)


def tier_bands(tariff: Tariff, x_max: int, lang: str) -> pd.DataFrame:
    """The user ranges a literal purchase of each tier covers, up to ``x_max``, labelled.

    A purchase of k units covers users up to included + k x pack_users, so tier units
    lo..hi cover users (included + (lo-1) x pack, included + hi x pack].
    """
    rows: list[dict[str, Any]] = []
    if tariff.included_users > 0:
        rows.append({
            "start": 0,
            "end": tariff.included_users,
            "label": t("curve.band_included", lang, users=format_users(tariff.included_users, lang)),
        })
    pack = format_users(tariff.pack_users, lang)
    for index, tier in enumerate(tariff.tiers):
        lo = tariff.tier_lower(index)
        start = capacity(tariff, lo - 1)
        if tier.max_units is None:
            units, end = f"{lo:,}+", max(x_max, start)
        else:
            units = f"{lo:,}" if lo == tier.max_units else f"{lo:,}–{tier.max_units:,}"
            end = capacity(tariff, tier.max_units)
        price = format_money(tier.unit_price, lang)
        rows.append({
            "start": start,
            "end": end,
            "label": t("curve.band_tier", lang, units=units, price=price, pack=pack),
        })
    bands = pd.DataFrame(rows, columns=["start", "end", "label"])
    bands = bands[bands["start"] < x_max].reset_index(drop=True)
    bands["end"] = bands["end"].clip(upper=x_max)
    # The label's line from the top: staggered so neighbouring labels never overlap.
    bands["row"] = np.arange(len(bands), dtype=np.int64) % _LABEL_ROWS
    bands["fill"] = [_BAND_COLORS[i % len(_BAND_COLORS)] for i in range(len(bands))]
    return bands


def _users_x(labels: Labels, x_max: float, field: str = "users") -> alt.X:
    return alt.X(
        f"{field}:Q",
        title=labels["axis_users"],
        scale=dict(domain=[0, x_max], nice=False),
        axis=dict(labelExpr=labels["users_axis_expr"], labelFlush=True),
    )


# Encodings are given as channel objects (alt.X, alt.YDatum, alt.OpacityValue), never as a
# shorthand string or a plain dict: for those Altair indexes its whole schema to find the class.
# Axes, scales and legends inside a channel are plain dicts: an alt.Axis object holds all of its
# ~80 properties and is deep-copied on the way to a spec; the dict gives the same spec
# (CONTRIBUTING, docs/performance.md).


def _shown_on(selection: Any, shown: float) -> Any:
    """Opacity ``shown`` where ``selection`` holds, 0 elsewhere."""
    return alt.OpacityValue(**alt.when(selection).then(alt.value(shown)).otherwise(alt.value(0)))


def _zoom() -> Any:
    return alt.selection_interval(name="zoom", bind="scales", encodings=["x"])


def _frame(height: int) -> dict[str, Any]:
    """Height and config for a top-level chart, given at construction (``.configure_*``
    calls would copy the whole layered chart once each)."""
    return {
        "height": height,
        "autosize": fit_width(),
        "config": alt.Config(
            axis=alt.AxisConfig(labelFontSize=12, titleFontSize=13, titleFontWeight="normal"),
            legend=alt.LegendConfig(labelFontSize=12, titleFontSize=12, labelLimit=320),
        ),
    }


def _point_tooltip(labels: Labels) -> list[alt.Tooltip]:
    return [
        alt.Tooltip("users:Q", title=labels["tt_users"], format=","),
        alt.Tooltip("units:Q", title=labels["tt_units"], format=","),
        alt.Tooltip("unit_price:Q", title=labels["tt_unit_price"], format=_MONEY_FORMAT),
        alt.Tooltip("pack_fee:Q", title=labels["tt_pack_fee"], format=_MONEY_FORMAT),
        alt.Tooltip("total:Q", title=labels["tt_total"], format=_MONEY_FORMAT),
        alt.Tooltip("capacity:Q", title=labels["tt_capacity"], format=","),
        alt.Tooltip("cheapest_units:Q", title=labels["tt_cheapest_units"], format=","),
        alt.Tooltip("cheapest_fee:Q", title=labels["tt_cheapest_fee"], format=_MONEY_FORMAT),
        alt.Tooltip("cheapest_capacity:Q", title=labels["tt_cheapest_capacity"], format=","),
        alt.Tooltip("saving:Q", title=labels["tt_saving"], format=_MONEY_FORMAT),
    ]


def _measure_columns(measure: Measure) -> tuple[str, str]:
    return ("total", "cheapest_total") if measure == "total" else ("pack_fee", "cheapest_fee")


def cost_lines(curve: pd.DataFrame, labels: Labels, measure: Measure = "total") -> pd.DataFrame:
    """Long form of the two lines: users, series (literal / cheapest label) and fee in yuan."""
    return _lines(yuan_frame(curve), labels, measure)


def _lines(wide: pd.DataFrame, labels: Labels, measure: Measure) -> pd.DataFrame:
    literal, cheapest = _measure_columns(measure)
    users = wide["users"].to_numpy()
    return pd.DataFrame({
        "users": np.concatenate([users, users]),
        "series": [labels["series_literal"]] * len(wide) + [labels["series_cheapest"]] * len(wide),
        "fee": np.concatenate([wide[literal].to_numpy(), wide[cheapest].to_numpy()]),
    })


def cost_chart(
    curve: pd.DataFrame,
    bands: pd.DataFrame,
    labels: Labels,
    marker: pd.DataFrame | None = None,
    measure: Measure = "total",
    height: int = 360,
) -> Any:
    """Fee against users: the literal purchase (step line, cliffs visible) and the cheapest
    covering purchase, over shaded tier bands, with a hover tooltip per user count and a
    rule at ``marker``'s user count (one ``cost_curve`` row) when it lies on the chart.
    """
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, not {measure!r}")
    wide = yuan_frame(curve)
    x_max = float(wide["users"].max()) if len(wide) else float(GRID_STEP)
    lines = _lines(wide, labels, measure)
    series = [labels["series_literal"], labels["series_cheapest"]]
    x = _users_x(labels, x_max)
    y = alt.Y("fee:Q", title=labels["axis_total" if measure == "total" else "axis_packs"],
              axis=dict(format=",.0f"))
    color = alt.Color("series:N", scale=dict(domain=series, range=[_LITERAL_COLOR, _CHEAPEST_COLOR]),
                      legend=dict(title=None, orient="top", columns=1, symbolStrokeWidth=3))
    dash = alt.StrokeDash("series:N", scale=dict(domain=series, range=[[1, 0], [6, 3]]),
                          legend=dict(title=None, orient="top", columns=1))  # one a line: fits a phone
    hover = alt.selection_point(name="hover", fields=["users"], nearest=True, on="pointerover",
                                clear="pointerout", empty=False)

    band_data = bands.assign(label_y=6 + 16 * bands["row"])
    band_rects = alt.Chart(band_data).mark_rect(opacity=0.12, clip=True).encode(
        x=alt.X("start:Q"), x2=alt.X2("end"), fill=alt.Fill("fill:N", scale=None),
    )
    band_text = alt.Chart(band_data).mark_text(
        align="left", baseline="top", dx=4, fontSize=11, color="#444", clip=True,
    ).encode(x=alt.X("start:Q"), y=alt.Y("label_y:Q", scale=None), text=alt.Text("label:N"))
    line_layer = alt.Chart(lines).mark_line(interpolate="step-before", strokeWidth=2, clip=True).encode(
        x=x, y=y, color=color, strokeDash=dash,
    ).add_params(_zoom())
    hover_points = alt.Chart(lines).mark_point(filled=True, size=45, clip=True).encode(
        x=x, y=y, color=alt.Color("series:N", scale=dict(domain=series), legend=None),
        opacity=_shown_on(hover, 1),
    )
    hover_rule = alt.Chart(wide).mark_rule(color="#777", clip=True).encode(
        x=alt.X("users:Q"),
        opacity=_shown_on(hover, 0.6),
        tooltip=_point_tooltip(labels),
    ).add_params(hover)
    layers = [band_rects, band_text, line_layer, hover_points, hover_rule]
    return alt.layer(*layers, *marker_layers(marker, labels, x_max, measure), **_frame(height),
                     description=summary.cost_curve(lines, _lang(labels)))


def marker_layers(marker: pd.DataFrame | None, labels: Labels, x_max: float, measure: Measure = "total") -> list[Any]:
    """The layers ``cost_chart`` puts last to mark ``marker``'s user count (one ``cost_curve`` row):
    a rule, a point on the literal line and a label; none when it lies off the chart (0..``x_max``).

    Apart so a page can keep the rest of the chart while the user's count changes.
    """
    if marker is None or not len(marker) or not 0 <= int(marker["users"].iloc[0]) <= x_max:
        return []
    literal, _ = _measure_columns(measure)
    mark = yuan_frame(marker.iloc[:1]).assign(fee=lambda d: d[literal], label=labels.get("marker", ""))
    right_half = float(mark["users"].iloc[0]) > 0.6 * x_max
    return [
        alt.Chart(mark).mark_rule(color="#111", strokeDash=[4, 3], strokeWidth=1.5, clip=True).encode(
            x=alt.X("users:Q"),
        ),
        alt.Chart(mark).mark_point(filled=True, size=140, color="#111", clip=True).encode(
            x=alt.X("users:Q"), y=alt.Y("fee:Q"), tooltip=_point_tooltip(labels),
        ),
        # The label stands at the foot of the rule, where the (rising) lines rarely are.
        alt.Chart(mark).mark_text(
            align="right" if right_half else "left", dx=-6 if right_half else 6, dy=-4,
            baseline="bottom", fontSize=12, fontWeight="bold", color="#111", clip=True,
        ).encode(x=alt.X("users:Q"), y=alt.YDatum(0), text=alt.Text("label:N")),
    ]


def term_curves(tariff: Tariff, users: npt.ArrayLike, terms: Sequence[int]) -> pd.DataFrame:
    """``cost_curve`` for each term, stacked, with a ``months`` column."""
    frames = [cost_curve(tariff, users, months).assign(months=months) for months in terms]
    return pd.concat(frames, ignore_index=True)


def per_thousand_frame(curves: pd.DataFrame, labels: Labels) -> pd.DataFrame:
    """Literal total per 1,000 users per month (yuan float) for each user count above zero."""
    rows = curves[curves["users"] > 0]
    months = rows["months"].to_numpy(dtype=np.int64)
    per_thousand = per_thousand_fen(
        rows["total_fen"].to_numpy(dtype=np.int64), months, rows["users"].to_numpy(dtype=np.int64)
    ) / 100
    term = [labels["term_one" if m == 1 else "term_many"].format(months=m) for m in months]
    return pd.DataFrame({
        "users": rows["users"].to_numpy(),
        "months": months,
        "term": term,
        "per_thousand": per_thousand,
        "total": rows["total_fen"].to_numpy().astype("float64") / 100,
    })


def per_thousand_chart(curves: pd.DataFrame, labels: Labels, height: int = 260) -> Any:
    """Cost per 1,000 users per month against users, one line per term (``term_curves``)."""
    data = per_thousand_frame(curves, labels)
    x_max = float(curves["users"].max()) if len(curves) else float(GRID_STEP)
    order = data.drop_duplicates("months").sort_values("months")["term"].tolist()
    colors = [_TERM_COLORS[i % len(_TERM_COLORS)] for i in range(len(order))]
    hover = alt.selection_point(name="hover", fields=["users", "months"], nearest=True,
                                on="pointerover", clear="pointerout", empty=False)
    base = alt.Chart().encode(  # the data is the layer chart's: given to each layer, Altair would print it to compare
        x=_users_x(labels, x_max),
        y=alt.Y("per_thousand:Q", title=labels["axis_per_thousand"], axis=dict(format=",.0f")),
        color=alt.Color("term:N", scale=dict(domain=order, range=colors), sort=order,
                        legend=_term_legend(labels)),
    )
    dashes = [list(_TERM_DASHES[i % len(_TERM_DASHES)]) for i in range(len(order))]
    # Same field, domain and legend as the colour: Vega-Lite draws one legend of dashed coloured lines.
    dash = alt.StrokeDash("term:N", scale=dict(domain=order, range=dashes), sort=order, legend=_term_legend(labels))
    lines = base.mark_line(strokeWidth=2, clip=True).encode(strokeDash=dash).add_params(_zoom())
    points = base.mark_point(filled=True, size=50, clip=True).encode(
        opacity=_shown_on(hover, 1),
        tooltip=[
            alt.Tooltip("users:Q", title=labels["tt_users"], format=","),
            alt.Tooltip("term:N", title=labels["legend_term"]),
            alt.Tooltip("per_thousand:Q", title=labels["axis_per_thousand"], format=",.2f"),
            alt.Tooltip("total:Q", title=labels["tt_total"], format=_MONEY_FORMAT),
        ],
    ).add_params(hover)
    return alt.layer(lines, points, data=data, **_frame(height),
                     description=summary.per_thousand(data, _lang(labels)))


def _term_legend(labels: Labels) -> dict[str, Any]:
    """The terms' legend: each symbol a short stroke in its line's colour and dash."""
    return dict(title=labels["legend_term"], orient="top", symbolType="stroke", symbolStrokeWidth=2.5, symbolSize=400)


def marginal_frame(curve: pd.DataFrame, labels: Labels) -> pd.DataFrame:
    """Cost of going from each user count to the next (yuan float): negative at a cliff."""
    ordered = curve.sort_values("users")
    users = ordered["users"].to_numpy()
    units = ordered["units"].to_numpy()
    total = ordered["total_fen"].to_numpy()
    step = np.diff(total)
    return pd.DataFrame({
        "start": users[:-1],
        "end": users[1:],
        "units_from": units[:-1],
        "units_to": units[1:],
        "marginal": step.astype("float64") / 100,
        "sign": np.where(step < 0, labels["sign_down"], labels["sign_up"]),
    })


def marginal_chart(curve: pd.DataFrame, labels: Labels, height: int = 260) -> Any:
    """Bars of the marginal cost of the next grid step of users; cliffs go below zero."""
    data = marginal_frame(curve, labels)
    x_max = float(curve["users"].max()) if len(curve) else float(GRID_STEP)
    signs = [labels["sign_up"], labels["sign_down"]]
    # A rect from (start, 0) to (end, marginal): with x2 alone a bar would be read as
    # horizontal and drawn as a thin strip at its value.
    bars = alt.Chart(data).mark_rect(clip=True, stroke="white", strokeWidth=0.5).encode(
        x=_users_x(labels, x_max, "start"),
        x2=alt.X2("end"),
        y=alt.Y("marginal:Q", title=labels["axis_marginal"], axis=dict(format=",.0f")),
        y2=alt.Y2Datum(0),
        color=alt.Color("sign:N", scale=dict(domain=signs, range=["#7f9fbf", _LITERAL_COLOR]),
                        legend=dict(title=None, orient="top")),
        tooltip=[
            alt.Tooltip("start:Q", title=labels["tt_from"], format=","),
            alt.Tooltip("end:Q", title=labels["tt_to"], format=","),
            alt.Tooltip("units_from:Q", title=labels["tt_units_from"], format=","),
            alt.Tooltip("units_to:Q", title=labels["tt_units_to"], format=","),
            alt.Tooltip("marginal:Q", title=labels["tt_marginal"], format=_MONEY_FORMAT),
        ],
    ).add_params(_zoom())
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="#333").encode(y=alt.Y("y:Q"))
    return alt.layer(bars, zero, **_frame(height), description=summary.marginal(data, _lang(labels)))


@dataclass(frozen=True)
class CliffRow:
    """Needs ``need_lo``..``need_hi`` units whose cheapest cover is the purchases ``plan``."""

    need_lo: int
    need_hi: int
    users_lo: int
    users_hi: int
    capacity: int
    plan: tuple[int, ...]
    max_saving: Decimal

    @property
    def need_text(self) -> str:
        return f"{self.need_lo:,}" if self.need_lo == self.need_hi else f"{self.need_lo:,}–{self.need_hi:,}"

    @property
    def buy_text(self) -> str:
        return plan_text(self.plan)


def cliff_rows(tariff: Tariff, max_need: int) -> list[CliffRow]:
    """R9 from the engine (:func:`cliff_runs`): the need ranges up to ``max_need`` where buying more costs less."""
    rows = []
    for run in cliff_runs(tariff, max_need):
        users_lo, users_hi = need_users(tariff, run.need_from, run.need_to)
        rows.append(CliffRow(
            need_lo=run.need_from,
            need_hi=run.need_to,
            plan=run.plan,
            max_saving=run.max_overpay,
            users_lo=users_lo,
            users_hi=users_hi,
            capacity=capacity(tariff, run.units),
        ))
    return rows


def cliff_table(rows: Sequence[CliffRow], lang: str) -> pd.DataFrame:
    """The rows as a table with localized headers and text ("7–10 → 11", "up to CNY 15,000")."""
    records = []
    for row in rows:
        saving = format_money(row.max_saving, lang)
        single = row.need_lo == row.need_hi
        summary_key = "curve.summary_one" if single else "curve.summary_range"
        records.append({
            t("curve.col_need_buy", lang): f"{row.need_text} → {row.buy_text}",
            t("curve.col_users", lang): f"{row.users_lo:,}–{row.users_hi:,}",
            t("curve.col_capacity", lang): f"{row.capacity:,}",
            t("curve.col_saving", lang): saving if single else t("curve.saving_up_to", lang, saving=saving),
            t("curve.col_summary", lang): t(summary_key, lang, need=row.need_text, buy=row.buy_text,
                                            saving=saving),
        })
    columns = [t(f"curve.{key}", lang) for key in
               ("col_need_buy", "col_users", "col_capacity", "col_saving", "col_summary")]
    return pd.DataFrame(records, columns=columns)


def curve_csv(curve: pd.DataFrame, months: int) -> str:
    """The curve as CSV: the term, user counts and units, money in exact yuan (no float)."""
    out = pd.DataFrame({"months": np.full(len(curve), months, dtype=np.int64)}, index=curve.index)
    for name in curve.columns:
        if name.endswith("_fen"):
            column = name.removesuffix("_fen")
            out[f"{column}_cny"] = yuan_text(curve[name].to_numpy()).to_numpy()
        else:
            out[name] = curve[name]
    return csv_text(out)
