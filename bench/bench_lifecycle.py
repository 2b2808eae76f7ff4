"""Lifecycle benchmark: 10 years of days (3,653) with 500 events, validation and daily DataFrame included."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from bench.common import Figure, figure, timed
from smop_pricing.lifecycle.engine import simulate
from smop_pricing.lifecycle.scenario import parse_scenario
from smop_pricing.pricing.tariff import published_tariff


def ten_year_scenario(events: int = 500, seed: int = 7) -> dict[str, Any]:
    """A 10-year scenario with ``events`` random events of every kind (refusals included)."""
    rng = random.Random(seed)
    start, until = date(2020, 1, 1), date(2030, 1, 1)
    span = (until - start).days
    raw: list[dict[str, Any]] = []
    for _ in range(events):
        day = (start + timedelta(days=rng.randrange(span))).isoformat()
        action = rng.choice(["renew", "buy_packs", "set_users", "set_users", "auto_renew", "purchase"])
        if action in ("renew", "purchase"):
            raw.append({"date": day, "action": action, "months": rng.randint(1, 3)})
        elif action == "buy_packs":
            raw.append({"date": day, "action": action, "units": rng.randint(1, 12)})
        elif action == "set_users":
            raw.append({"date": day, "action": action, "users": rng.randrange(0, 3_000_000)})
        else:
            raw.append({"date": day, "action": action, "on": rng.random() < 0.5})
    raw.sort(key=lambda e: e["date"])
    return {"start": start.isoformat(), "months": 1, "until": until.isoformat(), "users": 150_000, "events": raw}


def run() -> list[Figure]:
    scenario = parse_scenario(ten_year_scenario())
    tariff = published_tariff()
    days = scenario.days
    samples = timed(lambda: simulate(scenario, tariff), repeat=30, warmup=2)

    def frame_only() -> None:  # the floor: just building a daily frame of the same shape
        zeros = np.zeros(days, dtype=np.int64)
        pd.DataFrame({"date": np.arange(days).astype("datetime64[D]"), "state": zeros, "users": zeros,
                      "capacity": zeros, "packs_in_effect": zeros, "over_quota_users": zeros,
                      "console_locked": zeros.astype(bool), "warning": zeros.astype(bool)})

    floor = timed(frame_only, repeat=30, warmup=2)
    median = sorted(samples)[len(samples) // 2]
    floor_median = sorted(floor)[len(floor) // 2]
    return [
        figure("lifecycle", f"simulate 10 years ({days:,} days) + {len(scenario.events)} events", samples,
               floor="building an empty daily DataFrame of the same shape", ratio=median / floor_median,
               target="< 50 ms", met=median < 0.05)
    ]
