"""Quotes side by side: each option is a quote bought literally or at its cheapest.

The literal purchase is what the billing page describes (exactly the units needed);
the cheapest is the cheapest set of purchases covering the same need (R9), the one we
recommend. An option may carry a name ("Plan A"); unnamed, it is "Quote n".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from smop_pricing.i18n import t
from smop_pricing.money import format_money, format_rate, group, signed_money
from smop_pricing.pricing.rules import Purchase, Quote, capacity, per_month, per_thousand
from smop_pricing.quote.report import plan_formula, short_users
from smop_pricing.quote.summary import BASES, NEXT_MONTHS, Basis, basis_purchases

Kind = Basis
KINDS: tuple[Kind, ...] = BASES
MAX_OPTIONS = 3


@dataclass(frozen=True)
class Option:
    """One column of the comparison: a quote and the way its packs are bought."""

    quote: Quote
    kind: Kind
    name: str = ""

    def label(self, n: int, lang: str) -> str:
        """The option's name, or 'Quote n' when it has none."""
        return self.name.strip() or t("quote.compare_slot", lang, n=n)

    @property
    def purchases(self) -> tuple[Purchase, ...]:
        return basis_purchases(self.quote, self.kind)

    @property
    def next_12_months(self) -> Decimal:
        """The 12 months after the term, renewed in time at the same users: the platform fee only."""
        return self.quote.tariff.monthly_fee * NEXT_MONTHS

    @property
    def pack_units(self) -> int:
        return sum(p.units for p in self.purchases)

    @property
    def pack_fee(self) -> Decimal:
        return sum((p.fee for p in self.purchases), Decimal(0))

    @property
    def base_fee(self) -> Decimal:
        return self.quote.base_fee

    @property
    def total(self) -> Decimal:
        return self.quote.base_fee + self.pack_fee

    @property
    def capacity(self) -> int:
        return capacity(self.quote.tariff, self.quote.held_units + self.pack_units)

    @property
    def monthly_equivalent(self) -> Decimal:
        return per_month(self.total, self.quote.months)

    @property
    def cost_per_thousand(self) -> Decimal | None:
        return per_thousand(self.total, self.quote.months, self.quote.users)


def option_titles(options: Sequence[Option], lang: str) -> list[str]:
    """Each option's column title: its name or 'Quote n'; a repeated name gets its number."""
    titles: list[str] = []
    for n, option in enumerate(options, start=1):
        title = option.label(n, lang)
        titles.append(f"{title} ({n})" if title in titles else title)
    return titles



def compare_frame(options: Sequence[Option], lang: str) -> pd.DataFrame:
    """Rows of figures (localized labels) by one column per option ("Quote 1", ...)."""
    if not 1 <= len(options) <= MAX_OPTIONS:
        raise ValueError(f"compare 1 to {MAX_OPTIONS} options, not {len(options)}")
    labels = [
        t("quote.row_users", lang),
        t("quote.row_months", lang),
        t("quote.row_held", lang),
        t("quote.row_buy", lang),
        t("quote.row_packs", lang),
        t("quote.row_pack_fee", lang),
        t("quote.row_base_fee", lang),
        t("quote.row_total", lang),
        t("quote.row_next_12", lang),
        t("quote.row_difference", lang),
        t("quote.row_capacity", lang),
        t("quote.row_monthly", lang),
        t("quote.row_per_thousand", lang),
    ]
    first = options[0].total
    columns: dict[str, list[str]] = {}
    for title, option in zip(option_titles(options, lang), options, strict=True):
        q = option.quote
        per_thousand = option.cost_per_thousand
        columns[title] = [
            short_users(q.users, lang),
            t("quote.row_month_one" if q.months == 1 else "quote.row_months_value", lang, months=q.months),
            f"{q.held_units:,}",
            t(f"quote.buy_{option.kind}", lang),
            plan_formula(option.purchases),
            format_money(option.pack_fee, lang),
            f"{group(q.tariff.monthly_fee)} × {q.months} = {group(option.base_fee)}",
            format_money(option.total, lang),
            format_money(option.next_12_months, lang),
            signed_money(option.total - first, lang),
            short_users(option.capacity, lang),
            format_money(option.monthly_equivalent, lang),
            format_rate(per_thousand, lang, t("quote.not_applicable", lang)),
        ]
    return pd.DataFrame(columns, index=pd.Index(labels))


def compare_costs(options: Sequence[Option], lang: str) -> pd.DataFrame:
    """Long table for a stacked bar: option, part (standard edition / packs), cost (yuan, float axis)."""
    rows: list[dict[str, object]] = []
    for slot, option in zip(option_titles(options, lang), options, strict=True):
        rows.append({"option": slot, "part": t("quote.part_base", lang), "order": 0,
                     "cost": float(option.base_fee), "total": format_money(option.total, lang)})
        rows.append({"option": slot, "part": t("quote.part_packs", lang), "order": 1,
                     "cost": float(option.pack_fee), "total": format_money(option.total, lang)})
    return pd.DataFrame(rows)
