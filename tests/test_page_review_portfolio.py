"""The portfolio section of the pricing review page under AppTest: sources, revenue, bad rows, state."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from decimal import Decimal

import pytest

import smop_ui.portfolio_view as view
from smop_pricing.money import format_money
from smop_pricing.portfolio import compare, synthetic_portfolio
from smop_pricing.portfolio.compare import change_groups
from smop_pricing.pricing.rules import quote
from smop_pricing.pricing.tariff import Tier, published_tariff, tariff_to_toml
from tests.conftest import app_test

PAGE = "app_pages/review.py"
PUBLISHED = published_tariff()
CHEAPER_MIDDLE = replace(PUBLISHED, tiers=(PUBLISHED.tiers[0], Tier(10, Decimal(4000)), PUBLISHED.tiers[2]))
NAMES = ["上海某某科技有限公司", "北京示例网络", "深圳,逗号公司", "广州小店"]
ROWS = [(1_000_000, 12, 0), (3_500_000, 1, 2), (250_000, 6, 0), (1_100_000, 3, 0)]
CUSTOMERS = "customer,users,months,held_units\n" + "".join(
    f'"{name}",{u},{m},{h}\n' for name, (u, m, h) in zip(NAMES, ROWS, strict=True)
)
BAD = (
    "customer,users,months,held_units\n"
    "甲公司,1000000,12,0\n"
    "乙公司,一百万,1,0\n"  # line 3: text in a number
    "丙公司,-5,1,0\n"  # line 4: negative users
    "丁公司,2000000,0,0\n"  # line 5: months below 1
    "戊公司,3000000\n"  # line 6: a missing column
    "己公司,1100000,3,1\n"
)
ENCODINGS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "gbk": "GBK"}


def open_review(lang: str = "en"):
    return app_test(PAGE, lang=lang)


def upload(at, name: str, data: bytes):
    if at.radio(key="pf_source").value != "upload":
        at.radio(key="pf_source").set_value("upload").run()
    at.file_uploader(key="pf_upload").set_value((name, data, "text/csv")).run()
    assert not at.exception
    return at


def edit_tiers(at, edited_rows):
    key = at.data_editor[0].key
    at.session_state[key] = {"edited_rows": edited_rows, "added_rows": [], "deleted_rows": []}
    return at.run()


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def terms(at, column: str) -> str:
    """The revenue table's "purchases as quoted (literal)" cell of ``column`` (published, whatif, difference)."""
    return str(table_with(at, "purchase")[column].iloc[3])


def metric_delta(at, label: str) -> str:
    return next(m.delta for m in at.metric if m.label == label)


def table_with(at, column: str):
    """The first read-only table shown with ``column``."""
    return next(df.value for df in at.dataframe if df.editing_mode == "read_only" and column in df.value.columns)


def tables_with(at, column: str):
    return [df.value for df in at.dataframe if df.editing_mode == "read_only" and column in df.value.columns]


def texts(elements) -> str:
    """The elements' text as shown (Markdown escapes removed)."""
    return " | ".join(re.sub(r"\\(.)", r"\1", e.value) for e in elements)


def histogram_spec(at) -> dict:
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    return next(s for s in specs if s.get("encoding", {}).get("x2", {}).get("field") == "upper")


def revenue_of(rows, tariff) -> tuple[Decimal, Decimal]:
    quotes = [quote(tariff, u, m, h) for u, m, h in rows]
    return sum((q.total for q in quotes), Decimal(0)), sum((q.cheapest_total for q in quotes), Decimal(0))


# --- a made-up portfolio ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lang, published_label, whatif_label",
    [("zh", "本次购买合计（按需购买", "本次购买合计（最省钱购买"),
     ("en", "Purchases as quoted (literal", "Purchases as quoted (cheapest")],
)
def test_a_made_up_portfolio_shows_its_revenue_under_both_tariffs_from_the_start(lang, published_label, whatif_label):
    at = open_review(lang)
    assert not at.exception and not at.error
    expected = compare(synthetic_portfolio(10_000, 0), PUBLISHED, PUBLISHED)
    revenue = table_with(at, "purchase")
    assert published_label in revenue["purchase"].iloc[3] and whatif_label in revenue["purchase"].iloc[4]
    assert list(revenue["published"])[3:] == [format_money(expected.published.total, lang),
                                              format_money(expected.published.cheapest_total, lang)]
    assert list(revenue["whatif"])[3:] == list(revenue["published"])[3:]
    assert list(revenue["change"]) == ["0.0%"] * 5
    unchanged = {"zh": "这些客户的费用与公布价目表下完全相同", "en": "pays what the published tariff charges"}
    assert unchanged[lang] in texts(at.info)
    assert not at.get("vega_lite_chart")  # no histogram of nothing but zeros (the sections are closed tabs)


