"""The quote's exports: CSV, Excel workbook and the printable HTML quote sheet."""

import csv
import dataclasses
import datetime as dt
import io
import re

from openpyxl import load_workbook

from smop_pricing.pricing.rules import quote
from smop_pricing.pricing.tariff import published_tariff
from smop_pricing.quote.export import QuoteDocument, export_filename, export_rows, quote_csv, quote_html, quote_xlsx
from smop_pricing.quote.options import Option
from smop_pricing.quote.summary import sheet_info

TARIFF = published_tariff()
E2 = quote(TARIFF, 1_000_000, 1)
YEAR = quote(TARIFF, 1_000_000, 12)
ISSUED = dt.date(2026, 11, 27)
START = dt.date(2024, 1, 31)
INFO = sheet_info(ISSUED, customer="示例科技有限公司", prepared_by="王五")
EN = ("Section", "Item", "Value", "Unit", "Calculation")


def _table(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # a BOM, so spreadsheets read the Chinese right
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _csv(data: bytes) -> dict[tuple[str, str], dict[str, str]]:
    """English CSV rows by (section, item label)."""
    header, *rows = _table(data)
    assert tuple(header) == EN
    named = [dict(zip(("section", "label", "value", "unit", "formula"), row, strict=True)) for row in rows]
    return {(row["section"], row["label"]): row for row in named}


def test_the_csv_names_the_tariff_in_words_with_its_date_and_the_issue_day():
    rows = _csv(quote_csv(QuoteDocument(E2, "en", ISSUED)))
    tariff = rows["Quote", "Tariff"]["value"]
    assert "Tencent Cloud's published prices" in tariff and "2026-11-27" in tariff
    assert rows["Quote", "Date"]["value"] == "2026-11-27"
    assert not any(row["value"] == "published" for row in rows.values())


def test_the_csv_carries_the_inputs_as_plain_numbers():
    rows = _csv(quote_csv(QuoteDocument(quote(TARIFF, 1_500_000, 12, 2), "en", ISSUED, START)))
    labels = ("Users to operate", "Term (months)", "Pack units already held", "Start day (optional)")
    assert [rows["Inputs", k]["value"] for k in labels] == ["1500000", "12", "2", "2024-01-31"]
    assert rows["Inputs", "Expiry (service stops)"]["value"] == "2025-01-31"
    assert rows["Inputs", "Reclamation day"]["value"] == "2025-04-30"


def test_the_csv_has_every_line_item_with_its_formula():
    rows = _csv(quote_csv(QuoteDocument(E2, "en", ISSUED)))
    packs = rows["Line items", "User packs (one purchase)"]
    assert (packs["value"], packs["formula"], packs["unit"]) == ("38400", "8 × 4,800 = 38,400", "CNY")
    assert rows["Line items", "Total, as-needed purchase"]["value"] == "40400"
    assert rows["Line items", "Total, recommended purchase (cheapest)"]["value"] == "35000"
    assert rows["Line items", "Cheaper pack purchase"]["formula"] == "11 × 3,000 = 33,000"
    assert rows["Line items", "Saving"]["value"] == "5400"
    assert rows["Line items", "User capacity"]["value"] == "1000000"
    assert any("save CNY 5,400" in label for section, label in rows if section == "Note")


def test_the_csv_leaves_out_the_dates_when_no_start_day_is_given():
    rows = _csv(quote_csv(QuoteDocument(E2, "en", ISSUED)))
    assert rows["Inputs", "Start day (optional)"]["value"] == ""
    assert ("Inputs", "Expiry (service stops)") not in rows


def test_the_csv_summary_puts_the_recommended_purchase_first_with_upfront_and_recurring_apart():
    rows = _csv(quote_csv(QuoteDocument(YEAR, "en", INFO)))
    assert rows["Summary", "Recommended purchase (cheapest): first-term total"]["value"] == "57000"
    assert rows["Summary", "One-time: user packs"]["value"] == "33000"
    assert rows["Summary", "Monthly: platform fee"]["value"] == "2000"
    assert rows["Summary", "First term (12 months)"]["value"] == "57000"
    assert rows["Summary", "Next 12 months (renewed in time at the same users; packs stay valid)"]["value"] == "24000"
    alternative = rows["Summary", "Alternative: as-needed purchase"]
    assert (alternative["value"], alternative["formula"]) == ("62400", "CNY 5,400 more")


def test_the_literal_basis_puts_the_as_needed_purchase_first_and_the_recommended_one_as_the_alternative():
    rows = _csv(quote_csv(QuoteDocument(YEAR, "en", INFO, basis="literal")))
    assert rows["Summary", "As-needed purchase: first-term total"]["value"] == "62400"
    assert rows["Summary", "One-time: user packs"]["value"] == "38400"
    assert rows["Summary", "Alternative: recommended purchase (cheapest)"]["formula"] == "CNY 5,400 less"


def test_a_chinese_csv_is_chinese_throughout_headers_and_sections_included():
    header, *rows = _table(quote_csv(QuoteDocument(YEAR, "zh", INFO, START, compared=[Option(YEAR, "cheapest")])))
    assert header == ["部分", "项目", "数值", "单位", "计算"]
    for row in [header, *rows]:
        for cell in (row[0], row[1], row[3]):
            assert not re.search(r"[A-Za-z]{3,}", cell), cell  # no English word of ours
    assert {row[0] for row in rows} == {"报价单", "输入", "费用摘要", "明细", "说明", "规则", "方案对比"}


def test_the_csv_carries_the_customer_the_preparer_the_quote_number_and_the_validity():
    rows = _csv(quote_csv(QuoteDocument(YEAR, "en", INFO)))
    assert rows["Quote", "Customer"]["value"] == "示例科技有限公司"
    assert rows["Quote", "Prepared by"]["value"] == "王五"
    assert rows["Quote", "Valid until"]["value"] == "2026-12-27"  # 30 days after the issue day
    assert re.fullmatch(r"Q-20261127-[0-9A-F]{6}", rows["Quote", "Quote number"]["value"])


def test_the_csv_carries_the_comparison_by_option_name():
    options = [Option(YEAR, "cheapest", "Plan A"), Option(quote(TARIFF, 1_000_000, 24), "cheapest")]
    rows = _csv(quote_csv(QuoteDocument(YEAR, "en", INFO, compared=options)))
    assert rows["Compare", "Plan A · First-term total"]["value"] == "CNY 57,000"
    assert rows["Compare", "Quote 2 · First-term total"]["value"] == "CNY 81,000"


def test_the_workbook_opens_with_the_quote_and_the_tiers():
    book = load_workbook(io.BytesIO(quote_xlsx(QuoteDocument(E2, "en", ISSUED, START))))
    assert book.sheetnames == ["Quote", "Tiers"]
    sheet = book["Quote"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "SMOP quote"
    by_label = {row[0]: row for row in values if row and row[0]}
    assert by_label["User packs (one purchase)"][1:4] == ["8 × 4,800 = 38,400", 38400, "CNY"]
    assert by_label["Cheaper pack purchase"][2] == 33000
    assert "2026-11-27" in by_label["Tariff"][1] and "published prices" in by_label["Tariff"][1]
    assert by_label["Date"][1].date() == ISSUED
    assert by_label["Valid until"][1].date() == dt.date(2026, 12, 27)
    assert by_label["Recommended purchase (cheapest): first-term total"][1] == 35000
    assert by_label["Expiry (service stops)"][1].date() == dt.date(2024, 2, 29)
    tiers = [[cell.value for cell in row] for row in book["Tiers"].iter_rows()]
    assert [row[2] for row in tiers[1:]] == [6000, 4800, 3000]
    assert "8 units" in tiers[2][3]


def test_the_workbook_formats_money_with_thousands_separators():
    sheet = load_workbook(io.BytesIO(quote_xlsx(QuoteDocument(E2, "zh", ISSUED))))["报价"]
    money = [c for row in sheet.iter_rows() for c in row if c.value == 38400]
    assert money and money[0].number_format == "#,##0"


def test_the_workbook_carries_the_comparison_as_a_table():
    options = [Option(YEAR, "cheapest", "Plan A"), Option(YEAR, "literal")]
    sheet = load_workbook(io.BytesIO(quote_xlsx(QuoteDocument(YEAR, "en", INFO, compared=options))))["Quote"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    head = next(row for row in values if row[1:3] == ["Plan A", "Quote 2"])
    total = values[values.index(head) + 8]
    assert total[:3] == ["First-term total", "CNY 57,000", "CNY 62,400"]


def test_the_quote_sheet_shows_the_literal_and_cheaper_purchases():
    page = quote_html(QuoteDocument(E2, "zh", ISSUED, START))
    assert "38,400" in page and "33,000" in page and "40,400 元" in page and "35,000 元" in page
    assert "8 × 4,800 = 38,400" in page
    assert "2024-02-29" in page and "2026-11-27" in page


def test_the_quote_sheet_is_a_document_for_a_customer():
    page = quote_html(QuoteDocument(YEAR, "zh", INFO, START, compared=[Option(YEAR, "cheapest", "甲方案")]))
    for text in ("示例科技有限公司", "王五", "报价单号", "Q-20261127-", "有效期至", "2026-12-27",
                 "推荐购买（最省钱）首期合计", "57,000 元", "备选：按需购买", "62,400 元", "多 5,400 元",
                 "一次性：叠加包", "33,000 元", "之后 12 个月", "24,000 元", "甲方案", "计费页面 2026-11-27 版"):
        assert text in page, text
    assert "published" not in page


def test_the_quote_sheet_escapes_every_text():
    hostile = dataclasses.replace(TARIFF, name='<script>alert("x")</script> & Co', version="v<1>")
    page = quote_html(QuoteDocument(quote(hostile, 1_000_000, 1), "zh", ISSUED))
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in page
    assert "v&lt;1&gt;" in page
    named = quote_html(QuoteDocument(E2, "en", sheet_info(ISSUED, customer="<b>x</b>"),
                                     compared=[Option(E2, "literal", "<i>")]))
    assert "<b>x</b>" not in named and "&lt;b&gt;x&lt;/b&gt;" in named and "&lt;i&gt;" in named


def test_the_quote_sheet_is_self_contained_and_printable():
    page = quote_html(QuoteDocument(E2, "en", ISSUED))
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert "@media print" in page and "@page" in page
    assert not re.search(r"""(src|href)\s*=|@import|url\(""", page)


def test_the_exports_share_one_list_of_rows_in_order():
    sections = [row.section for row in export_rows(QuoteDocument(E2, "en", ISSUED))]
    assert sections == sorted(sections, key=["quote", "input", "summary", "line", "note", "rule", "compare"].index)


def test_the_export_file_name_names_the_quote():
    assert export_filename(E2, "xlsx") == "smop-quote-1000000-users-1-months.xlsx"
