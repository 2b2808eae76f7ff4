"""What a priced row must hold, read off the scalar quote: the oracle the vectorized pricing and
the reprice command are checked against (one place, so the two suites check the same columns)."""

from __future__ import annotations

from smop_pricing.pricing.rules import Quote


def priced_columns(q: Quote) -> dict[str, object]:
    """Each priced column (``smop_pricing.portfolio.PRICE_COLUMNS``) and its value for ``q``."""
    return {
        "base_fee": q.base_fee,
        "pack_units": q.purchase.units,
        "pack_rate": q.purchase.unit_price,
        "pack_fee": q.pack_fee,
        "total": q.total,
        "capacity": q.capacity,
        "cheapest_pack_units": q.cheapest.units,
        "cheapest_total": q.cheapest_total,
        "saving": q.saving,
    }
