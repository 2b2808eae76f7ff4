"""The lifecycle page's charts: the state timeline, users against capacity, cumulative spend.

Each chart has a frame builder (a simulation result in, a small DataFrame out: one
row per change, not per day) and a chart builder (Altair, no streamlit). Texts are
passed in, already translated, as a labels object. Dates are pandas datetimes
(local midnight, so a browser in any time zone puts them on their day); money
becomes yuan floats only inside the spend chart's data.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from types import MappingProxyType
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pyarrow as pa

from smop_pricing.charts import summary
from smop_pricing.charts.sizing import fit_width
from smop_pricing.i18n import DEFAULT_LANG
from smop_pricing.lifecycle.model import STATES, Event, LedgerEntry, Rejection, SimulationResult
from smop_pricing.money import users_axis_expr
from smop_pricing.pricing.rules import reclamation_day

STATE_COLORS = MappingProxyType({"active": "#2E9D5B", "stopped": "#F79009", "reclaimed": "#98A2B3"})
KINDS = (*LedgerEntry.ITEMS, "set_users", "auto_switch", "refused")
"""Marker kinds, in lane order: ledger items, user counts, the auto-renewal switch, refusals."""
KIND_SHAPES = MappingProxyType({
    "purchase": "square",
    "renew": "triangle-up",
    "auto_renew": "triangle-right",
    "buy_packs": "diamond",
    "set_users": "circle",
    "auto_switch": "triangle-down",
    "refused": "cross",
})
MARKER_COLOR = "#1F2A37"
REFUSED_COLOR = "#D92D20"
EXPIRY_COLOR = "#475467"
RECLAIM_COLOR = "#D92D20"
SERIES_COLORS = MappingProxyType({
    "users": "#F97066",
    "capacity": "#006EFF",
    "threshold": "#F79009",
    "over": "#D92D20",
    "locked": "#7A5AF8",
    "stopped": "#98A2B3",
})
SERIES_DASHES = MappingProxyType({  # the legend's symbol of each series (only the lines use them)
    "users": (1, 0),
    "capacity": (2, 2),
    "threshold": (6, 4),
    "over": (1, 0),
    "locked": (1, 0),
    "stopped": (1, 0),
})
SPEND_COLOR = "#006EFF"
DATE_FORMAT = "%Y-%m-%d"
TICK_MONTH = "%Y-%m"
TICK_DAY = "%m-%d"
NARROW = 520  # px: a plot narrower than this (a phone) shows the rules' labels in the caption, not on top
LANE_HEIGHT = 34
LABEL_ROW = 14  # px between the two rows of rule labels above the plot
NAMED_LABELS = 4  # up to this many labelled days, a label names its kind; beyond, the date alone
EDGE = 0.1  # rule labels this close (a share of the span) to an end align away from it
AXIS_EXTENT = 110  # px for the y axis of the full-width charts, so their time axes line up

Describe = Callable[[LedgerEntry | Rejection | Event], str]


# Encodings are channel objects (alt.X2, alt.YValue, alt.ColorValue) and top-level properties go to
# the constructor: for a shorthand string or a plain dict Altair scans its whole schema,
# and .properties()/.resolve_scale() copy the whole layered chart (docs/performance.md). Axes, scales, legends and the
# resolve inside them are plain dicts (an alt.Axis holds all of its ~80 properties and is
# deep-copied on the way to a spec; the dict gives the same spec).


def _aria(frame: pd.DataFrame | pa.Table) -> dict[str, Any]:
    """Mark properties for a layer drawn from ``frame``: an empty one is hidden from assistive
    technology. Vega gives an empty mark container the role graphics-symbol with no name, which
    a screen reader announces as an unnamed image (axe: svg-img-alt, WCAG 1.1.1)."""
    return {"aria": False} if len(frame) == 0 else {}


def _ts(day: date) -> pd.Timestamp:
    return pd.Timestamp(day)


def _dt(day: date) -> alt.DateTime:
    return alt.DateTime(year=day.year, month=day.month, date=day.day)


def _x(field: str, title: str, result: SimulationResult, axis: bool = True, end: date | None = None) -> alt.X:
    last = end or result.scenario.until
    scale = dict(domain=[_dt(result.scenario.start), _dt(last)])
    # Months (2022-06) over a span of months: twice as many ticks fit a phone as full dates do.
    short = TICK_MONTH if (last - result.scenario.start).days > 92 else TICK_DAY
    return alt.X(f"{field}:T", title=None, scale=scale,
                 axis=dict(format=short, labelAngle=0, tickCount=8, labelSeparation=6, labelFlush=True)
                 if axis else None)


# --------------------------------------------------------------------------- timeline


@dataclass(frozen=True)
class TimelineLabels:
    """Translated texts of the timeline: lane and state names, marker kinds, rule names, tooltips."""

    service: str
    states: Mapping[str, str]
    kinds: Mapping[str, str]
    expiry: str
    reclamation: str
    date: str
    first: str
    last: str
    days: str
    state: str
    event: str
    detail: str
    lang: str = DEFAULT_LANG  # the text alternative's language (charts/summary.py)


def period_frame(result: SimulationResult) -> pd.DataFrame:
    """One row per state period: state, start, end (exclusive), last (inclusive), days."""
    rows = [
        {"state": p.state, "start": _ts(p.start), "end": _ts(p.end), "last": _ts(p.end - timedelta(days=1)),
         "days": (p.end - p.start).days}
        for p in result.periods
    ]
    return pd.DataFrame(rows, columns=["state", "start", "end", "last", "days"])


def marker_frame(result: SimulationResult, describe: Describe | None = None) -> pd.DataFrame:
    """One row per thing that happened on a day: date, kind (see :data:`KINDS`), detail.

    Charges come from the ledger (the first purchase included), user counts and the
    auto-renewal switch from the scenario's events, refusals from the result.
    ``describe`` gives the detail text of each (empty without it).
    """
    rows: list[dict[str, Any]] = []

    def add(day: date, kind: str, source: LedgerEntry | Rejection | Event) -> None:
        rows.append({"date": _ts(day), "kind": kind, "detail": describe(source) if describe else ""})

    for entry in result.ledger:
        add(entry.date, entry.item, entry)
    for event in result.scenario.events:
        if event.action == "set_users":
            add(event.date, "set_users", event)
        elif event.action == "auto_renew":
            add(event.date, "auto_switch", event)
    for rejection in result.rejected:
        add(rejection.date, "refused", rejection)
    frame = pd.DataFrame(rows, columns=["date", "kind", "detail"])
    order = {kind: i for i, kind in enumerate(KINDS)}
    frame["order"] = frame["kind"].map(order).astype("int64")
    return frame.sort_values(["date", "order"], kind="stable").reset_index(drop=True)


def expiry_days(result: SimulationResult) -> list[date]:
    """The expiry days the service reached within the span (an early renewal supersedes one)."""
    terms = [e for e in result.ledger if e.expiry is not None]
    days: list[date] = []
    for i, entry in enumerate(terms):
        assert entry.expiry is not None
        expiry = entry.expiry
        superseded = any(later.date < expiry for later in terms[i + 1:])
        if not superseded and result.scenario.start <= expiry <= result.scenario.until:
            days.append(expiry)
    return sorted(set(days))


def reclamation_days(result: SimulationResult) -> list[date]:
    """The reclamation deadlines that held: a lapse's (expiry + grace) when it was reached or is still
    to come at the end of the span (a renewal before it cancels it: no line), and the last term's
    while the service is in use. A deadline after the span is kept: :func:`timeline_end` makes room."""
    grace = result.settings.grace_months
    scenario = result.scenario
    days = {reclamation_day(p.start, grace) for p in result.periods
            if p.state == "stopped" and (p.end >= reclamation_day(p.start, grace) or p.end >= scenario.until)}
    if result.final_state == "active":
        days.add(result.reclamation)
    return sorted(d for d in days if scenario.start <= d)


def timeline_end(result: SimulationResult) -> date:
    """The timeline's last day: the end of the span, or a little after a deadline still to come."""
    until = result.scenario.until
    later = [d for d in reclamation_days(result) if d > until]
    if not later:
        return until
    last = max(later)
    return last + timedelta(days=max(7, (last - result.scenario.start).days // 25))


def rule_frame(result: SimulationResult) -> pd.DataFrame:
    """One row per labelled day: date, kind (expiry / reclamation)."""
    rows = [{"date": _ts(d), "kind": "expiry"} for d in expiry_days(result)]
    rows += [{"date": _ts(d), "kind": "reclamation"} for d in reclamation_days(result)]
    return pd.DataFrame(rows, columns=["date", "kind"]).sort_values(["date", "kind"]).reset_index(drop=True)


def rule_label_frame(result: SimulationResult, labels: TimelineLabels) -> pd.DataFrame:
    """The rules' labels, one per day: 'expiry · reclamation deadline 2022-09-01' (the date alone
    beyond :data:`NAMED_LABELS` days; the rule's colour and the tooltip still tell the kind).

    Columns: date, text, tooltip, kind (reclamation when any rule of the day is one), tier (1 = the
    upper row, when close to the previous label), align (centred on the rule; left in the first and
    right in the last :data:`EDGE` of the span, so no label runs off the plot).
    """
    rules = rule_frame(result)
    span = max(1, (timeline_end(result) - result.scenario.start).days)
    names = {"expiry": labels.expiry, "reclamation": labels.reclamation}
    groups = list(rules.groupby("date", sort=True))
    named = len(groups) <= NAMED_LABELS
    rows: list[dict[str, Any]] = []
    previous: pd.Timestamp | None = None
    tier = 0
    for day, group in groups:
        stamp = pd.Timestamp(str(day))
        close = previous is not None and (stamp - previous).days < span * (0.3 if named else 0.12)
        tier = 1 - tier if close else 0
        previous = stamp
        kinds = list(group["kind"])
        full = " · ".join(names[k] for k in kinds) + " " + stamp.date().isoformat()
        offset = (stamp.date() - result.scenario.start).days
        align = "left" if offset < span * EDGE else "right" if offset > span * (1 - EDGE) else "center"
        rows.append({"date": stamp, "text": full if named else stamp.date().isoformat(), "tooltip": full,
                     "kind": "reclamation" if "reclamation" in kinds else "expiry", "tier": tier,
                     "align": align})
    return pd.DataFrame(rows, columns=["date", "text", "tooltip", "kind", "tier", "align"])


def timeline_reads(result: SimulationResult) -> tuple[object, ...]:
    """Everything :func:`timeline_chart` reads of ``result`` (a marker's ``describe`` included:
    it reads the marker's own source and the settings), as one hashable value: two results with
    equal reads draw the same timeline for the same labels, so a page may keep the chart by it.
    A change of the users alone (not a set_users event) leaves it as it is."""
    scenario = result.scenario
    return (result.periods, result.ledger, scenario.events, result.rejected, scenario.start, scenario.until,
            result.settings, result.final_state, result.reclamation)


def timeline_chart(result: SimulationResult, labels: TimelineLabels,
                   describe: Describe | None = None) -> alt.LayerChart:
    """A Gantt of the state periods, a lane of markers per kind, labelled rules for expiries and
    reclamation deadlines."""
    end = timeline_end(result)
    periods = period_frame(result).assign(lane=labels.service,
                                          state_label=lambda f: f["state"].map(labels.states))
    markers = marker_frame(result, describe)
    markers["lane"] = markers["kind"].map(labels.kinds)
    lanes = [labels.service, *(labels.kinds[k] for k in KINDS if k in set(markers["kind"]))]
    y = alt.Y("lane:N", title=None, sort=lanes, scale=dict(domain=lanes),
              axis=dict(labelLimit=AXIS_EXTENT - 10, ticks=False, domain=False, minExtent=AXIS_EXTENT,
                            maxExtent=AXIS_EXTENT))
    state_scale = dict(domain=[labels.states[s] for s in STATES], range=[STATE_COLORS[s] for s in STATES])
    bars = alt.Chart(periods).mark_bar(cornerRadius=3, height=LANE_HEIGHT - 10, **_aria(periods)).encode(
        x=_x("start", labels.date, result, end=end),
        x2=alt.X2("end:T"),
        y=y,
        color=alt.Color("state_label:N", title=labels.state, scale=state_scale,
                        legend=dict(orient="bottom", columns=3)),
        tooltip=[
            alt.Tooltip("state_label:N", title=labels.state),
            alt.Tooltip("start:T", title=labels.first, format=DATE_FORMAT),
            alt.Tooltip("last:T", title=labels.last, format=DATE_FORMAT),
            alt.Tooltip("days:Q", title=labels.days, format=",d"),
        ],
    )
    shape_scale = dict(domain=[labels.kinds[k] for k in KINDS], range=[KIND_SHAPES[k] for k in KINDS])
    tooltip = [
        alt.Tooltip("date:T", title=labels.date, format=DATE_FORMAT),
        alt.Tooltip("lane:N", title=labels.event),
        alt.Tooltip("detail:N", title=labels.detail),
    ]
    points = alt.Chart(markers).mark_point(filled=True, size=140, opacity=1, strokeWidth=3, **_aria(markers)).encode(
        x=_x("date", labels.date, result, end=end),
        y=y,
        shape=alt.Shape("lane:N", scale=shape_scale, legend=None),
        color=alt.ColorValue(**alt.condition(alt.datum.kind == "refused", alt.value(REFUSED_COLOR),
                                             alt.value(MARKER_COLOR))),
        tooltip=tooltip,
    )
    rules = rule_frame(result)
    rules["color"] = rules["kind"].map({"expiry": EXPIRY_COLOR, "reclamation": RECLAIM_COLOR})
    rule_marks = alt.Chart(rules).mark_rule(strokeDash=[5, 3], strokeWidth=1.5, **_aria(rules)).encode(
        x=_x("date", labels.date, result, end=end),
        color=alt.Color("color:N", scale=None),
    )
    texts = rule_label_frame(result, labels)
    # One text layer: the alignment and the row come from the data (mark properties as expressions).
    label_marks = alt.Chart(texts).mark_text(
        baseline="bottom", fontSize=11, align=alt.expr("datum.align"), opacity=alt.expr(f"width < {NARROW} ? 0 : 1"),
        dx=alt.expr("datum.align == 'left' ? 3 : datum.align == 'right' ? -3 : 0"),
        dy=alt.expr(f"-datum.tier * {LABEL_ROW}"), **_aria(texts),
    ).encode(
        x=_x("date", labels.date, result, end=end),
        y=alt.YValue(-4),  # type: ignore[no-untyped-call]  # (altair leaves YValue unannotated)
        text=alt.Text("text:N"),
        color=alt.Color("kind:N", scale=dict(domain=["expiry", "reclamation"],
                                                  range=[EXPIRY_COLOR, RECLAIM_COLOR]), legend=None),
        tooltip=alt.Tooltip("tooltip:N", title=labels.date),
    )
    padding = {"top": 10 + 2 * LABEL_ROW, "left": 5, "right": 5, "bottom": 5}
    # The height is a step per lane: a fixed number collapses the lanes in streamlit 1.67.
    return alt.LayerChart(layer=[bars, rule_marks, points, label_marks], height=alt.Step(LANE_HEIGHT),
                          autosize=fit_width(), padding=padding, resolve=dict(scale=dict(color="independent")),
                          description=summary.timeline(periods, markers, rules, labels.lang))


# --------------------------------------------------------------------------- capacity


@dataclass(frozen=True)
class CapacityLabels:
    """Translated texts of the capacity chart; ``wan``: show user counts in 万 (zh)."""

    users: str
    capacity: str
    threshold: str
    over: str
    locked: str
    stopped: str
    axis: str
    date: str
    first: str
    last: str
    wan: bool = False
    lang: str = DEFAULT_LANG  # the text alternative's language (charts/summary.py)


SEGMENT_COLUMNS = ("start", "end", "last", "state", "users", "capacity", "threshold", "over", "locked")


def _segments(result: SimulationResult) -> dict[str, Any]:
    """:func:`capacity_frame`'s columns as arrays."""
    daily = result.daily
    # The runs' first days, from the columns' arrays (a row at a time through pandas was most of the
    # chart's cost after a change of the users); the state by its category codes.
    state = daily["state"]
    categorical = isinstance(state.dtype, pd.CategoricalDtype)
    keys = {name: daily[name].to_numpy() for name in ("users", "capacity", "console_locked", "warning")}
    keys["state"] = state.cat.codes.to_numpy() if categorical else state.to_numpy()
    changed = np.zeros(len(daily), dtype=bool)
    changed[:1] = True
    for values in keys.values():
        changed[1:] |= values[1:] != values[:-1]
    firsts = np.flatnonzero(changed)
    dates = daily["date"].to_numpy()
    ends = np.append(dates[firsts[1:]], np.datetime64(result.scenario.until, "s"))
    states = (np.asarray(state.cat.categories, dtype=object)[keys["state"][firsts]] if categorical
              else keys["state"][firsts]).astype(str)
    capacity = keys["capacity"][firsts].astype("int64")
    return {
        "start": dates[firsts],
        "end": ends,
        "last": (ends - np.timedelta64(1, "D")).astype("datetime64[us]"),
        "state": pd.array(states, dtype="str"),
        "users": keys["users"][firsts].astype("int64"),
        "capacity": capacity,
        "threshold": np.where(states == "active", capacity * float(result.settings.warn_ratio), 0.0),
        "over": daily["over_quota_users"].to_numpy()[firsts].astype("int64"),
        "locked": keys["console_locked"][firsts].astype(bool),
    }


def capacity_frame(result: SimulationResult) -> pd.DataFrame:
    """One row per run of days with the same state, users, capacity, lock and warning:
    start, end (exclusive), last, state, users, capacity, threshold (warning level,
    0 when not in service), over (users over capacity), locked."""
    return pd.DataFrame(_segments(result), columns=list(SEGMENT_COLUMNS))


def _users_axis(wan: bool) -> dict[str, Any]:
    """No title (the legend names the lines): the axis takes :data:`AXIS_EXTENT`, as the timeline's."""
    if wan:
        return dict(labelExpr=users_axis_expr("zh"), minExtent=AXIS_EXTENT, maxExtent=AXIS_EXTENT, title=None)
    return dict(format=",d", minExtent=AXIS_EXTENT, maxExtent=AXIS_EXTENT, title=None)


@dataclass(frozen=True, eq=False)
class CapacityParts:
    """The capacity chart in parts. Each layer's data (``frames``, in layer order, made on demand
    by ``makers``) and the text alternative (``description``) follow the users; ``keys`` are the
    layers' data as hashable values (equal keys, equal frames: a page may keep a layer's converted
    data by its key and make only the frames that changed); ``shape`` is everything else the chart
    is built from (the labels, the span, the series shown, which layers are empty). Two results
    with equal shapes give charts that differ only in their layers' data and their description, so
    a page may keep the chart's spec by its shape and swap those in (``smop_ui.charts.with_layer_data``)."""

    keys: tuple[Hashable, ...]
    makers: tuple[Callable[[], pa.Table], ...]
    description: str
    shape: tuple[object, ...]

    @cached_property
    def frames(self) -> tuple[pa.Table, ...]:
        return tuple(make() for make in self.makers)


def _key(*arrays: np.ndarray) -> tuple[object, ...]:
    return tuple((values.dtype.str, values.tobytes()) for values in arrays)


def capacity_parts(result: SimulationResult, labels: CapacityLabels) -> CapacityParts:
    """What :func:`capacity_chart` draws of ``result``: its layers' data, its description, its shape."""
    segments = _segments(result)
    names = {key: getattr(labels, key) for key in SERIES_COLORS}
    over_mask = segments["over"] > 0
    active = np.asarray(segments["state"] == "active", dtype=bool)
    spans = result.console_locked
    present = {
        "users": True,
        "capacity": True,
        "threshold": bool(active.any()),
        "over": bool(over_mask.any()),
        "locked": bool(spans),
        "stopped": bool((~active).any()),
    }
    shown = tuple(key for key in SERIES_COLORS if present[key])
    # Each layer's data made at once from the segments' arrays, with the columns the layer draws,
    # as an Arrow table: what the chart's data becomes anyway (through pandas it was most of the
    # chart's cost after a change of the users).
    count = len(segments["start"]) + 1  # each line ends at the end of the span

    def text(value: str, n: int) -> pa.Array:
        return pa.array([value] * n, type=pa.large_string())

    def rows(mask: np.ndarray, series: str, *drawn: str) -> tuple[Hashable, Callable[[], pa.Table]]:
        columns = ("start", "end", "last", *drawn)

        def make() -> pa.Table:
            return pa.table({**{name: segments[name][mask] for name in columns},
                             "series": text(series, int(mask.sum()))})

        return (series, columns, *_key(mask, *(segments[name] for name in columns))), make

    def lines() -> pa.Table:
        return pa.table({
            "start": np.tile(np.append(segments["start"], segments["end"][-1:]), 2),
            "series": pa.concat_arrays([text(names["users"], count), text(names["capacity"], count)]),
            "value": np.concatenate([segments["users"], segments["users"][-1:], segments["capacity"],
                                     segments["capacity"][-1:]]),
        })

    def locked() -> pa.Table:
        return pa.table({
            "start": np.array([r.start for r in spans], dtype="datetime64[s]"),
            "end": np.array([r.end for r in spans], dtype="datetime64[s]"),
            "last": np.array([r.end - timedelta(days=1) for r in spans], dtype="datetime64[s]"),
            "series": text(names["locked"], len(spans)),
        })

    layers = (
        rows(~active, names["stopped"]),
        ((names["locked"], tuple((r.start, r.end) for r in spans)), locked),
        rows(over_mask, names["over"], "users", "capacity", "over"),
        rows(active, names["threshold"], "threshold"),
        ((names["users"], names["capacity"], *_key(segments["start"], segments["end"], segments["users"],
                                                   segments["capacity"])), lines),
    )
    empty = (not present["stopped"], not spans, not present["over"], not present["threshold"], False)
    shape = (labels, shown, result.scenario.start, result.scenario.until, empty)
    return CapacityParts(tuple(key for key, _ in layers), tuple(make for _, make in layers),
                         summary.life_capacity(segments, names, labels.lang), shape)


def capacity_chart(result: SimulationResult, labels: CapacityLabels) -> alt.LayerChart:
    """Users and capacity as step lines, the warning level dashed, over-quota shaded, the
    console-locked and out-of-service spans marked."""
    parts = capacity_parts(result, labels)
    out_of_service, locked, over, threshold, lines = parts.frames
    shown = parts.shape[1]
    assert isinstance(shown, tuple)
    names = {key: getattr(labels, key) for key in SERIES_COLORS}
    color_scale = dict(domain=[names[k] for k in shown], range=[SERIES_COLORS[k] for k in shown])
    color = alt.Color("series:N", title=None, scale=color_scale,
                      legend=dict(orient="bottom", columns=3, labelLimit=160, symbolOpacity=0.9,
                                  symbolStrokeWidth=3))
    # Users and capacity told apart without colour (WCAG 1.4.1): capacity dotted, as the warning
    # level is dashed. Same field, domain and legend as the colour: Vega-Lite merges the two legends.
    dash = alt.StrokeDash("series:N", title=None, scale=dict(domain=color_scale["domain"],
                                                              range=[list(SERIES_DASHES[k]) for k in shown]),
                          legend=dict(orient="bottom", columns=3, labelLimit=160, symbolOpacity=0.9,
                                  symbolStrokeWidth=3))
    x = _x("start", labels.date, result)
    y_axis = _users_axis(labels.wan)
    span_tooltip = [alt.Tooltip("series:N", title=labels.axis),
                    alt.Tooltip("start:T", title=labels.first, format=DATE_FORMAT),
                    alt.Tooltip("last:T", title=labels.last, format=DATE_FORMAT)]
    layers = [
        alt.Chart(out_of_service).mark_rect(opacity=0.15, **_aria(out_of_service)).encode(
            x=x, x2=alt.X2("end:T"), color=color, tooltip=span_tooltip),
        alt.Chart(locked).mark_rect(opacity=0.18, **_aria(locked)).encode(x=x, x2=alt.X2("end:T"), color=color,
                                                         tooltip=span_tooltip),
        alt.Chart(over).mark_rect(opacity=0.35, **_aria(over)).encode(
            x=x, x2=alt.X2("end:T"), y=alt.Y("capacity:Q", axis=y_axis), y2=alt.Y2("users:Q"), color=color,
            tooltip=[*span_tooltip, alt.Tooltip("over:Q", title=labels.over, format=",d"),
                     alt.Tooltip("users:Q", title=labels.users, format=",d"),
                     alt.Tooltip("capacity:Q", title=labels.capacity, format=",d")],
        ),
        alt.Chart(threshold).mark_rule(strokeDash=[6, 4], strokeWidth=1.5, **_aria(threshold)).encode(
            x=x, x2=alt.X2("end:T"), y=alt.Y("threshold:Q", axis=y_axis), color=color,
            tooltip=[*span_tooltip, alt.Tooltip("threshold:Q", title=labels.threshold, format=",.0f")],
        ),
        alt.Chart(lines).mark_line(interpolate="step-after", strokeWidth=2.5).encode(
            x=x, y=alt.Y("value:Q", axis=y_axis, scale=dict(zero=True)), color=color, strokeDash=dash,
            tooltip=[alt.Tooltip("start:T", title=labels.date, format=DATE_FORMAT),
                     alt.Tooltip("series:N", title=labels.axis), alt.Tooltip("value:Q", format=",d",
                                                                             title=labels.axis)],
        ),
    ]
    return alt.LayerChart(layer=layers, height=220, autosize=fit_width(),
                          description=parts.description)


# --------------------------------------------------------------------------- money


@dataclass(frozen=True)
class SpendLabels:
    """Translated texts of the spend chart; ``items``: ledger item -> name."""

    axis: str
    date: str
    item: str
    items: Mapping[str, str]
    amount: str
    total: str
    lang: str = DEFAULT_LANG  # the text alternative's language (charts/summary.py)


def spend_frame(result: SimulationResult) -> pd.DataFrame:
    """One row per charge: date, item, amount and total so far (yuan floats, for the chart only)."""
    rows: list[dict[str, Any]] = []
    total = 0.0
    for entry in result.ledger:
        amount = float(entry.amount)
        total += amount
        rows.append({"date": _ts(entry.date), "item": entry.item, "amount": amount, "total": total})
    return pd.DataFrame(rows, columns=["date", "item", "amount", "total"])


def spend_reads(result: SimulationResult) -> tuple[object, ...]:
    """Everything :func:`spend_chart` reads of ``result``, as one hashable value (see
    :func:`timeline_reads`)."""
    return (result.ledger, result.scenario.start, result.scenario.until, result.total_paid)


def spend_chart(result: SimulationResult, labels: SpendLabels) -> alt.LayerChart:
    """Cumulative spend as a step line over the span, a point at each charge."""
    charges = spend_frame(result).assign(name=lambda f: f["item"].map(labels.items))
    last = float(result.total_paid)
    line = pd.concat(
        [pd.DataFrame([{"date": _ts(result.scenario.start), "total": 0.0}]), charges[["date", "total"]],
         pd.DataFrame([{"date": _ts(result.scenario.until), "total": last}])],
        ignore_index=True,
    )
    x = _x("date", labels.date, result)
    y = alt.Y("total:Q", title=labels.axis, axis=dict(format=",.0f"))
    return alt.LayerChart(layer=[
        alt.Chart(line).mark_line(interpolate="step-after", color=SPEND_COLOR, strokeWidth=2.5).encode(x=x, y=y),
        alt.Chart(charges).mark_point(filled=True, size=70, color=SPEND_COLOR).encode(
            x=x, y=y,
            tooltip=[alt.Tooltip("date:T", title=labels.date, format=DATE_FORMAT),
                     alt.Tooltip("name:N", title=labels.item),
                     alt.Tooltip("amount:Q", title=labels.amount, format=",.2~f"),
                     alt.Tooltip("total:Q", title=labels.total, format=",.2~f")],
        ),
    ], height=180, autosize=fit_width(), description=summary.spend(charges, labels.lang))


def rule_lines(result: SimulationResult, labels: TimelineLabels) -> str:
    """The timeline's dashed rules in words ("到期 2022-06-01、2022-09-01 · 回收期限 2022-12-01"): the
    text under the chart that says what the labels above it say (on a phone those are hidden)."""
    rules = rule_frame(result)
    parts = []
    for kind, name in (("expiry", labels.expiry), ("reclamation", labels.reclamation)):
        days = [pd.Timestamp(d).date().isoformat() for d in rules[rules["kind"] == kind]["date"]]
        if days:
            parts.append(f"{name} {', '.join(days)}")
    return " · ".join(parts)