def test_a_changed_tariff_draws_the_histogram_of_per_customer_differences():
    at = open_review("zh")
    edit_tiers(at, {1: {"unit_price": "4000"}})
    spec = histogram_spec(at)
    assert spec["title"] == "每位客户的差额分布（按需购买）"
    assert spec["mark"]["type"] == "bar" and spec["encoding"]["color"]["scale"]["domain"] == ["降低", "含不变", "升高"]


def test_a_cheaper_middle_tier_lowers_the_what_if_revenue_and_lists_the_winners():
    at = open_review("en")
    before = terms(at, "published")
    edit_tiers(at, {1: {"unit_price": "4000"}})
    assert not at.exception
    expected = compare(synthetic_portfolio(10_000, 0), PUBLISHED, CHEAPER_MIDDLE)
    assert expected.difference < 0
    assert terms(at, "published") == before
    assert terms(at, "whatif") == format_money(expected.whatif.total, "en")
    assert terms(at, "difference") == f"-CNY {-expected.difference:,}"
    revenue = table_with(at, "purchase")
    assert revenue["difference"].iloc[3] == f"-CNY {-expected.difference:,}"
    winners = tables_with(at, "customer")[0]
    assert list(winners["customer"]) == list(expected.winners["customer"])
    assert "No customer pays more." in texts(at.caption)


def test_the_size_and_seed_choose_the_made_up_customers():
    at = open_review("en")
    at.number_input(key="pf_size").set_value(500).run()
    assert metric(at, "Customers priced") == "500"
    at.number_input(key="pf_seed").set_value(42).run()
    expected = compare(synthetic_portfolio(500, 42), PUBLISHED, PUBLISHED)
    assert terms(at, "published") == format_money(expected.published.total, "en")
    assert "500 made-up customers (seed 42)" in texts(at.caption)


def test_the_cheapest_basis_ranks_customers_by_their_cheapest_purchases():
    at = open_review("en")
    edit_tiers(at, {1: {"unit_price": "4000"}})
    at.radio(key="pf_basis").set_value("cheapest").run()
    assert not at.exception
    expected = compare(synthetic_portfolio(10_000, 0), PUBLISHED, CHEAPER_MIDDLE, basis="cheapest")
    assert histogram_spec(at)["title"] == "Per-customer difference (Cheapest purchases)"
    shown = tables_with(at, "customer")
    assert [list(t["customer"]) for t in shown] == [
        list(f["customer"]) for f in (expected.winners, expected.losers) if not f.empty
    ]


# --- uploads ------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", list(ENCODINGS))
def test_an_uploaded_csv_in_utf8_bom_or_gbk_is_priced_with_its_chinese_names(encoding):
    at = open_review("en")
    edit_tiers(at, {1: {"unit_price": "4000"}})
    upload(at, "客户.csv", CUSTOMERS.encode(encoding))
    assert not at.error
    assert f"Portfolio: 客户.csv ({ENCODINGS[encoding]}), 4 rows priced, 0 not priced" in texts(at.caption)
    literal, cheapest = revenue_of(ROWS, PUBLISHED)
    assert terms(at, "published") == format_money(literal, "en")
    assert terms(at, "whatif") == format_money(revenue_of(ROWS, CHEAPER_MIDDLE)[0], "en")
    assert table_with(at, "purchase")["published"].iloc[4] == format_money(cheapest, "en")
    winners = tables_with(at, "customer")[0]
    assert list(winners["customer"]) == ["广州小店", "上海某某科技有限公司"]  # 9 units save 7,200; 8 units 6,400
    assert list(winners["line"]) == [5, 2]


def test_bad_rows_are_listed_with_their_line_numbers_and_the_good_rows_are_priced():
    at = upload(open_review("en"), "bad.csv", BAD.encode("gbk"))
    assert "4 row(s) not priced (4 problem(s)), on line(s) 3, 4, 5, 6." in texts(at.warning)
    assert "the other 2 row(s) are priced" in texts(at.warning)
    errors = table_with(at, "reason")
    assert list(errors["line"]) == [3, 4, 5, 6]
    assert list(errors["column"]) == ["users", "users", "months", ""]
    assert list(errors["reason"]) == [
        "must be a whole number",
        "must be from 0 to 100,000,000",
        "must be from 1 to 120",
        "the row has 2 fields, the header has 4",
    ]
    assert errors["value"].iloc[0] == "一百万"
    assert metric(at, "Customers priced") == "2"
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download the errors (CSV)" in labels and "Download the priced table (CSV)" in labels


