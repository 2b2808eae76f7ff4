"""``quote``: price N users for M months with H pack units already held."""

from __future__ import annotations

import argparse
import unicodedata
from typing import IO, Any

from smop_pricing import jsonout
from smop_pricing.i18n import t
from smop_pricing.lifecycle.report import months_text
from smop_pricing.money import format_money
from smop_pricing.pricing.rules import MAX_HELD_UNITS, MAX_TERM_MONTHS, MAX_USERS, Quote, quote
from smop_pricing.pricing.tariff import load_tariff, published_tariff, tariff_label
from smop_pricing.quote.report import cheaper_callout, line_items
from smop_pricing.quote.summary import (
    BASES,
    DEFAULT_BASIS,
    Basis,
    Summary,
    summarize,
    summary_json,
    term_text,
)
from smop_pricing.validation import parse_users


def display_width(text: str) -> int:
    """Terminal columns: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


HELP = "price users for a term: the recommended (cheapest) purchase and the literal one"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--users", required=True,
        help=f"users to operate, 0 to {MAX_USERS:,}, as people write them: 1,000,000, 100万, 35.5万, 2.5M, 350k",
    )
    parser.add_argument("--months", default="1",
                        help=f"term in months, 1 to {MAX_TERM_MONTHS} (as on the quote page and in its links)")
    parser.add_argument("--held-units", default="0", help=f"pack units already held, 0 to {MAX_HELD_UNITS:,}")
    parser.add_argument("--tariff", help="a what-if tariff TOML file (default: the published one)")
    parser.add_argument("--buy", choices=BASES, default=DEFAULT_BASIS,
                        help="the purchase the summary is for: cheapest (recommended, default) or literal")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout instead of the text")


def quote_json(q: Quote, lang: str = "zh", basis: Basis = DEFAULT_BASIS) -> dict[str, Any]:
    """The CLI's JSON contract (also what the exports carry): the quote, the tariff's name in ``lang``,
    then the summary on ``basis``."""
    return {
        "users": q.users,
        "months": q.months,
        "held_units": q.held_units,
        "base_fee": q.base_fee,
        "pack_units": q.purchase.units,
        "pack_rate": q.purchase.unit_price,
        "pack_fee": q.pack_fee,
        "total": q.total,
        "capacity": q.capacity,
        "cheapest": {
            "pack_units": q.cheapest.units,
            "purchases": [p.units for p in q.cheapest.purchases],
            "pack_fee": q.cheapest.fee,
            "total": q.cheapest_total,
            "capacity": q.cheapest.capacity,
            "saving": q.saving,
        },
        "monthly_equivalent": q.monthly_equivalent,
        "cost_per_1000_users_per_month": q.cost_per_thousand,
        "tariff": {"name": q.tariff.display_name(lang), "version": q.tariff.version, "mode": q.tariff.tier_mode},
        **summary_json(summarize(q, basis)),
    }


def summary_lines(s: Summary, lang: str) -> list[str]:
    """The headline on the chosen basis, the alternative, and upfront · monthly · first term · next 12 months."""
    money = {name: format_money(getattr(s, name), lang)
             for name in ("first_term_total", "one_time", "recurring_monthly", "next_12_months", "alternative_total")}
    lines = [t(f"cli.headline_{s.basis}", lang, total=money["first_term_total"])]
    if s.has_alternative:
        key = "more" if s.alternative_difference > 0 else "less"
        lines.append(t(f"cli.alternative_{s.alternative_basis}", lang, total=money["alternative_total"])
                     + t(f"cli.alternative_{key}", lang, amount=format_money(abs(s.alternative_difference), lang)))
    lines.append(t("cli.summary", lang, one_time=money["one_time"], monthly=money["recurring_monthly"],
                   term=term_text(s.quote.months, lang), first=money["first_term_total"], next=money["next_12_months"]))
    return lines


def render_text(q: Quote, lang: str, basis: Basis = DEFAULT_BASIS) -> str:
    lines = [
        tariff_label(q.tariff, lang),
        t("cli.quote_inputs", lang, users=f"{q.users:,}", months=months_text(q.months, lang), held=f"{q.held_units:,}"),
        "",
    ]
    items = line_items(q, lang)
    width = max(display_width(item.label) for item in items) + 2
    formula_width = max(display_width(item.formula) for item in items) + 2
    for item in items:
        lines.append(pad(item.label, width) + pad(item.formula, formula_width) + item.value)
    callout = cheaper_callout(q, lang)
    lines.append("")
    lines.append(t("cli.cheaper", lang) + callout if callout else t("core.no_cheaper", lang))
    lines.append("")
    lines += summary_lines(summarize(q, basis), lang)
    return "\n".join(lines)


def run(args: argparse.Namespace, out: IO[str]) -> int:
    from smop_pricing.cli import parse_whole

    users = parse_users(args.users)
    months = parse_whole("months", args.months, 1, MAX_TERM_MONTHS)
    held = parse_whole("held_units", args.held_units, 0, MAX_HELD_UNITS)
    tariff = load_tariff(args.tariff) if args.tariff else published_tariff()
    q = quote(tariff, users, months, held)
    if args.json:
        out.write(jsonout.dumps(quote_json(q, args.lang, args.buy)) + "\n")
    else:
        out.write(render_text(q, args.lang, args.buy) + "\n")
    return 0
