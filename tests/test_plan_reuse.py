"""The planner reuses what it has already worked out, with the same results (issue 18's speed-ups)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from smop_pricing.plan.forecast import add_months, scaled, shaped
from smop_pricing.plan.strategies import Problem, all_strategies, follow, without_top_ups
from smop_pricing.plan.uncertainty import analyse
from smop_pricing.pricing.tariff import published_tariff

FORECAST = shaped(dt.date(2026, 1, 1), 300_000, 3_000_000, 24)
PROBLEM = Problem(published_tariff(), FORECAST, 2, Decimal("0.08"))
CASES = [("base", FORECAST), ("low", scaled(FORECAST, -20)), ("high", scaled(FORECAST, 20))]


def test_the_analysis_given_the_headlines_strategies_uses_them_and_gives_the_same_result():
    planned = all_strategies(PROBLEM)
    result = analyse(PROBLEM, CASES, planned=planned)
    assert result == analyse(PROBLEM, CASES)
    assert all(a is b for a, b in zip((c.plan for c in result.candidates[:4]), planned, strict=True))


def test_strategies_made_for_another_problem_are_not_taken_for_the_first_forecasts():
    other = all_strategies(Problem(published_tariff(), scaled(FORECAST, 10), 2, Decimal("0.08")))
    assert analyse(PROBLEM, CASES, planned=other) == analyse(PROBLEM, CASES)
    assert analyse(PROBLEM, CASES, planned=other[:2]) == analyse(PROBLEM, CASES)


def test_a_plan_followed_under_its_own_forecast_is_the_plan_itself():
    for plan in all_strategies(PROBLEM):
        assert follow(plan, PROBLEM) is plan
        assert without_top_ups(plan, PROBLEM) is plan


def test_a_plan_followed_under_a_higher_forecast_is_topped_up_and_alone_is_not():
    high = Problem(PROBLEM.tariff, scaled(FORECAST, 20), 2, Decimal("0.08"))
    plan = all_strategies(PROBLEM)[1]
    followed, alone = follow(plan, high), without_top_ups(plan, high)
    assert any(p.top_up for p in followed.purchases)
    assert not any(p.top_up for p in alone.purchases) and alone.over_months


@given(st.dates(dt.date(2000, 1, 1), dt.date(2090, 12, 31)), st.integers(-1200, 1200))
def test_adding_months_agrees_with_relativedelta_on_every_day(day, months):
    assert add_months(day, months) == day + relativedelta(months=months)


def test_a_month_row_made_the_quick_way_is_the_row_the_dataclass_makes():
    from smop_pricing.plan.strategies import MonthRow, _row

    args = (3, 1_200_000, 2, 1_300_000, Decimal(2000), Decimal("9600.00"))
    quick, made = _row(*args), MonthRow(*args)
    assert quick == made and hash(quick) == hash(made) and repr(quick) == repr(made)
    assert quick.over_users == 0
