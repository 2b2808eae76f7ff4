"""Every reader of a whole number, a blank and a file goes through smop_pricing.validation."""

from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from smop_pricing.errors import InputError, ScenarioError, TariffError
from smop_pricing.lifecycle.scenario import parse_scenario
from smop_pricing.portfolio.read import parse_whole_numbers
from smop_pricing.pricing.tariff import load_tariff
from smop_pricing.validation import (
    MAX_FILE_BYTES,
    is_blank,
    is_missing,
    parse_count,
    parse_digits,
    read_bounded,
    read_whole,
    whole_value,
)


@pytest.mark.parametrize("value", [None, float("nan"), pd.NaT, pd.NA, np.nan])
def test_a_missing_cell_is_missing_and_blank(value):
    assert is_missing(value) and is_blank(value)


@pytest.mark.parametrize("value", ["", "  ", "\u3000"])
def test_blank_text_is_blank_but_not_missing(value):
    assert is_blank(value) and not is_missing(value)


@pytest.mark.parametrize("value", [0, "0", "x", False, Decimal(0), np.int64(0)])
def test_a_value_is_neither_blank_nor_missing(value):
    assert not is_blank(value) and not is_missing(value)


def test_a_whole_number_is_refused_by_the_callers_own_error_kind():
    with pytest.raises(ScenarioError) as caught:
        whole_value("months", 1.5, 1, 120, error=ScenarioError, whole_reals=True)
    assert (caught.value.field, caught.value.rule) == ("months", "whole_number")


def test_a_huge_whole_decimal_is_refused_as_out_of_range_before_it_is_converted():
    with pytest.raises(InputError) as caught:
        whole_value("users", Decimal("1.23E+1470154027781814"), 0, 10, whole_reals=True)
    assert caught.value.rule == "range"


def test_a_whole_float_is_read_only_when_the_caller_allows_reals():
    assert whole_value("x", 12.0, 0, 20, whole_reals=True) == 12
    with pytest.raises(InputError):
        whole_value("x", 12.0, 0, 20)


def test_a_numpy_integer_is_a_whole_number_and_a_bool_is_not():
    assert whole_value("x", np.int64(7), 0, 10) == 7
    with pytest.raises(InputError):
        whole_value("x", True, 0, 10)


@pytest.mark.parametrize("text", ["²", "1e3", "+5", "35万", "0x10", "1 000"])
def test_plain_digits_refuse_what_only_people_write(text):
    with pytest.raises(InputError) as caught:
        parse_digits("months", text, 1, 120)
    assert caught.value.rule in ("whole_number", "range")


def test_plain_digits_read_full_width_digits_and_separators():
    assert parse_digits("users", "１,０００_０００", 0, 10**8) == 1_000_000


def test_a_scenario_with_a_fractional_term_names_the_field_as_before():
    raw = {"start": "2024-01-01", "months": 1.5, "until": "2024-06-01", "users": 0}
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(raw)
    assert (caught.value.field, caught.value.rule, caught.value.params["maximum"]) == ("months", "whole_number", "120")


def test_a_tariff_file_over_the_limit_is_refused_naming_the_limit(tmp_path: Path):
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    with pytest.raises(TariffError) as caught:
        load_tariff(big)
    assert (caught.value.rule, caught.value.params["limit"]) == ("file_large", "1 MB")


def test_an_unreadable_file_is_refused_with_the_callers_error(tmp_path: Path):
    with pytest.raises(ScenarioError) as caught:
        read_bounded(tmp_path / "missing.json", lambda rule, **p: ScenarioError("s", "", rule, **p))
    assert caught.value.rule == "unreadable" and caught.value.params["reason"]


def test_read_whole_reads_what_people_write_and_refuses_fractions():
    got = (read_whole("35万"), read_whole("1,000"), read_whole("1.5"), read_whole("abc"))
    assert got == (350_000, 1_000, None, None)


texts = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.integers(0, 10**12).map(lambda n: f"{n:,}"),
    st.integers(0, 10**6).map(lambda n: f" +{n}.00 "),
    st.text(alphabet="0123456789+-,. e万", max_size=12),
)


@given(st.lists(texts, min_size=1, max_size=20))
def test_the_portfolio_reader_reads_a_number_as_the_one_parser_does(values):
    numbers, codes = parse_whole_numbers(values, -(10**13), 10**13)
    for text, number, code in zip(values, numbers, codes, strict=True):
        if code == 0:
            assert parse_count("users", text, -(10**13), 10**13) == number


@pytest.mark.parametrize("number", ["1E+99999999999999999999", "1.5e-99999999999999999999999"])
def test_a_link_holding_a_number_no_decimal_can_hold_is_refused_as_corrupt_not_crashed_on(number):
    import base64
    import zlib

    from smop_pricing.lifecycle.link import decode_document

    text = base64.urlsafe_b64encode(zlib.compress(f'{{"users": {number}}}'.encode())).decode().rstrip("=")
    with pytest.raises(ScenarioError) as caught:
        decode_document(text)
    assert (caught.value.field, caught.value.rule) == ("s", "link_corrupt")


def test_a_byte_limit_is_named_in_kb_or_mb():
    from smop_pricing.validation import size_text

    assert (size_text(200_000), size_text(1_000_000), size_text(4_000_000)) == ("200 KB", "1 MB", "4 MB")


@pytest.mark.parametrize("value", ["0.9", 0.9, 1, Decimal("0.5")])
def test_a_ratio_in_zero_to_one_is_read_exactly(value):
    from smop_pricing.validation import ratio_value

    assert ratio_value("warn_ratio", value) == Decimal(str(value))


@pytest.mark.parametrize("value", [0, "1.01", "nan", "inf", True, None, "abc"])
def test_a_ratio_outside_zero_to_one_or_not_a_number_is_refused_with_the_callers_error(value):
    from smop_pricing.validation import ratio_value

    with pytest.raises(TariffError) as caught:
        ratio_value("warn_ratio", value, TariffError)
    assert (caught.value.field, caught.value.rule) == ("warn_ratio", "ratio")
