"""The lifecycle's values: states, bounds, events, settings, scenarios, periods, ledger entries, results."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import ClassVar, Literal

import pandas as pd

from smop_pricing.pricing.rules import MAX_MONTHS, MAX_USERS
from smop_pricing.pricing.tariff import Tariff

State = Literal["active", "stopped", "reclaimed"]
STATES: tuple[State, ...] = ("active", "stopped", "reclaimed")
ACTIONS = ("purchase", "renew", "buy_packs", "set_users", "auto_renew")

MAX_SPAN_DAYS = 7_305  # 20 years
MAX_EVENTS = 2_000
MAX_PACK_UNITS = 10_000  # per purchase
MAX_PREPAID_MONTHS = 1_200  # an expiry at most 100 years after the day it is set
MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2100, 12, 31)

_ACTIVE, _STOPPED, _RECLAIMED = 0, 1, 2
_EPOCH = date(1970, 1, 1).toordinal()
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SCENARIO_KEYS = ("start", "months", "until", "users", "settings", "tariff", "events")
_ALLOWED: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "purchase": ("months",),
    "renew": ("months",),
    "buy_packs": ("units",),
    "set_users": ("users",),
    "auto_renew": ("on", "months"),
})
_REQUIRED: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "purchase": ("months",),
    "renew": ("months",),
    "buy_packs": ("units",),
    "set_users": ("users",),
    "auto_renew": ("on",),
})
_BOUNDS = MappingProxyType({"months": (1, MAX_MONTHS), "units": (1, MAX_PACK_UNITS), "users": (0, MAX_USERS)})

Day = date
ParamValue = str | int | Decimal | date
Params = tuple[tuple[str, ParamValue], ...]


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class Event:
    """One dated action; only the fields its action uses are set."""

    date: date
    action: str
    months: int | None = None
    units: int | None = None
    users: int | None = None
    on: bool | None = None


_EVENT_FIELDS = tuple(f.name for f in fields(Event) if f.default is None)  # months, units, users, on


@dataclass(frozen=True)
class Settings:
    """Scenario settings; ``None`` takes the tariff's default. Lock days 0 = no lock."""

    packs_survive_lapse: bool | None = None
    over_quota_lock_days: int | None = None
    warn_ratio: Decimal | None = None
    auto_renew_months: int | None = None


_SETTING_KEYS = tuple(f.name for f in fields(Settings))


@dataclass(frozen=True)
class EffectiveSettings:
    """The settings a simulation used (every assumption, for display)."""

    packs_survive_lapse: bool
    over_quota_lock_days: int
    warn_ratio: Decimal
    auto_renew_months: int
    grace_months: int


@dataclass(frozen=True)
class Scenario:
    """First purchase on ``start`` for ``months``; simulated on days start <= d < until."""

    start: date
    months: int
    until: date
    users: int
    settings: Settings = Settings()
    events: tuple[Event, ...] = ()
    tariff: str | None = None

    @property
    def days(self) -> int:
        return (self.until - self.start).days


@dataclass(frozen=True)
class Period:
    """Days ``start <= d < end`` in one state."""

    state: State
    start: date
    end: date


@dataclass(frozen=True)
class Run:
    """A run of days ``start <= d < end`` (over quota, console locked or warned).

    ``peak_over`` is the most users over capacity on one day of the run (those who
    cannot use points or activities); ``peak_users`` the most users.
    """

    start: date
    end: date
    peak_over: int
    peak_users: int


@dataclass(frozen=True)
class LedgerEntry:
    """A charge. ``item``: purchase, renew, auto_renew or buy_packs.

    ``expiry`` is the expiry after a term item (None for packs); ``event`` the index
    in ``scenario.events`` (None for the first purchase and auto-renewals).
    """

    date: date
    item: str
    ITEMS: ClassVar[tuple[str, ...]] = ("purchase", "renew", "auto_renew", "buy_packs")  # what ``item`` is
    amount: Decimal
    months: int | None = None
    units: int | None = None
    expiry: Day | None = None
    event: int | None = None


class _Worded:
    """A text key's parameters, kept as a tuple of pairs (immutable), given back as keyword arguments."""

    params: Params

    def kwargs(self) -> dict[str, ParamValue]:
        return dict(self.params)


@dataclass(frozen=True)
class Rejection(_Worded):
    """A refused action: ``reason`` is a key (``lifecycle.reason_<reason>``) with params."""

    date: date
    action: str
    event: int
    reason: str
    params: Params = ()


@dataclass(frozen=True)
class Note(_Worded):
    """One dated line of the narrative: ``lifecycle.note_<key>`` with params."""

    date: date
    key: str
    params: Params = ()


@dataclass(frozen=True)
class SimulationResult:
    """A simulated scenario: its days by state, what was charged and refused, runs, notes, the end state."""

    scenario: Scenario
    tariff: Tariff
    settings: EffectiveSettings
    total_paid: Decimal
    periods: tuple[Period, ...]
    ledger: tuple[LedgerEntry, ...]
    rejected: tuple[Rejection, ...]
    over_quota: tuple[Run, ...]
    console_locked: tuple[Run, ...]
    warnings: tuple[Run, ...]
    notes: tuple[Note, ...]
    final_state: State
    final_expiry: date
    reclamation: date
    """The reclamation day of ``final_expiry`` (past when reclaimed, else if never renewed)."""
    daily: pd.DataFrame = field(compare=False, repr=False)
    """One row per day: date, state, users, capacity, packs_in_effect,
    over_quota_users, console_locked, warning."""