def test_bad_rows_are_explained_in_chinese_too():
    at = upload(open_review("zh"), "bad.csv", BAD.encode("gbk"))
    assert "有 4 行未定价（共 4 个问题），行号：3, 4, 5, 6。" in texts(at.warning)
    errors = table_with(at, "reason")
    assert list(errors["reason"])[:2] == ["必须是整数", "必须在 0 到 100,000,000 之间"]


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"PK\x03\x04\x14\x00\x06\x00", "is an Excel workbook, not CSV: save it as CSV first"),
        (b"", "the file is empty"),
        ("客户,用户数\n甲,100\n".encode("gbk"), "has no users column"),
    ],
)
def test_a_file_that_cannot_be_used_says_why_and_keeps_the_previous_portfolio(data, reason):
    at = open_review("en")
    at.text_input(key="rv_fee").set_value("2500").run()
    upload(at, "good.csv", CUSTOMERS.encode("gbk"))
    priced_before = terms(at, "whatif")
    upload(at, "broken.csv", data)
    assert "This file cannot be used: broken.csv" in texts(at.error)
    assert reason in texts(at.error)
    assert "The portfolio below is the previous one, unchanged." in texts(at.caption)
    assert "Portfolio: good.csv (GBK), 4 rows priced" in texts(at.caption)
    assert terms(at, "whatif") == priced_before
    assert at.text_input(key="rv_fee").value == "2500"


def test_a_first_upload_that_cannot_be_used_asks_for_another_file():
    at = upload(open_review("zh"), "x.csv", b"\x00\x01\x02binary")
    assert "该文件无法使用：x.csv：不是文本（CSV）文件" in texts(at.error)
    assert "还没有可用的客户组合。" in texts(at.caption)
    assert "请上传客户 CSV" in texts(at.info)
    assert not any(m.label == "已定价客户" for m in at.metric)


def test_an_upload_is_read_once_and_priced_once_per_what_if_tariff(monkeypatch):
    reads, pricings = [], []
    real_read, real_price = view.read_portfolio, view.price_compact
    monkeypatch.setattr(view, "read_portfolio", lambda *a, **k: reads.append(1) or real_read(*a, **k))
    monkeypatch.setattr(view, "price_compact", lambda *a, **k: pricings.append(1) or real_price(*a, **k))
    at = upload(open_review("en"), "c.csv", CUSTOMERS.encode())
    pricings.clear()
    at.run()
    at.number_input(key="review_months").set_value(3).run()  # another section's input
    assert (len(reads), len(pricings)) == (1, 0)
    edit_tiers(at, {1: {"unit_price": "4000"}})
    assert (len(reads), len(pricings)) == (1, 1)
    at.radio(key="pf_basis").set_value("cheapest").run()
    assert (len(reads), len(pricings)) == (1, 1)


def test_rows_the_what_if_tariff_cannot_price_are_listed_with_the_reason():
    at = upload(open_review("en"), "c.csv", CUSTOMERS.encode())
    tiny = replace(PUBLISHED, pack_users=1, included_users=0, version="tiny")
    at.file_uploader[0].set_value(("tiny.toml", tariff_to_toml(tiny).encode(), "application/toml")).run()
    assert not at.exception
    errors = table_with(at, "reason")
    assert list(errors["line"]) == [2, 3, 4, 5]
    assert errors["reason"].str.contains('needs more than 20,000 pack units under the tariff "tiny"').all()
    assert metric(at, "Customers priced") == "0"
    assert "4 row(s) not priced" in texts(at.warning)


def test_a_file_without_months_says_one_month_is_assumed_and_blank_lines_are_counted():
    at = upload(open_review("en"), "m.csv", b"customer,users\nA,1000000\n\nB,2000000\n")
    captions = texts(at.caption)
    assert "1 blank line(s) skipped." in captions
    assert "The file has no months column: 1 month assumed for every customer." in captions
    assert metric(at, "Customers priced") == "2"


def test_markup_in_a_customer_name_or_a_file_name_is_shown_as_text():
    name = '<img src=x onerror="window.__pwned=1">'
    data = f'customer,users\n"{name.replace(chr(34), chr(34) * 2)}",1000000\n'.encode()
    at = open_review("en")
    edit_tiers(at, {1: {"unit_price": "4000"}})
    upload(at, "**bold** <b>x</b>.csv", data)
    assert list(tables_with(at, "customer")[0]["customer"]) == [name]
    source = next(c.value for c in at.caption if "Portfolio" in c.value)
    assert "\\*\\*bold\\*\\* \\<b\\>x\\</b\\>" in source
    assert all(name not in e.value for e in [*at.markdown, *at.caption])


# --- state --------------------------------------------------------------------------------------


