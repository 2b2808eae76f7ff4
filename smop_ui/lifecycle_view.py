"""The lifecycle page's state: the scenario being edited, its widgets, notices, the URL, kept results.

State lives in ``st.session_state`` under ``life_*``. The scenario being edited is a
:class:`~smop_pricing.lifecycle.draft.Draft`: a valid header plus the event rows exactly
as typed, so a bad row is marked and kept, never dropped. The draft rides in the URL
(``?s=`` compact link, or ``?preset=`` for an unchanged example other than the default);
``?users=&start=&months=`` (a quote's link) starts a scenario from a quote. The rules live in
the core (``smop_pricing.lifecycle``); ``app_pages/lifecycle.py`` only places what this gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

import pandas as pd
import pyarrow as pa
import streamlit as st

from smop_pricing.charts.lifecycle import (
    KINDS,
    CapacityLabels,
    Describe,
    SpendLabels,
    TimelineLabels,
    capacity_chart,
    capacity_parts,
    rule_lines,
    spend_chart,
    spend_reads,
    timeline_chart,
    timeline_reads,
)
from smop_pricing.errors import ScenarioError, SmopError
from smop_pricing.i18n import t
from smop_pricing.lifecycle.draft import (
    MAX_CELL_NUMBER,
    Draft,
    DraftCheck,
    check_draft,
    draft_from_document,
    draft_from_scenario,
    draft_to_document,
    follow_action,
    follow_start,
    row_error_text,
    rows_frame,
    rows_from_frame,
)
from smop_pricing.lifecycle.engine import effective_settings
from smop_pricing.lifecycle.link import (
    PARAM,
    PRESET_PARAM,
    QUOTE_PARAMS,
    decode_document,
    encode_document,
    quote_document,
)
from smop_pricing.lifecycle.model import (
    ACTIONS,
    STATES,
    Event,
    LedgerEntry,
    Note,
    Rejection,
    Scenario,
    SimulationResult,
)
from smop_pricing.lifecycle.report import ledger_row, note_text, rejection_text, state_label
from smop_pricing.lifecycle.scenario import Preset, list_presets, parse_scenario
from smop_pricing.lifecycle.wording import action_text, error_text
from smop_pricing.pricing.tariff import Tariff, published_tariff
from smop_ui.charts import Spec, arrow, arrow_dataset, memo, vega_spec, with_layer_data
from smop_ui.markdown import unlinked, visible
from smop_ui.params import show_notices as show_shared_notices

DEFAULT_PRESET = "e3"
CUSTOM = ""  # the example picker's entry for a scenario from a link or a file

DRAFT, ORIGIN, NOTICES = "life_draft", "life_origin", "life_notices"
EDITOR_V, UPLOAD_V, UNTIL_SET = "life_editor_v", "life_upload_v", "life_until_set"
W_PRESET = "life_preset"
W_START, W_MONTHS, W_USERS, W_UNTIL = "life_start", "life_months", "life_users", "life_until"
W_SURVIVE, W_LOCK, W_WARN, W_AUTO = "life_survive", "life_lock", "life_warn", "life_auto"
PROBLEM, ROW = "problem", "row"


def md(text: str) -> str:
    """Text (possibly typed by the user) safe inside markdown: no formatting, no links."""
    return unlinked(visible(re.sub(r"([\\`*_\[\]<>|~$])", r"\\\1", text)))


def _tariff() -> Tariff:
    return published_tariff()


@st.cache_resource
def _shipped_presets() -> tuple[Preset, ...]:
    return list_presets()  # frozen values, read once per server


def presets() -> dict[str, Preset]:
    return {p.name: p for p in _shipped_presets()}


def _header(start: object, months: int, until: object, users: int, survive: bool, lock: int, ratio: Decimal,
            auto: int) -> Scenario:
    """A header in one form whatever its source: a setting equal to the tariff's default is left unset.

    Raises ScenarioError (e.g. ``until`` not after ``start``).
    """
    tariff = _tariff()
    settings: dict[str, Any] = {}
    if survive != tariff.packs_survive_lapse:
        settings["packs_survive_lapse"] = survive
    if lock != tariff.over_quota_lock_days:
        settings["over_quota_lock_days"] = lock
    if ratio != tariff.warn_ratio:
        settings["warn_ratio"] = str(ratio)
    if auto != 1:
        settings["auto_renew_months"] = auto
    return parse_scenario({"start": start, "months": months, "until": until, "users": users,
                           "settings": settings, "events": []})


def _normal(draft: Draft) -> Draft:
    """The draft with its header in the form the widgets write."""
    h = draft.header
    s = effective_settings(h.settings, _tariff())
    header = _header(h.start, h.months, h.until, h.users, s.packs_survive_lapse, s.over_quota_lock_days,
                     s.warn_ratio, s.auto_renew_months)
    return replace(draft, header=header)


@lru_cache(maxsize=32)
def preset_draft(name: str) -> Draft:
    """A shipped example as a draft (frozen, the same for every session: kept per server)."""
    return _normal(draft_from_scenario(presets()[name].scenario))


def _notice(kind: str, **params: Any) -> None:
    """A notice shown until the scenario next changes."""
    st.session_state[NOTICES].append({"kind": kind, "params": params, "draft": st.session_state[DRAFT]})


def _widget_values(draft: Draft) -> dict[str, object]:
    h = draft.header
    s = effective_settings(h.settings, _tariff())
    return {W_START: h.start, W_MONTHS: h.months, W_USERS: h.users, W_UNTIL: h.until,
            W_SURVIVE: s.packs_survive_lapse, W_LOCK: s.over_quota_lock_days,
            W_WARN: float(s.warn_ratio * 100), W_AUTO: s.auto_renew_months}


def _load(draft: Draft, origin: str | None) -> None:
    """Make ``draft`` the scenario: widgets, a fresh events table, the example picker."""
    draft = _normal(draft)
    ss = st.session_state
    ss[DRAFT] = draft
    ss[ORIGIN] = origin
    ss[EDITOR_V] = ss.get(EDITOR_V, 0) + 1
    ss[W_PRESET] = origin or CUSTOM
    ss[UNTIL_SET] = False
    for key, value in _widget_values(draft).items():
        ss[key] = value


def _start_session() -> None:
    """First visit in this session: the scenario from the link (``s`` or ``preset``), else E3."""
    st.session_state[NOTICES] = []
    st.session_state[UPLOAD_V] = 0
    known = presets()
    _load(preset_draft(DEFAULT_PRESET), DEFAULT_PRESET)
    linked = st.query_params.get(PARAM)
    named = st.query_params.get(PRESET_PARAM)
    try:
        if linked:
            _load(draft_from_document(decode_document(linked), name=PARAM), None)
        elif named:
            if named not in known:
                raise ScenarioError(PRESET_PARAM, named[:40], "preset_unknown", names=", ".join(known))
            _load(preset_draft(named), named)
    except ScenarioError as exc:
        _notice("link_bad", error=exc)


def _from_quote() -> None:
    """A quote's link (``users``, ``start``, ``months``): its scenario replaces the one being edited."""
    given = {name: st.query_params.get(name) for name in QUOTE_PARAMS}
    if not any(given.values()):
        return
    for name in QUOTE_PARAMS:
        if name in st.query_params:
            del st.query_params[name]
    try:
        draft = draft_from_document(quote_document({k: v or "" for k, v in given.items()}, _tariff()))
    except SmopError as exc:
        _notice("quote_bad", error=exc)
        return
    _load(draft, None)
    _notice("quote_ok", users=f"{draft.header.users:,}", start=draft.header.start.isoformat(),
            months=draft.header.months)


