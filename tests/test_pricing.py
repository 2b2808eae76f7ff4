"""The engine against R1-R3, R9 of docs/rules.md and the page's worked examples E1 and E2."""

from decimal import Decimal

import pytest

from smop_pricing.errors import InputError
from smop_pricing.pricing.rules import (
    cheapest_cover,
    cliff_runs,
    make_purchase,
    purchase_fee,
    quote,
    units_needed,
)
from smop_pricing.pricing.tariff import parse_tariff, published_tariff, tariff_to_toml

PUBLISHED = published_tariff()
GRADUATED = parse_tariff(tariff_to_toml(PUBLISHED).replace('"volume"', '"graduated"'))


def test_e1_150000_users_for_12_months_cost_24000_with_no_packs():
    q = quote(PUBLISHED, 150_000, 12)
    assert (q.total, q.purchase.units, q.pack_fee, q.capacity) == (Decimal(24000), 0, 0, 200_000)


def test_e2_a_million_users_need_8_units_at_4800_for_38400():
    q = quote(PUBLISHED, 1_000_000, 1)
    assert (q.purchase.units, q.purchase.unit_price, q.pack_fee) == (8, Decimal(4800), Decimal(38400))
    assert (q.total, q.capacity) == (Decimal(40400), 1_000_000)


def test_the_pages_printed_38600_is_a_slip_for_38400():
    printed_on_the_page = Decimal(38600)
    assert 8 * Decimal(4800) == Decimal(38400) != printed_on_the_page
    assert quote(PUBLISHED, 1_000_000).pack_fee == Decimal(38400)


def test_e2_the_cheapest_cover_is_11_units_for_33000_saving_5400():
    q = quote(PUBLISHED, 1_000_000, 1)
    assert (q.cheapest.units, q.cheapest.fee, q.cheapest.capacity) == (11, Decimal(33000), 1_300_000)
    assert (q.cheapest_total, q.saving) == (Decimal(35000), Decimal(5400))


R9_FEES = [6000, 12000, 18000, 24000, 30000, 28800, 33600, 38400, 43200, 48000, 33000, 36000]
R9_CHEAPEST = [1, 2, 3, 4, 6, 6, 11, 11, 11, 11, 11, 12]


@pytest.mark.parametrize("units", range(1, 13))
def test_the_r9_table_gives_each_purchases_fee_and_its_cheapest_cover(units):
    assert purchase_fee(PUBLISHED, units) == Decimal(R9_FEES[units - 1])
    assert cheapest_cover(PUBLISHED, units).units == R9_CHEAPEST[units - 1]


def test_the_published_tariffs_cliffs_are_5_to_6_and_7_to_10_to_11():
    runs = cliff_runs(PUBLISHED, 40)
    assert [(r.need_from, r.need_to, r.plan, r.max_overpay) for r in runs] == [
        (5, 5, (6,), Decimal(1200)),
        (7, 10, (11,), Decimal(15000)),
    ]


def test_a_graduated_tariff_has_no_cliffs():
    assert cliff_runs(GRADUATED, 40) == ()


def test_a_graduated_purchase_prices_each_tier_at_its_own_rate():
    purchase = make_purchase(GRADUATED, 8)
    assert [(p.units, p.tier_price) for p in purchase.parts] == [(5, Decimal(6000)), (3, Decimal(4800))]
    assert purchase.fee == Decimal(5 * 6000 + 3 * 4800)


def test_units_needed_rounds_a_part_pack_up_to_a_whole_unit():
    assert units_needed(PUBLISHED, 200_001) == 1
    assert units_needed(PUBLISHED, 200_000) == 0


def test_held_units_reduce_the_need_and_the_new_purchase_is_priced_by_its_own_size():
    q = quote(PUBLISHED, 1_000_000, 1, held_units=5)
    assert (q.purchase.units, q.purchase.unit_price, q.capacity) == (3, Decimal(6000), 1_000_000)


def test_no_packs_needed_means_zero_units_rate_and_fee():
    q = quote(PUBLISHED, 0, 1)
    assert (q.purchase.units, q.purchase.unit_price, q.pack_fee, q.saving) == (0, 0, 0, 0)
    assert q.cost_per_thousand is None


def test_cost_per_thousand_users_per_month_divides_the_total_by_months_and_thousands():
    assert quote(PUBLISHED, 1_000_000, 2).cost_per_thousand == Decimal("21.20")


def test_a_split_purchase_wins_when_a_bigger_single_purchase_costs_more():
    rising = parse_tariff(
        tariff_to_toml(PUBLISHED).replace('unit_price = "3000"', 'unit_price = "9000"')
    )
    plan = cheapest_cover(rising, 12)
    assert plan.fee == min(purchase_fee(rising, 12), 2 * purchase_fee(rising, 6))
    assert plan.units >= 12


@pytest.mark.parametrize(
    ("users", "months", "held", "field"),
    [(-1, 1, 0, "users"), (1, 0, 0, "months"), (1, 1, -1, "held_units"),
     (100_000_001, 1, 0, "users"), (1, 121, 0, "months"), (1.5, 1, 0, "users")],
)
def test_out_of_bounds_inputs_raise_an_input_error_naming_the_field(users, months, held, field):
    with pytest.raises(InputError) as caught:
        quote(PUBLISHED, users, months, held)
    assert caught.value.field == field
