"""The portfolio section's core: pricing under two tariffs, its wording, files and histogram chart."""

from __future__ import annotations

import string
from dataclasses import replace
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smop_pricing.charts.portfolio import difference_histogram_chart, histogram_data
from smop_pricing.errors import InputError
from smop_pricing.i18n import LANGS, catalog
from smop_pricing.portfolio import (
    ReadProgress,
    compare,
    difference_histogram,
    read_portfolio,
    synthetic_portfolio,
    with_basis,
)
from smop_pricing.portfolio.compare import change_groups, period_revenue, split_histogram
from smop_pricing.portfolio.report import (
    bad_rows_line,
    changes_on,
    column_labels,
    customers_table,
    errors_csv_bytes,
    errors_file_name,
    notes,
    percent_change,
    price_portfolio,
    priced_file_name,
    progress_text,
    revenue_table,
    shown_errors,
    signed_percent,
    source_line,
    synthetic_frame,
)
from smop_pricing.pricing.rules import quote
from smop_pricing.pricing.tariff import Tier, published_tariff

PUBLISHED = published_tariff()
CHEAPER_MIDDLE = replace(
    PUBLISHED, tiers=(PUBLISHED.tiers[0], Tier(10, Decimal(4000)), PUBLISHED.tiers[2]), version="what-if"
)
CUSTOMERS = (
    "customer,users,months,held_units\n"
    "上海某某科技有限公司,1000000,12,0\n"
    "北京示例网络,3500000,1,2\n"
    '"深圳,逗号公司",250000,6,\n'
    "广州小店,150000,3,0\n"
)
ROWS = [(1_000_000, 12, 0), (3_500_000, 1, 2), (250_000, 6, 0), (150_000, 3, 0)]


def test_revenue_under_both_tariffs_equals_the_sum_of_per_row_quotes() -> None:
    priced = price_portfolio(read_portfolio(CUSTOMERS.encode("gbk")), PUBLISHED, CHEAPER_MIDDLE)
    c = priced.comparison
    for sums, tariff in ((c.published, PUBLISHED), (c.whatif, CHEAPER_MIDDLE)):
        quotes = [quote(tariff, u, m, h) for u, m, h in ROWS]
        assert sums.total == sum((q.total for q in quotes), Decimal(0))
        assert sums.cheapest_total == sum((q.cheapest_total for q in quotes), Decimal(0))
    # only 1,000,000 users need a middle-tier purchase: 8 units at 4,000 instead of 4,800
    assert c.difference == c.whatif.total - c.published.total == Decimal(-6_400)


def test_the_revenue_table_shows_both_purchases_with_the_difference_and_percent_change() -> None:
    c = price_portfolio(read_portfolio(CUSTOMERS.encode()), PUBLISHED, CHEAPER_MIDDLE).comparison
    table = revenue_table(c, "en")
    assert list(table.columns) == ["purchase", "published", "whatif", "difference", "change"]
    assert table["purchase"].iloc[0] == "Platform fee (a year, recurring)"
    literal = table.iloc[3].to_dict()
    assert literal["purchase"].startswith("Purchases as quoted (literal")
    assert literal["published"] == f"CNY {c.published.total:,}"
    assert literal["difference"] == "-CNY 6,400"
    assert literal["change"] == signed_percent(percent_change(c.published.total, c.whatif.total))
    assert revenue_table(c, "zh").iloc[2]["purchase"] == "叠加包（一次性，最省钱购买）"


@pytest.mark.parametrize(
    "before, after, shown",
    [
        (Decimal(1000), Decimal(1012), "+1.2%"),
        (Decimal(1000), Decimal(995), "-0.5%"),
        (Decimal(1000), Decimal(1000), "0.0%"),
        (Decimal(1), Decimal(2000), "+199,900.0%"),
        (Decimal(0), Decimal(5), "—"),
    ],
)
def test_a_percent_change_has_one_decimal_a_sign_and_no_division_by_zero(before, after, shown) -> None:
    assert signed_percent(percent_change(before, after)) == shown


