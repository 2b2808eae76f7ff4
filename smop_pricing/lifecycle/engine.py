"""The lifecycle simulator: R2-R7 of docs/rules.md day by day.

A :class:`Scenario` (first purchase, term, span, users, settings, dated events) is
simulated against a tariff into a :class:`SimulationResult`: state periods, the
ledger, refused actions with structured reasons, over-quota / console-lock /
warning runs, a timeline of dated notes and a daily DataFrame.

Rules, in the order one day is processed (R4):

1. What happens by itself: on the expiry day an active service auto-renews (when
   the switch is on) or stops; on expiry + ``grace_months`` a stopped service is
   reclaimed.
2. The day's events in their order (events are sorted by date, stably).
3. The day's row: state, users, capacity, over-quota users, console lock, warning.

Bounds (this tool's, not the tariff's): a span of at most :data:`MAX_SPAN_DAYS`
days, at most :data:`MAX_EVENTS` events, dates within :data:`MIN_DATE` ..
:data:`MAX_DATE`, months 1-120, pack units 1-10,000 per purchase, users
0-100,000,000, and an expiry at most :data:`MAX_PREPAID_MONTHS` months ahead.
"""

from __future__ import annotations

import itertools
from datetime import date
from decimal import ROUND_CEILING, Decimal

import numpy as np
import numpy.typing as npt
import pandas as pd

from smop_pricing.errors import ScenarioError, SmopError
from smop_pricing.lifecycle.model import (
    _ACTIVE,
    _EPOCH,
    _RECLAIMED,
    _STOPPED,
    MAX_PREPAID_MONTHS,
    STATES,
    EffectiveSettings,
    Event,
    LedgerEntry,
    Note,
    ParamValue,
    Period,
    Rejection,
    Run,
    Scenario,
    Settings,
    SimulationResult,
)
from smop_pricing.lifecycle.scenario import parse_scenario, scenario_to_dict
from smop_pricing.money import ZERO, ratio_percent
from smop_pricing.pricing.rules import base_fee, capacity, purchase_fee, reclamation_day, term_end
from smop_pricing.pricing.tariff import Tariff, published_tariff

# --------------------------------------------------------------------------- simulation


def effective_settings(settings: Settings, tariff: Tariff) -> EffectiveSettings:
    """Fill the scenario's unset settings from the tariff (auto-renewal term: 1 month)."""
    return EffectiveSettings(
        packs_survive_lapse=(
            tariff.packs_survive_lapse if settings.packs_survive_lapse is None
            else settings.packs_survive_lapse
        ),
        over_quota_lock_days=(
            tariff.over_quota_lock_days if settings.over_quota_lock_days is None
            else settings.over_quota_lock_days
        ),
        warn_ratio=tariff.warn_ratio if settings.warn_ratio is None else settings.warn_ratio,
        auto_renew_months=1 if settings.auto_renew_months is None else settings.auto_renew_months,
        grace_months=tariff.grace_months,
    )


def _warn_threshold(ratio: Decimal, cap: int) -> int:
    """Smallest user count that reaches ``ratio`` of ``cap``."""
    return int((ratio * cap).to_integral_value(rounding=ROUND_CEILING))


