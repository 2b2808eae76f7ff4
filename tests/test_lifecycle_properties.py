"""Invariants of the lifecycle simulator on random scenarios (hypothesis)."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smop_pricing.lifecycle.engine import simulate
from smop_pricing.lifecycle.model import SimulationResult
from smop_pricing.lifecycle.scenario import parse_scenario, scenario_to_dict
from smop_pricing.pricing.tariff import Tariff, published_tariff

PUBLISHED = published_tariff()
TARIFFS = [PUBLISHED, replace(PUBLISHED, grace_months=0), replace(PUBLISHED, grace_months=1)]


@st.composite
def raw_events(draw: st.DrawFn, start: date, days: int) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(0, 25))):
        when = (start + timedelta(days=draw(st.integers(0, days - 1)))).isoformat()
        action = draw(st.sampled_from(["purchase", "renew", "buy_packs", "set_users", "auto_renew"]))
        event: dict[str, Any] = {"date": when, "action": action}
        if action in ("purchase", "renew"):
            event["months"] = draw(st.integers(1, 14))
        elif action == "buy_packs":
            event["units"] = draw(st.integers(1, 14))
        elif action == "set_users":
            event["users"] = draw(st.integers(0, 2_000_000))
        else:
            event["on"] = draw(st.booleans())
            if draw(st.booleans()):
                event["months"] = draw(st.integers(1, 6))
        events.append(event)
    return events


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    start = draw(st.dates(date(2020, 1, 1), date(2030, 12, 31)))
    days = draw(st.integers(1, 1_500))
    raw: dict[str, Any] = {
        "start": start.isoformat(),
        "months": draw(st.integers(1, 14)),
        "until": (start + timedelta(days=days)).isoformat(),
        "users": draw(st.integers(0, 1_000_000)),
        "events": draw(raw_events(start, days)),
        "settings": draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "packs_survive_lapse": st.booleans(),
                    "over_quota_lock_days": st.integers(0, 90),
                    "warn_ratio": st.sampled_from(["0.5", "0.9", "1"]),
                    "auto_renew_months": st.integers(1, 12),
                },
            )
        ),
    }
    return raw


def simulated(raw: dict[str, Any], tariff: Tariff) -> SimulationResult:
    return simulate(parse_scenario(raw), tariff)


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(scenarios(), st.sampled_from(TARIFFS))
def test_periods_are_contiguous_cover_the_span_and_never_overlap(raw: dict[str, Any], tariff: Tariff) -> None:
    result = simulated(raw, tariff)
    spans = result.periods
    assert spans[0].start == result.scenario.start
    assert spans[-1].end == result.scenario.until
    for period in spans:
        assert period.start < period.end
    for before, after in itertools.pairwise(spans):
        assert before.end == after.start
        assert before.state != after.state
    states = result.daily["state"].astype(str).tolist()
    expanded = [p.state for p in spans for _ in range((p.end - p.start).days)]
    assert states == expanded


@PROPERTY
@given(scenarios(), st.sampled_from(TARIFFS))
def test_the_total_paid_is_the_ledgers_sum_and_no_amount_is_negative(
    raw: dict[str, Any], tariff: Tariff
) -> None:
    result = simulated(raw, tariff)
    assert result.total_paid == sum((e.amount for e in result.ledger), Decimal(0))
    assert all(e.amount > 0 for e in result.ledger)


@PROPERTY
@given(scenarios(), st.sampled_from(TARIFFS))
def test_a_renewal_never_moves_the_expiry_earlier(raw: dict[str, Any], tariff: Tariff) -> None:
    result = simulated(raw, tariff)
    expiries = [e.expiry for e in result.ledger if e.expiry is not None]
    assert all(e.date < e.expiry for e in result.ledger if e.expiry is not None)
    assert expiries == sorted(expiries)
    assert len(set(expiries)) == len(expiries)
    assert result.final_expiry == expiries[-1]


@PROPERTY
@given(scenarios(), st.sampled_from(TARIFFS))
def test_capacity_never_counts_packs_on_a_day_that_is_not_active(raw: dict[str, Any], tariff: Tariff) -> None:
    daily = simulated(raw, tariff).daily
    active = (daily["state"] == "active").to_numpy()
    packs = daily["packs_in_effect"].to_numpy()
    cap = daily["capacity"].to_numpy()
    assert (packs[~active] == 0).all()
    assert (cap[~active] == 0).all()
    assert (cap[active] == tariff.included_users + tariff.pack_users * packs[active]).all()


@PROPERTY
@given(scenarios(), st.sampled_from(TARIFFS))
def test_over_quota_lock_and_warning_follow_the_daily_users_and_capacity(
    raw: dict[str, Any], tariff: Tariff
) -> None:
    result = simulated(raw, tariff)
    daily = result.daily
    active = (daily["state"] == "active").to_numpy()
    users = daily["users"].to_numpy()
    cap = daily["capacity"].to_numpy()
    over = daily["over_quota_users"].to_numpy()
    assert (over == np.where(active, np.maximum(users - cap, 0), 0)).all()
    # the lock, recounted naively day by day (R6 reading A)
    lock_days = result.settings.over_quota_lock_days
    run, expected = 0, []
    for value in over:
        run = run + 1 if value > 0 else 0
        expected.append(bool(lock_days) and run > lock_days)
    assert daily["console_locked"].tolist() == expected
    ratio = result.settings.warn_ratio
    warned = [
        bool(a) and Decimal(int(u)) >= ratio * int(c) for a, u, c in zip(active, users, cap, strict=True)
    ]
    assert daily["warning"].tolist() == warned


@PROPERTY
@given(scenarios(), st.sampled_from(TARIFFS))
def test_every_paid_action_is_either_charged_or_refused_never_dropped(
    raw: dict[str, Any], tariff: Tariff
) -> None:
    result = simulated(raw, tariff)
    paid_actions = [
        i for i, e in enumerate(result.scenario.events) if e.action in ("purchase", "renew", "buy_packs")
    ]
    charged = [e.event for e in result.ledger if e.event is not None]
    refused = [r.event for r in result.rejected]
    assert sorted(charged + refused) == paid_actions
    assert all(r.action in ("purchase", "renew", "buy_packs") for r in result.rejected)


@PROPERTY
@given(scenarios())
def test_a_scenario_survives_a_round_trip_through_its_dict(raw: dict[str, Any]) -> None:
    scenario = parse_scenario(raw)
    assert parse_scenario(scenario_to_dict(scenario)) == scenario
