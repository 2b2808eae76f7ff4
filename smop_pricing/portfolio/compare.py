"""Summaries: totals under a tariff and the published/what-if comparison (winners, losers, histogram)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from smop_pricing.errors import InputError
from smop_pricing.money import from_fen
from smop_pricing.portfolio.columns import AGAINST, NUMBER_COLUMNS
from smop_pricing.portfolio.price import price_table
from smop_pricing.pricing.tariff import Tariff

# ---------------------------------------------------------------------------------------------
# Summaries
# ---------------------------------------------------------------------------------------------


def exact_sum(values: npt.ArrayLike) -> int:
    """The sum of int64 values as a Python int, without int64 overflow."""
    array = np.asarray(values, dtype=np.int64)
    high = array >> 32
    low = array & 0xFFFFFFFF
    return int(high.sum(dtype=np.int64)) * (1 << 32) + int(low.sum(dtype=np.int64))


@dataclass(frozen=True)
class TariffTotals:
    """A portfolio's revenue under one tariff, literal and cheapest purchases (money in yuan)."""

    name: str
    name_en: str
    version: str
    mode: str
    customers: int
    base_fee: Decimal
    pack_units: int
    pack_fee: Decimal
    total: Decimal
    cheapest_pack_units: int
    cheapest_total: Decimal
    saving: Decimal
    published_on: dt.date | None = None

    def display_name(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "mode": self.mode,
            "customers": self.customers,
            "base_fee": self.base_fee,
            "pack_units": self.pack_units,
            "pack_fee": self.pack_fee,
            "total": self.total,
            "cheapest_pack_units": self.cheapest_pack_units,
            "cheapest_total": self.cheapest_total,
            "saving": self.saving,
        }


SUMMED = ("base_fee_fen", "pack_units", "pack_fee_fen", "total_fen", "cheapest_pack_units", "cheapest_total_fen")
"""The priced columns :class:`TariffTotals` sums (without the ``against_`` prefix)."""


def column_sums(table: pd.DataFrame, prefix: str = "") -> dict[str, int]:
    """The exact sums of the :data:`SUMMED` columns (``prefix`` = "" or "against_") of a priced table.

    Sums of parts add up to the sum of the whole: a table priced in chunks is summed chunk by chunk.
    """
    return {name: exact_sum(table[prefix + name].to_numpy()) for name in SUMMED}


def totals_of(sums: dict[str, int], customers: int, tariff: Tariff) -> TariffTotals:
    """The :class:`TariffTotals` of ``customers`` whose :func:`column_sums` are ``sums``."""
    base, total, cheapest = (from_fen(sums[name]) for name in ("base_fee_fen", "total_fen", "cheapest_total_fen"))
    return TariffTotals(
        name=tariff.name,
        name_en=tariff.name_en,
        version=tariff.version,
        mode=tariff.tier_mode,
        customers=customers,
        base_fee=base,
        pack_units=sums["pack_units"],
        pack_fee=from_fen(sums["pack_fee_fen"]),
        total=total,
        cheapest_pack_units=sums["cheapest_pack_units"],
        cheapest_total=cheapest,
        saving=total - cheapest,
        published_on=tariff.published_on,
    )


def totals(table: pd.DataFrame, tariff: Tariff, prefix: str = "") -> TariffTotals:
    """Sum the priced columns (``prefix`` = "" or "against_") of a priced table."""
    return totals_of(column_sums(table, prefix), len(table), tariff)


_NICE = (1, 2, 5)
_PART = 1 << 18  # values taken at a time for a whole column's arithmetic (its temporaries stay small)


def _parts(values: npt.NDArray[np.int64]) -> Iterator[npt.NDArray[np.int64]]:
    for start in range(0, len(values), _PART):
        yield values[start : start + _PART]


