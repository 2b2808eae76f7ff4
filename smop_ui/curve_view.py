"""The cost-curve page's charts as Vega-Lite specs, built once per distinct input.

Each is a pure function of the published tariff and the page's inputs (plain numbers and strings),
so one immutable kept spec serves every session (see ``smop_ui.charts``). The charts come from
the pure builders in ``smop_pricing.charts.curve``; no pricing rule lives here.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, cast

from smop_pricing.charts.curve import (
    GRID_STEP,
    PER_THOUSAND_TERMS,
    Measure,
    chart_labels,
    cost_chart,
    marginal_chart,
    marker_layers,
    per_thousand_chart,
    term_curves,
    tier_bands,
)
from smop_pricing.pricing.tariff import published_tariff
from smop_pricing.pricing.vector import cost_curve, user_grid
from smop_ui.charts import Spec, add_layers, layer_specs, vega_spec

# A spec is a few tens of kB (a marker's a few); markers are kept per users value, the rest per range and term.
_MARKED_ENTRIES = 256
_ENTRIES = 64


def cost_spec(users: int, maximum: int, months: int, measure: str, lang: str) -> dict[str, Any]:
    """The main chart: cost against users up to ``maximum``, the user's own count marked.

    The same spec as ``cost_chart``'s with the marker, kept in two parts so that a new user
    count rebuilds only the marker's layers.
    """
    base = _cost_base_spec(maximum, months, measure, lang)
    return add_layers(base, _marker_spec(users, maximum, months, measure, lang))


@lru_cache(maxsize=_ENTRIES)
def _cost_base_spec(maximum: int, months: int, measure: str, lang: str) -> Spec:
    tariff = published_tariff()
    grid = user_grid(maximum, GRID_STEP)
    chart = cost_chart(cost_curve(tariff, grid, months), tier_bands(tariff, int(grid[-1]), lang), chart_labels(lang),
                       None, cast(Measure, measure))
    return vega_spec(chart)


@lru_cache(maxsize=_MARKED_ENTRIES)
def _marker_spec(users: int, maximum: int, months: int, measure: str, lang: str) -> Spec:
    tariff = published_tariff()
    x_max = float(user_grid(maximum, GRID_STEP)[-1])
    marker = cost_curve(tariff, [users], months)
    return layer_specs(marker_layers(marker, chart_labels(lang, users), x_max, cast(Measure, measure)))


@lru_cache(maxsize=_ENTRIES)
def per_thousand_spec(maximum: int, months: int, lang: str) -> Spec:
    """Cost per 1,000 users per month for the usual terms and this one."""
    tariff = published_tariff()
    grid = user_grid(maximum, GRID_STEP)
    curves = term_curves(tariff, grid, sorted({*PER_THOUSAND_TERMS, months}))
    return vega_spec(per_thousand_chart(curves, chart_labels(lang)))


@lru_cache(maxsize=_ENTRIES)
def marginal_spec(maximum: int, months: int, lang: str) -> Spec:
    """The marginal cost of each next grid step of users."""
    tariff = published_tariff()
    curve = cost_curve(tariff, user_grid(maximum, GRID_STEP), months)
    return vega_spec(marginal_chart(curve, chart_labels(lang)))
