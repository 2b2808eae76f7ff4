"""Audit of the published billing page: every printed figure, recomputed by the engine.

The page's figures are data (``data/page_figures.toml``); each one names a check here
that computes the same figure from a tariff. :func:`audit` runs every check on the tariff
under review and on the published tariff, and says for each figure whether the page and
the engine agree and why (texts in ``data/i18n/audit.toml``: ``item_<id>``, ``why_<id>``).

E3 runs through the lifecycle simulator (docs/rules.md R4, R5): the page's lapse example is a
scenario, and the audit reads its expiry, stopped days, renewal and reclamation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any, cast

import pandas as pd
from dateutil.relativedelta import relativedelta

from smop_pricing.i18n import t
from smop_pricing.lifecycle.engine import simulate
from smop_pricing.lifecycle.model import Event, Scenario
from smop_pricing.money import group, quantize_fen
from smop_pricing.pricing.rules import (
    MAX_NEED_UNITS,
    base_fee,
    capacity,
    cheapest_cover,
    make_purchase,
    term_dates,
    units_needed,
)
from smop_pricing.pricing.tariff import Tariff, published_tariff
from smop_pricing.quote.report import plan_formula, purchase_formula
from smop_pricing.review.figures import (
    PRICE_USERS,
    AuditRow,
    Examples,
    Figure,
    PageData,
    PageFigure,
    Param,
    Reason,
    page_data,
)

# --- the engine's figures -------------------------------------------------------------------------


@dataclass(frozen=True)
class Computed:
    """A check's result: the figure and the parameters of its explanation."""

    figure: Figure
    params: Mapping[str, Param] = field(default_factory=dict)
    why_key: str | None = None
    extra: tuple[Reason, ...] = ()


Check = Callable[[Tariff, PageData], Computed]


def _reason(key: str, params: Mapping[str, Param]) -> Reason:
    return Reason(key, tuple(sorted(params.items())))


def _money(value: Decimal) -> Figure:
    return Figure("money", value)


def _users(value: int) -> Figure:
    return Figure("users", value)


def _per_price_users(tariff: Tariff, price: Decimal) -> Decimal:
    return quantize_fen(price * PRICE_USERS / tariff.pack_users)


def _units_text(tariff: Tariff, index: int) -> str:
    lower = tariff.tier_lower(index)
    upper = tariff.tiers[index].max_units
    if upper is None:
        return f"{lower:,}+"
    return f"{lower:,}" if upper == lower else f"{lower:,}–{upper:,}"


