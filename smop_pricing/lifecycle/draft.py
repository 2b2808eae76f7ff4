"""The scenario a person is editing: a valid header plus the event rows as typed.

The lifecycle page must never drop what the user typed, yet simulate only what is
valid. A :class:`Draft` therefore holds the scenario's header (start, term, span,
users, settings: always valid) and its events as *rows*, one cell per column of the
events table, which may break any rule. :func:`check_draft` validates the rows with
:func:`~smop_pricing.lifecycle.engine.validate_events`: the valid events make the
scenario to simulate, the others get their reason by row.

A row keeps any value a typed table can show: a date (or nothing), any action text,
numbers (whole or not, within ±10^12), a checkbox. A value no table cell could hold
(a word where a number belongs, an unknown column) makes the whole document
unreadable, with a ScenarioError naming ``events[k].<field>``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

import pandas as pd
from dateutil.relativedelta import relativedelta

from smop_pricing.errors import ScenarioError
from smop_pricing.lifecycle.model import _ALLOWED, ACTIONS, MAX_DATE, MAX_EVENTS, Event, Scenario
from smop_pricing.lifecycle.scenario import event_to_dict, json_text, parse_scenario, scenario_to_dict, validate_events
from smop_pricing.validation import MAX_FILE_BYTES, is_blank, is_missing, size_text

COLUMNS = ("date", "action", "months", "units", "users", "on")
NUMBER_COLUMNS = ("months", "units", "users")
MAX_CELL_NUMBER = 10**12
MAX_ACTION_CHARS = 40

Cell = date | str | int | float | bool | None


class Row(NamedTuple):
    """One events-table row as typed, the cells in :data:`COLUMNS` order (None = empty)."""

    date: date | None
    action: str | None
    months: int | float | None
    units: int | float | None
    users: int | float | None
    on: bool | None


@dataclass(frozen=True)
class Draft:
    """``header`` is a valid scenario without events; ``rows`` the events as typed."""

    header: Scenario
    rows: tuple[Row, ...] = ()


@dataclass(frozen=True)
class DraftCheck:
    """The scenario to simulate, the reason of each invalid row, and where each event came from.

    ``event_rows[k]`` is the row of ``scenario.events[k]``.
    """

    scenario: Scenario
    errors: Mapping[int, ScenarioError]
    event_rows: tuple[int, ...]


# --------------------------------------------------------------------------- cells


def _date_cell(where: str, value: object) -> date | None:
    if is_blank(value):
        return None
    if isinstance(value, datetime):  # pandas Timestamp included
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                return date.fromisoformat(text)
        except ValueError:
            pass
    raise ScenarioError(where, value if isinstance(value, (int, str)) else type(value).__name__, "date")


def _action_cell(where: str, value: object) -> str | None:
    if is_blank(value):
        return None
    if not isinstance(value, str) or len(value.strip()) > MAX_ACTION_CHARS:
        shown = value if isinstance(value, (int, str)) else type(value).__name__
        raise ScenarioError(where, shown, "action", actions=", ".join(ACTIONS))
    return value.strip()


def _number_cell(where: str, value: object) -> int | float | None:
    if is_missing(value):
        return None
    number: int | float | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, numbers.Integral):
        number = int(value)
    elif isinstance(value, (float, Decimal, numbers.Real)):
        as_float = float(value)
        whole = not isinstance(value, Decimal) or (value.is_finite() and value == value.to_integral_value())
        if math.isfinite(as_float) and (whole or not as_float.is_integer()):
            # a non-whole Decimal that float() rounds to a whole number (1E-999999 -> 0.0,
            # 2.0000000000000000001 -> 2.0) is refused, not silently read as that number
            number = int(as_float) if as_float.is_integer() else as_float
    if number is None or abs(number) > MAX_CELL_NUMBER:
        shown = value if isinstance(value, (int, str)) else str(value)
        raise ScenarioError(where, shown, "whole_number", minimum="0", maximum=f"{MAX_CELL_NUMBER:,}")
    return number


def _bool_cell(where: str, value: object) -> bool | None:
    if is_missing(value):
        return None
    if isinstance(value, bool):
        return value
    if type(value).__name__ == "bool_":  # numpy
        return bool(value)
    raise ScenarioError(where, value if isinstance(value, (int, str)) else type(value).__name__, "bool")


def row_from_mapping(raw: object, index: int) -> Row:
    """A table row from one raw event (a JSON object or an editor record).

    The checkbox ``on`` is the auto-renewal switch: on an ``auto_renew`` row it is
    True or False (an empty box is off); on any other row True or None (a ticked box
    is kept, to be marked as not used; an unticked one is no value).

    Raises ScenarioError (``events[<index>].<field>``) for a value no table cell can hold.
    """
    where = f"events[{index}]"
    if not isinstance(raw, Mapping):
        raise ScenarioError(where, raw if isinstance(raw, (int, str)) else type(raw).__name__, "event_object")
    for key in raw:
        if key not in COLUMNS:
            raise ScenarioError(f"{where}.{key}", raw[key], "unknown_key")
    action = _action_cell(f"{where}.action", raw.get("action"))
    months, units, users = (_number_cell(f"{where}.{name}", raw.get(name)) for name in NUMBER_COLUMNS)
    on = _bool_cell(f"{where}.on", raw.get("on"))
    if action == "auto_renew":
        on = bool(on)  # the switch: an empty box is off
    elif on is False:
        on = None  # an empty box on another action is no value at all
    return Row(_date_cell(f"{where}.date", raw.get("date")), action, months, units, users, on)


def row_to_event_data(row: Row) -> dict[str, Any]:
    """The raw event of a row, JSON-ready (empty cells left out)."""
    return {name: value.isoformat() if isinstance(value, date) else value
            for name, value in zip(COLUMNS, row, strict=True) if value is not None}


def row_from_event(event: Event) -> Row:
    return row_from_mapping(event_to_dict(event), 0)


# --------------------------------------------------------------------------- drafts


def draft_from_scenario(scenario: Scenario) -> Draft:
    return Draft(header=replace(scenario, events=()), rows=tuple(row_from_event(e) for e in scenario.events))


def draft_from_document(source: Mapping[str, Any] | str | bytes, name: str = "scenario") -> Draft:
    """A draft from a scenario document (JSON text or object; a preset file works too).

    The header must be valid (ScenarioError otherwise); events need only fit the table.
    A ``tariff`` key is refused: the page uses the published tariff and reads no files.
    """
    raw: object = source
    if isinstance(source, (str, bytes)):
        raw = parse_json(source, name)
    if isinstance(raw, Mapping) and "scenario" in raw and "start" not in raw:
        raw = raw["scenario"]
    if not isinstance(raw, Mapping):
        raise ScenarioError(name, type(raw).__name__, "scenario_object")
    if raw.get("tariff") is not None:
        raise ScenarioError("tariff", raw["tariff"], "tariff_here")
    header = parse_scenario({key: value for key, value in raw.items() if key != "events"}, name=name)
    raw_events = raw.get("events")
    if raw_events is None:
        raw_events = []
    if not isinstance(raw_events, Sequence) or isinstance(raw_events, (str, bytes)):
        raise ScenarioError("events", type(raw_events).__name__, "events_list")
    if len(raw_events) > MAX_EVENTS:
        raise ScenarioError("events", len(raw_events), "events_count", maximum=f"{MAX_EVENTS:,}")
    return Draft(header=header, rows=tuple(row_from_mapping(e, i) for i, e in enumerate(raw_events)))


def parse_json(source: str | bytes, name: str = "scenario") -> object:
    """JSON text (UTF-8, at most 1 MB) with fractions as Decimal; errors name ``name``."""
    if isinstance(source, bytes) and len(source) > MAX_FILE_BYTES:
        raise ScenarioError(name, "", "file_large", limit=size_text(MAX_FILE_BYTES))
    return json_text(source, name)


def draft_to_document(draft: Draft) -> dict[str, Any]:
    """The draft as a scenario document (what a download or a link carries)."""
    document = scenario_to_dict(draft.header)
    document["events"] = [row_to_event_data(row) for row in draft.rows]
    return document


def check_draft(draft: Draft) -> DraftCheck:
    """Validate the rows against the header's span: the scenario of the valid ones, the rest's reasons."""
    header = draft.header
    raw = [row_to_event_data(row) for row in draft.rows]
    events, errors = validate_events(raw[:MAX_EVENTS], header.start, header.until)
    for index in range(MAX_EVENTS, len(raw)):  # beyond the bound: kept and marked, not simulated
        errors[index] = ScenarioError(f"events[{index}]", index + 1, "events_count", maximum=f"{MAX_EVENTS:,}")
    event_rows = tuple(i for i in range(len(raw)) if i not in errors)
    return DraftCheck(scenario=replace(header, events=events), errors=errors, event_rows=event_rows)


def row_error_text(error: ScenarioError, lang: str) -> str:
    """The reason of a bad row in the page's words, without the row: '月数：必须是 1 到 ... 的整数（收到 0）'."""
    from smop_pricing.lifecycle.wording import error_text

    return error_text(error, lang, in_row=True)


