"""Pricing review charts: pure builders, a DataFrame in (money in int64 fen), an Altair chart out.

Yuan floats exist only inside the chart data (axes and tooltips), never in the engine.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pyarrow as pa

from smop_pricing.charts import summary
from smop_pricing.charts.sizing import fit_width
from smop_pricing.i18n import t

BASELINE_COLOR = "#8A94A6"
WHATIF_COLOR = "#E8590C"


# 万/亿 on a Chinese chart (20万, 1.5亿), SI suffixes in English (200k, 1.5M)
_WAN_YI = ("datum.value >= 100000000 ? format(datum.value / 100000000, ',~r') + '亿' : "
           "datum.value >= 10000 ? format(datum.value / 10000, ',~r') + '万' : format(datum.value, ',')")


def users_axis(lang: str) -> dict[str, Any]:
    """A user-count axis in the page's language."""
    if lang == "zh":
        return dict(labelExpr=_WAN_YI, labelFlush=True)
    return dict(format="~s", labelFlush=True)


def _tariff_scale(lang: str) -> dict[str, Any]:
    return dict(
        domain=[t("review.series_published", lang), t("review.series_whatif", lang)],
        range=[BASELINE_COLOR, WHATIF_COLOR],
    )


def _long_table(frame: pd.DataFrame, key: str, parts: list[tuple[str, dict[str, str]]]) -> pa.Table:
    """Long form: ``key`` repeated for each part, then each part's labels (one text column per
    label name, constant within the part), then ``yuan`` from the part's fen column. An Arrow
    table made straight from the columns: a chart's data as Streamlit sends it (Arrow), with no
    DataFrame in between; the review page makes it for every new user count."""
    keys = frame[key].to_numpy(dtype=np.int64)
    part = pa.array(np.repeat(np.arange(len(parts), dtype=np.int32), keys.size))
    columns: dict[str, Any] = {key: pa.array(np.tile(keys, len(parts)))}
    for label in parts[0][1]:
        columns[label] = pa.array([labels[label] for _, labels in parts], type=pa.large_string()).take(part)
    columns["yuan"] = pa.array(np.concatenate([frame[column].to_numpy(dtype=np.int64) for column, _ in parts]) / 100.0)
    return pa.table(columns)


def curves_table(frame: pd.DataFrame, lang: str) -> pa.Table:
    """Long form of a compare frame: users, series (baseline/whatif), tariff, purchase, yuan (the
    compare chart's data)."""
    series = [
        ("baseline_total_fen", "review.series_published", "review.purchase_literal"),
        ("baseline_cheapest_total_fen", "review.series_published", "review.purchase_cheapest"),
        ("whatif_total_fen", "review.series_whatif", "review.purchase_literal"),
        ("whatif_cheapest_total_fen", "review.series_whatif", "review.purchase_cheapest"),
    ]
    return _long_table(frame, "users", [
        (column, {"series": column.split("_", 1)[0], "tariff": t(tariff, lang), "purchase": t(purchase, lang)})
        for column, tariff, purchase in series
    ])