class _Machine:
    """The per-simulation state (one instance per call: no shared data)."""

    def __init__(self, scenario: Scenario, tariff: Tariff, settings: EffectiveSettings) -> None:
        self.tariff = tariff
        self.settings = settings
        self.state = _ACTIVE
        self.users = scenario.users
        self.held = 0  # pack units held (in effect only while active)
        self.auto_on = False
        self.auto_months = settings.auto_renew_months
        self.expiry = term_end(scenario.start, scenario.months)
        self.stopped_on: date | None = None
        self.reclaimed_on: date | None = None
        self.stop_note: int | None = None  # index in notes of today's stop
        self.ledger: list[LedgerEntry] = []
        self.rejected: list[Rejection] = []
        self.notes: list[Note] = []
        amount = base_fee(tariff, scenario.months)
        self.ledger.append(LedgerEntry(scenario.start, "purchase", amount, months=scenario.months,
                                       expiry=self.expiry))
        self.note(scenario.start, "purchase", months=scenario.months, amount=amount, expiry=self.expiry)

    # -- helpers
    def note(self, day: date, key: str, **params: ParamValue) -> None:
        self.notes.append(Note(day, key, tuple(params.items())))

    def reclaim_day(self) -> date:
        return reclamation_day(self.expiry, self.settings.grace_months)

    def next_auto(self) -> int:
        if self.state == _ACTIVE:
            return self.expiry.toordinal()
        if self.state == _STOPPED:
            return self.reclaim_day().toordinal()
        return -1

    def in_effect(self) -> int:
        return self.held if self.state == _ACTIVE else 0

    def capacity(self) -> int:
        return capacity(self.tariff, self.held) if self.state == _ACTIVE else 0

    def refuse(self, day: date, index: int, event: Event, reason: str, **params: ParamValue) -> None:
        self.rejected.append(Rejection(day, event.action, index, reason, tuple(params.items())))
        self.note(day, "refused", action=event.action, reason=reason, **params)

    # -- 1. what happens by itself
    def automatic(self, day: date) -> None:
        self.stop_note = None
        if self.state == _ACTIVE and day == self.expiry:
            if self.auto_on:
                months = self.auto_months
                amount = base_fee(self.tariff, months)
                self.expiry = term_end(self.expiry, months)
                self.ledger.append(LedgerEntry(day, "auto_renew", amount, months=months, expiry=self.expiry))
                self.note(day, "auto_renew", months=months, amount=amount, expiry=self.expiry)
            else:
                self.state = _STOPPED
                self.stopped_on = day
                self.stop_note = len(self.notes)
                if not self.settings.packs_survive_lapse and self.held:
                    self.note(day, "stopped_packs_lost", reclaim=self.reclaim_day(), units=self.held)
                    self.held = 0
                    self.stop_note = None  # the lost packs stay told even after a same-day renewal
                else:
                    self.note(day, "stopped", reclaim=self.reclaim_day())
        if self.state == _STOPPED and day == self.reclaim_day():
            self.state = _RECLAIMED
            self.reclaimed_on = day
            self.note(day, "reclaimed", months=self.settings.grace_months, units=self.held)
            self.held = 0

    # -- 2. the day's events
    def apply(self, day: date, index: int, event: Event) -> None:
        action = event.action
        if action == "set_users":
            assert event.users is not None
            self.users = event.users
            self.note(day, "set_users", users=event.users)
        elif action == "auto_renew":
            assert event.on is not None
            if event.months is not None:
                self.auto_months = event.months
            self.auto_on = event.on
            if event.on:
                self.note(day, "auto_on", months=self.auto_months)
            else:
                self.note(day, "auto_off")
        elif action == "purchase":
            self._purchase(day, index, event)
        elif action == "renew":
            self._renew(day, index, event)
        elif action == "buy_packs":
            self._buy_packs(day, index, event)

    def _purchase(self, day: date, index: int, event: Event) -> None:
        assert event.months is not None
        if self.state == _ACTIVE:
            self.refuse(day, index, event, "purchase_active", expiry=self.expiry)
            return
        if self.state == _STOPPED:
            assert self.stopped_on is not None
            self.refuse(day, index, event, "purchase_stopped", stopped=self.stopped_on,
                        reclaim=self.reclaim_day())
            return
        months = event.months
        amount = base_fee(self.tariff, months)
        self.state = _ACTIVE
        self.held = 0
        self.expiry = term_end(day, months)
        self.ledger.append(
            LedgerEntry(day, "purchase", amount, months=months, expiry=self.expiry, event=index)
        )
        self.note(day, "purchase_new", months=months, amount=amount, expiry=self.expiry)

    def _renew(self, day: date, index: int, event: Event) -> None:
        assert event.months is not None
        months = event.months
        if self.state == _RECLAIMED:
            assert self.reclaimed_on is not None
            self.refuse(day, index, event, "renew_reclaimed", reclaimed=self.reclaimed_on)
            return
        amount = base_fee(self.tariff, months)
        if self.state == _ACTIVE:
            new_expiry = term_end(self.expiry, months)
            limit = term_end(day, MAX_PREPAID_MONTHS)
            if new_expiry > limit:
                self.refuse(day, index, event, "renew_too_far", expiry=new_expiry,
                            years=MAX_PREPAID_MONTHS // 12)
                return
            old = self.expiry
            self.expiry = new_expiry
            self.ledger.append(
                LedgerEntry(day, "renew", amount, months=months, expiry=new_expiry, event=index)
            )
            self.note(day, "renew", months=months, amount=amount, old=old, expiry=new_expiry)
            return
        # stopped: restart on the renewal day; packs held resume (R5)
        old = self.expiry
        self.state = _ACTIVE
        self.expiry = term_end(day, months)
        self.ledger.append(LedgerEntry(day, "renew", amount, months=months, expiry=self.expiry, event=index))
        if self.stop_note is not None and self.stopped_on == day:
            # renewed on the expiry day itself: no stopped day (R4), so no stop to tell
            self.notes[self.stop_note] = Note(day, "", ())
            self.stop_note = None
            self.note(day, "renew", months=months, amount=amount, old=old, expiry=self.expiry)
        elif self.held:
            self.note(day, "renew_resume_packs", months=months, amount=amount, expiry=self.expiry,
                      units=self.held)
        else:
            self.note(day, "renew_resume", months=months, amount=amount, expiry=self.expiry)

    def _buy_packs(self, day: date, index: int, event: Event) -> None:
        assert event.units is not None
        if self.state == _STOPPED:
            assert self.stopped_on is not None
            self.refuse(day, index, event, "packs_stopped", stopped=self.stopped_on)
            return
        if self.state == _RECLAIMED:
            assert self.reclaimed_on is not None
            self.refuse(day, index, event, "packs_reclaimed", reclaimed=self.reclaimed_on)
            return
        amount = purchase_fee(self.tariff, event.units)  # R9: priced by its own size only
        self.held += event.units
        self.ledger.append(LedgerEntry(day, "buy_packs", amount, units=event.units, event=index))
        self.note(day, "buy_packs", units=event.units, amount=amount, capacity=self.capacity())


IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def _runs(mask: BoolArray) -> list[tuple[int, int]]:
    """[start, end) index pairs of the True runs of ``mask``."""
    if not mask.any():
        return []
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(), strict=True))


