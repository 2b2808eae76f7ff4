"""Each rule lives once: every vectorized twin and every other caller agrees with the scalar rule.

Random tariffs (volume and graduated, prices in fen), random users, terms and held units.
"""

from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from smop_pricing.charts.curve import cliff_rows, per_thousand_frame, term_curves
from smop_pricing.lifecycle.engine import simulate
from smop_pricing.lifecycle.model import Scenario
from smop_pricing.money import from_fen, to_fen
from smop_pricing.portfolio.price import reprice
from smop_pricing.pricing.rules import (
    capacity,
    capacity_vector,
    cliff_runs,
    cover_table,
    fee_table_fen,
    make_purchase,
    per_month,
    per_thousand,
    per_thousand_fen,
    purchase_fee,
    quote,
    term_dates,
    unit_price,
    unit_price_fen,
    units_needed,
    units_needed_vector,
)
from smop_pricing.pricing.tariff import Tariff, Tier, published_tariff
from smop_pricing.pricing.vector import cost_curve
from smop_pricing.quote.options import Option
from smop_pricing.review.curves import cliffs
from tests import strategies

PUBLISHED = published_tariff()


def tariffs() -> st.SearchStrategy[Tariff]:
    """What-if tariffs with realistic users per pack and grace months."""
    return strategies.tariffs(included=st.integers(0, 300_000), pack=st.integers(10_000, 100_000),
                              grace=st.integers(1, 6))


def graduated(first: str, second: str) -> Tariff:
    return Tariff(
        name="what-if", version="w", monthly_fee=Decimal(2000), included_users=200_000, pack_users=100_000,
        tier_mode="graduated", tiers=(Tier(5, Decimal(first)), Tier(None, Decimal(second))),
        grace_months=3, warn_ratio=Decimal("0.9"), over_quota_lock_days=60, packs_survive_lapse=True,
    )


users_lists = st.lists(st.integers(0, 3_000_000), min_size=1, max_size=20)


@settings(max_examples=60, deadline=None)
@given(tariffs(), users_lists, st.integers(0, 20))
def test_the_vectorized_units_needed_is_the_scalar_rule(tariff, users, held):
    got = units_needed_vector(tariff, np.array(users, dtype=np.int64), np.full(len(users), held, dtype=np.int64))
    assert got.tolist() == [units_needed(tariff, u, held) for u in users]


@settings(max_examples=60, deadline=None)
@given(tariffs(), st.lists(st.integers(0, 20_000), min_size=1, max_size=20))
def test_the_vectorized_capacity_is_the_scalar_rule(tariff, units):
    assert capacity_vector(tariff, np.array(units, dtype=np.int64)).tolist() == [capacity(tariff, u) for u in units]


@settings(max_examples=60, deadline=None)
@given(tariffs(), st.integers(1, 40))
def test_the_fee_table_is_the_fee_of_one_purchase_of_each_size(tariff, upto):
    table = fee_table_fen(tariff, upto)
    assert table.tolist() == [to_fen(purchase_fee(tariff, m)) for m in range(upto + 1)]


@settings(max_examples=60, deadline=None)
@given(tariffs(), st.lists(st.integers(0, 40), min_size=1, max_size=20))
def test_the_vectorized_unit_price_is_the_purchases_unit_price(tariff, sizes):
    units = np.array(sizes, dtype=np.int64)
    fees = fee_table_fen(tariff, 40)[units]
    expected = [to_fen(make_purchase(tariff, m).unit_price) for m in sizes]
    assert unit_price_fen(fees, units).tolist() == expected


@settings(max_examples=60, deadline=None)
@given(tariffs(), users_lists, st.integers(1, 36), st.integers(0, 5))
def test_the_cost_curve_prices_every_user_count_as_the_quote_does(tariff, users, months, held):
    curve = cost_curve(tariff, np.array(users, dtype=np.int64), months, held)
    for row in curve.itertuples():
        q = quote(tariff, int(row.users), months, held)
        assert (row.units, row.capacity, row.cheapest_units, row.cheapest_capacity) == (
            q.purchase.units, q.capacity, q.cheapest.units, q.cheapest.capacity)
        assert from_fen(int(row.unit_price_fen)) == q.purchase.unit_price
        assert from_fen(int(row.pack_fee_fen)) == q.pack_fee
        assert from_fen(int(row.total_fen)) == q.total
        assert from_fen(int(row.cheapest_total_fen)) == q.cheapest_total
        assert from_fen(int(row.saving_fen)) == q.saving


@settings(max_examples=40, deadline=None)
@given(tariffs(), users_lists, st.integers(1, 36), st.integers(0, 5))
def test_the_portfolio_prices_every_customer_as_the_quote_does(tariff, users, months, held):
    rows = pd.DataFrame({
        "users": np.array(users, dtype=np.int64),
        "months": np.full(len(users), months, dtype=np.int64),
        "held_units": np.full(len(users), held, dtype=np.int64),
    })
    priced = reprice(rows, tariff)
    for position, customers in enumerate(users):
        q = quote(tariff, customers, months, held)
        assert from_fen(int(priced["pack_rate_fen"].iloc[position])) == q.purchase.unit_price
        assert from_fen(int(priced["total_fen"].iloc[position])) == q.total


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10**9), st.integers(1, 120), st.integers(0, 10**8)), min_size=1, max_size=20))
def test_the_vectorized_cost_per_thousand_is_the_scalar_rule(cases):
    totals, months, users = (np.array(column, dtype=np.int64) for column in zip(*cases, strict=True))
    got = per_thousand_fen(totals, months, users).tolist()
    expected = [to_fen(per_thousand(from_fen(t), m, u) or Decimal(0)) for t, m, u in cases]
    assert got == expected


