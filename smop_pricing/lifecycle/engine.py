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
import json
import math
import numbers
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from dateutil.relativedelta import relativedelta

from smop_pricing.errors import ScenarioError, SmopError
from smop_pricing.money import ZERO
from smop_pricing.pricing.rules import MAX_MONTHS, MAX_USERS, capacity, purchase_fee
from smop_pricing.pricing.tariff import Tariff, load_tariff, published_tariff

State = Literal["active", "stopped", "reclaimed"]
STATES: tuple[State, ...] = ("active", "stopped", "reclaimed")
ACTIONS = ("purchase", "renew", "buy_packs", "set_users", "auto_renew")

MAX_SPAN_DAYS = 7_305  # 20 years
MAX_EVENTS = 2_000
MAX_PACK_UNITS = 10_000  # per purchase
MAX_PREPAID_MONTHS = 1_200  # an expiry at most 100 years after the day it is set
MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2100, 12, 31)
MAX_FILE_BYTES = 1_000_000

_ACTIVE, _STOPPED, _RECLAIMED = 0, 1, 2
_EPOCH = date(1970, 1, 1).toordinal()
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SCENARIO_KEYS = ("start", "months", "until", "users", "settings", "tariff", "events")
_SETTING_KEYS = ("packs_survive_lapse", "over_quota_lock_days", "warn_ratio", "auto_renew_months")
_EVENT_FIELDS = ("months", "units", "users", "on")
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


@dataclass(frozen=True)
class Settings:
    """Scenario settings; ``None`` takes the tariff's default. Lock days 0 = no lock."""

    packs_survive_lapse: bool | None = None
    over_quota_lock_days: int | None = None
    warn_ratio: Decimal | None = None
    auto_renew_months: int | None = None


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
    amount: Decimal
    months: int | None = None
    units: int | None = None
    expiry: Day | None = None
    event: int | None = None


@dataclass(frozen=True)
class Rejection:
    """A refused action: ``reason`` is a key (``lifecycle.reason_<reason>``) with params."""

    date: date
    action: str
    event: int
    reason: str
    params: Params = ()

    def kwargs(self) -> dict[str, ParamValue]:
        return dict(self.params)


@dataclass(frozen=True)
class Note:
    """One dated line of the narrative: ``lifecycle.note_<key>`` with params."""

    date: date
    key: str
    params: Params = ()

    def kwargs(self) -> dict[str, ParamValue]:
        return dict(self.params)


@dataclass(frozen=True)
class SimulationResult:
    scenario: Scenario
    tariff: Tariff
    settings: EffectiveSettings
    periods: tuple[Period, ...]
    ledger: tuple[LedgerEntry, ...]
    total_paid: Decimal
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


# --------------------------------------------------------------------------- parsing


