"""A plan as a lifecycle scenario document, for the "simulate this plan" link.

The scenario buys the standard edition on the forecast's first day for the whole plan
(so the service stays in service, R11), starts with the first month's users, and has, on
the first day of each month, the plan's pack purchases (``buy_packs``) and the month's users
(``set_users``, only when they change). Units held before the plan are bought on the first
day too: the simulator has no packs without a purchase, so its ledger counts them.

A long plan may not fit the link's 4,000 characters: :func:`scenario_link` then drops
``set_users`` events that do not change which pack units are needed, keeping the users at
their month's count rounded up to the pack size (so capacity never looks better than it is),
and says so (``compact`` is True).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from smop_pricing.errors import ScenarioError
from smop_pricing.i18n import DEFAULT_LANG
from smop_pricing.lifecycle.link import encode_document
from smop_pricing.plan.strategies import PlanResult
from smop_pricing.pricing.rules import capacity, units_needed

LIFECYCLE_PATH = "/lifecycle-simulator"


def scenario_document(plan: PlanResult, compact: bool = False) -> dict[str, Any]:
    """The scenario (as the lifecycle page and the ``simulate`` command read it) of ``plan``."""
    problem = plan.problem
    forecast, tariff = problem.forecast, problem.tariff
    events: list[dict[str, Any]] = []
    first = forecast.start.isoformat()
    if problem.held_units:
        events.append({"date": first, "action": "buy_packs", "units": problem.held_units})
    users = list(forecast.users)
    if compact:
        users = [u if u <= tariff.included_users else capacity(tariff, units_needed(tariff, u)) for u in users]
    by_month: dict[int, list[int]] = {}
    for item in plan.purchases:
        by_month.setdefault(item.month, []).append(item.units)
    previous = users[0]
    for m in range(forecast.months):
        day = forecast.month_start(m).isoformat()
        for units in by_month.get(m, []):
            events.append({"date": day, "action": "buy_packs", "units": units})
        if m > 0 and users[m] != previous:
            events.append({"date": day, "action": "set_users", "users": users[m]})
            previous = users[m]
    return {
        "start": first,
        "months": forecast.months,
        "until": forecast.end.isoformat(),
        "users": users[0],
        "events": events,
    }


@dataclass(frozen=True)
class ScenarioLink:
    """The link to the lifecycle page; ``compact`` when users were rounded to fit (see above)."""

    url: str
    compact: bool


def scenario_link(plan: PlanResult, lang: str = DEFAULT_LANG) -> ScenarioLink:
    """``/lifecycle-simulator?s=...`` for ``plan`` (``&lang=en`` in English); the compact form when
    the full one is too long."""
    suffix = "" if lang == DEFAULT_LANG else f"&lang={lang}"
    try:
        return ScenarioLink(f"{LIFECYCLE_PATH}?s={encode_document(scenario_document(plan))}{suffix}", False)
    except ScenarioError:
        return ScenarioLink(f"{LIFECYCLE_PATH}?s={encode_document(scenario_document(plan, True))}{suffix}", True)

