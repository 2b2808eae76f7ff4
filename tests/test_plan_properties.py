"""The planner against an independent reading of R11: brute force over every schedule, and the
strategies recomputed from their definitions, on random forecasts, held units, rates and tariffs."""

import datetime as dt
import itertools
import json
from decimal import Decimal, localcontext
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from smop_pricing.cli import main
from smop_pricing.plan.forecast import Forecast, forecast_csv
from smop_pricing.plan.optimal import optimal_units, prices_fall_with_size
from smop_pricing.plan.strategies import Problem, all_strategies, strategy
from smop_pricing.pricing.rules import purchase_fee
from smop_pricing.pricing.tariff import Tariff, published_tariff
from tests import strategies

PUBLISHED = published_tariff()
JAN = dt.date(2026, 1, 1)
rates = st.one_of(st.just(Decimal(0)), st.integers(0, 1000).map(lambda n: Decimal(n) / 1000))


def tariffs() -> st.SearchStrategy[Tariff]:
    """Small what-if tariffs: 2 included users, 1 user per pack, up to 3 tiers."""
    return strategies.tariffs(included=st.just(2), pack=st.just(1), max_tiers=3, max_bound=6, max_price_fen=10_000)


def discount(rate: Decimal, month: int) -> Decimal:
    with localcontext() as context:
        context.prec = 40
        return (1 + rate) ** (Decimal(-month) / 12)


def exact_pv(payments: list[Decimal], rate: Decimal) -> Decimal:
    with localcontext() as context:
        context.prec = 40
        return sum((p * discount(rate, m) for m, p in enumerate(payments)), Decimal(0))


def needs(tariff: Tariff, users: tuple[int, ...], held: int) -> list[int]:
    """R3 read afresh: the fewest units making capacity reach the users, less those held."""
    out = []
    for u in users:
        units = 0
        while tariff.included_users + (held + units) * tariff.pack_users < u:
            units += 1
        out.append(units)
    return out


def brute_force(tariff: Tariff, need: list[int], rate: Decimal) -> Decimal:
    """The least present value of pack payments over every schedule of month batches.

    A month's batch of k units costs the cheapest set of purchases of exactly k units (one
    purchase when prices fall with size); levels go beyond the planner's bound.
    """
    @cache
    def batch(k: int) -> Decimal:
        best = purchase_fee(tariff, k)
        for j in range(1, k):
            best = min(best, purchase_fee(tariff, j) + batch(k - j))
        return best

    top = max(need) + tariff.open_tier_start + 3
    best: Decimal | None = None
    for levels in itertools.combinations_with_replacement(range(top + 1), len(need)):
        if any(level < n for level, n in zip(levels, need, strict=True)):
            continue
        previous, pays = 0, []
        for level in levels:
            pays.append(batch(level - previous))
            previous = level
        value = exact_pv(pays, rate)
        best = value if best is None or value < best else best
    assert best is not None
    return best


def pack_pv(tariff: Tariff, units: tuple[int, ...], rate: Decimal) -> Decimal:
    from smop_pricing.plan.optimal import batch_sizes

    return exact_pv([sum((purchase_fee(tariff, s) for s in batch_sizes(tariff, k)), Decimal(0)) for k in units],
                    rate)


@settings(max_examples=120, deadline=None)
@given(st.lists(st.integers(0, 900_000), min_size=1, max_size=4), st.integers(0, 3), rates)
def test_the_optimum_equals_brute_force_on_the_published_tariff(users, held, rate):
    need = needs(PUBLISHED, tuple(users), held)
    units = optimal_units(PUBLISHED, need, rate)
    assert abs(pack_pv(PUBLISHED, units, rate) - brute_force(PUBLISHED, need, rate)) < Decimal("1e-20")


