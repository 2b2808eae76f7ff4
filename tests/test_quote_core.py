"""The quote feature's core: term dates, tier rows, the rules that bite, the slip note, rates."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smop_pricing.errors import InputError
from smop_pricing.i18n import LANGS, catalog
from smop_pricing.money import format_rate
from smop_pricing.pricing.rules import MAX_TERM_MONTHS, quote, term_dates
from smop_pricing.pricing.tariff import Tier, published_tariff
from smop_pricing.quote.report import rules_that_bite, short_users, slip_note, tier_rows

TARIFF = published_tariff()


def test_a_month_bought_on_january_31st_of_a_leap_year_expires_on_february_29th():
    assert term_dates(dt.date(2024, 1, 31), 1, TARIFF) == (dt.date(2024, 2, 29), dt.date(2024, 5, 29))


def test_a_month_bought_on_january_31st_of_a_common_year_expires_on_february_28th():
    assert term_dates(dt.date(2023, 1, 31), 1, TARIFF)[0] == dt.date(2023, 2, 28)


def test_the_june_expiry_of_e3_and_e5_is_reclaimed_on_september_1st():
    assert term_dates(dt.date(2022, 5, 1), 1, TARIFF) == (dt.date(2022, 6, 1), dt.date(2022, 9, 1))


def test_a_twelve_month_term_expires_a_year_later():
    assert term_dates(dt.date(2024, 3, 15), 12, TARIFF)[0] == dt.date(2025, 3, 15)


def test_reclamation_follows_the_tariffs_grace_months():
    no_grace = dataclasses.replace(TARIFF, grace_months=0)
    expiry, reclamation = term_dates(dt.date(2024, 3, 15), 1, no_grace)
    assert reclamation == expiry == dt.date(2024, 4, 15)


@pytest.mark.parametrize("months", [0, -1, 121])
def test_term_dates_refuse_a_term_out_of_range(months):
    with pytest.raises(InputError):
        term_dates(dt.date(2024, 1, 1), months, TARIFF)


@given(st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)), st.integers(1, MAX_TERM_MONTHS))
def test_expiry_comes_after_the_start_and_reclamation_about_three_months_after_expiry(start, months):
    expiry, reclamation = term_dates(start, months, TARIFF)
    assert start < expiry <= start + dt.timedelta(days=31 * months)
    assert 89 <= (reclamation - expiry).days <= 92


def test_the_tier_table_marks_the_literal_tier_and_the_cheaper_one():
    rows = tier_rows(quote(TARIFF, 1_000_000, 1), "en")
    assert [(r.units, r.literal, r.cheapest) for r in rows] == [
        ("1 – 5", False, False), ("6 – 10", True, False), ("11 or more", False, True),
    ]
    assert rows[1].unit_price == "CNY 4,800"
    assert "8 units" in rows[1].mark and "11 units" in rows[2].mark


def test_the_tier_table_marks_nothing_when_no_pack_is_bought():
    rows = tier_rows(quote(TARIFF, 150_000, 12), "zh")
    assert not any(r.literal or r.cheapest or r.mark for r in rows)
    assert rows[0].users == "10万 – 50万"


def test_a_graduated_purchase_marks_every_tier_it_uses():
    graduated = dataclasses.replace(TARIFF, tier_mode="graduated")
    rows = tier_rows(quote(graduated, 1_000_000, 1), "en")
    assert [r.literal for r in rows] == [True, True, False]


def test_the_rules_name_the_expiry_and_reclamation_days_when_the_start_is_known():
    q = quote(TARIFF, 1_000_000, 1)
    rules = rules_that_bite(q, "en", term_dates(dt.date(2024, 1, 31), 1, TARIFF))
    text = " ".join(rules)
    assert "2024-02-29" in text and "2024-05-29" in text and "2024-05-28" in text
    assert any("No refunds" in r for r in rules)
    assert any("1,000,001" in r for r in rules)


def test_the_rules_say_packs_are_lost_when_the_tariff_says_so():
    lost = dataclasses.replace(TARIFF, packs_survive_lapse=False)
    rules = rules_that_bite(quote(lost, 1_000_000, 1), "en")
    assert "does not bring them back" in rules[0]


def test_the_slip_note_shows_only_where_the_billing_pages_example_is_reproduced():
    assert "38,600" in (slip_note(quote(TARIFF, 1_000_000, 1), "zh") or "")
    assert slip_note(quote(TARIFF, 1_100_000, 1), "zh") is None
    assert slip_note(quote(TARIFF, 1_000_000, 1, held_units=1), "zh") is None


def test_a_rate_always_shows_two_decimals():
    assert format_rate(Decimal(35), "zh") == "35.00 元"
    assert format_rate(Decimal("40.4"), "en") == "CNY 40.40"
    assert format_rate(None, "en") == "—"


def test_user_counts_are_short_in_wan_in_chinese_and_grouped_in_english():
    assert short_users(1_300_000, "zh") == "130万"
    assert short_users(1_234_567, "zh") == "1,234,567"
    assert short_users(1_300_000, "en") == "1,300,000"


def test_every_quote_text_has_chinese_and_english_with_the_same_placeholders():
    import string

    for key, texts in catalog().items():
        if not key.startswith("quote."):
            continue
        assert set(texts) == set(LANGS), key
        fields = [{f for _, f, _, _ in string.Formatter().parse(texts[lang]) if f} for lang in LANGS]
        assert fields[0] == fields[1], key


def test_an_open_ended_last_tier_reads_as_or_more():
    one_tier = dataclasses.replace(TARIFF, tiers=(Tier(None, Decimal(1000)),))
    rows = tier_rows(quote(one_tier, 500_000, 1), "en")
    assert rows[0].units == "1 or more" and rows[0].literal
