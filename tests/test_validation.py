"""User counts as people write them (smop_pricing.validation): read, echo-able, or refused by name."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smop_pricing.errors import InputError
from smop_pricing.validation import MAX_USERS, is_blank, parse_count, parse_users


@pytest.mark.parametrize(
    ("text", "users"),
    [
        ("1000000", 1_000_000),
        ("1,000,000", 1_000_000),
        ("100万", 1_000_000),
        ("100 万", 1_000_000),
        ("35万", 350_000),
        ("35.5万", 355_000),
        ("1亿", 100_000_000),
        ("350k", 350_000),
        ("350K", 350_000),
        ("2.5M", 2_500_000),
        ("１００万", 1_000_000),
        ("１，０００，０００", 1_000_000),
        ("1e6", 1_000_000),
        ("35w", 350_000),
        ("3百万", 3_000_000),
        ("35万用户", 350_000),
        ("0", 0),
        ("  42  ", 42),
    ],
)
def test_a_user_count_written_as_people_write_it_is_read_as_its_value(text: str, users: int) -> None:
    assert parse_users(text) == users


@pytest.mark.parametrize("text", ["1.23456万", "1.5", "abc", "", "1,00", "1,0000", "万", "1e", "--5", "1.2.3", "²"])
def test_text_that_is_not_a_whole_number_of_users_is_refused_as_not_whole(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_users(text)
    assert caught.value.rule == "whole_number"
    assert caught.value.field == "users"


@pytest.mark.parametrize("text", ["1.5亿", "-1", "2亿", "1e9", "101,000,000"])
def test_a_count_out_of_bounds_is_refused_with_the_bounds_named(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_users(text)
    assert caught.value.rule == "range"
    assert caught.value.params["maximum"] == "100,000,000"
    assert "100,000,000" in caught.value.message("en")


def test_a_very_long_number_is_refused_without_reading_it() -> None:
    with pytest.raises(InputError):
        parse_users("9" * 5000)


def test_an_int_is_checked_against_the_bounds_only() -> None:
    assert parse_count("months", 12, 1, 120) == 12
    with pytest.raises(InputError):
        parse_count("months", 0, 1, 120)
    with pytest.raises(InputError):
        parse_count("months", True, 1, 120)


def test_blank_means_none_or_only_spaces() -> None:
    assert is_blank(None) and is_blank("  ") and is_blank("\u3000".strip())
    assert not is_blank("0")


@given(st.integers(min_value=0, max_value=MAX_USERS))
def test_every_count_reads_back_plain_grouped_and_in_wan(users: int) -> None:
    assert parse_users(str(users)) == users
    assert parse_users(f"{users:,}") == users
    wan = f"{users / 10_000:.4f}".rstrip("0").rstrip(".")
    assert parse_users(wan + "万") == users


@given(st.text(max_size=30))
def test_any_text_is_read_or_refused_with_an_input_error(text: str) -> None:
    try:
        value = parse_users(text)
    except InputError:
        return
    assert 0 <= value <= MAX_USERS


@pytest.mark.parametrize(("text", "number"), [("5.", 5), ("1,000.", 1_000), ("+0.", 0)])
def test_a_trailing_point_is_read_as_the_whole_number_before_it_as_the_portfolio_reader_reads_it(text, number):
    from smop_pricing.portfolio.read import parse_whole_numbers

    assert parse_count("users", text, 0, 10**9) == number
    assert parse_whole_numbers([text], 0, 10**9)[0][0] == number


@pytest.mark.parametrize("text", [".", "-.", "5..", ".e3"])
def test_a_point_without_a_digit_before_it_or_doubled_is_refused(text):
    with pytest.raises(InputError):
        parse_count("users", text, 0, 10**9)
