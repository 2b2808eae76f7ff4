"""A quote as CSV, as an Excel workbook and as a printable HTML quote sheet.

Pure functions: a quote (plus the language, the sheet's details, the optional start day, the
basis the headline is on and the compared options) in, bytes or text out. All three carry the
same content: who the quote is for, its number and validity, the tariff in words with its date,
the inputs, the headline on the chosen basis with the alternative, what is paid once and what
recurs, every line item with its formula, the rules that bite and the comparison. A Chinese
export is Chinese throughout (CSV headers and section names included); an English one English.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from smop_pricing.i18n import t
from smop_pricing.money import format_money
from smop_pricing.pricing.rules import Quote, term_dates
from smop_pricing.pricing.tariff import tariff_label
from smop_pricing.quote.options import Option, compare_frame
from smop_pricing.quote.report import cheaper_callout, line_items, rules_that_bite, tier_rows
from smop_pricing.quote.summary import (
    DEFAULT_BASIS,
    Basis,
    SheetInfo,
    quote_number,
    sheet_info,
    summarize,
    term_text,
)
from smop_pricing.safe_io import inert_workbook, neutralize

CSV_COLUMNS = ("section", "label", "value", "unit", "formula")
SECTIONS = ("quote", "input", "summary", "line", "note", "rule", "compare")
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



@dataclass(frozen=True)
class QuoteDocument:
    """What every export of a quote is made from: the quote, its language, the sheet's details (or
    just the issue day), the first purchase day, the basis shown, and the compared options."""

    quote: Quote
    lang: str
    issued: dt.date | SheetInfo
    start: dt.date | None = None
    basis: Basis = DEFAULT_BASIS
    compared: Sequence[Option] = ()


def _unit(name: str, lang: str) -> str:
    return t(f"quote.unit_{name}", lang)


def _dates(q: Quote, start: dt.date | None) -> tuple[dt.date, dt.date] | None:
    return None if start is None else term_dates(start, q.months, q.tariff)


def _info(issued: dt.date | SheetInfo) -> SheetInfo:
    return issued if isinstance(issued, SheetInfo) else sheet_info(issued)


def _money_row(section: str, key: str, label: str, amount: Decimal, lang: str, formula: str = "") -> Row:
    return Row(section, key, label, amount, _unit("cny", lang), formula, format_money(amount, lang))


def export_rows(doc: QuoteDocument) -> list[Row]:
    """Everything an export carries, in order (sections as in ``SECTIONS``)."""
    q, lang, issued, start, basis, compared = doc.quote, doc.lang, doc.issued, doc.start, doc.basis, doc.compared
    info = _info(issued)
    s = summarize(q, basis)
    number = quote_number(s, info, start)
    not_set = t("quote.not_set", lang)
    label = tariff_label(q.tariff, lang)
    rows = [
        Row("quote", "title", t("quote.sheet_title", lang), "", "", "", ""),
        Row("quote", "number", t("quote.number", lang), number, "", "", number),
        Row("quote", "customer", t("quote.customer", lang), info.customer, "", "", info.customer or not_set),
        Row("quote", "prepared_by", t("quote.prepared_by", lang), info.prepared_by, "", "",
            info.prepared_by or not_set),
        Row("quote", "issued", t("quote.issued", lang), info.issued, "", "", info.issued.isoformat()),
        Row("quote", "valid_until", t("quote.valid_until", lang), info.valid_until, "", "",
            info.valid_until.isoformat()),
        Row("quote", "tariff", t("quote.tariff", lang), label, "", "", label),
        Row("input", "users", t("quote.users", lang), q.users, _unit("users", lang), "",
            f"{q.users:,} {_unit('users', lang)}"),
        Row("input", "months", t("quote.months", lang), q.months, _unit("months", lang), "",
            f"{q.months} {_unit('months', lang)}"),
        Row("input", "held_units", t("quote.held", lang), q.held_units, _unit("units", lang), "",
            f"{q.held_units:,} {_unit('units', lang)}"),
        Row("input", "start", t("quote.start", lang), start, "", "", start.isoformat() if start else not_set),
    ]
    dates = _dates(q, start)
    if dates is not None:
        expiry, reclamation = dates
        rows += [
            Row("input", "expiry", t("quote.date_expiry", lang), expiry, "", "", expiry.isoformat()),
            Row("input", "reclamation", t("quote.date_reclamation", lang), reclamation, "", "",
                reclamation.isoformat()),
        ]
    buy = t(f"quote.buy_{basis}", lang)
    rows += [
        Row("summary", "basis", t("quote.sum_basis", lang), buy, "", "", buy),
        _money_row("summary", "headline", t(f"quote.sum_headline_{basis}", lang), s.first_term_total, lang),
        _money_row("summary", "one_time", t("quote.sum_one_time", lang), s.one_time, lang),
        _money_row("summary", "recurring_monthly", t("quote.sum_monthly", lang), s.recurring_monthly, lang),
        _money_row("summary", "first_term_total", t("quote.sum_first_term", lang, term=term_text(q.months, lang)),
                   s.first_term_total, lang),
        _money_row("summary", "next_12_months", t("quote.sum_next_12", lang), s.next_12_months, lang),
    ]
    if s.has_alternative:
        more = s.alternative_difference
        rows.append(_money_row(
            "summary", "alternative", t(f"quote.sum_alternative_{s.alternative_basis}", lang),
            s.alternative_total, lang,
            t("quote.sum_more" if more > 0 else "quote.sum_less", lang, amount=format_money(abs(more), lang)),
        ))
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
    if compared:
        frame = compare_frame(compared, lang)
        for column in frame.columns:
            for index, figure in enumerate(frame.index):
                text = str(frame.loc[figure, column])
                rows.append(Row("compare", f"{column}:{index}", f"{column} · {figure}", text, "", "", text))
    return rows


def _csv_value(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def quote_csv(doc: QuoteDocument) -> bytes:
    """UTF-8 CSV with a byte-order mark (so spreadsheets read the Chinese right); plain numbers.

    Headers and section names are in ``lang``: a Chinese CSV has no English word of ours.
    """
    lang = doc.lang
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([t(f"quote.csv_{column}", lang) for column in CSV_COLUMNS])
    for row in export_rows(doc):
        writer.writerow([neutralize(cell) for cell in (t(f"quote.section_{row.section}", lang), row.label,
                                                       _csv_value(row.value), row.unit, row.formula)])
    return buffer.getvalue().encode("utf-8-sig")


_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=16)
_HEAD_FILL = PatternFill("solid", fgColor="E8EEF7")
_MARK_FILL = PatternFill("solid", fgColor="FFF4CE")


def _money_format(amount: Decimal) -> str:
    return "#,##0" if amount == amount.to_integral_value() else "#,##0.00"


def _section_head(sheet: Worksheet, title: str) -> None:
    sheet.append([])
    sheet.append([title])
    sheet.cell(sheet.max_row, 1).font = _BOLD


def _head_row(sheet: Worksheet, values: Sequence[str]) -> None:
    sheet.append(list(values))
    for column in range(1, len(values) + 1):
        sheet.cell(sheet.max_row, column).font = _BOLD
        sheet.cell(sheet.max_row, column).fill = _HEAD_FILL


def quote_xlsx(doc: QuoteDocument) -> bytes:
    """An Excel workbook: the quote sheet (details, inputs, summary, line items, notes, rules,
    comparison) and the tier table."""
    q, lang, compared = doc.quote, doc.lang, doc.compared
    rows = export_rows(replace(doc, compared=()))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = t("quote.sheet_name", lang)
    sheet.append([t("quote.sheet_title", lang)])
    sheet["A1"].font = _TITLE
    for row in rows:
        if row.section == "quote" and row.key != "title":
            sheet.append([row.label, row.value if row.value != "" else row.display])
            cell = sheet.cell(sheet.max_row, 2)
            if isinstance(row.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
                cell.alignment = Alignment(horizontal="left")
    _section_head(sheet, t("quote.inputs_section", lang))
    for row in rows:
        if row.section == "input":
            sheet.append([row.label, row.value if row.value is not None else row.display, row.unit])
            cell = sheet.cell(sheet.max_row, 2)
            cell.alignment = Alignment(horizontal="left")
            if isinstance(row.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(row.value, int):
                cell.number_format = "#,##0"
    _section_head(sheet, t("quote.summary_section", lang))
    for row in rows:
        if row.section == "summary":
            sheet.append([row.label, row.value, row.unit, row.formula])
            if isinstance(row.value, Decimal):
                sheet.cell(sheet.max_row, 2).number_format = _money_format(row.value)
            if row.key == "headline":
                sheet.cell(sheet.max_row, 1).font = _BOLD
                sheet.cell(sheet.max_row, 2).font = _BOLD
    _section_head(sheet, t("quote.lines_section", lang))
    _head_row(sheet, [t("quote.col_item", lang), t("quote.col_formula", lang), t("quote.col_value", lang),
                      t("quote.col_unit", lang)])
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
            _section_head(sheet, t("quote.cheaper_section", lang))
            sheet.append([row.label])
    _section_head(sheet, t("quote.rules", lang))
    for row in rows:
        if row.section == "rule":
            sheet.append([row.label])
    if compared:
        frame = compare_frame(compared, lang)
        _section_head(sheet, t("quote.compare", lang))
        _head_row(sheet, ["", *[str(c) for c in frame.columns]])
        for figure, values in frame.iterrows():
            sheet.append([str(figure), *[str(v) for v in values]])
    sheet.append([])
    sheet.append([t("quote.disclaimer", lang)])
    for letter, width in zip("ABCD", (34, 44, 16, 14), strict=True):
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
  font: 13px/1.45 -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC",
  sans-serif; }
.sheet { max-width: 210mm; margin: 24px auto; padding: 14mm 14mm; background: #fff;
  box-shadow: 0 1px 4px rgba(0,0,0,.12); }
header { display: flex; justify-content: space-between; align-items: flex-start; gap: 16px;
  border-bottom: 3px solid var(--accent); padding-bottom: 8px; margin-bottom: 10px; }
h1 { font-size: 20px; margin: 0 0 2px; }
h2 { font-size: 13px; margin: 12px 0 4px; color: var(--accent); }
.meta { color: var(--muted); margin: 0; }
.details { display: grid; grid-template-columns: auto 1fr auto 1fr; gap: 2px 10px; margin: 0; }
.details dt { color: var(--muted); }
.details dd { margin: 0; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 0 18px; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.formula { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; white-space: nowrap; }
tr.total td { font-weight: 700; border-top: 2px solid var(--ink); }
.kv th { width: 45%; background: none; font-weight: 400; color: var(--muted); }
.headline { margin: 8px 0 0; padding: 8px 12px; border: 2px solid var(--accent); border-radius: 6px; }
.headline .label { color: var(--muted); }
.headline .amount { font-size: 24px; font-weight: 700; }
.headline .alt { color: var(--muted); }
.callout { margin-top: 8px; padding: 6px 10px; border-left: 4px solid #12B76A; background: #ECFDF3; }
ul { margin: 0; padding-left: 18px; font-size: 12px; }
table.compare { font-size: 12px; }
footer { margin-top: 12px; padding-top: 6px; border-top: 1px solid var(--line); color: var(--muted);
  font-size: 11px; }
button { font: inherit; white-space: nowrap; padding: 6px 14px; border: 1px solid var(--accent); color: #fff;
  background: var(--accent); border-radius: 4px; cursor: pointer; }
@page { size: A4; margin: 10mm; }
@media print {
  body { background: #fff; font-size: 10px; line-height: 1.35; }
  th, td { padding: 2px 5px; }
  h2 { margin: 8px 0 3px; }
  header { padding-bottom: 5px; margin-bottom: 6px; }
  .headline { padding: 5px 10px; margin-top: 6px; }
  .callout { margin-top: 5px; padding: 4px 8px; }
  footer { margin-top: 8px; padding-top: 4px; }
  .sheet { margin: 0; padding: 0; box-shadow: none; max-width: none; }
  .no-print { display: none; }
  table, .callout, .headline, li { break-inside: avoid; }
  h2 { break-after: avoid; }
  .headline .amount { font-size: 20px; }
  ul, table.compare { font-size: 9.5px; }
}
"""


