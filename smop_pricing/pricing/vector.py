"""Vectorized pricing: many user counts (a cost curve) or many customers (a portfolio).

Everything here is numpy over integer fen: no Python loop per point or per row.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from smop_pricing.errors import InputError
from smop_pricing.money import to_fen
from smop_pricing.pricing.rules import (
    MAX_NEED_UNITS,
    IntArray,
    capacity_vector,
    cover_table,
    fee_table_fen,
    unit_price_fen,
    units_needed_vector,
)
from smop_pricing.pricing.tariff import Tariff

CURVE_COLUMNS = (
    "users",
    "units",
    "unit_price_fen",
    "base_fee_fen",
    "pack_fee_fen",
    "total_fen",
    "capacity",
    "cheapest_units",
    "cheapest_fee_fen",
    "cheapest_total_fen",
    "cheapest_capacity",
    "saving_fen",
)


def _as_int_array(name: str, values: npt.ArrayLike, size: int) -> IntArray:
    array = np.asarray(values)
    if array.ndim == 0:
        array = np.full(size, array)
    if array.dtype.kind not in "iu":
        raise InputError(name, str(array.dtype), "int_array")
    return array.astype(np.int64, copy=False)


def price_vectors(
    tariff: Tariff,
    users: npt.ArrayLike,
    months: npt.ArrayLike = 1,
    held_units: npt.ArrayLike = 0,
) -> dict[str, IntArray]:
    """Literal and cheapest pricing for arrays of users, months and held units (fen)."""
    users_a = _as_int_array("users", users, 1)
    n = users_a.shape[0]
    months_a = _as_int_array("months", months, n)
    held_a = _as_int_array("held_units", held_units, n)
    need = units_needed_vector(tariff, users_a, held_a)
    top = int(need.max()) if n else 0
    if top > MAX_NEED_UNITS:
        raise InputError("users", top, "too_many_units", maximum=f"{MAX_NEED_UNITS:,}")
    fees = fee_table_fen(tariff, max(top, 1))
    table = cover_table(tariff, max(top, 1))
    pack_fee = fees[need]
    base = months_a * to_fen(tariff.monthly_fee)
    cheapest_fee = table.cost_fen[need]
    cheapest_units = table.units[need]
    return {
        "users": users_a,
        "units": need,
        "unit_price_fen": unit_price_fen(pack_fee, need),
        "base_fee_fen": base,
        "pack_fee_fen": pack_fee,
        "total_fen": base + pack_fee,
        "capacity": capacity_vector(tariff, held_a + need),
        "cheapest_units": cheapest_units,
        "cheapest_fee_fen": cheapest_fee,
        "cheapest_total_fen": base + cheapest_fee,
        "cheapest_capacity": capacity_vector(tariff, held_a + cheapest_units),
        "saving_fen": pack_fee - cheapest_fee,
    }


def cost_curve(
    tariff: Tariff,
    users: npt.ArrayLike,
    months: int = 1,
    held_units: int = 0,
) -> pd.DataFrame:
    """One row per user count: literal and cheapest totals in fen (see CURVE_COLUMNS)."""
    vectors = price_vectors(tariff, users, months, held_units)
    return pd.DataFrame({name: vectors[name] for name in CURVE_COLUMNS})


def user_grid(maximum: int, step: int = 100_000) -> IntArray:
    """0, step, 2*step, ... up to and including ``maximum`` (rounded up to a step)."""
    top = -(-maximum // step) * step
    return np.arange(0, top + step, step, dtype=np.int64)
