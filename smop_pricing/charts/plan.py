"""The growth planner's charts: users against each strategy's capacity, and cumulative spend.

Frame builders take plan results and give small long-form DataFrames (one row per month and
series); chart builders take those frames and already-translated labels. Money becomes yuan
floats only inside the chart data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

import altair as alt
import numpy as np
import pandas as pd

from smop_pricing.charts import summary
from smop_pricing.charts.sizing import fit_width
from smop_pricing.i18n import DEFAULT_LANG
from smop_pricing.plan.forecast import Forecast
from smop_pricing.plan.strategies import STRATEGIES, PlanResult

COLORS = ("#1F2A37", "#006EFF", "#F79009", "#7A5AF8", "#2E9D5B")
"""Users first, then the strategies in STRATEGIES order."""
# Each series its own dash, users solid, so the lines differ without colour (WCAG 1.4.1).
DASHES = ((1, 0), (6, 3), (2, 2), (8, 2, 2, 2), (12, 3))
HEIGHT = 260


@dataclass(frozen=True)
class PlanLabels:
    month: str
    users_axis: str
    spend_axis: str
    series: str
    users: str
    strategies: tuple[str, ...]  # in STRATEGIES order
    lang: str = DEFAULT_LANG  # the text alternative's language (charts/summary.py)


def _months(forecast: Forecast) -> np.ndarray:
    """The forecast's months as the chart's ``month`` column holds them (datetime64[s])."""
    return np.array([forecast.month_start(m) for m in range(forecast.months)], dtype="datetime64[s]")


def capacity_frame(plans: Sequence[PlanResult], labels: PlanLabels) -> pd.DataFrame:
    """Month, series (users or a strategy's capacity) and the count, for every month."""
    names: dict[str, str] = dict(zip(STRATEGIES, labels.strategies, strict=True))
    first = plans[0].problem.forecast
    months = [_months(first)]
    series = [labels.users] * first.months
    values = [float(users) for users in first.users]
    for plan in plans:
        forecast = plan.problem.forecast
        months.append(months[0] if forecast == first else _months(forecast))
        series += [names[plan.name]] * forecast.months
        values += [float(c) for c in plan.capacities]
    return _frame(months, series, values)


def spend_frame(plans: Sequence[PlanResult], labels: PlanLabels) -> pd.DataFrame:
    """Month, strategy and cumulative spend (platform fee and packs) by the end of that month."""
    names: dict[str, str] = dict(zip(STRATEGIES, labels.strategies, strict=True))
    months: list[np.ndarray] = []
    series: list[str] = []
    values: list[float] = []
    for plan in plans:
        months.append(_months(plan.problem.forecast))
        series += [names[plan.name]] * plan.problem.forecast.months
        values += [float(total) for total in accumulate(plan.paid)]  # summed exactly, a float for the chart
    return _frame(months, series, values)


def _frame(months: list[np.ndarray], series: list[str], values: list[float]) -> pd.DataFrame:
    """The long-form frame from its columns (what a frame of one dict a row gives, a fraction of the time)."""
    if not months:
        return pd.DataFrame([], columns=["month", "series", "value"])
    return pd.DataFrame({"month": np.concatenate(months), "series": series, "value": np.array(values, dtype=float)},
                        columns=["month", "series", "value"])


def _series_scale(labels: PlanLabels, with_users: bool) -> dict[str, object]:
    domain = ([labels.users] if with_users else []) + list(labels.strategies)
    colors = list(COLORS if with_users else COLORS[1:])[: len(domain)]
    return dict(domain=domain, range=colors)


def capacity_description(frame: pd.DataFrame, labels: PlanLabels) -> str:
    """The capacity chart's text alternative (its Vega-Lite ``description``)."""
    return summary.plan_capacity(frame, labels.users, labels.lang)


def spend_description(frame: pd.DataFrame, labels: PlanLabels) -> str:
    """The spend chart's text alternative (its Vega-Lite ``description``)."""
    return summary.plan_spend(frame, labels.lang)


def capacity_chart(frame: pd.DataFrame, labels: PlanLabels) -> alt.Chart:
    """Users as a line, each strategy's capacity as a step line over the months."""
    domain = [labels.users, *labels.strategies]
    chart: alt.Chart = alt.Chart(
        frame, height=HEIGHT, autosize=fit_width(), description=capacity_description(frame, labels),
    ).mark_line(interpolate="step-after", strokeWidth=2.2).encode(
        x=alt.X("month:T", title=labels.month, axis=dict(format="%Y-%m")),
        y=alt.Y("value:Q", title=labels.users_axis, axis=dict(format=",.0f")),
        color=alt.Color("series:N", title=labels.series, scale=_series_scale(labels, True),
                        legend=dict(orient="bottom", columns=2)),
        # the same legend as the colour's: Vega-Lite merges them, each symbol coloured and dashed
        strokeDash=alt.StrokeDash("series:N", title=labels.series,
                                  scale=dict(domain=domain, range=[list(d) for d in DASHES]),
                                  legend=dict(orient="bottom", columns=2)),
        tooltip=[alt.Tooltip("month:T", title=labels.month, format="%Y-%m"),
                 alt.Tooltip("series:N", title=labels.series),
                 alt.Tooltip("value:Q", title=labels.users_axis, format=",.0f")],
    )
    return chart


def spend_chart(frame: pd.DataFrame, labels: PlanLabels) -> alt.Chart:
    """Cumulative spend by strategy as step lines."""
    chart: alt.Chart = alt.Chart(
        frame, height=HEIGHT, autosize=fit_width(), description=spend_description(frame, labels),
    ).mark_line(interpolate="step-after", strokeWidth=2.2).encode(
        x=alt.X("month:T", title=labels.month, axis=dict(format="%Y-%m")),
        y=alt.Y("value:Q", title=labels.spend_axis, axis=dict(format=",.0f")),
        color=alt.Color("series:N", title=labels.series, scale=_series_scale(labels, False),
                        legend=dict(orient="bottom", columns=2)),
        strokeDash=alt.StrokeDash("series:N", title=labels.series, scale=dict(domain=list(labels.strategies),
                                  range=[list(d) for d in DASHES[1:]]), legend=dict(orient="bottom", columns=2)),
        tooltip=[alt.Tooltip("month:T", title=labels.month, format="%Y-%m"),
                 alt.Tooltip("series:N", title=labels.series),
                 alt.Tooltip("value:Q", title=labels.spend_axis, format=",.2f")],
    )
    return chart