@settings(max_examples=40, deadline=None)
@given(tariffs(), st.integers(1, 3_000_000), st.sampled_from([1, 12, 24]))
def test_the_per_thousand_chart_shows_the_quotes_cost_per_thousand(tariff, users, months):
    labels = {"term_one": "{months}", "term_many": "{months}"}
    frame = per_thousand_frame(term_curves(tariff, np.array([users], dtype=np.int64), [months]), labels)
    expected = quote(tariff, users, months).cost_per_thousand
    assert expected is not None
    assert frame["per_thousand"].iloc[0] == float(expected)


@settings(max_examples=60, deadline=None)
@given(tariffs(), st.integers(0, 3_000_000), st.integers(1, 36))
def test_an_option_costs_per_month_and_per_thousand_what_its_quote_does(tariff, users, months):
    q = quote(tariff, users, months)
    literal = Option(q, "literal")
    assert (literal.monthly_equivalent, literal.cost_per_thousand) == (q.monthly_equivalent, q.cost_per_thousand)
    assert literal.monthly_equivalent == per_month(q.total, months)


def test_a_graduated_purchase_has_one_unit_price_on_the_curve_the_quote_and_the_portfolio():
    tariff = graduated("6000", "5099.43")  # 6 units: 30,000 + 5,099.43 = 35,099.43 / 6 = 5,849.905
    users = 200_000 + 6 * 100_000
    q = quote(tariff, users)
    assert q.purchase.unit_price == Decimal("5849.91")  # half up, as a bill rounds
    curve = cost_curve(tariff, [users])
    assert int(curve["unit_price_fen"].iloc[0]) == 584991
    rows = pd.DataFrame({"users": [users], "months": [1], "held_units": [0]})
    assert int(reprice(rows, tariff)["pack_rate_fen"].iloc[0]) == 584991


def test_a_unit_price_rounds_half_a_fen_up():
    assert unit_price(Decimal("0.01"), 2) == Decimal("0.01")
    assert unit_price(Decimal("0.05"), 3) == Decimal("0.02")
    assert unit_price(Decimal(0), 0) == Decimal(0)


@settings(max_examples=40, deadline=None)
@given(tariffs(), st.integers(1, 30))
def test_the_cheaper_runs_are_exactly_the_needs_a_cheaper_cover_beats(tariff, max_need):
    table = cover_table(tariff, max_need)
    runs = cliff_runs(tariff, max_need)
    covered = {need: run for run in runs for need in range(run.need_from, run.need_to + 1)}
    for need in range(1, max_need + 1):
        saving = purchase_fee(tariff, need) - from_fen(int(table.cost_fen[need]))
        assert (need in covered) == (saving > 0)
        if need in covered:
            assert covered[need].plan == table.plan(need)
            assert saving <= covered[need].max_overpay
    for run in runs:
        worst = purchase_fee(tariff, run.worst_need) - from_fen(int(table.cost_fen[run.worst_need]))
        assert worst == run.max_overpay


@settings(max_examples=30, deadline=None)
@given(tariffs(), st.integers(1, 30))
def test_the_review_cliffs_and_the_curve_inversions_are_the_same_runs(tariff, max_need):
    runs = cliff_runs(tariff, max_need)
    frame = cliffs(tariff, max_need)
    rows = cliff_rows(tariff, max_need)
    assert frame["need_from"].tolist() == [r.need_from for r in runs] == [r.need_lo for r in rows]
    assert frame["need_to"].tolist() == [r.need_to for r in runs] == [r.need_hi for r in rows]
    assert frame["users_from"].tolist() == [r.users_lo for r in rows]
    assert frame["users_to"].tolist() == [r.users_hi for r in rows]
    assert frame["max_overpay_fen"].tolist() == [to_fen(r.max_saving) for r in rows]
    assert frame["buy_capacity"].tolist() == [r.capacity for r in rows]


@settings(max_examples=60, deadline=None)
@given(st.dates(date(2000, 1, 1), date(2080, 12, 31)), st.integers(1, 36))
def test_the_simulator_stops_and_reclaims_on_the_quotes_term_dates(start, months):
    expiry, reclamation = term_dates(start, months, PUBLISHED)
    scenario = Scenario(start=start, months=months, until=reclamation + timedelta(days=2), users=0)
    result = simulate(scenario, PUBLISHED)
    starts = {p.state: p.start for p in result.periods}
    assert (starts["stopped"], starts["reclaimed"]) == (expiry, reclamation)
    assert (result.final_expiry, result.reclamation) == (expiry, reclamation)
