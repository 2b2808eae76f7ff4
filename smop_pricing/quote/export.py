"""A quote as CSV, as an Excel workbook and as a printable HTML quote sheet (issue 4).

Pure functions: a quote (plus the language, the day it is issued and the optional
start day) in, bytes or text out. All three carry the same content: the tariff's
name and version, the date, the inputs, every line item with its formula, the
cheaper purchase when there is one, and the rules that bite.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from smop_pricing.i18n import t
from smop_pricing.money import format_money
from smop_pricing.pricing.rules import Quote, term_dates
from smop_pricing.quote.report import cheaper_callout, line_items, rules_that_bite, tier_rows
from smop_pricing.safe_io import inert_workbook, neutralize

CSV_HEADER = ("section", "key", "label", "value", "unit", "formula")
Value = str | int | Decimal | dt.date | None


@dataclass(frozen=True)
class Row:
    """One line of an export: ``value`` is machine-readable, ``display`` is for people."""

    section: str
    key: str
    label: str
    value: Value
    unit: str
    formula: str
    display: str


def _unit(name: str, lang: str) -> str:
    return t(f"quote.unit_{name}", lang)


def _dates(q: Quote, start: dt.date | None) -> tuple[dt.date, dt.date] | None:
    return None if start is None else term_dates(start, q.months, q.tariff)


def export_rows(q: Quote, lang: str, issued: dt.date, start: dt.date | None = None) -> list[Row]:
    """Everything an export carries, in order."""
    tariff = q.tariff
    rows = [
        Row("quote", "title", t("quote.sheet_title", lang), "", "", "", ""),
        Row("quote", "tariff", t("quote.tariff", lang), tariff.display_name(lang), "", "",
            tariff.display_name(lang)),
        Row("quote", "tariff_version", t("quote.version", lang), tariff.version, "", "", tariff.version),
        Row("quote", "issued", t("quote.issued", lang), issued, "", "", issued.isoformat()),
        Row("input", "users", t("quote.users", lang), q.users, _unit("users", lang), "",
            f"{q.users:,} {_unit('users', lang)}"),
        Row("input", "months", t("quote.months", lang), q.months, _unit("months", lang), "",
            f"{q.months} {_unit('months', lang)}"),
        Row("input", "held_units", t("quote.held", lang), q.held_units, _unit("units", lang), "",
            f"{q.held_units:,} {_unit('units', lang)}"),
        Row("input", "start", t("quote.start", lang), start, "", "",
            start.isoformat() if start else t("quote.not_set", lang)),
    ]
    dates = _dates(q, start)
    if dates is not None:
        expiry, reclamation = dates
        rows += [
            Row("input", "expiry", t("quote.date_expiry", lang), expiry, "", "", expiry.isoformat()),
            Row("input", "reclamation", t("quote.date_reclamation", lang), reclamation, "", "",
                reclamation.isoformat()),
        ]
    for item in line_items(q, lang):
        if item.amount is None:
            users = int(item.value.replace(",", ""))
            rows.append(Row("line", item.key, item.label, users, _unit("users", lang), item.formula,
                            item.value))
        else:
            rows.append(Row("line", item.key, item.label, item.amount, _unit("cny", lang), item.formula,
                            item.value))
    callout = cheaper_callout(q, lang)
    if callout is not None:
        rows.append(Row("note", "cheaper", callout, q.saving, _unit("cny", lang), "",
                        format_money(q.saving, lang)))
    for n, rule in enumerate(rules_that_bite(q, lang, dates), start=1):
        rows.append(Row("rule", f"rule_{n}", rule, "", "", "", ""))
    return rows


def _csv_value(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def quote_csv(q: Quote, lang: str, issued: dt.date, start: dt.date | None = None) -> bytes:
    """UTF-8 CSV with a byte-order mark (so spreadsheets read the Chinese right); plain numbers."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in export_rows(q, lang, issued, start):
        writer.writerow([neutralize(cell) for cell in
                         (row.section, row.key, row.label, _csv_value(row.value), row.unit, row.formula)])
    return buffer.getvalue().encode("utf-8-sig")


_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=16)
_HEAD_FILL = PatternFill("solid", fgColor="E8EEF7")
_MARK_FILL = PatternFill("solid", fgColor="FFF4CE")