def difference_histogram(differences_fen: npt.ArrayLike, bins: int = 20) -> pd.DataFrame:
    """Counts of per-customer differences in at most ``bins`` bins of a round width.

    Columns ``lower``, ``upper`` (yuan, Decimal; a bin is lower <= d < upper) and ``count``.
    Widths are 1, 2 or 5 times a power of ten fen (at least 1 yuan when every value is whole)
    and edges are multiples of the width, except for one bin that cannot be aligned.
    """
    values = np.asarray(differences_fen, dtype=np.int64)
    if bins < 1:
        raise InputError("bins", bins, "range", minimum="1", maximum="1,000")
    if len(values) == 0:
        return pd.DataFrame({"lower": pd.Series([], dtype=object), "upper": pd.Series([], dtype=object),
                             "count": pd.Series([], dtype="int64")})
    low, high = int(values.min()), int(values.max())
    smallest = 100 if not any((part % 100).any() for part in _parts(values)) else 1
    span = high - low + 1
    widths = (m * 10**k for k in range(len(str(span)) + 2) for m in _NICE)
    fitting = (w for w in widths if w >= smallest and (high - (low // w) * w) // w + 1 <= bins)
    # with aligned edges a range across a bin edge needs two bins: one bin then starts at the lowest value
    aligned = next(fitting, None)
    if aligned is not None:
        width, start = aligned, (low // aligned) * aligned
    else:
        width, start = -(-span // smallest) * smallest, low
    size = (high - start) // width + 1  # the highest value's bin is the last
    count = np.zeros(size, dtype=np.int64)
    for part in _parts(values):
        count += np.bincount((part - start) // width, minlength=size)
    lowers = start + width * np.arange(len(count), dtype=np.int64)
    return pd.DataFrame(
        {
            "lower": [from_fen(int(v)) for v in lowers],
            "upper": [from_fen(int(v) + width) for v in lowers],
            "count": count,
        }
    )


@dataclass(frozen=True)
class PeriodRevenue:
    """A portfolio's revenue under one tariff by period: the recurring platform fee for a year
    (every customer for 12 months), and the one-time pack purchases (literal and cheapest)."""

    platform_per_year: Decimal
    packs_once: Decimal
    cheapest_packs_once: Decimal


def period_sums(table: pd.DataFrame, prefix: str = "") -> tuple[int, int, int]:
    """Exact fen sums behind :func:`period_revenue` (platform fee a year, packs, cheapest packs);
    sums of parts add up to the sum of the whole."""
    months = np.asarray(table["months"], dtype=np.int64)
    base = np.asarray(table[prefix + "base_fee_fen"], dtype=np.int64)
    packs = np.asarray(table[prefix + "total_fen"], dtype=np.int64) - base  # the literal purchase's packs
    cheapest = np.asarray(table[prefix + "cheapest_total_fen"], dtype=np.int64) - base
    yearly = base // np.maximum(months, 1) * 12  # the fee is the same each month: exact
    return exact_sum(yearly), exact_sum(packs), exact_sum(cheapest)


def revenue_of(sums: tuple[int, int, int]) -> PeriodRevenue:
    """The :class:`PeriodRevenue` of :func:`period_sums`."""
    yearly, packs, cheapest = sums
    return PeriodRevenue(from_fen(yearly), from_fen(packs), from_fen(cheapest))


def period_revenue(table: pd.DataFrame, prefix: str = "") -> PeriodRevenue:
    """Revenue by period of a priced table (``prefix`` "" for the published, "against_" the what-if)."""
    return revenue_of(period_sums(table, prefix))


Basis = Literal["literal", "cheapest"]


@dataclass(frozen=True, eq=False)
class Comparison:
    """A portfolio under the published and a what-if tariff.

    ``difference`` = what-if minus published (positive: customers pay more). ``winners``
    are the customers whose bill falls most, ``losers`` those whose bill rises most, on
    ``basis`` (literal or cheapest purchases); both have the input's ``customer`` column
    when present, ``users, months, held_units, published, whatif, difference`` (yuan,
    Decimal), indexed by line. ``histogram`` is :func:`difference_histogram` of the basis
    difference. ``table`` is the full priced table with ``against_`` and difference columns
    (or a compact one: see ``smop_pricing.portfolio.compact``; read the differences with
    :func:`difference_fen`). ``periods`` is the revenue by period, published then what-if.
    """

    published: TariffTotals
    whatif: TariffTotals
    difference: Decimal
    cheapest_difference: Decimal
    basis: Basis
    winners: pd.DataFrame
    losers: pd.DataFrame
    histogram: pd.DataFrame
    table: pd.DataFrame
    periods: tuple[PeriodRevenue, PeriodRevenue]


def difference_fen(table: pd.DataFrame, basis: Basis = "literal") -> npt.NDArray[np.int64]:
    """Each customer's what-if minus published total (fen) on ``basis``: the table's difference
    column, or, in a table kept without it, the same subtraction of its totals."""
    prefix = "" if basis == "literal" else "cheapest_"
    column = f"{prefix}difference_fen"
    if column in table.columns:
        return np.asarray(table[column], dtype=np.int64)
    return (np.asarray(table[f"{AGAINST}{prefix}total_fen"], dtype=np.int64)
            - np.asarray(table[f"{prefix}total_fen"], dtype=np.int64))


def _extremes(table: pd.DataFrame, basis: Basis, order: npt.NDArray[np.intp]) -> pd.DataFrame:
    prefix = "" if basis == "literal" else "cheapest_"
    first = np.asarray(table[f"{prefix}total_fen"], dtype=np.int64)[order]
    second = np.asarray(table[f"{AGAINST}{prefix}total_fen"], dtype=np.int64)[order]
    diff = second - first  # the difference column's own subtraction (price_table)
    data: dict[str, Any] = {}
    if "customer" in table.columns:
        data["customer"] = table["customer"].to_numpy()[order]
    for column in NUMBER_COLUMNS:
        data[column] = table[column].to_numpy()[order]
    data["published"] = [from_fen(int(v)) for v in first]
    data["whatif"] = [from_fen(int(v)) for v in second]
    data["difference"] = [from_fen(int(v)) for v in diff]
    return pd.DataFrame(data, index=pd.Index(table.index.to_numpy()[order], name="line"))


def _first(keys: npt.NDArray[np.int64], top: int) -> npt.NDArray[np.intp]:
    """``np.argsort(keys, kind="stable")[:top]`` (the smallest first, among equal keys the earlier
    line first) without sorting every key: only those up to the ``top``-th smallest are sorted."""
    if top <= 0 or len(keys) == 0:
        return np.zeros(0, dtype=np.intp)
    if top >= len(keys):
        return np.argsort(keys, kind="stable")
    kth = np.partition(keys, top - 1)[top - 1]
    candidates = np.flatnonzero(keys <= kth)
    return candidates[np.argsort(keys[candidates], kind="stable")][:top]


def _check_basis(basis: str) -> None:
    if basis not in ("literal", "cheapest"):
        raise InputError("basis", basis, "portfolio_basis")


def _summarized(comparison: Comparison, basis: Basis, top: int, bins: int) -> Comparison:
    """``comparison`` with winners, losers and histogram on ``basis``, from its table."""
    table = comparison.table
    diff = difference_fen(table, basis)
    falling = _first(diff, top)
    falling = falling[diff[falling] < 0]
    rising = _first(-diff, top)
    rising = rising[diff[rising] > 0]
    return replace(
        comparison,
        basis=basis,
        winners=_extremes(table, basis, falling),
        losers=_extremes(table, basis, rising),
        histogram=difference_histogram(diff, bins),
    )


def comparison_of(
    table: pd.DataFrame,
    published: TariffTotals,
    whatif: TariffTotals,
    periods: tuple[PeriodRevenue, PeriodRevenue],
    *,
    top: int = 10,
    bins: int = 20,
    basis: Basis = "literal",
) -> Comparison:
    """The :class:`Comparison` of a priced ``table`` (full or compact) and its totals."""
    _check_basis(basis)
    empty = pd.DataFrame()
    bare = Comparison(
        published=published,
        whatif=whatif,
        difference=whatif.total - published.total,
        cheapest_difference=whatif.cheapest_total - published.cheapest_total,
        basis=basis,
        winners=empty,
        losers=empty,
        histogram=empty,
        table=table,
        periods=periods,
    )
    return _summarized(bare, basis, top, bins)


def compare(
    rows: pd.DataFrame,
    published: Tariff,
    whatif: Tariff,
    *,
    top: int = 10,
    bins: int = 20,
    basis: Basis = "literal",
) -> Comparison:
    """Price ``rows`` under both tariffs and summarize the change (see :class:`Comparison`)."""
    _check_basis(basis)
    table = price_table(rows, published, whatif, differences=True)
    return comparison_of(
        table, totals(table, published), totals(table, whatif, AGAINST),
        (period_revenue(table), period_revenue(table, AGAINST)), top=top, bins=bins, basis=basis,
    )


def with_basis(comparison: Comparison, basis: Basis, *, top: int = 10, bins: int = 20) -> Comparison:
    """``comparison`` summarized on another basis (winners, losers, histogram), without repricing."""
    _check_basis(basis)
    return _summarized(comparison, basis, top, bins)


# ---------------------------------------------------------------------------------------------
# Who pays more, less, the same; revenue by period
# ---------------------------------------------------------------------------------------------

Side = Literal["more", "less", "same"]
SIDES_SHOWN: tuple[Side, ...] = ("more", "less", "same")


@dataclass(frozen=True)
class ChangeGroup:
    """The customers whose bill moves one way: how many, their share of all (percent, one decimal)
    and the sum of their differences (what-if − published, yuan)."""

    customers: int
    share: Decimal
    amount: Decimal


def change_groups(table: pd.DataFrame, basis: Basis = "literal") -> dict[Side, ChangeGroup]:
    """Customers who pay more, less and the same under the what-if tariff (counts, shares, sums)."""
    diff = difference_fen(table, basis)
    total = len(diff)
    masks: dict[Side, npt.NDArray[np.bool_]] = {"more": diff > 0, "less": diff < 0, "same": diff == 0}
    groups: dict[Side, ChangeGroup] = {}
    for side, mask in masks.items():
        count = int(mask.sum())
        share = (Decimal(count * 100) / total).quantize(Decimal("0.1")) if total else Decimal(0)
        groups[side] = ChangeGroup(count, share, from_fen(exact_sum(diff[mask])))
    return groups


def split_histogram(table: pd.DataFrame, basis: Basis = "literal", bins: int = 20) -> pd.DataFrame:
    """The histogram of the customers whose bill changes, falls and rises binned apart (so no bin
    mixes them and a small tail keeps bins of its own), unchanged customers left out (they are
    counted by :func:`change_groups`). Columns as :func:`difference_histogram`, plus ``side``."""
    diff = difference_fen(table, basis)
    parts = []
    for side, values in (("less", diff[diff < 0]), ("more", diff[diff > 0])):
        if len(values):
            part = difference_histogram(values, max(1, bins // 2))
            parts.append(part.assign(side=side))
    if not parts:
        return difference_histogram(diff[:0], bins).assign(side=pd.Series([], dtype=object))
    return pd.concat(parts, ignore_index=True)


