"""The growth planner's results as tables and texts (zh / en), and the budget exports.

Display frames hold text already formatted for the language (money as "84,000 元" /
"CNY 84,000"); the exports hold exact numbers (yuan, Decimal) under translated headers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from smop_pricing.i18n import t
from smop_pricing.money import ZERO, format_money, format_rate, format_users, users_text
from smop_pricing.plan.strategies import PlanResult
from smop_pricing.plan.uncertainty import Uncertainty
from smop_pricing.safe_io import inert_workbook, neutralize

_BOLD = Font(bold=True)


def count_text(users: int, lang: str) -> str:
    """A count in a table cell: zh in 万 when round ("160万"), en digits alone (the column names the unit)."""
    return users_text(users, lang)


def strategy_label(name: str, lang: str) -> str:
    return t(f"plan.strategy_{name}", lang)


def case_label(case: str, lang: str) -> str:
    return t(f"plan.case_{case}", lang)


def headline(plans: Sequence[PlanResult], lang: str) -> str:
    """"Buying as you grow costs X more than the best plan" (or why it does not)."""
    by_name = {plan.name: plan for plan in plans}
    best, grow = by_name["optimal"], by_name["as_you_grow"]
    if not grow.purchases:
        return t("plan.headline_none", lang)
    extra = grow.present_value - best.present_value
    if extra <= 0:
        return t("plan.headline_same", lang, packs=format_money(grow.pack_fees, lang))
    return t("plan.headline", lang, extra=format_money(extra, lang), grow_packs=format_money(grow.pack_fees, lang),
             best_packs=format_money(best.pack_fees, lang))


def comparison_records(plans: Sequence[PlanResult], lang: str) -> list[dict[str, object]]:
    """One row per strategy: purchases, units, pack fees, platform fees, total, PV, over the best."""
    best = min(plan.present_value for plan in plans)
    return [
        {
            t("plan.col_strategy", lang): strategy_label(plan.name, lang),
            t("plan.col_purchases", lang): len(plan.purchases),
            t("plan.col_units", lang): plan.units,
            t("plan.col_pack_fees", lang): format_money(plan.pack_fees, lang),
            t("plan.col_base_fees", lang): format_money(plan.base_fees, lang),
            t("plan.col_total", lang): format_money(plan.total, lang),
            t("plan.col_pv", lang): format_money(plan.present_value, lang),
            t("plan.col_vs_best", lang): format_money(plan.present_value - best, lang),
        }
        for plan in plans
    ]


def comparison_frame(plans: Sequence[PlanResult], lang: str) -> pd.DataFrame:
    """:func:`comparison_records` as a table."""
    return pd.DataFrame(comparison_records(plans, lang))


def purchases_columns(lang: str) -> list[str]:
    return [t(f"plan.col_{c}", lang) for c in ("month", "units", "tier", "fee", "capacity_after")]


def purchases_rows(plan: PlanResult, lang: str) -> list[tuple[str, int, str, str, str]]:
    """The plan's purchases: month, units, tier price, fee, capacity after (:func:`purchases_columns`)."""
    forecast = plan.problem.forecast
    rows = {row.month: row for row in plan.rows}
    return [
        (forecast.label(p.month), p.units, format_rate(p.purchase.unit_price, lang), format_money(p.fee, lang),
         count_text(rows[p.month].capacity, lang))
        for p in plan.purchases
    ]


def purchases_frame(plan: PlanResult, lang: str) -> pd.DataFrame:
    """The plan's purchases: month, units, tier price, fee, capacity after."""
    return pd.DataFrame(purchases_rows(plan, lang), columns=purchases_columns(lang))


def budget_rows(plan: PlanResult) -> list[tuple[str, int, int, int, Decimal, Decimal, Decimal, Decimal]]:
    """(month, users, units bought, capacity, platform fee, packs, month total, cumulative) per month."""
    forecast = plan.problem.forecast
    out = []
    cumulative = ZERO
    for row in plan.rows:
        month_total = row.platform_fee + row.pack_fee
        cumulative += month_total
        out.append((forecast.label(row.month), row.users, row.units_bought, row.capacity, row.platform_fee,
                    row.pack_fee, month_total, cumulative))
    return out


_BUDGET_COLUMNS = ("month", "users", "units", "capacity", "platform", "packs", "month_total", "cumulative")


def budget_headers(lang: str) -> list[str]:
    return [t(f"plan.col_{c}", lang) for c in _BUDGET_COLUMNS]


