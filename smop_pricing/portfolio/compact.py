"""A priced portfolio kept small: what the page shows, not every priced column.

``compare`` prices every customer under both tariffs into a table of some twenty columns
(~150 MB for 700,000 customers). The review page shows totals and revenue by period (summed
once), the biggest winners and losers, who pays more or less and a histogram, on either
basis: for those it needs each customer's four totals only (a difference is the what-if total
minus the published one: ``compare.difference_fen`` subtracts them, exactly as ``price_table``
does). :func:`price_compact` prices ``CHUNK_ROWS`` customers at a time straight into that
compact form (the full table never exists; sums are exact integers, added chunk by chunk);
:func:`compact_priced` reduces an already priced portfolio to it; :func:`full_table` prices the
whole table again on demand, exactly as ``compare`` did, and :func:`priced_csv_on_demand` writes
it in chunks for a download.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace

import numpy as np
import pandas as pd

from smop_pricing.portfolio.columns import AGAINST, NUMBER_COLUMNS
from smop_pricing.portfolio.compare import (
    SUMMED,
    Basis,
    Comparison,
    column_sums,
    comparison_of,
    period_sums,
    revenue_of,
    totals_of,
)
from smop_pricing.portfolio.price import price_table, reprice, within_limits
from smop_pricing.portfolio.read import PortfolioFrame
from smop_pricing.portfolio.report import BINS, TOP, PricedPortfolio
from smop_pricing.portfolio.write import _codec, output_frame
from smop_pricing.pricing.tariff import Tariff
from smop_pricing.safe_io import csv_text, has_carriage_return

KEPT_MONEY = ("total_fen", f"{AGAINST}total_fen", "cheapest_total_fen", f"{AGAINST}cheapest_total_fen")
"""Each customer's totals (int64 fen), published and what-if, literal and cheapest purchases."""
CHUNK_ROWS = 50_000
"""Customers priced at a time by :func:`price_compact`."""
DOWNLOAD_CHUNK_ROWS = 10_000
"""Customers priced and written at a time by :func:`priced_csv_on_demand` (their text is ~12 MB)."""


def compact_table(table: pd.DataFrame, rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """The customer, the inputs and the totals (:data:`KEPT_MONEY`) of ``table``.

    The money columns are copied into their own memory (so the full table's is freed); the
    customer and the inputs are the columns of ``rows`` (the priced portfolio's own, shared, not
    copied) when given and indexed alike, else copied from ``table``.
    """
    shared = rows is not None and rows.index.equals(table.index)
    data: dict[str, object] = {}
    for name in ("customer", *NUMBER_COLUMNS):
        if name in table.columns:
            source = rows if shared and rows is not None and name in rows.columns else table
            data[name] = source[name] if source is rows else source[name].copy()
    for name in KEPT_MONEY:
        if name in table.columns:
            data[name] = table[name].to_numpy(copy=True)
    return pd.DataFrame(data, index=table.index, copy=False)


def compact_priced(priced: PricedPortfolio) -> PricedPortfolio:
    """``priced`` with its comparison's table reduced to :func:`compact_table`."""
    comparison = replace(priced.comparison, table=compact_table(priced.comparison.table, priced.frame.rows))
    return replace(priced, comparison=comparison)


def _compact_frame(rows: pd.DataFrame, money: dict[str, np.ndarray]) -> pd.DataFrame:
    data: dict[str, object] = {name: rows[name] for name in ("customer", *NUMBER_COLUMNS) if name in rows.columns}
    data.update(money)
    return pd.DataFrame(data, index=rows.index, copy=False)


def compact_comparison(
    rows: pd.DataFrame,
    published: Tariff,
    whatif: Tariff,
    *,
    top: int = TOP,
    bins: int = BINS,
    basis: Basis = "literal",
    chunk_rows: int = CHUNK_ROWS,
) -> Comparison:
    """``compare(rows, ...)`` with its table compact (:func:`compact_table`), priced ``chunk_rows``
    customers at a time: totals, revenue by period, winners, losers and histogram are the same."""
    count = len(rows)
    money = {name: np.empty(count, dtype=np.int64) for name in KEPT_MONEY}
    sums = [dict.fromkeys(SUMMED, 0), dict.fromkeys(SUMMED, 0)]  # exact integers, added chunk by chunk
    periods = [[0, 0, 0], [0, 0, 0]]
    for start in range(0, count, max(chunk_rows, 1)):
        part = rows.iloc[start : start + chunk_rows]
        for side, (tariff, prefix) in enumerate(((published, ""), (whatif, AGAINST))):
            priced = reprice(part, tariff, prefix).assign(months=part["months"].to_numpy())
            for name, value in column_sums(priced, prefix).items():
                sums[side][name] += value
            for at, value in enumerate(period_sums(priced, prefix)):
                periods[side][at] += value
            for name in KEPT_MONEY:
                if name in priced.columns:
                    money[name][start : start + len(part)] = priced[name].to_numpy()
            del priced
    first, second = totals_of(sums[0], count, published), totals_of(sums[1], count, whatif)
    revenue = (revenue_of((periods[0][0], periods[0][1], periods[0][2])),
               revenue_of((periods[1][0], periods[1][1], periods[1][2])))
    return comparison_of(_compact_frame(rows, money), first, second, revenue, top=top, bins=bins, basis=basis)


def price_compact(
    frame: PortfolioFrame, published: Tariff, whatif: Tariff, *, top: int = TOP, bins: int = BINS,
    chunk_rows: int = CHUNK_ROWS,
) -> PricedPortfolio:
    """``compact_priced(price_portfolio(frame, ...))``, without the full priced table ever existing."""
    usable = within_limits(frame, published, whatif)
    return PricedPortfolio(usable, compact_comparison(usable.rows, published, whatif, top=top, bins=bins,
                                                      chunk_rows=chunk_rows))


def full_table(priced: PricedPortfolio, published: Tariff, whatif: Tariff) -> pd.DataFrame:
    """The complete priced table (as ``compare`` made it), priced again from the rows."""
    return price_table(priced.frame.rows, published, whatif, differences=True)


def priced_csv_on_demand(
    priced: PricedPortfolio, published: Tariff, whatif: Tariff, encoding: str = "utf-8",
    chunk_rows: int = DOWNLOAD_CHUNK_ROWS,
) -> bytes:
    """``priced_csv_bytes(full_table(...))``, priced and written ``chunk_rows`` customers at a time.

    The full priced table never exists at once, and the chunks go to a temporary file that is
    read back in one piece: the peak is the file's size and one chunk's (a growing in-memory
    buffer, copied as it grows, left some 2.5 times the file's size in use).
    """
    rows = priced.frame.rows
    codec = _codec(encoding)
    terminator = "\r\n" if has_carriage_return(rows) else "\n"
    with tempfile.TemporaryFile() as out:
        for start in range(0, max(len(rows), 1), max(chunk_rows, 1)):
            part = price_table(rows.iloc[start : start + chunk_rows], published, whatif, differences=True)
            out.write(csv_text(output_frame(part), terminator, header=start == 0).encode(codec))
            del part
        size = out.tell()
        out.seek(0)
        data = out.read()
    if len(data) != size:  # a short read would hand out a cut file
        raise OSError(f"read {len(data)} of {size} bytes back")
    return data