def ensure_state() -> None:
    """Start the session (or come back to the page): the draft, its widgets, a quote's link."""
    ss = st.session_state
    if DRAFT not in ss:
        _start_session()
    _from_quote()
    for key, value in _widget_values(ss[DRAFT]).items():
        ss.setdefault(key, value)  # back from another page: widgets start from the draft
    ss.setdefault(W_PRESET, ss[ORIGIN] or CUSTOM)
    ss.setdefault(UNTIL_SET, False)


def draft() -> Draft:
    value: Draft = st.session_state[DRAFT]
    return value


def origin() -> str | None:
    value: str | None = st.session_state[ORIGIN]
    return value


# --------------------------------------------------------------------------- callbacks


def on_preset() -> None:
    name = st.session_state[W_PRESET]
    if name != CUSTOM:
        _load(preset_draft(name), name)


def on_restore() -> None:
    name = st.session_state[ORIGIN]
    if name:
        _load(preset_draft(name), name)


def on_start() -> None:
    """The first purchase moved: "simulate until" keeps the span, unless the user set it."""
    ss = st.session_state
    if not ss.get(UNTIL_SET) and ss.get(W_START) is not None:
        ss[W_UNTIL] = follow_start(draft().header, ss[W_START])


def on_until() -> None:
    st.session_state[UNTIL_SET] = True