def _absent(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN / NaT from a data editor
    except (TypeError, ValueError, ArithmeticError):
        return False


def _integral(value: float | Decimal) -> bool:
    if isinstance(value, Decimal):
        return value.is_finite() and value == value.to_integral_value()
    return math.isfinite(value) and value.is_integer()


def _whole(where: str, value: object, minimum: int, maximum: int) -> int:
    if isinstance(value, (float, Decimal)) and _integral(value) and not minimum <= value <= maximum:
        # before int(): 1.23E+1470154027781814 is a whole number that would take all memory
        raise ScenarioError(where, str(value), "range", minimum=f"{minimum:,}", maximum=f"{maximum:,}")
    number: int | None = None
    if not isinstance(value, bool) and (
        isinstance(value, numbers.Integral) or (isinstance(value, (float, Decimal)) and _integral(value))
    ):
        number = int(value)
    if number is None:
        raise ScenarioError(where, value, "whole_number", minimum=f"{minimum:,}", maximum=f"{maximum:,}")
    if not minimum <= number <= maximum:
        raise ScenarioError(where, number, "range", minimum=f"{minimum:,}", maximum=f"{maximum:,}")
    return number


def _date(where: str, value: object) -> date:
    day: date | None = None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            day = None
    if day is None:
        raise ScenarioError(where, value, "date")
    if not MIN_DATE <= day <= MAX_DATE:
        raise ScenarioError(where, day.isoformat(), "date_range", minimum=MIN_DATE, maximum=MAX_DATE)
    return day


def _bool(where: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ScenarioError(where, value, "bool")
    return value


def _ratio(where: str, value: object) -> Decimal:
    ratio = Decimal("NaN")
    if isinstance(value, (str, int, float, Decimal)) and not isinstance(value, bool):
        try:
            ratio = Decimal(str(value).strip())
        except InvalidOperation:
            ratio = Decimal("NaN")
    if not ratio.is_finite() or not Decimal(0) < ratio <= Decimal(1):
        raise ScenarioError(where, value, "ratio")
    return ratio


def parse_event(raw: object, index: int, start: date | None = None, until: date | None = None) -> Event:
    """Validate one raw event (a mapping); errors name ``events[<index>].<field>``.

    A field whose value is None (or NaN, as a data editor gives for empty cells)
    counts as absent. With ``start``/``until`` the date must be in [start, until).
    """
    where = f"events[{index}]"
    if not isinstance(raw, Mapping):
        raise ScenarioError(where, raw if isinstance(raw, (int, str)) else type(raw).__name__, "event_object")
    for key in raw:
        if key not in ("date", "action", *_EVENT_FIELDS):
            raise ScenarioError(f"{where}.{key}", raw[key], "unknown_key")
    action = raw.get("action")
    if _absent(action):
        raise ScenarioError(f"{where}.action", "", "missing")
    if action not in ACTIONS:
        raise ScenarioError(f"{where}.action", action, "action", actions=", ".join(ACTIONS))
    assert isinstance(action, str)
    raw_date = raw.get("date")
    if _absent(raw_date):
        raise ScenarioError(f"{where}.date", "", "missing")
    day = _date(f"{where}.date", raw_date)
    if start is not None and until is not None and not start <= day < until:
        raise ScenarioError(f"{where}.date", day.isoformat(), "event_window", start=start, until=until)
    values: dict[str, Any] = {}
    for name in _EVENT_FIELDS:
        value = raw.get(name)
        if _absent(value):
            if name in _REQUIRED[action]:
                raise ScenarioError(f"{where}.{name}", "", "missing")
            continue
        if name not in _ALLOWED[action]:
            raise ScenarioError(f"{where}.{name}", value, "not_used", action=action)
        if name == "on":
            values[name] = _bool(f"{where}.on", value)
        else:
            low, high = _BOUNDS[name]
            values[name] = _whole(f"{where}.{name}", value, low, high)
    return Event(date=day, action=action, **values)


def validate_events(
    raw_events: Sequence[object], start: date | None = None, until: date | None = None
) -> tuple[tuple[Event, ...], dict[int, ScenarioError]]:
    """Validate events one by one: the valid ones (in their order) and the errors by index.

    A page can mark the bad rows and still simulate the rest; the raw index of
    ``events[k]`` is the k-th index that is not in the errors.
    """
    if len(raw_events) > MAX_EVENTS:
        raise ScenarioError("events", len(raw_events), "events_count", maximum=f"{MAX_EVENTS:,}")
    events: list[Event] = []
    errors: dict[int, ScenarioError] = {}
    for index, raw in enumerate(raw_events):
        try:
            events.append(parse_event(raw, index, start, until))
        except ScenarioError as exc:
            errors[index] = exc
    return tuple(events), errors


def parse_settings(raw: object) -> Settings:
    """Validate the ``settings`` object; absent keys take the tariff's defaults.

    ``over_quota_lock_days``: null or 0 switches the console lock off (docs/rules.md R6).
    """
    if _absent(raw):
        return Settings()
    if not isinstance(raw, Mapping):
        raise ScenarioError("settings", type(raw).__name__, "settings_object")
    for key in raw:
        if key not in _SETTING_KEYS:
            raise ScenarioError(f"settings.{key}", raw[key], "unknown_key")
    survive = raw.get("packs_survive_lapse")
    lock: int | None = None
    if "over_quota_lock_days" in raw:
        value = raw["over_quota_lock_days"]
        lock = 0 if _absent(value) else _whole("settings.over_quota_lock_days", value, 0, 3650)
    ratio = raw.get("warn_ratio")
    term = raw.get("auto_renew_months")
    return Settings(
        packs_survive_lapse=None if survive is None else _bool("settings.packs_survive_lapse", survive),
        over_quota_lock_days=lock,
        warn_ratio=None if ratio is None else _ratio("settings.warn_ratio", ratio),
        auto_renew_months=None if term is None else _whole("settings.auto_renew_months", term, 1, MAX_MONTHS),
    )


def json_text(text: str | bytes, source: str) -> object:
    """JSON text (UTF-8, a BOM allowed) with fractions as Decimal; every problem is a
    :class:`ScenarioError` naming ``source``."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ScenarioError(source, "", "not_utf8") from None

    def no_constants(name: str) -> object:
        raise ValueError(f"{name} is not allowed")

    try:
        return json.loads(text, parse_float=Decimal, parse_constant=no_constants)
    except json.JSONDecodeError as exc:
        detail = f"line {exc.lineno} column {exc.colno}: {exc.msg}"
        raise ScenarioError(source, "", "json", detail=detail) from None
    except (ValueError, RecursionError, ArithmeticError) as exc:  # ArithmeticError: Decimal("0E+10**18")
        raise ScenarioError(source, "", "json", detail=str(exc)[:80] or type(exc).__name__) from None


def parse_scenario(source: Mapping[str, Any] | str | bytes, name: str = "scenario") -> Scenario:
    """Validate a scenario (a mapping or its JSON text); the first problem raises
    :class:`ScenarioError` naming the field (``events[3].units``) and the rule."""
    raw = json_text(source, name) if isinstance(source, (str, bytes)) else source
    if not isinstance(raw, Mapping):
        raise ScenarioError(name, type(raw).__name__, "scenario_object")
    for key in raw:
        if key not in _SCENARIO_KEYS:
            raise ScenarioError(str(key), raw[key], "unknown_key")
    for key in ("start", "months", "until", "users"):
        if _absent(raw.get(key)):
            raise ScenarioError(key, "", "missing")
    start = _date("start", raw["start"])
    months = _whole("months", raw["months"], 1, MAX_MONTHS)
    until = _date("until", raw["until"])
    users = _whole("users", raw["users"], 0, MAX_USERS)
    if until <= start:
        raise ScenarioError("until", until.isoformat(), "until_after_start", start=start)
    if (until - start).days > MAX_SPAN_DAYS:
        raise ScenarioError("until", until.isoformat(), "span", maximum=f"{MAX_SPAN_DAYS:,}", years=20)
    settings = parse_settings(raw.get("settings"))
    tariff = raw.get("tariff")
    if not _absent(tariff) and (not isinstance(tariff, str) or not tariff.strip() or len(tariff) > 1000):
        raise ScenarioError("tariff", tariff, "tariff_path")
    raw_events = raw.get("events")
    if _absent(raw_events):
        raw_events = []
    if not isinstance(raw_events, Sequence) or isinstance(raw_events, (str, bytes)):
        raise ScenarioError("events", type(raw_events).__name__, "events_list")
    events, errors = validate_events(raw_events, start, until)
    if errors:
        raise errors[min(errors)]
    return Scenario(
        start=start,
        months=months,
        until=until,
        users=users,
        settings=settings,
        events=events,
        tariff=None if _absent(tariff) else str(tariff),
    )


def event_to_dict(event: Event) -> dict[str, Any]:
    """An event as JSON-ready data (only the fields it uses)."""
    out: dict[str, Any] = {"date": event.date.isoformat(), "action": event.action}
    for name in _EVENT_FIELDS:
        value = getattr(event, name)
        if value is not None:
            out[name] = value
    return out


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """JSON-ready data that :func:`parse_scenario` reads back to an equal scenario."""
    out: dict[str, Any] = {
        "start": scenario.start.isoformat(),
        "months": scenario.months,
        "until": scenario.until.isoformat(),
        "users": scenario.users,
    }
    settings: dict[str, Any] = {}
    s = scenario.settings
    if s.packs_survive_lapse is not None:
        settings["packs_survive_lapse"] = s.packs_survive_lapse
    if s.over_quota_lock_days is not None:
        settings["over_quota_lock_days"] = s.over_quota_lock_days
    if s.warn_ratio is not None:
        settings["warn_ratio"] = str(s.warn_ratio)
    if s.auto_renew_months is not None:
        settings["auto_renew_months"] = s.auto_renew_months
    if settings:
        out["settings"] = settings
    if scenario.tariff is not None:
        out["tariff"] = scenario.tariff
    out["events"] = [event_to_dict(e) for e in scenario.events]
    return out


def _read_json_file(path: Path) -> object:
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)  # never more: the file may be huge or endless
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise ScenarioError(str(path), "", "unreadable", reason=reason) from None
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError(str(path), "", "file_large", limit="1 MB")
    return json_text(data, str(path))


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario JSON file (a preset file works too: its ``scenario`` is used).

    A relative ``tariff`` path in the file is taken relative to the file's folder.
    """
    file = Path(path)
    raw = _read_json_file(file)
    if isinstance(raw, Mapping) and "scenario" in raw and "start" not in raw:
        raw = raw["scenario"]
    if not isinstance(raw, Mapping):
        raise ScenarioError(str(file), type(raw).__name__, "scenario_object")
    scenario = parse_scenario(raw, name=str(file))
    if scenario.tariff is not None and not Path(scenario.tariff).is_absolute():
        scenario = replace(scenario, tariff=str(file.parent / scenario.tariff))
    return scenario


def scenario_tariff(scenario: Scenario) -> Tariff:
    """The scenario's what-if tariff when it names one, else the published tariff."""
    if scenario.tariff is None:
        return published_tariff()
    return load_tariff(scenario.tariff)


# --------------------------------------------------------------------------- presets


@dataclass(frozen=True)
class Preset:
    name: str
    order: int
    title_zh: str
    title_en: str
    description_zh: str
    description_en: str
    scenario: Scenario

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh

    def description(self, lang: str) -> str:
        return self.description_en if lang == "en" else self.description_zh


def _preset_names() -> tuple[str, ...]:
    folder = resources.files("smop_pricing.data").joinpath("presets")
    return tuple(sorted(f.name[:-5] for f in folder.iterdir() if f.name.endswith(".json")))


def load_preset(name: str) -> Preset:
    """The shipped preset ``name`` (see :func:`list_presets`)."""
    names = _preset_names()
    if name not in names:
        raise ScenarioError("preset", name, "preset_unknown", names=", ".join(names))
    text = resources.files("smop_pricing.data").joinpath("presets", f"{name}.json").read_text("utf-8")
    raw = json.loads(text)
    title, description = raw["title"], raw["description"]
    return Preset(
        name=name,
        order=int(raw["order"]),
        title_zh=title["zh"],
        title_en=title["en"],
        description_zh=description["zh"],
        description_en=description["en"],
        scenario=parse_scenario(raw["scenario"], name=f"preset {name}"),
    )


def list_presets() -> tuple[Preset, ...]:
    """Every shipped preset, in display order."""
    return tuple(sorted((load_preset(n) for n in _preset_names()), key=lambda p: (p.order, p.name)))


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
        self.expiry = scenario.start + relativedelta(months=scenario.months)
        self.stopped_on: date | None = None
        self.reclaimed_on: date | None = None
        self.stop_note: int | None = None  # index in notes of today's stop
        self.ledger: list[LedgerEntry] = []
        self.rejected: list[Rejection] = []
        self.notes: list[Note] = []
        amount = tariff.monthly_fee * scenario.months
        self.ledger.append(LedgerEntry(scenario.start, "purchase", amount, months=scenario.months,
                                       expiry=self.expiry))
        self.note(scenario.start, "purchase", months=scenario.months, amount=amount, expiry=self.expiry)

    # -- helpers
    def note(self, day: date, key: str, **params: ParamValue) -> None:
        self.notes.append(Note(day, key, tuple(params.items())))

    def reclaim_day(self) -> date:
        return self.expiry + relativedelta(months=self.settings.grace_months)

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
                amount = self.tariff.monthly_fee * months
                self.expiry = self.expiry + relativedelta(months=months)
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
        amount = self.tariff.monthly_fee * months
        self.state = _ACTIVE
        self.held = 0
        self.expiry = day + relativedelta(months=months)
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
        amount = self.tariff.monthly_fee * months
        if self.state == _ACTIVE:
            new_expiry = self.expiry + relativedelta(months=months)
            limit = day + relativedelta(months=MAX_PREPAID_MONTHS)
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
        self.expiry = day + relativedelta(months=months)
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
            percent = f"{(settings.warn_ratio * 100).normalize():f}%"
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
