"""One formatter per kind (smop_pricing/money.py): money, signed money, percent, users, yuan text."""

from decimal import Decimal

import pytest

from smop_pricing.money import (
    format_money,
    format_percent,
    format_rate,
    format_users,
    plan_text,
    ratio_percent,
    signed_money,
    signed_percent,
    users_axis_expr,
    users_text,
    yuan_text,
)


def test_a_negative_amount_has_one_ascii_minus_in_every_formatter():
    shown = [format_money(Decimal(-500), "en"), format_rate(Decimal(-5), "en"), signed_money(Decimal(-500), "en"),
             signed_percent(Decimal("-0.5")), format_money(Decimal(-500), "zh")]
    assert shown == ["-CNY 500", "-CNY 5.00", "-CNY 500", "-0.5%", "-500 元"]
    assert not any("\u2212" in text for text in shown)


def test_a_change_of_money_carries_a_plus_when_it_rises_and_no_sign_at_zero():
    assert (signed_money(Decimal(500), "zh"), signed_money(Decimal(0), "en")) == ("+500 元", "CNY 0")


def test_a_percentage_has_no_space_before_its_sign():
    assert (format_percent(Decimal(90)), ratio_percent(Decimal("0.9")), ratio_percent(Decimal("0.125"))) == (
        "90%", "90%", "12.5%")


@pytest.mark.parametrize(
    ("users", "zh", "en"),
    [
        (0, "0", "0"),
        (9_999, "9,999", "9,999"),
        (350_000, "35万", "350,000"),
        (1_234_567, "1,234,567", "1,234,567"),
        (100_000_000, "1亿", "100,000,000"),
        (200_000_000, "2亿", "200,000,000"),
    ],
)
def test_users_are_written_in_wan_or_yi_when_round_in_chinese_and_with_commas_in_english(users, zh, en):
    assert (users_text(users, "zh"), users_text(users, "en")) == (zh, en)
    assert format_users(users, "zh") == zh
    assert format_users(users, "en") == f"{en} users"


def test_the_chinese_user_axis_counts_in_yi_and_wan():
    expression = users_axis_expr("zh")
    assert "亿" in expression and "万" in expression
    assert "万" not in users_axis_expr("en")


def test_fen_become_exact_yuan_text_for_files():
    assert list(yuan_text([3_840_000, 0, 100])) == [38400, 0, 1]
    assert list(yuan_text([3_840_050, -5, -150])) == ["38400.50", "-0.05", "-1.50"]


def test_a_plan_is_its_purchase_sizes_joined_by_plus():
    assert (plan_text((11,)), plan_text((6, 5)), plan_text((1_000,))) == ("11", "6 + 5", "1,000")