def on_upload(key: str) -> None:
    upload = st.session_state.get(key)
    if upload is None:
        return
    st.session_state[UPLOAD_V] += 1  # a fresh picker: the same file can be chosen again
    try:
        loaded = draft_from_document(upload.getvalue(), name=upload.name)
    except ScenarioError as exc:
        _notice("upload_bad", name=upload.name, error=exc)
        return
    _load(loaded, None)
    _notice("upload_ok", name=upload.name)


def upload_key() -> str:
    return f"life_upload_{st.session_state[UPLOAD_V]}"


def editor_key() -> str:
    return f"life_events_{st.session_state[EDITOR_V]}"


# --------------------------------------------------------------------------- reading the widgets


def show_notices(lang: str) -> None:
    show_shared_notices()  # a bad link parameter shared with every page (lang)
    current = st.session_state[DRAFT]
    kept = [n for n in st.session_state[NOTICES] if n["draft"] == current]
    st.session_state[NOTICES] = kept
    for notice in kept:
        params = dict(notice["params"])
        kind = notice["kind"]
        if "error" in params:
            params["reason"] = error_text(params.pop("error"), lang)
        if kind in ("link_bad", "quote_bad"):
            title = presets()[DEFAULT_PRESET].title(lang)
            st.warning(md(t(f"lifepage.{kind}", lang, title=title, **params)), icon=":material/warning:")
        elif kind == "upload_bad":
            st.error(md(t("lifepage.upload_bad", lang, **params)), icon=":material/block:")
        else:
            st.success(md(t(f"lifepage.{kind}", lang, **params)), icon=":material/check_circle:")


def commit_header() -> ScenarioError | None:
    """The header the widgets describe becomes the draft's; its problem (the draft keeps the last
    valid header) when it has one."""
    ss = st.session_state
    ratio = (Decimal(str(ss[W_WARN])) / 100).normalize()  # the widget shows a percentage
    try:
        header = _header(ss[W_START], int(ss[W_MONTHS]), ss[W_UNTIL], int(ss[W_USERS]), bool(ss[W_SURVIVE]),
                         int(ss[W_LOCK]), ratio, int(ss[W_AUTO]))
    except ScenarioError as exc:
        return exc
    if header != draft().header:
        ss[DRAFT] = replace(draft(), header=header)
    return None


def preset_edited() -> bool:
    name = origin()
    return bool(name) and draft() != preset_draft(str(name))


@dataclass(frozen=True)
class EventsTable:
    frame: pd.DataFrame
    config: dict[str, Any]
    check: DraftCheck


def events_table(lang: str) -> EventsTable:
    """The events table as the editor shows it: numbered rows, each row's problem, worded columns;
    kept while the rows, their problems and the language are the same (a change of the users
    leaves them; the editor copies the frame it is given)."""
    current = draft()
    check = checked(current)
    problems = tuple(row_error_text(check.errors[i], lang) if i in check.errors else ""
                     for i in range(len(current.rows)))
    table: EventsTable = memo("life_events_table", (current.rows, problems, lang),
                              lambda: _events_table(current, check, problems, lang))
    return table if table.check is check else replace(table, check=check)


