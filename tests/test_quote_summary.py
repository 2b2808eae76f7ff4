"""The quote on a basis (issue 13): the recommended purchase first, upfront and recurring apart,
the quote as a document (number, validity), and user counts as Chinese readers write them."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smop_pricing.money import format_users, users_echo, users_in_wan
from smop_pricing.pricing.rules import quote
from smop_pricing.pricing.tariff import published_tariff, tariff_label
from smop_pricing.quote.report import short_users
from smop_pricing.quote.summary import quote_number, sheet_info, summarize
from smop_pricing.validation import MAX_USERS, parse_users

TARIFF = published_tariff()
YEAR = quote(TARIFF, 1_000_000, 12)
ISSUED = dt.date(2026, 11, 30)


def test_a_million_users_for_a_year_costs_57000_recommended_33000_once_2000_a_month_and_24000_the_next_year():
    s = summarize(YEAR)
    assert s.basis == "cheapest"
    assert (s.first_term_total, s.one_time, s.recurring_monthly, s.next_12_months) == (57_000, 33_000, 2_000, 24_000)
    assert (s.alternative_basis, s.alternative_total, s.alternative_difference) == ("literal", 62_400, 5_400)
    assert s.capacity == 1_300_000 and s.pack_units == 11


def test_on_the_literal_basis_the_as_needed_purchase_is_the_headline_and_the_recommended_one_costs_less():
    s = summarize(YEAR, "literal")
    assert (s.first_term_total, s.one_time, s.alternative_total, s.alternative_difference) == (
        62_400, 38_400, 57_000, -5_400)
    assert s.capacity == 1_000_000


def test_350000_users_for_a_year_pays_12000_once_and_24000_the_following_year():
    s = summarize(quote(TARIFF, 350_000, 12))
    assert (s.first_term_total, s.one_time, s.next_12_months) == (36_000, 12_000, 24_000)
    assert not s.has_alternative  # 2 units: nothing covers them for less


@given(st.integers(0, MAX_USERS), st.integers(1, 36), st.integers(0, 50), st.sampled_from(["cheapest", "literal"]))
def test_the_first_term_is_the_one_time_packs_plus_the_monthly_fee_times_the_months(users, months, held, basis):
    q = quote(TARIFF, users, months, held)
    s = summarize(q, basis)
    assert s.first_term_total == s.one_time + s.recurring_monthly * months
    assert s.next_12_months == TARIFF.monthly_fee * 12
    assert summarize(q, "cheapest").first_term_total <= summarize(q, "literal").first_term_total
    assert users <= s.capacity


def test_the_quote_number_is_stable_for_the_same_inputs_and_issue_day_and_changes_with_them():
    s = summarize(YEAR)
    info = sheet_info(ISSUED, customer="甲")
    number = quote_number(s, info)
    assert number.startswith("Q-20261130-") and len(number) == len("Q-20261130-") + 6
    assert quote_number(summarize(quote(TARIFF, 1_000_000, 12)), sheet_info(ISSUED, customer="甲")) == number
    others = {
        quote_number(summarize(YEAR, "literal"), info),
        quote_number(summarize(quote(TARIFF, 1_100_000, 12)), info),
        quote_number(s, sheet_info(ISSUED + dt.timedelta(days=1), customer="甲")),
        quote_number(s, sheet_info(ISSUED, customer="乙")),
        quote_number(s, info, dt.date(2027, 1, 1)),
    }
    assert number not in others and len(others) == 5


def test_a_quote_is_valid_30_days_after_its_issue_day_unless_set_and_never_before_it():
    assert sheet_info(ISSUED).valid_until == dt.date(2026, 12, 30)
    assert sheet_info(ISSUED, dt.date(2027, 1, 15)).valid_until == dt.date(2027, 1, 15)
    assert sheet_info(ISSUED, dt.date(2026, 1, 1)).valid_until == ISSUED


def test_a_customer_name_is_kept_to_one_line():
    assert sheet_info(ISSUED, customer="  示例\n公司  ", prepared_by="x" * 200).customer == "示例 公司"
    assert len(sheet_info(ISSUED, prepared_by="x" * 200).prepared_by) == 80


def test_the_tariff_is_named_in_words_with_its_date_in_both_languages_never_as_bare_published():
    zh, en = tariff_label(TARIFF, "zh"), tariff_label(TARIFF, "en")
    assert "官网公布价格" in zh and "2026-11-27" in zh and "published" not in zh
    assert "published prices" in en and "2026-11-27" in en and "version published" not in en
    whatif = dataclasses.replace(TARIFF, name="试算", version="v2", monthly_fee=Decimal(1500))
    assert "v2" in tariff_label(whatif, "en") and "What-if" in tariff_label(whatif, "en")


@pytest.mark.parametrize(("users", "shown"), [
    (350_000, "35万"), (355_000, None), (1_000_000, "100万"), (100_000_000, "1亿"), (9_999, None),
    (150_000_000, "1.5亿"),
])
def test_round_counts_read_in_wan_and_a_hundred_million_as_one_yi(users, shown):
    assert users_in_wan(users) == shown


def test_the_field_echoes_what_it_understood():
    assert users_echo(350_000, "zh") == "= 350,000 用户（35万）"
    assert users_echo(355_000, "zh") == "= 355,000 用户（35.5万）"
    assert users_echo(100_000_000, "zh") == "= 100,000,000 用户（1亿）"
    assert users_echo(999, "zh") == "= 999 用户"
    assert users_echo(350_000, "en") == "= 350,000 users"


def test_a_hundred_million_users_read_as_one_yi_everywhere_we_shorten_counts():
    assert format_users(100_000_000, "zh") == "1亿" and short_users(100_000_000, "zh") == "1亿"
    assert short_users(10_000_000, "zh") == "1,000万"


@given(st.integers(0, MAX_USERS))
def test_what_the_echo_shows_in_wan_reads_back_as_the_same_count(users):
    wan = users_in_wan(users, places=4)
    if wan is not None:
        assert parse_users(wan) == users