@settings(max_examples=120, deadline=None)
@given(tariffs(), st.lists(st.integers(0, 9), min_size=1, max_size=4), rates)
def test_the_optimum_equals_brute_force_on_random_what_if_tariffs(tariff, users, rate):
    need = needs(tariff, tuple(users), 0)
    units = optimal_units(tariff, need, rate)
    assert abs(pack_pv(tariff, units, rate) - brute_force(tariff, need, rate)) < Decimal("1e-20")


@settings(max_examples=80, deadline=None)
@given(tariffs(), st.lists(st.integers(0, 12), min_size=1, max_size=6))
def test_when_prices_fall_with_size_the_optimum_buys_at_most_once_a_month(tariff, users):
    plan = strategy("optimal", Problem(tariff, Forecast(JAN, tuple(users)), rate=Decimal("0.05")))
    if prices_fall_with_size(tariff):
        months = [p.month for p in plan.purchases]
        assert len(months) == len(set(months))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 5_000_000), min_size=1, max_size=30), st.integers(0, 20))
def test_at_rate_zero_the_optimum_costs_what_upfront_costs(users, held):
    plans = {p.name: p for p in all_strategies(Problem(PUBLISHED, Forecast(JAN, tuple(users)), held))}
    assert plans["optimal"].present_value == plans["upfront"].present_value


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 5_000_000), min_size=1, max_size=30), st.integers(0, 20), rates)
def test_no_strategy_beats_the_optimum_and_every_one_covers_every_month(users, held, rate):
    plans = all_strategies(Problem(PUBLISHED, Forecast(JAN, tuple(users)), held, rate))
    for plan in plans:
        assert not plan.over_months
        assert plans[0].present_value <= plan.present_value


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 5_000_000), min_size=1, max_size=30), st.integers(0, 20),
       st.lists(st.integers(0, 5_000_000), min_size=30, max_size=30), st.booleans())
def test_a_plans_month_rows_and_months_over_capacity_are_read_afresh_from_its_purchases(users, held, other, rows_first):
    """Rows and months over are made on demand (issue 18); under another forecast (a plan's own
    purchases alone) each month's capacity, payment and users past it are R3 and R1 read afresh,
    whichever of the rows or the months over is asked for first."""
    from smop_pricing.plan.strategies import without_top_ups

    base = Problem(PUBLISHED, Forecast(JAN, tuple(users)), held)
    elsewhere = Problem(PUBLISHED, Forecast(JAN, tuple(other[: len(users)])), held)
    for plan in all_strategies(base):
        alone = without_top_ups(plan, elsewhere)
        if rows_first:
            assert len(alone.rows) == len(users)
        units = held
        expected_over = []
        for m, u in enumerate(elsewhere.forecast.users):
            bought = [p for p in alone.purchases if p.month == m]
            units += sum(p.units for p in bought)
            cap = PUBLISHED.included_users + units * PUBLISHED.pack_users
            if u > cap:
                expected_over.append((m, u - cap))
        assert alone.over == tuple(expected_over)
        assert [(r.month, r.over_users) for r in alone.over_months] == expected_over
        row = alone.rows[-1]
        assert (row.capacity, row.users) == (cap, elsewhere.forecast.users[-1])
        assert row.platform_fee + row.pack_fee == PUBLISHED.monthly_fee + sum(p.fee for p in bought)


# --------------------------------------------------------------------------- the command, read afresh


def independent_plans(users: tuple[int, ...], held: int) -> dict[str, list[tuple[int, int]]]:
    """R11's strategies from their definitions: (month, units) of each purchase."""
    need = needs(PUBLISHED, users, held)
    grow, bought = [], 0
    for m, n in enumerate(need):
        if n > bought:
            grow.append((m, n - bought))
            bought = n
    quarterly, bought = [], 0
    for m in range(0, len(need), 3):
        want = max(need[m : m + 3])
        if want > bought:
            quarterly.append((m, want - bought))
            bought = want
    peak = max(need)
    upfront = []
    if peak:
        cheapest = min(range(peak, peak + 20), key=lambda k: (purchase_fee(PUBLISHED, k), k))
        upfront = [(0, cheapest)]
    return {"as_you_grow": grow, "quarterly": quarterly, "upfront": upfront}


