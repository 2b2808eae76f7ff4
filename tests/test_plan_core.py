"""The growth planner's core (R11): forecasts, the four strategies, the worked example, the link."""

import datetime as dt
from decimal import Decimal

import pytest

from smop_pricing.errors import InputError
from smop_pricing.lifecycle.engine import simulate
from smop_pricing.lifecycle.link import decode_document
from smop_pricing.lifecycle.scenario import parse_scenario
from smop_pricing.plan.forecast import (
    Forecast,
    compound_users,
    forecast_csv,
    from_rows,
    linear_users,
    parse_month,
    read_forecast_csv,
    scaled,
    shaped,
)
from smop_pricing.plan.optimal import batch_sizes, optimal_units, prices_fall_with_size
from smop_pricing.plan.scenario import scenario_document, scenario_link
from smop_pricing.plan.strategies import Problem, all_strategies, follow, parse_rate, present_value, strategy
from smop_pricing.plan.uncertainty import analyse
from smop_pricing.pricing.tariff import Tariff, Tier, published_tariff

PUBLISHED = published_tariff()
JAN = dt.date(2026, 1, 1)
EXAMPLE = shaped(JAN, 300_000, 3_000_000, 24)


def by_name(problem: Problem) -> dict[str, object]:
    return {plan.name: plan for plan in all_strategies(problem)}


def test_linear_users_follow_the_issues_formula():
    users = linear_users(300_000, 3_000_000, 24)
    assert users[0] == 300_000 and users[-1] == 3_000_000
    assert users[5] == 300_000 + 2_700_000 * 5 // 23


def test_compound_growth_keeps_both_ends_and_grows_by_a_steady_ratio():
    users = compound_users(100_000, 1_600_000, 5)
    assert users == (100_000, 200_000, 400_000, 800_000, 1_600_000)


def test_compound_growth_from_zero_users_is_refused():
    with pytest.raises(InputError) as caught:
        shaped(JAN, 0, 1_000_000, 12, "compound")
    assert caught.value.rule == "plan_compound_zero"


def test_buying_as_you_grow_on_the_worked_example_pays_168000_in_packs():
    plans = by_name(Problem(PUBLISHED, EXAMPLE))
    assert plans["as_you_grow"].pack_fees == Decimal(168_000)


def test_buying_upfront_on_the_worked_example_pays_84000_for_28_units_at_3000():
    upfront = by_name(Problem(PUBLISHED, EXAMPLE))["upfront"]
    assert upfront.pack_fees == Decimal(84_000)
    assert [(p.month, p.units, p.purchase.unit_price) for p in upfront.purchases] == [(0, 28, Decimal(3000))]


def test_at_rate_zero_the_optimum_costs_what_upfront_costs():
    plans = by_name(Problem(PUBLISHED, EXAMPLE))
    assert plans["optimal"].present_value == plans["upfront"].present_value == Decimal(132_000)


def test_at_eight_percent_the_optimum_defers_part_and_beats_upfront():
    plans = by_name(Problem(PUBLISHED, EXAMPLE, rate=Decimal("0.08")))
    optimal, upfront = plans["optimal"], plans["upfront"]
    assert optimal.present_value < upfront.present_value
    assert len({p.month for p in optimal.purchases}) > 1


def test_quarterly_buys_only_in_months_0_3_6_and_covers_every_month():
    quarterly = by_name(Problem(PUBLISHED, EXAMPLE))["quarterly"]
    assert {p.month % 3 for p in quarterly.purchases} == {0}
    assert not quarterly.over_months


def test_every_strategy_covers_every_month():
    for plan in all_strategies(Problem(PUBLISHED, EXAMPLE, held_units=2, rate=Decimal("0.3"))):
        assert not plan.over_months, plan.name


def test_held_units_reduce_what_is_bought():
    plain = by_name(Problem(PUBLISHED, EXAMPLE))["as_you_grow"]
    held = by_name(Problem(PUBLISHED, EXAMPLE, held_units=5))["as_you_grow"]
    assert plain.units - held.units == 5


def test_users_within_the_included_capacity_buy_nothing():
    flat = Forecast(JAN, (150_000,) * 12)
    for plan in all_strategies(Problem(PUBLISHED, flat, rate=Decimal("0.1"))):
        assert plan.purchases == () and plan.total == Decimal(24_000)


def test_the_present_value_discounts_month_m_by_the_twelfth_root():
    # 1,000 at month 0 and 1,000 at month 12 at 10 %: 1,000 + 1,000 / 1.1
    payments = [Decimal(1000)] + [Decimal(0)] * 11 + [Decimal(1000)]
    assert present_value(payments, Decimal("0.1")) == Decimal("1909.09")


def test_a_rate_reads_as_a_fraction_or_a_percentage_and_refuses_the_rest():
    assert parse_rate("0.08") == Decimal("0.08")
    assert parse_rate("8%") == Decimal("0.08")
    for bad in ("-0.1", "1.5", "abc", "nan", "", "1e999"):
        with pytest.raises(InputError):
            parse_rate(bad)


def test_a_csv_forecast_reads_user_counts_as_people_write_them():
    forecast = read_forecast_csv("month,users\n2026-01,35万\n2026-02,\"1,000,000\"\n2026-03,2.5M\n".encode())
    assert forecast.start == JAN and forecast.users == (350_000, 1_000_000, 2_500_000)


def test_a_forecast_round_trips_through_its_csv():
    assert read_forecast_csv(forecast_csv(EXAMPLE)) == EXAMPLE