def test_the_uploaded_portfolio_survives_a_language_switch_and_a_visit_to_another_page():
    at = upload(open_review("zh"), "客户.csv", CUSTOMERS.encode("gbk"))
    at.button_group(key="lang").set_value("en").run()
    assert metric(at, "Customers priced") == "4"
    at.switch_page("app_pages/quote.py").run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.radio(key="pf_source").value == "upload"
    assert metric(at, "Customers priced") == "4"
    assert "Portfolio: 客户.csv (GBK)" in texts(at.caption)


def test_the_made_up_size_survives_a_visit_to_another_page():
    at = open_review("en")
    at.number_input(key="pf_size").set_value(300).run()
    at.switch_page("app_pages/curve.py").run()
    at.switch_page(PAGE).run()
    assert at.number_input(key="pf_size").value == 300
    assert metric(at, "Customers priced") == "300"


def test_going_back_to_made_up_customers_keeps_the_upload_for_later():
    at = upload(open_review("en"), "c.csv", CUSTOMERS.encode())
    at.radio(key="pf_source").set_value("synthetic").run()
    assert metric(at, "Customers priced") == "10,000"
    at.radio(key="pf_source").set_value("upload").run()
    assert metric(at, "Customers priced") == "4"


def test_a_basis_on_which_no_bill_changes_says_so_instead_of_drawing():
    at = upload(open_review("en"), "ten.csv", b"customer,users\nTen units,1200000\n")
    edit_tiers(at, {1: {"unit_price": "4000"}})
    assert histogram_spec(at)["title"] == "Per-customer difference (Literal purchases)"
    at.radio(key="pf_basis").set_value("cheapest").run()
    assert "With cheapest purchases no customer's bill changes (with literal purchases some do)." in texts(at.info)
    assert not at.get("vega_lite_chart")  # no histogram; the sections' charts are in closed tabs


def test_a_large_upload_is_read_with_progress_reported_per_block(monkeypatch):
    seen = []
    real_read = view.read_portfolio

    def spy(source, progress=None, **kwargs):
        def report(p):
            seen.append(p)
            progress(p)  # the page's bar

        return real_read(source, report, **kwargs)

    monkeypatch.setattr(view, "read_portfolio", spy)
    rows = "".join(f"客户{i:07d},{100_000 + i},12\n" for i in range(100_000))
    data = ("customer,users,months\n" + rows).encode("gbk")
    assert len(data) > 2 * (1 << 20)
    at = upload(open_review("en"), "big.csv", data)
    assert not at.exception and not at.error
    assert len(seen) >= 3 and seen[-1].fraction == 1.0
    assert [p.rows_read for p in seen] == sorted(p.rows_read for p in seen)
    assert metric(at, "Customers priced") == "100,000"
    assert not at.get("progress")  # the bar is gone once the file is read


# --- who pays more, less, the same (issue 15) --------------------------------------------------------


def test_the_review_page_counts_who_pays_more_less_and_the_same_beside_the_editor():
    at = open_review("zh")
    edit_tiers(at, {0: {"unit_price": "6500"}, 1: {"unit_price": "4000"}})
    assert not at.exception
    whatif = replace(CHEAPER_MIDDLE, tiers=(replace(PUBLISHED.tiers[0], unit_price=Decimal(6500)),
                                            *CHEAPER_MIDDLE.tiers[1:]))
    expected = change_groups(compare(synthetic_portfolio(10_000, 0), PUBLISHED, whatif).table)
    assert expected["more"].customers and expected["less"].customers and expected["same"].customers
    summary = texts(at.markdown)
    for side, label in (("more", "多付的客户"), ("less", "少付的客户"), ("same", "不变的客户")):
        group = expected[side]
        # beside the editor, in words
        assert f"{label}：**{group.customers:,}** 位（{group.share}% · 合计 " in summary
        # in the portfolio tab, as figures
        shown = next(m for m in at.metric if m.label == label)
        assert shown.value == f"{group.customers:,}"
        assert shown.delta.startswith(f"{group.share}% · 合计 ")
    assert f"合计 +{expected['more'].amount:,} 元" in summary


def test_the_summary_states_the_platform_fee_a_year_and_the_one_time_packs_apart():
    at = open_review("en")
    at.text_input(key="rv_fee").set_value("2500").run()
    assert not at.exception
    assert metric(at, "Platform fee a year") == "CNY 300,000,000"  # 10,000 customers × 2,500 × 12
    assert metric_delta(at, "Platform fee a year").startswith("+CNY 60,000,000 (+25.0%)")
    assert "Packs (one-time)" in [m.label for m in at.metric]
    assert "Platform fee a year: **CNY 300,000,000** (+CNY 60,000,000 (+25.0%))" in texts(at.markdown)
