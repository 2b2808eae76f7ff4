"""Plans under uncertainty (docs/rules.md R11): low / base / high forecasts, regret, the robust plan.

Every strategy is planned on every forecast (the candidates). A candidate followed under a
forecast is topped up in each month it falls short, by buying exactly the shortfall; its
cost there is the present value with those top-ups. Its regret there is that cost less the
forecast's own optimum. The robust plan is the candidate whose largest regret is least
(ties: the first in order base, low, high and :data:`~smop_pricing.plan.strategies.STRATEGIES`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from smop_pricing.errors import InputError
from smop_pricing.plan.forecast import Forecast, same_months
from smop_pricing.plan.strategies import STRATEGIES, PlanResult, Problem, all_strategies, follow, without_top_ups

CASES = ("base", "low", "high")


@dataclass(frozen=True)
class Outcome:
    """A candidate under one forecast: with top-ups (cost), and its own purchases alone (R3)."""

    case: str
    followed: PlanResult
    alone: PlanResult
    regret: Decimal

    @property
    def top_up_fees(self) -> Decimal:
        return sum((p.fee for p in self.followed.purchases if p.top_up), Decimal(0))


@dataclass(frozen=True)
class Candidate:
    """A strategy planned on the forecast ``planned_on``, and how it fares under each forecast."""

    strategy: str
    planned_on: str
    plan: PlanResult
    outcomes: tuple[Outcome, ...]

    @property
    def worst_regret(self) -> Decimal:
        return max(o.regret for o in self.outcomes)


@dataclass(frozen=True)
class Uncertainty:
    """The candidates, each forecast's optimum, and the robust choice (an index in candidates)."""

    cases: tuple[str, ...]
    optimum: tuple[PlanResult, ...]
    candidates: tuple[Candidate, ...]
    robust: int

    @property
    def robust_candidate(self) -> Candidate:
        return self.candidates[self.robust]


def analyse(problem: Problem, forecasts: Sequence[tuple[str, Forecast]],
            planned: Sequence[PlanResult] | None = None) -> Uncertainty:
    """Plan every strategy on every forecast and follow each plan under every forecast.

    ``forecasts`` are (case, forecast) pairs, one to three, covering the same months; the
    problem's tariff, held units and rate apply to all. ``planned``: the strategies already made
    on the first forecast (``all_strategies`` of its problem, as the page's headline has them),
    used instead of making them again when they are that.
    """
    if not 1 <= len(forecasts) <= len(CASES):
        raise InputError("forecasts", len(forecasts), "range", minimum="1", maximum=f"{len(CASES)}")
    same_months([f for _, f in forecasts])
    problems = tuple(Problem(problem.tariff, f, problem.held_units, problem.rate) for _, f in forecasts)
    cases = tuple(case for case, _ in forecasts)
    first = tuple(planned) if planned is not None else ()
    if [p.name for p in first] != list(STRATEGIES) or any(p.problem != problems[0] for p in first):
        first = all_strategies(problems[0])
    plans = (first, *(all_strategies(p) for p in problems[1:]))
    optimum = tuple(by_name[0] for by_name in plans)  # STRATEGIES begins with "optimal"
    candidates: list[Candidate] = []
    for planned_on, by_name in zip(cases, plans, strict=True):
        for plan in by_name:
            outcomes = []
            for case, other, best in zip(cases, problems, optimum, strict=True):
                followed = follow(plan, other)
                # followed without a top-up holds the plan's own purchases alone: without_top_ups's result
                topped = any(p.top_up for p in followed.purchases)
                alone = without_top_ups(plan, other) if topped else followed
                outcomes.append(Outcome(case, followed, alone, followed.present_value - best.present_value))
            candidates.append(Candidate(plan.name, planned_on, plan, tuple(outcomes)))
    robust = min(range(len(candidates)), key=lambda i: (candidates[i].worst_regret, i))
    return Uncertainty(cases, optimum, tuple(candidates), robust)
