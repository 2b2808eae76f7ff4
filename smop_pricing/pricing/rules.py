"""The pricing engine: R1-R3, R9 and R10 of docs/rules.md.

Scalar functions return Decimal; the cover table and the vectorized kernels work
in integer fen (numpy int64) and convert at the edges.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
from dateutil.relativedelta import relativedelta

from smop_pricing.errors import InputError
from smop_pricing.money import ZERO, from_fen, to_fen
from smop_pricing.pricing.tariff import Tariff
from smop_pricing.validation import (
    MAX_HELD_UNITS,
    MAX_MONTHS,
    MAX_NEED_UNITS,
    MAX_TERM_MONTHS,
    MAX_USERS,
    whole_value,
)

__all__ = ("MAX_HELD_UNITS", "MAX_MONTHS", "MAX_NEED_UNITS", "MAX_TERM_MONTHS", "MAX_USERS")  # limits: validation.py

IntArray = npt.NDArray[np.int64]


check_whole = whole_value  # the engine's inputs: ints within bounds (validation.whole_value)


def units_needed(tariff: Tariff, users: int, held_units: int = 0) -> int:
    """Units to buy so that capacity covers ``users`` (R2, R3)."""
    short = users - tariff.included_users - held_units * tariff.pack_users
    if short <= 0:
        return 0
    return -(-short // tariff.pack_users)


def units_needed_vector(tariff: Tariff, users: IntArray, held_units: IntArray | int = 0) -> IntArray:
    """:func:`units_needed` for arrays of users and held units (the same rule, vectorized)."""
    short = users - tariff.included_users - np.asarray(held_units, dtype=np.int64) * tariff.pack_users
    return np.where(short > 0, -(-short // tariff.pack_users), 0).astype(np.int64, copy=False)


def capacity(tariff: Tariff, units_in_effect: int) -> int:
    """R3: included users plus one pack's users per unit in effect."""
    return tariff.included_users + units_in_effect * tariff.pack_users


def capacity_vector(tariff: Tariff, units_in_effect: IntArray) -> IntArray:
    """:func:`capacity` for an array of units in effect."""
    return np.asarray(tariff.included_users + units_in_effect * tariff.pack_users, dtype=np.int64)


def need_users(tariff: Tariff, need_from: int, need_to: int) -> tuple[int, int]:
    """The users (first, last) whose need is ``need_from`` .. ``need_to`` units (no units held)."""
    return capacity(tariff, need_from - 1) + 1, capacity(tariff, need_to)


def base_fee(tariff: Tariff, months: int) -> Decimal:
    """R1: the standard edition's fee for ``months`` months, prepaid."""
    return tariff.monthly_fee * months


def purchase_fee(tariff: Tariff, units: int) -> Decimal:
    """The fee of ONE purchase of ``units`` units, in the tariff's mode."""
    return make_purchase(tariff, units).fee


def divide_half_up(numerator: Any, denominator: Any) -> Any:
    """``numerator / denominator`` rounded half up to a whole number, for ints or int64 arrays.

    The one rounding of every derived price (a purchase's unit price, per month, per 1,000
    users): in fen, half up, as a bill rounds. Both arguments are positive (or zero on top).
    """
    return (2 * numerator + denominator) // (2 * denominator)


def unit_price(fee: Decimal, units: int) -> Decimal:
    """The unit price of one purchase: its fee over its units, rounded half up to the fen; 0 for none.

    Under volume pricing this is the tier price exactly; under graduated pricing the average.
    """
    if units <= 0:
        return ZERO
    return from_fen(divide_half_up(to_fen(fee), units))


def unit_price_fen(fee_fen: IntArray, units: IntArray) -> IntArray:
    """:func:`unit_price` in fen for arrays of fees (fen) and units."""
    return np.where(units > 0, divide_half_up(fee_fen, np.maximum(units, 1)), 0).astype(np.int64, copy=False)


def per_month(total: Decimal, months: int) -> Decimal:
    """A term's total as the cost of one month, rounded half up to the fen."""
    return from_fen(divide_half_up(to_fen(total), months))