def test_rows_a_what_if_tariff_cannot_price_are_moved_to_the_errors_not_dropped() -> None:
    tiny = replace(PUBLISHED, pack_users=1, included_users=0, version="tiny")
    frame = read_portfolio(CUSTOMERS.encode())
    priced = price_portfolio(frame, PUBLISHED, tiny)
    assert priced.frame.priced_rows + priced.frame.rejected_rows == frame.priced_rows
    assert set(priced.frame.errors["rule"]) == {"too_many_units"}
    assert priced.comparison.published.customers == priced.frame.priced_rows
    reasons = shown_errors(priced.frame, "en")["reason"]
    assert reasons.str.contains('under the tariff "tiny"').all()


def test_a_made_up_portfolio_reads_like_a_file_and_names_its_size_and_seed() -> None:
    frame = synthetic_frame(500, 7)
    assert frame.priced_rows == 500 and frame.errors.empty
    assert frame.rows.equals(synthetic_portfolio(500, 7))
    assert source_line(frame, "en") == "Portfolio: 500 made-up customers (seed 7), 500 priced, 0 not priced"
    assert source_line(frame, "zh") == "客户组合：500 位模拟客户（种子 7），定价 500 位，未定价 0 位"


def test_the_source_line_names_the_file_and_its_encoding() -> None:
    frame = read_portfolio(CUSTOMERS.encode("gbk"), name="客户.csv")
    assert source_line(frame, "en") == "Portfolio: 客户.csv (GBK), 4 rows priced, 0 not priced"
    bom = read_portfolio(b"\xef\xbb\xbf" + CUSTOMERS.encode(), name="c.csv")
    assert "（带 BOM 的 UTF-8）" in source_line(bom, "zh")


def test_blank_lines_and_an_assumed_months_column_are_said_not_silent() -> None:
    frame = read_portfolio(b"customer,users\nA,1000000\n\nB,2000000\n")
    assert notes(frame, "en") == [
        "1 blank line(s) skipped.",
        "The file has no months column: 1 month assumed for every customer.",
    ]


def test_the_winners_table_keeps_chinese_and_markup_names_exactly_as_read() -> None:
    name = '<img src=x onerror="window.__pwned=1">'
    text = CUSTOMERS + f'"{name.replace(chr(34), chr(34) * 2)}",1000000,1,0\n'
    c = price_portfolio(read_portfolio(text.encode("gbk")), PUBLISHED, CHEAPER_MIDDLE).comparison
    table = customers_table(c.winners, "zh")
    assert list(table.columns) == ["line", "customer", "users", "months", "held_units", "published", "whatif",
                                   "difference"]
    assert name in set(table["customer"]) and "上海某某科技有限公司" in set(table["customer"])
    first = table.iloc[0]
    assert first["difference"].startswith("-") and first["difference"].endswith(" 元")
    assert set(table.columns) <= set(column_labels("en"))


def test_a_winners_table_without_a_customer_column_shows_the_line_numbers() -> None:
    c = compare(read_portfolio(b"users\n1000000\n1100000\n2000000\n").rows, PUBLISHED, CHEAPER_MIDDLE)
    table = customers_table(c.winners, "en")
    assert "customer" not in table.columns
    assert list(table["line"]) == [3, 2]  # 9 units save 7,200, 8 units 6,400; 18 units are unchanged


def test_the_errors_file_has_line_column_value_and_reason_in_the_files_encoding() -> None:
    frame = read_portfolio("customer,users,months\n甲,abc,1\n乙,100,0\n".encode("gbk"))
    data = errors_csv_bytes(frame.errors, "zh", "gbk")
    assert data.decode("gbk").splitlines() == [
        "line,column,value,reason",
        "2,users,abc,必须是整数",
        "3,months,0,必须在 1 到 120 之间",
    ]
    assert errors_csv_bytes(frame.errors, "en").decode().splitlines()[1] == "2,users,abc,must be a whole number"
    with pytest.raises(InputError):
        errors_csv_bytes(frame.errors, "en", "latin-1")


