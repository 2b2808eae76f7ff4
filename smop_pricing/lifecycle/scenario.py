"""Reading scenarios (dict, JSON text, file) into frozen values with named refusals; presets; writing them back."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from smop_pricing.errors import ScenarioError
from smop_pricing.lifecycle.model import (
    _ALLOWED,
    _BOUNDS,
    _EVENT_FIELDS,
    _ISO_DATE,
    _REQUIRED,
    _SCENARIO_KEYS,
    _SETTING_KEYS,
    ACTIONS,
    MAX_DATE,
    MAX_EVENTS,
    MAX_SPAN_DAYS,
    MIN_DATE,
    Event,
    Scenario,
    Settings,
)
from smop_pricing.pricing.rules import MAX_MONTHS, MAX_USERS
from smop_pricing.pricing.tariff import Tariff, load_tariff, published_tariff
from smop_pricing.validation import (
    MAX_LOCK_DAYS,
    MAX_TARIFF_REF_CHARS,
    is_blank,
    is_missing,
    ratio_value,
    read_bounded,
    whole_value,
)

# --------------------------------------------------------------------------- parsing


def _whole(where: str, value: object, minimum: int, maximum: int) -> int:
    return whole_value(where, value, minimum, maximum, error=ScenarioError, whole_reals=True)


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
    return ratio_value(where, value, ScenarioError)


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
    if is_missing(action):
        raise ScenarioError(f"{where}.action", "", "missing")
    if action not in ACTIONS:
        raise ScenarioError(f"{where}.action", action, "action", actions=", ".join(ACTIONS))
    assert isinstance(action, str)
    raw_date = raw.get("date")
    if is_missing(raw_date):
        raise ScenarioError(f"{where}.date", "", "missing")
    day = _date(f"{where}.date", raw_date)
    if start is not None and until is not None and not start <= day < until:
        raise ScenarioError(f"{where}.date", day.isoformat(), "event_window", start=start, until=until)
    values: dict[str, Any] = {}
    for name in _EVENT_FIELDS:
        value = raw.get(name)
        if is_missing(value):
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
    if is_missing(raw):
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
        lock = 0 if is_missing(value) else _whole("settings.over_quota_lock_days", value, 0, MAX_LOCK_DAYS)
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
        if is_missing(raw.get(key)):
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
    if not is_missing(tariff) and (
        not isinstance(tariff, str) or is_blank(tariff) or len(tariff) > MAX_TARIFF_REF_CHARS
    ):
        raise ScenarioError("tariff", tariff, "tariff_path")
    raw_events = raw.get("events")
    if is_missing(raw_events):
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
        tariff=None if is_missing(tariff) else str(tariff),
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
    data = read_bounded(path, lambda rule, **params: ScenarioError(str(path), "", rule, **params))
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


