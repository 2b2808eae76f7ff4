"""Hypothesis strategies shared by the property tests: random what-if tariffs."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from smop_pricing.pricing.tariff import Tariff, Tier

TINY_INCLUDED = st.integers(0, 5)  # few users per pack: a brute force over every purchase stays small
TINY_PACK = st.integers(1, 3)
PUBLISHED_GRACE = st.just(3)


@st.composite
def tariffs(
    draw: st.DrawFn,
    included: st.SearchStrategy[int] = TINY_INCLUDED,
    pack: st.SearchStrategy[int] = TINY_PACK,
    grace: st.SearchStrategy[int] = PUBLISHED_GRACE,
    max_tiers: int = 4,
    max_bound: int = 12,
    max_price_fen: int = 1_000_000,
) -> Tariff:
    """A what-if tariff: 1 to ``max_tiers`` tiers with bounds up to ``max_bound`` units, prices in
    whole fen up to ``max_price_fen``, volume or graduated."""
    count = draw(st.integers(1, max_tiers))
    bounds = sorted(draw(st.sets(st.integers(1, max_bound), min_size=count - 1, max_size=count - 1)))
    prices = draw(st.lists(st.integers(1, max_price_fen), min_size=count, max_size=count))
    tiers = tuple(Tier(bounds[i] if i < count - 1 else None, Decimal(prices[i]) / 100) for i in range(count))
    return Tariff(
        name="random", version="h", monthly_fee=Decimal(draw(st.integers(1, 500_000))) / 100,
        included_users=draw(included), pack_users=draw(pack),
        tier_mode=draw(st.sampled_from(["volume", "graduated"])), tiers=tiers,
        grace_months=draw(grace), warn_ratio=Decimal("0.9"), over_quota_lock_days=60, packs_survive_lapse=True,
    )