def test_downloaded_files_are_named_after_the_upload_without_unsafe_characters() -> None:
    assert priced_file_name("客户 名单.csv") == "客户_名单-priced.csv"
    assert errors_file_name("../x/<b>.csv") == "_b_-errors.csv"
    assert priced_file_name("synthetic-10000-0") == "synthetic-10000-0-priced.csv"


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 300), st.integers(0, 2**32 - 1), st.sampled_from(["literal", "cheapest"]))
def test_another_basis_without_repricing_equals_comparing_on_that_basis(size, seed, basis) -> None:
    rows = synthetic_portfolio(size, seed)
    expected = compare(rows, PUBLISHED, CHEAPER_MIDDLE, top=5, bins=7, basis=basis)
    rebased = with_basis(compare(rows, PUBLISHED, CHEAPER_MIDDLE, top=5, bins=7), basis, top=5, bins=7)
    assert rebased.basis == basis
    for name in ("winners", "losers", "histogram"):
        pd.testing.assert_frame_equal(getattr(rebased, name), getattr(expected, name))


# --- the histogram chart ------------------------------------------------------------------------


def test_the_histogram_bins_are_coloured_by_which_way_the_bill_moves() -> None:
    histogram = difference_histogram(np.array([-250_000, -120_000, 0, 0, 50, 300_000], dtype=np.int64), 10)
    data = histogram_data(histogram, "en")
    assert int(data["count"].sum()) == 6
    assert (data["count"] > 0).all() and len(data) < len(histogram)  # empty bins are not drawn
    assert set(data["side"]) == {"Falls", "Includes unchanged", "Rises"}
    zero = data[data["side"] == "Includes unchanged"]
    assert len(zero) == 1 and (zero["lower"] <= 0).all() and (zero["upper"] > 0).all()
    assert data["range"].iloc[0] == "-CNY 3,000 to under -CNY 2,000"
    assert histogram_data(histogram, "zh")["range"].iloc[0] == "-3,000 元 至 -2,000 元（不含）"


def test_the_histogram_chart_is_bars_from_lower_to_upper_with_localized_titles() -> None:
    histogram = difference_histogram(np.array([-100, 0, 100], dtype=np.int64), 20)
    spec = difference_histogram_chart(histogram, "zh", "cheapest").to_dict()
    assert spec["mark"]["type"] == "bar"
    encoding = spec["encoding"]
    assert encoding["x"]["bin"] == "binned"  # vertical bars from 0 to the count, not thin horizontal ones
    assert (encoding["x"]["field"], encoding["x2"]["field"], encoding["y"]["field"]) == ("lower", "upper", "count")
    assert encoding["color"]["scale"]["domain"] == ["降低", "含不变", "升高"]
    assert spec["title"] == "每位客户的差额分布（最省钱购买）"
    assert encoding["x"]["title"] == "假设 − 公布（元/客户）"


def test_a_million_customers_still_draw_at_most_twenty_bars() -> None:
    c = compare(synthetic_portfolio(1_000_000, 3), PUBLISHED, CHEAPER_MIDDLE)
    spec = difference_histogram_chart(c.histogram, "en").to_dict()
    (values,) = spec["datasets"].values()
    assert 1 <= len(values) <= 20
    assert sum(v["count"] for v in values) == 1_000_000


def test_the_bad_rows_sentence_names_the_first_ten_lines_and_says_when_there_are_more() -> None:
    text = "customer,users\n" + "".join(f"c{i},x\n" for i in range(12)) + "ok,100\n"
    frame = read_portfolio(text.encode())
    assert bad_rows_line(frame, "en") == (
        "12 row(s) not priced (12 problem(s)), on line(s) 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and others. "
        "The reasons are below; the other 1 row(s) are priced."
    )
    few = read_portfolio(b"customer,users,months\na,x,0\nb,1,1\n")
    assert bad_rows_line(few, "zh") == "有 1 行未定价（共 2 个问题），行号：2。原因见下表；其余 1 行均已定价。"
    assert bad_rows_line(read_portfolio(b"users\n1\n"), "en") is None


