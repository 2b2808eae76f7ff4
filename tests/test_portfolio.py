"""The portfolio core: reading (encodings, bad rows), vectorized repricing, summaries."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smop_pricing.errors import InputError, PortfolioError
from smop_pricing.portfolio import (
    PRICE_COLUMNS,
    SAMPLE_BYTES,
    ReadProgress,
    compare,
    difference_histogram,
    error_table,
    exact_sum,
    output_frame,
    parse_whole_numbers,
    price_table,
    priced_csv_bytes,
    read_portfolio,
    reprice,
    synthetic_portfolio,
    totals,
    within_limits,
    yuan_text,
)
from smop_pricing.pricing.rules import MAX_MONTHS, MAX_USERS, quote
from smop_pricing.pricing.tariff import Tariff, published_tariff, tariff_from_dict
from tests.oracle import priced_columns

PUBLISHED = published_tariff()

CHINESE = (
    "customer,users,months,held_units\n腾讯科技,1000000,1,0\n安心保险,150000,12,0\n华南零售,2600000,3,2\n"
)


def _fen_text(fen: int) -> str:
    return f"{Decimal(fen) / 100:.2f}"


@st.composite
def tariffs(draw: st.DrawFn) -> Tariff:
    """Any tariff the engine accepts, volume or graduated, prices in fen."""
    count = draw(st.integers(1, 4))
    bounds = sorted(draw(st.sets(st.integers(1, 40), min_size=count - 1, max_size=count - 1)))
    prices = [_fen_text(draw(st.integers(1, 1_000_000))) for _ in range(count)]
    tiers = [{"max_units": b, "unit_price": p} for b, p in zip(bounds, prices, strict=False)]
    tiers.append({"unit_price": prices[-1]})
    return tariff_from_dict(
        {
            "name": "what-if",
            "version": "w1",
            "monthly_fee": _fen_text(draw(st.integers(1, 500_000))),
            "included_users": draw(st.integers(0, 500_000)),
            "pack_users": draw(st.sampled_from([50_000, 100_000, 250_000])),
            "tier_mode": draw(st.sampled_from(["volume", "graduated"])),
            "grace_months": 3,
            "warn_ratio": "0.9",
            "over_quota_lock_days": 60,
            "packs_survive_lapse": True,
            "tiers": tiers,
        }
    )


customer_rows = st.lists(
    st.tuples(st.integers(0, 10_000_000), st.integers(1, MAX_MONTHS), st.integers(0, 30)),
    min_size=0,
    max_size=25,
)


def _rows(values: list[tuple[int, int, int]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "customer": [f"c{i}" for i in range(len(values))],
            "users": np.array([v[0] for v in values], dtype=np.int64),
            "months": np.array([v[1] for v in values], dtype=np.int64),
            "held_units": np.array([v[2] for v in values], dtype=np.int64),
        }
    )
    frame.index = pd.Index(np.arange(2, len(values) + 2), name="line")
    return frame


def _csv(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


# --- repricing against the scalar engine -------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tariff=tariffs(), values=customer_rows)
def test_every_priced_row_and_the_totals_equal_per_row_quotes(
    tariff: Tariff, values: list[tuple[int, int, int]]
) -> None:
    rows = _rows(values)
    priced = output_frame(price_table(rows, tariff))
    quotes = [quote(tariff, u, m, h) for u, m, h in values]
    for position, q in enumerate(quotes):
        row = priced.iloc[position]
        expected = priced_columns(q)
        for column, value in expected.items():
            assert Decimal(str(row[column])) == value, (column, values[position])
    sums = totals(price_table(rows, tariff), tariff)
    assert sums.customers == len(values)
    assert sums.total == sum((q.total for q in quotes), Decimal(0))
    assert sums.cheapest_total == sum((q.cheapest_total for q in quotes), Decimal(0))
    assert sums.base_fee == sum((q.base_fee for q in quotes), Decimal(0))
    assert sums.saving == sums.total - sums.cheapest_total


def test_the_page_example_of_one_million_users_reprices_to_38400_for_the_packs() -> None:
    priced = output_frame(price_table(_rows([(1_000_000, 1, 0)]), PUBLISHED)).iloc[0]
    assert (priced["pack_units"], priced["pack_rate"], priced["pack_fee"]) == (8, 4800, 38400)
    assert (priced["cheapest_pack_units"], priced["cheapest_total"], priced["saving"]) == (11, 35000, 5400)
    assert priced["capacity"] == 1_000_000


def test_reprice_keeps_the_line_index_and_prefixes_its_columns() -> None:
    rows = _rows([(300_000, 2, 0), (0, 1, 0)])
    priced = reprice(rows, PUBLISHED, "against_")
    assert list(priced.index) == [2, 3]
    assert priced.columns[0] == "against_base_fee_fen"
    assert list(priced["against_total_fen"]) == [400_000 + 600_000, 200_000]


def test_reprice_refuses_rows_outside_the_bounds_naming_the_field() -> None:
    rows = _rows([(MAX_USERS + 1, 1, 0)])
    with pytest.raises(InputError) as caught:
        reprice(rows, PUBLISHED)
    assert caught.value.field == "users"
    with pytest.raises(InputError):
        reprice(rows.drop(columns="months"), PUBLISHED)


def test_money_is_written_as_whole_yuan_or_two_decimals_never_float_artefacts() -> None:
    assert list(yuan_text(np.array([3_840_000, 0, 100]))) == [38400, 0, 1]
    assert list(yuan_text(np.array([3_840_050, 3_840_000, 5, -5, -150]))) == [
        "38400.50",
        "38400",
        "0.05",
        "-0.05",
        "-1.50",
    ]


def test_a_what_if_tariff_in_fen_gives_exact_decimal_text_in_the_csv() -> None:
    tariff = tariff_from_dict(
        {
            "name": "fen",
            "version": "f1",
            "monthly_fee": "1999.99",
            "included_users": 200_000,
            "pack_users": 100_000,
            "tier_mode": "graduated",
            "grace_months": 3,
            "warn_ratio": "0.9",
            "over_quota_lock_days": 60,
            "packs_survive_lapse": True,
            "tiers": [{"max_units": 5, "unit_price": "5999.99"}, {"unit_price": "4799.50"}],
        }
    )
    text = priced_csv_bytes(price_table(_rows([(1_000_000, 3, 0)]), tariff)).decode()
    header, line = text.strip().split("\n")
    row = dict(zip(header.split(","), line.split(","), strict=True))
    q = quote(tariff, 1_000_000, 3, 0)
    assert row["base_fee"] == "5999.97" == str(q.base_fee)
    assert row["pack_fee"] == str(q.pack_fee) == "44398.45"  # 5 x 5,999.99 + 3 x 4,799.50
    assert row["pack_rate"] == str(q.purchase.unit_price) == "5549.81"  # 44,398.45 / 8, half up
    for column in ("base_fee", "pack_rate", "pack_fee", "total", "cheapest_total", "saving"):
        assert re.fullmatch(r"-?[0-9]+(\.[0-9]{2})?", row[column]), column


def test_sums_of_int64_fen_do_not_overflow() -> None:
    big = np.full(4, 2**62, dtype=np.int64)
    assert exact_sum(big) == 4 * 2**62
    assert exact_sum(np.array([-(2**62), -(2**62), -(2**62)], dtype=np.int64)) == -3 * 2**62


# --- reading: encodings ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (CHINESE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + CHINESE.encode("utf-8"), "utf-8-sig"),
        (CHINESE.encode("gbk"), "gbk"),
    ],
)
def test_utf8_utf8_with_bom_and_gbk_files_read_to_the_same_chinese_names(
    encoded: bytes, encoding: str
) -> None:
    frame = read_portfolio(encoded)
    assert frame.encoding == encoding
    assert list(frame.rows["customer"]) == ["腾讯科技", "安心保险", "华南零售"]
    assert list(frame.rows.columns) == ["customer", "users", "months", "held_units"]
    assert list(frame.rows["users"]) == [1_000_000, 150_000, 2_600_000]
    assert list(frame.rows.index) == [2, 3, 4]
    assert frame.errors.empty


def test_a_gbk_file_whose_first_megabyte_is_plain_ascii_is_still_read_as_gbk() -> None:
    filler = "".join(f"c{i},{100_000 + i},1\n" for i in range(SAMPLE_BYTES // 14 + 10))
    text = "customer,users,months\n" + filler + "深圳客户,300000,2\n"
    frame = read_portfolio(text.encode("gbk"))
    assert frame.encoding == "gbk"
    assert frame.rows["customer"].iloc[-1] == "深圳客户"


def test_paths_bytes_and_open_files_give_the_same_portfolio(tmp_path: Path) -> None:
    path = tmp_path / "客户.csv"
    path.write_bytes(CHINESE.encode("gbk"))
    from_path = read_portfolio(path)
    from_bytes = read_portfolio(path.read_bytes())
    with path.open("rb") as handle:
        from_file = read_portfolio(handle)
    shifted = io.BytesIO(b"junk" + path.read_bytes())
    shifted.seek(4)
    from_offset = read_portfolio(shifted)
    for frame in (from_bytes, from_file, from_offset):
        pd.testing.assert_frame_equal(frame.rows, from_path.rows)
    assert from_path.source == str(path)


def test_text_and_id_columns_pass_through_exactly_as_written() -> None:
    frame = read_portfolio(b'customer,id,users,note\nA,007,1,"x, y"\nB,1.50,2,NA\n')
    assert list(frame.rows["id"]) == ["007", "1.50"]
    assert list(frame.rows["note"]) == ["x, y", "NA"]
    assert list(frame.rows.columns) == ["customer", "id", "users", "note", "months", "held_units"]


def test_column_names_are_matched_without_case_or_surrounding_spaces() -> None:
    frame = read_portfolio(b" Customer , USERS ,Months\nA,5,2\n")
    assert list(frame.rows.columns)[:3] == ["customer", "users", "months"]
    assert frame.rows["months"].iloc[0] == 2


def test_a_missing_months_column_means_one_month_and_is_reported_as_assumed() -> None:
    frame = read_portfolio(b"users\n150000\n")
    assert frame.assumed == ("months",)
    assert (frame.rows["months"].iloc[0], frame.rows["held_units"].iloc[0]) == (1, 0)


def test_semicolon_and_tab_separated_exports_are_read() -> None:
    for text in (b"customer;users;months\nA;5;2\n", b"customer\tusers\tmonths\nA\t5\t2\n"):
        frame = read_portfolio(text)
        assert frame.rows["users"].iloc[0] == 5


def test_whole_numbers_may_have_spaces_signs_thousands_commas_and_a_zero_fraction() -> None:
    values, codes = parse_whole_numbers(
        [" 12 ", "1,000,000", "12.0", "+5", "1e5", "0x10", "1.5", "１２", "", "-3", "9" * 20], 0, 10**9
    )
    assert list(values[:4]) == [12, 1_000_000, 12, 5]
    assert list(codes) == [0, 0, 0, 0, 2, 2, 2, 2, 1, 3, 3]


# --- reading: bad rows -------------------------------------------------------------------------

BAD = (
    "customer,users,months,held_units\n"  # 1
    "good one,1000000,1,0\n"  # 2
    "text,abc,1,0\n"  # 3
    "negative,-5,1,0\n"  # 4
    "\n"  # 5 blank
    "zero months,150000,0,0\n"  # 6
    '"two\nlines",150000,1,0\n'  # 7-8 (a good row spanning two lines)
    "too many users,100000001,1,0\n"  # 9
    "short,150000\n"  # 10
    "long,150000,1,0,extra\n"  # 11
    "held,150000,1,10001\n"  # 12
    "empty users,,1,0\n"  # 13
    "several,x,121,-1\n"  # 14
    ",,,\n"  # 15 blank
    "held blank,150000,2,\n"  # 16 (blank held_units means 0)
    "last good,2600000,36,2\n"  # 17
    "   \n"  # 18 blank (spaces only)
)


def test_bad_rows_are_reported_with_the_file_line_number_and_the_good_rows_are_kept() -> None:
    frame = read_portfolio(BAD.encode())
    assert list(frame.rows.index) == [2, 7, 16, 17]
    assert list(frame.rows["customer"]) == ["good one", "two\nlines", "held blank", "last good"]
    found = list(frame.errors[["line", "column", "rule"]].itertuples(index=False, name=None))
    assert found == [
        (3, "users", "not_whole"),
        (4, "users", "range"),
        (6, "months", "range"),
        (9, "users", "range"),
        (10, "", "fields"),
        (11, "", "fields"),
        (12, "held_units", "range"),
        (13, "users", "empty"),
        (14, "users", "not_whole"),
        (14, "months", "range"),
        (14, "held_units", "range"),
    ]
    assert frame.blank_lines == 3
    assert frame.rejected_rows == 9


def test_no_row_is_dropped_silently() -> None:
    frame = read_portfolio(BAD.encode())
    records = 16  # data records: lines 2..18, one record spanning lines 7-8
    assert frame.priced_rows + frame.rejected_rows + frame.blank_lines == records


def test_reasons_are_worded_in_chinese_and_english_with_the_bounds() -> None:
    frame = read_portfolio(BAD.encode())
    zh = error_table(frame.errors, "zh")
    en = error_table(frame.errors, "en")
    assert list(zh.columns) == ["line", "column", "value", "reason"]
    by_line_en = dict(zip(en["line"], en["reason"], strict=False))
    assert by_line_en[4] == "must be from 0 to 100,000,000"
    assert by_line_en[10] == "the row has 2 fields, the header has 4"
    assert by_line_en[13] == "has no value"
    assert dict(zip(zh["line"], zh["reason"], strict=False))[3] == "必须是整数"
    assert en.loc[en["line"] == 11, "value"].iloc[0] == "long,150000,1,0,extra"


def test_line_numbers_stay_right_across_blocks_of_a_large_file() -> None:
    lines = ["customer,users,months"]
    bad_lines = []
    for line in range(2, 60_002):
        if line % 7919 == 0:
            lines.append(f"c{line},oops,1")
            bad_lines.append(line)
        elif line % 6007 == 0:
            lines.append(f"c{line},1,2,3")
            bad_lines.append(line)
        else:
            lines.append(f"c{line},{line},1")
    frame = read_portfolio(("\n".join(lines) + "\n").encode())
    assert list(frame.errors["line"]) == bad_lines
    good = frame.rows
    assert (good["users"].to_numpy() == good.index.to_numpy()).all()


def test_progress_is_reported_per_block_and_ends_complete() -> None:
    text = "customer,users,months\n" + "".join(f"c{i},{i},1\n" for i in range(300_000))
    seen: list[ReadProgress] = []
    frame = read_portfolio(text.encode(), progress=seen.append)
    assert len(seen) >= 3
    fractions = [p.fraction for p in seen]
    assert fractions == sorted(fractions)
    assert seen[-1].fraction == 1.0
    assert seen[-1].rows_read == 300_000 == frame.priced_rows


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        (b"", "portfolio_empty"),
        (b" \n\n ", "portfolio_empty"),
        (b"\xef\xbb\xbf", "portfolio_empty"),
        (b"\x00\x01\x02binary\x00", "portfolio_binary"),
        (b"PK\x03\x04xl/workbook.xml", "portfolio_spreadsheet"),
        ("users\n1\n".encode("utf-16"), "portfolio_utf16"),
        (b"customer,months\nA,1\n", "portfolio_no_users"),
        (b"users,\xff\xfe\xff\n1,2\n", "portfolio_encoding"),
        (b"users,Users\n1,2\n", "portfolio_duplicate_column"),
    ],
)
def test_a_file_that_cannot_be_used_at_all_raises_a_portfolio_error(data: bytes, rule: str) -> None:
    with pytest.raises(PortfolioError) as caught:
        read_portfolio(data, name="in.csv")
    assert caught.value.rule == rule
    assert caught.value.message("zh").startswith("in.csv：")
    assert "\n" not in caught.value.message("en")


def test_an_unterminated_quote_makes_the_rest_of_the_file_one_rejected_row_not_a_silent_loss() -> None:
    frame = read_portfolio(b'customer,users\nA,5\n"B,6\nC,7\nD,8\n')
    assert list(frame.rows.index) == [2]
    assert frame.errors[["line", "rule"]].values.tolist() == [[3, "fields"]]


def test_a_file_starting_with_utf8_text_that_breaks_later_is_refused_not_read_as_gbk() -> None:
    damaged = "客户,users\n".encode() + b"a,1\n" * (SAMPLE_BYTES // 4) + "乙,2\n".encode("gbk")
    with pytest.raises(PortfolioError) as caught:
        read_portfolio(damaged)
    assert caught.value.rule == "portfolio_encoding"


def test_a_missing_file_is_a_portfolio_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(PortfolioError) as caught:
        read_portfolio(tmp_path / "nope.csv")
    assert "nope.csv" in caught.value.message("en")


def test_a_header_only_file_is_an_empty_portfolio() -> None:
    frame = read_portfolio(b"customer,users,months\n")
    assert frame.priced_rows == 0
    assert frame.errors.empty
    assert totals(price_table(frame.rows, PUBLISHED), PUBLISHED).total == 0


def test_rows_needing_more_units_than_the_engine_prices_move_to_the_errors() -> None:
    tiny = tariff_from_dict(
        {
            "name": "tiny packs",
            "version": "tiny",
            "monthly_fee": "1",
            "included_users": 0,
            "pack_users": 1_000,
            "tier_mode": "volume",
            "grace_months": 3,
            "warn_ratio": "0.9",
            "over_quota_lock_days": 60,
            "packs_survive_lapse": True,
            "tiers": [{"unit_price": "1"}],
        }
    )
    frame = within_limits(read_portfolio(b"users\n1000000\n30000000\n"), PUBLISHED, tiny)
    assert list(frame.rows.index) == [2]
    assert list(frame.errors["line"]) == [3]
    reason = error_table(frame.errors, "en")["reason"].iloc[0]
    assert reason == 'needs more than 20,000 pack units under the tariff "tiny", beyond this tool\'s range'


# --- synthetic portfolios and comparisons ------------------------------------------------------


def test_a_synthetic_portfolio_is_the_same_for_the_same_seed_and_differs_for_another() -> None:
    a, b, c = (
        synthetic_portfolio(2_000, seed=7),
        synthetic_portfolio(2_000, seed=7),
        synthetic_portfolio(2_000, 8),
    )
    pd.testing.assert_frame_equal(a, b)
    assert not a["users"].equals(c["users"])


def test_a_synthetic_portfolio_has_a_realistic_spread_within_the_bounds() -> None:
    frame = synthetic_portfolio(20_000, seed=1)
    users, months = frame["users"], frame["months"]
    assert users.min() >= 1 and users.max() <= MAX_USERS
    assert 400_000 <= users.median() <= 1_200_000
    share = ((users >= 100_000) & (users <= 5_000_000)).mean()
    assert 0.8 <= share <= 0.95
    assert months.min() >= 1 and months.max() <= 36 and months.nunique() == 36
    assert frame["customer"].iloc[0] == "C000001" and frame["customer"].is_unique
    assert list(frame.index[:2]) == [2, 3]


def test_a_synthetic_portfolio_size_must_be_within_bounds() -> None:
    with pytest.raises(InputError):
        synthetic_portfolio(-1)
    with pytest.raises(InputError):
        synthetic_portfolio(10_000_001)
    assert len(synthetic_portfolio(0)) == 0


def _cheaper_tariff() -> Tariff:
    return tariff_from_dict(
        {
            "name": "flat",
            "version": "flat-3500",
            "monthly_fee": "2000",
            "included_users": 200_000,
            "pack_users": 100_000,
            "tier_mode": "volume",
            "grace_months": 3,
            "warn_ratio": "0.9",
            "over_quota_lock_days": 60,
            "packs_survive_lapse": True,
            "tiers": [{"unit_price": "3500"}],
        }
    )


def test_comparing_two_tariffs_finds_the_biggest_winners_and_losers() -> None:
    rows = _rows([(1_000_000, 1, 0), (300_000, 1, 0), (150_000, 1, 0), (2_200_000, 1, 0)])
    result = compare(rows, PUBLISHED, _cheaper_tariff(), top=2)
    # packs: 8 units 38,400 -> 28,000 (-10,400); 1 unit 6,000 -> 3,500 (-2,500); none;
    # 20 units 60,000 -> 70,000 (+10,000)
    assert list(result.winners.index) == [2, 3]
    assert list(result.winners["difference"]) == [Decimal(-10_400), Decimal(-2_500)]
    assert list(result.losers.index) == [5]
    assert result.losers["difference"].iloc[0] == Decimal(10_000)
    assert result.difference == result.whatif.total - result.published.total == Decimal(-2_900)
    assert int(result.histogram["count"].sum()) == 4
    assert "difference_fen" in result.table.columns


def test_comparing_on_the_cheapest_basis_uses_the_cheapest_totals() -> None:
    rows = _rows([(1_000_000, 1, 0)])
    result = compare(rows, PUBLISHED, _cheaper_tariff(), basis="cheapest")
    # cheapest: 11 units at 3,000 = 33,000 vs 8 units at 3,500 = 28,000
    assert result.winners["difference"].iloc[0] == Decimal(-5_000)
    assert result.cheapest_difference == Decimal(-5_000)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(-(10**12), 10**12), min_size=1, max_size=60), st.integers(1, 40))
def test_the_histogram_counts_every_customer_once_in_its_bin(values: list[int], bins: int) -> None:
    histogram = difference_histogram(np.array(values, dtype=np.int64), bins)
    assert len(histogram) <= bins
    assert int(histogram["count"].sum()) == len(values)
    for value in values:
        yuan = Decimal(value) / 100
        inside = histogram[(histogram["lower"] <= yuan) & (histogram["upper"] > yuan)]
        assert len(inside) == 1 and int(inside["count"].iloc[0]) >= 1


def test_priced_columns_follow_the_input_columns_in_the_documented_order() -> None:
    frame = read_portfolio(b"customer,users,months,total\nA,1000000,1,old\n")
    table = output_frame(price_table(frame.rows, PUBLISHED, PUBLISHED))
    assert list(table.columns) == [
        "customer",
        "users",
        "months",
        "held_units",
        *PRICE_COLUMNS,
        *(f"against_{c}" for c in PRICE_COLUMNS),
    ]


@settings(max_examples=40, deadline=None)
@given(
    names=st.lists(st.text(alphabet=st.sampled_from('ab 中文客户,"\n;'), max_size=8), max_size=12),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gbk"]),
)
def test_a_written_portfolio_reads_back_with_its_names_and_line_numbers(
    names: list[str], encoding: str
) -> None:
    rows = _rows([(100_000 * (i + 1), 1 + i % 12, i % 3) for i in range(len(names))])
    rows["customer"] = names
    text = rows.to_csv(index=False, lineterminator="\n")
    frame = read_portfolio(text.encode("gb18030" if encoding == "gbk" else encoding))
    assert frame.errors.empty and frame.blank_lines == 0
    assert list(frame.rows["customer"]) == names
    assert list(frame.rows["users"]) == list(rows["users"])
    # a name with line breaks makes its row span several lines of the file
    expected, line = [], 2
    for name in names:
        expected.append(line)
        line += 1 + name.count("\n")
    assert list(frame.rows.index) == expected


class _Unseekable(io.RawIOBase):
    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_an_unseekable_stream_is_read_too() -> None:
    frame = read_portfolio(_Unseekable(CHINESE.encode("gbk")))  # type: ignore[arg-type]
    assert list(frame.rows["customer"]) == ["腾讯科技", "安心保险", "华南零售"]
