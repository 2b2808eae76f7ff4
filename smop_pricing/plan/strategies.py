"""Purchase plans over a forecast (docs/rules.md R11): the four strategies and what each costs.

A plan is a list of dated purchases (month index, priced by the engine's
:func:`~smop_pricing.pricing.rules.make_purchase`). The platform fee is paid at the start
of every month; a payment in month m is discounted by ``(1 + r) ** (-m / 12)``. Money stays
exact (Decimal) until the present value, which is rounded to the fen at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from functools import cached_property, lru_cache
from typing import Literal

from smop_pricing.errors import InputError
from smop_pricing.money import ZERO, quantize_fen
from smop_pricing.plan.forecast import Forecast
from smop_pricing.plan.optimal import batch_sizes, optimal_units
from smop_pricing.pricing.rules import Purchase, base_fee, capacity, cheapest_cover, make_purchase, units_needed
from smop_pricing.pricing.tariff import Tariff
from smop_pricing.validation import MAX_HELD_UNITS, whole_value

StrategyName = Literal["optimal", "as_you_grow", "quarterly", "upfront"]
STRATEGIES: tuple[StrategyName, ...] = ("optimal", "as_you_grow", "quarterly", "upfront")
MAX_RATE = Decimal(1)
QUARTER = 3


@dataclass(frozen=True)
class PlanPurchase:
    """One purchase of a plan in month ``month`` (0 = the forecast's first)."""

    month: int
    purchase: Purchase
    top_up: bool = False  # bought because the forecast followed outran the plan (uncertainty)

    @property
    def units(self) -> int:
        return self.purchase.units

    @property
    def fee(self) -> Decimal:
        return self.purchase.fee


@dataclass(frozen=True)
class Problem:
    """What a plan is made for: a forecast, a tariff, units held before, an annual discount rate."""

    tariff: Tariff
    forecast: Forecast
    held_units: int = 0
    rate: Decimal = ZERO

    @cached_property
    def need(self) -> tuple[int, ...]:
        """Units each month needs beyond those held before the plan (R3); worked out once per problem
        (the low / base / high analysis asks for it some fifty times)."""
        return tuple(units_needed(self.tariff, users, self.held_units) for users in self.forecast.users)

    @property
    def base_fees(self) -> Decimal:
        return base_fee(self.tariff, self.forecast.months)


@dataclass(frozen=True)
class MonthRow:
    """One month of a plan followed: users, capacity, what was paid."""

    month: int
    users: int
    units_bought: int
    capacity: int
    platform_fee: Decimal
    pack_fee: Decimal

    @property
    def over_users(self) -> int:
        """R3: users past capacity, who cannot use points or activities."""
        return max(0, self.users - self.capacity)


@dataclass(frozen=True)
class PlanResult:
    """A plan under a problem: the purchases and the money; the month rows are made when asked for.

    The low / base / high analysis follows some forty plans and reads only their money and their
    months over capacity, so a plan's rows are not made until something reads them.
    """

    name: str
    problem: Problem
    purchases: tuple[PlanPurchase, ...]
    pack_fees: Decimal
    present_value: Decimal

    @property
    def base_fees(self) -> Decimal:
        return self.problem.base_fees

    @property
    def total(self) -> Decimal:
        return self.pack_fees + self.base_fees

    @property
    def units(self) -> int:
        return sum(p.units for p in self.purchases)

    @cached_property
    def _held(self) -> tuple[tuple[int, ...], tuple[Decimal, ...], tuple[int, ...]]:
        """Per month: the units bought, the pack fees paid, and the units held after that month's purchases."""
        months = self.problem.forecast.months
        bought = [0] * months
        fees = [ZERO] * months
        for item in self.purchases:
            bought[item.month] += item.purchase.units
            fees[item.month] += item.purchase.fee
        held, total = [], self.problem.held_units
        for units in bought:
            total += units
            held.append(total)
        return tuple(bought), tuple(fees), tuple(held)

    @property
    def capacities(self) -> tuple[int, ...]:
        """Each month's capacity after that month's purchases (R3)."""
        tariff = self.problem.tariff
        return tuple(capacity(tariff, units_held) for units_held in self._held[2])

    @property
    def paid(self) -> tuple[Decimal, ...]:
        """What each month pays: the platform fee and that month's packs."""
        monthly = self.problem.tariff.monthly_fee
        return tuple(monthly + fee for fee in self._held[1])

    @cached_property
    def rows(self) -> tuple[MonthRow, ...]:
        """One row a month: users, units bought, capacity, what was paid."""
        return self._rows(range(self.problem.forecast.months))

    @cached_property
    def over(self) -> tuple[tuple[int, int], ...]:
        """R3: (month, users past capacity) for each month with users past capacity, in month order
        (worked out once, without month rows: the uncertainty table and its notes ask for every plan's)."""
        users = self.problem.forecast.users
        return tuple((m, users[m] - cap) for m, cap in enumerate(self.capacities) if users[m] > cap)

    @cached_property
    def over_months(self) -> tuple[MonthRow, ...]:
        """The rows of the months with users past capacity."""
        return self._rows([m for m, _ in self.over])

    def _rows(self, months: Sequence[int]) -> tuple[MonthRow, ...]:
        tariff, users = self.problem.tariff, self.problem.forecast.users
        monthly = tariff.monthly_fee
        bought, fees, held = self._held
        return tuple(_row(m, users[m], bought[m], capacity(tariff, held[m]), monthly, fees[m]) for m in months)


def check_rate(rate: Decimal) -> Decimal:
    if not isinstance(rate, Decimal) or not rate.is_finite() or not ZERO <= rate <= MAX_RATE:
        raise InputError("rate", str(rate), "range", minimum="0", maximum="1")
    return rate


def check_held(held: int) -> int:
    return whole_value("held_units", held, 0, MAX_HELD_UNITS)


def parse_rate(text: object, field: str = "rate") -> Decimal:
    """An annual discount rate as a fraction (``0.08``) or a percentage (``8%``), 0 to 1."""
    if isinstance(text, Decimal):
        value = text
    elif isinstance(text, str) and 0 < len(text.strip()) <= 20:
        cleaned = text.strip().replace("％", "%")
        percent = cleaned.endswith("%")
        try:
            value = Decimal(cleaned.removesuffix("%").strip())
        except InvalidOperation:
            raise InputError(field, text.strip(), "plan_rate") from None
        if percent and value.is_finite():
            value = value / 100
    else:
        raise InputError(field, str(text)[:40], "plan_rate")
    if not value.is_finite() or not ZERO <= value <= MAX_RATE:
        raise InputError(field, str(text).strip()[:40], "plan_rate")
    return value.normalize() if value else ZERO


@lru_cache(maxsize=64)
def discount_factors(rate: Decimal, months: int) -> tuple[Decimal, ...]:
    """(1 + r) ** (-m / 12) for m = 0 .. months - 1, to 34 significant digits."""
    with localcontext() as context:
        context.prec = 34
        base = 1 + rate
        return tuple(Decimal(1) if m == 0 else base ** (Decimal(-m) / 12) for m in range(months))


def present_value(payments: Sequence[Decimal], rate: Decimal) -> Decimal:
    """The payments (one per month, from month 0) discounted at ``rate``, rounded to the fen."""
    factors = discount_factors(rate, len(payments))
    with localcontext() as context:
        context.prec = 34
        total = sum((p * f for p, f in zip(payments, factors, strict=True)), ZERO)
    return quantize_fen(total)


def _purchases(tariff: Tariff, units_by_month: Sequence[int]) -> tuple[PlanPurchase, ...]:
    out: list[PlanPurchase] = []
    sizes: dict[int, tuple[int, ...]] = {}  # a steady forecast buys the same units month after month:
    priced: dict[int, Purchase] = {}  # each batch split and each size priced once
    for month, units in enumerate(units_by_month):
        if units not in sizes:
            sizes[units] = batch_sizes(tariff, units)
        for size in sizes[units]:
            if size not in priced:
                priced[size] = make_purchase(tariff, size)
            out.append(PlanPurchase(month, priced[size]))
    return tuple(out)


def _row(month: int, users: int, units_bought: int, capacity: int, platform_fee: Decimal,
         pack_fee: Decimal) -> MonthRow:
    """``MonthRow(...)`` without the frozen dataclass's checked ``__init__`` (one ``object.__setattr__``
    a field): the same row, in half the time. The low / base / high analysis makes a thousand or more."""
    row = object.__new__(MonthRow)
    row.__dict__.update(month=month, users=users, units_bought=units_bought, capacity=capacity,
                        platform_fee=platform_fee, pack_fee=pack_fee)
    return row


def evaluate(name: str, problem: Problem, purchases: Sequence[PlanPurchase]) -> PlanResult:
    """The pack fees and present value of ``purchases`` under ``problem`` (the month rows follow on demand)."""
    fees = [ZERO] * problem.forecast.months
    for item in purchases:
        fees[item.month] += item.purchase.fee
    monthly = problem.tariff.monthly_fee
    return PlanResult(
        name=name,
        problem=problem,
        purchases=tuple(sorted(purchases, key=lambda p: (p.month, p.top_up))),
        pack_fees=sum(fees, ZERO),
        present_value=present_value([monthly + fee for fee in fees], problem.rate),
    )


def as_you_grow_units(need: Sequence[int]) -> tuple[int, ...]:
    """Each month exactly the shortfall."""
    bought, out = 0, []
    for n in need:
        k = max(0, n - bought)
        out.append(k)
        bought += k
    return tuple(out)


def quarterly_units(need: Sequence[int]) -> tuple[int, ...]:
    """In months 0, 3, 6, ... what the coming three months need, as one purchase."""
    bought, out = 0, [0] * len(need)
    for m in range(0, len(need), QUARTER):
        k = max(0, max(need[m : m + QUARTER]) - bought)
        out[m] = k
        bought += k
    return tuple(out)


def upfront_purchases(problem: Problem) -> tuple[PlanPurchase, ...]:
    """In month 0 the cheapest covering purchase (R9) for the peak."""
    peak = max(0, max(problem.need))
    cover = cheapest_cover(problem.tariff, peak)
    return tuple(PlanPurchase(0, p) for p in cover.purchases)


def strategy(name: str, problem: Problem) -> PlanResult:
    """The plan ``name`` (one of :data:`STRATEGIES`) made for ``problem``."""
    check_rate(problem.rate)
    check_held(problem.held_units)
    need = problem.need
    if name == "optimal":
        purchases = _purchases(problem.tariff, optimal_units(problem.tariff, need, problem.rate))
    elif name == "as_you_grow":
        purchases = _purchases(problem.tariff, as_you_grow_units(need))
    elif name == "quarterly":
        purchases = _purchases(problem.tariff, quarterly_units(need))
    elif name == "upfront":
        purchases = upfront_purchases(problem)
    else:
        raise InputError("strategy", name, "plan_strategy", strategies=", ".join(STRATEGIES))
    return evaluate(name, problem, purchases)


def all_strategies(problem: Problem) -> tuple[PlanResult, ...]:
    """Every strategy, in :data:`STRATEGIES` order."""
    return tuple(strategy(name, problem) for name in STRATEGIES)


def follow(plan: PlanResult, problem: Problem) -> PlanResult:
    """``plan``'s purchases under another forecast, topped up each month it falls short (R11).

    A month whose users exceed the plan's capacity buys exactly the shortfall that month.
    """
    if plan.problem.forecast.months != problem.forecast.months:
        raise InputError("forecast", problem.forecast.months, "plan_forecasts_differ")
    bought_by_plan = [0] * problem.forecast.months
    for item in plan.purchases:
        if not item.top_up:
            bought_by_plan[item.month] += item.units
    purchases = [p for p in plan.purchases if not p.top_up]
    bought, topped = 0, False
    priced: dict[int, Purchase] = {}  # a top-up of k units, priced once (a steady forecast repeats k)
    for m, n in enumerate(problem.need):
        bought += bought_by_plan[m]
        short = n - bought
        if short > 0:
            if short not in priced:
                priced[short] = make_purchase(problem.tariff, short)
            purchases.append(PlanPurchase(m, priced[short], top_up=True))
            bought += short
            topped = True
    if not topped and len(purchases) == len(plan.purchases) and problem == plan.problem:
        return plan  # nothing bought or dropped, the same problem: evaluate would give plan again
    return evaluate(plan.name, problem, purchases)


def without_top_ups(plan: PlanResult, problem: Problem) -> PlanResult:
    """``plan``'s own purchases under ``problem`` (months over capacity left as they are)."""
    own = [p for p in plan.purchases if not p.top_up]
    if len(own) == len(plan.purchases) and problem == plan.problem:
        return plan  # the same purchases under the same problem: evaluate would give plan again
    return evaluate(plan.name, problem, own)