@pytest.mark.parametrize(
    ("text", "field", "rule"),
    [
        ("month,users\n2026-01,1\n2026-03,2\n", "rows[3].month", "plan_month_gap"),
        ("month,users\n2026-01,1\n2026-01,2\n", "rows[3].month", "plan_month_repeat"),
        ("month,users\n2026-01,-5\n", "rows[2].users", "range"),
        ("month,users\n2026-01,lots\n", "rows[2].users", "whole_number"),
        ("month,users\n2026-13,5\n", "rows[2].month", "plan_month"),
        ("month,users\n", "forecast", "plan_empty"),
        ("", "forecast", "plan_empty"),
        ("when,count\n2026-01,5\n", "forecast", "plan_columns"),
    ],
)
def test_a_bad_forecast_names_the_row_and_the_rule(text, field, rule):
    with pytest.raises(InputError) as caught:
        read_forecast_csv(text.encode())
    assert (caught.value.field, caught.value.rule) == (field, rule)


def test_a_forecast_of_more_than_120_months_is_refused():
    rows = [(f"{2020 + m // 12}-{m % 12 + 1:02d}", "1") for m in range(121)]
    with pytest.raises(InputError) as caught:
        from_rows(rows)
    assert caught.value.rule == "plan_too_long" and caught.value.field == "rows[122]"


def test_a_month_outside_the_supported_years_is_refused():
    with pytest.raises(InputError):
        parse_month("1999-12")


def test_a_tariff_whose_prices_rise_with_size_splits_a_month_into_cheaper_purchases():
    rising = Tariff(name="rising", version="h", monthly_fee=Decimal(100), included_users=0, pack_users=1,
                    tier_mode="volume", tiers=(Tier(2, Decimal(10)), Tier(None, Decimal(50))),
                    grace_months=3, warn_ratio=Decimal("0.9"), over_quota_lock_days=60,
                    packs_survive_lapse=True)
    assert not prices_fall_with_size(rising)
    assert batch_sizes(rising, 5) == (2, 2, 1)
    assert sum(optimal_units(rising, [5, 5], Decimal(0))) == 5


def test_a_plan_followed_under_a_higher_forecast_is_topped_up_with_the_shortfall():
    base = Problem(PUBLISHED, EXAMPLE)
    upfront = strategy("upfront", base)
    higher = follow(upfront, Problem(PUBLISHED, scaled(EXAMPLE, 50)))
    top_ups = [p for p in higher.purchases if p.top_up]
    assert top_ups and not higher.over_months
    assert higher.pack_fees == upfront.pack_fees + sum(p.fee for p in top_ups)


def test_the_robust_plan_has_the_least_worst_regret_and_the_optimum_has_none_on_its_own_forecast():
    problem = Problem(PUBLISHED, EXAMPLE, rate=Decimal("0.08"))
    result = analyse(problem, [("base", EXAMPLE), ("low", scaled(EXAMPLE, -30)), ("high", scaled(EXAMPLE, 30))])
    assert len(result.candidates) == 12
    worst = [c.worst_regret for c in result.candidates]
    assert result.robust_candidate.worst_regret == min(worst)
    for candidate in result.candidates:
        if candidate.strategy == "optimal":
            own = next(o for o in candidate.outcomes if o.case == candidate.planned_on)
            assert own.regret == 0
        assert all(o.regret >= 0 for o in candidate.outcomes)


def test_a_plan_made_for_a_low_forecast_leaves_months_over_capacity_under_a_high_one():
    problem = Problem(PUBLISHED, EXAMPLE)
    result = analyse(problem, [("base", EXAMPLE), ("low", scaled(EXAMPLE, -30)), ("high", scaled(EXAMPLE, 30))])
    low_upfront = next(c for c in result.candidates if c.strategy == "upfront" and c.planned_on == "low")
    high = next(o for o in low_upfront.outcomes if o.case == "high")
    assert high.alone.over_months and not high.followed.over_months


@pytest.mark.parametrize("name", ["optimal", "as_you_grow", "quarterly", "upfront"])
def test_the_simulated_plan_has_no_over_capacity_day_and_pays_the_plans_packs(name):
    plan = strategy(name, Problem(PUBLISHED, EXAMPLE, held_units=0, rate=Decimal("0.08")))
    link = scenario_link(plan)
    assert link.url.startswith("/lifecycle-simulator?s=") and not link.compact
    result = simulate(parse_scenario(decode_document(link.url.split("=", 1)[1])))
    assert result.over_quota == () and result.rejected == ()
    assert result.total_paid == plan.total


def test_a_60_month_plan_to_100_million_users_fits_in_a_link():
    forecast = shaped(JAN, 300_000, 100_000_000, 60, "compound")
    plan = strategy("as_you_grow", Problem(PUBLISHED, forecast))
    link = scenario_link(plan)
    assert not link.compact and len(link.url) < 4_000


def test_the_longest_plan_still_fits_in_a_link_with_every_month_kept():
    import random

    rng = random.Random(7)
    forecast = Forecast(JAN, tuple(sorted(rng.randrange(200_000, 100_000_000) for _ in range(120))))
    plan = strategy("as_you_grow", Problem(PUBLISHED, forecast, held_units=9_999))
    link = scenario_link(plan)
    assert not link.compact and len(link.url) < 4_000


def test_the_compact_scenario_rounds_users_up_to_the_pack_and_never_hides_a_shortfall():
    forecast = Forecast(JAN, (250_001, 250_002, 260_000, 299_999, 300_001))
    plan = strategy("as_you_grow", Problem(PUBLISHED, forecast))
    document = scenario_document(plan, compact=True)
    assert document["users"] == 300_000
    assert [e["users"] for e in document["events"] if e["action"] == "set_users"] == [400_000]
    assert simulate(parse_scenario(document)).over_quota == ()
