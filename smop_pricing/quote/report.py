"""A quote's line items with their formulas, in either language (docs/rules.md R10).

The pages, the exports and the command line all show these same lines, so a
figure is computed once and explained the same way everywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from smop_pricing.i18n import t
from smop_pricing.money import format_money, group, users_text
from smop_pricing.pricing.rules import Purchase, Quote, last_renewal_day


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
    parts = " + ".join(f"{p.units:,} × {group(p.tier_price)}" for p in purchase.parts)
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
            t("core.formula_base_one" if q.months == 1 else "core.formula_base", lang,
              fee=group(tariff.monthly_fee), months=q.months, total=group(q.base_fee)),
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
            t("quote.line_total_literal", lang),
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
                "cheapest_total",
                t("quote.line_total_cheapest", lang),
                f"{group(q.base_fee)} + {group(q.cheapest.fee)} = {group(q.cheapest_total)}",
                q.cheapest_total,
                format_money(q.cheapest_total, lang),
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


def short_users(users: int, lang: str) -> str:
    """A user count without a unit word: zh "50万" / "1亿" for round counts, en "500,000"."""
    return users_text(users, lang)


@dataclass(frozen=True)
class TierRow:
    """One tier of the pack price table, and whether this quote's purchases use it."""

    index: int
    units: str
    users: str
    unit_price: str
    literal: bool
    cheapest: bool
    mark: str


def tier_rows(q: Quote, lang: str) -> list[TierRow]:
    """The tariff's tiers, marking those the literal and the cheapest purchases are priced in."""
    tariff = q.tariff
    literal = {p.tier_index for p in q.purchase.parts}
    cheapest = {p.tier_index for c in q.cheapest.purchases for p in c.parts} if q.has_cheaper else set()
    rows: list[TierRow] = []
    for index, tier in enumerate(tariff.tiers):
        low = tariff.tier_lower(index)
        low_users = short_users(low * tariff.pack_users, lang)
        if tier.max_units is None:
            units = t("quote.tier_open", lang, low=f"{low:,}")
            users = t("quote.tier_open", lang, low=low_users)
        else:
            units = t("quote.tier_range", lang, low=f"{low:,}", high=f"{tier.max_units:,}")
            users = t("quote.tier_range", lang, low=low_users,
                      high=short_users(tier.max_units * tariff.pack_users, lang))
        marks = []
        if index in literal:
            marks.append(t("quote.mark_literal", lang, units=f"{q.purchase.units:,}"))
        if index in cheapest:
            marks.append(t("quote.mark_cheapest", lang, units=f"{q.cheapest.units:,}"))
        rows.append(TierRow(index, units, users, format_money(tier.unit_price, lang),
                            index in literal, index in cheapest, " ".join(marks)))
    return rows


def rules_that_bite(
    q: Quote, lang: str, dates: tuple[dt.date, dt.date] | None = None
) -> list[str]:
    """R3, R5, R7 in plain words for this quote; dated when ``dates`` = (expiry, reclamation)."""
    tariff = q.tariff
    rules = [t("quote.rule_packs" if tariff.packs_survive_lapse else "quote.rule_packs_lost", lang)]
    if dates is None:
        rules.append(t("quote.rule_expiry", lang))
        rules.append(t("quote.rule_reclaim", lang, grace=tariff.grace_months))
    else:
        expiry, reclamation = dates
        rules.append(t("quote.rule_expiry_dated", lang, expiry=expiry.isoformat()))
        rules.append(t("quote.rule_reclaim_dated", lang, reclamation=reclamation.isoformat(),
                       grace=tariff.grace_months,
                       last_renewal=last_renewal_day(reclamation).isoformat()))
    rules.append(t("quote.rule_refund", lang))
    rules.append(t("quote.rule_over_quota", lang, first=f"{q.capacity + 1:,}"))
    return rules


def slip_note(q: Quote, lang: str) -> str | None:
    """R8 E2: flag the billing page's "38,600" slip where its example (1,000,000 users) is reproduced."""
    if q.tariff.version != "published" or q.users != 1_000_000 or q.held_units != 0:
        return None
    return t("core.slip_38600", lang)