def per_thousand(total: Decimal, months: int, users: int) -> Decimal | None:
    """A term's total per 1,000 users per month, rounded half up to the fen; None for zero users."""
    if users <= 0:
        return None
    return from_fen(divide_half_up(to_fen(total) * 1000, months * users))


def per_thousand_fen(total_fen: IntArray, months: IntArray, users: IntArray) -> IntArray:
    """:func:`per_thousand` in fen for arrays (0 where there are no users)."""
    divisor = np.maximum(months * users, 1)
    return np.where(users > 0, divide_half_up(total_fen * 1000, divisor), 0).astype(np.int64, copy=False)


@dataclass(frozen=True)
class TierPart:
    """Units of one purchase priced at one tier's price (the tier price)."""

    tier_index: int
    units: int
    tier_price: Decimal

    @property
    def fee(self) -> Decimal:
        return self.tier_price * self.units


@dataclass(frozen=True)
class Purchase:
    """One pack purchase: its size, the parts priced per tier, and its fee (the sum of the parts' fees).

    Made by :func:`make_purchase`, which prices the parts and sums them once.
    """

    units: int
    parts: tuple[TierPart, ...]
    fee: Decimal

    @property
    def unit_price(self) -> Decimal:
        """The purchase's unit price (:func:`unit_price`): the tier price, or the graduated average."""
        return unit_price(self.fee, self.units)


def make_purchase(tariff: Tariff, units: int) -> Purchase:
    """Break one purchase into its priced parts (one part in volume mode)."""
    if units <= 0:
        return Purchase(0, (), ZERO)
    if tariff.tier_mode == "volume":
        index = tariff.tier_index(units)
        price = tariff.tiers[index].unit_price
        return Purchase(units, (TierPart(index, units, price),), price * units)
    parts: list[TierPart] = []
    for index, tier in enumerate(tariff.tiers):
        lower = tariff.tier_lower(index)
        if units < lower:
            break
        upper = units if tier.max_units is None else min(units, tier.max_units)
        parts.append(TierPart(index, upper - lower + 1, tier.unit_price))
    return Purchase(units, tuple(parts), sum((part.fee for part in parts), ZERO))


def fee_table_fen(tariff: Tariff, upto: int) -> IntArray:
    """Fee in fen of one purchase of m units, for m = 0 .. upto, vectorized."""
    m = np.arange(upto + 1, dtype=np.int64)
    prices = np.array([to_fen(t.unit_price) for t in tariff.tiers], dtype=np.int64)
    if tariff.tier_mode == "volume":
        bounds = np.array([t.max_units for t in tariff.tiers[:-1]], dtype=np.int64)
        tier_of = np.searchsorted(bounds, m, side="left")
        return np.asarray(m * prices[tier_of], dtype=np.int64)
    fees = np.zeros(upto + 1, dtype=np.int64)
    for position, tier in enumerate(tariff.tiers):
        lower = tariff.tier_lower(position)
        top = upto if tier.max_units is None else tier.max_units
        in_tier = np.clip(np.minimum(m, top) - lower + 1, 0, None)
        fees += in_tier * prices[position]
    return fees


@dataclass(frozen=True)
class CoverTable:
    """For every need k in 0..size: the cheapest cost (fen) of purchases covering >= k units.

    ``single[k]`` is the size of the one purchase that does it, or 0 when the optimum
    splits: then ``split[k]`` is the size of one purchase and the rest covers k - split[k].
    """

    cost_fen: IntArray
    single: IntArray
    split: IntArray
    units: IntArray

    @property
    def size(self) -> int:
        return len(self.cost_fen) - 1

    def plan(self, need: int) -> tuple[int, ...]:
        """The purchase sizes (largest first) of the cheapest cover of ``need`` units."""
        sizes: list[int] = []
        k = need
        while k > 0:
            if self.single[k] > 0:
                sizes.append(int(self.single[k]))
                break
            m = int(self.split[k])
            sizes.append(m)
            k -= m
        return tuple(sorted(sizes, reverse=True))