def curves_data(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """:func:`curves_table` as a DataFrame."""
    data: pd.DataFrame = curves_table(frame, lang).to_pandas()
    return data


def _users_x(lang: str) -> alt.X:
    return alt.X("users:Q", title=t("review.axis_users", lang), axis=users_axis(lang))


def _purchase_dash(lang: str) -> alt.StrokeDash:
    """Solid for the literal purchase, dashed for the cheapest (the legend names them)."""
    purchases = [t("review.purchase_literal", lang), t("review.purchase_cheapest", lang)]
    return alt.StrokeDash("purchase:N", title=t("review.legend_purchase", lang),
                          scale=dict(domain=purchases, range=[[1, 0], [6, 4]]),
                          legend=dict(orient="bottom", direction="vertical"))


def _purchase_tooltip(lang: str, axis: str, money_format: str) -> list[alt.Tooltip]:
    return [
        alt.Tooltip("purchase:N", title=t("review.legend_purchase", lang)),
        alt.Tooltip("users:Q", title=t("review.axis_users", lang), format=","),
        alt.Tooltip("yuan:Q", title=t(axis, lang), format=money_format),
    ]


def compare_chart(frame: pd.DataFrame, lang: str) -> alt.Chart:
    """Published and what-if totals against users: solid literal, dashed cheapest (step lines)."""
    data = curves_table(frame, lang)
    chart: alt.Chart = (
        alt.Chart(data, title=t("review.chart_compare_title", lang))
        .mark_line(interpolate="step-before")
        .encode(
            x=_users_x(lang),
            y=alt.Y("yuan:Q", title=t("review.axis_total", lang), axis=dict(format=",.0f")),
            color=alt.Color("tariff:N", title=t("review.legend_tariff", lang), scale=_tariff_scale(lang),
                            legend=dict(orient="bottom", direction="vertical")),
            # the published line is drawn wider so it stays visible under an identical what-if line
            strokeWidth=alt.StrokeWidth(
                "series:N", scale=dict(domain=["baseline", "whatif"], range=[5, 2]), legend=None
            ),
            strokeDash=_purchase_dash(lang),
            tooltip=[alt.Tooltip("tariff:N", title=t("review.legend_tariff", lang)),
                     *_purchase_tooltip(lang, "review.axis_total", ",.2f")],
        )
        .properties(height=280, autosize=fit_width(), description=summary.review_compare(data, lang))
    )
    return chart


def difference_table(frame: pd.DataFrame, lang: str) -> pa.Table:
    """Long form of the differences: users, purchase, yuan (what-if minus published; the difference
    chart's data)."""
    return _long_table(frame, "users", [
        (column, {"purchase": t(purchase, lang)})
        for column, purchase in (
            ("difference_fen", "review.purchase_literal"),
            ("cheapest_difference_fen", "review.purchase_cheapest"),
        )
    ])


def difference_data(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """:func:`difference_table` as a DataFrame."""
    data: pd.DataFrame = difference_table(frame, lang).to_pandas()
    return data


def difference_chart(frame: pd.DataFrame, lang: str) -> alt.LayerChart:
    """What-if minus published against users, for the literal and the cheapest purchase."""
    data = difference_table(frame, lang)
    lines = (
        alt.Chart(data)
        .mark_line(interpolate="step-before", strokeWidth=2, color=WHATIF_COLOR)
        .encode(
            x=_users_x(lang),
            y=alt.Y("yuan:Q", title=t("review.axis_difference", lang), axis=dict(format=",.0f")),
            strokeDash=_purchase_dash(lang),
            tooltip=_purchase_tooltip(lang, "review.axis_difference", "+,.2f"),
        )
    )
    zero = alt.Chart(pd.DataFrame({"yuan": [0.0]})).mark_rule(color=BASELINE_COLOR).encode(y=alt.Y("yuan:Q"))
    return alt.LayerChart(layer=[zero, lines], title=t("review.chart_difference_title", lang), height=180,
                          autosize=fit_width(),
                          description=summary.review_difference(data, lang))


def overpay_data(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Long form of an overpay frame: need, tariff, yuan."""
    data: pd.DataFrame = _long_table(frame, "need", [
        (column, {"tariff": t(tariff, lang)})
        for column, tariff in (
            ("baseline_overpay_fen", "review.series_published"),
            ("whatif_overpay_fen", "review.series_whatif"),
        )
    ]).to_pandas()
    return data


ORDINAL_NEEDS = 120


def overpay_chart(frame: pd.DataFrame, lang: str) -> alt.Chart:
    """For each need (pack units), how much more the literal purchase costs than the cheapest cover.

    Up to ORDINAL_NEEDS needs the two tariffs' bars stand side by side; beyond, they overlap.
    """
    data = overpay_data(frame, lang)
    side_by_side = frame["need"].size <= ORDINAL_NEEDS
    x = (
        alt.X("need:O", title=t("review.axis_need", lang), axis=dict(labelAngle=0, labelOverlap="parity"))
        if side_by_side
        else alt.X("need:Q", title=t("review.axis_need", lang), axis=dict(format="d", tickMinStep=1))
    )
    encoding: dict[str, Any] = {
        "x": x,
        "y": alt.Y("yuan:Q", title=t("review.axis_overpay", lang), stack=None, axis=dict(format=",.0f")),
        "color": alt.Color("tariff:N", title=t("review.legend_tariff", lang), scale=_tariff_scale(lang),
                            legend=dict(orient="bottom", direction="vertical")),
        "tooltip": [
            alt.Tooltip("tariff:N", title=t("review.legend_tariff", lang)),
            alt.Tooltip("need:Q", title=t("review.axis_need", lang)),
            alt.Tooltip("yuan:Q", title=t("review.axis_overpay", lang), format=",.2f"),
        ],
    }
    if side_by_side:
        encoding["xOffset"] = alt.XOffset("tariff:N", scale=dict(domain=_tariff_scale(lang)["domain"]))
    chart: alt.Chart = (
        alt.Chart(data, title=t("review.chart_overpay_title", lang))
        .mark_bar(opacity=1.0 if side_by_side else 0.65)
        .encode(**encoding)
        .properties(height=200, autosize=fit_width(), description=summary.review_overpay(data, lang))
    )
    return chart