def test_a_basis_has_changes_only_when_some_customers_bill_moves_on_it() -> None:
    frame = read_portfolio(CUSTOMERS.encode())
    same = price_portfolio(frame, PUBLISHED, replace(PUBLISHED, version="what-if"))
    assert same.unchanged and not changes_on(same.comparison, "literal")
    cheaper = price_portfolio(frame, PUBLISHED, CHEAPER_MIDDLE)
    assert not cheaper.unchanged and changes_on(cheaper.comparison, "literal")
    # 10 units: literal 48,000 -> 40,000; the cheapest cover is 11 units at 3,000 under both
    ten = price_portfolio(read_portfolio(b"users\n1200000\n"), PUBLISHED, CHEAPER_MIDDLE)
    assert changes_on(ten.comparison, "literal") and not changes_on(ten.comparison, "cheapest")


def test_every_portfolio_section_text_has_chinese_and_english_with_the_same_placeholders() -> None:
    keys = [key for key in catalog() if key.startswith("portui.")]
    assert len(keys) > 50
    for key in keys:
        texts = catalog()[key]
        assert set(texts) == set(LANGS), key
        fields = [{f for _, f, _, _ in string.Formatter().parse(texts[lang]) if f} for lang in LANGS]
        assert fields[0] == fields[1], key


def test_reading_progress_is_worded_with_rows_and_the_share_of_the_file() -> None:
    progress = ReadProgress(bytes_read=512, bytes_total=2048, rows_read=12_345)
    assert progress_text(progress, "en") == "Reading the file: 12,345 rows so far (25%)"
    assert progress_text(progress, "zh") == "正在读取文件：已读 12,345 行（25%）"


# --- who pays more, less, the same; revenue by period (issue 15) ----------------------------------


def _table(differences: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"difference_fen": np.array(differences, dtype=np.int64),
                         "cheapest_difference_fen": np.zeros(len(differences), dtype=np.int64)})


def test_customers_are_counted_as_paying_more_less_and_the_same_with_shares_and_sums() -> None:
    groups = change_groups(_table([50_000, 20_000, -10_000, 0, 0, 0, 0, 0]))
    assert (groups["more"].customers, groups["more"].share, groups["more"].amount) == (2, Decimal("25.0"), 700)
    assert (groups["less"].customers, groups["less"].amount) == (1, -100)
    assert (groups["same"].customers, groups["same"].share) == (5, Decimal("62.5"))


def test_the_split_histogram_leaves_unchanged_customers_out_and_never_mixes_falls_and_rises() -> None:
    histogram = split_histogram(_table([-30_000, -100, 0, 0, 0, 100, 250_000]), bins=10)
    assert histogram["count"].sum() == 4
    for _, row in histogram.iterrows():
        assert (row["upper"] <= 0) if row["side"] == "less" else (row["lower"] >= 0)


def test_a_thin_tail_keeps_a_bin_of_its_own_beside_a_crowded_one() -> None:
    histogram = split_histogram(_table([100] * 9_000 + [1_000_000]), bins=20)
    assert histogram[histogram["count"] > 0]["count"].tolist() == [9_000, 1]
    spec = difference_histogram_chart(histogram, "en").to_dict()
    assert spec["encoding"]["y"]["scale"]["type"] == "sqrt"


def test_revenue_by_period_puts_the_platform_fee_a_year_apart_from_one_time_packs() -> None:
    c = price_portfolio(read_portfolio(CUSTOMERS.encode()), PUBLISHED, CHEAPER_MIDDLE).comparison
    revenue = period_revenue(c.table)
    assert revenue.platform_per_year == PUBLISHED.monthly_fee * 12 * c.published.customers
    assert revenue.packs_once == c.published.pack_fee
    assert revenue.cheapest_packs_once == c.published.cheapest_total - c.published.base_fee
