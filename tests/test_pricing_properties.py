"""Invariants of the engine, on the published tariff and on random what-if tariffs."""

from decimal import Decimal
from functools import cache

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from smop_pricing.money import to_fen
from smop_pricing.pricing.rules import MAX_USERS, cheapest_cover, purchase_fee, quote
from smop_pricing.pricing.tariff import Tariff, published_tariff
from smop_pricing.pricing.vector import cost_curve
from tests.strategies import tariffs

PUBLISHED = published_tariff()
users_st = st.integers(0, 30_000_000)


def brute_force_minimum(tariff: Tariff, need: int) -> Decimal:
    """Every multiset of purchase sizes (largest first) until the need is covered."""
    limit = need + tariff.open_tier_start + 2

    @cache
    def fee(m: int) -> Decimal:
        return purchase_fee(tariff, m)

    def search(remaining: int, largest: int) -> Decimal:
        if remaining <= 0:
            return Decimal(0)
        return min(fee(m) + search(remaining - m, m) for m in range(1, largest + 1))

    return search(need, limit)


@given(users_st, st.integers(1, 36), st.integers(0, 20))
def test_the_cheapest_total_never_exceeds_the_literal_total(users, months, held):
    q = quote(PUBLISHED, users, months, held)
    assert q.cheapest_total <= q.total
    assert q.saving >= 0


@given(users_st, st.integers(1, 36), st.integers(0, 20))
def test_both_purchases_give_at_least_the_users_asked_for(users, months, held):
    q = quote(PUBLISHED, users, months, held)
    assert q.capacity >= users
    assert q.cheapest.capacity >= users


@given(users_st, st.integers(1, 35))
def test_totals_never_fall_as_the_term_grows(users, months):
    assert quote(PUBLISHED, users, months).total <= quote(PUBLISHED, users, months + 1).total
    assert quote(PUBLISHED, users, months).cheapest_total <= quote(PUBLISHED, users, months + 1).cheapest_total


@settings(max_examples=150, deadline=None)
@given(tariffs(), st.integers(1, 9))
def test_the_cheapest_cover_equals_a_brute_force_minimum_on_any_valid_tariff(tariff, need):
    plan = cheapest_cover(tariff, need)
    assert plan.fee == brute_force_minimum(tariff, need)
    assert plan.units >= need
    assert plan.fee == sum(purchase_fee(tariff, p.units) for p in plan.purchases)


@settings(max_examples=100, deadline=None)
@given(tariffs(), st.integers(0, 60))
def test_graduated_fees_never_fall_as_units_grow(tariff, units):
    graduated = Tariff(**{**tariff.__dict__, "tier_mode": "graduated"})
    assert purchase_fee(graduated, units) <= purchase_fee(graduated, units + 1)


@settings(max_examples=60, deadline=None)
@given(tariffs(), st.lists(st.integers(0, 40), min_size=1, max_size=30), st.integers(1, 24))
def test_the_vectorized_curve_agrees_with_one_quote_per_point(tariff, users, months):
    frame = cost_curve(tariff, np.array(users, dtype=np.int64), months)
    for row, count in zip(frame.itertuples(), users, strict=True):
        q = quote(tariff, count, months)
        assert row.total_fen == to_fen(q.total)
        assert row.cheapest_total_fen == to_fen(q.cheapest_total)
        assert row.units == q.purchase.units
        assert row.cheapest_units == q.cheapest.units
        assert row.capacity == q.capacity


def test_the_curve_reaches_the_largest_allowed_user_count():
    frame = cost_curve(PUBLISHED, np.array([0, MAX_USERS], dtype=np.int64))
    assert frame["capacity"].iloc[-1] >= MAX_USERS
