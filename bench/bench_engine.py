"""Engine benchmarks: quotes per second and the 1,000,001-point cost curve."""

from __future__ import annotations

import numpy as np

from bench.common import Figure, figure, timed
from smop_pricing.pricing.rules import quote
from smop_pricing.pricing.tariff import published_tariff
from smop_pricing.pricing.vector import cost_curve


def run() -> list[Figure]:
    tariff = published_tariff()
    figures = []
    counts = [(i * 37_123) % 30_000_000 for i in range(2_000)]

    def quotes() -> None:
        for users in counts:
            quote(tariff, users, 12)

    samples = timed(quotes, repeat=5)
    per_second = [len(counts) / s for s in samples]
    figures.append(figure("engine", "quotes per second (scalar quote(), 2,000 mixed user counts)", per_second,
                          unit="quotes/s"))

    users = np.arange(0, 100_000_001, 100, dtype=np.int64)  # 1,000,001 user counts
    curve = timed(lambda: cost_curve(tariff, users, 12), repeat=7)
    floor = timed(lambda: (users - 200_000) // 100_000 * 4_800 + 2_000, repeat=7)
    median = sorted(curve)[len(curve) // 2]
    floor_median = sorted(floor)[len(floor) // 2]
    figures.append(figure("engine", "cost curve, 1,000,001 user counts (literal + cheapest, DataFrame)", curve,
                          floor="one numpy expression over the same array", ratio=median / floor_median,
                          target="< 0.2 s", met=median < 0.2))
    return figures
