"""A quote's line items with their formulas, in either language (SPEC R10).

The pages, the exports and the command line all show these same lines, so a
figure is computed once and explained the same way everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from smop_pricing.i18n import t
from smop_pricing.money import format_money, group
from smop_pricing.pricing import Purchase, Quote


@dataclass(frozen=True)
class LineItem:
    key: str
    label: str
    formula: str
    amount: Decimal | None
    value: str


def purchase_formula(purchase: Purchase) -> str:
    """'8 × 4,800 = 38,400', or per tier part for graduated: '5 × 6,000 + 3 × 4,800 = 44,400'."""
    if purchase.units == 0:
        return "0"
    parts = " + ".join(f"{p.units:,} × {group(p.unit_price)}" for p in purchase.parts)
    return f"{parts} = {group(purchase.fee)}"


def plan_formula(purchases: tuple[Purchase, ...]) -> str:
    """One or more purchases: '11 × 3,000 = 33,000'; several are joined with '+'."""
    if not purchases:
        return "0"
    if len(purchases) == 1:
        return purchase_formula(purchases[0])
    inner = " + ".join(f"({purchase_formula(p)})" for p in purchases)
    total = sum((p.fee for p in purchases), Decimal(0))
    return f"{inner} = {group(total)}"


def line_items(q: Quote, lang: str) -> list[LineItem]:
    """Every line of the quote, each with the calculation that gives it."""
    tariff = q.tariff
    pack_users = tariff.pack_users
    items = [
        LineItem(
            "base_fee",
            t("core.line_base", lang),
            t("core.formula_base", lang, fee=group(tariff.monthly_fee), months=q.months,
              total=group(q.base_fee)),
            q.base_fee,
            format_money(q.base_fee, lang),
        ),
        LineItem(
            "pack_fee",
            t("core.line_packs", lang),
            purchase_formula(q.purchase),
            q.pack_fee,
            format_money(q.pack_fee, lang),
        ),
        LineItem(
            "total",
            t("core.line_total", lang),
            f"{group(q.base_fee)} + {group(q.pack_fee)} = {group(q.total)}",
            q.total,
            format_money(q.total, lang),
        ),
        LineItem(
            "capacity",
            t("core.line_capacity", lang),
            f"{tariff.included_users:,} + {q.held_units + q.purchase.units:,} × {pack_users:,}"
            f" = {q.capacity:,}",
            None,
            f"{q.capacity:,}",
        ),
    ]
    if q.has_cheaper:
        items += [
            LineItem(
                "cheapest_fee",
                t("core.line_cheapest", lang),
                plan_formula(q.cheapest.purchases),
                q.cheapest.fee,
                format_money(q.cheapest.fee, lang),
            ),
            LineItem(
                "cheapest_capacity",
                t("core.line_cheapest_capacity", lang),
                f"{tariff.included_users:,} + {q.held_units + q.cheapest.units:,} × {pack_users:,}"
                f" = {q.cheapest.capacity:,}",
                None,
                f"{q.cheapest.capacity:,}",
            ),
            LineItem(
                "saving",
                t("core.line_saving", lang),
                f"{group(q.pack_fee)} − {group(q.cheapest.fee)} = {group(q.saving)}",
                q.saving,
                format_money(q.saving, lang),
            ),
        ]
    return items


def cheaper_callout(q: Quote, lang: str) -> str | None:
    """'Buy 11 units (capacity 1,300,000) for 33,000 instead of 8 units for 38,400: save 5,400'."""
    if not q.has_cheaper:
        return None
    return t(
        "core.callout",
        lang,
        units=f"{q.cheapest.units:,}",
        capacity=f"{q.cheapest.capacity:,}",
        fee=format_money(q.cheapest.fee, lang),
        literal_units=f"{q.purchase.units:,}",
        literal_fee=format_money(q.pack_fee, lang),
        saving=format_money(q.saving, lang),
    )
