"""``plan``: when to buy packs, and in what batches, over a month-by-month forecast (R11)."""

from __future__ import annotations

import argparse
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from smop_pricing import jsonout
from smop_pricing.errors import InputError
from smop_pricing.i18n import t
from smop_pricing.money import format_money, format_rate, format_users, ratio_percent
from smop_pricing.plan.forecast import MAX_CSV_BYTES, read_forecast_csv
from smop_pricing.plan.strategies import PlanResult, Problem, all_strategies, parse_rate
from smop_pricing.pricing.rules import MAX_HELD_UNITS
from smop_pricing.pricing.tariff import load_tariff, published_tariff, tariff_label

HELP = "plan pack purchases over a forecast CSV (month, users): four strategies and the exact optimum"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("forecast", help="a CSV file with columns month (YYYY-MM, consecutive) and users")
    parser.add_argument("--held-units", default="0", help=f"pack units held before the plan, 0 to {MAX_HELD_UNITS:,}")
    parser.add_argument("--discount-rate", default="0", help="annual discount rate as a fraction, 0 to 1 (e.g. 0.08)")
    parser.add_argument("--tariff", help="a what-if tariff TOML file (default: the published one)")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")


def read_file(path: str) -> bytes:
    """The forecast file's bytes, never more than the limit read."""
    try:
        with Path(path).open("rb") as stream:
            data = stream.read(MAX_CSV_BYTES + 1)
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise InputError("forecast", path, "unreadable", reason=reason) from None
    return data


def plan_json(plans: tuple[PlanResult, ...], lang: str = "zh") -> dict[str, Any]:
    """The CLI's JSON contract: months, base fees, and each strategy's purchases and money."""
    problem = plans[0].problem
    return {
        "months": problem.forecast.months,
        "first_month": problem.forecast.label(0),
        "held_units": problem.held_units,
        "discount_rate": problem.rate,
        "base_fees": problem.base_fees,
        "tariff": {
            "name": problem.tariff.display_name(lang), "version": problem.tariff.version,
            "mode": problem.tariff.tier_mode,
        },
        "strategies": [
            {
                "name": plan.name,
                "purchases": [
                    {"month": problem.forecast.label(p.month), "units": p.units, "fee": p.fee}
                    for p in plan.purchases
                ],
                "pack_fees": plan.pack_fees,
                "total": plan.total,
                "present_value": plan.present_value,
            }
            for plan in plans
        ],
    }


def render_text(plans: tuple[PlanResult, ...], lang: str) -> str:
    problem = plans[0].problem
    forecast, tariff = problem.forecast, problem.tariff
    lines = [
        t("plan.cli_header", lang, tariff=tariff_label(tariff, lang), first=forecast.label(0),
          last=forecast.label(forecast.months - 1), months=forecast.months, held=f"{problem.held_units:,}",
          rate=ratio_percent(problem.rate)),
        "",
    ]
    for plan in plans:
        lines.append(
            f"{t('plan.strategy_' + plan.name, lang)}{'：' if lang == 'zh' else ': '}"
            f"{t('plan.col_pack_fees', lang)} {format_money(plan.pack_fees, lang)} · "
            f"{t('plan.col_total', lang)} {format_money(plan.total, lang)} · "
            f"{t('plan.col_pv', lang)} {format_money(plan.present_value, lang)}"
        )
        rows = {row.month: row for row in plan.rows}
        for p in plan.purchases:
            units = t("plan.units_one" if p.units == 1 else "plan.units_many", lang, n=f"{p.units:,}")
            lines.append(t("plan.cli_purchase", lang, month=forecast.label(p.month), units=units,
                           price=format_rate(p.purchase.unit_price, lang), fee=format_money(p.fee, lang),
                           capacity=format_users(rows[p.month].capacity, lang)))
        if not plan.purchases:
            lines.append("  " + t("plan.no_purchases", lang))
    return "\n".join(lines)


def run(args: argparse.Namespace, out: IO[str]) -> int:
    from smop_pricing.cli import parse_whole

    held = parse_whole("held_units", args.held_units, 0, MAX_HELD_UNITS)
    rate: Decimal = parse_rate(args.discount_rate, "discount_rate")
    tariff = load_tariff(args.tariff) if args.tariff else published_tariff()
    forecast = read_forecast_csv(read_file(args.forecast))
    plans = all_strategies(Problem(tariff, forecast, held, rate))
    if args.json:
        out.write(jsonout.dumps(plan_json(plans, args.lang)) + "\n")
    else:
        out.write(render_text(plans, args.lang) + "\n")
    return 0
