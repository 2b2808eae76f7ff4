"""A priced portfolio kept small: what the page shows, not every priced column.

``compare`` prices every customer under both tariffs into a table of some twenty columns
(~150 MB for 700,000 customers). The review page shows totals (already summed), the biggest
winners and losers and a histogram, on either basis: for those it needs each customer's
totals and differences only. :func:`compact_priced` keeps just those columns (copied, so the
full table's memory is freed); :func:`full_table` prices the whole table again on demand (for
a download), exactly as ``compare`` did.
"""

from __future__ import annotations

import io
from dataclasses import replace

import pandas as pd

from smop_pricing.portfolio.columns import AGAINST, NUMBER_COLUMNS
from smop_pricing.portfolio.price import price_table
from smop_pricing.portfolio.report import PricedPortfolio
from smop_pricing.portfolio.write import _codec, output_frame
from smop_pricing.pricing.tariff import Tariff
from smop_pricing.safe_io import csv_text, has_carriage_return

KEPT_MONEY = ("total_fen", f"{AGAINST}total_fen", "cheapest_total_fen", f"{AGAINST}cheapest_total_fen",
              "difference_fen", "cheapest_difference_fen")


def compact_table(table: pd.DataFrame, rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """The customer, the inputs and the totals and differences of ``table``.

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


def full_table(priced: PricedPortfolio, published: Tariff, whatif: Tariff) -> pd.DataFrame:
    """The complete priced table (as ``compare`` made it), priced again from the rows."""
    return price_table(priced.frame.rows, published, whatif, differences=True)


def priced_csv_on_demand(
    priced: PricedPortfolio, published: Tariff, whatif: Tariff, encoding: str = "utf-8",
    chunk_rows: int = 50_000,
) -> bytes:
    """``priced_csv_bytes(full_table(...))``, priced and written ``chunk_rows`` customers at a time.

    The full priced table never exists at once: the peak is about twice the file's size, for a
    download of 700,000 customers ~200 MB instead of ~600 MB.
    """
    rows = priced.frame.rows
    codec = _codec(encoding)
    terminator = "\r\n" if has_carriage_return(rows) else "\n"
    out = io.BytesIO()
    for start in range(0, max(len(rows), 1), chunk_rows):
        part = price_table(rows.iloc[start : start + chunk_rows], published, whatif, differences=True)
        out.write(csv_text(output_frame(part), terminator, header=start == 0).encode(codec))
    return out.getvalue()