def simulate(scenario: Scenario, tariff: Tariff | None = None) -> SimulationResult:
    """Simulate ``scenario`` (docs/rules.md R2-R7) under ``tariff`` (default: the published one).

    ``scenario.tariff`` is not read here: pass :func:`scenario_tariff` (the command
    line does). A scenario built in Python is validated like a parsed one first.
    Days with an event or an automatic transition are processed one by one; the
    days between them, which change nothing but the over-quota count, are written
    as a block, so the result equals a plain day loop (a property test recounts it).
    """
    if tariff is None:
        tariff = published_tariff()
    scenario = _checked(scenario)
    settings = effective_settings(scenario.settings, tariff)
    machine = _Machine(scenario, tariff, settings)
    start_o = scenario.start.toordinal()
    until_o = scenario.until.toordinal()
    days = until_o - start_o

    by_day: dict[int, list[int]] = {}
    for index, event in enumerate(scenario.events):
        by_day.setdefault(event.date.toordinal(), []).append(index)
    events = scenario.events

    states = np.empty(days, dtype=np.int8)
    users_col = np.empty(days, dtype=np.int64)
    cap_col = np.empty(days, dtype=np.int64)
    packs_col = np.empty(days, dtype=np.int64)
    over_col = np.empty(days, dtype=np.int64)
    locked_col = np.zeros(days, dtype=np.bool_)
    warn_col = np.zeros(days, dtype=np.bool_)

    lock_days = settings.over_quota_lock_days
    ratio = settings.warn_ratio
    next_auto = machine.next_auto()
    state, users, cap, threshold, packs = _ACTIVE, machine.users, machine.capacity(), 0, 0
    threshold = _warn_threshold(ratio, cap)
    packs = machine.in_effect()
    run = 0
    # Rows are written in segments: between two days on which something happens,
    # state, users and capacity are constant; only the over-quota run grows.
    changes = sorted({o for o in by_day if o > start_o} | {start_o})
    position = 0
    o = start_o
    while o < until_o:
        todays = by_day.get(o)
        if o == next_auto or todays:
            day = date.fromordinal(o)
            machine.automatic(day)
            for index in todays or ():
                machine.apply(day, index, events[index])
            state, users, cap, packs = machine.state, machine.users, machine.capacity(), machine.in_effect()
            threshold = _warn_threshold(ratio, cap)
            next_auto = machine.next_auto()
        # the segment runs to the next event day or automatic transition
        while position < len(changes) and changes[position] <= o:
            position += 1
        end = min(until_o, changes[position] if position < len(changes) else until_o)
        if o < next_auto < end:
            end = next_auto
        lo, hi = o - start_o, end - start_o
        states[lo:hi] = state
        users_col[lo:hi] = users
        cap_col[lo:hi] = cap
        packs_col[lo:hi] = packs
        if state == _ACTIVE and users > cap:
            over_col[lo:hi] = users - cap
            if lock_days:
                first_locked = lo + max(0, lock_days - run)  # the (lock_days + 1)-th day running
                if first_locked < hi:
                    locked_col[first_locked:hi] = True
            run += hi - lo
        else:
            over_col[lo:hi] = 0
            run = 0
        if state == _ACTIVE and users >= threshold:
            warn_col[lo:hi] = True
        o = end

    return _result(scenario, tariff, settings, machine, start_o, states, users_col, cap_col, packs_col,
                   over_col, locked_col, warn_col)