def _money_format(amount: Decimal) -> str:
    return "#,##0" if amount == amount.to_integral_value() else "#,##0.00"


def quote_xlsx(q: Quote, lang: str, issued: dt.date, start: dt.date | None = None) -> bytes:
    """An Excel workbook: the quote sheet (inputs, line items, notes) and the tier table."""
    rows = export_rows(q, lang, issued, start)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = t("quote.sheet_name", lang)
    sheet.append([t("quote.sheet_title", lang)])
    sheet["A1"].font = _TITLE
    for row in rows:
        if row.section == "quote" and row.key != "title":
            sheet.append([row.label, row.value])
            cell = sheet.cell(sheet.max_row, 2)
            if isinstance(row.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
                cell.alignment = Alignment(horizontal="left")
    sheet.append([])
    sheet.append([t("quote.inputs_section", lang)])
    sheet.cell(sheet.max_row, 1).font = _BOLD
    for row in rows:
        if row.section == "input":
            sheet.append([row.label, row.value if row.value is not None else row.display, row.unit])
            cell = sheet.cell(sheet.max_row, 2)
            cell.alignment = Alignment(horizontal="left")
            if isinstance(row.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(row.value, int):
                cell.number_format = "#,##0"
    sheet.append([])
    sheet.append([t("quote.lines_section", lang)])
    sheet.cell(sheet.max_row, 1).font = _BOLD
    sheet.append([t("quote.col_item", lang), t("quote.col_formula", lang), t("quote.col_value", lang),
                  t("quote.col_unit", lang)])
    head = sheet.max_row
    for column in range(1, 5):
        sheet.cell(head, column).font = _BOLD
        sheet.cell(head, column).fill = _HEAD_FILL
    for row in rows:
        if row.section == "line":
            sheet.append([row.label, row.formula, row.value, row.unit])
            cell = sheet.cell(sheet.max_row, 3)
            value = row.value
            cell.number_format = _money_format(value) if isinstance(value, Decimal) else "#,##0"
            if row.key == "total":
                for column in range(1, 5):
                    sheet.cell(sheet.max_row, column).font = _BOLD
    for row in rows:
        if row.section == "note":
            sheet.append([])
            sheet.append([t("quote.cheaper_section", lang)])
            sheet.cell(sheet.max_row, 1).font = _BOLD
            sheet.append([row.label])
    sheet.append([])
    sheet.append([t("quote.rules", lang)])
    sheet.cell(sheet.max_row, 1).font = _BOLD
    for row in rows:
        if row.section == "rule":
            sheet.append([row.label])
    sheet.append([])
    sheet.append([t("quote.disclaimer", lang)])
    for letter, width in zip("ABCD", (34, 44, 16, 10), strict=True):
        sheet.column_dimensions[letter].width = width

    tiers = book.create_sheet(t("quote.sheet_tiers", lang))
    tiers.append([t("quote.tier_units", lang), t("quote.tier_users", lang), t("quote.tier_price", lang),
                  t("quote.tier_mark", lang)])
    for column in range(1, 5):
        tiers.cell(1, column).font = _BOLD
        tiers.cell(1, column).fill = _HEAD_FILL
    for tier_row, tier in zip(tier_rows(q, lang), q.tariff.tiers, strict=True):
        tiers.append([tier_row.units, tier_row.users, tier.unit_price, tier_row.mark])
        tiers.cell(tiers.max_row, 3).number_format = _money_format(tier.unit_price)
        if tier_row.literal or tier_row.cheapest:
            for column in range(1, 5):
                tiers.cell(tiers.max_row, column).fill = _MARK_FILL
    for index, width in enumerate((22, 26, 18, 30), start=1):
        tiers.column_dimensions[get_column_letter(index)].width = width

    book.properties.title = t("quote.sheet_title", lang)
    book.properties.creator = "smop-pricing"
    inert_workbook(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_CSS = """
:root { --ink: #1F2A37; --muted: #5B6777; --line: #D5DDE8; --accent: #006EFF; --soft: #F3F6FA; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--soft); color: var(--ink);
  font: 14px/1.55 -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC",
  sans-serif; }
.sheet { max-width: 210mm; margin: 24px auto; padding: 18mm 16mm; background: #fff;
  box-shadow: 0 1px 4px rgba(0,0,0,.12); }
header { display: flex; justify-content: space-between; align-items: flex-start; gap: 16px;
  border-bottom: 3px solid var(--accent); padding-bottom: 10px; margin-bottom: 18px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 15px; margin: 22px 0 8px; color: var(--accent); }
.meta { color: var(--muted); margin: 0; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.formula { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; white-space: nowrap; }
tr.total td { font-weight: 700; border-top: 2px solid var(--ink); }
.kv th { width: 40%; background: none; font-weight: 400; color: var(--muted); }
.callout { margin-top: 16px; padding: 10px 12px; border-left: 4px solid #12B76A; background: #ECFDF3; }
ul { margin: 0; padding-left: 20px; }
footer { margin-top: 24px; padding-top: 10px; border-top: 1px solid var(--line); color: var(--muted);
  font-size: 12px; }
button { font: inherit; white-space: nowrap; padding: 6px 14px; border: 1px solid var(--accent); color: #fff;
  background: var(--accent); border-radius: 4px; cursor: pointer; }
@page { size: A4; margin: 14mm; }
@media print {
  body { background: #fff; }
  .sheet { margin: 0; padding: 0; box-shadow: none; max-width: none; }
  .no-print { display: none; }
  table, .callout, li { break-inside: avoid; }
  h2 { break-after: avoid; }
}
"""


def _cell(text: object, css: str = "") -> str:
    klass = f' class="{css}"' if css else ""
    return f"<td{klass}>{html.escape(str(text))}</td>"


def quote_html(q: Quote, lang: str, issued: dt.date, start: dt.date | None = None) -> str:
    """A self-contained printable quote sheet (inline CSS with print rules; every text escaped)."""
    e = html.escape
    rows = export_rows(q, lang, issued, start)
    title = t("quote.sheet_title", lang)
    meta = "<br>".join(
        f"{e(r.label)}：{e(r.display)}" if lang == "zh" else f"{e(r.label)}: {e(r.display)}"
        for r in rows
        if r.section == "quote" and r.key != "title"
    )
    inputs = "".join(
        f"<tr><th>{e(r.label)}</th>{_cell(r.display)}</tr>" for r in rows if r.section == "input"
    )
    lines = "".join(
        f'<tr{" class=total" if r.key == "total" else ""}>'
        f"{_cell(r.label)}{_cell(r.formula, 'formula')}{_cell(r.display, 'num')}</tr>"
        for r in rows
        if r.section == "line"
    )
    notes = "".join(
        f'<section class="callout"><strong>{e(t("quote.cheaper_section", lang))}</strong>'
        f"<br>{e(r.label)}</section>"
        for r in rows
        if r.section == "note"
    )
    rules = "".join(f"<li>{e(r.label)}</li>" for r in rows if r.section == "rule")
    html_lang = "zh-CN" if lang == "zh" else "en"
    return f"""<!DOCTYPE html>
<html lang="{html_lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} · {e(format_money(q.total, lang))}</title>
<style>{_CSS}</style>
</head>
<body>
<main class="sheet">
<header>
<div><h1>{e(title)}</h1><p class="meta">{meta}</p></div>
<button class="no-print" type="button" onclick="window.print()">{e(t("quote.print_button", lang))}</button>
</header>
<h2>{e(t("quote.inputs_section", lang))}</h2>
<table class="kv"><tbody>{inputs}</tbody></table>
<h2>{e(t("quote.lines_section", lang))}</h2>
<table class="lines">
<thead><tr><th>{e(t("quote.col_item", lang))}</th><th>{e(t("quote.col_formula", lang))}</th>
<th style="text-align:right">{e(t("quote.col_value", lang))}</th></tr></thead>
<tbody>{lines}</tbody>
</table>
{notes}
<h2>{e(t("quote.rules", lang))}</h2>
<ul>{rules}</ul>
<footer>{e(t("quote.disclaimer", lang))}</footer>
</main>
</body>
</html>
"""


def export_filename(q: Quote, extension: str) -> str:
    """'smop-quote-1000000-users-1-months.csv'."""
    return f"smop-quote-{q.users}-users-{q.months}-months.{extension}"
