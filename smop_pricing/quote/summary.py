"""What a quote asks the customer to pay, on the chosen basis, upfront and recurring apart (issue 13).

The *basis* says how the packs are bought: ``cheapest`` (the recommended purchase: the cheapest
set of purchases covering the need, R9; the same as the literal one when nothing is cheaper) or
``literal`` (exactly the units needed, as the billing page describes). The headline, the exports,
the share link and ``quote --json`` follow the basis; the other purchase is the alternative,
shown with how much more (or less) it costs.

Money, like AWS's calculator shows it: what is paid once (the packs), what recurs (the platform
fee per month), the first term's total, and the next 12 months after the term if renewed in time
at the same users (R2: packs stay valid while the service is, so only the platform fee recurs).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from smop_pricing.i18n import t
from smop_pricing.money import quantize_fen
from smop_pricing.pricing.rules import Purchase, Quote, capacity, units_bought

Basis = Literal["cheapest", "literal"]
BASES: tuple[Basis, ...] = ("cheapest", "literal")
DEFAULT_BASIS: Basis = "cheapest"
NEXT_MONTHS = 12
VALID_DAYS = 30  # a quote sheet is valid 30 days after its issue day unless set otherwise


def term_text(months: int, lang: str) -> str:
    """'1 个月' / '1 month', '12 months'."""
    return t("quote.row_month_one" if months == 1 else "quote.row_months_value", lang, months=months)


def other_basis(basis: Basis) -> Basis:
    return "literal" if basis == "cheapest" else "cheapest"


def basis_purchases(q: Quote, basis: Basis) -> tuple[Purchase, ...]:
    """The purchases of packs on ``basis`` (none when no pack is needed)."""
    if basis == "cheapest":
        return q.cheapest.purchases
    return (q.purchase,) if q.purchase.units else ()


@dataclass(frozen=True)
class Summary:
    """A quote on one basis: upfront · monthly · first term · next 12 months, and the alternative."""

    quote: Quote
    basis: Basis
    purchases: tuple[Purchase, ...]
    capacity: int
    # money in exact yuan: paid once, paid every month, the first term, the 12 months after it
    one_time: Decimal
    recurring_monthly: Decimal
    first_term_total: Decimal
    next_12_months: Decimal
    alternative_total: Decimal  # the first term on the other basis

    @property
    def pack_units(self) -> int:
        return units_bought(self.purchases)

    @property
    def alternative_basis(self) -> Basis:
        return other_basis(self.basis)

    @property
    def alternative_difference(self) -> Decimal:
        """How much more the alternative costs than the headline (negative: it costs less)."""
        return self.alternative_total - self.first_term_total

    @property
    def has_alternative(self) -> bool:
        """The other basis costs something else: worth showing beside the headline."""
        return self.alternative_difference != 0

    @property
    def monthly_equivalent(self) -> Decimal:
        return quantize_fen(self.first_term_total / self.quote.months)

    @property
    def cost_per_thousand(self) -> Decimal | None:
        """First-term total per 1,000 users per month; None for zero users."""
        if self.quote.users == 0:
            return None
        return quantize_fen(self.first_term_total * 1000 / (self.quote.months * self.quote.users))


def summarize(q: Quote, basis: Basis = DEFAULT_BASIS) -> Summary:
    """The quote ``q`` as bought on ``basis``."""
    purchases = basis_purchases(q, basis)
    one_time = sum((p.fee for p in purchases), Decimal(0))
    alternative = sum((p.fee for p in basis_purchases(q, other_basis(basis))), Decimal(0))
    monthly = q.tariff.monthly_fee
    return Summary(
        quote=q,
        basis=basis,
        purchases=purchases,
        one_time=one_time,
        recurring_monthly=monthly,
        first_term_total=q.base_fee + one_time,
        next_12_months=monthly * NEXT_MONTHS,
        capacity=capacity(q.tariff, q.held_units + units_bought(purchases)),
        alternative_total=q.base_fee + alternative,
    )


def summary_json(s: Summary) -> dict[str, object]:
    """The summary's keys in ``quote --json`` (yuan, exact)."""
    return {
        "basis": s.basis,
        "one_time": s.one_time,
        "recurring_monthly": s.recurring_monthly,
        "first_term_total": s.first_term_total,
        "next_12_months": s.next_12_months,
    }


@dataclass(frozen=True)
class SheetInfo:
    """What makes a quote a document: who it is for, who prepared it, its number and validity."""

    issued: dt.date
    valid_until: dt.date
    customer: str = ""
    prepared_by: str = ""


MAX_NAME_CHARS = 80


def clean_name(text: str) -> str:
    """A customer or preparer name as one line of at most 80 characters."""
    return " ".join(text.split())[:MAX_NAME_CHARS]


def sheet_info(issued: dt.date, valid_until: dt.date | None = None, customer: str = "",
               prepared_by: str = "") -> SheetInfo:
    """Sheet details; valid until 30 days after the issue day unless given (never before it)."""
    until = valid_until if valid_until is not None else issued + dt.timedelta(days=VALID_DAYS)
    return SheetInfo(issued, max(until, issued), clean_name(customer), clean_name(prepared_by))


def quote_number(s: Summary, info: SheetInfo, start: dt.date | None = None) -> str:
    """'Q-20261130-3F9A1C': the issue day and a digest of the inputs; stable for the same ones."""
    q = s.quote
    tariff = q.tariff
    key = "|".join(str(part) for part in (
        q.users, q.months, q.held_units, s.basis, start or "", tariff.name, tariff.version,
        tariff.monthly_fee, tuple((tier.max_units, tier.unit_price) for tier in tariff.tiers),
        info.customer,
    ))
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:6].upper()
    return f"Q-{info.issued:%Y%m%d}-{digest}"