def _cell(text: object, css: str = "") -> str:
    klass = f' class="{css}"' if css else ""
    return f"<td{klass}>{html.escape(str(text))}</td>"


def quote_html(doc: QuoteDocument) -> str:
    """A self-contained printable quote sheet, one A4 page (inline CSS with print rules; every text
    escaped): who it is for, its number and validity, the headline on ``basis`` with the
    alternative, upfront and recurring apart, the line items, the rules and the comparison."""
    lang, compared = doc.lang, doc.compared
    e = html.escape
    rows = export_rows(replace(doc, compared=()))
    by_key = {(r.section, r.key): r for r in rows}
    title = t("quote.sheet_title", lang)
    details = "".join(
        f"<dt>{e(r.label)}</dt><dd>{e(r.display)}</dd>"
        for r in rows
        if r.section == "quote" and r.key not in ("title", "tariff")
    )
    inputs = "".join(f"<tr><th>{e(r.label)}</th>{_cell(r.display)}</tr>" for r in rows if r.section == "input")
    summary = "".join(
        f"<tr><th>{e(r.label)}</th>{_cell(r.display, 'num')}</tr>"
        for r in rows
        if r.section == "summary" and r.key in ("one_time", "recurring_monthly", "first_term_total", "next_12_months")
    )
    headline = by_key["summary", "headline"]
    alternative = by_key.get(("summary", "alternative"))
    alt = (f'<div class="alt">{e(alternative.label)}：{e(alternative.display)}（{e(alternative.formula)}）</div>'
           if alternative and lang == "zh" else
           f'<div class="alt">{e(alternative.label)}: {e(alternative.display)} ({e(alternative.formula)})</div>'
           if alternative else "")
    lines = "".join(
        f'<tr{" class=total" if r.key == "total" else ""}>'
        f"{_cell(r.label)}{_cell(r.formula, 'formula')}{_cell(r.display, 'num')}</tr>"
        for r in rows
        if r.section == "line"
    )
    notes = "".join(f'<section class="callout">{e(r.label)}</section>' for r in rows if r.section == "note")
    rules = "".join(f"<li>{e(r.label)}</li>" for r in rows if r.section == "rule")
    comparison = ""
    if compared:
        frame = compare_frame(compared, lang)
        head = "".join(f"<th>{e(str(c))}</th>" for c in frame.columns)
        body = "".join(
            f"<tr><th>{e(str(figure))}</th>{''.join(_cell(v) for v in values)}</tr>"
            for figure, values in frame.iterrows()
        )
        comparison = (f"<h2>{e(t('quote.compare', lang))}</h2>"
                      f'<table class="compare"><thead><tr><th></th>{head}</tr></thead><tbody>{body}</tbody></table>')
    html_lang = "zh-CN" if lang == "zh" else "en"
    return f"""<!DOCTYPE html>
<html lang="{html_lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} · {e(by_key["quote", "number"].display)} · {e(headline.display)}</title>
<style>{_CSS}</style>
</head>
<body>
<main class="sheet">
<header>
<div><h1>{e(title)}</h1><p class="meta">{e(by_key["quote", "tariff"].display)}</p></div>
<button class="no-print" type="button" onclick="window.print()">{e(t("quote.print_button", lang))}</button>
</header>
<dl class="details">{details}</dl>
<section class="headline">
<div class="label">{e(headline.label)}</div>
<div class="amount">{e(headline.display)}</div>
{alt}
</section>
<div class="grid">
<div><h2>{e(t("quote.inputs_section", lang))}</h2>
<table class="kv"><tbody>{inputs}</tbody></table></div>
<div><h2>{e(t("quote.summary_section", lang))}</h2>
<table class="kv summary"><tbody>{summary}</tbody></table></div>
</div>
<h2>{e(t("quote.lines_section", lang))}</h2>
<table class="lines">
<thead><tr><th>{e(t("quote.col_item", lang))}</th><th>{e(t("quote.col_formula", lang))}</th>
<th style="text-align:right">{e(t("quote.col_value", lang))}</th></tr></thead>
<tbody>{lines}</tbody>
</table>
{notes}
{comparison}
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