def _events_table(current: Draft, check: DraftCheck, problems: tuple[str, ...], lang: str) -> EventsTable:
    frame = rows_frame(current.rows)
    frame[PROBLEM] = list(problems)
    frame.insert(0, ROW, range(1, len(frame) + 1))
    actions = [*ACTIONS, *sorted({str(r[1]) for r in current.rows if r[1] and r[1] not in ACTIONS})]
    bounds = {"min_value": -MAX_CELL_NUMBER, "max_value": MAX_CELL_NUMBER}  # what a row can hold
    column = st.column_config
    config = {
        ROW: column.NumberColumn("#", disabled=True, width=40, pinned=True),
        "date": column.DateColumn(t("lifepage.col_date", lang), format="YYYY-MM-DD", width=96),
        "action": column.SelectboxColumn(t("lifepage.col_action", lang), options=actions,
                                         format_func=lambda a: action_text(a, lang), width=120),
        "months": column.NumberColumn(t("lifepage.col_months", lang), step=1, width=60, **bounds),
        "units": column.NumberColumn(t("lifepage.col_units", lang), step=1, width=60, **bounds),
        "users": column.NumberColumn(t("lifepage.col_users", lang), step=1, format="localized", width=100,
                                     **bounds),
        "on": column.CheckboxColumn(t("lifepage.col_on", lang), help=t("lifepage.col_on_help", lang), width=50),
        PROBLEM: column.TextColumn(t("lifepage.col_problem", lang), disabled=True, width="large"),
    }
    return EventsTable(frame, config, check)


def commit_rows(edited: pd.DataFrame, lang: str) -> None:
    """The edited table becomes the draft's rows (an action change clears what it does not use);
    a changed table reruns the page (the events editor is a fragment: its results read the rows),
    so the editor restarts from the rows with their marks."""
    edits = st.session_state.get(editor_key())
    if isinstance(edits, dict) and not any(edits.get(k) for k in ("edited_rows", "added_rows", "deleted_rows")):
        return  # nothing edited: the table is the rows as they are
    current = draft()
    try:
        rows = follow_action(current.rows, rows_from_frame(edited))
    except ScenarioError as exc:  # the typed, bounded columns should never give one; keep what we had
        st.error(md(error_text(exc, lang)), icon=":material/block:")
        return
    if rows != current.rows:
        st.session_state[DRAFT] = replace(current, rows=rows)
        st.session_state[EDITOR_V] += 1
        st.rerun(scope="app")


def sync_url(lang: str) -> None:
    """``?preset=`` for an unchanged example (none for the default), else ``?s=``; an over-long link says so."""
    current, name = draft(), origin()
    want: dict[str, str] = {}
    if name and current == preset_draft(name):
        if name != DEFAULT_PRESET:
            want[PRESET_PARAM] = name
    else:
        try:
            want[PARAM] = encode_document(draft_to_document(current))
        except ScenarioError as exc:
            st.info(t("lifepage.link_too_long", lang, n=exc.value, maximum=exc.params.get("maximum", "")),
                    icon=":material/info:")
    for key in (PARAM, PRESET_PARAM):
        if key in want:
            if st.query_params.get(key) != want[key]:
                st.query_params[key] = want[key]
        elif key in st.query_params:
            del st.query_params[key]


# --------------------------------------------------------------------------- results


def _describer(result: SimulationResult, lang: str) -> Describe:
    """The tooltip text of a timeline marker, in the page's language."""

    def describe(source: LedgerEntry | Rejection | Event) -> str:
        if isinstance(source, LedgerEntry):
            row = ledger_row(source, lang)
            text = f"{row.label} {row.quantity}: {row.amount_text}"
            return f"{text} → {source.expiry.isoformat()}" if source.expiry else text
        if isinstance(source, Rejection):
            return rejection_text(source, lang)
        if source.action == "set_users":
            return note_text(Note(source.date, "set_users", (("users", source.users or 0),)), lang)
        if source.on:
            months = source.months or result.settings.auto_renew_months
            return note_text(Note(source.date, "auto_on", (("months", months),)), lang)
        return note_text(Note(source.date, "auto_off"), lang)

    return describe


def _labels(lang: str) -> tuple[TimelineLabels, CapacityLabels, SpendLabels]:
    def c(key: str) -> str:
        return t(f"lifepage.{key}", lang)

    timeline = TimelineLabels(
        service=c("chart_service"), states={s: state_label(s, lang) for s in STATES},
        kinds={k: c(f"kind_{k}") for k in KINDS}, expiry=c("chart_expiry"), reclamation=c("chart_reclamation"),
        date=c("chart_date"), first=c("chart_first"), last=c("chart_last"), days=c("chart_days"),
        state=c("chart_state"), event=c("chart_event"), detail=c("chart_detail"), lang=lang,
    )
    capacity = CapacityLabels(
        users=c("series_users"), capacity=c("series_capacity"), threshold=c("series_threshold"),
        over=c("series_over"), locked=c("series_locked"), stopped=c("series_stopped"), axis=c("users_axis"),
        date=c("chart_date"), first=c("chart_first"), last=c("chart_last"), wan=lang == "zh", lang=lang,
    )
    spend = SpendLabels(
        axis=c("spend_axis"), date=c("chart_date"), item=c("spend_item"),
        items={item: t(f"lifecycle.item_{item}", lang) for item in ("purchase", "renew", "auto_renew", "buy_packs")},
        amount=c("spend_amount"), total=c("spend_total"), lang=lang,
    )
    return timeline, capacity, spend