def _checked(scenario: Scenario) -> Scenario:
    """A scenario built in Python goes through the same validation as a parsed one."""
    try:
        return parse_scenario(scenario_to_dict(scenario))
    except SmopError:
        raise
    except (AttributeError, TypeError, ValueError) as exc:
        raise ScenarioError("scenario", type(exc).__name__, "scenario_object") from None


def _result(
    scenario: Scenario,
    tariff: Tariff,
    settings: EffectiveSettings,
    machine: _Machine,
    start_o: int,
    states: npt.NDArray[np.int8],
    users_col: IntArray,
    cap_col: IntArray,
    packs_col: IntArray,
    over_col: IntArray,
    locked_col: BoolArray,
    warn_col: BoolArray,
) -> SimulationResult:
    days = len(states)

    def day_of(i: int) -> date:
        return date.fromordinal(start_o + i)

    bounds = [0, *(np.flatnonzero(np.diff(states)) + 1).tolist(), days]
    periods = tuple(
        Period(STATES[int(states[a])], day_of(a), day_of(b)) for a, b in itertools.pairwise(bounds)
    )

    def runs(mask: BoolArray) -> tuple[Run, ...]:
        return tuple(
            Run(day_of(a), day_of(b), int(over_col[a:b].max()), int(users_col[a:b].max()))
            for a, b in _runs(mask)
        )

    over_mask = over_col > 0
    over_quota = runs(over_mask)
    locked = runs(locked_col)
    warnings = runs(warn_col)

    status: list[Note] = []
    for a, b in _runs(over_mask):
        status.append(Note(day_of(a), "over_start", (("over", int(over_col[a])), ("users", int(users_col[a])),
                                                      ("capacity", int(cap_col[a])))))
        if b < days and states[b] == _ACTIVE:
            status.append(Note(day_of(b), "over_end", (("users", int(users_col[b])),
                                                       ("capacity", int(cap_col[b])))))
    for a, b in _runs(locked_col):
        status.append(Note(day_of(a), "lock_start", (("days", settings.over_quota_lock_days),)))
        if b < days and states[b] == _ACTIVE:
            status.append(Note(day_of(b), "lock_end", ()))
    for a, _b in _runs(warn_col):
        if not over_mask[a]:
            percent = ratio_percent(settings.warn_ratio)
            status.append(Note(day_of(a), "warning", (("percent", percent), ("users", int(users_col[a])),
                                                      ("capacity", int(cap_col[a])))))
    status.sort(key=lambda n: n.date)
    notes = _merge_notes([n for n in machine.notes if n.key], status)

    ledger = tuple(machine.ledger)
    state_name = STATES[machine.state]
    daily = pd.DataFrame(
        {
            "date": (np.arange(start_o, start_o + days, dtype=np.int64) - _EPOCH).astype("datetime64[D]"),
            "state": pd.Categorical.from_codes(states, categories=pd.Index(list(STATES))),
            "users": users_col,
            "capacity": cap_col,
            "packs_in_effect": packs_col,
            "over_quota_users": over_col,
            "console_locked": locked_col,
            "warning": warn_col,
        }
    )
    return SimulationResult(
        scenario=scenario,
        tariff=tariff,
        settings=settings,
        periods=periods,
        ledger=ledger,
        total_paid=sum((e.amount for e in ledger), ZERO),
        rejected=tuple(machine.rejected),
        over_quota=over_quota,
        console_locked=locked,
        warnings=warnings,
        notes=notes,
        final_state=state_name,
        final_expiry=machine.expiry,
        reclamation=(
            machine.reclaimed_on if machine.state == _RECLAIMED and machine.reclaimed_on is not None
            else machine.reclaim_day()
        ),
        daily=daily,
    )


def _merge_notes(actions: list[Note], status: list[Note]) -> tuple[Note, ...]:
    """By date; within a day the actions (in their order) come before the day's status."""
    merged: list[Note] = []
    i = j = 0
    while i < len(actions) or j < len(status):
        if j >= len(status) or (i < len(actions) and actions[i].date <= status[j].date):
            merged.append(actions[i])
            i += 1
        else:
            merged.append(status[j])
            j += 1
    return tuple(merged)
