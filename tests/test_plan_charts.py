"""The growth planner's charts: what their frames hold and how they draw."""

import datetime as dt

from smop_pricing.charts.plan import PlanLabels, capacity_chart, capacity_frame, spend_chart, spend_frame
from smop_pricing.plan.forecast import shaped
from smop_pricing.plan.strategies import Problem, all_strategies
from smop_pricing.pricing.tariff import published_tariff

LABELS = PlanLabels("Month", "Users", "Spend", "Series", "Forecast users", ("Best", "Grow", "Quarterly", "Upfront"))
PLANS = all_strategies(Problem(published_tariff(), shaped(dt.date(2026, 1, 1), 300_000, 3_000_000, 24)))


def test_the_capacity_frame_has_the_users_and_each_plans_capacity_for_every_month():
    frame = capacity_frame(PLANS, LABELS)
    assert frame.groupby("series").size().to_dict() == {name: 24 for name in ("Forecast users", *LABELS.strategies)}
    upfront = frame[frame["series"] == "Upfront"]["value"]
    assert set(upfront) == {3_000_000.0}


def test_the_spend_frame_ends_at_each_plans_total():
    frame = spend_frame(PLANS, LABELS)
    last = frame.groupby("series")["value"].last().to_dict()
    assert last == {"Best": 132_000.0, "Grow": 216_000.0, "Quarterly": 216_000.0, "Upfront": 132_000.0}


def test_both_charts_draw_step_lines_coloured_by_series_with_the_users_first():
    capacity = capacity_chart(capacity_frame(PLANS, LABELS), LABELS).to_dict()
    spend = spend_chart(spend_frame(PLANS, LABELS), LABELS).to_dict()
    for spec in (capacity, spend):
        assert spec["mark"]["interpolate"] == "step-after"
        assert spec["encoding"]["x"]["axis"]["format"] == "%Y-%m"
    assert capacity["encoding"]["color"]["scale"]["domain"][0] == "Forecast users"
    assert spend["encoding"]["color"]["scale"]["domain"] == list(LABELS.strategies)