def follow_start(header: Scenario, start: date) -> date:
    """The "simulate until" day that keeps the header's span when the first purchase moves to ``start``
    (in calendar months and days: 2022-05-01 .. 2022-10-01 moved to 2026-12-01 ends 2027-05-01)."""
    return min(start + relativedelta(header.until, header.start), MAX_DATE)


def follow_action(before: Sequence[Row], after: Sequence[Row]) -> tuple[Row, ...]:
    """``after`` (the rows an edit gave) where a row whose action alone changed to a known action has
    lost the values that action does not use: 续费 with 12 months changed to 购买叠加包 keeps no months."""
    rows = list(after)
    for index, (old, new) in enumerate(zip(before, after, strict=False)):
        action = new.action
        if action == old.action or action not in ACTIONS or old._replace(action=None) != new._replace(action=None):
            continue
        allowed = _ALLOWED[str(action)]
        rows[index] = new._replace(
            months=new.months if "months" in allowed else None,
            units=new.units if "units" in allowed else None,
            users=new.users if "users" in allowed else None,
            on=bool(new.on) if action == "auto_renew" else None,
        )
    return tuple(rows)


# --------------------------------------------------------------------------- tables


def rows_frame(rows: Sequence[Row]) -> pd.DataFrame:
    """The rows as a typed table: dates, action text, whole (or, if needed, decimal) numbers, a checkbox."""
    columns: dict[str, Any] = {
        "date": pd.Series([r.date for r in rows], dtype="object"),
        "action": pd.Series([r.action for r in rows], dtype="object"),
    }
    for name in NUMBER_COLUMNS:
        values: list[Any] = [getattr(r, name) for r in rows]
        whole = all(v is None or isinstance(v, int) for v in values)
        columns[name] = pd.array(values, dtype="Int64" if whole else "Float64")
    checks: list[Any] = [r.on for r in rows]
    columns["on"] = pd.array(checks, dtype="boolean")
    return pd.DataFrame(columns)


def rows_from_frame(frame: pd.DataFrame) -> tuple[Row, ...]:
    """Rows from a table an editor returned (extra columns ignored); cells it cannot hold raise."""
    records = frame.reindex(columns=list(COLUMNS)).to_dict("records")
    return tuple(row_from_mapping({str(k): v for k, v in record.items()}, i) for i, record in enumerate(records))