def _page_tier(tariff: Tariff, page: PageData, number: int) -> int:
    """Our tier holding the first purchase size of the page's tier ``number``."""
    lower_users = cast(tuple[int, int | None], page.figure(f"tier{number}_range").figure.value)[0]
    return tariff.tier_index(lower_users // tariff.pack_users + 1)


def _tier_params(tariff: Tariff, index: int) -> dict[str, Param]:
    return {
        "tier": str(index + 1),
        "units": _units_text(tariff, index),
        "pack": f"{tariff.pack_users:,}",
        "price": group(tariff.tiers[index].unit_price),
        "mode": tariff.tier_mode,
    }


def _tier_range(number: int) -> Check:
    def check(tariff: Tariff, page: PageData) -> Computed:
        index = _page_tier(tariff, page, number)
        lower = (tariff.tier_lower(index) - 1) * tariff.pack_users
        upper = tariff.tiers[index].max_units
        value = (lower, None if upper is None else upper * tariff.pack_users)
        return Computed(Figure("range", value), _tier_params(tariff, index), "audit.why_tier_range")

    return check


def _tier_price(number: int) -> Check:
    def check(tariff: Tariff, page: PageData) -> Computed:
        index = _page_tier(tariff, page, number)
        price = _per_price_users(tariff, tariff.tiers[index].unit_price)
        return Computed(Figure("price", price), _tier_params(tariff, index), "audit.why_tier_price")

    return check


def _total(tariff: Tariff, users: int, months: int) -> tuple[Decimal, str]:
    """The literal total for ``users`` over ``months`` and its formula (no cheapest-cover search)."""
    purchase = make_purchase(tariff, units_needed(tariff, users))
    total = base_fee(tariff, months) + purchase.fee
    formula = f"{group(tariff.monthly_fee)} × {months}"
    if purchase.units == 0:
        return total, f"{formula} = {group(total)}"
    return total, f"{formula} + {purchase_formula(purchase)} → {group(total)}"


def _check_monthly_fee(tariff: Tariff, page: PageData) -> Computed:
    return Computed(_money(tariff.monthly_fee), {"fee": group(tariff.monthly_fee)})


def _check_included_users(tariff: Tariff, page: PageData) -> Computed:
    return Computed(_users(tariff.included_users), {"users": f"{tariff.included_users:,}"})


def _check_pack_users(tariff: Tariff, page: PageData) -> Computed:
    return Computed(_users(tariff.pack_users), {"users": f"{tariff.pack_users:,}"})


def _check_tier_mode(tariff: Tariff, page: PageData) -> Computed:
    return Computed(Figure("mode", tariff.tier_mode), {"mode": tariff.tier_mode})


def _check_e1_fee(tariff: Tariff, page: PageData) -> Computed:
    users = page.examples.e1_limit_users
    total, formula = _total(tariff, users, 1)
    return Computed(_money(total), {"users": f"{users:,}", "formula": formula})


def _check_e1_total(tariff: Tariff, page: PageData) -> Computed:
    users, months = page.examples.e1_users, page.examples.e1_months
    total, formula = _total(tariff, users, months)
    return Computed(_money(total), {"users": f"{users:,}", "months": str(months), "formula": formula})


def _check_first_blocked_user(tariff: Tariff, page: PageData) -> Computed:
    first = tariff.included_users + 1
    return Computed(_users(first), {"included": f"{tariff.included_users:,}", "first": f"{first:,}"})


def _check_lock_days(tariff: Tariff, page: PageData) -> Computed:
    days = tariff.over_quota_lock_days
    return Computed(Figure("days", days), {"days": str(days)})


def _e2(tariff: Tariff, page: PageData) -> tuple[int, int]:
    users = page.examples.e2_users
    return users, units_needed(tariff, users)


def _check_e2_pack_users(tariff: Tariff, page: PageData) -> Computed:
    users, need = _e2(tariff, page)
    short = max(0, users - tariff.included_users)
    return Computed(
        _users(need * tariff.pack_users),
        {
            "users": f"{users:,}",
            "included": f"{tariff.included_users:,}",
            "short": f"{short:,}",
            "pack": f"{tariff.pack_users:,}",
            "units": f"{need:,}",
            "added": f"{need * tariff.pack_users:,}",
        },
    )


def _check_e2_rate(tariff: Tariff, page: PageData) -> Computed:
    _, need = _e2(tariff, page)
    purchase = make_purchase(tariff, need)
    return Computed(
        Figure("price", _per_price_users(tariff, purchase.unit_price)),
        {"units": f"{need:,}", "formula": purchase_formula(purchase), "mode": tariff.tier_mode},
    )


def _check_e2_pack_fee(tariff: Tariff, page: PageData) -> Computed:
    _, need = _e2(tariff, page)
    purchase = make_purchase(tariff, need)
    extra: tuple[Reason, ...] = ()
    if need > MAX_NEED_UNITS:  # beyond the engine's cover search: say nothing about a cheaper purchase
        return Computed(_money(purchase.fee), {"formula": purchase_formula(purchase)})
    plan = cheapest_cover(tariff, need)
    saving = purchase.fee - plan.fee
    if saving > 0:
        extra = (
            _reason(
                "audit.why_cheaper",
                {
                    "plan": plan_formula(plan.purchases),
                    "units": f"{plan.units:,}",
                    "capacity": f"{plan.capacity:,}",
                    "saving": _money(saving),
                },
            ),
        )
    return Computed(_money(purchase.fee), {"formula": purchase_formula(purchase)}, extra=extra)


def _check_e2_capacity(tariff: Tariff, page: PageData) -> Computed:
    _, need = _e2(tariff, page)
    total = capacity(tariff, need)
    return Computed(
        _users(total),
        {
            "included": f"{tariff.included_users:,}",
            "units": f"{need:,}",
            "pack": f"{tariff.pack_users:,}",
            "capacity": f"{total:,}",
        },
    )


def _check_e2_edition(tariff: Tariff, page: PageData) -> Computed:
    return Computed(Figure("edition", "standard"), {"fee": group(tariff.monthly_fee)})


def _check_grace_months(tariff: Tariff, page: PageData) -> Computed:
    return Computed(Figure("months", tariff.grace_months), {"months": str(tariff.grace_months)})


@dataclass(frozen=True)
class E3Dates:
    """docs/rules.md E3 under a tariff, as the lifecycle simulator runs it.

    ``reclamation`` is the day the first term's data would be reclaimed without a renewal;
    ``resumed`` the day service came back (None when the renewal was refused).
    """

    start: dt.date
    expiry: dt.date
    renewal: dt.date
    reclamation: dt.date
    restored: bool
    resumed: dt.date | None
    new_expiry: dt.date | None

    @property
    def last_stopped(self) -> dt.date:
        return (self.resumed or self.reclamation) - dt.timedelta(days=1)


def e3_dates(tariff: Tariff, examples: Examples | None = None) -> E3Dates:
    """Simulate E3: a term bought on the start day, then a renewal on the page's renewal day."""
    ex = examples or page_data().examples
    scenario = Scenario(
        start=ex.e3_start,
        months=ex.e3_term_months,
        until=ex.e3_renewal + relativedelta(months=ex.e3_renewal_months, days=1),
        users=0,
        events=(Event(ex.e3_renewal, "renew", months=ex.e3_renewal_months),),
    )
    result = simulate(scenario, tariff)
    expiry, reclamation = term_dates(ex.e3_start, ex.e3_term_months, tariff)
    renewal = next((e for e in result.ledger if e.item == "renew" and e.date == ex.e3_renewal), None)
    resumed = next(
        (p.start for p in result.periods if p.state == "active" and expiry < p.start <= ex.e3_renewal), None
    )
    return E3Dates(
        start=ex.e3_start,
        expiry=expiry,
        renewal=ex.e3_renewal,
        reclamation=reclamation,
        restored=renewal is not None,
        resumed=resumed,
        new_expiry=renewal.expiry if renewal is not None else None,
    )


def _e3_params(tariff: Tariff, dates: E3Dates, page: PageData) -> dict[str, Param]:
    return {
        "start": dates.start.isoformat(),
        "term": str(page.examples.e3_term_months),
        "expiry": dates.expiry.isoformat(),
        "renewal": dates.renewal.isoformat(),
        "months": str(page.examples.e3_renewal_months),
        "last": dates.last_stopped.isoformat(),
        "grace": str(tariff.grace_months),
        "reclamation": dates.reclamation.isoformat(),
        "new_expiry": dates.new_expiry.isoformat() if dates.new_expiry else "—",
    }


def _check_e3_expiry(tariff: Tariff, page: PageData) -> Computed:
    dates = e3_dates(tariff, page.examples)
    return Computed(Figure("date", dates.expiry), _e3_params(tariff, dates, page))


def _check_e3_stopped(tariff: Tariff, page: PageData) -> Computed:
    dates = e3_dates(tariff, page.examples)
    params = _e3_params(tariff, dates, page)
    if dates.restored:
        return Computed(Figure("period", (dates.expiry, dates.resumed)), params)
    return Computed(Figure("period", (dates.expiry, None)), params, "audit.why_e3_refused")


def _check_e3_restored(tariff: Tariff, page: PageData) -> Computed:
    dates = e3_dates(tariff, page.examples)
    params = _e3_params(tariff, dates, page)
    if dates.restored:
        return Computed(Figure("yesno", True), params)
    return Computed(Figure("yesno", False), params, "audit.why_e3_refused")


def _check_e3_renewal_start(tariff: Tariff, page: PageData) -> Computed:
    dates = e3_dates(tariff, page.examples)
    params = _e3_params(tariff, dates, page)
    if dates.restored:
        return Computed(Figure("date", dates.resumed), params)
    return Computed(Figure("date", None), params, "audit.why_e3_refused")


CHECKS: Mapping[str, Check] = MappingProxyType({
    "monthly_fee": _check_monthly_fee,
    "included_users": _check_included_users,
    "pack_users": _check_pack_users,
    "tier1_range": _tier_range(1),
    "tier1_price": _tier_price(1),
    "tier2_range": _tier_range(2),
    "tier2_price": _tier_price(2),
    "tier3_range": _tier_range(3),
    "tier3_price": _tier_price(3),
    "tier_mode": _check_tier_mode,
    "e1_fee": _check_e1_fee,
    "e1_total": _check_e1_total,
    "first_blocked_user": _check_first_blocked_user,
    "lock_days": _check_lock_days,
    "e2_pack_users": _check_e2_pack_users,
    "e2_rate": _check_e2_rate,
    "e2_pack_fee": _check_e2_pack_fee,
    "e2_capacity": _check_e2_capacity,
    "e2_edition": _check_e2_edition,
    "renewal_fee": _check_monthly_fee,
    "grace_months": _check_grace_months,
    "e3_expiry": _check_e3_expiry,
    "e3_stopped": _check_e3_stopped,
    "e3_restored": _check_e3_restored,
    "e3_renewal_start": _check_e3_renewal_start,
})


def _row(item: PageFigure, tariff: Tariff, published: Tariff, page: PageData) -> AuditRow:
    check = CHECKS[item.id]
    ours = check(tariff, page)
    base = ours if tariff == published else check(published, page)
    agrees = ours.figure == item.figure
    reasons: list[Reason] = []
    if not agrees and item.slip is not None:
        reasons.append(_reason(f"audit.slip_{item.slip}", {**base.params, "page": item.figure}))
    if ours.figure != base.figure:
        reasons.append(_reason("audit.whatif", {"published": base.figure}))
    if not (reasons and ours.figure == base.figure):
        # a slip's own sentence already says how the figure is computed
        reasons.append(_reason(ours.why_key or f"audit.why_{item.id}", ours.params))
    reasons.extend(ours.extra)
    if not agrees and item.slip is None and ours.figure == base.figure:
        reasons.append(Reason("audit.unexplained"))
    return AuditRow(
        id=item.id,
        section=item.section,
        quote=item.quote,
        page_figure=item.figure,
        our_figure=ours.figure,
        published_figure=base.figure,
        agrees=agrees,
        slip=item.slip,
        reasons=tuple(reasons),
        derived=item.derived,
    )


def audit(tariff: Tariff | None = None) -> tuple[AuditRow, ...]:
    """Every figure of the page, recomputed under ``tariff`` (default: the published one)."""
    published = published_tariff()
    page = page_data()
    return tuple(_row(item, tariff or published, published, page) for item in page.figures)


AUDIT_COLUMNS = ("section", "item", "quote", "page", "ours", "agrees", "why")


def audit_frame(rows: tuple[AuditRow, ...], lang: str) -> pd.DataFrame:
    """The audit as a table in ``lang`` (see AUDIT_COLUMNS); ``agrees`` is a bool column."""
    records: list[dict[str, Any]] = [
        {
            "section": t(f"audit.section_{row.section}", lang),
            "item": row.item(lang),
            "quote": row.quote,
            "page": row.page_figure.format(lang),
            "ours": row.our_figure.format(lang),
            "agrees": row.agrees,
            "why": row.why(lang),
        }
        for row in rows
    ]
    return pd.DataFrame.from_records(records, columns=list(AUDIT_COLUMNS))