def chart_specs(result: SimulationResult, lang: str) -> tuple[Spec, Spec, Spec]:
    """The timeline, capacity and spend charts as Vega-Lite specs (see smop_ui.charts), each kept
    in this session by what it reads of the result: a change of the users redraws only capacity."""
    timeline_labels, capacity_labels, spend_labels = _labels(lang)
    return (
        memo("life_timeline", (timeline_reads(result), lang),
             lambda: vega_spec(timeline_chart(result, timeline_labels, _describer(result, lang)))),
        memo("life_capacity", (result.scenario, lang), lambda: capacity_spec(result, capacity_labels)),
        memo("life_spend", (spend_reads(result), lang), lambda: vega_spec(spend_chart(result, spend_labels))),
    )


def capacity_spec(result: SimulationResult, labels: CapacityLabels) -> Spec:
    """The capacity chart's spec: built once per shape (labels, span, series shown); for a result
    of the same shape (a change of the users) its layers' data and description are swapped in,
    each layer's data converted only when it changed (kept by its key): the spec the chart's build
    gives (tests/test_charts_lifecycle.py), for a fraction of its cost."""
    parts = capacity_parts(result, labels)
    template = memo("life_capacity_shape", parts.shape, lambda: vega_spec(capacity_chart(result, labels)))
    datasets = [memo(f"life_capacity_data_{i}", key, lambda make=make: arrow_dataset(make()))  # type: ignore[misc]
                for i, (key, make) in enumerate(zip(parts.keys, parts.makers, strict=True))]
    swapped = with_layer_data(template, datasets, parts.description)
    return swapped if swapped is not None else vega_spec(capacity_chart(result, labels))


def _ledger_table(result: SimulationResult, lang: str) -> pa.Table:
    rows = [
        {t("lifepage.ledger_date", lang): row.date, t("lifepage.ledger_item", lang): row.label,
         t("lifepage.ledger_quantity", lang): row.quantity, t("lifepage.ledger_amount", lang): row.amount_text,
         t("lifepage.ledger_expiry", lang): entry.expiry.isoformat() if entry.expiry else "—"}
        for entry, row in ((e, ledger_row(e, lang)) for e in result.ledger)
    ]
    return arrow(pd.DataFrame(rows))


def ledger_table(result: SimulationResult, lang: str) -> pa.Table:
    """Every charge, worded, kept (it changes only with the ledger and language)."""
    return memo("life_ledger_table", (result.ledger, lang), lambda: _ledger_table(result, lang))


def _periods_table(result: SimulationResult, lang: str) -> pa.Table:
    rows = [
        {t("lifepage.period_state", lang): state_label(p.state, lang), t("lifepage.period_first", lang): p.start,
         t("lifepage.period_last", lang): p.end - timedelta(days=1),
         t("lifepage.period_days", lang): (p.end - p.start).days}
        for p in result.periods
    ]
    return arrow(pd.DataFrame(rows))


def periods_table(result: SimulationResult, lang: str) -> pa.Table:
    """The state periods, worded, kept (they change only with the periods and language)."""
    return memo("life_periods_table", (result.periods, lang), lambda: _periods_table(result, lang))


def rules_text(result: SimulationResult, lang: str) -> str:
    """The timeline's expiry days and reclamation deadlines in words (the caption under it), kept
    with the timeline by what it reads."""
    text: str = memo("life_rules_text", (timeline_reads(result), lang), lambda: rule_lines(result, _labels(lang)[0]))
    return text


def checked(current: Draft) -> DraftCheck:
    """The draft's check (its valid scenario, its rows' problems), kept while the draft is the same."""
    check: DraftCheck = memo("life_check", current, lambda: check_draft(current))
    return check
