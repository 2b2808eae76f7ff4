"""The quote's exports: CSV, Excel workbook and the printable HTML quote sheet."""

import csv
import dataclasses
import datetime as dt
import io
import re

from openpyxl import load_workbook

from smop_pricing.pricing.rules import quote
from smop_pricing.pricing.tariff import published_tariff
from smop_pricing.quote.export import export_filename, export_rows, quote_csv, quote_html, quote_xlsx

TARIFF = published_tariff()
E2 = quote(TARIFF, 1_000_000, 1)
ISSUED = dt.date(2026, 11, 27)
START = dt.date(2024, 1, 31)


def _csv(data: bytes) -> dict[tuple[str, str], dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # a BOM, so spreadsheets read the Chinese right
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    return {(row["section"], row["key"]): row for row in rows}


def test_the_csv_carries_the_tariff_its_version_and_the_date():
    rows = _csv(quote_csv(E2, "zh", ISSUED))
    assert rows["quote", "tariff"]["value"] == TARIFF.name
    assert rows["quote", "tariff_version"]["value"] == "公布版"  # the version in words, in the export's language
    assert rows["quote", "issued"]["value"] == "2026-11-27"


def test_the_csv_carries_the_inputs_as_plain_numbers():
    rows = _csv(quote_csv(quote(TARIFF, 1_500_000, 12, 2), "en", ISSUED, START))
    assert [rows["input", k]["value"] for k in ("users", "months", "held_units", "start")] == [
        "1500000", "12", "2", "2024-01-31",
    ]
    assert rows["input", "expiry"]["value"] == "2025-01-31"
    assert rows["input", "reclamation"]["value"] == "2025-04-30"


def test_the_csv_has_every_line_item_with_its_formula():
    rows = _csv(quote_csv(E2, "en", ISSUED))
    assert rows["line", "pack_fee"]["value"] == "38400"
    assert rows["line", "pack_fee"]["formula"] == "8 × 4,800 = 38,400"
    assert rows["line", "pack_fee"]["unit"] == "CNY"
    assert rows["line", "total"]["value"] == "40400"
    assert rows["line", "cheapest_fee"]["formula"] == "11 × 3,000 = 33,000"
    assert rows["line", "saving"]["value"] == "5400"
    assert rows["line", "capacity"]["value"] == "1000000"
    assert "save CNY 5,400" in rows["note", "cheaper"]["label"]


def test_the_csv_leaves_out_the_dates_when_no_start_day_is_given():
    rows = _csv(quote_csv(E2, "en", ISSUED))
    assert rows["input", "start"]["value"] == ""
    assert ("input", "expiry") not in rows


def test_the_workbook_opens_with_the_quote_and_the_tiers():
    book = load_workbook(io.BytesIO(quote_xlsx(E2, "en", ISSUED, START)))
    assert book.sheetnames == ["Quote", "Tiers"]
    sheet = book["Quote"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "SMOP quote"
    by_label = {row[0]: row for row in values if row and row[0]}
    assert by_label["User packs (one purchase)"][1:4] == ["8 × 4,800 = 38,400", 38400, "CNY"]
    assert by_label["Cheaper pack purchase"][2] == 33000
    assert by_label["Tariff version"][1] == "published"
    assert by_label["Date"][1].date() == ISSUED
    assert by_label["Expiry (service stops)"][1].date() == dt.date(2024, 2, 29)
    tiers = [[cell.value for cell in row] for row in book["Tiers"].iter_rows()]
    assert [row[2] for row in tiers[1:]] == [6000, 4800, 3000]
    assert "8 units" in tiers[2][3]


def test_the_workbook_formats_money_with_thousands_separators():
    sheet = load_workbook(io.BytesIO(quote_xlsx(E2, "zh", ISSUED)))["报价"]
    money = [c for row in sheet.iter_rows() for c in row if c.value == 38400]
    assert money and money[0].number_format == "#,##0"


def test_the_quote_sheet_shows_the_literal_and_cheaper_purchases():
    page = quote_html(E2, "zh", ISSUED, START)
    assert "38,400" in page and "33,000" in page and "40,400 元" in page
    assert "8 × 4,800 = 38,400" in page
    assert "2024-02-29" in page and "2026-11-27" in page


def test_the_quote_sheet_escapes_every_text():
    hostile = dataclasses.replace(TARIFF, name='<script>alert("x")</script> & Co', version="v<1>")
    page = quote_html(quote(hostile, 1_000_000, 1), "zh", ISSUED)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in page
    assert "v&lt;1&gt;" in page


def test_the_quote_sheet_is_self_contained_and_printable():
    page = quote_html(E2, "en", ISSUED)
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert "@media print" in page and "@page" in page
    assert not re.search(r"""(src|href)\s*=|@import|url\(""", page)


def test_the_exports_share_one_list_of_rows_in_order():
    sections = [row.section for row in export_rows(E2, "en", ISSUED)]
    assert sections == sorted(sections, key=["quote", "input", "line", "note", "rule"].index)


def test_the_export_file_name_names_the_quote():
    assert export_filename(E2, "xlsx") == "smop-quote-1000000-users-1-months.xlsx"
