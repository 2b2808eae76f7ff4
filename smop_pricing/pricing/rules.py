"""The pricing engine: R1-R3, R9 and R10 of docs/rules.md.

Scalar functions return Decimal; the cover table and the vectorized kernels work
in integer fen (numpy int64) and convert at the edges.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from dateutil.relativedelta import relativedelta

from smop_pricing.errors import InputError
from smop_pricing.money import ZERO, from_fen, quantize_fen, to_fen
from smop_pricing.pricing.tariff import Tariff
from smop_pricing.validation import MAX_HELD_UNITS, MAX_MONTHS, MAX_NEED_UNITS, MAX_TERM_MONTHS, MAX_USERS

__all__ = ("MAX_HELD_UNITS", "MAX_MONTHS", "MAX_NEED_UNITS", "MAX_TERM_MONTHS", "MAX_USERS")  # limits: validation.py

IntArray = npt.NDArray[np.int64]


def check_whole(field: str, value: object, minimum: int, maximum: int) -> int:
    """Return ``value`` as an int when it is a whole number within bounds."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(field, value, "whole_number", minimum=f"{minimum:,}", maximum=f"{maximum:,}")
    if value < minimum or value > maximum:
        raise InputError(field, value, "range", minimum=f"{minimum:,}", maximum=f"{maximum:,}")
    return value


def units_needed(tariff: Tariff, users: int, held_units: int = 0) -> int:
    """Pack units to buy so that capacity covers ``users`` (R2, R3)."""
    short = users - tariff.included_users - held_units * tariff.pack_users
    if short <= 0:
        return 0
    return -(-short // tariff.pack_users)


def capacity(tariff: Tariff, units_in_effect: int) -> int:
    """R3: included users plus one pack's users per unit in effect."""
    return tariff.included_users + units_in_effect * tariff.pack_users


def purchase_fee(tariff: Tariff, units: int) -> Decimal:
    """The fee of ONE purchase of ``units`` units, in the tariff's mode."""
    if units <= 0:
        return ZERO
    if tariff.tier_mode == "volume":
        return tariff.tiers[tariff.tier_index(units)].unit_price * units
    total = ZERO
    for index, tier in enumerate(tariff.tiers):
        lower = tariff.tier_lower(index)
        if units < lower:
            break
        upper = units if tier.max_units is None else min(units, tier.max_units)
        total += tier.unit_price * (upper - lower + 1)
    return total


@dataclass(frozen=True)
class TierPart:
    """Units of one purchase priced at one tier's unit price."""

    tier_index: int
    units: int
    unit_price: Decimal

    @property
    def fee(self) -> Decimal:
        return self.unit_price * self.units


@dataclass(frozen=True)
class Purchase:
    """One pack purchase: its size, the parts priced per tier, and its fee."""

    units: int
    parts: tuple[TierPart, ...]

    @property
    def fee(self) -> Decimal:
        return sum((p.fee for p in self.parts), ZERO)

    @property
    def rate(self) -> Decimal:
        """Unit price (volume) or the average price per unit (graduated); 0 when empty."""
        if self.units == 0:
            return ZERO
        if len(self.parts) == 1:
            return self.parts[0].unit_price
        return quantize_fen(self.fee / self.units)


def make_purchase(tariff: Tariff, units: int) -> Purchase:
    """Break one purchase into its priced parts (one part in volume mode)."""
    if units <= 0:
        return Purchase(0, ())
    if tariff.tier_mode == "volume":
        index = tariff.tier_index(units)
        return Purchase(units, (TierPart(index, units, tariff.tiers[index].unit_price),))
    parts: list[TierPart] = []
    for index, tier in enumerate(tariff.tiers):
        lower = tariff.tier_lower(index)
        if units < lower:
            break
        upper = units if tier.max_units is None else min(units, tier.max_units)
        parts.append(TierPart(index, upper - lower + 1, tier.unit_price))
    return Purchase(units, tuple(parts))


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


@dataclass(frozen=True)
class CoverPlan:
    """The cheapest set of purchases covering a need, and what it gives."""

    purchases: tuple[Purchase, ...]
    capacity: int

    @property
    def units(self) -> int:
        return sum(p.units for p in self.purchases)

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
    def pack_fee(self) -> Decimal:
        return self.purchase.fee

    @property
    def total(self) -> Decimal:
        return self.base_fee + self.purchase.fee

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
        return quantize_fen(self.total / self.months)

    @property
    def cost_per_thousand(self) -> Decimal | None:
        """Literal total per 1,000 users per month; None for zero users."""
        if self.users == 0:
            return None
        return quantize_fen(self.total * 1000 / (self.months * self.users))

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
        base_fee=tariff.monthly_fee * months,
        purchase=make_purchase(tariff, need),
        cheapest=cheapest_cover(tariff, need, held_units),
    )


def cheaper_ranges(tariff: Tariff, max_need: int) -> list[tuple[int, int, tuple[int, ...], Decimal]]:
    """R9 cliffs: runs of needs (lo, hi) whose cheapest cover beats the literal purchase.

    Each run shares one cheapest plan (purchase sizes) and reports the largest saving
    within the run.
    """
    table = cover_table(tariff, max_need)
    literal = fee_table_fen(tariff, max_need)
    runs: list[tuple[int, int, tuple[int, ...], Decimal]] = []
    for need in range(1, max_need + 1):
        saving = int(literal[need] - table.cost_fen[need])
        if saving <= 0:
            continue
        plan = table.plan(need)
        if runs and runs[-1][1] == need - 1 and runs[-1][2] == plan:
            lo, _, _, best = runs[-1]
            runs[-1] = (lo, need, plan, max(best, from_fen(saving)))
        else:
            runs.append((need, need, plan, from_fen(saving)))
    return runs


def term_dates(start: dt.date, months: int, tariff: Tariff) -> tuple[dt.date, dt.date]:
    """R4, R5: (expiry, reclamation) of a term of ``months`` bought on ``start``.

    The expiry day is ``start`` + ``months`` calendar months, clamped to the month's end
    (2024-01-31 + 1 month = 2024-02-29); service stops on it. Reclamation comes
    ``tariff.grace_months`` calendar months after the expiry day.
    """
    check_whole("months", months, 1, MAX_MONTHS)
    expiry = start + relativedelta(months=months)
    return expiry, expiry + relativedelta(months=tariff.grace_months)


def last_renewal_day(reclamation: dt.date) -> dt.date:
    """R5: the last day a renewal still finds the data (renewal is refused from reclamation on)."""
    return reclamation - dt.timedelta(days=1)
