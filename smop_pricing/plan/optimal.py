"""The exact optimum of R11: the purchase schedule with the least present value.

A dynamic programme over months and units bought so far (the units held before the plan
are not counted: they cost nothing here). Month m must end with at least ``need[m]`` units
bought; a month's purchase costs ``batch_fen[k]`` for k units, discounted by
``(1 + r) ** (-m / 12)``.

Two facts keep it small and exact:

- A purchase is only ever made in a month whose need the units already bought do not
  cover: one made earlier can be deferred to the next such month and merged into its
  purchase, which never costs more (a batch's fee is subadditive, and a later payment is
  discounted at least as much). So month m only moves states below ``need[m]`` to states
  at or above it: over the whole horizon the work is about (peak need) x (states).
- No plan needs more than ``peak + open_tier_start`` units: only the last purchase can
  overshoot the peak, and R9's cheapest cover of a need overshoots it by less than the
  start of the open tier (past it the fee only grows).

``batch_fen[k]`` is one purchase's fee when the tariff's unit prices do not rise with size
(volume or graduated: then one purchase of a+b units never costs more than two, as R11 says);
for a what-if tariff whose prices rise, it is the cheapest set of purchases of exactly k units
(split by :func:`batch_sizes`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from smop_pricing.errors import InputError
from smop_pricing.pricing.rules import IntArray, fee_table_fen
from smop_pricing.pricing.tariff import Tariff
from smop_pricing.validation import MAX_NEED_UNITS

FloatArray = npt.NDArray[np.float64]
_CHUNK = 2_000_000  # matrix cells per vectorized step


def prices_fall_with_size(tariff: Tariff) -> bool:
    """True when no tier is dearer per unit than an earlier one (then one purchase beats two)."""
    prices = [tier.unit_price for tier in tariff.tiers]
    return all(b <= a for a, b in itertools.pairwise(prices))


@lru_cache(maxsize=32)
def _batch_table(tariff: Tariff, size: int) -> tuple[IntArray, IntArray]:
    """(cost_fen[k], first[k]) for k = 0 .. size: the cheapest purchases of exactly k units.

    ``first[k]`` is the size of one purchase of that set (k itself when one purchase is best).
    A memo of a pure function of immutable inputs.
    """
    fees = fee_table_fen(tariff, size)
    first = np.arange(size + 1, dtype=np.int64)
    if prices_fall_with_size(tariff):
        cost = fees
    else:
        cost = fees.copy()
        for k in range(2, size + 1):
            combos = fees[1:k] + cost[k - 1 : 0 : -1]
            j = k - 2 - int(np.argmin(combos[::-1]))  # of equal costs, the largest first purchase
            if combos[j] < cost[k]:
                cost[k], first[k] = combos[j], j + 1
    cost.setflags(write=False)
    first.setflags(write=False)
    return cost, first


def batch_table(tariff: Tariff, size: int) -> tuple[IntArray, IntArray]:
    """The batch cost table up to at least ``size`` units (rounded up to reuse memos)."""
    rounded = 64
    while rounded < size:
        rounded *= 2
    return _batch_table(tariff, min(rounded, max(size, MAX_NEED_UNITS + 64)))


def batch_sizes(tariff: Tariff, units: int) -> tuple[int, ...]:
    """The purchase sizes (largest first) of the cheapest batch of exactly ``units`` units."""
    if units <= 0:
        return ()
    _, first = batch_table(tariff, units)
    sizes: list[int] = []
    k = units
    while k > 0:
        m = int(first[k])
        sizes.append(m)
        k -= m
    return tuple(sorted(sizes, reverse=True))


def discount_floats(rate: Decimal, months: int) -> FloatArray:
    """(1 + r) ** (-m / 12) for m = 0 .. months - 1, as floats (for comparing plans only)."""
    m = np.arange(months, dtype=np.float64)
    return np.asarray((1.0 + float(rate)) ** (-m / 12.0), dtype=np.float64)


def state_bound(tariff: Tariff, peak: int) -> int:
    """The most units any optimal plan holds: the peak need plus the open tier's start."""
    return peak + tariff.open_tier_start


def optimal_units(tariff: Tariff, need: Sequence[int], rate: Decimal) -> tuple[int, ...]:
    """Units bought in each month by a schedule of least present value covering ``need``.

    ``need[m]`` is the units month m needs beyond those held before the plan (0 or less:
    none). Of schedules of equal value, a month without a purchase is preferred to one with,
    and the fewest units at the end.
    """
    months = len(need)
    if months == 0:
        return ()
    peak = max(0, max(need))
    if peak == 0:
        return (0,) * months
    if peak > MAX_NEED_UNITS:
        raise InputError("users", peak, "too_many_units", maximum=f"{MAX_NEED_UNITS:,}")
    top = state_bound(tariff, peak)
    cost_fen, _ = batch_table(tariff, top)
    batch = cost_fen[: top + 1].astype(np.float64)
    discount = discount_floats(rate, months)
    value = np.full(top + 1, np.inf)
    value[0] = 0.0
    came_from = np.full((months, top + 1), -1, dtype=np.int32)  # -1: no purchase this month
    low = 0  # the least state still reachable (all below it are infinite)
    for m in range(months):
        n = max(0, need[m])
        if n <= low:
            continue
        targets = np.arange(n, top + 1)
        best = value[n:].copy()
        choice = np.full(top + 1 - n, -1, dtype=np.int32)
        rows = max(1, _CHUNK // len(targets))
        for begin in range(low, n, rows):
            sources = np.arange(begin, min(n, begin + rows))
            total = value[sources][:, None] + discount[m] * batch[targets[None, :] - sources[:, None]]
            pick = np.argmin(total, axis=0)
            found = total[pick, np.arange(len(targets))]
            better = found < best
            best[better] = found[better]
            choice[better] = sources[pick[better]]
        value[:n] = np.inf
        value[n:] = best
        came_from[m, n:] = choice
        low = n
    state = int(np.argmin(value))
    bought = [0] * months
    for m in range(months - 1, -1, -1):
        source = int(came_from[m, state])
        if source >= 0:
            bought[m] = state - source
            state = source
    return tuple(bought)
