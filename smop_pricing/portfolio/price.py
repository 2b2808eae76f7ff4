"""Pricing many customers at once (vectorized over int64 fen), and made-up portfolios."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from smop_pricing.errors import InputError
from smop_pricing.portfolio.columns import (
    AGAINST,
    BOUNDS,
    DIFFERENCE_COLUMNS,
    MAX_SYNTHETIC,
    NUMBER_COLUMNS,
    PRICE_COLUMNS,
    fen_column,
    output_columns,
)
from smop_pricing.portfolio.read import PortfolioFrame, _sorted_errors
from smop_pricing.pricing.rules import MAX_NEED_UNITS, MAX_USERS, IntArray, units_needed_vector
from smop_pricing.pricing.tariff import Tariff
from smop_pricing.pricing.vector import price_vectors

# ---------------------------------------------------------------------------------------------
# Synthetic portfolios
# ---------------------------------------------------------------------------------------------

_TERMS = (1, 3, 6, 12, 24, 36)
_TERM_WEIGHTS = (0.2, 0.1, 0.15, 0.35, 0.1, 0.1)


def synthetic_portfolio(size: int, seed: int = 0) -> pd.DataFrame:
    """``size`` made-up customers, the same for the same (size, seed).

    users: log-normal with a median of about 700,000 and 90 % between about 100,000 and
    5,000,000 (clipped to 1 .. MAX_USERS); months: 1 to 36, mostly the usual terms
    (1, 3, 6, 12, 24, 36 months); held_units: 0 for 80 %, else 1 to 5. Indexed like a file
    (``line`` 2, 3, ...) with columns ``customer, users, months, held_units``.
    """
    if isinstance(size, bool) or not isinstance(size, int):
        raise InputError("size", size, "whole_number", minimum="0", maximum=f"{MAX_SYNTHETIC:,}")
    if not 0 <= size <= MAX_SYNTHETIC:
        raise InputError("size", size, "range", minimum="0", maximum=f"{MAX_SYNTHETIC:,}")
    rng = np.random.default_rng(seed)
    log_users = rng.normal(np.log(700_000.0), 1.2, size)
    users = np.clip(np.rint(np.exp(log_users)), 1, MAX_USERS).astype(np.int64)
    usual = rng.random(size) < 0.75
    months = np.where(
        usual, rng.choice(
            np.array(_TERMS, dtype=np.int64), size=size, p=np.array(_TERM_WEIGHTS)
        ), rng.integers(1, 37, size=size)
    ).astype(np.int64)
    holds = rng.random(size) < 0.2
    held = np.where(holds, rng.integers(1, 6, size=size), 0).astype(np.int64)
    numbers = pa.array(np.arange(1, size + 1, dtype=np.int64)).cast(pa.string())
    names = pc.binary_join_element_wise("C", pc.utf8_lpad(numbers, max(6, len(str(size))), "0"), "")
    return pd.DataFrame(
        {
            "customer": pd.Series(names.to_pandas(), dtype="str").array,
            "users": users,
            "months": months,
            "held_units": held,
        },
        index=pd.Index(np.arange(2, size + 2, dtype=np.int64), name="line"),
        copy=False,
    )


# ---------------------------------------------------------------------------------------------
# Pricing
# ---------------------------------------------------------------------------------------------


def _number_arrays(rows: pd.DataFrame) -> tuple[IntArray, IntArray, IntArray]:
    arrays: list[IntArray] = []
    for column in NUMBER_COLUMNS:
        if column not in rows.columns or rows[column].dtype.kind not in "iu":
            raise InputError(column, "", "portfolio_columns")
        values = rows[column].to_numpy(dtype=np.int64)
        low, high = BOUNDS[column]
        if len(values):
            wrong = (values < low) | (values > high)
            if wrong.any():
                value = int(values[int(np.argmax(wrong))])
                raise InputError(column, value, "range", minimum=f"{low:,}", maximum=f"{high:,}")
        arrays.append(values)
    return arrays[0], arrays[1], arrays[2]


def reprice(rows: pd.DataFrame, tariff: Tariff, prefix: str = "") -> pd.DataFrame:
    """The priced columns for every row under ``tariff`` (money in int64 fen), same index.

    Columns: ``prefix`` + ``fen_column(c)`` for c in :data:`PRICE_COLUMNS`. Raises
    InputError for rows out of bounds or needing more than MAX_NEED_UNITS pack units
    (use :func:`within_limits` first).
    """
    users, months, held = _number_arrays(rows)
    v = price_vectors(tariff, users, months, held)
    data: dict[str, IntArray] = {
        "base_fee": v["base_fee_fen"],
        "pack_units": v["units"],
        "pack_rate": v["unit_price_fen"],
        "pack_fee": v["pack_fee_fen"],
        "total": v["total_fen"],
        "capacity": v["capacity"],
        "cheapest_pack_units": v["cheapest_units"],
        "cheapest_total": v["cheapest_total_fen"],
        "saving": v["saving_fen"],
    }
    columns = {prefix + fen_column(k): data[k] for k in PRICE_COLUMNS}
    return pd.DataFrame(columns, index=rows.index, copy=False)


def replaced_columns(rows: pd.DataFrame, against: bool = False, differences: bool = False) -> list[str]:
    """Input columns that the priced table replaces because they share an output column's name."""
    taken = set(output_columns(against)) | {fen_column(c) for c in output_columns(against)}
    if differences:
        taken |= set(DIFFERENCE_COLUMNS) | {fen_column(c) for c in DIFFERENCE_COLUMNS}
    return [str(c) for c in rows.columns if c in taken]


