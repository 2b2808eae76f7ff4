"""Portfolio charts: pure builders, a histogram frame in (yuan as Decimal), an Altair chart out.

The histogram frame is :func:`smop_pricing.portfolio.difference_histogram`'s: at most a few dozen
bins however large the portfolio, so the chart stays small. Yuan become floats only inside the
chart data (axes and tooltips).
"""

from __future__ import annotations

from decimal import Decimal

import altair as alt
import pandas as pd

from smop_pricing.charts import summary
from smop_pricing.charts.review import BASELINE_COLOR, WHATIF_COLOR
from smop_pricing.charts.sizing import fit_width
from smop_pricing.i18n import t
from smop_pricing.money import format_money

LESS_COLOR = "#006EFF"
SIDES = ("less", "zero", "more")


def _side(lower: Decimal, upper: Decimal) -> str:
    """Which way a bin's customers' bills move: every one falls, rises, or the bin holds 0."""
    if upper <= 0:
        return "less"
    if lower > 0:
        return "more"
    return "zero"


def histogram_data(histogram: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The bins holding customers as chart data: lower, upper (yuan floats), count, side (label), range (text).

    Empty bins are left out: drawn, they would be a flat bar along the axis.
    """
    histogram = histogram[histogram["count"] > 0]
    lowers = [Decimal(v) for v in histogram["lower"]]
    uppers = [Decimal(v) for v in histogram["upper"]]
    sides = (list(histogram["side"]) if "side" in histogram.columns  # falls and rises binned apart
             else [_side(lo, hi) for lo, hi in zip(lowers, uppers, strict=True)])
    return pd.DataFrame(
        {
            "lower": [float(v) for v in lowers],
            "upper": [float(v) for v in uppers],
            "count": histogram["count"].astype("int64").to_numpy(),
            "side": [t(f"portui.side_{s}", lang) for s in sides],
            "range": [
                t("portui.range_text", lang, lower=format_money(lo, lang), upper=format_money(hi, lang))
                for lo, hi in zip(lowers, uppers, strict=True)
            ],
        }
    )


def difference_histogram_chart(histogram: pd.DataFrame, lang: str, basis: str = "literal") -> alt.Chart:
    """Customers per bin of what-if minus published: falls in blue, rises in orange, the 0 bin grey."""
    data = histogram_data(histogram, lang)
    basis_name = t(f"portui.purchase_{basis}", lang)
    sides = [t(f"portui.side_{s}", lang) for s in SIDES]
    chart: alt.Chart = (
        # height given here, not by .properties(), which copies the chart; encodings as channel objects
        # (for a shorthand string Altair scans its whole schema: docs/performance.md)
        alt.Chart(data, title=t("portui.histogram_title", lang, basis=basis_name), height=220, autosize=fit_width(),
                  description=summary.histogram(data, lang))
        .mark_bar(stroke="white", strokeWidth=0.5)
        .encode(
            # bin="binned": the bins come made; without it a bar from x to x2 is a thin horizontal bar
            x=alt.X("lower:Q", bin="binned", title=t("portui.axis_difference", lang), axis=dict(format=",~f")),
            x2=alt.X2("upper:Q"),
            # a square-root scale: a tail of a few customers stays visible beside a bin of thousands
            y=alt.Y("count:Q", title=t("portui.axis_customers", lang), scale=dict(type="sqrt"),
                    axis=dict(format=",d", tickMinStep=1)),
            color=alt.Color(
                "side:N",
                title=t("portui.legend_side", lang),
                scale=dict(domain=sides, range=[LESS_COLOR, BASELINE_COLOR, WHATIF_COLOR]),
                legend=dict(orient="bottom", values=[t(f"portui.side_{s}", lang) for s in SIDES
                                                     if t(f"portui.side_{s}", lang) in set(data["side"])]),
            ),
            tooltip=[
                alt.Tooltip("range:N", title=t("portui.tooltip_range", lang)),
                alt.Tooltip("count:Q", title=t("portui.axis_customers", lang), format=","),
            ],
        )
    )
    return chart