def label(m: int) -> str:
    return f"{2026 + m // 12}-{m % 12 + 1:02d}"


shapes = st.sampled_from(["rising", "falling", "flat", "any"])


@st.composite
def forecasts(draw: st.DrawFn) -> tuple[int, ...]:
    shape = draw(shapes)
    users = draw(st.lists(st.integers(0, 4_000_000), min_size=1, max_size=18))
    if shape == "rising":
        users.sort()
    elif shape == "falling":
        users.sort(reverse=True)
    elif shape == "flat":
        users = [users[0]] * len(users)
    return tuple(users)


@settings(max_examples=60, deadline=None)
@given(forecasts(), st.integers(0, 12), rates)
def test_the_plan_command_matches_an_independent_reading_of_r11(tmp_path_factory, users, held, rate):
    path = tmp_path_factory.mktemp("plan") / "forecast.csv"
    path.write_text(forecast_csv(Forecast(JAN, users)), encoding="utf-8")
    import io

    out, err = io.StringIO(), io.StringIO()
    status = main(["plan", str(path), "--held-units", str(held), "--discount-rate", str(rate), "--json"],
                  out=out, err=err)
    assert (status, err.getvalue()) == (0, "")
    data = json.loads(out.getvalue(), parse_float=Decimal)
    base = PUBLISHED.monthly_fee * len(users)
    assert data["months"] == len(users) and Decimal(data["base_fees"]) == base
    by_name = {s["name"]: s for s in data["strategies"]}
    assert list(by_name) == ["optimal", "as_you_grow", "quarterly", "upfront"]
    expected = independent_plans(users, held)
    for name, purchases in expected.items():
        got = by_name[name]
        assert [(p["month"], p["units"]) for p in got["purchases"]] == [(label(m), k) for m, k in purchases]
        fees = [purchase_fee(PUBLISHED, k) for _, k in purchases]
        assert [Decimal(p["fee"]) for p in got["purchases"]] == fees
        assert Decimal(got["pack_fees"]) == sum(fees, Decimal(0))
        assert Decimal(got["total"]) == sum(fees, Decimal(0)) + base
        payments = [PUBLISHED.monthly_fee] * len(users)
        for (m, _), fee in zip(purchases, fees, strict=True):
            payments[m] += fee
        assert Decimal(got["present_value"]) == exact_pv(payments, rate).quantize(Decimal("0.01"), "ROUND_HALF_UP")
    optimal = by_name["optimal"]
    need = needs(PUBLISHED, users, held)
    best = brute_force(PUBLISHED, need, rate) if len(users) <= 3 and max(need) <= 8 else None
    payments = [PUBLISHED.monthly_fee] * len(users)
    for p in optimal["purchases"]:
        payments[[label(m) for m in range(len(users))].index(p["month"])] += Decimal(p["fee"])
    assert Decimal(optimal["present_value"]) == exact_pv(payments, rate).quantize(Decimal("0.01"), "ROUND_HALF_UP")
    if best is not None:
        packs_only = exact_pv(payments, rate) - exact_pv([PUBLISHED.monthly_fee] * len(users), rate)
        assert abs(packs_only - best) < Decimal("1e-20")
    assert Decimal(optimal["present_value"]) <= min(Decimal(s["present_value"]) for s in data["strategies"])


@settings(max_examples=80, deadline=None)
@given(tariffs(), st.lists(st.integers(0, 40), min_size=1, max_size=8))
def test_at_rate_zero_the_optimum_costs_what_upfront_costs_on_random_what_if_tariffs(tariff, users):
    plans = {p.name: p for p in all_strategies(Problem(tariff, Forecast(JAN, tuple(users))))}
    assert plans["optimal"].present_value == plans["upfront"].present_value