def price_table(
    rows: pd.DataFrame,
    tariff: Tariff,
    against: Tariff | None = None,
    *,
    differences: bool = False,
) -> pd.DataFrame:
    """The input columns, then the priced columns, then (with ``against``) the ``against_`` ones.

    With ``differences`` (and ``against``), also ``difference_fen`` and
    ``cheapest_difference_fen``: against minus tariff, per customer.
    """
    replaced = replaced_columns(rows, against is not None, differences)
    base = rows.drop(columns=replaced) if replaced else rows
    parts = [base, reprice(rows, tariff)]
    if against is not None:
        second = reprice(rows, against, AGAINST)
        parts.append(second)
        if differences:
            first = parts[1]
            parts.append(
                pd.DataFrame(
                    {
                        "difference_fen": second[AGAINST + "total_fen"] - first["total_fen"],
                        "cheapest_difference_fen": second[AGAINST + "cheapest_total_fen"]
                        - first["cheapest_total_fen"],
                    },
                    index=rows.index,
                )
            )
    return pd.concat(parts, axis=1)


def within_limits(frame: PortfolioFrame, *tariffs: Tariff) -> PortfolioFrame:
    """Move rows needing more pack units than the engine prices (under any tariff) to errors."""
    rows = frame.rows
    too_big = np.zeros(len(rows), dtype=bool)
    problems = [frame.errors.assign(_order=0)] if len(frame.errors) else []
    users = rows["users"].to_numpy(dtype=np.int64)
    held = rows["held_units"].to_numpy(dtype=np.int64)
    for tariff in tariffs:
        need = units_needed_vector(tariff, users, held)
        over = (need > MAX_NEED_UNITS) & ~too_big
        if over.any():
            where = np.flatnonzero(over)
            problems.append(
                pd.DataFrame(
                    {
                        "line": rows.index.to_numpy()[where],
                        "column": "users",
                        "value": users[where].astype(str),
                        "rule": "too_many_units",
                        "detail": tariff.version,
                        "_order": 1,
                    }
                )
            )
            too_big |= over
    if not too_big.any():
        return frame
    return replace(frame, rows=rows[~too_big], errors=_sorted_errors(problems))