def _build_cover_table(tariff: Tariff, size: int) -> CoverTable:
    # A single purchase of m >= k units costs at least the cheapest such m; past the
    # start of the open tier the fee only grows, so m <= max(k, open tier start).
    top = max(size, tariff.open_tier_start)
    fees = fee_table_fen(tariff, top)
    best_single = np.empty(top + 2, dtype=np.int64)
    arg_single = np.zeros(top + 2, dtype=np.int64)
    best_single[top + 1] = np.iinfo(np.int64).max
    for m in range(top, 0, -1):
        if fees[m] <= best_single[m + 1]:
            best_single[m], arg_single[m] = fees[m], m
        else:
            best_single[m], arg_single[m] = best_single[m + 1], arg_single[m + 1]
    cost = np.zeros(size + 1, dtype=np.int64)
    single = np.zeros(size + 1, dtype=np.int64)
    split = np.zeros(size + 1, dtype=np.int64)
    units = np.zeros(size + 1, dtype=np.int64)
    for k in range(1, size + 1):
        cost[k], single[k] = best_single[k], arg_single[k]
        if k > 1:
            # one purchase of m < k units, the rest covering k - m at its own optimum
            combos = fees[1:k] + cost[k - 1 : 0 : -1]
            j = int(np.argmin(combos))
            if combos[j] < cost[k]:
                cost[k], single[k], split[k] = combos[j], 0, j + 1
        units[k] = single[k] if single[k] else split[k] + units[k - split[k]]
    for array in (cost, single, split, units):
        array.setflags(write=False)
    return CoverTable(cost, single, split, units)


@lru_cache(maxsize=64)
def _cached_cover_table(tariff: Tariff, size: int) -> CoverTable:
    # A memo of a pure function of immutable inputs: it holds no session's data.
    return _build_cover_table(tariff, size)


def cover_table(tariff: Tariff, need: int) -> CoverTable:
    """A cover table reaching at least ``need`` units (sizes rounded up to reuse memos)."""
    if need > MAX_NEED_UNITS:
        raise InputError("users", need, "too_many_units", maximum=f"{MAX_NEED_UNITS:,}")
    size = 64
    while size < need:
        size *= 2
    return _cached_cover_table(tariff, min(size, max(need, MAX_NEED_UNITS)))


def units_bought(purchases: Sequence[Purchase]) -> int:
    """Pack units bought by ``purchases`` together."""
    return sum(p.units for p in purchases)


@dataclass(frozen=True)
class CoverPlan:
    """The cheapest set of purchases covering a need, and what it gives."""

    purchases: tuple[Purchase, ...]
    capacity: int

    @property
    def units(self) -> int:
        return units_bought(self.purchases)

    @property
    def fee(self) -> Decimal:
        return sum((p.fee for p in self.purchases), ZERO)


def cheapest_cover(tariff: Tariff, need: int, held_units: int = 0) -> CoverPlan:
    """R9: the true minimum cost of any set of purchases covering ``need`` units."""
    if need <= 0:
        return CoverPlan((), capacity(tariff, held_units))
    sizes = cover_table(tariff, need).plan(need)
    purchases = tuple(make_purchase(tariff, m) for m in sizes)
    return CoverPlan(purchases, capacity(tariff, held_units + sum(sizes)))


@dataclass(frozen=True)
class Quote:
    """N users for M months with H units already held: the literal and cheapest purchases."""

    tariff: Tariff
    users: int
    months: int
    held_units: int
    base_fee: Decimal
    purchase: Purchase
    cheapest: CoverPlan

    @property
    def total(self) -> Decimal:
        return self.base_fee + self.purchase.fee

    @property
    def pack_fee(self) -> Decimal:
        return self.purchase.fee

    @property
    def capacity(self) -> int:
        return capacity(self.tariff, self.held_units + self.purchase.units)

    @property
    def cheapest_total(self) -> Decimal:
        return self.base_fee + self.cheapest.fee

    @property
    def saving(self) -> Decimal:
        return self.purchase.fee - self.cheapest.fee

    @property
    def has_cheaper(self) -> bool:
        return self.saving > 0

    @property
    def monthly_equivalent(self) -> Decimal:
        return per_month(self.total, self.months)

    @property
    def cost_per_thousand(self) -> Decimal | None:
        """Literal total per 1,000 users per month; None for zero users."""
        return per_thousand(self.total, self.months, self.users)

    @property
    def over_quota_users(self) -> int:
        return max(0, self.users - self.capacity)


