"""One parser for user counts wherever a count enters (issue 13): the portfolio CSV's users column
here (the page, the links and --users have their own suites)."""

import io
import json

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smop_pricing.cli import main
from smop_pricing.money import users_in_wan
from smop_pricing.portfolio import numbers, read_portfolio
from smop_pricing.validation import MAX_USERS, parse_users

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
CSV = (
    "customer,users,months\n甲,35万,12\n乙,1000000,1\n丙,2.5M,1\n丁,1.5亿,1\n戊,1.23456万,1\n"
    "己,１００万,1\n庚,\"1,000,000\",1\n"
)


def test_the_portfolio_reads_users_as_people_write_them():
    frame = read_portfolio(CSV.encode())
    assert dict(zip(frame.rows["customer"], frame.rows["users"], strict=True)) == {
        "甲": 350_000, "乙": 1_000_000, "丙": 2_500_000, "己": 1_000_000, "庚": 1_000_000,
    }


def test_the_portfolio_refuses_a_count_out_of_bounds_or_not_whole_naming_its_line():
    errors = read_portfolio(CSV.encode()).errors
    assert errors[["line", "column", "value", "rule"]].values.tolist() == [
        [5, "users", "1.5亿", "range"], [6, "users", "1.23456万", "not_whole"],
    ]


def test_a_file_of_plain_digits_never_reaches_the_scalar_parser(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the scalar parser ran on plain digits")

    monkeypatch.setattr(numbers, "parse_count", refuse)
    rows = "\n".join(f"c{n},{n * 1000},1" for n in range(2_000))
    frame = read_portfolio(("customer,users,months\n" + rows + "\n").encode())
    assert len(frame.rows) == 2_000 and frame.errors.empty


def test_only_the_rows_refused_by_the_fast_path_are_read_again():
    column = pa.array(["100", "35万", "x", "2,000"])
    values, codes = numbers.parse_whole_numbers(column, 0, 100_000_000)
    before = codes.copy()
    numbers.reread_written_counts(column, values, codes, 0, 100_000_000)
    assert values.tolist() == [100, 350_000, 0, 2_000]
    assert codes[0] == before[0] == codes[3] and codes[1] == 0 and codes[2] == before[2] != 0


@pytest.mark.parametrize("text", ["1e6", "1,000,000", "100 万", "１００万", "1M"])
def test_each_way_of_writing_a_million_reads_as_a_million(text):
    column = pa.array([text])
    values, codes = numbers.parse_whole_numbers(column, 0, 100_000_000)
    numbers.reread_written_counts(column, values, codes, 0, 100_000_000)
    assert (values.tolist(), np.count_nonzero(codes)) == ([1_000_000], 0)


@given(st.text(max_size=70))
def test_a_users_link_parameter_is_read_as_the_parser_reads_it_or_falls_back_with_the_rule(text):
    from smop_pricing.errors import InputError
    from smop_ui.params import IntParam, _parse

    value, rule = _parse(IntParam("users", 1_000_000, 0, MAX_USERS), text, "en")
    try:
        expected = parse_users(text.strip()) if len(text) <= 64 else None
    except InputError:
        expected = None
    if expected is None:
        assert (value, rule is not None) == (1_000_000, True)
    else:
        assert (value, rule) == (expected, None)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, MAX_USERS))
def test_the_command_line_reads_a_count_written_in_wan_grouped_or_full_width_as_that_count(users):
    forms = [f"{users:,}", f"{users}".translate(FULL_WIDTH)]
    wan = users_in_wan(users, places=4)
    if wan:
        forms.append(wan)
    for text in forms:
        out = io.StringIO()
        assert main(["quote", "--users", text, "--json"], out=out, err=io.StringIO()) == 0, text
        assert json.loads(out.getvalue())["users"] == users