def budget_table_rows(plan: PlanResult, lang: str) -> list[tuple[str, str, int, str, str, str, str, str]]:
    """The monthly budget formatted for the page, under :func:`budget_headers`."""
    return [
        (month, count_text(users, lang), units, count_text(cap, lang), format_money(platform, lang),
         format_money(packs, lang), format_money(total, lang), format_money(cumulative, lang))
        for month, users, units, cap, platform, packs, total, cumulative in budget_rows(plan)
    ]


def budget_frame(plan: PlanResult, lang: str) -> pd.DataFrame:
    """The monthly budget, formatted for the page."""
    return pd.DataFrame(budget_table_rows(plan, lang), columns=budget_headers(lang))


def _plain(value: object) -> str:
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def budget_csv(plan: PlanResult, lang: str) -> bytes:
    """The monthly budget as CSV (UTF-8 with a BOM, for spreadsheet programs), exact yuan."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(budget_headers(lang))
    for row in budget_rows(plan):
        writer.writerow([neutralize(_plain(v)) for v in row])  # safe_io: no cell runs in a spreadsheet
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def budget_xlsx(plans: Sequence[PlanResult], lang: str) -> bytes:
    """A workbook: the comparison, then one sheet per strategy with its monthly budget."""
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = t("plan.sheet_summary", lang)
    head = [t(f"plan.col_{c}", lang) for c in ("strategy", "purchases", "units", "pack_fees", "base_fees", "total",
                                                 "pv")]
    summary.append(head)
    for plan in plans:
        summary.append([strategy_label(plan.name, lang), len(plan.purchases), plan.units, plan.pack_fees,
                        plan.base_fees, plan.total, plan.present_value])
    for cell in summary[1]:
        cell.font = _BOLD
    for plan in plans:
        sheet = book.create_sheet(strategy_label(plan.name, lang)[:31])
        sheet.append(budget_headers(lang))
        for cell in sheet[1]:
            cell.font = _BOLD
        for row in budget_rows(plan):
            sheet.append(list(row))
        for column in "EFGH":
            for cell in sheet[column][1:]:
                cell.number_format = "#,##0.00"
        for column in "BCD":
            for cell in sheet[column][1:]:
                cell.number_format = "#,##0"
    inert_workbook(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def uncertainty_records(result: Uncertainty, lang: str) -> list[dict[str, object]]:
    """One row per candidate: under each forecast its PV (with top-ups), regret and months over (alone)."""
    rows = []
    for index, candidate in enumerate(result.candidates):
        row: dict[str, object] = {
            t("plan.col_strategy", lang): strategy_label(candidate.strategy, lang)
            + (" ★" if index == result.robust else ""),
            t("plan.col_planned_on", lang): case_label(candidate.planned_on, lang),
            t("plan.col_worst_regret", lang): format_money(candidate.worst_regret, lang),
        }
        for outcome in candidate.outcomes:
            case = case_label(outcome.case, lang)
            row[t("plan.col_cost_under", lang, case=case)] = format_money(outcome.followed.present_value, lang)
            row[t("plan.col_regret_under", lang, case=case)] = format_money(outcome.regret, lang)
            row[t("plan.col_over_months", lang, case=case)] = len(outcome.alone.over)
        rows.append(row)
    return rows


def uncertainty_frame(result: Uncertainty, lang: str) -> pd.DataFrame:
    """:func:`uncertainty_records` as a table."""
    return pd.DataFrame(uncertainty_records(result, lang))


def robust_text(result: Uncertainty, lang: str) -> str:
    """The plan of least worst-case regret, named as such."""
    best = result.robust_candidate
    return t("plan.robust", lang, strategy=strategy_label(best.strategy, lang),
             case=case_label(best.planned_on, lang), regret=format_money(best.worst_regret, lang))


def over_text(result: Uncertainty, lang: str) -> list[str]:
    """For each candidate and forecast where the plan alone leaves months over capacity: what it means (R3)."""
    lines = []
    for candidate in result.candidates:
        for outcome in candidate.outcomes:
            over = outcome.alone.over  # (month, users past capacity)
            if not over:
                continue
            worst = max(users for _, users in over)
            lines.append(t("plan.over_line", lang, strategy=strategy_label(candidate.strategy, lang),
                           planned=case_label(candidate.planned_on, lang), case=case_label(outcome.case, lang),
                           months=len(over), first=outcome.alone.problem.forecast.label(over[0][0]),
                           users=format_users(worst, lang),
                           top_up=format_money(outcome.top_up_fees, lang)))
    return lines