def quote(tariff: Tariff, users: int, months: int = 1, held_units: int = 0) -> Quote:
    """Price ``users`` for ``months`` with ``held_units`` already held (R1, R2, R9)."""
    check_whole("users", users, 0, MAX_USERS)
    check_whole("months", months, 1, MAX_MONTHS)
    check_whole("held_units", held_units, 0, MAX_HELD_UNITS)
    need = units_needed(tariff, users, held_units)
    return Quote(
        tariff=tariff,
        users=users,
        months=months,
        held_units=held_units,
        base_fee=base_fee(tariff, months),
        purchase=make_purchase(tariff, need),
        cheapest=cheapest_cover(tariff, need, held_units),
    )


def overpay_fen(tariff: Tariff, max_need: int) -> IntArray:
    """For needs 0..``max_need``: the literal purchase's fee minus the cheapest cover's (fen)."""
    literal = fee_table_fen(tariff, max_need)
    cheapest = cover_table(tariff, max_need).cost_fen[: max_need + 1]
    return np.asarray(literal - cheapest, dtype=np.int64)


@dataclass(frozen=True)
class Cliff:
    """R9 (a cliff): needs ``need_from``..``need_to`` whose cheapest cover, ``plan``, beats the literal purchase.

    ``worst_need`` is the first need of the run where the literal purchase overpays the most,
    ``max_overpay`` that overpay; ``literal_fee`` the literal purchase's fee there.
    """

    need_from: int
    need_to: int
    plan: tuple[int, ...]
    plan_fee: Decimal
    worst_need: int
    literal_fee: Decimal
    max_overpay: Decimal

    @property
    def units(self) -> int:
        return sum(self.plan)


def cliff_runs(tariff: Tariff, max_need: int) -> tuple[Cliff, ...]:
    """R9 cliffs: the runs of needs 1..``max_need`` sharing one cheapest plan that beats the literal purchase."""
    table = cover_table(tariff, max_need)
    literal = fee_table_fen(tariff, max_need)
    over = literal - table.cost_fen[: max_need + 1]
    runs: list[Cliff] = []
    start = 0
    plan: tuple[int, ...] = ()
    for need in range(1, max_need + 2):
        this = table.plan(need) if need <= max_need and over[need] > 0 else ()
        if start and this != plan:
            worst = start + int(np.argmax(over[start:need]))
            runs.append(Cliff(
                start, need - 1, plan, from_fen(int(table.cost_fen[start])),
                worst, from_fen(int(literal[worst])), from_fen(int(over[worst])),
            ))
            start = 0
        if this and not start:
            start, plan = need, this
    return tuple(runs)


def term_end(start: dt.date, months: int) -> dt.date:
    """R4: ``start`` + ``months`` calendar months, clamped to the month's end (the expiry day)."""
    return start + relativedelta(months=months)


def reclamation_day(expiry: dt.date, grace_months: int) -> dt.date:
    """R5: the day a lapsed service's data is reclaimed, ``grace_months`` calendar months after expiry."""
    return expiry + relativedelta(months=grace_months)


def term_dates(start: dt.date, months: int, tariff: Tariff) -> tuple[dt.date, dt.date]:
    """R4, R5: (expiry, reclamation) of a term of ``months`` bought on ``start``.

    The expiry day is ``start`` + ``months`` calendar months, clamped to the month's end
    (2024-01-31 + 1 month = 2024-02-29); service stops on it. Reclamation comes
    ``tariff.grace_months`` calendar months after the expiry day.
    """
    check_whole("months", months, 1, MAX_MONTHS)
    expiry = term_end(start, months)
    return expiry, reclamation_day(expiry, tariff.grace_months)


def last_renewal_day(reclamation: dt.date) -> dt.date:
    """R5: the last day a renewal still finds the data (renewal is refused from reclamation on)."""
    return reclamation - dt.timedelta(days=1)
