"""Growth-planner benchmarks: the exact optimum over 60 months up to 100,000,000 users, and the page's plans."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from bench.common import Figure, figure, timed
from smop_pricing.plan.forecast import scaled, shaped
from smop_pricing.plan.optimal import _batch_table, optimal_units
from smop_pricing.plan.strategies import Problem, all_strategies
from smop_pricing.plan.uncertainty import analyse
from smop_pricing.pricing.tariff import published_tariff

TARGET = 0.3


def run() -> list[Figure]:
    tariff = published_tariff()
    forecast = shaped(dt.date(2026, 1, 1), 300_000, 100_000_000, 60, "compound")
    problem = Problem(tariff, forecast, 0, Decimal("0.08"))
    rate = problem.rate
    figures = []

    for shape in ("linear", "compound"):
        needs = Problem(tariff, shaped(dt.date(2026, 1, 1), 300_000, 100_000_000, 60, shape), 0, rate).need

        def cold(needs: tuple[int, ...] = needs) -> None:
            _batch_table.cache_clear()  # the batch-cost table is kept per tariff: measure it built too
            optimal_units(tariff, needs, rate)

        samples = timed(cold, repeat=9)
        figures.append(figure(
            "plan", f"exact optimum (DP), 60 months, 300,000 → 100,000,000 users ({shape}), rate 0.08, cold", samples,
            target=f"< {TARGET} s", met=sorted(samples)[4] < TARGET,
        ))
    plans = timed(lambda: all_strategies(problem), repeat=7)
    figures.append(figure("plan", "four strategies with month rows and exact present values, same forecast", plans,
                          target=f"< {TARGET} s", met=sorted(plans)[3] < TARGET))
    cases = [("base", forecast), ("low", scaled(forecast, -20)), ("high", scaled(forecast, 20))]
    page = timed(lambda: analyse(problem, cases), repeat=5)
    figures.append(figure("plan", "low / base / high: 12 candidate plans followed under 3 forecasts, same forecast",
                          page, target="< 1 s", met=sorted(page)[2] < 1))
    return figures
